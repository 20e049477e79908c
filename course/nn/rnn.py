"""A vanilla (Elman) RNN in NumPy, step by step (Day 22).

The dense days' layout carries on: one column per example. A sequence ``x`` has shape
``(n_x, m, T_x)`` (features, examples, time steps), the hidden states ``a`` shape ``(n_a, m, T_x)``,
the first state ``a0`` shape ``(n_a, m)``, the predictions ``y_pred`` shape ``(n_y, m, T_x)``.
``parameters`` is a dict ``{"Wax": (n_a, n_x), "Waa": (n_a, n_a), "Wya": (n_y, n_a), "ba": (n_a, 1),
"by": (n_y, 1)}``. One step computes

    a_next = tanh(Waa @ a_prev + Wax @ xt + ba),   yt_pred = softmax(Wya @ a_next + by) over axis 0.

The hidden state is ``torch.nn.RNN``'s (``weight_ih = Wax``, ``weight_hh = Waa``, ``bias_ih = ba``,
``bias_hh = 0``; torch's ``x`` is ``x.transpose(2, 1, 0)``, ``(T_x, m, n_x)``).

Caches, which the backward passes read:

- one step: ``cache = (a_next, a_prev, xt, parameters)``;
- a sequence: ``caches = (list of the T_x step caches in time order, x)``.

Backward passes return dicts of gradients: ``rnn_cell_backward(da_next, cache)`` gives ``dxt``,
``da_prev``, ``dWax``, ``dWaa``, ``dba``; ``rnn_backward(da, caches)``, with ``da`` (n_a, m, T_x) the
gradient of the loss with respect to every hidden state *from the outputs alone* (not through the
later states: the backward pass adds that itself), gives ``dx``, ``da0``, ``dWax``, ``dWaa``, ``dba``.
(The output layer ``Wya``, ``by`` is not differentiated here: its gradient is a dense layer's.)

``state_gradient_norms(da_last, caches)`` runs the same backward recursion from a gradient at the
last step only and returns the norm of the gradient reaching each hidden state: the vanishing and
exploding gradients of Day 22's plot (Day 23 compares the LSTM's with them).
"""
from __future__ import annotations

import numpy as np

__all__ = ["softmax", "init_rnn_params", "rnn_cell_forward", "rnn_forward", "rnn_cell_backward",
           "rnn_backward", "state_gradient_norms"]


def softmax(z):
    """The softmax of each column of ``z`` (over axis 0), shifted by the column's maximum."""
    e = np.exp(z - np.max(z, axis=0, keepdims=True))
    return e / e.sum(axis=0, keepdims=True)


def init_rnn_params(n_x: int, n_a: int, n_y: int, seed: int = 0, scale: float | None = None):
    """Random RNN parameters (float64), biases zero.

    ``Wax``, ``Wya``: normal with standard deviation 1/sqrt(fan-in). ``Waa``: ``scale`` times a
    random orthogonal matrix, so that its spectral radius (and every singular value) is exactly
    ``scale``; with ``scale=None``, normal with standard deviation 1/sqrt(n_a) instead (radius ≈ 1).
    """
    g = np.random.default_rng(seed)
    if scale is None:
        Waa = g.normal(0, 1 / np.sqrt(n_a), (n_a, n_a))
    else:
        q, r = np.linalg.qr(g.normal(size=(n_a, n_a)))
        Waa = scale * q * np.sign(np.diag(r))  # a uniformly random orthogonal matrix, scaled
    return {"Wax": g.normal(0, 1 / np.sqrt(n_x), (n_a, n_x)), "Waa": Waa,
            "Wya": g.normal(0, 1 / np.sqrt(n_a), (n_y, n_a)),
            "ba": np.zeros((n_a, 1)), "by": np.zeros((n_y, 1))}


def rnn_cell_forward(xt, a_prev, parameters):
    """One step of the RNN.

    Inputs:
    - xt: (n_x, m), the input at this step
    - a_prev: (n_a, m), the previous hidden state
    - parameters: dict with Wax (n_a, n_x), Waa (n_a, n_a), Wya (n_y, n_a), ba (n_a, 1), by (n_y, 1)

    Returns a tuple of:
    - a_next: (n_a, m), tanh(Waa a_prev + Wax xt + ba)
    - yt_pred: (n_y, m), softmax(Wya a_next + by) over axis 0
    - cache: (a_next, a_prev, xt, parameters)
    """
    Wax, Waa, Wya = parameters["Wax"], parameters["Waa"], parameters["Wya"]
    a_next = np.tanh(Waa @ a_prev + Wax @ xt + parameters["ba"])
    yt_pred = softmax(Wya @ a_next + parameters["by"])
    return a_next, yt_pred, (a_next, a_prev, xt, parameters)


