"""A Transformer from scratch (Day 30): scaled dot-product attention, the sinusoidal positional
encoding, multi-head attention, causal and padding masks, encoder and decoder layers, and an
encoder-decoder ``DateTransformer`` trained on Day 28's dates task (human dates to ISO dates).

Masks follow ``torch.nn.functional.scaled_dot_product_attention``: boolean, **True where attention
is allowed**. (``torch.nn.MultiheadAttention``'s ``attn_mask`` and ``key_padding_mask`` use the
opposite convention, True where it is *blocked*: pass them ``~mask``.) A query whose keys are all
masked attends to nothing: its weights are zeros and its output is zeros, as torch's function
returns too, never NaN.

>>> data = dates_dataset(20_000, 2_000, seed=0)                            # doctest: +SKIP
>>> model, history, seconds = train_transformer(data, epochs=8, seed=0)     # doctest: +SKIP
>>> exact_match(translate(model, data.X_test, data.vocab), data.test_iso)  # doctest: +SKIP
"""
from __future__ import annotations

import math
import time

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from ..device import get_device
from ..training import count_parameters, progress_bar

__all__ = ["scaled_dot_product_attention", "positional_encoding", "causal_mask", "padding_mask",
           "MultiHeadAttention", "EncoderLayer", "DecoderLayer", "DateTransformer",
           "train_transformer", "translate", "count_parameters"]


def scaled_dot_product_attention(Q, K, V, mask=None):
    """softmax(Q K^T / sqrt(d)) V over the last two axes.

    Inputs:
    - Q: (..., Tq, d) queries; K: (..., Tk, d) keys; V: (..., Tk, dv) values
    - mask: None or a boolean tensor broadcastable to (..., Tq, Tk), True where query i may
      attend to key j
    Returns a tuple of:
    - output: (..., Tq, dv)
    - weights: (..., Tq, Tk), each row sums to 1, or is all zeros where the mask allows no key
      (that row's output is then zeros too)
    """
    d = Q.shape[-1]
    scores = Q @ K.transpose(-2, -1) / math.sqrt(d)
    if mask is not None:
        mask = mask.to(torch.bool)
        scores = scores.masked_fill(~mask, float("-inf"))
        any_allowed = mask.any(dim=-1, keepdim=True)
        # a fully masked row would be softmax of -inf everywhere (NaN): give it zero scores, then zero weights
        scores = scores.masked_fill(~any_allowed, 0.0)
        weights = torch.softmax(scores, dim=-1) * any_allowed
    else:
        weights = torch.softmax(scores, dim=-1)
    return weights @ V, weights


