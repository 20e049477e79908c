"""Day 08's exercises solved the plain way, from the student notebook's text alone: the numeric
gradient with `np.ndindex` and a nudge-and-restore in place, `np.linalg.norm` for the norms, the
lambda `cost({**params, k: p})` the text gives, and `backward_buggy` with its two lines fixed."""

# %% centred_difference
def centred_difference(f, x, h=1e-5):
    """Centred-difference approximation of f'(x).

    Inputs:
    - f: a function of one number, returning one number
    - x: the point (a float)
    - h: the step (a float)

    Returns:
    - slope: (f(x + h) - f(x - h)) / (2 h), a float
    """
    slope = (f(x + h) - f(x - h)) / (2 * h)
    return slope

# %% numeric_gradient
def numeric_gradient(f, x, h=1e-5):
    """Centred-difference gradient of a scalar function of an array.

    Inputs:
    - f: a function taking an array shaped like x and returning one number
    - x: a float64 NumPy array of any shape; it may be changed during the call but must hold
      its original values afterwards
    - h: the step

    Returns:
    - grad: an array shaped like x, grad[i] = (f(x + h e_i) - f(x - h e_i)) / (2 h)
    """
    grad = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        old = x[i]
        x[i] = old + h
        f_plus = f(x)
        x[i] = old - h
        f_minus = f(x)
        x[i] = old
        grad[i] = (f_plus - f_minus) / (2 * h)
    return grad

# %% relative_difference
def relative_difference(grad, grad_approx):
    """How far apart two gradients are, relative to their sizes.

    Inputs:
    - grad, grad_approx: NumPy arrays of the same shape (any shape)

    Returns:
    - difference: ||grad - grad_approx|| / (||grad|| + ||grad_approx||) with Euclidean norms over all
      entries, a float; 0.0 when both are all zeros
    """
    numerator = np.linalg.norm(grad - grad_approx)
    denominator = np.linalg.norm(grad) + np.linalg.norm(grad_approx)
    if denominator == 0:
        difference = 0.0
    else:
        difference = numerator / denominator
    return difference

# %% numeric_grads
def numeric_grads(cost, params, h=1e-6):
    """Numeric gradients of cost(params) with respect to every parameter.

    Inputs:
    - cost: a function of a params dict, returning the cost (a float)
    - params: dict of float64 arrays, e.g. {"W1": (n1, n0), "b1": (n1, 1), ...}; unchanged afterwards
    - h: the step

    Returns:
    - grads_approx: dict {"dW1": array shaped like W1, "db1": ..., ...}, one entry per parameter
    """
    grads_approx = {}
    for k in params:
        grads_approx["d" + k] = numeric_gradient(lambda p: cost({**params, k: p}), params[k], h)
    return grads_approx

# %% gradient_check
def gradient_check(cost, params, grads, h=1e-6):
    """Compare a backward pass's gradients with numeric ones.

    Inputs:
    - cost: a function of a params dict, returning the cost
    - params: dict of float64 arrays {"W1": ..., "b1": ..., ...}
    - grads: the backward pass's gradients {"dW1": ..., "db1": ..., ...} (may hold other keys too)
    - h: the step

    Returns a tuple of:
    - difference: the relative difference of all gradients together (each flattened, concatenated
      in the order of params), a float
    - errors: dict {"W1": relative difference of dW1 alone, "b1": ..., ...}
    """
    grads_approx = numeric_grads(cost, params, h)
    errors = {}
    for k in params:
        errors[k] = relative_difference(grads["d" + k], grads_approx["d" + k])
    all_grads = np.concatenate([np.ravel(grads["d" + k]) for k in params])
    all_approx = np.concatenate([np.ravel(grads_approx["d" + k]) for k in params])
    difference = relative_difference(all_grads, all_approx)
    return difference, errors

# %% backward
def backward(X, Y, cache):
    """Gradients of the cross-entropy cost of the 3-layer network above.

    Inputs:
    - X: (n0, m) inputs; Y: (1, m) labels
    - cache: the cache forward(X, params) returns

    Returns:
    - grads: {"dW1": (n1, n0), "db1": (n1, 1), "dW2": (n2, n1), "db2": (n2, 1), "dW3": (1, n2), "db3": (1, 1)}
    """
    m = X.shape[1]
    Z1, A1, W1, Z2, A2, W2, Z3, A3, W3 = cache
    dZ3 = A3 - Y
    dW3 = dZ3 @ A2.T / m
    db3 = np.sum(dZ3, axis=1, keepdims=True) / m
    dA2 = W3.T @ dZ3
    dZ2 = dA2 * (Z2 > 0)
    dW2 = dZ2 @ A1.T / m
    db2 = np.sum(dZ2, axis=1, keepdims=True) / m
    dA1 = W2.T @ dZ2
    dZ1 = dA1 * (Z1 > 0)
    dW1 = dZ1 @ X.T / m
    db1 = np.sum(dZ1, axis=1, keepdims=True) / m
    return {"dW1": dW1, "db1": db1, "dW2": dW2, "db2": db2, "dW3": dW3, "db3": db3}
