"""Dense layers and the L-layer network of Days 04 to 09, CS231n style: every forward returns
``(out, cache)`` and every backward takes the cache back.

The network is [LINEAR -> RELU] x (L-1) -> LINEAR -> SIGMOID for binary labels. Examples are
columns: ``A`` of shape (n_units, m). Gradients are averaged over the m examples in the cost, so
``dW = dZ @ A_prev.T / m``. Learners build these on Day 04 (the notebook teaches); later days
import them from here (the library serves). Day 06 adds the initialisations of ``init_params``,
Day 07 the options ``lambd`` (L2) and ``keep_prob`` (inverted dropout) of the model functions.
"""
from __future__ import annotations

import numpy as np

from ..errors import CourseError
from .activations import ACTIVATIONS, sigmoid
from .regularisation import dropout_backward, dropout_forward, l2_penalty


class UsageError(CourseError, ValueError):
    """A network function was called with arguments it cannot use; the message says how to call it."""

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


# --- the L-layer network (Day 04; initialisations Day 06; L2 and dropout Day 07) ---------------

def init_params(layer_dims, *, scale="he", seed: int = 0) -> dict:
    """Weights ``W1..WL`` and zero biases ``b1..bL`` for ``layer_dims = [n_x, n_1, ..., n_L]``.

    ``scale``: ``"he"`` (sqrt(2 / n_prev), Day 06), ``"lecun"`` (sqrt(1 / n_prev)), ``"glorot"``
    (Xavier: sqrt(2 / (n_prev + n))), ``"zeros"``, or a number multiplying standard-normal weights.
    ``"xavier"`` is read as Glorot's.
    """
    scales = {"he": lambda n, n_prev: np.sqrt(2 / n_prev),
              "lecun": lambda n, n_prev: np.sqrt(1 / n_prev),
              "glorot": lambda n, n_prev: np.sqrt(2 / (n_prev + n))}
    scales["xavier"] = scales["glorot"]
    rng = np.random.default_rng(seed)
    params = {}
    for l in range(1, len(layer_dims)):
        n, n_prev = layer_dims[l], layer_dims[l - 1]
        if scale == "zeros":
            W = np.zeros((n, n_prev))
        elif isinstance(scale, str) and scale not in scales:
            raise ValueError(f"scale should be one of {', '.join(map(repr, scales))}, 'zeros' or a "
                             f"number, got {scale!r}.")
        else:
            factor = scales[scale](n, n_prev) if isinstance(scale, str) else scale
            W = rng.standard_normal((n, n_prev)) * float(factor)
        params[f"W{l}"], params[f"b{l}"] = W, np.zeros((n, 1))
    return params


def model_forward(X, params, hidden: str = "relu", output: str = "sigmoid", *,
                  keep_prob: float = 1.0, rng: np.random.Generator | None = None):
    """The forward pass, with inverted dropout after every hidden layer when ``keep_prob < 1``
    (never on the input or the output; the masks are drawn from ``rng``, layer by layer).

    Returns a tuple of: AL (1, m), caches (one per layer: ``(linear_cache, activation_cache)``,
    and on a hidden layer with dropout ``(linear_cache, activation_cache, dropout_cache)``).
    """
    if not 0 < keep_prob <= 1:
        raise ValueError(f"keep_prob is the probability of keeping a unit: it must be in (0, 1], "
                         f"got {keep_prob}.")
    dropout = keep_prob < 1
    if dropout and rng is None:
        raise ValueError("Dropout draws its masks from a generator: pass "
                         "rng=np.random.default_rng(seed) with keep_prob < 1.")
    L = len(params) // 2
    A, caches = X, []
    for l in range(1, L + 1):
        A, cache = layer_forward(A, params[f"W{l}"], params[f"b{l}"],
                                 output if l == L else hidden)
        if dropout and l < L:
            A, dropout_cache = dropout_forward(A, keep_prob, rng)
            cache = (*cache, dropout_cache)
        caches.append(cache)
    return A, caches


