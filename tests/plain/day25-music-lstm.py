"""Day 25's exercises solved the plain way, from the student notebook's text alone."""
# %% notes_to_tokens
def notes_to_tokens(notes, stoi):
    """A melody as a list of token ids.

    Inputs:
    - notes: list of (pitch, steps) pairs, ints
    - stoi: dict, token string -> id; holds chorales.START, chorales.END and a "pitch:steps"
      string (e.g. "67:4") for every note

    Returns:
    - ids: list of len(notes) + 2 ints: stoi[chorales.START], the id of each note's token in
      order, stoi[chorales.END]
    """
    ids = []
    ids.append(stoi[chorales.START])
    for note in notes:
        token = str(note[0]) + ":" + str(note[1])
        ids.append(stoi[token])
    ids.append(stoi[chorales.END])
    return ids

# %% bigram_cross_entropy
def bigram_cross_entropy(train, val, vocab_size, k=1.0):
    """Validation cross-entropy of an add-k smoothed bigram model counted on the training sequences.

    Inputs:
    - train: list of sequences (lists of ints in [0, vocab_size)), to count the pairs in
    - val: list of sequences, to score
    - vocab_size: V
    - k: the smoothing count added to every pair, > 0

    Returns:
    - ce: float, the mean over every pair (x[t], x[t+1]) within every sequence of val of
      -ln P(x[t+1] | x[t]), with P(b | a) = (C[a, b] + k) / (C[a] + k V)
    """
    counts = np.zeros((vocab_size, vocab_size))
    for seq in train:
        for t in range(len(seq) - 1):
            counts[seq[t], seq[t + 1]] += 1
    row_totals = counts.sum(axis=1)
    total = 0.0
    n = 0
    for seq in val:
        for t in range(len(seq) - 1):
            a = seq[t]
            b = seq[t + 1]
            p = (counts[a, b] + k) / (row_totals[a] + k * vocab_size)
            total += -np.log(p)
            n += 1
    return total / n

# %% note_model
class NoteModel(nn.Module):
    """Next-token model: embedding -> LSTM (batch first) -> linear layer to the vocabulary.

    Inputs of __init__:
    - vocab_size: V
    - embed_dim: E, the size of each token's vector
    - hidden_size: H, the LSTM's hidden units
    - num_layers: the LSTM's layers

    Inputs of forward:
    - X: (N, T) int64 token ids
    - state: None (start from zeros) or the LSTM's state (h, c), each (num_layers, N, H)

    Returns a tuple of:
    - logits: (N, T, V), the scores of the next token after each step
    - state: the LSTM's state (h, c) after the last step
    """

    def __init__(self, vocab_size, embed_dim=32, hidden_size=128, num_layers=1):
        super().__init__()
        self.embed = nn.Embedding(num_embeddings=vocab_size, embedding_dim=embed_dim)
        self.lstm = nn.LSTM(input_size=embed_dim, hidden_size=hidden_size, num_layers=num_layers,
                            batch_first=True)
        self.out = nn.Linear(in_features=hidden_size, out_features=vocab_size)

    def forward(self, X, state=None):
        e = self.embed(X)
        if state is None:
            a, state = self.lstm(e)
        else:
            a, state = self.lstm(e, state)
        logits = self.out(a)
        return logits, state

# %% sample
def sample(model, start_id, end_id, max_len=100, temperature=1.0, generator=None):
    """Draw one sequence from a next-token model.

    Inputs:
    - model: returns (logits, state) = model(X, state) for X (1, T) int64 ids, logits (1, T, V)
    - start_id: the id fed first (not returned)
    - end_id: stop once this id is drawn (and return it as the last id)
    - max_len: stop after this many ids were drawn
    - temperature: tau > 0; draw from softmax(logits / tau) of the last step
    - generator: a torch.Generator for torch.multinomial, or None

    Returns:
    - ids: list of ints, the ids drawn in order (at most max_len; the last is end_id if it was drawn)
    """
    device = next(model.parameters()).device
    ids = []
    token = start_id
    state = None
    with torch.no_grad():
        while len(ids) < max_len:
            X = torch.tensor([[token]], dtype=torch.long, device=device)
            logits, state = model(X, state)
            p = torch.softmax(logits[0, -1] / temperature, dim=-1).cpu()
            token = torch.multinomial(p, 1, generator=generator).item()
            ids.append(token)
            if token == end_id:
                break
    return ids

# %% synthesise
def synthesise(notes, sample_rate=16000, step_seconds=0.125):
    """A melody as a waveform: a sine with an envelope per note, zeros for a rest.

    Inputs:
    - notes: list of (pitch, steps): MIDI pitch (0: a rest), length in sixteenths
    - sample_rate: samples per second
    - step_seconds: the length of one step (a sixteenth) in seconds

    Returns:
    - wave: float array (num_samples,), num_samples the sum over the notes of
      round(steps * step_seconds * sample_rate); each note 0.5 * env(t) * sin(2 pi f t), t from the
      note's start, f = 440 * 2 ** ((pitch - 69) / 12)
    """
    wave = []
    for pitch, steps in notes:
        n = round(steps * step_seconds * sample_rate)
        if pitch == 0:
            wave.append(np.zeros(n))
        else:
            f = 440 * 2 ** ((pitch - 69) / 12)
            t = np.arange(n) / sample_rate
            d = n / sample_rate
            env = np.minimum(1, np.minimum(t / 0.01, (d - t) / 0.05))
            env = np.maximum(env, 0)
            wave.append(0.5 * env * np.sin(2 * np.pi * f * t))
    return np.concatenate(wave)
