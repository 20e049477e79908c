"""Day 22's exercises solved the plain way, from the student notebook's text alone."""
# %% rnn_cell_forward
def rnn_cell_forward(xt, a_prev, parameters):
    """One step of the RNN.

    Inputs:
    - xt: (n_x, m), the input at this step
    - a_prev: (n_a, m), the previous hidden state
    - parameters: dict with Wax (n_a, n_x), Waa (n_a, n_a), Wya (n_y, n_a), ba (n_a, 1), by (n_y, 1)

    Returns a tuple of:
    - a_next: (n_a, m), tanh(Waa a_prev + Wax xt + ba)
    - yt_pred: (n_y, m), softmax(Wya a_next + by), over axis 0 (the classes)
    - cache: (a_next, a_prev, xt, parameters)
    """
    Wax = parameters["Wax"]
    Waa = parameters["Waa"]
    Wya = parameters["Wya"]
    ba = parameters["ba"]
    by = parameters["by"]
    a_next = np.tanh(np.dot(Waa, a_prev) + np.dot(Wax, xt) + ba)
    z = np.dot(Wya, a_next) + by
    z = z - np.max(z, axis=0, keepdims=True)
    yt_pred = np.exp(z) / np.sum(np.exp(z), axis=0, keepdims=True)
    cache = (a_next, a_prev, xt, parameters)
    return a_next, yt_pred, cache

# %% rnn_forward
def rnn_forward(x, a0, parameters):
    """The RNN over a whole sequence.

    Inputs:
    - x: (n_x, m, T_x), the inputs at every step
    - a0: (n_a, m), the initial hidden state
    - parameters: as for rnn_cell_forward

    Returns a tuple of:
    - a: (n_a, m, T_x), the hidden states; a[:, :, t] is the state after reading x[:, :, t]
    - y_pred: (n_y, m, T_x), the predictions at every step
    - caches: (list of the T_x step caches, x)
    """
    caches = []
    n_x, m, T_x = x.shape
    n_y, n_a = parameters["Wya"].shape
    a = np.zeros((n_a, m, T_x))
    y_pred = np.zeros((n_y, m, T_x))
    a_next = a0
    for t in range(T_x):
        a_next, yt_pred, cache = rnn_cell_forward(x[:, :, t], a_next, parameters)
        a[:, :, t] = a_next
        y_pred[:, :, t] = yt_pred
        caches.append(cache)
    caches = (caches, x)
    return a, y_pred, caches

# %% rnn_cell_backward
def rnn_cell_backward(da_next, cache):
    """Backward pass of one step, from the gradient of the loss with respect to a_next.

    Inputs:
    - da_next: (n_a, m), the gradient of the loss with respect to a_next
    - cache: (a_next, a_prev, xt, parameters) from rnn_cell_forward

    Returns a dict with:
    - dxt: (n_x, m), the gradient with respect to xt
    - da_prev: (n_a, m), with respect to a_prev
    - dWax: (n_a, n_x), dWaa: (n_a, n_a), dba: (n_a, 1), with respect to the parameters
    """
    (a_next, a_prev, xt, parameters) = cache
    Wax = parameters["Wax"]
    Waa = parameters["Waa"]
    dtanh = (1 - a_next ** 2) * da_next
    dxt = np.dot(Wax.T, dtanh)
    dWax = np.dot(dtanh, xt.T)
    da_prev = np.dot(Waa.T, dtanh)
    dWaa = np.dot(dtanh, a_prev.T)
    dba = np.sum(dtanh, axis=1, keepdims=True)
    grads = {"dxt": dxt, "da_prev": da_prev, "dWax": dWax, "dWaa": dWaa, "dba": dba}
    return grads

# %% rnn_backward
def rnn_backward(da, caches):
    """Backward pass through time.

    Inputs:
    - da: (n_a, m, T_x), the gradient of the loss with respect to every hidden state, from the
      outputs only (the gradient through the later states is added here)
    - caches: (list of step caches, x) from rnn_forward

    Returns a dict with:
    - dx: (n_x, m, T_x), the gradient with respect to the inputs
    - da0: (n_a, m), with respect to the initial state
    - dWax: (n_a, n_x), dWaa: (n_a, n_a), dba: (n_a, 1), with respect to the parameters
    """
    (caches, x) = caches
    (a1, a0, x1, parameters) = caches[0]
    n_a, m, T_x = da.shape
    n_x, m = x1.shape
    dx = np.zeros((n_x, m, T_x))
    dWax = np.zeros((n_a, n_x))
    dWaa = np.zeros((n_a, n_a))
    dba = np.zeros((n_a, 1))
    da_prevt = np.zeros((n_a, m))
    for t in range(T_x - 1, -1, -1):
        gradients = rnn_cell_backward(da[:, :, t] + da_prevt, caches[t])
        dx[:, :, t] = gradients["dxt"]
        da_prevt = gradients["da_prev"]
        dWax += gradients["dWax"]
        dWaa += gradients["dWaa"]
        dba += gradients["dba"]
    da0 = da_prevt
    grads = {"dx": dx, "da0": da0, "dWax": dWax, "dWaa": dWaa, "dba": dba}
    return grads
