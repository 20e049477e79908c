"""Reference regularisation for the NumPy L-layer model of :mod:`course.layers` (Day 07).

L2 regularisation adds ``lambd / (2 m) * sum_l ||W_l||_F^2`` to the cross-entropy cost, so each
weight gradient gains ``lambd / m * W_l`` (biases are not regularised). Inverted dropout keeps each
hidden unit with probability ``keep_prob`` during training and divides the kept ones by
``keep_prob``, so that the expected activation is unchanged and nothing needs rescaling at test
time. Examples are columns, as in :mod:`course.layers`.

Learners build these on Day 07 (the notebook teaches); later days import them from here.
"""
from __future__ import annotations

import numpy as np

from . import layers


# --- L2 ------------------------------------------------------------------------------------------

def l2_penalty(params: dict, lambd: float, m: int) -> float:
    """``lambd / (2 m) * sum_l ||W_l||^2`` over the weights ``W1..WL`` (never the biases)."""
    total = sum(float(np.sum(np.square(v))) for k, v in params.items() if k.startswith("W"))
    return lambd / (2 * m) * total


def l2_cost(AL, Y, params: dict, lambd: float) -> float:
    """Cross-entropy cost plus the L2 penalty.

    Inputs: AL (1, m) predicted probabilities, Y (1, m) 0/1 labels, params with ``W1..WL``,
    lambd >= 0. Returns the cost, a float.
    """
    return layers.cross_entropy_cost(AL, Y) + l2_penalty(params, lambd, Y.shape[1])


def l2_backward(AL, Y, caches, params: dict, lambd: float, hidden: str = "relu") -> dict:
    """Gradients of :func:`l2_cost`: :func:`course.layers.model_backward`'s, with
    ``lambd / m * W_l`` added to each ``dW_l``."""
    grads = layers.model_backward(AL, Y, caches, hidden)
    m = Y.shape[1]
    for l in range(1, len(caches) + 1):
        grads[f"dW{l}"] = grads[f"dW{l}"] + lambd / m * params[f"W{l}"]
    return grads


# --- inverted dropout ----------------------------------------------------------------------------

def dropout_forward(A, keep_prob: float, rng: np.random.Generator):
    """Inverted dropout on activations ``A`` (any shape).

    Draws ``rng.random(A.shape)`` once and keeps the entries where it is below ``keep_prob``.
    Returns a tuple of: out (A's shape: the kept entries divided by keep_prob, the others 0),
    cache (mask, keep_prob) with a boolean mask.
    """
    if not 0 < keep_prob <= 1:
        raise ValueError(f"keep_prob is the probability of keeping a unit: it must be in (0, 1], "
                         f"got {keep_prob}.")
    mask = rng.random(np.shape(A)) < keep_prob
    return A * mask / keep_prob, (mask, keep_prob)


def dropout_backward(dout, cache):
    """Gradient through inverted dropout: the same units dropped, the same scaling."""
    mask, keep_prob = cache
    return dout * mask / keep_prob


def model_forward_dropout(X, params: dict, keep_prob: float, rng: np.random.Generator,
                          hidden: str = "relu", output: str = "sigmoid"):
    """:func:`course.layers.model_forward` with inverted dropout after every hidden layer
    (never on the input or the output).

    Returns a tuple of: AL (1, m), caches (one ``(layer_cache, dropout_cache)`` per layer; the
    output layer's dropout_cache is None).
    """
    L = len(params) // 2
    A, caches = X, []
    for l in range(1, L + 1):
        A, cache = layers.layer_forward(A, params[f"W{l}"], params[f"b{l}"],
                                        output if l == L else hidden)
        drop = None
        if l < L:
            A, drop = dropout_forward(A, keep_prob, rng)
        caches.append((cache, drop))
    return A, caches


def model_backward_dropout(AL, Y, caches, hidden: str = "relu", output: str = "sigmoid",
                           eps: float = 1e-12) -> dict:
    """Gradients of the cross-entropy cost of :func:`model_forward_dropout`'s output."""
    grads = {}
    L = len(caches)
    AL = np.clip(AL, eps, 1 - eps)
    dA = -(Y / AL - (1 - Y) / (1 - AL))
    for l in range(L, 0, -1):
        cache, drop = caches[l - 1]
        if drop is not None:
            dA = dropout_backward(dA, drop)
        dA_prev, dW, db = layers.layer_backward(dA, cache, output if l == L else hidden)
        grads[f"dA{l - 1}"], grads[f"dW{l}"], grads[f"db{l}"] = dA_prev, dW, db
        dA = dA_prev
    return grads


# --- training ------------------------------------------------------------------------------------

def train(X, Y, layer_dims, *, lambd: float = 0.0, keep_prob: float = 1.0, lr: float = 0.3,
          num_epochs: int = 30000, scale="he", hidden: str = "relu", seed: int = 0,
          every: int = 1000):
    """Full-batch gradient descent with L2 (``lambd > 0``) and/or dropout (``keep_prob < 1``).

    Returns a tuple of: params, costs (the cost every ``every`` epochs, the L2 penalty included;
    with dropout, the cost of the thinned network that was trained on).
    """
    params = layers.init_params(layer_dims, scale=scale, seed=seed)
    rng = np.random.default_rng(seed + 1)
    costs = []
    for epoch in range(num_epochs):
        if keep_prob < 1:
            AL, caches = model_forward_dropout(X, params, keep_prob, rng, hidden)
            grads = model_backward_dropout(AL, Y, caches, hidden)
        else:
            AL, caches = layers.model_forward(X, params, hidden)
            grads = layers.model_backward(AL, Y, caches, hidden)
        if lambd:
            m = Y.shape[1]
            for l in range(1, len(caches) + 1):
                grads[f"dW{l}"] = grads[f"dW{l}"] + lambd / m * params[f"W{l}"]
        if epoch % every == 0 or epoch == num_epochs - 1:
            costs.append(layers.cross_entropy_cost(AL, Y) + l2_penalty(params, lambd, Y.shape[1]))
        params = layers.update_params(params, grads, lr)
    return params, costs
