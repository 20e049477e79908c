"""Day 07's exercises solved the plain way, from the student notebook's text alone: the cost and
gradients exactly as the math cell writes them, the mask from one `rng.random(A.shape)` call, and
the backward pass starting from the `dA` the stub gives (no clipping, no `dZ = AL - Y`)."""

# %% compute_cost_with_regularization
def compute_cost_with_regularization(AL, Y, params, lambd):
    """Cross-entropy cost plus lambd / (2 m) times the sum of the squared weights.

    Inputs:
    - AL: predicted probabilities, shape (1, m)
    - Y: 0/1 labels, shape (1, m)
    - params: a dict with "W1", "b1", ..., "WL", "bL"
    - lambd: the regularisation strength, >= 0

    Returns:
    - cost: a float
    """
    m = Y.shape[1]
    L = len(params) // 2
    cross_entropy = cross_entropy_cost(AL, Y)
    total = 0
    for l in range(1, L + 1):
        total += np.sum(np.square(params["W" + str(l)]))
    cost = cross_entropy + lambd / (2 * m) * total
    return float(cost)

# %% backward_with_regularization
def backward_with_regularization(AL, Y, caches, params, lambd):
    """Gradients of the L2-regularised cost.

    Inputs:
    - AL, Y: shape (1, m); caches: from model_forward; params: "W1", "b1", ..., "WL", "bL"
    - lambd: the regularisation strength

    Returns:
    - grads: model_backward's gradients ("dWl", "dbl", ...), each dWl plus lambd / m * Wl
    """
    m = Y.shape[1]
    L = len(caches)
    grads = model_backward(AL, Y, caches)
    for l in range(1, L + 1):
        grads["dW" + str(l)] = grads["dW" + str(l)] + lambd / m * params["W" + str(l)]
    return grads

# %% dropout_forward
def dropout_forward(A, keep_prob, rng):
    """Inverted dropout.

    Inputs:
    - A: activations, any shape
    - keep_prob: the probability of keeping each unit, in (0, 1]
    - rng: a np.random.Generator to draw the mask from

    Returns a tuple of:
    - out: A's shape; A / keep_prob where kept, 0 where dropped
    - cache: (mask, keep_prob), mask a boolean array of A's shape
    """
    mask = rng.random(A.shape) < keep_prob
    out = A * mask / keep_prob
    return out, (mask, keep_prob)

# %% dropout_backward
def dropout_backward(dout, cache):
    """Backward pass of inverted dropout.

    Inputs:
    - dout: gradient of the cost with respect to out, any shape
    - cache: (mask, keep_prob) from dropout_forward

    Returns:
    - dA: gradient with respect to A, dout's shape
    """
    mask, keep_prob = cache
    dA = dout * mask / keep_prob
    return dA

# %% forward_propagation_with_dropout
def forward_propagation_with_dropout(X, params, keep_prob, rng):
    """Forward pass with inverted dropout on every hidden layer.

    Inputs:
    - X: shape (n_x, m)
    - params: "W1", "b1", ..., "WL", "bL"
    - keep_prob: probability of keeping a hidden unit; rng: a np.random.Generator

    Returns a tuple of:
    - AL: the sigmoid output, shape (1, m)
    - caches: a list of L pairs (layer_cache, dropout_cache); dropout_cache is None for layer L
    """
    L = len(params) // 2
    A = X
    caches = []
    for l in range(1, L):
        A, layer_cache = layer_forward(A, params["W" + str(l)], params["b" + str(l)], "relu")
        A, dropout_cache = dropout_forward(A, keep_prob, rng)
        caches.append((layer_cache, dropout_cache))
    AL, layer_cache = layer_forward(A, params["W" + str(L)], params["b" + str(L)], "sigmoid")
    caches.append((layer_cache, None))
    return AL, caches

# %% backward_propagation_with_dropout
def backward_propagation_with_dropout(AL, Y, caches):
    """Backward pass of forward_propagation_with_dropout for the cross-entropy cost.

    Inputs:
    - AL, Y: shape (1, m)
    - caches: the list of (layer_cache, dropout_cache) pairs from the forward pass

    Returns:
    - grads: a dict with "dW1", "db1", ..., "dWL", "dbL"
    """
    L = len(caches)
    grads = {}
    dA = -(Y / AL - (1 - Y) / (1 - AL))
    layer_cache, _ = caches[L - 1]
    dA, grads["dW" + str(L)], grads["db" + str(L)] = layer_backward(dA, layer_cache, "sigmoid")
    for l in range(L - 1, 0, -1):
        layer_cache, dropout_cache = caches[l - 1]
        dA = dropout_backward(dA, dropout_cache)
        dA, grads["dW" + str(l)], grads["db" + str(l)] = layer_backward(dA, layer_cache, "relu")
    return grads
