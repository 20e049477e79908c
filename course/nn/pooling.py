"""Max and average pooling in NumPy, in PyTorch's layout (Day 14).

``X`` is ``(N, C, H, W)``; each channel is pooled on its own over ``size``×``size`` windows placed
every ``stride`` pixels (no padding, the last partial window dropped, as
``torch.nn.functional.max_pool2d`` does by default). Forward passes return ``(out, cache)`` with
``cache = (X, size, stride)``.
"""
from __future__ import annotations

import numpy as np

from .conv import output_size


def _pool_forward(X, size, stride, reduce):
    if X.ndim != 4:
        raise ValueError(f"want X of shape (N, C, H, W), got {X.shape}")
    N, C, H, W = X.shape
    H_out, W_out = output_size(H, size, stride), output_size(W, size, stride)
    out = np.zeros((N, C, H_out, W_out), dtype=X.dtype)
    for i in range(H_out):
        for j in range(W_out):
            out[:, :, i, j] = reduce(X[:, :, i * stride:i * stride + size,
                                       j * stride:j * stride + size], axis=(2, 3))
    return out, (X, size, stride)


def max_pool_forward(X, size: int = 2, stride: int = 2):
    """Max pooling.

    Inputs:
    - X: (N, C, H, W)
    - size, stride: the window's side and the step between windows

    Returns a tuple of:
    - out: (N, C, H', W'), H' = (H - size) // stride + 1, W' likewise
    - cache: (X, size, stride)
    """
    return _pool_forward(X, size, stride, np.max)


def avg_pool_forward(X, size: int = 2, stride: int = 2):
    """Average pooling; the same inputs, outputs and cache as ``max_pool_forward``."""
    return _pool_forward(X, size, stride, np.mean)


def max_pool_backward(dout, cache):
    """The gradient of max pooling: each window's ``dout`` goes to the window's maximum alone
    (the first one, in row-major order, where several tie, as torch does); windows that overlap
    add up.

    Inputs:
    - dout: (N, C, H', W')
    - cache: (X, size, stride) from ``max_pool_forward``

    Returns:
    - dX: (N, C, H, W)
    """
    X, size, stride = cache
    N, C, _, _ = X.shape
    dX = np.zeros(X.shape, dtype=np.result_type(X, dout))
    n, c = np.meshgrid(np.arange(N), np.arange(C), indexing="ij")
    for i in range(dout.shape[2]):
        for j in range(dout.shape[3]):
            window = X[:, :, i * stride:i * stride + size, j * stride:j * stride + size]
            first_max = window.reshape(N, C, -1).argmax(axis=2)
            r, s = np.unravel_index(first_max, (size, size))
            np.add.at(dX, (n, c, i * stride + r, j * stride + s), dout[:, :, i, j])
    return dX


def avg_pool_backward(dout, cache):
    """The gradient of average pooling: each window's ``dout`` shared equally by its
    ``size * size`` pixels; windows that overlap add up. Same inputs and output as
    ``max_pool_backward``."""
    X, size, stride = cache
    dX = np.zeros(X.shape, dtype=np.result_type(X, dout))
    share = dout / (size * size)
    for i in range(dout.shape[2]):
        for j in range(dout.shape[3]):
            dX[:, :, i * stride:i * stride + size,
               j * stride:j * stride + size] += share[:, :, i, j][:, :, None, None]
    return dX
