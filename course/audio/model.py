"""Spectrograms and the conv + GRU trigger-word model (Day 29); imports torch.

``spectrogram`` frames the waveform without padding (torch.stft with ``center=False``), weights
each frame with a periodic Hann window and returns the natural log of the power, (frames, freqs).
``TriggerModel`` reads those frames: a 1-d convolution over time with a stride (fewer, wider
steps), batch norm, ReLU, a one-way GRU (each output sees only the past, as a detector listening
live must) and a linear layer giving one logit per output step.
"""
from __future__ import annotations

import time

import numpy as np
import torch
from torch import nn

from ..device import get_device
from ..training import progress_bar, seed_everything
from . import clips

N_FFT, HOP = 400, 160  # 25 ms frames every 10 ms at 16 kHz


def spectrogram(wave, n_fft=N_FFT, hop=HOP, eps=1e-6):
    """Log-power spectrogram: frames of ``n_fft`` samples every ``hop`` (no padding), each times a
    periodic Hann window, |rfft|^2, then log(. + eps).

    Inputs: wave: (..., T) tensor. Returns: (..., 1 + (T - n_fft) // hop, n_fft // 2 + 1)."""
    frames = wave.unfold(-1, n_fft, hop)
    window = torch.hann_window(n_fft, periodic=True, dtype=wave.dtype, device=wave.device)
    power = torch.fft.rfft(frames * window).abs() ** 2
    return torch.log(power + eps)


def n_frames(n_samples, n_fft=N_FFT, hop=HOP):
    """The number of spectrogram frames of a waveform of ``n_samples``."""
    return 1 + (n_samples - n_fft) // hop


class TriggerModel(nn.Module):
    """Conv1d(n_freq -> conv_channels, kernel_size, stride) -> BatchNorm1d -> ReLU -> dropout ->
    GRU(conv_channels -> hidden_size, one way) -> dropout -> Linear(hidden_size -> 1).

    forward(X): X (N, frames, n_freq) -> logits (N, steps), steps = (frames - kernel_size) // stride + 1.
    """

    def __init__(self, n_freq=N_FFT // 2 + 1, conv_channels=64, hidden_size=64, kernel_size=11, stride=4,
                 dropout=0.2):
        super().__init__()
        self.conv = nn.Conv1d(n_freq, conv_channels, kernel_size, stride=stride)
        self.bn = nn.BatchNorm1d(conv_channels)
        self.gru = nn.GRU(conv_channels, hidden_size, batch_first=True)
        self.fc = nn.Linear(hidden_size, 1)
        self.dropout = nn.Dropout(dropout)

    def forward(self, X):
        h = self.dropout(torch.relu(self.bn(self.conv(X.transpose(1, 2)))))
        out, _ = self.gru(h.transpose(1, 2))
        return self.fc(self.dropout(out)).squeeze(-1)


@torch.no_grad()
def output_steps(model, frames, device="auto"):
    """The number of output steps ``model`` gives for ``frames`` input frames (one dry run)."""
    device = get_device(device)
    was_training = model.training
    model.to(device).eval()
    n_freq = next(m for m in model.modules() if isinstance(m, nn.Conv1d)).in_channels
    dtype = next(model.parameters()).dtype
    steps = model(torch.zeros(1, frames, n_freq, device=device, dtype=dtype)).shape[1]
    model.train(was_training)
    return steps


@torch.no_grad()
def predict_probs(model, waves, device="auto", batch_size=64):
    """The model's probabilities (sigmoid of its logits) for each clip: (N, steps) NumPy float32."""
    device = get_device(device)
    model.to(device).eval()
    out = []
    for i in range(0, len(waves), batch_size):
        X = spectrogram(torch.as_tensor(np.asarray(waves[i:i + batch_size]), device=device))
        out.append(torch.sigmoid(model(X)).cpu().numpy())
    return np.concatenate(out) if out else np.zeros((0, 0), np.float32)


def evaluate_f1(model, waves, ends, *, duration, sample_rate, threshold=0.5, min_gap_s=0.5, device="auto",
                before=0.2, after=0.6):
    """Detections in each clip (``clips.detect``), matched to the trigger ends (``ends``: samples).

    Returns a dict: "precision", "recall", "f1", "tp", "fp", "fn", "probs", "detections" (steps)."""
    probs = predict_probs(model, waves, device)
    steps = probs.shape[1]
    min_gap = int(np.ceil(min_gap_s * steps / duration))
    tp = fp = fn = 0
    detections = []
    for p, e in zip(probs, ends):
        d = clips.detect(p, threshold, min_gap)
        detections.append(d)
        counts = clips.match_detections(clips.step_times(d, steps, duration), [x / sample_rate for x in e],
                                        before, after)
        tp, fp, fn = tp + counts[0], fp + counts[1], fn + counts[2]
    precision, recall, f1 = clips.f1_score(tp, fp, fn)
    return {"precision": precision, "recall": recall, "f1": f1, "tp": tp, "fp": fp, "fn": fn,
            "probs": probs, "detections": detections}


def train_trigger(model, bank, *, num_epochs, clips_per_epoch, batch_size=32, lr=3e-3, width=5,
                  duration=3.0, sample_rate=16_000, device="auto", seed=0, progress=True, desc="training",
                  pos_weight=1.0):
    """Train ``model`` on fresh clips every epoch (``clips.make_clips`` from ``bank``, seeded by
    ``seed`` and the epoch), with ``clips.make_labels`` labels, binary cross-entropy on the logits
    (``pos_weight`` on the ones), Adam with a learning rate decayed along a cosine to 0.

    Returns a history: dict of per-epoch lists "loss" (mean over the epoch's batches), "seconds"
    (cumulative, clip making included)."""
    device = get_device(device)
    seed_everything(seed)
    model.to(device)
    n = int(round(duration * sample_rate))
    steps = output_steps(model, n_frames(n), device)
    batches = max(clips_per_epoch // batch_size, 1)
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=lr, total_steps=num_epochs * batches,
                                                pct_start=0.1, anneal_strategy="cos")
    loss_fn = nn.BCEWithLogitsLoss(pos_weight=torch.tensor(pos_weight, device=device))
    history = {"loss": [], "seconds": []}
    bar = progress_bar(progress, total=num_epochs * batches, desc=desc, unit="batch")
    start = time.perf_counter()
    try:
        for epoch in range(num_epochs):
            waves, ends = clips.make_clips(bank, batches * batch_size, seed=[seed, epoch], duration=duration,
                                           sample_rate=sample_rate)
            Y = np.stack([clips.make_labels(e, n, steps, width) for e in ends])
            model.train()
            total = 0.0
            for b in range(batches):
                sl = slice(b * batch_size, (b + 1) * batch_size)
                X = spectrogram(torch.as_tensor(waves[sl], device=device))
                loss = loss_fn(model(X), torch.as_tensor(Y[sl], device=device))
                opt.zero_grad(set_to_none=True)
                loss.backward()
                opt.step()
                sched.step()
                total += float(loss.detach())
                bar.update()
            history["loss"].append(total / batches)
            history["seconds"].append(time.perf_counter() - start)
            bar.set_description(f"{desc} (epoch {epoch + 1}/{num_epochs})")
            bar.set_postfix(loss=f"{history['loss'][-1]:.4f}")
    finally:
        bar.close()
    return history
