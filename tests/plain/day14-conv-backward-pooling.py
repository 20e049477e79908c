"""Day 14's exercises solved the plain way, from the student notebook's text alone."""
# %% conv_backward
def conv_backward(dout, cache):
    """Backward pass of a convolution layer.

    Inputs:
    - dout: (N, F, H_out, W_out), the gradient of the loss with respect to conv_forward's out
    - cache: (X, W, b, stride, pad) from conv.conv_forward: X (N, C, H, W) images, W (F, C, HH, WW)
      filters, b (F,) biases, the step between windows and the zeros added on each side

    Returns a tuple of:
    - dX: (N, C, H, W), the gradient with respect to X
    - dW: (F, C, HH, WW), with respect to W
    - db: (F,), with respect to b
    """
    X, W, b, stride, pad = cache
    N, C, H, W_in = X.shape
    F, C, HH, WW = W.shape
    N, F, H_out, W_out = dout.shape
    X_pad = conv.zero_pad(X, pad)
    dX_pad = np.zeros(X_pad.shape)
    dW = np.zeros(W.shape)
    db = np.zeros(F)
    for n in range(N):
        for f in range(F):
            for i in range(H_out):
                for j in range(W_out):
                    h0 = i * stride
                    w0 = j * stride
                    window = X_pad[n, :, h0:h0 + HH, w0:w0 + WW]
                    dW[f] += window * dout[n, f, i, j]
                    dX_pad[n, :, h0:h0 + HH, w0:w0 + WW] += W[f] * dout[n, f, i, j]
                    db[f] += dout[n, f, i, j]
    dX = dX_pad[:, :, pad:pad + H, pad:pad + W_in]
    return dX, dW, db

# %% max_pool_forward
def max_pool_forward(X, size=2, stride=2):
    """Max pooling of each channel over size x size windows, stride pixels apart.

    Inputs:
    - X: (N, C, H, W)
    - size: the side of a window; stride: the step between windows

    Returns a tuple of:
    - out: (N, C, H_out, W_out), H_out = (H - size) // stride + 1, W_out likewise
    - cache: (X, size, stride), exactly this tuple: max_pool_backward reads it
    """
    N, C, H, W = X.shape
    H_out = (H - size) // stride + 1
    W_out = (W - size) // stride + 1
    out = np.zeros((N, C, H_out, W_out))
    for n in range(N):
        for c in range(C):
            for i in range(H_out):
                for j in range(W_out):
                    h0 = i * stride
                    w0 = j * stride
                    out[n, c, i, j] = np.max(X[n, c, h0:h0 + size, w0:w0 + size])
    cache = (X, size, stride)
    return out, cache

# %% avg_pool_forward
def avg_pool_forward(X, size=2, stride=2):
    """Average pooling of each channel over size x size windows, stride pixels apart.

    Inputs:
    - X: (N, C, H, W)
    - size: the side of a window; stride: the step between windows

    Returns a tuple of:
    - out: (N, C, H_out, W_out), H_out = (H - size) // stride + 1, W_out likewise
    - cache: (X, size, stride), exactly this tuple: avg_pool_backward reads it
    """
    N, C, H, W = X.shape
    H_out = (H - size) // stride + 1
    W_out = (W - size) // stride + 1
    out = np.zeros((N, C, H_out, W_out))
    for n in range(N):
        for c in range(C):
            for i in range(H_out):
                for j in range(W_out):
                    h0 = i * stride
                    w0 = j * stride
                    out[n, c, i, j] = np.mean(X[n, c, h0:h0 + size, w0:w0 + size])
    cache = (X, size, stride)
    return out, cache

# %% max_pool_backward
def max_pool_backward(dout, cache):
    """Backward pass of max pooling.

    Inputs:
    - dout: (N, C, H_out, W_out), the gradient of the loss with respect to out
    - cache: (X, size, stride) from max_pool_forward

    Returns:
    - dX: (N, C, H, W); each window's gradient goes to its (first) maximum; overlapping windows add up
    """
    X, size, stride = cache
    N, C, H_out, W_out = dout.shape
    dX = np.zeros(X.shape)
    for n in range(N):
        for c in range(C):
            for i in range(H_out):
                for j in range(W_out):
                    h0 = i * stride
                    w0 = j * stride
                    window = X[n, c, h0:h0 + size, w0:w0 + size]
                    p, q = np.unravel_index(np.argmax(window), window.shape)
                    dX[n, c, h0 + p, w0 + q] += dout[n, c, i, j]
    return dX

# %% avg_pool_backward
def avg_pool_backward(dout, cache):
    """Backward pass of average pooling.

    Inputs:
    - dout: (N, C, H_out, W_out), the gradient of the loss with respect to out
    - cache: (X, size, stride) from avg_pool_forward

    Returns:
    - dX: (N, C, H, W); each window's gradient shared equally by its size * size pixels,
      overlapping windows adding up
    """
    X, size, stride = cache
    N, C, H_out, W_out = dout.shape
    dX = np.zeros(X.shape)
    for n in range(N):
        for c in range(C):
            for i in range(H_out):
                for j in range(W_out):
                    h0 = i * stride
                    w0 = j * stride
                    dX[n, c, h0:h0 + size, w0:w0 + size] += dout[n, c, i, j] / (size * size)
    return dX
