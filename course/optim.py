"""Deprecated: the reference optimisers and gradient checking now live in :mod:`course.nn`
(``course.nn.optim``, ``course.nn.gradcheck``, and the training loop ``course.nn.loop``).

This module re-exports them under their old names so that ``from course import optim`` keeps
working; new code should import from :mod:`course.nn`. ``OPTIMIZERS`` is
``course.nn.optim.UPDATE_RULES`` (the NumPy update rules; ``course.training.OPTIMIZERS`` names the
PyTorch optimizers), and ``train`` is :func:`course.nn.loop.train` with the defaults this module
always had (Adam, mini-batches of 64).
"""
from __future__ import annotations

from .checks import numeric_gradient  # noqa: F401 (the old module's namespace had it)
from .nn import loop
from .nn.gradcheck import (
    check_model_gradients,
    gradient_check,
    numeric_grads,
    relative_difference,
)
from .nn.optim import UPDATE_RULES as OPTIMIZERS
from .nn.optim import (
    adam_step,
    exponential_decay,
    gd_step,
    inverse_time_decay,
    momentum_step,
    random_mini_batches,
    rmsprop_step,
    scheduled_decay,
    step_decay,
    zeros_like_params,
)


def train(X, Y, layer_dims, *, optimizer: str = "adam", lr: float = 0.0007, batch_size: int = 64,
          num_epochs: int = 5000, beta: float = 0.9, beta1: float = 0.9, beta2: float = 0.999,
          eps: float = 1e-8, decay=None, seed: int = 0, hidden: str = "relu", every: int = 1,
          progress: bool = False):
    """Mini-batch training of an L-layer network: ``course.nn.loop.train`` with these defaults.

    Returns a tuple of: params, costs (the cost on all of X after every ``every``-th epoch and
    after the last).
    """
    return loop.train(X, Y, layer_dims, optimizer=optimizer, lr=lr, batch_size=batch_size,
                      num_epochs=num_epochs, beta=beta, beta1=beta1, beta2=beta2, eps=eps,
                      decay=decay, seed=seed, hidden=hidden, every=every, progress=progress)


__all__ = [
    "OPTIMIZERS",
    "adam_step",
    "check_model_gradients",
    "exponential_decay",
    "gd_step",
    "gradient_check",
    "inverse_time_decay",
    "momentum_step",
    "numeric_grads",
    "random_mini_batches",
    "relative_difference",
    "rmsprop_step",
    "scheduled_decay",
    "step_decay",
    "train",
    "zeros_like_params",
]
