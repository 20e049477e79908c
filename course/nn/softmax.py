"""Softmax cross-entropy for K classes (Day 10), as ``torch.nn.functional.cross_entropy``.

Unlike :mod:`course.nn.dense` (whose backward passes take per-example gradients and divide by m in
``dW``), this returns the gradient of the scalar cost itself, as torch's autograd does: the layers
below it need no further division by m.
"""
from __future__ import annotations

import numpy as np


def softmax_cross_entropy_forward(Z, y):
    """Mean cross-entropy of softmax(Z) against integer labels, computed stably (log-sum-exp).

    Inputs: Z (K, m) scores (logits), examples as columns; y (m,) or (1, m) labels in 0..K-1.
    Returns a tuple of: loss (a float), cache (P, the (K, m) probabilities, and y).
    """
    y = np.asarray(y).ravel()
    m = Z.shape[1]
    shifted = Z - Z.max(axis=0, keepdims=True)
    log_P = shifted - np.log(np.exp(shifted).sum(axis=0, keepdims=True))
    loss = -log_P[y, np.arange(m)].mean()
    return float(loss), (np.exp(log_P), y)


def softmax_cross_entropy_backward(cache):
    """Gradient of the mean cross-entropy with respect to Z: (softmax(Z) - one_hot(y)) / m."""
    P, y = cache
    m = P.shape[1]
    dZ = P.copy()
    dZ[y, np.arange(m)] -= 1
    return dZ / m
