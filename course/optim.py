"""Reference NumPy optimisers and gradient checking for the from-scratch days.

Learners build these on Day 08 (gradient checking) and Day 09 (optimisation); later days import
them from here. Parameters are the dicts of ``course.layers`` (``W1``, ``b1``, ...), gradients
the dicts its backward passes return (``dW1``, ``db1``, ...), and examples are columns.

The update rules use the Deep Learning Specialization's notation, which matches ``torch.optim``
as follows (``tests/test_optim.py`` checks it):

- ``momentum_step(lr, beta)``: v = beta v + (1 - beta) g, then p -= lr v. The same steps as
  ``torch.optim.SGD(lr=lr * (1 - beta), momentum=beta)``.
- ``rmsprop_step(lr, beta2, eps)``: ``torch.optim.RMSprop(lr=lr, alpha=beta2, eps=eps)``.
- ``adam_step(lr, beta1, beta2, eps)``: ``torch.optim.Adam(lr=lr, betas=(beta1, beta2), eps=eps)``.

Every step returns new dicts and leaves its inputs unchanged.
"""
from __future__ import annotations

import numpy as np

from . import layers
from .checks import numeric_gradient

OPTIMIZERS = ("gd", "momentum", "rmsprop", "adam")


# --- mini-batches (Day 09) ---------------------------------------------------------------------

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


# --- update rules (Day 09) ---------------------------------------------------------------------

def zeros_like_params(params) -> dict:
    """A moment estimate for every parameter, all zeros: ``{"W1": zeros like W1, ...}``."""
    return {k: np.zeros_like(p) for k, p in params.items()}


def gd_step(params, grads, lr: float) -> dict:
    """Plain gradient descent: p -= lr g."""
    return layers.update_params(params, grads, lr)


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


# --- learning-rate schedules (Day 09) ----------------------------------------------------------

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


# --- a training loop (Day 09) ------------------------------------------------------------------

def train(X, Y, layer_dims, *, optimizer: str = "adam", lr: float = 0.0007, batch_size: int = 64,
          num_epochs: int = 5000, beta: float = 0.9, beta1: float = 0.9, beta2: float = 0.999,
          eps: float = 1e-8, decay=None, seed: int = 0, hidden: str = "relu", every: int = 1,
          progress: bool = False):
    """Mini-batch training of an L-layer network (``course.layers``) with one of ``OPTIMIZERS``.

    Epoch ``e`` shuffles with ``seed + e``; Adam's step count ``t`` runs over the whole training;
    ``decay(lr, epoch)`` (e.g. ``lambda lr0, e: scheduled_decay(lr0, e, 1.0, 1000)``) sets each
    epoch's learning rate. The weights start from ``layers.init_params(layer_dims, seed=seed)``.

    Returns a tuple of: params, costs (the cost on all of X after every ``every``-th epoch and
    after the last).
    """
    if optimizer not in OPTIMIZERS:
        raise ValueError(f"Unknown optimizer {optimizer!r}: choose one of {', '.join(OPTIMIZERS)}.")
    params = layers.init_params(layer_dims, seed=seed)
    v, s, t = zeros_like_params(params), zeros_like_params(params), 0
    costs = []
    epochs = range(num_epochs)
    if progress:
        from tqdm.auto import tqdm
        epochs = tqdm(epochs, desc=optimizer, leave=False)
    for epoch in epochs:
        lr_now = decay(lr, epoch) if decay is not None else lr
        for X_batch, Y_batch in random_mini_batches(X, Y, batch_size, seed + epoch):
            AL, caches = layers.model_forward(X_batch, params, hidden)
            grads = layers.model_backward(AL, Y_batch, caches, hidden)
            if optimizer == "gd":
                params = gd_step(params, grads, lr_now)
            elif optimizer == "momentum":
                params, v = momentum_step(params, grads, v, lr_now, beta)
            elif optimizer == "rmsprop":
                params, s = rmsprop_step(params, grads, s, lr_now, beta2, eps)
            else:
                t += 1
                params, v, s = adam_step(params, grads, v, s, t, lr_now, beta1, beta2, eps)
        if epoch % every == 0 or epoch == num_epochs - 1:
            costs.append(layers.cross_entropy_cost(layers.model_forward(X, params, hidden)[0], Y))
    return params, costs


# --- gradient checking (Day 08) ----------------------------------------------------------------

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
    flat = lambda g: np.concatenate([np.ravel(g[f"d{k}"]) for k in params])  # noqa: E731
    return relative_difference(flat(grads), flat(numeric)), errors


def _cost_function(X, Y, hidden: str = "relu"):
    """``cost(params)`` of an L-layer network on (X, Y), for gradient checks."""
    return lambda params: layers.cross_entropy_cost(layers.model_forward(X, params, hidden)[0], Y)


def check_model_gradients(X, Y, params, backward=None, hidden: str = "relu", h: float = 1e-6):
    """Gradient-check ``backward(AL, Y, caches)`` (default ``layers.model_backward``) on an
    L-layer network; returns what ``gradient_check`` returns."""
    backward = backward or (lambda AL, Y, caches: layers.model_backward(AL, Y, caches, hidden))
    AL, caches = layers.model_forward(X, params, hidden)
    return gradient_check(_cost_function(X, Y, hidden), params, backward(AL, Y, caches), h)


__all__ = ["OPTIMIZERS", "random_mini_batches", "zeros_like_params", "gd_step", "momentum_step",
           "rmsprop_step", "adam_step", "inverse_time_decay", "scheduled_decay", "step_decay",
           "exponential_decay", "train", "relative_difference", "numeric_grads", "gradient_check",
           "check_model_gradients"]
