"""Reference NumPy layers for the from-scratch days, CS231n style: every forward returns
``(out, cache)`` and every backward takes the cache back.

Examples are columns: ``A`` of shape (n_units, m). Gradients are averaged over the m examples in
the cost, so ``dW = dZ @ A_prev.T / m``. Learners build these on Day 04 (the notebook teaches);
later days import them from here (the library serves).
"""
from __future__ import annotations

import numpy as np


# --- activations (Day 01, Day 03, Day 04) ------------------------------------------------------

def sigmoid(Z):
    """Returns ``(A, cache)`` with A = 1 / (1 + e^-Z), computed without overflow."""
    A = np.empty_like(Z, dtype=float)
    pos = Z >= 0
    A[pos] = 1 / (1 + np.exp(-Z[pos]))
    e = np.exp(Z[~pos])
    A[~pos] = e / (1 + e)
    return A, Z


def relu(Z):
    """Returns ``(A, cache)`` with A = max(0, Z)."""
    return np.maximum(0, Z), Z


def tanh(Z):
    A = np.tanh(Z)
    return A, A


def sigmoid_backward(dA, cache):
    s = sigmoid(cache)[0]
    return dA * s * (1 - s)


def relu_backward(dA, cache):
    return dA * (cache > 0)


def tanh_backward(dA, cache):
    return dA * (1 - cache ** 2)


ACTIVATIONS = {"sigmoid": (sigmoid, sigmoid_backward), "relu": (relu, relu_backward),
               "tanh": (tanh, tanh_backward)}


# --- linear and layer (Day 04) -----------------------------------------------------------------

def linear_forward(A_prev, W, b):
    """Z = W A_prev + b.

    Inputs: A_prev (n_prev, m), W (n, n_prev), b (n, 1).
    Returns a tuple of: Z (n, m), cache (A_prev, W, b).
    """
    return W @ A_prev + b, (A_prev, W, b)


def linear_backward(dZ, cache):
    """Returns a tuple of: dA_prev (n_prev, m), dW (n, n_prev), db (n, 1)."""
    A_prev, W, _ = cache
    m = A_prev.shape[1]
    dW = dZ @ A_prev.T / m
    db = dZ.sum(axis=1, keepdims=True) / m
    return W.T @ dZ, dW, db


def layer_forward(A_prev, W, b, activation: str):
    """A linear step then an activation. Returns ``(A, (linear_cache, activation_cache))``."""
    Z, linear_cache = linear_forward(A_prev, W, b)
    A, activation_cache = ACTIVATIONS[activation][0](Z)
    return A, (linear_cache, activation_cache)


def layer_backward(dA, cache, activation: str):
    """Returns a tuple of: dA_prev, dW, db."""
    linear_cache, activation_cache = cache
    dZ = ACTIVATIONS[activation][1](dA, activation_cache)
    return linear_backward(dZ, linear_cache)


# --- an L-layer network: [LINEAR -> RELU] x (L-1) -> LINEAR -> SIGMOID (Day 04) ------------------

def init_params(layer_dims, *, scale="he", seed: int = 0) -> dict:
    """Weights ``W1..WL`` and zero biases ``b1..bL`` for ``layer_dims = [n_x, n_1, ..., n_L]``.

    ``scale``: ``"he"`` (sqrt(2 / n_prev), Day 06), ``"xavier"`` (sqrt(1 / n_prev)), ``"zeros"``,
    or a number multiplying standard-normal weights.
    """
    rng = np.random.default_rng(seed)
    params = {}
    for l in range(1, len(layer_dims)):
        n, n_prev = layer_dims[l], layer_dims[l - 1]
        if scale == "zeros":
            W = np.zeros((n, n_prev))
        elif isinstance(scale, str) and scale not in ("he", "xavier"):
            raise ValueError(f"scale should be 'he', 'xavier', 'zeros' or a number, got {scale!r}.")
        else:
            factor = {"he": np.sqrt(2 / n_prev), "xavier": np.sqrt(1 / n_prev)}.get(scale, scale)
            W = rng.standard_normal((n, n_prev)) * float(factor)
        params[f"W{l}"], params[f"b{l}"] = W, np.zeros((n, 1))
    return params


