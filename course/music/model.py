"""A next-note model: token embedding, LSTM, linear layer to the vocabulary (Day 25), its training
loop over padded batches of melodies, and sampling with a temperature.

Batches are ``(N, T)`` int64 tensors of token ids, rows padded at the end with ``pad_id`` (0); the
model reads ``X[:, :-1]`` and is scored on predicting ``X[:, 1:]`` (the next token), padding left out.
"""
from __future__ import annotations

import math
import time

import numpy as np
import torch
from torch import nn
import torch.nn.functional as F

from ..device import get_device
from ..training import progress_bar


class NoteModel(nn.Module):
    """``nn.Embedding(vocab_size, embed_dim)`` -> ``nn.LSTM(embed_dim, hidden_size, num_layers,
    batch_first=True)`` -> ``nn.Linear(hidden_size, vocab_size)``. (Reference for Day 25's model
    exercise: the attribute names ``embed``, ``lstm``, ``out`` are the ones the tests read.)"""

    def __init__(self, vocab_size: int, embed_dim: int = 32, hidden_size: int = 128,
                 num_layers: int = 1, dropout: float = 0.0):
        super().__init__()
        self.embed = nn.Embedding(vocab_size, embed_dim)
        self.lstm = nn.LSTM(embed_dim, hidden_size, num_layers, batch_first=True,
                            dropout=dropout if num_layers > 1 else 0.0)
        self.out = nn.Linear(hidden_size, vocab_size)

    def forward(self, X, state=None):
        """Inputs: X (N, T) token ids; state None or the LSTM's ``(h, c)``, each
        (num_layers, N, hidden_size). Returns a tuple of: logits (N, T, vocab_size), the new state."""
        a, state = self.lstm(self.embed(X), state)
        return self.out(a), state


def pad_batch(seqs, pad_id: int = 0):
    """A list of id sequences as one (N, T_max) int64 tensor, padded at the end with ``pad_id``."""
    T = max(len(s) for s in seqs)
    X = torch.full((len(seqs), T), pad_id, dtype=torch.long)
    for i, s in enumerate(seqs):
        X[i, :len(s)] = torch.as_tensor(s, dtype=torch.long)
    return X


def next_token_loss(logits, X, pad_id: int = 0, reduction: str = "mean"):
    """Cross-entropy of ``logits[:, t]`` (made from ``X[:, :t+1]``) against ``X[:, t+1]``, padding
    left out. ``logits`` (N, T-1, V) from ``model(X[:, :-1])``."""
    return F.cross_entropy(logits.reshape(-1, logits.shape[-1]), X[:, 1:].reshape(-1),
                           ignore_index=pad_id, reduction=reduction)


def evaluate_loss(model, seqs, batch_size: int = 64, device="auto", pad_id: int = 0) -> float:
    """Mean cross-entropy (nats per predicted token) of ``model`` over the sequences ``seqs``."""
    device = get_device(device)
    was_training = model.training
    model.eval()
    total, count = 0.0, 0
    seqs = sorted(seqs, key=len)  # similar lengths together: less padding to compute
    with torch.no_grad():  # not a decorator: course.integrity marks this module's functions
        for i in range(0, len(seqs), batch_size):
            X = pad_batch(seqs[i:i + batch_size], pad_id).to(device)
            logits, _ = model(X[:, :-1])
            total += float(next_token_loss(logits, X, pad_id, reduction="sum"))
            count += int((X[:, 1:] != pad_id).sum())
    model.train(was_training)
    return total / count


def _length_batches(seqs, batch_size: int, g):
    """Batches of indices of sequences of similar lengths (less padding to compute), in random order:
    sorted by length with random tie-breaking jitter, cut into batches, the batches shuffled."""
    lengths = np.array([len(s) for s in seqs], dtype=float)
    order = np.argsort(lengths * (1 + 0.1 * g.random(len(seqs))), kind="stable")
    batches = [order[i:i + batch_size] for i in range(0, len(order), batch_size)]
    return [batches[i] for i in g.permutation(len(batches))]


def train_next_note(model, train, val, *, num_epochs: int, batch_size: int = 32, lr: float = 3e-3,
                    device="auto", seed: int = 0, clip: float = 1.0, pad_id: int = 0,
                    progress: bool = True, desc: str = "training") -> dict:
    """Train ``model`` (a NoteModel, or anything with its forward) on the id sequences ``train``
    (in batches of similar lengths, shuffled) with Adam, a cosine-decayed learning rate and
    gradient-norm clipping; score ``val`` after each epoch. Returns a history: per-epoch lists
    "train_loss" (mean over the epoch's tokens),
    "val_loss", "seconds" (cumulative)."""
    device = get_device(device)
    torch.manual_seed(seed)
    model.to(device)
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    steps_per_epoch = math.ceil(len(train) / batch_size)
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, num_epochs * steps_per_epoch)
    g = np.random.default_rng(seed)
    history = {"train_loss": [], "val_loss": [], "seconds": []}
    bar = progress_bar(progress, total=num_epochs * steps_per_epoch, desc=desc, unit="batch")
    start = time.perf_counter()
    try:
        for epoch in range(num_epochs):
            model.train()
            total, count = 0.0, 0
            for batch in _length_batches(train, batch_size, g):
                X = pad_batch([train[j] for j in batch], pad_id).to(device)
                logits, _ = model(X[:, :-1])
                loss = next_token_loss(logits, X, pad_id)
                opt.zero_grad(set_to_none=True)
                loss.backward()
                nn.utils.clip_grad_norm_(model.parameters(), clip)
                opt.step()
                sched.step()
                n = int((X[:, 1:] != pad_id).sum())
                total += float(loss.detach()) * n
                count += n
                bar.update()
            history["train_loss"].append(total / count)
            history["val_loss"].append(evaluate_loss(model, val, device=device, pad_id=pad_id))
            history["seconds"].append(time.perf_counter() - start)
            bar.set_description(f"{desc} (epoch {epoch + 1}/{num_epochs})")
            bar.set_postfix(loss=f"{history['train_loss'][-1]:.3f}", val=f"{history['val_loss'][-1]:.3f}")
    finally:
        bar.close()
    return history


def sample(model, start_id: int, end_id: int, max_len: int = 100, temperature: float = 1.0,
           generator=None) -> list[int]:
    """Generate one sequence: feed ``start_id``, then at each step draw the next id from
    ``softmax(logits / temperature)`` of the last position, carrying the LSTM state, and feed it
    back; stop after ``end_id`` or ``max_len`` ids. (Reference for Day 25's sampling exercise.)

    Returns: the list of drawn ids (without ``start_id``; ending with ``end_id`` if it was drawn).
    """
    device = next(model.parameters()).device if any(True for _ in model.parameters()) else "cpu"
    was_training = model.training
    model.eval()
    x = torch.tensor([[start_id]], device=device)
    state, out = None, []
    with torch.no_grad():
        for _ in range(max_len):
            logits, state = model(x, state)
            probs = torch.softmax(logits[0, -1].double().cpu() / temperature, dim=0)
            nxt = int(torch.multinomial(probs, 1, generator=generator))
            out.append(nxt)
            if nxt == end_id:
                break
            x = torch.tensor([[nxt]], device=device)
    model.train(was_training)
    return out
