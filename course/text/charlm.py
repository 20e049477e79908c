"""A character-level language model of names (Day 24): the vocabulary, encoding, gradient clipping,
the unigram and bigram baselines, sampling with a temperature, and a small LSTM trained in PyTorch.

One token, ``"."`` (index 0), marks a name's boundaries: it is the first input (start) and the
last target (end). The name ``"emma"`` becomes

    x = [., e, m, m, a]      (the inputs)
    y = [e, m, m, a, .]      (the targets: the inputs shifted by one, ending with the end token)

so that the model reads one character and predicts the next. Losses are **nats per character**:
the cross-entropy averaged over every target, end tokens included.

>>> itos, stoi = make_vocab(train_names)                          # doctest: +SKIP
>>> model = CharRNN(len(itos))                                    # doctest: +SKIP
>>> history = train_char_lm(model, train_names, val_names, stoi, num_epochs=20)  # doctest: +SKIP
>>> sample(model, itos, temperature=0.8, generator=torch.Generator().manual_seed(0))  # doctest: +SKIP
"""
from __future__ import annotations

import time

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from ..device import get_device
from ..training import progress_bar

BOUNDARY = "."  # start and end of a name, index 0
PAD = -1  # the target index of padding, which the loss ignores


def make_vocab(names) -> tuple[list[str], dict[str, int]]:
    """The vocabulary of ``names``: ``itos`` (index -> character, ``itos[0] == "."``, then the
    characters in sorted order) and ``stoi`` (character -> index)."""
    chars = sorted(set("".join(names)))
    if BOUNDARY in chars:
        raise ValueError(f"A name contains {BOUNDARY!r}, the boundary token: remove it from the names.")
    itos = [BOUNDARY] + chars
    return itos, {c: i for i, c in enumerate(itos)}


def clip(gradients: dict, max_value: float) -> dict:
    """Element-wise clipping: a new dict whose arrays are ``gradients``' clipped to
    ``[-max_value, max_value]``; the arrays given are left as they were."""
    return {name: np.clip(g, -max_value, max_value) for name, g in gradients.items()}


def encode(name: str, stoi: dict) -> tuple[torch.Tensor, torch.Tensor]:
    """A name as (x, y), two int64 tensors of length ``len(name) + 1``: x starts with the boundary
    token then the name's characters, y is the name's characters then the boundary (end) token."""
    idx = [stoi[c] for c in name]
    return torch.tensor([0] + idx, dtype=torch.long), torch.tensor(idx + [0], dtype=torch.long)


def encode_batch(names, stoi: dict, device="cpu") -> tuple[torch.Tensor, torch.Tensor]:
    """Names as a padded batch: X (N, T) inputs padded with 0 and Y (N, T) targets padded with
    ``PAD`` (-1, ignored by the loss), T = the longest name's length + 1."""
    T = max(len(n) for n in names) + 1
    X = np.zeros((len(names), T), dtype=np.int64)
    Y = np.full((len(names), T), PAD, dtype=np.int64)
    for i, name in enumerate(names):
        idx = [stoi[c] for c in name]
        X[i, 1:len(idx) + 1] = idx
        Y[i, :len(idx)] = idx
        Y[i, len(idx)] = 0
    return torch.from_numpy(X).to(device), torch.from_numpy(Y).to(device)


def _target_counts(names, stoi: dict) -> np.ndarray:
    counts = np.zeros(len(stoi))
    for name in names:
        for c in name:
            counts[stoi[c]] += 1
        counts[0] += 1  # the end token
    return counts


def unigram_cross_entropy(train_names, val_names, stoi: dict) -> float:
    """Cross-entropy in nats per character of the unigram model on ``val_names``.

    The model predicts every target with the same probabilities, the targets' frequencies in
    ``train_names`` (each name's characters and its end token) with 1 added to every count
    (Laplace smoothing, so that no token has probability 0). The average is over all validation
    targets, end tokens included.
    """
    p = _target_counts(train_names, stoi) + 1
    p = p / p.sum()
    val = _target_counts(val_names, stoi)
    return float(-(val * np.log(p)).sum() / val.sum())


