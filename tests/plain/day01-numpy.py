"""Day 01's exercises solved the plain way, from the student notebook's text alone: NumPy's own
functions as the text names them (np.exp, reshape, np.linalg.norm with keepdims, the row maximum
subtracted, np.sum for the losses, the expanded square clipped at 0 as told)."""

# %% sigmoid
def sigmoid(z):
    """Sigmoid of z, elementwise."""
    s = 1 / (1 + np.exp(-z))
    return s

# %% sigmoid_derivative
def sigmoid_derivative(z):
    """Derivative of the sigmoid at z, elementwise."""
    s = sigmoid(z)
    ds = s * (1 - s)
    return ds

# %% image2vector
def image2vector(image):
    """Flatten an image into a column vector."""
    v = image.reshape(image.shape[0] * image.shape[1] * image.shape[2], 1)
    return v

# %% normalize_rows
def normalize_rows(x):
    """Divide each row of x by its Euclidean length."""
    x_norm = np.linalg.norm(x, axis=1, keepdims=True)
    x_normalized = x / x_norm
    return x_normalized

# %% softmax
def softmax(x):
    """Row-wise softmax."""
    x_exp = np.exp(x - np.max(x, axis=1, keepdims=True))
    s = x_exp / np.sum(x_exp, axis=1, keepdims=True)
    return s

# %% losses
def L1(y_hat, y):
    """L1 loss: the sum of |y - y_hat| over all entries (a float)."""
    loss = np.sum(np.abs(y - y_hat))
    return loss


def L2(y_hat, y):
    """L2 loss: the sum of (y - y_hat)^2 over all entries (a float)."""
    loss = np.sum((y - y_hat) ** 2)
    return loss

# %% pairwise_sq_distances
def pairwise_sq_distances(X, Y):
    """All squared Euclidean distances between the rows of X and the rows of Y, without loops."""
    X_sq = np.sum(X ** 2, axis=1, keepdims=True)
    Y_sq = np.sum(Y ** 2, axis=1)
    D = X_sq + Y_sq - 2 * X @ Y.T
    D = np.maximum(D, 0)
    return D
