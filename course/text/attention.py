"""Translation with attention (Day 28): human-readable dates to ISO ``YYYY-MM-DD`` with a
bidirectional GRU encoder and a GRU decoder that attends over the input characters (Bahdanau et
al., 2015, additive attention).

The attention step, for one decoder step and a batch of N inputs of Tx characters::

    e[n, t]  = v · tanh(a[n, t] @ W_a + s[n] @ W_s + b)       scores         (N, Tx)
    α[n, :]  = softmax of e[n, :] over the real positions t    weights        (N, Tx), 0 on padding
    c[n]     = Σ_t α[n, t] a[n, t]                             context        (N, 2H)

``a`` (N, Tx, 2H) are the encoder's outputs (forward and backward states side by side), ``s``
(N, Hd) the decoder's state before the step. A row of scores whose positions are all padding gets
all-zero weights (not NaN), so its context is the zero vector.

The API (stable; Day 30 imports it)::

    model = DateTranslator(vocab, embed_dim=32, hidden_size=64, decoder_size=128,
                           attention_size=64)               # an nn.Module
    logits = model(X, Y_in)        # (N, 10, 12) teacher forcing; Y_in = decoder_inputs(Y, start)
    logits = model(X)              # (N, 10, 12) greedy (each step fed the previous argmax)
    indices = model.translate(X)   # (N, 10) int64, greedy; decode_machine(indices, vocab) -> ISO
    indices, attn = model.translate_with_attention(X)     # attn: (N, 10, Tx)
    memory, s = model.encode(X)                            # the pieces Day 28's loop uses
    logits_t, s, alphas = model.step(y_prev, s, memory)    # one decoder step: (N, 12), (N, Hd), (N, Tx)
    model, history, seconds = train_translator(data, epochs=..., batch_size=..., lr=...,
                                               device="auto", seed=0, progress=True,
                                               threads=1, **model_kwargs)
    count_parameters(model)        # trainable numbers
    exact, per_char = translation_accuracy(model, data.X_test, data.test_iso, data.vocab)

``data`` is a ``course.data.dates.DatesData``; ``X`` holds ``(N, Tx)`` int64 indices (pad = 0),
``Y`` ``(N, 10)`` int64 indices into ``vocab.machine`` (12 symbols, ``<s>`` = 11, never a target).
``history`` has per-epoch lists "loss" (training cross-entropy per character), "test_exact"
(held-out exact match, greedy) and "seconds" (cumulative training time, evaluations excluded);
``seconds`` is the total training time. On the CPU, ``train_translator`` trains with one torch
thread unless told otherwise (``threads=None`` leaves torch's setting): see its docstring.
"""
from __future__ import annotations

import contextlib
import time
from typing import NamedTuple

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from ..device import get_device
from ..training import count_parameters, progress_bar, seed_everything

__all__ = ["DEFAULTS", "DateTranslator", "Memory", "attention_scores", "context_vector",
           "count_parameters", "cpu_threads", "decoder_inputs", "masked_softmax", "train_translator",
           "translation_accuracy"]

DEFAULTS = dict(embed_dim=32, hidden_size=64, decoder_size=128, attention_size=64)


def attention_scores(s_prev, a, W_s, W_a, b, v):
    """Additive (Bahdanau) attention scores of one decoder step.

    Inputs:
    - s_prev: (N, Hd) the decoder's state before the step
    - a: (N, Tx, 2H) the encoder's outputs
    - W_s: (Hd, A), W_a: (2H, A), b: (A,), v: (A,)
    Returns:
    - e: (N, Tx), e[n, t] = v · tanh(a[n, t] @ W_a + s_prev[n] @ W_s + b)
    """
    return _scores(s_prev @ W_s + b, a @ W_a, v)


def _scores(query, keys, v):
    # query (N, A) = s @ W_s + b, keys (N, Tx, A) = a @ W_a: computed once per input by the model
    return torch.tanh(keys + query.unsqueeze(1)) @ v


