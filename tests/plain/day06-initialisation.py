"""Day 06 plain answers: each exercise written from the student notebook's text alone, the way a
learner who knows NumPy would (the given lines of each answer cell kept)."""

# %% initialize_parameters_zeros
def initialize_parameters_zeros(layer_dims):
    """All-zero weights and biases.

    Inputs:
    - layer_dims: a list [n_x, n_1, ..., n_L] of layer sizes

    Returns:
    - params: a dict with, for l = 1..L, "Wl" of shape (n_l, n_{l-1}) and "bl" of shape (n_l, 1),
      all zeros
    """
    params = {}
    L = len(layer_dims)
    for l in range(1, L):
        params["W" + str(l)] = np.zeros((layer_dims[l], layer_dims[l - 1]))
        params["b" + str(l)] = np.zeros((layer_dims[l], 1))
    return params

# %% initialize_parameters_random
def initialize_parameters_random(layer_dims, scale=10.0, seed=0):
    """Standard-normal weights times `scale`, zero biases.

    Inputs:
    - layer_dims: a list [n_x, n_1, ..., n_L] of layer sizes
    - scale: the standard deviation of the weights
    - seed: seeds np.random.default_rng, so the same seed gives the same weights

    Returns:
    - params: a dict with "Wl" of shape (n_l, n_{l-1}) and "bl" of shape (n_l, 1), l = 1..L
    """
    rng = np.random.default_rng(seed)
    params = {}
    L = len(layer_dims)
    for l in range(1, L):
        params["W" + str(l)] = rng.standard_normal((layer_dims[l], layer_dims[l - 1])) * scale
        params["b" + str(l)] = np.zeros((layer_dims[l], 1))
    return params

# %% initialize_parameters_he
def initialize_parameters_he(layer_dims, seed=0):
    """He initialisation: W^[l] ~ N(0, 2 / n_{l-1}), zero biases.

    Inputs:
    - layer_dims: a list [n_x, n_1, ..., n_L] of layer sizes
    - seed: seeds np.random.default_rng

    Returns:
    - params: a dict with "Wl" of shape (n_l, n_{l-1}) and "bl" of shape (n_l, 1), l = 1..L
    """
    rng = np.random.default_rng(seed)
    params = {}
    L = len(layer_dims)
    for l in range(1, L):
        params["W" + str(l)] = rng.standard_normal((layer_dims[l], layer_dims[l - 1])) * np.sqrt(2 / layer_dims[l - 1])
        params["b" + str(l)] = np.zeros((layer_dims[l], 1))
    return params

# %% activation_stds
def activation_stds(X, params):
    """Standard deviation of each layer's activations in an all-ReLU stack.

    Inputs:
    - X: shape (n_0, m), examples as columns
    - params: a dict with "W1", "b1", ..., "WL", "bL"

    Returns:
    - stds: a list of L floats, stds[l - 1] = A^[l].std() with A^[l] = ReLU(W^[l] A^[l-1] + b^[l])
    """
    L = len(params) // 2
    stds = []
    A = X
    for l in range(1, L + 1):
        Z = np.dot(params["W" + str(l)], A) + params["b" + str(l)]
        A = np.maximum(0, Z)
        stds.append(float(A.std()))
    return stds

# %% train_model
def train_model(X, Y, layer_dims, initialization="he", lr=0.01, num_epochs=15000, seed=0):
    """Gradient descent on an L-layer ReLU/sigmoid network from the chosen initialisation.

    Inputs:
    - X: shape (n_x, m); Y: shape (1, m) of 0/1 labels
    - layer_dims: [n_x, n_1, ..., n_L] with n_L = 1
    - initialization: "zeros", "random" or "he"
    - lr: learning rate; num_epochs: number of gradient steps; seed: for the random initialisers

    Returns a tuple of:
    - params: the trained parameters
    - costs: a list of num_epochs floats, the cost at the start of each epoch
    """
    if initialization not in ("zeros", "random", "he"):
        raise ValueError(f'initialization should be "zeros", "random" or "he", got {initialization!r}.')
    costs = []
    if initialization == "zeros":
        params = initialize_parameters_zeros(layer_dims)
    elif initialization == "random":
        params = initialize_parameters_random(layer_dims, seed=seed)
    elif initialization == "he":
        params = initialize_parameters_he(layer_dims, seed=seed)
    for i in range(num_epochs):
        AL, caches = model_forward(X, params)
        cost = cross_entropy_cost(AL, Y)
        costs.append(cost)
        grads = model_backward(AL, Y, caches)
        params = update_params(params, grads, lr)
    return params, costs
