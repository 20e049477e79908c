"""Batch normalisation and Day 10's softmax network that uses it.

The network is [LINEAR -> BATCHNORM -> RELU] x (L-1) -> LINEAR -> SOFTMAX; with
``batchnorm=False`` the hidden layers are LINEAR (with a bias) -> RELU. Examples are columns.
``ops`` swaps in other batchnorm and loss functions (a learner's own) with the same signatures as
the reference ones in :data:`OPS`.

Gradients here are those of the scalar cost itself, as torch's autograd gives them:
``softmax_cross_entropy_backward`` already divides by m, so the layers below it do not.
"""
from __future__ import annotations

import numpy as np

from . import dense
from .softmax import softmax_cross_entropy_backward, softmax_cross_entropy_forward


def batchnorm_forward(Z, gamma, beta, running: dict, *, training: bool = True,
                      momentum: float = 0.1, eps: float = 1e-5):
    """Batch normalisation of each unit over the m examples, as ``torch.nn.functional.batch_norm``.

    Inputs:
    - Z: (n, m) pre-activations, examples as columns
    - gamma, beta: (n, 1) scale and shift
    - running: a dict with "mean" and "var", each (n, 1): the running averages used when
      ``training`` is False. In training mode they are replaced by
      ``(1 - momentum) * old + momentum * batch``, the variance being the unbiased batch variance
      (torch's convention); normalisation itself uses the biased one.
    Returns a tuple of: out (n, m), cache.
    """
    if training:
        m = Z.shape[1]
        if m < 2:
            raise ValueError("Batch normalisation in training mode needs at least 2 examples per "
                             "batch; use a larger batch, or training=False.")
        mu = Z.mean(axis=1, keepdims=True)
        var = Z.var(axis=1, keepdims=True)
        running["mean"] = (1 - momentum) * running["mean"] + momentum * mu
        running["var"] = (1 - momentum) * running["var"] + momentum * var * m / (m - 1)
    else:
        mu, var = running["mean"], running["var"]
    inv_std = 1 / np.sqrt(var + eps)
    Z_hat = (Z - mu) * inv_std
    return gamma * Z_hat + beta, (Z_hat, gamma, inv_std, training)


def batchnorm_backward(dout, cache):
    """Gradients of batchnorm_forward (either mode).

    Inputs: dout (n, m), the gradient of the cost with respect to the output; cache.
    Returns a tuple of: dZ (n, m), dgamma (n, 1), dbeta (n, 1).
    """
    Z_hat, gamma, inv_std, training = cache
    dgamma = (dout * Z_hat).sum(axis=1, keepdims=True)
    dbeta = dout.sum(axis=1, keepdims=True)
    dZ_hat = dout * gamma
    if not training:  # the running statistics are constants
        return dZ_hat * inv_std, dgamma, dbeta
    m = dout.shape[1]
    dZ = inv_std / m * (m * dZ_hat - dZ_hat.sum(axis=1, keepdims=True)
                        - Z_hat * (dZ_hat * Z_hat).sum(axis=1, keepdims=True))
    return dZ, dgamma, dbeta


# --- the softmax network with batch normalisation (Day 10) --------------------------------------

#: The functions the network calls, by name; ``ops={...}`` replaces any of them.
OPS = {"batchnorm_forward": batchnorm_forward, "batchnorm_backward": batchnorm_backward,
       "softmax_cross_entropy_forward": softmax_cross_entropy_forward,
       "softmax_cross_entropy_backward": softmax_cross_entropy_backward}


def init_params(layer_dims, *, batchnorm: bool = True, scale="he", seed: int = 0):
    """Parameters and running statistics for ``layer_dims = [n_x, n_1, ..., n_L]``.

    Hidden layer l has ``W{l}`` and either ``gamma{l}``, ``beta{l}`` (batch norm: its shift
    replaces the bias) or ``b{l}``; the output layer has ``W{L}``, ``b{L}``. The weights are
    ``dense.init_params(layer_dims, scale=scale, seed=seed)``'s.
    Returns a tuple of: params (dict), running (dict of layer number -> {"mean", "var"}).
    """
    base = dense.init_params(layer_dims, scale=scale, seed=seed)
    L = len(layer_dims) - 1
    params, running = {}, {}
    for l in range(1, L + 1):
        params[f"W{l}"] = base[f"W{l}"]
        if batchnorm and l < L:
            n = layer_dims[l]
            params[f"gamma{l}"], params[f"beta{l}"] = np.ones((n, 1)), np.zeros((n, 1))
            running[l] = {"mean": np.zeros((n, 1)), "var": np.ones((n, 1))}
        else:
            params[f"b{l}"] = base[f"b{l}"]
    return params, running


