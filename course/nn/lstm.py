"""A long short-term memory (LSTM) layer in NumPy, forward and backward (Day 23).

Examples are columns, as in the dense days: an input sequence ``x`` is ``(n_x, m, T_x)`` (features,
examples, time steps), the hidden states ``a`` are ``(n_a, m, T_x)``, the initial hidden state
``a0`` is ``(n_a, m)``; the initial cell state is zero. The parameters are a dict:

- ``Wf, Wi, Wc, Wo`` ``(n_a, n_a + n_x)``: the forget, input, candidate and output gates' weights,
  acting on ``concat = [a_prev; xt]`` (``a_prev`` on top, so ``W[:, :n_a]`` multiplies ``a_prev``
  and ``W[:, n_a:]`` multiplies ``xt``); ``bf, bi, bc, bo`` ``(n_a, 1)``;
- ``Wy`` ``(n_y, n_a)``, ``by`` ``(n_y, 1)``: the prediction ``softmax(Wy a + by)`` at each step.

One step::

    ft = sigmoid(Wf concat + bf)      it = sigmoid(Wi concat + bi)
    cct = tanh(Wc concat + bc)        ot = sigmoid(Wo concat + bo)
    c_next = ft * c_prev + it * cct   a_next = ot * tanh(c_next)

Caches. ``lstm_cell_forward`` returns ``cache = (a_next, c_next, a_prev, c_prev, ft, it, cct, ot,
xt, parameters)``; ``lstm_forward`` returns ``caches = (step_caches, x)`` with ``step_caches`` the
list of the ``T_x`` step caches in time order.

In ``torch.nn.LSTM``'s terms (gate order i, f, g, o in ``weight_ih_l0``/``weight_hh_l0``): the rows
of gate ``k`` in ``weight_hh_l0`` are ``Wk[:, :n_a]``, in ``weight_ih_l0`` ``Wk[:, n_a:]``,
``bias_ih_l0`` holds ``bk`` and ``bias_hh_l0`` is zero; the two agree to rounding error in float64
(``tests/course/nn/test_lstm.py``).
"""
from __future__ import annotations

import numpy as np

GATES = ("f", "i", "c", "o")


def _sigmoid(Z):
    return 0.5 * (1 + np.tanh(0.5 * Z))  # = 1 / (1 + e^-Z), without overflow


def _softmax(Z):
    e = np.exp(Z - Z.max(axis=0, keepdims=True))
    return e / e.sum(axis=0, keepdims=True)


def init_lstm_params(n_x: int, n_a: int, n_y: int, seed: int = 0, forget_bias: float = 1.0,
                     scale: float | None = None):
    """Random LSTM parameters: weights normal with standard deviation ``scale`` (default
    ``1 / sqrt(n_a + n_x)``), biases zero except ``bf = forget_bias`` (+1 by default, as is common:
    the forget gate starts mostly open, so the cell state, and its gradient, is kept for longer).

    Returns: the parameter dict described in the module docstring.
    """
    g = np.random.default_rng(seed)
    scale = 1 / np.sqrt(n_a + n_x) if scale is None else scale
    params = {}
    for k in GATES:
        params[f"W{k}"] = g.normal(0, scale, (n_a, n_a + n_x))
        params[f"b{k}"] = np.zeros((n_a, 1))
    params["bf"][:] = forget_bias
    params["Wy"] = g.normal(0, 1 / np.sqrt(n_a), (n_y, n_a))
    params["by"] = np.zeros((n_y, 1))
    return params


def lstm_cell_forward(xt, a_prev, c_prev, parameters):
    """One LSTM step.

    Inputs:
    - xt: (n_x, m), the input at step t
    - a_prev: (n_a, m), the hidden state at step t - 1
    - c_prev: (n_a, m), the cell state at step t - 1
    - parameters: the dict of the module docstring (Wf, bf, Wi, bi, Wc, bc, Wo, bo, Wy, by)

    Returns a tuple of:
    - a_next: (n_a, m), the hidden state at step t
    - c_next: (n_a, m), the cell state at step t
    - yt_pred: (n_y, m), softmax(Wy a_next + by), over axis 0
    - cache: (a_next, c_next, a_prev, c_prev, ft, it, cct, ot, xt, parameters)
    """
    p = parameters
    concat = np.concatenate((a_prev, xt), axis=0)
    ft = _sigmoid(p["Wf"] @ concat + p["bf"])
    it = _sigmoid(p["Wi"] @ concat + p["bi"])
    cct = np.tanh(p["Wc"] @ concat + p["bc"])
    ot = _sigmoid(p["Wo"] @ concat + p["bo"])
    c_next = ft * c_prev + it * cct
    a_next = ot * np.tanh(c_next)
    yt_pred = _softmax(p["Wy"] @ a_next + p["by"])
    return a_next, c_next, yt_pred, (a_next, c_next, a_prev, c_prev, ft, it, cct, ot, xt, p)


