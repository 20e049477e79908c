"""The pieces of regularisation (Day 07): the L2 penalty and inverted dropout.

L2 regularisation adds ``lambd / (2 m) * sum_l ||W_l||_F^2`` to the cost, so each weight gradient
gains ``lambd / m * W_l`` (biases are not regularised). Inverted dropout keeps each hidden unit with
probability ``keep_prob`` during training and divides the kept ones by ``keep_prob``, so that the
expected activation is unchanged and nothing needs rescaling at test time.

The network that uses them is :mod:`course.nn.dense`: ``cross_entropy_cost(..., lambd=)``,
``model_forward(..., keep_prob=, rng=)`` and ``model_backward(..., lambd=)``.
"""
from __future__ import annotations

import numpy as np


def l2_penalty(params: dict, lambd: float, m: int) -> float:
    """``lambd / (2 m) * sum_l ||W_l||^2`` over the weights ``W1..WL`` (never the biases)."""
    total = sum(float(np.sum(np.square(v))) for k, v in params.items() if k.startswith("W"))
    return lambd / (2 * m) * total


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
