"""Day 23's exercises solved the plain way, from the student notebook's text alone."""
# %% lstm_cell_forward
def lstm_cell_forward(xt, a_prev, c_prev, parameters):
    """One step of an LSTM.

    Inputs:
    - xt: (n_x, m), the input at step t
    - a_prev: (n_a, m), the hidden state at step t - 1
    - c_prev: (n_a, m), the cell state at step t - 1
    - parameters: dict with Wf, Wi, Wc, Wo (n_a, n_a + n_x), acting on concat = [a_prev; xt];
      bf, bi, bc, bo (n_a, 1); Wy (n_y, n_a); by (n_y, 1)

    Returns a tuple of:
    - a_next: (n_a, m), the hidden state at step t
    - c_next: (n_a, m), the cell state at step t
    - yt_pred: (n_y, m), the prediction, softmax(Wy a_next + by) over axis 0
    - cache: (a_next, c_next, a_prev, c_prev, ft, it, cct, ot, xt, parameters)
    """
    Wf = parameters["Wf"]
    bf = parameters["bf"]
    Wi = parameters["Wi"]
    bi = parameters["bi"]
    Wc = parameters["Wc"]
    bc = parameters["bc"]
    Wo = parameters["Wo"]
    bo = parameters["bo"]
    Wy = parameters["Wy"]
    by = parameters["by"]
    concat = np.concatenate((a_prev, xt), axis=0)
    ft = sigmoid(np.dot(Wf, concat) + bf)
    it = sigmoid(np.dot(Wi, concat) + bi)
    cct = np.tanh(np.dot(Wc, concat) + bc)
    c_next = ft * c_prev + it * cct
    ot = sigmoid(np.dot(Wo, concat) + bo)
    a_next = ot * np.tanh(c_next)
    yt_pred = softmax(np.dot(Wy, a_next) + by)
    cache = (a_next, c_next, a_prev, c_prev, ft, it, cct, ot, xt, parameters)
    return a_next, c_next, yt_pred, cache

# %% lstm_forward
def lstm_forward(x, a0, parameters):
    """An LSTM over a whole sequence, from hidden state a0 and cell state 0.

    Inputs:
    - x: (n_x, m, T_x), the input sequence
    - a0: (n_a, m), the initial hidden state
    - parameters: as for lstm_cell_forward

    Returns a tuple of:
    - a: (n_a, m, T_x), the hidden states
    - y: (n_y, m, T_x), the predictions
    - c: (n_a, m, T_x), the cell states
    - caches: (list of the T_x caches of lstm_cell_forward, in time order, x)
    """
    caches = []
    n_x, m, T_x = x.shape
    n_y, n_a = parameters["Wy"].shape
    a = np.zeros((n_a, m, T_x))
    c = np.zeros((n_a, m, T_x))
    y = np.zeros((n_y, m, T_x))
    a_next = a0
    c_next = np.zeros((n_a, m))
    for t in range(T_x):
        a_next, c_next, yt, cache = lstm_cell_forward(x[:, :, t], a_next, c_next, parameters)
        a[:, :, t] = a_next
        c[:, :, t] = c_next
        y[:, :, t] = yt
        caches.append(cache)
    caches = (caches, x)
    return a, y, c, caches

