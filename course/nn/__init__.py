"""The NumPy reference of what learners build from scratch, one module per concept.

A day's notebook teaches a piece by having the learner write it; from the next day on, the
notebooks import the tested copy from here (``from course.nn import dense``). Examples are
columns (``X`` of shape (n_x, m)); forward functions return ``(out, cache)``; gradients are dicts
``{"dW1": ..., "db1": ...}`` keyed like the parameters ``{"W1": ..., "b1": ...}``.

Module, the day that introduced it, what it holds:

- ``activations`` (Day 01; ``relu``, ``tanh``: Days 03-04): ``sigmoid``, ``relu``, ``tanh``,
  their backwards, ``ACTIVATIONS``.
- ``dense`` (Day 04; He, LeCun and Glorot initialisation: Day 06): ``linear_forward/backward``,
  ``layer_forward/backward``, ``init_params``, ``model_forward``, ``cross_entropy_cost``,
  ``model_backward`` (dZ = AL - Y at the sigmoid output), ``update_params``, ``predict``,
  ``accuracy``.
- ``loop`` (Day 05): ``train``, the one NumPy training loop (full batch; L2 and dropout from
  Day 07; mini-batches, optimisers and decay from Day 09).
- ``regularisation`` (Day 07): ``l2_penalty``, ``dropout_forward/backward`` (the network takes
  them as ``lambd=`` and ``keep_prob=``).
- ``gradcheck`` (Day 08): ``relative_difference``, ``numeric_grads``, ``gradient_check``,
  ``check_model_gradients``.
- ``optim`` (Day 09): ``random_mini_batches``, ``UPDATE_RULES`` (``gd_step``,
  ``momentum_step``, ``rmsprop_step``, ``adam_step``), learning-rate decays.
- ``softmax`` (Day 10): ``softmax_cross_entropy_forward/backward``.
- ``batchnorm`` (Day 10): ``batchnorm_forward/backward`` and the softmax network with batch
  norm: ``init_params``, ``model_forward/backward``, ``predict``, ``train``, ``OPS``.
- ``reference`` (Day 10): PyTorch as the referee in our layout, ``batchnorm`` and
  ``cross_entropy`` (needs torch, imported when called; not imported with the package).
- ``conv`` (Day 13; ``conv_backward``: Day 14): ``zero_pad``, ``conv_single_step``,
  ``output_size``, ``conv_forward`` (loops), ``conv_forward_fast`` (one strided view), in
  PyTorch's layout: images as rows, ``X`` (N, C, H, W), filters ``W`` (F, C, HH, WW).
- ``pooling`` (Day 14): ``max_pool_forward/backward``, ``avg_pool_forward/backward``.
- ``rnn`` (Day 22): ``rnn_cell_forward/backward``, ``rnn_forward``, ``rnn_backward``
  (backpropagation through time), ``init_rnn_params``, ``state_gradient_norms``, ``softmax``
  (over axis 0); sequences ``x`` (n_x, m, T_x), states ``a`` (n_a, m, T_x).
- ``lstm`` (Day 23): ``lstm_cell_forward``, ``lstm_forward`` (c0 = 0), ``lstm_cell_backward``,
  ``lstm_backward``, ``init_lstm_params`` (forget bias +1 by default); the gates act on
  ``[a_prev; xt]``, examples as columns; equal to ``torch.nn.LSTM`` with its (i, f, g, o) rows mapped.

``course.layers``, ``course.optim`` and ``course.regularisation`` are the older, deprecated paths
to the same functions. Everything here needs NumPy only.
"""
from __future__ import annotations

from . import (
    activations,
    batchnorm,
    conv,
    dense,
    gradcheck,
    loop,
    lstm,
    optim,
    pooling,
    regularisation,
    rnn,
    softmax,
)

__all__ = ["activations", "batchnorm", "conv", "dense", "gradcheck", "loop", "lstm", "optim",
           "pooling", "regularisation", "rnn", "softmax"]