def rnn_forward(x, a0, parameters):
    """The RNN over a whole sequence.

    Inputs:
    - x: (n_x, m, T_x), the inputs at every step
    - a0: (n_a, m), the initial hidden state
    - parameters: as for rnn_cell_forward

    Returns a tuple of:
    - a: (n_a, m, T_x), the hidden states a<1> ... a<T_x> (a[:, :, t] after reading x[:, :, t])
    - y_pred: (n_y, m, T_x), the predictions at every step
    - caches: (list of the T_x step caches, x)
    """
    n_x, m, T_x = x.shape
    n_y, n_a = parameters["Wya"].shape
    a = np.zeros((n_a, m, T_x))
    y_pred = np.zeros((n_y, m, T_x))
    caches = []
    a_next = a0
    for t in range(T_x):
        a_next, y_pred[:, :, t], cache = rnn_cell_forward(x[:, :, t], a_next, parameters)
        a[:, :, t] = a_next
        caches.append(cache)
    return a, y_pred, (caches, x)


def rnn_cell_backward(da_next, cache):
    """Backward pass of one step, from the gradient of the loss with respect to a_next.

    Inputs:
    - da_next: (n_a, m), the gradient with respect to a_next (from the output and the next step)
    - cache: (a_next, a_prev, xt, parameters) from rnn_cell_forward

    Returns a dict with:
    - dxt: (n_x, m), da_prev: (n_a, m), dWax: (n_a, n_x), dWaa: (n_a, n_a), dba: (n_a, 1)
    """
    a_next, a_prev, xt, parameters = cache
    dz = (1 - a_next ** 2) * da_next  # tanh'(z) = 1 - tanh(z)**2, with tanh(z) = a_next
    return {"dxt": parameters["Wax"].T @ dz, "da_prev": parameters["Waa"].T @ dz,
            "dWax": dz @ xt.T, "dWaa": dz @ a_prev.T, "dba": dz.sum(axis=1, keepdims=True)}


def rnn_backward(da, caches):
    """Backward pass through time.

    Inputs:
    - da: (n_a, m, T_x), the gradient of the loss with respect to every hidden state, from the
      outputs only (the gradient through the later states is added here)
    - caches: (list of step caches, x) from rnn_forward

    Returns a dict with:
    - dx: (n_x, m, T_x), da0: (n_a, m), dWax: (n_a, n_x), dWaa: (n_a, n_a), dba: (n_a, 1)
    """
    steps, x = caches
    n_x, m, T_x = x.shape
    parameters = steps[0][3]
    dx = np.zeros((n_x, m, T_x))
    grads = {name: np.zeros(parameters[name[1:]].shape) for name in ("dWax", "dWaa", "dba")}
    da_prev = np.zeros(da.shape[:2])
    for t in reversed(range(T_x)):
        step = rnn_cell_backward(da[:, :, t] + da_prev, steps[t])
        dx[:, :, t] = step["dxt"]
        da_prev = step["da_prev"]
        for name in grads:
            grads[name] += step[name]
    return {"dx": dx, "da0": da_prev, **grads}


def state_gradient_norms(da_last, caches):
    """The norm of the gradient reaching each hidden state from a loss at the last step only.

    Inputs:
    - da_last: (n_a, m), the gradient of the loss with respect to the last hidden state a<T_x>
    - caches: (list of step caches, x) from rnn_forward

    Returns:
    - norms: (T_x,), norms[k] = ||dL/da<T_x - k>|| (Frobenius, over the batch): k = 0 is the last
      state itself, k steps back the gradient has passed k steps of the recursion
    """
    steps, _ = caches
    norms = [np.linalg.norm(da_last)]
    da = da_last
    for cache in reversed(steps[1:]):
        da = rnn_cell_backward(da, cache)["da_prev"]
        norms.append(np.linalg.norm(da))
    return np.array(norms)