def masked_softmax(scores, mask):
    """Softmax over the input positions (axis 1), padded positions excluded.

    Inputs:
    - scores: (N, Tx) float
    - mask: (N, Tx) bool, True where there is a real character
    Returns:
    - alphas: (N, Tx), each row sums to 1 over its real positions and is exactly 0 on padding; a
      row with no real position is all zeros (not NaN)
    """
    mask = mask.bool()
    shifted = scores.masked_fill(~mask, float("-inf"))
    top = shifted.max(dim=1, keepdim=True).values
    top = torch.where(torch.isfinite(top), top, torch.zeros_like(top))
    weights = torch.exp(shifted - top) * mask
    return weights / weights.sum(dim=1, keepdim=True).clamp_min(torch.finfo(weights.dtype).tiny)


def context_vector(alphas, a):
    """The attention-weighted sum of the encoder's outputs.

    Inputs:
    - alphas: (N, Tx) attention weights
    - a: (N, Tx, 2H) the encoder's outputs
    Returns:
    - context: (N, 2H), context[n] = Σ_t alphas[n, t] a[n, t]
    """
    return torch.bmm(alphas.unsqueeze(1), a).squeeze(1)


def decoder_inputs(Y, start: int):
    """The decoder's inputs for teacher forcing: the start token, then the targets shifted right by
    one (the last target is never an input).

    Inputs:
    - Y: (N, Ty) int64 targets
    - start: the start token's index
    Returns:
    - Y_in: (N, Ty) int64, Y_in[:, 0] = start, Y_in[:, t] = Y[:, t - 1]
    """
    first = torch.full_like(Y[:, :1], start)
    return torch.cat([first, Y[:, :-1]], dim=1)


class Memory(NamedTuple):
    """What the encoder leaves for the decoder: ``a`` (N, Tx, 2H) its outputs, ``keys``
    (N, Tx, A) = a @ W_a (computed once per input), ``mask`` (N, Tx) bool, True on real characters."""
    a: torch.Tensor
    keys: torch.Tensor
    mask: torch.Tensor


