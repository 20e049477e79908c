"""Day 13's exercises solved the plain way, from the student notebook's text alone."""
# %% zero_pad
def zero_pad(X, pad):
    """Pad every image of a batch with `pad` zeros on each side of its height and width.

    Inputs:
    - X: (N, C, H, W) images
    - pad: an int >= 0, the number of zeros added on each side (top, bottom, left and right)

    Returns:
    - X_pad: (N, C, H + 2 * pad, W + 2 * pad), X in the middle, zeros around it
    """
    N, C, H, W = X.shape
    X_pad = np.zeros((N, C, H + 2 * pad, W + 2 * pad))
    X_pad[:, :, pad:pad + H, pad:pad + W] = X
    return X_pad

# %% conv_single_step
def conv_single_step(x_slice, w, b):
    """Apply one filter to one window: the sum of their elementwise product, plus the bias.

    Inputs:
    - x_slice: (C, HH, WW), one window of one (padded) image
    - w: (C, HH, WW), one filter
    - b: the filter's bias, a number

    Returns:
    - z: a float, sum(x_slice * w) + b
    """
    s = x_slice * w
    z = np.sum(s)
    z = z + b
    return float(z)

# %% conv_output_size
def conv_output_size(n, f, stride=1, pad=0):
    """The number of positions of an f-wide filter along an input axis of size n.

    Inputs:
    - n: the input's size along the axis (H or W)
    - f: the filter's size along the same axis (HH or WW)
    - stride: how far the filter moves between two positions
    - pad: the number of zeros added on each side

    Returns:
    - n_out: an int, floor((n + 2 * pad - f) / stride) + 1
    """
    n_out = int((n + 2 * pad - f) / stride) + 1
    return n_out

# %% conv_forward
def conv_forward(X, W, b, stride=1, pad=0):
    """The forward pass of a convolutional layer, with loops (a cross-correlation, as torch's conv2d).

    Inputs:
    - X: (N, C, H, W) input images
    - W: (F, C, HH, WW) filters
    - b: (F,) biases, one per filter
    - stride: the step between two neighbouring windows, along H and along W
    - pad: the number of zeros added on each side of H and W

    Returns a tuple of:
    - out: (N, F, H', W') with H' = conv_output_size(H, HH, stride, pad) and
      W' = conv_output_size(W, WW, stride, pad)
    - cache: (X, W, b, stride, pad), the inputs as given (X not padded), for conv_backward
    """
    N, C, H_in, W_in = X.shape
    F, C, HH, WW = W.shape
    H_out = conv_output_size(H_in, HH, stride, pad)
    W_out = conv_output_size(W_in, WW, stride, pad)
    out = np.zeros((N, F, H_out, W_out))
    X_pad = zero_pad(X, pad)
    for n in range(N):
        x = X_pad[n]
        for h in range(H_out):
            vert_start = h * stride
            vert_end = vert_start + HH
            for w in range(W_out):
                horiz_start = w * stride
                horiz_end = horiz_start + WW
                x_slice = x[:, vert_start:vert_end, horiz_start:horiz_end]
                for f in range(F):
                    out[n, f, h, w] = conv_single_step(x_slice, W[f], b[f])
    cache = (X, W, b, stride, pad)
    return out, cache

# %% conv_forward_vectorised
def conv_forward_vectorised(X, W, b, stride=1, pad=0):
    """The forward pass of a convolutional layer without Python loops: every window at once.

    Inputs:
    - X: (N, C, H, W) input images
    - W: (F, C, HH, WW) filters
    - b: (F,) biases, one per filter
    - stride: the step between two neighbouring windows, along H and along W
    - pad: the number of zeros added on each side of H and W

    Returns a tuple of:
    - out: (N, F, H', W'), as conv_forward
    - cache: (X, W, b, stride, pad), as conv_forward
    """
    F, C, HH, WW = W.shape
    X_pad = zero_pad(X, pad)
    windows = sliding_window_view(X_pad, (HH, WW), axis=(2, 3))
    windows = windows[:, :, ::stride, ::stride]
    out = np.einsum("nchwkl,fckl->nfhw", windows, W)
    out = out + b.reshape(1, F, 1, 1)
    cache = (X, W, b, stride, pad)
    return out, cache