def model_forward(X, params, hidden: str = "relu", output: str = "sigmoid"):
    """Returns a tuple of: AL (1, m), caches (one per layer)."""
    L = len(params) // 2
    A, caches = X, []
    for l in range(1, L + 1):
        A, cache = layer_forward(A, params[f"W{l}"], params[f"b{l}"],
                                 output if l == L else hidden)
        caches.append(cache)
    return A, caches


def cross_entropy_cost(AL, Y, eps: float = 1e-12) -> float:
    """Binary cross-entropy averaged over the m examples: AL and Y of shape (1, m)."""
    AL = np.clip(AL, eps, 1 - eps)
    m = Y.shape[1]
    return float(-(Y * np.log(AL) + (1 - Y) * np.log(1 - AL)).sum() / m)


def model_backward(AL, Y, caches, hidden: str = "relu", output: str = "sigmoid", eps: float = 1e-12):
    """Gradients ``dW1..dWL``, ``db1..dbL`` (and ``dA0..dA{L-1}``) of the cross-entropy cost."""
    grads = {}
    L = len(caches)
    if output == "sigmoid":
        # Sigmoid and cross-entropy together: dZ = AL - Y, which is dA * sigmoid'(Z) without the
        # rounding of 1 - AL. Chaining them through a clipped AL loses the gradient of a saturated
        # wrong prediction (|Z| > ~28): it shrinks towards 0 instead of staying AL - Y.
        linear_cache, Z = caches[-1]
        dA, dW, db = linear_backward(sigmoid(Z)[0] - Y, linear_cache)
        grads[f"dA{L - 1}"], grads[f"dW{L}"], grads[f"db{L}"] = dA, dW, db
        first = L - 1
    else:
        AL = np.clip(AL, eps, 1 - eps)
        dA = -(Y / AL - (1 - Y) / (1 - AL))
        first = L
    for l in range(first, 0, -1):
        dA_prev, dW, db = layer_backward(dA, caches[l - 1], output if l == L else hidden)
        grads[f"dA{l - 1}"], grads[f"dW{l}"], grads[f"db{l}"] = dA_prev, dW, db
        dA = dA_prev
    return grads


def update_params(params, grads, lr: float) -> dict:
    """One gradient-descent step; returns a new dict."""
    return {k: v - lr * grads[f"d{k}"] for k, v in params.items()}


def predict(X, params, hidden: str = "relu") -> np.ndarray:
    """0/1 predictions of shape (1, m)."""
    return (model_forward(X, params, hidden)[0] > 0.5).astype(int)


def accuracy(X, Y, params, hidden: str = "relu") -> float:
    return float((predict(X, params, hidden) == Y).mean())


def train(X, Y, layer_dims, *, lr: float = 0.0075, num_epochs: int = 2500, scale="he",
          hidden: str = "relu", seed: int = 0, every: int = 100, progress: bool = False):
    """Full-batch gradient descent on an L-layer network.

    Returns a tuple of: params, costs (the cost every ``every`` epochs).
    """
    params = init_params(layer_dims, scale=scale, seed=seed)
    costs = []
    epochs = range(num_epochs)
    if progress:
        from tqdm.auto import tqdm
        epochs = tqdm(epochs, desc="training", leave=False)
    for epoch in epochs:
        AL, caches = model_forward(X, params, hidden)
        if epoch % every == 0 or epoch == num_epochs - 1:
            costs.append(cross_entropy_cost(AL, Y))
        params = update_params(params, model_backward(AL, Y, caches, hidden), lr)
    return params, costs


# --- batch normalisation and softmax cross-entropy (Day 10) ------------------------------------
#
# Unlike linear_backward above (whose dZ is per example and whose dW divides by m), these take and
# return gradients of the scalar cost itself, as torch's autograd does:
# softmax_cross_entropy_backward already divides by m, so the layers below it need no further /m.

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


def softmax_cross_entropy_forward(Z, y):
    """Mean cross-entropy of softmax(Z) against integer labels, as
    ``torch.nn.functional.cross_entropy``, computed stably (log-sum-exp).

    Inputs: Z (K, m) scores (logits), examples as columns; y (m,) or (1, m) labels in 0..K-1.
    Returns a tuple of: loss (a float), cache (P, the (K, m) probabilities, and y).
    """
    y = np.asarray(y).ravel()
    m = Z.shape[1]
    shifted = Z - Z.max(axis=0, keepdims=True)
    log_P = shifted - np.log(np.exp(shifted).sum(axis=0, keepdims=True))
    loss = -log_P[y, np.arange(m)].mean()
    return float(loss), (np.exp(log_P), y)