def cross_entropy_cost(AL, Y, eps: float = 1e-12, *, params: dict | None = None,
                       lambd: float = 0.0) -> float:
    """Binary cross-entropy averaged over the m examples: AL and Y of shape (1, m).

    With ``lambd > 0`` the L2 penalty ``lambd / (2 m) * sum_l ||W_l||^2`` of ``params`` is added.
    """
    AL = np.clip(AL, eps, 1 - eps)
    m = Y.shape[1]
    cost = float(-(Y * np.log(AL) + (1 - Y) * np.log(1 - AL)).sum() / m)
    if lambd:
        if params is None:
            raise ValueError("The L2 penalty needs the weights: pass params=params with lambd.")
        cost = cost + l2_penalty(params, lambd, m)
    return cost


def model_backward(AL, Y, caches, hidden: str = "relu", output: str = "sigmoid",
                   eps: float = 1e-12, *, lambd: float = 0.0) -> dict:
    """Gradients ``dW1..dWL``, ``db1..dbL`` (and ``dA0..dA{L-1}``) of the cross-entropy cost.

    Dropout is undone wherever a cache holds a dropout cache (``model_forward(keep_prob=...)``);
    with ``lambd > 0`` each ``dW_l`` gains ``lambd / m * W_l``, the gradient of the L2 penalty.
    """
    grads = {}
    L = len(caches)
    if output == "sigmoid":
        # Sigmoid and cross-entropy together: dZ = AL - Y, which is dA * sigmoid'(Z) without the
        # rounding of 1 - AL. Chaining them through a clipped AL loses the gradient of a saturated
        # wrong prediction (|Z| > ~28): it shrinks towards 0 instead of staying AL - Y.
        linear_cache, Z = caches[-1][:2]
        dA, dW, db = linear_backward(sigmoid(Z)[0] - Y, linear_cache)
        grads[f"dA{L - 1}"], grads[f"dW{L}"], grads[f"db{L}"] = dA, dW, db
        first = L - 1
    else:
        AL = np.clip(AL, eps, 1 - eps)
        dA = -(Y / AL - (1 - Y) / (1 - AL))
        first = L
    for l in range(first, 0, -1):
        cache = caches[l - 1]
        if len(cache) == 3:  # this layer's output went through dropout
            dA = dropout_backward(dA, cache[2])
        dA_prev, dW, db = layer_backward(dA, cache[:2], output if l == L else hidden)
        grads[f"dA{l - 1}"], grads[f"dW{l}"], grads[f"db{l}"] = dA_prev, dW, db
        dA = dA_prev
    if lambd:
        m = Y.shape[1]
        for l in range(1, L + 1):
            W = caches[l - 1][0][1]
            grads[f"dW{l}"] = grads[f"dW{l}"] + lambd / m * W
    return grads


def update_params(params, grads, lr: float) -> dict:
    """One gradient-descent step; returns a new dict.

    ``grads`` holds each parameter's gradient under its name with a ``d`` in front (``dW1`` for
    ``W1``), of its shape; other keys (``dA0``, ...) are ignored.
    """
    missing = [f"d{k}" for k in params if f"d{k}" not in grads]
    if missing:
        raise UsageError(
            f"grads has no {', '.join(map(repr, missing))}: update_params takes each parameter's "
            f"gradient from grads under the parameter's name with a 'd' in front ('dW1' for 'W1', "
            f"'db1' for 'b1'); the keys of grads are {sorted(grads)}.")
    for k, v in params.items():
        if np.shape(grads[f"d{k}"]) != np.shape(v):
            raise UsageError(f"grads['d{k}'] has shape {np.shape(grads[f'd{k}'])}, but {k} has shape "
                             f"{np.shape(v)}: a gradient has the shape of its parameter.")
    return {k: v - lr * grads[f"d{k}"] for k, v in params.items()}


def predict(X, params, hidden: str = "relu") -> np.ndarray:
    """0/1 predictions of shape (1, m)."""
    return (model_forward(X, params, hidden)[0] > 0.5).astype(int)


def accuracy(X, Y, params, hidden: str = "relu") -> float:
    """The fraction of the m examples whose prediction equals Y (1, m)."""
    return float((predict(X, params, hidden) == Y).mean())
