"""Mini-batches, update rules and learning-rate decays (Day 09).

Parameters are the dicts of :mod:`course.nn.dense` (``W1``, ``b1``, ...), gradients the dicts its
backward passes return (``dW1``, ``db1``, ...), and examples are columns. The training loop that
uses them is :func:`course.nn.loop.train`.

The update rules use the Deep Learning Specialization's notation, which matches ``torch.optim``
as follows (``tests/course/nn/test_optim.py`` checks it):

- ``momentum_step(lr, beta)``: v = beta v + (1 - beta) g, then p -= lr v. The same steps as
  ``torch.optim.SGD(lr=lr * (1 - beta), momentum=beta)``.
- ``rmsprop_step(lr, beta2, eps)``: ``torch.optim.RMSprop(lr=lr, alpha=beta2, eps=eps)``.
- ``adam_step(lr, beta1, beta2, eps)``: ``torch.optim.Adam(lr=lr, betas=(beta1, beta2), eps=eps)``.

Every step returns new dicts and leaves its inputs unchanged.
"""
from __future__ import annotations

import numpy as np

from .dense import update_params

#: The names ``loop.train(optimizer=...)`` accepts, one per update rule below. (The PyTorch
#: optimizers ``course.training.fit`` accepts are ``course.training.OPTIMIZERS``.)
UPDATE_RULES = ("gd", "momentum", "rmsprop", "adam")


# --- mini-batches --------------------------------------------------------------------------------

def random_mini_batches(X, Y, batch_size: int = 64, seed: int = 0) -> list:
    """Shuffle the examples (columns) with ``np.random.default_rng(seed).permutation(m)`` and cut
    them into mini-batches of ``batch_size``; the last one is smaller when m is not a multiple.

    Inputs: X (n_x, m), Y (1, m).
    Returns: a list of ``(X_batch, Y_batch)`` of shapes (n_x, batch_size) and (1, batch_size).
    """
    if batch_size < 1:
        raise ValueError(f"batch_size must be at least 1, got {batch_size}.")
    m = X.shape[1]
    order = np.random.default_rng(seed).permutation(m)
    X, Y = X[:, order], Y[:, order]
    return [(X[:, k:k + batch_size], Y[:, k:k + batch_size]) for k in range(0, m, batch_size)]


# --- update rules --------------------------------------------------------------------------------

def zeros_like_params(params) -> dict:
    """A moment estimate for every parameter, all zeros: ``{"W1": zeros like W1, ...}``."""
    return {k: np.zeros_like(p) for k, p in params.items()}


def gd_step(params, grads, lr: float) -> dict:
    """Plain gradient descent: p -= lr g (``dense.update_params``)."""
    return update_params(params, grads, lr)


def momentum_step(params, grads, v, lr: float, beta: float = 0.9):
    """Gradient descent with momentum.

    v = beta v + (1 - beta) dp;  p = p - lr v, for every parameter p.
    Returns a tuple of: params, v (new dicts).
    """
    v = {k: beta * v[k] + (1 - beta) * grads[f"d{k}"] for k in params}
    return {k: p - lr * v[k] for k, p in params.items()}, v


def rmsprop_step(params, grads, s, lr: float, beta2: float = 0.999, eps: float = 1e-8):
    """RMSprop.

    s = beta2 s + (1 - beta2) dp^2;  p = p - lr dp / (sqrt(s) + eps).
    Returns a tuple of: params, s (new dicts).
    """
    s = {k: beta2 * s[k] + (1 - beta2) * grads[f"d{k}"] ** 2 for k in params}
    return {k: p - lr * grads[f"d{k}"] / (np.sqrt(s[k]) + eps) for k, p in params.items()}, s


def adam_step(params, grads, v, s, t: int, lr: float = 0.001, beta1: float = 0.9,
              beta2: float = 0.999, eps: float = 1e-8):
    """Adam with bias correction; ``t`` is the number of this step, counted from 1.

    v = beta1 v + (1 - beta1) dp;  s = beta2 s + (1 - beta2) dp^2;
    v_hat = v / (1 - beta1^t);  s_hat = s / (1 - beta2^t);  p = p - lr v_hat / (sqrt(s_hat) + eps).
    Returns a tuple of: params, v, s (new dicts).
    """
    if t < 1:
        raise ValueError(f"Adam counts its steps from t = 1 (got t = {t}): increase t before the step.")
    v = {k: beta1 * v[k] + (1 - beta1) * grads[f"d{k}"] for k in params}
    s = {k: beta2 * s[k] + (1 - beta2) * grads[f"d{k}"] ** 2 for k in params}
    new = {}
    for k, p in params.items():
        v_hat = v[k] / (1 - beta1 ** t)
        s_hat = s[k] / (1 - beta2 ** t)
        new[k] = p - lr * v_hat / (np.sqrt(s_hat) + eps)
    return new, v, s


# --- learning-rate decays ------------------------------------------------------------------------

def inverse_time_decay(lr0: float, epoch: int, decay_rate: float) -> float:
    """lr = lr0 / (1 + decay_rate * epoch)."""
    return lr0 / (1 + decay_rate * epoch)


def scheduled_decay(lr0: float, epoch: int, decay_rate: float, time_interval: int = 1000) -> float:
    """Inverse-time decay applied in steps: lr = lr0 / (1 + decay_rate * floor(epoch / time_interval))."""
    return lr0 / (1 + decay_rate * (epoch // time_interval))


def step_decay(lr0: float, epoch: int, drop: float = 0.5, every: int = 10) -> float:
    """lr = lr0 * drop^floor(epoch / every) (``torch.optim.lr_scheduler.StepLR``)."""
    return lr0 * drop ** (epoch // every)


def exponential_decay(lr0: float, epoch: int, rate: float = 0.95) -> float:
    """lr = lr0 * rate^epoch (``torch.optim.lr_scheduler.ExponentialLR``)."""
    return lr0 * rate ** epoch