def softmax_cross_entropy_backward(cache):
    """Gradient of the mean cross-entropy with respect to Z: (softmax(Z) - one_hot(y)) / m."""
    P, y = cache
    m = P.shape[1]
    dZ = P.copy()
    dZ[y, np.arange(m)] -= 1
    return dZ / m


# --- a softmax network with batch normalisation (Day 10) ---------------------------------------
# [LINEAR -> BATCHNORM -> RELU] x (L-1) -> LINEAR -> SOFTMAX; with batchnorm=False the hidden
# layers are LINEAR (with a bias) -> RELU. ``ops`` swaps in other batchnorm and loss functions
# (a learner's own) with the same signatures as the reference ones above.

BN_OPS = {"batchnorm_forward": batchnorm_forward, "batchnorm_backward": batchnorm_backward,
          "softmax_cross_entropy_forward": softmax_cross_entropy_forward,
          "softmax_cross_entropy_backward": softmax_cross_entropy_backward}


def bn_init_params(layer_dims, *, batchnorm: bool = True, scale="he", seed: int = 0):
    """Parameters and running statistics for ``layer_dims = [n_x, n_1, ..., n_L]``.

    Hidden layer l has ``W{l}`` and either ``gamma{l}``, ``beta{l}`` (batch norm: its shift
    replaces the bias) or ``b{l}``; the output layer has ``W{L}``, ``b{L}``.
    Returns a tuple of: params (dict), running (dict of layer number -> {"mean", "var"}).
    """
    base = init_params(layer_dims, scale=scale, seed=seed)
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


def bn_model_forward(X, params, running, *, training: bool = True, ops=None):
    """Returns a tuple of: ZL (K, m) output scores, caches (one per layer)."""
    ops = {**BN_OPS, **(ops or {})}
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


def bn_model_backward(dZL, caches, params, *, ops=None):
    """Gradients ``dW{l}``, ``db{l}``, ``dgamma{l}``, ``dbeta{l}`` of the cost, given ``dZL``, the
    gradient of the cost with respect to the output scores (already averaged over the batch)."""
    ops = {**BN_OPS, **(ops or {})}
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


def bn_predict(X, params, running, *, ops=None) -> np.ndarray:
    """Class predictions (m,) in test mode (batch norm uses the running averages)."""
    return bn_model_forward(X, params, running, training=False, ops=ops)[0].argmax(axis=0)


def bn_train(X, y, layer_dims, *, batchnorm: bool = True, lr: float = 0.1, num_epochs: int = 5,
             batch_size: int = 64, scale="he", seed: int = 0, ops=None, X_val=None, y_val=None,
             progress: bool = False):
    """Mini-batch gradient descent on a softmax network, with or without batch normalisation.

    Inputs: X (n_x, m), y (m,) integer labels; ``X_val``, ``y_val`` (optional) are scored in test
    mode after every epoch. Each epoch visits the examples in a new order, in full batches only.
    Returns a tuple of: params, running, history (a dict of lists: "loss" per mini-batch,
    "val_accuracy" per epoch).
    """
    ops = {**BN_OPS, **(ops or {})}
    params, running = bn_init_params(layer_dims, batchnorm=batchnorm, scale=scale, seed=seed)
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
            ZL, caches = bn_model_forward(X[:, ix], params, running, training=True, ops=ops)
            loss, loss_cache = ops["softmax_cross_entropy_forward"](ZL, y[ix])
            history["loss"].append(loss)
            grads = bn_model_backward(ops["softmax_cross_entropy_backward"](loss_cache), caches,
                                      params, ops=ops)
            for key in params:
                params[key] = params[key] - lr * grads[f"d{key}"]
        if X_val is not None:
            y_hat = bn_predict(X_val, params, running, ops=ops)
            history["val_accuracy"].append(float((y_hat == np.asarray(y_val).ravel()).mean()))
    return params, running, history
