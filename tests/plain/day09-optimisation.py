"""Day 09's exercises solved the plain way, from the student notebook's text alone: a loop over
the parameter names building new dicts, the step functions called positionally with the loop's
own hyperparameters, and plain gradient descent as the text writes it,
`params = dense.update_params(params, grads, lr_now)`. (Its first version followed the old text,
"call `dense.update_params(params, grads, lr_now)`", literally, without `params =`, and failed.)"""

# %% random_mini_batches
def random_mini_batches(X, Y, batch_size=64, seed=0):
    """Shuffle the examples, then cut them into mini-batches.

    Inputs:
    - X: (n_x, m) inputs, one example per column
    - Y: (1, m) labels
    - batch_size: examples per mini-batch
    - seed: seeds np.random.default_rng(seed).permutation(m)

    Returns:
    - mini_batches: a list of (X_batch, Y_batch) tuples of shapes (n_x, batch_size) and
      (1, batch_size); the last pair is smaller when m is not a multiple of batch_size
    """
    m = X.shape[1]
    order = np.random.default_rng(seed).permutation(m)
    X_shuffled = X[:, order]
    Y_shuffled = Y[:, order]
    mini_batches = []
    for k in range(0, m, batch_size):
        mini_batches.append((X_shuffled[:, k:k + batch_size], Y_shuffled[:, k:k + batch_size]))
    return mini_batches

# %% momentum
def zeros_like_params(params):
    """Zeros shaped like every parameter.

    Inputs:
    - params: dict {"W1": (n1, n0), "b1": (n1, 1), ...}

    Returns:
    - zeros: dict with the same keys, each an array of zeros of that parameter's shape
    """
    zeros = {}
    for k in params:
        zeros[k] = np.zeros(params[k].shape)
    return zeros


def momentum_step(params, grads, v, lr, beta=0.9):
    """One step of gradient descent with momentum.

    Inputs:
    - params: dict {"W1": ..., "b1": ..., ...}
    - grads: dict {"dW1": ..., "db1": ..., ...} (may hold other keys too)
    - v: dict of velocities keyed like params
    - lr: the learning rate alpha
    - beta: the momentum

    Returns a tuple of:
    - params: a new dict, params[k] - lr * v[k] with the new v
    - v: a new dict, beta * v[k] + (1 - beta) * grads["d" + k]
    """
    new_params = {}
    new_v = {}
    for k in params:
        new_v[k] = beta * v[k] + (1 - beta) * grads["d" + k]
        new_params[k] = params[k] - lr * new_v[k]
    params, v = new_params, new_v
    return params, v

# %% rmsprop
def rmsprop_step(params, grads, s, lr, beta2=0.999, eps=1e-8):
    """One RMSprop step.

    Inputs:
    - params: dict {"W1": ..., ...}; grads: dict {"dW1": ..., ...}
    - s: dict of running averages of squared gradients, keyed like params
    - lr: the learning rate; beta2: the averaging factor; eps: added to the root

    Returns a tuple of:
    - params: a new dict, params[k] - lr * grads["d" + k] / (sqrt(s[k]) + eps) with the new s
    - s: a new dict, beta2 * s[k] + (1 - beta2) * grads["d" + k] ** 2
    """
    new_params = {}
    new_s = {}
    for k in params:
        new_s[k] = beta2 * s[k] + (1 - beta2) * grads["d" + k] ** 2
        new_params[k] = params[k] - lr * grads["d" + k] / (np.sqrt(new_s[k]) + eps)
    params, s = new_params, new_s
    return params, s

# %% adam
def adam_step(params, grads, v, s, t, lr=0.001, beta1=0.9, beta2=0.999, eps=1e-8):
    """One Adam step, with bias correction.

    Inputs:
    - params: dict {"W1": ..., ...}; grads: dict {"dW1": ..., ...}
    - v, s: dicts of the running first and second moments, keyed like params
    - t: the number of this step, counted from 1
    - lr, beta1, beta2, eps: Adam's hyperparameters

    Returns a tuple of:
    - params: a new dict, params[k] - lr * v_corrected / (sqrt(s_corrected) + eps)
    - v: a new dict of first moments (uncorrected)
    - s: a new dict of second moments (uncorrected)
    """
    new_params, new_v, new_s = {}, {}, {}
    for k in params:
        g = grads["d" + k]
        new_v[k] = beta1 * v[k] + (1 - beta1) * g
        new_s[k] = beta2 * s[k] + (1 - beta2) * g ** 2
        v_corrected = new_v[k] / (1 - beta1 ** t)
        s_corrected = new_s[k] / (1 - beta2 ** t)
        new_params[k] = params[k] - lr * v_corrected / (np.sqrt(s_corrected) + eps)
    params, v, s = new_params, new_v, new_s
    return params, v, s

# %% decay
def inverse_time_decay(lr0, epoch, decay_rate):
    """The learning rate lr0 / (1 + decay_rate * epoch), a float."""
    lr = lr0 / (1 + decay_rate * epoch)
    return lr


def scheduled_decay(lr0, epoch, decay_rate, time_interval=1000):
    """The learning rate lr0 / (1 + decay_rate * floor(epoch / time_interval)), a float."""
    lr = lr0 / (1 + decay_rate * (epoch // time_interval))
    return lr

# %% train_model
def train_model(X, Y, layer_dims, optimizer="adam", lr=0.0007, batch_size=64, num_epochs=5000,
                beta=0.9, beta1=0.9, beta2=0.999, eps=1e-8, decay=None, seed=0, every=1):
    """Mini-batch training of an L-layer network with one of four optimisers.

    Inputs:
    - X: (n_x, m) inputs; Y: (1, m) labels
    - layer_dims: [n_x, n_1, ..., 1]
    - optimizer: "gd", "momentum", "rmsprop" or "adam"
    - lr: the (initial) learning rate; beta: momentum's; beta1, beta2, eps: Adam's and RMSprop's
    - decay: None, or a function decay(lr, epoch) returning that epoch's learning rate
    - seed: seeds the weights and the shuffles; every: record the cost every `every` epochs

    Returns a tuple of:
    - params: the trained parameters
    - costs: list of the cost on all of X after epochs 0, every, 2 * every, ... and the last
    """
    params = dense.init_params(layer_dims, seed=seed)
    v, s, t = zeros_like_params(params), zeros_like_params(params), 0
    costs = []
    for epoch in range(num_epochs):
        lr_now = lr if decay is None else decay(lr, epoch)
        for X_batch, Y_batch in random_mini_batches(X, Y, batch_size, seed + epoch):
            AL, caches = dense.model_forward(X_batch, params)
            grads = dense.model_backward(AL, Y_batch, caches)
            if optimizer == "gd":
                params = dense.update_params(params, grads, lr_now)
            elif optimizer == "momentum":
                params, v = momentum_step(params, grads, v, lr_now, beta)
            elif optimizer == "rmsprop":
                params, s = rmsprop_step(params, grads, s, lr_now, beta2, eps)
            elif optimizer == "adam":
                t += 1
                params, v, s = adam_step(params, grads, v, s, t, lr_now, beta1, beta2, eps)
        if epoch % every == 0 or epoch == num_epochs - 1:
            costs.append(dense.cross_entropy_cost(dense.model_forward(X, params)[0], Y))
    return params, costs
