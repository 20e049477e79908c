"""Day 04 plain answers: each exercise written from the student notebook's text alone, the way a
learner who knows NumPy would (the cost and dAL exactly as the notebook's formulas give them, with
the clip the text asks for, and no extras it does not ask for).

Written first from the released notebook, without the clip: that answer passed every test and
then turned the full-mode training run to nan at epoch 1493 (an output of exactly 1.0), which is
why sections 4 and 7 now teach the clip and their tests demand it."""

# %% init_params
def init_params(layer_dims, seed=0):
    """Random weights and zero biases for an L-layer network.

    Inputs:
    - layer_dims: list [n_x, n_1, ..., n_L], the size of each layer (L + 1 numbers)
    - seed: seed of the random generator

    Returns:
    - params: dict with "W1" .. "WL" (Wl of shape (n_l, n_{l-1}), standard normal / sqrt(n_{l-1}))
      and "b1" .. "bL" (bl of shape (n_l, 1), zeros)
    """
    rng = np.random.default_rng(seed)
    params = {}
    for l in range(1, len(layer_dims)):
        params["W" + str(l)] = rng.standard_normal((layer_dims[l], layer_dims[l - 1])) / np.sqrt(layer_dims[l - 1])
        params["b" + str(l)] = np.zeros((layer_dims[l], 1))
    return params

# %% layer_forward
def linear_forward(A_prev, W, b):
    """The linear part of a layer.

    Inputs:
    - A_prev: activations of the previous layer, shape (n_prev, m)
    - W: weights, shape (n, n_prev)
    - b: biases, shape (n, 1)

    Returns a tuple of:
    - Z: W A_prev + b, shape (n, m)
    - cache: the tuple (A_prev, W, b)
    """
    Z = np.dot(W, A_prev) + b
    cache = (A_prev, W, b)
    return Z, cache


def layer_forward(A_prev, W, b, activation):
    """A linear step followed by an activation.

    Inputs:
    - A_prev, W, b: as for linear_forward
    - activation: "relu" or "sigmoid"

    Returns a tuple of:
    - A: the activation of Z, shape (n, m)
    - cache: the tuple (linear_cache, Z)
    """
    Z, linear_cache = linear_forward(A_prev, W, b)
    if activation == "relu":
        A = np.maximum(0, Z)
    elif activation == "sigmoid":
        A = 1 / (1 + np.exp(-Z))
    cache = (linear_cache, Z)
    return A, cache

# %% model_forward
def model_forward(X, params):
    """[LINEAR -> RELU] x (L-1) -> LINEAR -> SIGMOID.

    Inputs:
    - X: the inputs, shape (n_x, m)
    - params: dict with W1..WL and b1..bL (as init_params makes)

    Returns a tuple of:
    - AL: the output probabilities, shape (1, m)
    - caches: a list of the L caches of layer_forward, caches[l - 1] for layer l
    """
    caches = []
    A = X
    L = len(params) // 2
    for l in range(1, L):
        A, cache = layer_forward(A, params["W" + str(l)], params["b" + str(l)], "relu")
        caches.append(cache)
    AL, cache = layer_forward(A, params["W" + str(L)], params["b" + str(L)], "sigmoid")
    caches.append(cache)
    return AL, caches

# %% compute_cost
def compute_cost(AL, Y):
    """Binary cross-entropy averaged over the examples.

    Inputs:
    - AL: predicted probabilities, shape (1, m), each in (0, 1)
    - Y: true labels, 0 or 1, shape (1, m)

    Returns:
    - cost: a float
    """
    AL = np.clip(AL, 1e-12, 1 - 1e-12)
    m = Y.shape[1]
    cost = -np.sum(Y * np.log(AL) + (1 - Y) * np.log(1 - AL)) / m
    cost = float(cost)
    return cost

# %% linear_backward
def linear_backward(dZ, cache):
    """The backward pass of the linear step Z = W A_prev + b.

    Inputs:
    - dZ: gradient of each example's loss with respect to Z, shape (n, m)
    - cache: the tuple (A_prev, W, b) of linear_forward

    Returns a tuple of:
    - dA_prev: W^T dZ, shape (n_prev, m)
    - dW: dZ A_prev^T / m, shape (n, n_prev), where m, the number of examples, is A_prev.shape[1]
    - db: the sum of dZ over the examples / m, shape (n, 1)
    """
    A_prev, W, b = cache
    m = A_prev.shape[1]
    dW = np.dot(dZ, A_prev.T) / m
    db = np.sum(dZ, axis=1, keepdims=True) / m
    dA_prev = np.dot(W.T, dZ)
    return dA_prev, dW, db

# %% layer_backward
def layer_backward(dA, cache, activation):
    """The backward pass of layer_forward.

    Inputs:
    - dA: gradient of each example's loss with respect to this layer's output A, shape (n, m)
    - cache: the tuple (linear_cache, Z) of layer_forward
    - activation: "relu" or "sigmoid", as in the forward pass

    Returns a tuple of:
    - dA_prev: shape (n_prev, m)
    - dW: shape (n, n_prev)
    - db: shape (n, 1)
    """
    linear_cache, Z = cache
    if activation == "relu":
        dZ = dA * (Z > 0)
    elif activation == "sigmoid":
        s = 1 / (1 + np.exp(-Z))
        dZ = dA * s * (1 - s)
    dA_prev, dW, db = linear_backward(dZ, linear_cache)
    return dA_prev, dW, db

# %% model_backward
def model_backward(AL, Y, caches):
    """Backpropagation through [LINEAR -> RELU] x (L-1) -> LINEAR -> SIGMOID.

    Inputs:
    - AL: the output of model_forward, shape (1, m)
    - Y: true labels, shape (1, m)
    - caches: the list of L caches of model_forward

    Returns:
    - grads: dict with "dW1".."dWL", "db1".."dbL" (the shapes of W and b) and
      "dA0".."dA{L-1}" ("dA{l-1}" of the shape of A^[l-1], the input of layer l)
    """
    grads = {}
    L = len(caches)
    AL = np.clip(AL, 1e-12, 1 - 1e-12)
    dAL = -(Y / AL - (1 - Y) / (1 - AL))
    dA_prev, dW, db = layer_backward(dAL, caches[L - 1], "sigmoid")
    grads["dA" + str(L - 1)] = dA_prev
    grads["dW" + str(L)] = dW
    grads["db" + str(L)] = db
    for l in range(L - 1, 0, -1):
        dA_prev, dW, db = layer_backward(grads["dA" + str(l)], caches[l - 1], "relu")
        grads["dA" + str(l - 1)] = dA_prev
        grads["dW" + str(l)] = dW
        grads["db" + str(l)] = db
    return grads

# %% update_params
def update_params(params, grads, lr):
    """One step of gradient descent.

    Inputs:
    - params: dict with W1..WL, b1..bL
    - grads: dict with dW1..dWL, db1..dbL (extra keys, such as dA0, are ignored)
    - lr: the learning rate, a float

    Returns:
    - new_params: a new dict with the updated W1..WL, b1..bL
    """
    L = len(params) // 2
    new_params = {}
    for l in range(1, L + 1):
        new_params["W" + str(l)] = params["W" + str(l)] - lr * grads["dW" + str(l)]
        new_params["b" + str(l)] = params["b" + str(l)] - lr * grads["db" + str(l)]
    return new_params
