"""Day 27, Emojify: a sentence -> emoji classifier, first as the average of its word vectors
through a softmax layer (NumPy), then as an LSTM over the words (PyTorch).

Word vectors: the whole-word rows of all-MiniLM-L6-v2's token-embedding matrix
(``course.data.embeddings``, Day 26), kept only for the words a data set uses. Indices: 0 is the
padding, 1 the unknown word (``PAD``, ``UNK``), then the vocabulary from 2.
"""
from __future__ import annotations

import functools

import numpy as np
import torch
from torch import nn

PAD, UNK = 0, 1


@functools.lru_cache(maxsize=1)
def _minilm():
    from course.data.embeddings import minilm_token_embeddings

    words, E = minilm_token_embeddings(dtype=np.float32)
    return {w: i for i, w in enumerate(words)}, E


def word_vectors(sentences, *, normalise: bool = True):
    """The MiniLM vectors of the words of ``sentences`` only (the 21,745-word table is read once
    per process, then cached).

    Inputs:
    - sentences: iterable of str; words are split on spaces and lower-cased
    - normalise: scale every vector to unit length
    Returns a tuple of:
    - word_to_vec_map: dict word -> (d,) float64 array
    - word_to_index: dict word -> int, "<pad>" 0, "<unk>" 1, the words from 2 in sorted order
    - E: (V, d) float32 matrix, row ``word_to_index[w]`` the vector of w; rows 0 and 1 are zeros
    Raises ValueError naming the words the table does not have.
    """
    row_of, table = _minilm()
    vocab = sorted({w for s in sentences for w in str(s).lower().split()})
    missing = [w for w in vocab if w not in row_of]
    if missing:
        raise ValueError(f"{len(missing)} words have no MiniLM vector: {', '.join(missing[:10])}; "
                         "use whole lower-case words of its vocabulary (letters a-z only).")
    vectors = table[[row_of[w] for w in vocab]].astype(np.float64)
    if normalise:
        vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    word_to_vec_map = dict(zip(vocab, vectors))
    word_to_index = {"<pad>": PAD, "<unk>": UNK, **{w: i + 2 for i, w in enumerate(vocab)}}
    E = np.zeros((len(vocab) + 2, vectors.shape[1]), dtype=np.float32)
    E[2:] = vectors
    return word_to_vec_map, word_to_index, E


def sentence_to_avg(sentence: str, word_to_vec_map: dict) -> np.ndarray:
    """The mean of the vectors of the sentence's known words (lower-cased, split on spaces);
    unknown words are skipped; zeros when no word is known. Returns a (d,) array."""
    d = len(next(iter(word_to_vec_map.values())))
    known = [word_to_vec_map[w] for w in sentence.lower().split() if w in word_to_vec_map]
    return np.mean(known, axis=0) if known else np.zeros(d)


def sentences_to_avg(X, word_to_vec_map: dict) -> np.ndarray:
    """``sentence_to_avg`` of every sentence of X: an (m, d) array."""
    return np.stack([sentence_to_avg(s, word_to_vec_map) for s in X])