def model_forward(X, params, running, *, training: bool = True, ops=None):
    """Returns a tuple of: ZL (K, m) output scores, caches (one per layer)."""
    ops = {**OPS, **(ops or {})}
    L = sum(k.startswith("W") for k in params)
    A, caches = X, []
    for l in range(1, L + 1):
        Z = params[f"W{l}"] @ A
        if l == L:
            caches.append((A, None, None))
            return Z + params[f"b{l}"], caches
        if f"gamma{l}" in params:
            Z, bn_cache = ops["batchnorm_forward"](Z, params[f"gamma{l}"], params[f"beta{l}"],
                                                   running[l], training=training)
        else:
            Z, bn_cache = Z + params[f"b{l}"], None
        caches.append((A, bn_cache, Z))
        A = np.maximum(0, Z)


def model_backward(dZL, caches, params, *, ops=None):
    """Gradients ``dW{l}``, ``db{l}``, ``dgamma{l}``, ``dbeta{l}`` of the cost, given ``dZL``, the
    gradient of the cost with respect to the output scores (already averaged over the batch)."""
    ops = {**OPS, **(ops or {})}
    L = len(caches)
    grads = {}
    dZ = dZL
    for l in range(L, 0, -1):
        A_prev, bn_cache, _ = caches[l - 1]
        grads[f"dW{l}"] = dZ @ A_prev.T
        if bn_cache is None:
            grads[f"db{l}"] = dZ.sum(axis=1, keepdims=True)
        if l == 1:
            break
        dA = params[f"W{l}"].T @ dZ
        _, bn_cache_prev, Z_prev = caches[l - 2]
        dZ = dA * (Z_prev > 0)
        if bn_cache_prev is not None:
            dZ, grads[f"dgamma{l - 1}"], grads[f"dbeta{l - 1}"] = ops["batchnorm_backward"](
                dZ, bn_cache_prev)
    return grads


def predict(X, params, running, *, ops=None) -> np.ndarray:
    """Class predictions (m,) in test mode (batch norm uses the running averages)."""
    return model_forward(X, params, running, training=False, ops=ops)[0].argmax(axis=0)


def train(X, y, layer_dims, *, batchnorm: bool = True, lr: float = 0.1, num_epochs: int = 5,
          batch_size: int = 64, scale="he", seed: int = 0, ops=None, X_val=None, y_val=None,
          progress: bool = False):
    """Mini-batch gradient descent on the softmax network, with or without batch normalisation.

    Inputs: X (n_x, m), y (m,) integer labels; ``X_val``, ``y_val`` (optional) are scored in test
    mode after every epoch. Each epoch visits the examples in a new order, in full batches only.
    Returns a tuple of: params, running, history (a dict of lists: "loss" per mini-batch,
    "val_accuracy" per epoch).
    """
    ops = {**OPS, **(ops or {})}
    params, running = init_params(layer_dims, batchnorm=batchnorm, scale=scale, seed=seed)
    y = np.asarray(y).ravel()
    rng = np.random.default_rng(seed)
    m = X.shape[1]
    history = {"loss": [], "val_accuracy": []}
    epochs = range(num_epochs)
    if progress:
        from tqdm.auto import tqdm
        epochs = tqdm(epochs, desc="batchnorm net" if batchnorm else "plain net", leave=False)
    batch_size = min(batch_size, m)
    for _ in epochs:
        order = rng.permutation(m)
        # Full batches only (torch's drop_last): a small last batch gives noisy batch statistics.
        for start in range(0, m - batch_size + 1, batch_size):
            ix = order[start:start + batch_size]
            ZL, caches = model_forward(X[:, ix], params, running, training=True, ops=ops)
            loss, loss_cache = ops["softmax_cross_entropy_forward"](ZL, y[ix])
            history["loss"].append(loss)
            grads = model_backward(ops["softmax_cross_entropy_backward"](loss_cache), caches,
                                   params, ops=ops)
            params = dense.update_params(params, grads, lr)
        if X_val is not None:
            y_hat = predict(X_val, params, running, ops=ops)
            history["val_accuracy"].append(float((y_hat == np.asarray(y_val).ravel()).mean()))
    return params, running, history
