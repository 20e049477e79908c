"""The NumPy training loop of the from-scratch days: one loop for the L-layer network of
:mod:`course.nn.dense`, its options introduced day by day.

- Day 05: full-batch gradient descent (``optimizer="gd"``, ``batch_size=None``).
- Day 07: L2 regularisation (``lambd``) and inverted dropout (``keep_prob``).
- Day 09: mini-batches (``batch_size``), momentum, RMSprop and Adam (``optimizer``), learning-rate
  decay (``decay``).

>>> params, costs = train(X, Y, [2, 5, 1], lr=0.3, num_epochs=1000, every=100)  # doctest: +SKIP
"""
from __future__ import annotations

import numbers

import numpy as np

from . import dense
from .optim import (
    UPDATE_RULES,
    adam_step,
    gd_step,
    momentum_step,
    random_mini_batches,
    rmsprop_step,
    zeros_like_params,
)


def train(X, Y, layer_dims, *, lr: float, num_epochs: int, optimizer: str = "gd",
          batch_size: int | None = None, lambd: float = 0.0, keep_prob: float = 1.0, decay=None,
          beta: float = 0.9, beta1: float = 0.9, beta2: float = 0.999, eps: float = 1e-8,
          scale="he", hidden: str = "relu", seed: int = 0, every: int = 1,
          progress: bool = False):
    """Train an L-layer network on (X, Y) with one of ``optim.UPDATE_RULES``.

    Inputs:
    - X: (n_x, m) inputs; Y: (1, m) 0/1 labels; layer_dims: [n_x, n_1, ..., 1]
    - lr: the (initial) learning rate; decay: None, or ``decay(lr, epoch)`` giving each epoch's
      rate (e.g. ``lambda lr0, e: optim.scheduled_decay(lr0, e, 1.0, 1000)``)
    - optimizer: ``"gd"``, ``"momentum"`` (``beta``), ``"rmsprop"`` (``beta2``, ``eps``) or
      ``"adam"`` (``beta1``, ``beta2``, ``eps``; its step count runs over the whole training)
    - batch_size: None trains on all of X at once; a number cuts each epoch into mini-batches,
      epoch ``e`` shuffling with ``seed + e`` (``optim.random_mini_batches``)
    - lambd: L2 strength; keep_prob: dropout's probability of keeping a hidden unit, the masks
      drawn from ``np.random.default_rng(seed + 1)``
    - scale, seed: the weights start from ``dense.init_params(layer_dims, scale=scale, seed=seed)``
    - every: record the cost after epochs 0, every, 2 * every, ... and the last
    Returns a tuple of: params, costs. With ``batch_size=None`` each recorded cost is that of the
    epoch's forward pass, before its update (with dropout: of the thinned network); with
    mini-batches it is the cost on all of X (no dropout) after the epoch. Both include the L2
    penalty.
    """
    if optimizer not in UPDATE_RULES:
        raise ValueError(f"Unknown optimizer {optimizer!r}: choose one of {', '.join(UPDATE_RULES)}.")
    if isinstance(num_epochs, bool) or not isinstance(num_epochs, numbers.Integral) or num_epochs < 1:
        raise dense.UsageError(f"num_epochs is a number of passes over the data: a whole number of at "
                               f"least 1, such as 500 (an int, not 500.0), got {num_epochs!r}.")
    if isinstance(lr, bool) or not isinstance(lr, numbers.Real) or not lr > 0:
        raise dense.UsageError(f"lr is the learning rate: a positive number such as 0.01, got {lr!r}.")
    params = dense.init_params(layer_dims, scale=scale, seed=seed)
    v, s, t = zeros_like_params(params), zeros_like_params(params), 0
    rng = np.random.default_rng(seed + 1)  # dropout masks
    costs = []
    epochs = range(num_epochs)
    if progress:
        from tqdm.auto import tqdm
        epochs = tqdm(epochs, desc=optimizer, leave=False)
    for epoch in epochs:
        record = epoch % every == 0 or epoch == num_epochs - 1
        lr_now = decay(lr, epoch) if decay is not None else lr
        if batch_size is None:
            batches = [(X, Y)]
        else:
            batches = random_mini_batches(X, Y, batch_size, seed + epoch)
        for X_batch, Y_batch in batches:
            AL, caches = dense.model_forward(X_batch, params, hidden, keep_prob=keep_prob, rng=rng)
            if batch_size is None and record:
                costs.append(dense.cross_entropy_cost(AL, Y_batch, params=params, lambd=lambd))
            grads = dense.model_backward(AL, Y_batch, caches, hidden, lambd=lambd)
            if optimizer == "gd":
                params = gd_step(params, grads, lr_now)
            elif optimizer == "momentum":
                params, v = momentum_step(params, grads, v, lr_now, beta)
            elif optimizer == "rmsprop":
                params, s = rmsprop_step(params, grads, s, lr_now, beta2, eps)
            else:
                t += 1
                params, v, s = adam_step(params, grads, v, s, t, lr_now, beta1, beta2, eps)
        if batch_size is not None and record:
            AL = dense.model_forward(X, params, hidden)[0]
            costs.append(dense.cross_entropy_cost(AL, Y, params=params, lambd=lambd))
    return params, costs