def bigram_cross_entropy(train_names, val_names, stoi: dict) -> float:
    """The same for the bigram model: P(next | current) from counts of (input, target) pairs in
    ``train_names``, 1 added to every count."""
    def pairs(names):
        idx = [[0] + [stoi[c] for c in name] + [0] for name in names]
        return (np.array([i for row in idx for i in row[:-1]], dtype=int),
                np.array([i for row in idx for i in row[1:]], dtype=int))

    V = len(stoi)
    counts = np.ones((V, V))
    np.add.at(counts, pairs(train_names), 1)
    logp = np.log(counts / counts.sum(axis=1, keepdims=True))
    return float(-logp[pairs(val_names)].mean())


class CharRNN(nn.Module):
    """Embedding -> LSTM (or vanilla RNN) -> Linear: the next character's scores at every step.

    Inputs of forward:
    - x: (N, T) int64 character indices
    - state: None (zeros) or the state a previous call returned
    Returns a tuple of:
    - logits: (N, T, V)
    - state: the recurrent state after the last step (to carry on from, as sampling does)
    """

    def __init__(self, vocab_size: int, embed_dim: int = 32, hidden_size: int = 128,
                 num_layers: int = 1, cell: str = "lstm", dropout: float = 0.0):
        super().__init__()
        kinds = {"lstm": nn.LSTM, "rnn": nn.RNN, "gru": nn.GRU}
        if cell not in kinds:
            raise ValueError(f"Unknown cell {cell!r}: use one of {', '.join(kinds)}.")
        self.embed = nn.Embedding(vocab_size, embed_dim)
        self.rnn = kinds[cell](embed_dim, hidden_size, num_layers=num_layers, batch_first=True,
                               dropout=dropout if num_layers > 1 else 0.0)
        self.drop = nn.Dropout(dropout)
        self.head = nn.Linear(hidden_size, vocab_size)

    def forward(self, x, state=None):
        out, state = self.rnn(self.embed(x), state)
        return self.head(self.drop(out)), state


def char_loss(logits, Y) -> torch.Tensor:
    """Cross-entropy averaged over the characters of a padded batch: logits (N, T, V), Y (N, T)
    with ``PAD`` where there is no character."""
    return F.cross_entropy(logits.reshape(-1, logits.shape[-1]), Y.reshape(-1), ignore_index=PAD)


def evaluate_loss(model, names, stoi: dict, device="auto", batch_size: int = 512) -> float:
    """``model``'s cross-entropy on ``names`` in nats per character (every target, end tokens
    included, weighs the same), in eval mode and without gradients."""
    device = get_device(device)
    was_training = model.training
    model.eval()
    total, count = 0.0, 0
    with torch.no_grad():
        for i in range(0, len(names), batch_size):
            X, Y = encode_batch(names[i:i + batch_size], stoi, device)
            logits, _ = model(X)
            n = int((Y != PAD).sum())
            total += float(char_loss(logits, Y)) * n
            count += n
    model.train(was_training)
    return total / count


def sample(model, itos, temperature: float = 1.0, max_length: int = 20, generator=None,
           device="cpu") -> str:
    """One name drawn from ``model`` one character at a time, from the boundary token: the next
    index is drawn from softmax(logits / temperature) (the argmax when temperature is 0), fed back
    in with the state, until the end token (not included) or ``max_length`` characters."""
    index, state, chars = 0, None, []
    was_training = model.training if isinstance(model, nn.Module) else False
    if isinstance(model, nn.Module):
        model.eval()  # no dropout while generating
    with torch.no_grad():
        while len(chars) < max_length:
            logits, state = model(torch.tensor([[index]], device=device), state)
            logits = logits[0, -1].float().cpu()
            if temperature == 0:
                index = int(logits.argmax())
            else:
                probs = torch.softmax(logits / temperature, dim=0)
                index = int(torch.multinomial(probs, 1, generator=generator))
            if index == 0:
                break
            chars.append(itos[index])
    if isinstance(model, nn.Module):
        model.train(was_training)
    return "".join(chars)


