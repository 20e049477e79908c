"""Day 05 plain answers: each exercise written from the student notebook's text alone, the way a
learner who knows NumPy would, with the course.nn.dense functions the notebook names."""

# %% flatten
def flatten(images):
    """Images as columns.

    Inputs:
    - images: shape (m, h, w), m images of h x w pixels

    Returns:
    - X: shape (h * w, m); column i holds image i's pixels in row-major order
    """
    m = images.shape[0]
    X = images.reshape(m, -1).T
    return X

# %% standardize
def standardize(X_train, X_test):
    """Centre each feature (row) on its training mean and divide by the training standard deviation.

    Inputs:
    - X_train: shape (n_x, m_train)
    - X_test: shape (n_x, m_test)

    Returns a tuple of:
    - X_train_std: shape (n_x, m_train)
    - X_test_std: shape (n_x, m_test), transformed with the training mean and standard deviation
    """
    mu = np.mean(X_train, axis=1, keepdims=True)
    sigma = np.std(X_train)
    X_train_std = (X_train - mu) / sigma
    X_test_std = (X_test - mu) / sigma
    return X_train_std, X_test_std

# %% two_layer_model
def two_layer_model(X, Y, n_h, *, lr=0.0075, num_epochs=3000, seed=0):
    """Train LINEAR -> RELU -> LINEAR -> SIGMOID by gradient descent.

    Inputs:
    - X: inputs, shape (n_x, m)
    - Y: labels 0 or 1, shape (1, m)
    - n_h: the number of hidden units
    - lr, num_epochs: the learning rate and the number of gradient-descent steps
    - seed: the seed of dense.init_params

    Returns a tuple of:
    - params: dict with W1, b1, W2, b2 after training
    - costs: list of num_epochs floats, the cost at each epoch before its update
    """
    n_x = X.shape[0]
    params = dense.init_params([n_x, n_h, 1], seed=seed)
    costs = []
    for i in range(num_epochs):
        A1, cache1 = dense.layer_forward(X, params["W1"], params["b1"], "relu")
        A2, cache2 = dense.layer_forward(A1, params["W2"], params["b2"], "sigmoid")
        cost = dense.cross_entropy_cost(A2, Y)
        costs.append(cost)
        dZ2 = A2 - Y
        dA1, dW2, db2 = dense.linear_backward(dZ2, cache2[0])
        dA0, dW1, db1 = dense.layer_backward(dA1, cache1, "relu")
        grads = {"dW1": dW1, "db1": db1, "dW2": dW2, "db2": db2}
        params = dense.update_params(params, grads, lr)
    return params, costs

# %% deep_model
def deep_model(X, Y, layer_dims, *, lr=0.0075, num_epochs=3000, seed=0):
    """Train [LINEAR -> RELU] x (L-1) -> LINEAR -> SIGMOID by gradient descent.

    Inputs:
    - X: inputs, shape (n_x, m); Y: labels, shape (1, m)
    - layer_dims: [n_x, n_1, ..., n_L], with n_L = 1
    - lr, num_epochs, seed: as for two_layer_model

    Returns a tuple of:
    - params: dict with W1..WL, b1..bL after training
    - costs: list of num_epochs floats, the cost at each epoch before its update
    """
    params = dense.init_params(layer_dims, seed=seed)
    costs = []
    for i in range(num_epochs):
        AL, caches = dense.model_forward(X, params)
        costs.append(dense.cross_entropy_cost(AL, Y))
        grads = dense.model_backward(AL, Y, caches)
        params = dense.update_params(params, grads, lr)
    return params, costs

# %% predict
def predict(X, params):
    """0/1 predictions of an L-layer network.

    Inputs:
    - X: shape (n_x, m); params: W1..WL, b1..bL

    Returns:
    - Y_hat: integers 0 or 1, shape (1, m): 1 where the output probability is above 0.5
    """
    AL, caches = dense.model_forward(X, params)
    Y_hat = (AL > 0.5).astype(int)
    return Y_hat


def accuracy(Y_hat, Y):
    """The fraction (a float between 0 and 1) of predictions Y_hat (1, m) equal to the labels Y (1, m)."""
    acc = float(np.mean(Y_hat == Y))
    return acc

# %% hyperparameters
# Your choice: the layer sizes, the learning rate, the number of epochs, as
# hyperparameters = {"layer_dims": [625, ..., 1], "lr": ..., "num_epochs": ...}
hyperparameters = {"layer_dims": [625, 20, 7, 5, 1], "lr": 0.0075, "num_epochs": 1000}