class DateTranslator(nn.Module):
    """Characters in, ISO date out: embedding -> bidirectional GRU (the encoder, H per direction)
    -> a GRU cell (the decoder, Hd) that reads, at each of the 10 output steps, the previous output
    character and the context vector of additive attention over the input characters.

    Step t: scores from the state s_{t-1} (``attention_scores``), weights (``masked_softmax``),
    context c_t (``context_vector``); s_t = GRUCell([embed(y_{t-1}); c_t], s_{t-1}); logits =
    Linear([s_t; c_t]). The initial state s_0 = tanh(Linear(mean of a over the real positions)).
    """

    def __init__(self, vocab, embed_dim: int = 32, hidden_size: int = 64, decoder_size: int = 128,
                 attention_size: int = 64, output_embed_dim: int = 16):
        super().__init__()
        self.vocab = vocab
        self.Tx, self.Ty = vocab.Tx, vocab.Ty
        self.start = vocab.machine["<s>"]
        self.num_outputs = len(vocab.machine)  # 12: the 11 ISO characters and <s>
        H, Hd, A = hidden_size, decoder_size, attention_size
        self.embed = nn.Embedding(len(vocab.human), embed_dim, padding_idx=0)
        self.encoder = nn.GRU(embed_dim, H, batch_first=True, bidirectional=True)
        self.init_state = nn.Linear(2 * H, Hd)
        self.W_a = nn.Linear(2 * H, A, bias=False)
        self.W_s = nn.Linear(Hd, A)  # its bias is b
        self.v = nn.Parameter(torch.empty(A).uniform_(-A ** -0.5, A ** -0.5))
        self.out_embed = nn.Embedding(self.num_outputs, output_embed_dim)
        self.cell = nn.GRUCell(output_embed_dim + 2 * H, Hd)
        self.head = nn.Linear(Hd + 2 * H, self.num_outputs)

    def encode(self, X):
        """X (N, Tx) int64 -> (memory, s0): the encoder's outputs with their keys and mask, and the
        decoder's initial state (N, Hd)."""
        mask = X != 0
        a, _ = self.encoder(self.embed(X))
        m = mask.unsqueeze(-1).to(a.dtype)
        mean = (a * m).sum(1) / m.sum(1).clamp_min(1.0)
        return Memory(a, self.W_a(a), mask), torch.tanh(self.init_state(mean))

    def attend(self, s_prev, memory: Memory):
        """One attention step: (context (N, 2H), alphas (N, Tx)) from the state s_prev (N, Hd)."""
        alphas = masked_softmax(_scores(self.W_s(s_prev), memory.keys, self.v), memory.mask)
        return context_vector(alphas, memory.a), alphas

    def step(self, y_prev, s_prev, memory: Memory):
        """One decoder step: y_prev (N,) int64 the previous output (or <s>), s_prev (N, Hd) ->
        (logits (N, 12), s (N, Hd), alphas (N, Tx))."""
        context, alphas = self.attend(s_prev, memory)
        s = self.cell(torch.cat([self.out_embed(y_prev), context], dim=1), s_prev)
        return self.head(torch.cat([s, context], dim=1)), s, alphas

    def _run(self, X, Y_in=None):
        memory, s = self.encode(X)
        y_prev = torch.full((X.shape[0],), self.start, dtype=torch.long, device=X.device)
        logits, attn = [], []
        for t in range(self.Ty):
            if Y_in is not None:
                y_prev = Y_in[:, t]
            out, s, alphas = self.step(y_prev, s, memory)
            logits.append(out)
            attn.append(alphas)
            y_prev = out.argmax(dim=1)
        return torch.stack(logits, dim=1), torch.stack(attn, dim=1)

    def forward(self, X, Y_in=None):
        """X (N, Tx) -> logits (N, 10, 12). With Y_in (N, 10), the decoder's inputs (``<s>`` then the
        first nine target characters, ``decoder_inputs(Y, start)``), step t reads Y_in[:, t]
        (teacher forcing); without, it reads its own previous argmax (greedy)."""
        if Y_in is not None and tuple(Y_in.shape) != (X.shape[0], self.Ty):
            raise ValueError(f"Y_in has shape {tuple(Y_in.shape)}; expected ({X.shape[0]}, {self.Ty}): "
                             "the start token then the first nine target characters.")
        return self._run(X, Y_in)[0]

    @torch.no_grad()
    def translate_with_attention(self, X, batch_size: int = 2048):
        """Greedy translations (N, 10) int64 and the attention weights (N, 10, Tx), in eval mode
        (on the CPU with one torch thread, as ``train_translator`` trains)."""
        was = self.training
        self.eval()
        device = next(self.parameters()).device
        X = torch.as_tensor(X)
        outs, attns = [], []
        with cpu_threads(1 if device.type == "cpu" else None):  # see train_translator
            for i in range(0, len(X), batch_size):
                logits, attn = self._run(X[i:i + batch_size].to(device))
                outs.append(logits.argmax(-1).cpu())
                attns.append(attn.cpu())
        self.train(was)
        return torch.cat(outs), torch.cat(attns)

    def translate(self, X, batch_size: int = 2048):
        """Greedy translations (N, 10) int64 indices into ``vocab.machine`` (on the CPU)."""
        return self.translate_with_attention(X, batch_size)[0]


def translation_accuracy(model, X, iso, vocab) -> tuple[float, float]:
    """(exact match, per-character accuracy) of ``model``'s greedy translations of ``X`` against the
    ISO strings ``iso``."""
    from ..data.dates import decode_machine, exact_match

    predicted = decode_machine(model.translate(X), vocab)
    chars = np.mean([p == t for ps, ts in zip(predicted, iso) for p, t in zip(ps.ljust(len(ts)), ts)])
    return exact_match(predicted, iso), float(chars)


@contextlib.contextmanager
def cpu_threads(n):
    """Run the block with torch using ``n`` CPU threads (None: leave torch's setting alone)."""
    before = torch.get_num_threads()
    if n is not None:
        torch.set_num_threads(n)
    try:
        yield
    finally:
        torch.set_num_threads(before)


