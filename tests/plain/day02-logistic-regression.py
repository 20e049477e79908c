"""Day 02's exercises solved the plain way, from the student notebook's text alone: the formulas of
sections 2-6 written as given (np.dot, np.log, np.sum), with no clipping of the probabilities."""

# %% flatten
def flatten(images):
    """Stack images as the columns of a matrix."""
    m = images.shape[0]
    X = images.reshape(m, -1).T
    return X

# %% sigmoid
def sigmoid(z):
    """Sigmoid of z, elementwise."""
    s = 1 / (1 + np.exp(-z))
    return s

# %% initialize_with_zeros
def initialize_with_zeros(dim):
    """Zero parameters for logistic regression on dim features."""
    w = np.zeros((dim, 1))
    b = 0.0
    return w, b

# %% propagate
def propagate(w, b, X, Y):
    """The cost of logistic regression and its gradients."""
    m = X.shape[1]
    A = sigmoid(np.dot(w.T, X) + b)
    cost = -1 / m * np.sum(Y * np.log(A) + (1 - Y) * np.log(1 - A))
    dw = 1 / m * np.dot(X, (A - Y).T)
    db = 1 / m * np.sum(A - Y)
    grads = {"dw": dw, "db": db}
    return grads, cost

# %% optimize
def optimize(w, b, X, Y, num_epochs=100, lr=0.009, every=100):
    """Learn w and b by full-batch gradient descent."""
    costs = []
    for i in range(num_epochs):
        grads, cost = propagate(w, b, X, Y)
        dw = grads["dw"]
        db = grads["db"]
        w = w - lr * dw
        b = b - lr * db
        if i % every == 0:
            costs.append(cost)
    params = {"w": w, "b": b}
    return params, costs

# %% predict
def predict(w, b, X):
    """0/1 predictions of logistic regression with parameters (w, b)."""
    A = sigmoid(np.dot(w.T, X) + b)
    Y_prediction = (A > 0.5).astype(int)
    return Y_prediction