def positional_encoding(max_len, d_model, dtype=torch.float32, device=None):
    """The sinusoidal encoding of Vaswani et al. (2017), a (max_len, d_model) tensor:
    PE[pos, 2i] = sin(pos / 10000^(2i / d_model)), PE[pos, 2i + 1] = cos(pos / 10000^(2i / d_model)).
    An odd d_model keeps the last sine column without its cosine."""
    pos = torch.arange(max_len, dtype=torch.float64).unsqueeze(1)
    two_i = torch.arange(0, d_model, 2, dtype=torch.float64)
    angles = pos / 10000.0 ** (two_i / d_model)
    pe = torch.zeros(max_len, d_model, dtype=torch.float64)
    pe[:, 0::2] = torch.sin(angles)
    pe[:, 1::2] = torch.cos(angles[:, :d_model // 2])
    return pe.to(dtype=dtype, device=device)


def causal_mask(T, device=None):
    """(T, T) boolean, True on and below the diagonal: position i sees positions 0..i."""
    return torch.tril(torch.ones(T, T, dtype=torch.bool, device=device))


def padding_mask(X, pad=0):
    """(N, 1, 1, T) boolean, True where X (N, T) holds a real token (not ``pad``): it broadcasts
    over heads and queries against scores of shape (N, h, Tq, T)."""
    return (X != pad)[:, None, None, :]


class MultiHeadAttention(nn.Module):
    """Multi-head attention: h heads of size d_model / h, each scaled dot-product attention on its
    own projections, concatenated and projected back.

    Inputs of forward:
    - query: (N, Tq, d_model); key, value: (N, Tk, d_model)
    - mask: None or boolean, broadcastable to (N, h, Tq, Tk), True where attention is allowed
    Returns a tuple of:
    - output: (N, Tq, d_model)
    - weights: (N, h, Tq, Tk), every head's attention weights
    """

    def __init__(self, d_model, num_heads, bias=True):
        super().__init__()
        if d_model % num_heads:
            raise ValueError(f"d_model = {d_model} is not a multiple of num_heads = {num_heads}: "
                             "choose them so that each head gets d_model / num_heads dimensions.")
        self.d_model, self.num_heads, self.d_head = d_model, num_heads, d_model // num_heads
        self.W_q = nn.Linear(d_model, d_model, bias=bias)
        self.W_k = nn.Linear(d_model, d_model, bias=bias)
        self.W_v = nn.Linear(d_model, d_model, bias=bias)
        self.W_o = nn.Linear(d_model, d_model, bias=bias)

    def _split(self, x):
        N, T, _ = x.shape
        return x.reshape(N, T, self.num_heads, self.d_head).transpose(1, 2)   # (N, h, T, d_head)

    def forward(self, query, key, value, mask=None):
        Q, K, V = self._split(self.W_q(query)), self._split(self.W_k(key)), self._split(self.W_v(value))
        out, weights = scaled_dot_product_attention(Q, K, V, mask)
        N, _, Tq, _ = out.shape
        out = out.transpose(1, 2).reshape(N, Tq, self.d_model)
        return self.W_o(out), weights


class FeedForward(nn.Sequential):
    """Position-wise feed-forward network: Linear(d_model, d_ff) -> ReLU -> dropout -> Linear."""

    def __init__(self, d_model, d_ff, dropout=0.0):
        super().__init__(nn.Linear(d_model, d_ff), nn.ReLU(), nn.Dropout(dropout),
                         nn.Linear(d_ff, d_model))


class EncoderLayer(nn.Module):
    """Self-attention then feed-forward, each a residual branch x + dropout(f(LayerNorm(x)))
    (pre-norm, Xiong et al. 2020: trains without the learning-rate warm-up the post-norm original
    needs)."""

    def __init__(self, d_model, num_heads, d_ff, dropout=0.1):
        super().__init__()
        self.attn = MultiHeadAttention(d_model, num_heads)
        self.ff = FeedForward(d_model, d_ff, dropout)
        self.norm1, self.norm2 = nn.LayerNorm(d_model), nn.LayerNorm(d_model)
        self.drop = nn.Dropout(dropout)

    def forward(self, x, mask=None):
        h = self.norm1(x)
        x = x + self.drop(self.attn(h, h, h, mask)[0])
        return x + self.drop(self.ff(self.norm2(x)))


class DecoderLayer(nn.Module):
    """Masked self-attention, cross-attention over the encoder's output, feed-forward (pre-norm
    residual branches). The last cross-attention weights (N, h, Ty, Tx) are kept in
    ``cross_weights`` for plotting."""

    def __init__(self, d_model, num_heads, d_ff, dropout=0.1):
        super().__init__()
        self.self_attn = MultiHeadAttention(d_model, num_heads)
        self.cross_attn = MultiHeadAttention(d_model, num_heads)
        self.ff = FeedForward(d_model, d_ff, dropout)
        self.norm1, self.norm2, self.norm3 = (nn.LayerNorm(d_model) for _ in range(3))
        self.drop = nn.Dropout(dropout)
        self.cross_weights = None

    def forward(self, y, memory, self_mask=None, memory_mask=None):
        h = self.norm1(y)
        y = y + self.drop(self.self_attn(h, h, h, self_mask)[0])
        out, self.cross_weights = self.cross_attn(self.norm2(y), memory, memory, memory_mask)
        y = y + self.drop(out)
        return y + self.drop(self.ff(self.norm3(y)))


class DateTransformer(nn.Module):
    """An encoder-decoder Transformer from human dates (character indices, pad 0) to the ten
    characters of the ISO date.

    Inputs of forward:
    - X: (N, Tx) int64 input characters (``vocab.human``), 0 = padding
    - Y_in: (N, T) int64 decoder inputs (``vocab.machine``): the start token, then the target
      shifted right (teacher forcing)
    Returns:
    - logits: (N, T, 11), scores over the 11 ISO characters for each next character
    """

    def __init__(self, vocab, d_model=64, num_heads=4, num_layers=2, d_ff=128, dropout=0.1):
        super().__init__()
        self.vocab = vocab
        self.start = vocab.machine["<s>"]
        self.d_model = d_model
        self.src_embed = nn.Embedding(len(vocab.human), d_model, padding_idx=0)
        self.tgt_embed = nn.Embedding(len(vocab.machine), d_model)
        self.register_buffer("pe", positional_encoding(max(vocab.Tx, vocab.Ty + 1), d_model),
                             persistent=False)
        self.encoder = nn.ModuleList(EncoderLayer(d_model, num_heads, d_ff, dropout)
                                     for _ in range(num_layers))
        self.decoder = nn.ModuleList(DecoderLayer(d_model, num_heads, d_ff, dropout)
                                     for _ in range(num_layers))
        self.enc_norm, self.dec_norm = nn.LayerNorm(d_model), nn.LayerNorm(d_model)
        self.drop = nn.Dropout(dropout)
        self.head = nn.Linear(d_model, len(vocab.machine) - 1)  # never predicts the start token
        for embed in (self.src_embed, self.tgt_embed):  # std 1/sqrt(d): unit size once scaled by sqrt(d),
            nn.init.normal_(embed.weight, std=d_model ** -0.5)  # like the positional encoding's entries
        with torch.no_grad():
            self.src_embed.weight[0].zero_()

    def encode(self, X):
        """(N, Tx) -> memory (N, Tx, d_model) and its padding mask (N, 1, 1, Tx)."""
        src_mask = padding_mask(X)
        x = self.drop(self.src_embed(X) * math.sqrt(self.d_model) + self.pe[:X.shape[1]])
        for layer in self.encoder:
            x = layer(x, src_mask)
        return self.enc_norm(x), src_mask

    def decode(self, Y_in, memory, src_mask):
        """(N, T) decoder inputs -> logits (N, T, 11)."""
        T = Y_in.shape[1]
        y = self.drop(self.tgt_embed(Y_in) * math.sqrt(self.d_model) + self.pe[:T])
        mask = causal_mask(T, device=Y_in.device)
        for layer in self.decoder:
            y = layer(y, memory, mask, src_mask)
        return self.head(self.dec_norm(y))

    def forward(self, X, Y_in):
        memory, src_mask = self.encode(X)
        return self.decode(Y_in, memory, src_mask)

    @torch.no_grad()
    def greedy_decode(self, X, length=None):
        """(N, Tx) -> (N, length) int64 ISO character indices, each the argmax given the ones
        before it (the encoder runs once; the decoder once per output character)."""
        length = self.vocab.Ty if length is None else length
        memory, src_mask = self.encode(X)
        Y_in = torch.full((X.shape[0], 1), self.start, dtype=torch.long, device=X.device)
        for _ in range(length):
            nxt = self.decode(Y_in, memory, src_mask)[:, -1].argmax(dim=-1, keepdim=True)
            Y_in = torch.cat([Y_in, nxt], dim=1)
        return Y_in[:, 1:]

    def cross_attention(self, X, Y):
        """The last decoder layer's cross-attention weights (N, h, Ty, Tx) when it reads X and
        produces Y (N, Ty) (teacher-forced with Y, e.g. the model's own greedy output)."""
        was = self.training
        self.eval()
        with torch.no_grad():
            self(X, shift_right(Y, self.start))
        self.train(was)
        return self.decoder[-1].cross_weights


def shift_right(Y, start):
    """Decoder inputs from targets (N, Ty): the start token, then Y without its last column."""
    first = torch.full((Y.shape[0], 1), start, dtype=Y.dtype, device=Y.device)
    return torch.cat([first, Y[:, :-1]], dim=1)


def _trim(X, pad=0):
    """X (N, Tx) without the padding columns at its right end that no row uses (the same result,
    masked padding never counts, for less work)."""
    used = (X != pad).any(dim=0).nonzero()
    return X[:, :int(used.max()) + 1] if len(used) else X[:, :1]


def translate(model, X, vocab, device="auto", batch_size=1000):
    """ISO strings for ``X`` (N, Tx) (NumPy or torch), by greedy decoding, in eval mode."""
    from ..data.dates import decode_machine

    device = get_device(device)
    X = torch.as_tensor(np.asarray(X), dtype=torch.long)
    was = model.training
    model.eval()
    out = []
    for i in range(0, len(X), batch_size):
        out.append(model.greedy_decode(_trim(X[i:i + batch_size]).to(device)).cpu())
    model.train(was)
    return decode_machine(torch.cat(out), vocab)


def train_transformer(data, *, epochs=8, batch_size=128, lr=3e-3, d_model=64, num_heads=4,
                      num_layers=2, d_ff=128, dropout=0.1, warmup=0.05, device="auto", seed=0,
                      progress=True, desc="Transformer"):
    """Train a ``DateTransformer`` on ``data`` (a ``course.data.dates.DatesData``) with AdamW and
    teacher forcing: cross-entropy of each next ISO character, the learning rate warmed up
    linearly over the first ``warmup`` fraction of the steps, then annealed to 0 (cosine).

    Returns a tuple of:
    - model: the trained ``DateTransformer`` (in eval mode, on ``device``)
    - history: per-epoch lists "train_loss" and "seconds" (cumulative)
    - seconds: the training time
    Measure it on held-out dates with ``exact_match(translate(model, data.X_test, data.vocab),
    data.test_iso)``.
    """
    from ..training import seed_everything

    seed_everything(seed)
    device = get_device(device)
    model = DateTransformer(data.vocab, d_model=d_model, num_heads=num_heads,
                            num_layers=num_layers, d_ff=d_ff, dropout=dropout).to(device)
    X = torch.as_tensor(data.X_train, dtype=torch.long)
    Y = torch.as_tensor(data.Y_train, dtype=torch.long)
    batches = -(-len(X) // batch_size)
    total_steps = max(1, epochs * batches)
    warm = max(1, int(warmup * total_steps))
    opt = torch.optim.AdamW(model.parameters(), lr=lr, weight_decay=0.01)
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda s: min((s + 1) / warm, 0.5 * (
        1 + math.cos(math.pi * min(1.0, (s - warm) / max(1, total_steps - warm))))))
    order_gen = torch.Generator().manual_seed(seed)
    history = {"train_loss": [], "seconds": []}
    bar = progress_bar(progress, total=total_steps, desc=desc, unit="batch")
    start = time.perf_counter()
    try:
        for epoch in range(epochs):
            model.train()
            order = torch.randperm(len(X), generator=order_gen)
            total = 0.0
            for b in range(batches):
                idx = order[b * batch_size:(b + 1) * batch_size]
                Xb, Yb = _trim(X[idx]).to(device), Y[idx].to(device)
                logits = model(Xb, shift_right(Yb, model.start))
                loss = F.cross_entropy(logits.reshape(-1, logits.shape[-1]), Yb.reshape(-1))
                opt.zero_grad(set_to_none=True)
                loss.backward()
                torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
                opt.step()
                sched.step()
                total += float(loss.detach()) * len(idx)
                bar.update()
            history["train_loss"].append(total / len(X))
            history["seconds"].append(time.perf_counter() - start)
            bar.set_description(f"{desc} (epoch {epoch + 1}/{epochs})")
            bar.set_postfix(loss=f"{history['train_loss'][-1]:.4f}")
    finally:
        bar.close()
    model.eval()
    return model, history, time.perf_counter() - start
