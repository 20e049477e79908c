"""Activations and their backward passes (Day 01: sigmoid; Day 03: tanh; Day 04: ReLU).

Each forward takes ``Z`` (any shape) and returns ``(A, cache)``; each backward takes the gradient
``dA`` of the cost with respect to ``A`` and that cache, and returns ``dZ`` (``dA``'s shape).
"""
from __future__ import annotations

import numpy as np


def sigmoid(Z):
    """Returns ``(A, cache)`` with A = 1 / (1 + e^-Z), computed without overflow; the cache is Z."""
    A = np.empty_like(Z, dtype=float)
    pos = Z >= 0
    A[pos] = 1 / (1 + np.exp(-Z[pos]))
    e = np.exp(Z[~pos])
    A[~pos] = e / (1 + e)
    return A, Z


def relu(Z):
    """Returns ``(A, cache)`` with A = max(0, Z); the cache is Z."""
    return np.maximum(0, Z), Z


def tanh(Z):
    """Returns ``(A, cache)`` with A = tanh(Z); the cache is A (tanh' = 1 - A^2)."""
    A = np.tanh(Z)
    return A, A


def sigmoid_backward(dA, cache):
    """dZ = dA * s (1 - s), s = sigmoid(Z)."""
    s = sigmoid(cache)[0]
    return dA * s * (1 - s)


def relu_backward(dA, cache):
    """dZ = dA where Z > 0, else 0."""
    return dA * (cache > 0)


def tanh_backward(dA, cache):
    """dZ = dA * (1 - A^2)."""
    return dA * (1 - cache ** 2)


#: name -> (forward, backward), the ``activation`` argument of ``dense.layer_forward``.
ACTIVATIONS = {"sigmoid": (sigmoid, sigmoid_backward), "relu": (relu, relu_backward),
               "tanh": (tanh, tanh_backward)}