def lstm_forward(x, a0, parameters):
    """An LSTM over a whole sequence, from hidden state ``a0`` and cell state 0.

    Inputs:
    - x: (n_x, m, T_x), the input sequence
    - a0: (n_a, m), the initial hidden state
    - parameters: the dict of the module docstring

    Returns a tuple of:
    - a: (n_a, m, T_x), the hidden states
    - y: (n_y, m, T_x), the predictions
    - c: (n_a, m, T_x), the cell states
    - caches: (step_caches, x), step_caches the list of lstm_cell_forward's caches, in time order
    """
    n_x, m, T_x = x.shape
    n_a = a0.shape[0]
    n_y = parameters["Wy"].shape[0]
    if parameters["Wf"].shape != (n_a, n_a + n_x):
        raise ValueError(f"Wf should have shape (n_a, n_a + n_x) = ({n_a}, {n_a + n_x}) for "
                         f"a0 {a0.shape} and x {x.shape}, got {parameters['Wf'].shape}")
    a, c, y = np.zeros((n_a, m, T_x)), np.zeros((n_a, m, T_x)), np.zeros((n_y, m, T_x))
    a_next, c_next = a0, np.zeros((n_a, m))
    step_caches = []
    for t in range(T_x):
        a_next, c_next, y[:, :, t], cache = lstm_cell_forward(x[:, :, t], a_next, c_next, parameters)
        a[:, :, t], c[:, :, t] = a_next, c_next
        step_caches.append(cache)
    return a, y, c, (step_caches, x)


def lstm_cell_backward(da_next, dc_next, cache):
    """The backward pass of one LSTM step (the prediction yt_pred excluded).

    Inputs:
    - da_next: (n_a, m), the gradient of the loss with respect to a_next
    - dc_next: (n_a, m), with respect to c_next (from the later steps only)
    - cache: lstm_cell_forward's cache

    Returns a dict with:
    - dxt (n_x, m), da_prev (n_a, m), dc_prev (n_a, m)
    - dWf, dWi, dWc, dWo (n_a, n_a + n_x) and dbf, dbi, dbc, dbo (n_a, 1)
    """
    a_next, c_next, a_prev, c_prev, ft, it, cct, ot, xt, p = cache
    n_a = a_next.shape[0]
    tanh_c = np.tanh(c_next)
    dc = dc_next + da_next * ot * (1 - tanh_c ** 2)  # c_next reaches the loss directly and via a_next
    dz = {"o": da_next * tanh_c * ot * (1 - ot),  # the gates' gradients before their nonlinearity
          "c": dc * it * (1 - cct ** 2),
          "i": dc * cct * it * (1 - it),
          "f": dc * c_prev * ft * (1 - ft)}
    concat = np.concatenate((a_prev, xt), axis=0)
    grads = {}
    dconcat = 0
    for k in GATES:
        grads[f"dW{k}"] = dz[k] @ concat.T
        grads[f"db{k}"] = dz[k].sum(axis=1, keepdims=True)
        dconcat = dconcat + p[f"W{k}"].T @ dz[k]
    grads["da_prev"], grads["dxt"] = dconcat[:n_a], dconcat[n_a:]
    grads["dc_prev"] = dc * ft
    return grads


def lstm_backward(da, caches):
    """The backward pass of ``lstm_forward`` given the gradient of every hidden state.

    Inputs:
    - da: (n_a, m, T_x), the gradient of the loss with respect to each a[:, :, t] (from the
      predictions or whatever used them; not from the later steps, which this adds)
    - caches: lstm_forward's caches

    Returns a dict with dx (n_x, m, T_x), da0 (n_a, m), dWf, dWi, dWc, dWo (n_a, n_a + n_x) and
    dbf, dbi, dbc, dbo (n_a, 1), summed over the steps.
    """
    step_caches, x = caches
    n_a, m, T_x = da.shape
    grads = {f"d{w}{k}": np.zeros_like(step_caches[0][9][f"{w}{k}"]) for k in GATES for w in "Wb"}
    dx = np.zeros(x.shape)
    da_prev, dc_prev = np.zeros((n_a, m)), np.zeros((n_a, m))
    for t in reversed(range(T_x)):
        step = lstm_cell_backward(da[:, :, t] + da_prev, dc_prev, step_caches[t])
        dx[:, :, t] = step["dxt"]
        da_prev, dc_prev = step["da_prev"], step["dc_prev"]
        for name in grads:
            grads[name] += step[name]
    return {"dx": dx, "da0": da_prev, **grads}