def train_translator(data, *, epochs: int = 4, batch_size: int = 128, lr: float = 3e-3,
                     device="auto", seed: int = 0, progress: bool = True, evaluate: bool = True,
                     clip_norm: float = 1.0, threads: int | None = 1, **model_kwargs):
    """Train a ``DateTranslator`` on ``data`` (a ``DatesData``) with teacher forcing.

    Adam, the learning rate annealed to 0 by a cosine over the batches (after a short warm-up),
    gradients clipped to a global norm of ``clip_norm``; cross-entropy averaged over the 10 output
    characters. ``model_kwargs`` go to ``DateTranslator`` (``DEFAULTS`` otherwise). The defaults
    (4 epochs of batches of 128, lr 3e-3, ``DEFAULTS``) are Day 28's full mode, on 20,000 dates.

    ``threads``: torch's CPU threads while training (restored afterwards; None: leave them). One
    by default: the model's matrices are small (a batch of 128 by a few hundred), too small for
    two threads to share, and on a CPU that other programs also use, two threads that wait for
    each other made an epoch 10 to 18 times slower than one thread (measured on a busy 2-core
    machine, December 2026).
    Returns a tuple of:
    - model: the trained ``DateTranslator`` (on ``device``, eval mode)
    - history: per-epoch lists "loss", "test_exact" (empty when ``evaluate`` is False) and
      "seconds" (cumulative, evaluations excluded)
    - seconds: the training time in seconds (evaluations excluded)
    """
    if epochs < 1:
        raise ValueError(f"epochs is {epochs}; train for at least 1 epoch.")
    with cpu_threads(threads if get_device(device).type == "cpu" else None):
        return _train(data, epochs, batch_size, lr, device, seed, progress, evaluate, clip_norm,
                      model_kwargs)


def _train(data, epochs, batch_size, lr, device, seed, progress, evaluate, clip_norm, model_kwargs):
    device = get_device(device)
    seed_everything(seed)
    model = DateTranslator(data.vocab, **{**DEFAULTS, **model_kwargs}).to(device)
    X = torch.as_tensor(data.X_train, device=device)
    Y = torch.as_tensor(data.Y_train, device=device)
    Y_in = decoder_inputs(Y, model.start)
    n = len(X)
    per_epoch = (n + batch_size - 1) // batch_size
    total = epochs * per_epoch
    warmup = max(1, total // 20)
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda k: min((k + 1) / warmup, 0.5 * (1 + np.cos(np.pi * min(k, total) / total))))
    gen = torch.Generator().manual_seed(seed)
    history = {"loss": [], "test_exact": [], "seconds": []}
    bar = progress_bar(progress, total=total, desc="training", unit="batch", leave=True)
    seconds = 0.0
    try:
        for epoch in range(epochs):
            start = time.perf_counter()
            model.train()
            order = torch.randperm(n, generator=gen).to(device)
            loss_sum = torch.zeros((), device=device)
            for i in range(0, n, batch_size):
                idx = order[i:i + batch_size]
                logits = model(X[idx], Y_in[idx])
                loss = F.cross_entropy(logits.reshape(-1, logits.shape[-1]), Y[idx].reshape(-1))
                opt.zero_grad(set_to_none=True)
                loss.backward()
                torch.nn.utils.clip_grad_norm_(model.parameters(), clip_norm)
                opt.step()
                sched.step()
                loss_sum += loss.detach() * len(idx)
                bar.update()
            history["loss"].append(float(loss_sum) / n)
            seconds += time.perf_counter() - start
            history["seconds"].append(seconds)
            shown = {"loss": f"{history['loss'][-1]:.4f}"}
            if evaluate:
                exact, _ = translation_accuracy(model, data.X_test, data.test_iso, data.vocab)
                history["test_exact"].append(exact)
                shown["test_exact"] = f"{exact:.4f}"
            bar.set_description(f"training (epoch {epoch + 1}/{epochs})")
            bar.set_postfix(shown)
    finally:
        bar.close()
    model.eval()
    return model, history, seconds
