"""Day 10's exercises solved the plain way, from the student notebook's text alone."""
# %% batchnorm_forward
def batchnorm_forward(Z, gamma, beta, running, *, training=True, momentum=0.1, eps=1e-5):
    """Batch normalisation of each unit (row) over the examples (columns).

    Inputs:
    - Z: (n, m) pre-activations of m examples
    - gamma, beta: (n, 1) scale and shift
    - running: dict with "mean" and "var", each (n, 1). training=True: normalise with the batch's
      statistics and update these averages; training=False: normalise with them, unchanged
    - momentum: the weight of the new batch in the running averages
    - eps: added to the variance before the square root

    Returns a tuple of:
    - out: (n, m), gamma * Z_hat + beta
    - cache: what batchnorm_backward needs
    """
    m = Z.shape[1]
    if training:
        mu = np.mean(Z, axis=1, keepdims=True)
        var = np.var(Z, axis=1, keepdims=True)
        running["mean"] = (1 - momentum) * running["mean"] + momentum * mu
        running["var"] = (1 - momentum) * running["var"] + momentum * var * m / (m - 1)
    else:
        mu = running["mean"]
        var = running["var"]
    inv_std = 1 / np.sqrt(var + eps)
    Z_hat = (Z - mu) * inv_std
    out = gamma * Z_hat + beta
    cache = (Z_hat, gamma, inv_std, training)
    return out, cache

# %% batchnorm_backward
def batchnorm_backward(dout, cache):
    """Gradients of batchnorm_forward.

    Inputs:
    - dout: (n, m), the gradient of the cost with respect to out
    - cache: from batchnorm_forward (training or test mode)

    Returns a tuple of:
    - dZ: (n, m)
    - dgamma, dbeta: (n, 1)
    """
    Z_hat, gamma, inv_std, training = cache
    m = dout.shape[1]
    dgamma = np.sum(dout * Z_hat, axis=1, keepdims=True)
    dbeta = np.sum(dout, axis=1, keepdims=True)
    dZ_hat = dout * gamma
    if training:
        dZ = inv_std / m * (m * dZ_hat - np.sum(dZ_hat, axis=1, keepdims=True)
                            - Z_hat * np.sum(dZ_hat * Z_hat, axis=1, keepdims=True))
    else:
        dZ = inv_std * dZ_hat
    return dZ, dgamma, dbeta

# %% softmax_cross_entropy_forward
def softmax_cross_entropy_forward(Z, y):
    """Mean cross-entropy of the softmax of Z (columnwise) against integer labels.

    Inputs:
    - Z: (K, m) scores, one column per example
    - y: (m,) integer labels in 0..K-1

    Returns a tuple of:
    - loss: a float, the mean over the m examples
    - cache: (P, y), P the (K, m) softmax probabilities
    """
    m = Z.shape[1]
    c = np.max(Z, axis=0, keepdims=True)
    log_P = (Z - c) - np.log(np.sum(np.exp(Z - c), axis=0, keepdims=True))
    loss = float(-np.mean(log_P[y, np.arange(m)]))
    P = np.exp(log_P)
    cache = (P, y)
    return loss, cache

# %% softmax_cross_entropy_backward
def softmax_cross_entropy_backward(cache):
    """Gradient of the mean softmax cross-entropy with respect to the scores.

    Inputs:
    - cache: (P, y) from softmax_cross_entropy_forward

    Returns:
    - dZ: (K, m), (P - one_hot(y)) / m
    """
    P, y = cache
    m = P.shape[1]
    dZ = P.copy()
    dZ[y, np.arange(m)] -= 1
    dZ = dZ / m
    return dZ