def sample_many(model, itos, num: int, temperature: float = 1.0, max_length: int = 20,
                generator=None, device="cpu") -> list[str]:
    """``num`` names drawn as ``sample`` draws one, all at once (one batch of ``num`` sequences,
    so that a thousand names take as many model calls as one): each row stops at its own end token."""
    index = torch.zeros(num, 1, dtype=torch.long, device=device)
    state, rows, done = None, [[] for _ in range(num)], np.zeros(num, dtype=bool)
    was_training = model.training if isinstance(model, nn.Module) else False
    if isinstance(model, nn.Module):
        model.eval()
    with torch.no_grad():
        for _ in range(max_length):
            logits, state = model(index, state)
            logits = logits[:, -1].float().cpu()
            if temperature == 0:
                nxt = logits.argmax(dim=1)
            else:
                nxt = torch.multinomial(torch.softmax(logits / temperature, dim=1), 1,
                                        generator=generator)[:, 0]
            for i, j in enumerate(nxt.tolist()):
                if not done[i]:
                    if j == 0:
                        done[i] = True
                    else:
                        rows[i].append(itos[j])
            if done.all():
                break
            index = nxt.view(-1, 1).to(device)
    if isinstance(model, nn.Module):
        model.train(was_training)
    return ["".join(r) for r in rows]


def train_char_lm(model, train_names, val_names, stoi: dict, *, num_epochs: int,
                  batch_size: int = 64, lr: float = 3e-3, clip_norm: float | None = 1.0,
                  device="auto", seed: int = 0, on_epoch=None, progress: bool = True,
                  desc: str = "char LM") -> dict:
    """Train ``model`` (a ``CharRNN``) with Adam on padded batches of ``train_names``, clipping the
    gradients' global norm to ``clip_norm`` (``torch.nn.utils.clip_grad_norm_``; None: no
    clipping), the learning rate annealed to 0 by a cosine schedule.

    ``on_epoch(epoch, history)`` is called after each epoch (to print samples as training goes).
    Returns a history: per-epoch lists "train_loss" (the epoch's batches, in train mode),
    "val_loss" (nats per character), "grad_norm" (the largest norm before clipping), "seconds"
    (cumulative).
    """
    from ..training import seed_everything

    seed_everything(seed)
    device = get_device(device)
    model.to(device)
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=num_epochs)
    order_gen = np.random.default_rng(seed)
    batches = -(-len(train_names) // batch_size)
    history = {k: [] for k in ("train_loss", "val_loss", "grad_norm", "seconds")}
    bar = progress_bar(progress, total=num_epochs * batches, desc=desc, unit="batch")
    start = time.perf_counter()
    try:
        for epoch in range(num_epochs):
            model.train()
            order = order_gen.permutation(len(train_names))
            total, count, largest = 0.0, 0, 0.0
            for b in range(batches):
                X, Y = encode_batch([train_names[i] for i in order[b * batch_size:(b + 1) * batch_size]],
                                    stoi, device)
                logits, _ = model(X)
                loss = char_loss(logits, Y)
                opt.zero_grad(set_to_none=True)
                loss.backward()
                if clip_norm is not None:
                    norm = torch.nn.utils.clip_grad_norm_(model.parameters(), clip_norm)
                    largest = max(largest, float(norm))
                opt.step()
                n = int((Y != PAD).sum())
                total += float(loss.detach()) * n
                count += n
                bar.update()
            sched.step()
            history["train_loss"].append(total / count)
            history["val_loss"].append(evaluate_loss(model, val_names, stoi, device))
            history["grad_norm"].append(largest)
            history["seconds"].append(time.perf_counter() - start)
            bar.set_description(f"{desc} (epoch {epoch + 1}/{num_epochs})")
            bar.set_postfix(loss=f"{history['train_loss'][-1]:.3f}",
                            val=f"{history['val_loss'][-1]:.3f}")
            if on_epoch is not None:
                on_epoch(epoch, history)
    finally:
        bar.close()
    return history