# %% lstm_cell_backward
def lstm_cell_backward(da_next, dc_next, cache):
    """Backward pass of one LSTM step (the prediction's layer excluded).

    Inputs:
    - da_next: (n_a, m), the gradient of the loss with respect to a_next
    - dc_next: (n_a, m), the gradient with respect to c_next from the later steps
    - cache: (a_next, c_next, a_prev, c_prev, ft, it, cct, ot, xt, parameters) from lstm_cell_forward

    Returns a dict with:
    - dxt: (n_x, m); da_prev: (n_a, m); dc_prev: (n_a, m)
    - dWf, dWi, dWc, dWo: (n_a, n_a + n_x); dbf, dbi, dbc, dbo: (n_a, 1)
    """
    (a_next, c_next, a_prev, c_prev, ft, it, cct, ot, xt, parameters) = cache
    n_a, m = a_next.shape
    dot = da_next * np.tanh(c_next) * ot * (1 - ot)
    dc = dc_next + da_next * ot * (1 - np.tanh(c_next) ** 2)
    dcct = dc * it * (1 - cct ** 2)
    dit = dc * cct * it * (1 - it)
    dft = dc * c_prev * ft * (1 - ft)
    concat = np.concatenate((a_prev, xt), axis=0)
    dWf = np.dot(dft, concat.T)
    dWi = np.dot(dit, concat.T)
    dWc = np.dot(dcct, concat.T)
    dWo = np.dot(dot, concat.T)
    dbf = np.sum(dft, axis=1, keepdims=True)
    dbi = np.sum(dit, axis=1, keepdims=True)
    dbc = np.sum(dcct, axis=1, keepdims=True)
    dbo = np.sum(dot, axis=1, keepdims=True)
    dconcat = (np.dot(parameters["Wf"].T, dft) + np.dot(parameters["Wi"].T, dit)
               + np.dot(parameters["Wc"].T, dcct) + np.dot(parameters["Wo"].T, dot))
    da_prev = dconcat[:n_a, :]
    dxt = dconcat[n_a:, :]
    dc_prev = dc * ft
    gradients = {"dxt": dxt, "da_prev": da_prev, "dc_prev": dc_prev, "dWf": dWf, "dbf": dbf,
                 "dWi": dWi, "dbi": dbi, "dWc": dWc, "dbc": dbc, "dWo": dWo, "dbo": dbo}
    return gradients

# %% lstm_backward
def lstm_backward(da, caches):
    """Backpropagation through time for lstm_forward.

    Inputs:
    - da: (n_a, m, T_x), the gradient of the loss with respect to every hidden state, from the
      outputs only (the gradient through the later steps is added here)
    - caches: (list of the T_x step caches, x) from lstm_forward

    Returns a dict with:
    - dx: (n_x, m, T_x); da0: (n_a, m)
    - dWf, dWi, dWc, dWo: (n_a, n_a + n_x); dbf, dbi, dbc, dbo: (n_a, 1), summed over the steps
    """
    (caches, x) = caches
    n_a, m, T_x = da.shape
    n_x = x.shape[0]
    dx = np.zeros((n_x, m, T_x))
    dWf = np.zeros((n_a, n_a + n_x))
    dWi = np.zeros((n_a, n_a + n_x))
    dWc = np.zeros((n_a, n_a + n_x))
    dWo = np.zeros((n_a, n_a + n_x))
    dbf = np.zeros((n_a, 1))
    dbi = np.zeros((n_a, 1))
    dbc = np.zeros((n_a, 1))
    dbo = np.zeros((n_a, 1))
    da_prevt = np.zeros((n_a, m))
    dc_prevt = np.zeros((n_a, m))
    for t in reversed(range(T_x)):
        gradients = lstm_cell_backward(da[:, :, t] + da_prevt, dc_prevt, caches[t])
        dx[:, :, t] = gradients["dxt"]
        da_prevt = gradients["da_prev"]
        dc_prevt = gradients["dc_prev"]
        dWf += gradients["dWf"]
        dWi += gradients["dWi"]
        dWc += gradients["dWc"]
        dWo += gradients["dWo"]
        dbf += gradients["dbf"]
        dbi += gradients["dbi"]
        dbc += gradients["dbc"]
        dbo += gradients["dbo"]
    da0 = da_prevt
    gradients = {"dx": dx, "da0": da0, "dWf": dWf, "dbf": dbf, "dWi": dWi, "dbi": dbi,
                 "dWc": dWc, "dbc": dbc, "dWo": dWo, "dbo": dbo}
    return gradients
