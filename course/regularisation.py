"""Deprecated: the reference regularisation now lives in :mod:`course.nn`
(``course.nn.regularisation`` for the pieces; ``course.nn.dense`` takes them as options:
``cross_entropy_cost(..., params=, lambd=)``, ``model_forward(..., keep_prob=, rng=)``,
``model_backward(..., lambd=)``; ``course.nn.loop.train`` trains with them).

This module keeps the old names working as thin wrappers; new code should import from
:mod:`course.nn`. ``model_forward_dropout`` still returns its old caches, one
``(layer_cache, dropout_cache)`` pair per layer, and ``model_backward_dropout`` is
``dense.model_backward`` on them, so it has the sigmoid output's dZ = AL - Y too.
"""
from __future__ import annotations

import numpy as np

from .nn import dense, loop
from .nn.regularisation import dropout_backward, dropout_forward, l2_penalty


def l2_cost(AL, Y, params: dict, lambd: float) -> float:
    """Cross-entropy cost plus the L2 penalty: ``dense.cross_entropy_cost(AL, Y, params=params,
    lambd=lambd)``."""
    return dense.cross_entropy_cost(AL, Y, params=params, lambd=lambd)


def l2_backward(AL, Y, caches, params: dict, lambd: float, hidden: str = "relu") -> dict:
    """Gradients of :func:`l2_cost`: ``dense.model_backward(AL, Y, caches, hidden, lambd=lambd)``
    (the weights are read from the caches, which hold ``params``' arrays)."""
    return dense.model_backward(AL, Y, caches, hidden, lambd=lambd)


def model_forward_dropout(X, params: dict, keep_prob: float, rng: np.random.Generator,
                          hidden: str = "relu", output: str = "sigmoid"):
    """``dense.model_forward`` with inverted dropout after every hidden layer.

    Returns a tuple of: AL (1, m), caches (one ``(layer_cache, dropout_cache)`` per layer; the
    output layer's dropout_cache is None).
    """
    AL, caches = dense.model_forward(X, params, hidden, output, keep_prob=keep_prob, rng=rng)
    return AL, [(cache[:2], cache[2] if len(cache) == 3 else None) for cache in caches]


def model_backward_dropout(AL, Y, caches, hidden: str = "relu", output: str = "sigmoid",
                           eps: float = 1e-12) -> dict:
    """Gradients of the cross-entropy cost of :func:`model_forward_dropout`'s output."""
    caches = [layer if drop is None else (*layer, drop) for layer, drop in caches]
    return dense.model_backward(AL, Y, caches, hidden, output, eps)


def train(X, Y, layer_dims, *, lambd: float = 0.0, keep_prob: float = 1.0, lr: float = 0.3,
          num_epochs: int = 30000, scale="he", hidden: str = "relu", seed: int = 0,
          every: int = 1000):
    """Full-batch gradient descent with L2 (``lambd > 0``) and/or dropout (``keep_prob < 1``):
    ``course.nn.loop.train`` with these defaults.

    Returns a tuple of: params, costs (the cost every ``every`` epochs, the L2 penalty included;
    with dropout, the cost of the thinned network that was trained on).
    """
    return loop.train(X, Y, layer_dims, lambd=lambd, keep_prob=keep_prob, lr=lr,
                      num_epochs=num_epochs, scale=scale, hidden=hidden, seed=seed, every=every)


__all__ = ["dropout_backward", "dropout_forward", "l2_backward", "l2_cost", "l2_penalty",
           "model_backward_dropout", "model_forward_dropout", "train"]
