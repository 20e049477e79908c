"""Day 03's exercises solved the plain way, from the student notebook's text alone: the equations of
sections 2-5 written as given (np.dot, np.tanh, np.log, np.sum with axis=1, keepdims=True), with no
clipping of the output probabilities."""

# %% initialize_parameters
def initialize_parameters(n_x, n_h, n_y, seed=0):
    """Small random weights and zero biases for a 2-layer network."""
    rng = np.random.default_rng(seed)
    W1 = rng.standard_normal((n_h, n_x)) * 0.01
    b1 = np.zeros((n_h, 1))
    W2 = rng.standard_normal((n_y, n_h)) * 0.01
    b2 = np.zeros((n_y, 1))
    params = {"W1": W1, "b1": b1, "W2": W2, "b2": b2}
    return params

# %% forward_propagation
def sigmoid(z):
    return 1 / (1 + np.exp(-z))


def forward_propagation(X, params):
    """The forward pass of the 2-layer network: LINEAR -> TANH -> LINEAR -> SIGMOID."""
    W1, b1, W2, b2 = params["W1"], params["b1"], params["W2"], params["b2"]
    Z1 = np.dot(W1, X) + b1
    A1 = np.tanh(Z1)
    Z2 = np.dot(W2, A1) + b2
    A2 = sigmoid(Z2)
    cache = {"Z1": Z1, "A1": A1, "Z2": Z2, "A2": A2}
    return A2, cache

# %% compute_cost
def compute_cost(A2, Y):
    """The cross-entropy cost."""
    m = Y.shape[1]
    cost = -1 / m * np.sum(Y * np.log(A2) + (1 - Y) * np.log(1 - A2))
    return cost

# %% backward_propagation
def backward_propagation(params, cache, X, Y):
    """Gradients of the cross-entropy cost of the 2-layer network."""
    m = X.shape[1]
    W2 = params["W2"]
    A1, A2 = cache["A1"], cache["A2"]
    dZ2 = A2 - Y
    dW2 = 1 / m * np.dot(dZ2, A1.T)
    db2 = 1 / m * np.sum(dZ2, axis=1, keepdims=True)
    dZ1 = np.dot(W2.T, dZ2) * (1 - A1 ** 2)
    dW1 = 1 / m * np.dot(dZ1, X.T)
    db1 = 1 / m * np.sum(dZ1, axis=1, keepdims=True)
    grads = {"dW1": dW1, "db1": db1, "dW2": dW2, "db2": db2}
    return grads

# %% update_parameters
def update_parameters(params, grads, lr=1.2):
    """One gradient-descent step."""
    W1 = params["W1"] - lr * grads["dW1"]
    b1 = params["b1"] - lr * grads["db1"]
    W2 = params["W2"] - lr * grads["dW2"]
    b2 = params["b2"] - lr * grads["db2"]
    new_params = {"W1": W1, "b1": b1, "W2": W2, "b2": b2}
    return new_params

# %% nn_model
def nn_model(X, Y, n_h, num_epochs=10000, lr=1.2, seed=0, every=1000):
    """Train a 2-layer network (n_h tanh units) by full-batch gradient descent."""
    costs = []
    n_x = X.shape[0]
    n_y = Y.shape[0]
    params = initialize_parameters(n_x, n_h, n_y, seed)
    for i in range(num_epochs):
        A2, cache = forward_propagation(X, params)
        cost = compute_cost(A2, Y)
        grads = backward_propagation(params, cache, X, Y)
        params = update_parameters(params, grads, lr)
        if i % every == 0:
            costs.append(cost)
    return params, costs

# %% predict
def predict(params, X):
    """0/1 predictions of the 2-layer network."""
    A2, cache = forward_propagation(X, params)
    predictions = (A2 > 0.5).astype(int)
    return predictions
