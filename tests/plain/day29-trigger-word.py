"""Day 29's exercises solved the plain way, from the student notebook's text alone."""
# %% insert_clip
def insert_clip(background, clip, start, segments):
    """Add a word onto a background at a given start, unless it overlaps a taken segment.

    Inputs:
    - background: (T,) float array, the clip so far (not modified)
    - clip: (L,) float array, the word
    - start: int, the sample where the word begins
    - segments: list of (first, last) sample indices already taken, both included

    Returns a tuple of:
    - out: a new (T,) array equal to background with clip added on samples start .. start + L - 1;
      or background itself when the word overlaps a segment or runs past the end
    - segment: (start, start + L - 1), or None when nothing was inserted
    """
    end = start + len(clip) - 1
    if end > len(background) - 1:
        return background, None
    overlap = False
    for segment in segments:
        if start <= segment[1] and end >= segment[0]:
            overlap = True
    if overlap:
        return background, None
    out = np.copy(background)
    for i in range(len(clip)):
        out[start + i] = out[start + i] + clip[i]
    return out, (start, end)

# %% make_labels
def make_labels(ends, n_samples, n_steps, width):
    """Targets for one clip: 1 on the `width` steps right after each trigger word ends.

    Inputs:
    - ends: list of ints, the last sample of each trigger word in the clip
    - n_samples: T, the clip's length in samples
    - n_steps: the number of output steps
    - width: how many steps are labelled 1 after each trigger

    Returns:
    - y: (n_steps,) float32 array of 0 and 1: for each end, with k = end * n_steps // n_samples,
      steps k + 1 .. k + width are 1 (those past the last step are left out)
    """
    y = np.zeros(n_steps, dtype=np.float32)
    for end in ends:
        k = end * n_steps // n_samples
        for i in range(k + 1, k + width + 1):
            if i < n_steps:
                y[i] = 1.0
    return y

# %% spectrogram
def spectrogram(wave, n_fft=400, hop=160, eps=1e-6):
    """Log-power spectrogram of a waveform, without padding.

    Inputs:
    - wave: (..., T) float tensor
    - n_fft: samples per frame; hop: samples between the starts of two frames
    - eps: added to the power before the log

    Returns:
    - S: (..., 1 + (T - n_fft) // hop, n_fft // 2 + 1) tensor, frames first, then frequencies:
      log(|rfft(frame * hann_window)|^2 + eps)
    """
    n_frames = 1 + (wave.shape[-1] - n_fft) // hop
    window = torch.hann_window(n_fft, dtype=wave.dtype, device=wave.device)
    frames = torch.stack([wave[..., m * hop:m * hop + n_fft] for m in range(n_frames)], dim=-2)
    X = torch.fft.rfft(frames * window)
    power = X.real ** 2 + X.imag ** 2
    return torch.log(power + eps)

# %% trigger_model
class TriggerModel(nn.Module):
    """Trigger-word detector: Conv1d over time -> BatchNorm1d -> ReLU -> dropout -> GRU (one way,
    batch first) -> dropout -> Linear to one logit per step.
    """

    def __init__(self, n_freq=201, conv_channels=64, hidden_size=64, kernel_size=11, stride=4, dropout=0.2):
        super().__init__()
        self.conv = nn.Conv1d(in_channels=n_freq, out_channels=conv_channels, kernel_size=kernel_size,
                              stride=stride)
        self.bn = nn.BatchNorm1d(conv_channels)
        self.gru = nn.GRU(input_size=conv_channels, hidden_size=hidden_size, num_layers=1, batch_first=True)
        self.fc = nn.Linear(hidden_size, 1)
        self.dropout = nn.Dropout(p=dropout)

    def forward(self, X):
        h = X.permute(0, 2, 1)
        h = self.conv(h)
        h = self.bn(h)
        h = nn.functional.relu(h)
        h = self.dropout(h)
        h = h.permute(0, 2, 1)
        out, h_last = self.gru(h)
        out = self.dropout(out)
        logits = self.fc(out)
        return logits[:, :, 0]

# %% detect
def detect(probs, threshold=0.5, min_gap=0):
    """The steps where a clip's output rises to the threshold.

    Inputs:
    - probs: (steps,) array of probabilities
    - threshold: theta; a step t is a rise when probs[t] >= theta and (t == 0 or probs[t - 1] < theta)
    - min_gap: skip a rise that comes fewer than min_gap steps after the last detection

    Returns:
    - detections: list of ints, the steps of the rises kept, in order
    """
    detections = []
    last = -1000000
    previous = 0.0
    for t, p in enumerate(probs):
        if t == 0:
            rise = p >= threshold
        else:
            rise = p >= threshold and previous < threshold
        if rise and t - last >= min_gap:
            detections.append(t)
            last = t
        previous = p
    return detections