def softmax(Z: np.ndarray) -> np.ndarray:
    """Row-wise softmax of (m, C) scores, shifted by each row's maximum."""
    e = np.exp(Z - Z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def avg_model_loss(X_avg, Y, W, b):
    """Softmax regression on averaged word vectors: loss and gradients.

    Inputs:
    - X_avg: (m, d) averages; Y: (m,) labels in 0..C-1; W: (C, d); b: (C,)
    Returns a tuple of:
    - loss: the mean cross-entropy, a float
    - grads: {"dW": (C, d), "db": (C,)}, its gradients
    """
    m = len(Y)
    A = softmax(X_avg @ W.T + b)
    loss = float(-np.mean(np.log(A[np.arange(m), Y])))
    dZ = A.copy()
    dZ[np.arange(m), Y] -= 1
    dZ /= m
    return loss, {"dW": dZ.T @ X_avg, "db": dZ.sum(axis=0)}


def avg_model_predict(X_avg, W, b) -> np.ndarray:
    """The predicted classes (m,) of the average model."""
    return np.argmax(X_avg @ W.T + b, axis=1)


def train_avg_model(X_avg, Y, *, num_classes: int = 5, num_epochs: int = 300, lr: float = 0.5,
                    weight_decay: float = 0.0, seed: int = 0, progress: bool = True):
    """Full-batch gradient descent with momentum 0.9 on ``avg_model_loss`` (plus an L2 penalty
    ``weight_decay / 2 * ||W||^2``), W drawn from N(0, 0.01^2), b zeros.

    Returns a tuple of:
    - params: {"W": (C, d), "b": (C,)}
    - losses: list of the training loss (without the penalty) before each step
    """
    rng = np.random.default_rng(seed)
    W = 0.01 * rng.standard_normal((num_classes, X_avg.shape[1]))
    b = np.zeros(num_classes)
    vW, vb = np.zeros_like(W), np.zeros_like(b)
    losses = []
    steps = range(num_epochs)
    if progress:
        from tqdm.auto import tqdm
        steps = tqdm(steps, desc="average model", unit="epoch")
    for _ in steps:
        loss, grads = avg_model_loss(X_avg, Y, W, b)
        losses.append(loss)
        vW = 0.9 * vW - lr * (grads["dW"] + weight_decay * W)
        vb = 0.9 * vb - lr * grads["db"]
        W, b = W + vW, b + vb
    return {"W": W, "b": b}, losses


def sentences_to_indices(X, word_to_index: dict, max_len: int) -> np.ndarray:
    """Sentences as rows of word indices, lower-cased, unknown words ``UNK``, padded at the end
    with ``PAD`` and cut after ``max_len`` words. Returns an (m, max_len) int64 array."""
    out = np.full((len(X), max_len), PAD, dtype=np.int64)
    for i, sentence in enumerate(X):
        words = str(sentence).lower().split()[:max_len]
        out[i, :len(words)] = [word_to_index.get(w, UNK) for w in words]
    return out


class EmojifyLSTM(nn.Module):
    """Frozen pretrained embedding -> LSTM -> the hidden state at each sentence's last word ->
    dropout -> linear: class scores.

    Inputs of forward: X, (N, T) int64 word indices padded at the end with 0 (``PAD``).
    Returns logits, (N, num_classes). Padding never changes the result.
    """

    def __init__(self, E, hidden_size: int = 128, num_classes: int = 5, num_layers: int = 1,
                 dropout: float = 0.0):
        super().__init__()
        E = torch.as_tensor(np.asarray(E), dtype=torch.float32)
        self.embedding = nn.Embedding.from_pretrained(E, freeze=True, padding_idx=PAD)
        self.lstm = nn.LSTM(E.shape[1], hidden_size, num_layers=num_layers, batch_first=True,
                            dropout=dropout if num_layers > 1 else 0.0)
        self.dropout = nn.Dropout(dropout)
        self.fc = nn.Linear(hidden_size, num_classes)

    def forward(self, X):
        lengths = (X != PAD).sum(dim=1).clamp(min=1)
        out, _ = self.lstm(self.embedding(X))
        last = out[torch.arange(len(X), device=X.device), lengths - 1]
        return self.fc(self.dropout(last))


def index_loader(X_indices, Y, batch_size: int = 32, shuffle: bool = False, seed: int = 0):
    """A DataLoader of (int64 indices, int64 labels) batches (``training.to_loader`` makes floats)."""
    from torch.utils.data import DataLoader, TensorDataset

    generator = torch.Generator().manual_seed(seed) if shuffle else None
    data = TensorDataset(torch.as_tensor(np.asarray(X_indices), dtype=torch.long),
                         torch.as_tensor(np.asarray(Y), dtype=torch.long))
    return DataLoader(data, batch_size=batch_size, shuffle=shuffle, generator=generator)


def train_lstm(model, X_indices, Y, *, num_epochs: int = 40, lr: float = 3e-3, batch_size: int = 32,
               weight_decay: float = 0.0, device="auto", seed: int = 0, progress: bool = True,
               desc: str = "LSTM") -> dict:
    """Adam on cross-entropy with ``course.training.fit`` (seeded, shuffled batches); returns its
    history."""
    from course import training

    loader = index_loader(X_indices, Y, batch_size, shuffle=True, seed=seed)
    return training.fit(model, loader, num_epochs=num_epochs, lr=lr, device=device,
                        weight_decay=weight_decay, seed=seed, progress=progress, desc=desc)


def lstm_predict(model, X_indices, device="auto") -> np.ndarray:
    """The LSTM's predicted classes (m,) for index rows."""
    from course import training

    y_hat, _ = training.predict(model, index_loader(X_indices, np.zeros(len(X_indices))), device)
    return y_hat
