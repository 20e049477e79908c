"""Gradient checking (Day 08): compare a backward pass with centred differences of the cost.

Parameters are the dicts of :mod:`course.nn.dense` (``W1``, ``b1``, ...), gradients the dicts its
backward passes return (``dW1``, ``db1``, ...). The numeric gradient of one array is
:func:`course.checks.numeric_gradient`, the one test cells use.
"""
from __future__ import annotations

import numpy as np

from ..checks import numeric_gradient
from . import dense


def relative_difference(grad, grad_approx) -> float:
    """||grad - grad_approx|| / (||grad|| + ||grad_approx||) over all entries; 0 when both are 0.

    Below about 1e-7 the two agree; above about 1e-3 a backward pass almost surely has a bug.
    (``course.checks.rel_error`` is the elementwise, largest-entry version.)
    """
    grad = np.ravel(np.asarray(grad, dtype=float))
    grad_approx = np.ravel(np.asarray(grad_approx, dtype=float))
    if grad.shape != grad_approx.shape:
        raise ValueError(f"relative_difference needs equal sizes, got {grad.size} and {grad_approx.size}.")
    denominator = np.linalg.norm(grad) + np.linalg.norm(grad_approx)
    return 0.0 if denominator == 0 else float(np.linalg.norm(grad - grad_approx) / denominator)


def numeric_grads(cost, params, h: float = 1e-6) -> dict:
    """Centred-difference gradients of ``cost(params)`` for every parameter: ``{"dW1": ..., ...}``.

    Each parameter array is perturbed in place one entry at a time and restored; it must be float64.
    """
    return {f"d{k}": numeric_gradient(lambda _: cost(params), p, h) for k, p in params.items()}


def gradient_check(cost, params, grads, h: float = 1e-6):
    """Compare a backward pass's ``grads`` with numeric gradients of ``cost(params)``.

    Returns a tuple of: the relative difference over all parameters together, and a dict of the
    relative difference of each parameter (``{"W1": ..., "b1": ...}``), which points at the bug.
    """
    numeric = numeric_grads(cost, params, h)
    missing = [f"d{k}" for k in params if f"d{k}" not in grads]
    if missing:
        raise KeyError(f"grads has no {', '.join(missing)}: return a gradient for every parameter.")
    errors = {k: relative_difference(grads[f"d{k}"], numeric[f"d{k}"]) for k in params}

    def flat(g):
        return np.concatenate([np.ravel(g[f"d{k}"]) for k in params])

    return relative_difference(flat(grads), flat(numeric)), errors


def _cost_function(X, Y, hidden: str = "relu"):
    """``cost(params)`` of an L-layer network on (X, Y), for gradient checks."""
    return lambda params: dense.cross_entropy_cost(dense.model_forward(X, params, hidden)[0], Y)


def check_model_gradients(X, Y, params, backward=None, hidden: str = "relu", h: float = 1e-6):
    """Gradient-check ``backward(AL, Y, caches)`` (default ``dense.model_backward``) on an
    L-layer network; returns what ``gradient_check`` returns."""
    backward = backward or (lambda AL, Y, caches: dense.model_backward(AL, Y, caches, hidden))
    AL, caches = dense.model_forward(X, params, hidden)
    return gradient_check(_cost_function(X, Y, hidden), params, backward(AL, Y, caches), h)
