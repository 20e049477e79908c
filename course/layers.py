"""Reference NumPy layers for the from-scratch days, CS231n style: every forward returns
``(out, cache)`` and every backward takes the cache back.

Examples are columns: ``A`` of shape (n_units, m). Gradients are averaged over the m examples in
the cost, so ``dW = dZ @ A_prev.T / m``. Learners build these on Day 04 (the notebook teaches);
later days import them from here (the library serves).
"""
from __future__ import annotations

import numpy as np


# --- activations (Day 01, Day 03, Day 04) ------------------------------------------------------

def sigmoid(Z):
    """Returns ``(A, cache)`` with A = 1 / (1 + e^-Z), computed without overflow."""
    A = np.empty_like(Z, dtype=float)
    pos = Z >= 0
    A[pos] = 1 / (1 + np.exp(-Z[pos]))
    e = np.exp(Z[~pos])
    A[~pos] = e / (1 + e)
    return A, Z


def relu(Z):
    """Returns ``(A, cache)`` with A = max(0, Z)."""
    return np.maximum(0, Z), Z


def tanh(Z):
    A = np.tanh(Z)
    return A, A


def sigmoid_backward(dA, cache):
    s = sigmoid(cache)[0]
    return dA * s * (1 - s)


def relu_backward(dA, cache):
    return dA * (cache > 0)


def tanh_backward(dA, cache):
    return dA * (1 - cache ** 2)


ACTIVATIONS = {"sigmoid": (sigmoid, sigmoid_backward), "relu": (relu, relu_backward),
               "tanh": (tanh, tanh_backward)}


# --- linear and layer (Day 04) -----------------------------------------------------------------

def linear_forward(A_prev, W, b):
    """Z = W A_prev + b.

    Inputs: A_prev (n_prev, m), W (n, n_prev), b (n, 1).
    Returns a tuple of: Z (n, m), cache (A_prev, W, b).
    """
    return W @ A_prev + b, (A_prev, W, b)


def linear_backward(dZ, cache):
    """Returns a tuple of: dA_prev (n_prev, m), dW (n, n_prev), db (n, 1)."""
    A_prev, W, _ = cache
    m = A_prev.shape[1]
    dW = dZ @ A_prev.T / m
    db = dZ.sum(axis=1, keepdims=True) / m
    return W.T @ dZ, dW, db


def layer_forward(A_prev, W, b, activation: str):
    """A linear step then an activation. Returns ``(A, (linear_cache, activation_cache))``."""
    Z, linear_cache = linear_forward(A_prev, W, b)
    A, activation_cache = ACTIVATIONS[activation][0](Z)
    return A, (linear_cache, activation_cache)


def layer_backward(dA, cache, activation: str):
    """Returns a tuple of: dA_prev, dW, db."""
    linear_cache, activation_cache = cache
    dZ = ACTIVATIONS[activation][1](dA, activation_cache)
    return linear_backward(dZ, linear_cache)


# --- an L-layer network: [LINEAR -> RELU] x (L-1) -> LINEAR -> SIGMOID (Day 04) ------------------

def init_params(layer_dims, *, scale="he", seed: int = 0) -> dict:
    """Weights ``W1..WL`` and zero biases ``b1..bL`` for ``layer_dims = [n_x, n_1, ..., n_L]``.

    ``scale``: ``"he"`` (sqrt(2 / n_prev), Day 06), ``"xavier"`` (sqrt(1 / n_prev)), ``"zeros"``,
    or a number multiplying standard-normal weights.
    """
    rng = np.random.default_rng(seed)
    params = {}
    for l in range(1, len(layer_dims)):
        n, n_prev = layer_dims[l], layer_dims[l - 1]
        if scale == "zeros":
            W = np.zeros((n, n_prev))
        else:
            factor = {"he": np.sqrt(2 / n_prev), "xavier": np.sqrt(1 / n_prev)}.get(scale, scale)
            W = rng.standard_normal((n, n_prev)) * float(factor)
        params[f"W{l}"], params[f"b{l}"] = W, np.zeros((n, 1))
    return params


def model_forward(X, params, hidden: str = "relu", output: str = "sigmoid"):
    """Returns a tuple of: AL (1, m), caches (one per layer)."""
    L = len(params) // 2
    A, caches = X, []
    for l in range(1, L + 1):
        A, cache = layer_forward(A, params[f"W{l}"], params[f"b{l}"],
                                 output if l == L else hidden)
        caches.append(cache)
    return A, caches


def cross_entropy_cost(AL, Y, eps: float = 1e-12) -> float:
    """Binary cross-entropy averaged over the m examples: AL and Y of shape (1, m)."""
    AL = np.clip(AL, eps, 1 - eps)
    m = Y.shape[1]
    return float(-(Y * np.log(AL) + (1 - Y) * np.log(1 - AL)).sum() / m)


def model_backward(AL, Y, caches, hidden: str = "relu", output: str = "sigmoid", eps: float = 1e-12):
    """Gradients ``dW1..dWL``, ``db1..dbL`` (and ``dA0..dA{L-1}``) of the cross-entropy cost."""
    grads = {}
    L = len(caches)
    AL = np.clip(AL, eps, 1 - eps)
    dA = -(Y / AL - (1 - Y) / (1 - AL))
    for l in range(L, 0, -1):
        dA_prev, dW, db = layer_backward(dA, caches[l - 1], output if l == L else hidden)
        grads[f"dA{l - 1}"], grads[f"dW{l}"], grads[f"db{l}"] = dA_prev, dW, db
        dA = dA_prev
    return grads


def update_params(params, grads, lr: float) -> dict:
    """One gradient-descent step; returns a new dict."""
    return {k: v - lr * grads[f"d{k}"] for k, v in params.items()}


def predict(X, params, hidden: str = "relu") -> np.ndarray:
    """0/1 predictions of shape (1, m)."""
    return (model_forward(X, params, hidden)[0] > 0.5).astype(int)


def accuracy(X, Y, params, hidden: str = "relu") -> float:
    return float((predict(X, params, hidden) == Y).mean())


def train(X, Y, layer_dims, *, lr: float = 0.0075, num_epochs: int = 2500, scale="he",
          hidden: str = "relu", seed: int = 0, every: int = 100, progress: bool = False):
    """Full-batch gradient descent on an L-layer network.

    Returns a tuple of: params, costs (the cost every ``every`` epochs).
    """
    params = init_params(layer_dims, scale=scale, seed=seed)
    costs = []
    epochs = range(num_epochs)
    if progress:
        from tqdm.auto import tqdm
        epochs = tqdm(epochs, desc="training", leave=False)
    for epoch in epochs:
        AL, caches = model_forward(X, params, hidden)
        if epoch % every == 0 or epoch == num_epochs - 1:
            costs.append(cross_entropy_cost(AL, Y))
        params = update_params(params, model_backward(AL, Y, caches, hidden), lr)
    return params, costs
