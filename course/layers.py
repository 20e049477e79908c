"""Deprecated: the reference layers now live in :mod:`course.nn` (``course.nn.activations``,
``course.nn.dense``, ``course.nn.loop``, ``course.nn.softmax``, ``course.nn.batchnorm``).

This module re-exports them under their old names so that ``from course.layers import ...`` and
``from course import layers`` keep working; new code should import from :mod:`course.nn`. The
``bn_`` names are :mod:`course.nn.batchnorm`'s functions without the prefix, and ``train`` is
:func:`course.nn.loop.train` with the defaults this module always had.
"""
from __future__ import annotations

from .nn import loop
from .nn.activations import (
    ACTIVATIONS,
    relu,
    relu_backward,
    sigmoid,
    sigmoid_backward,
    tanh,
    tanh_backward,
)
from .nn.batchnorm import OPS as BN_OPS
from .nn.batchnorm import batchnorm_backward, batchnorm_forward
from .nn.batchnorm import init_params as bn_init_params
from .nn.batchnorm import model_backward as bn_model_backward
from .nn.batchnorm import model_forward as bn_model_forward
from .nn.batchnorm import predict as bn_predict
from .nn.batchnorm import train as bn_train
from .nn.dense import (
    accuracy,
    cross_entropy_cost,
    init_params,
    layer_backward,
    layer_forward,
    linear_backward,
    linear_forward,
    model_backward,
    model_forward,
    predict,
    update_params,
)
from .nn.softmax import softmax_cross_entropy_backward, softmax_cross_entropy_forward


def train(X, Y, layer_dims, *, lr: float = 0.0075, num_epochs: int = 2500, scale="he",
          hidden: str = "relu", seed: int = 0, every: int = 100, progress: bool = False):
    """Full-batch gradient descent on an L-layer network: ``course.nn.loop.train`` with these
    defaults. Returns a tuple of: params, costs (the cost every ``every`` epochs)."""
    return loop.train(X, Y, layer_dims, lr=lr, num_epochs=num_epochs, scale=scale, hidden=hidden,
                      seed=seed, every=every, progress=progress)


__all__ = ["ACTIVATIONS", "BN_OPS", "accuracy", "batchnorm_backward", "batchnorm_forward",
           "bn_init_params", "bn_model_backward", "bn_model_forward", "bn_predict", "bn_train",
           "cross_entropy_cost", "init_params", "layer_backward", "layer_forward",
           "linear_backward", "linear_forward", "model_backward", "model_forward", "predict",
           "relu", "relu_backward", "sigmoid", "sigmoid_backward", "softmax_cross_entropy_backward",
           "softmax_cross_entropy_forward", "tanh", "tanh_backward", "train", "update_params"]
