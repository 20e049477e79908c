"""Convolution in NumPy, in PyTorch's layout (Days 13 and 14).

Images ``X`` are ``(N, C, H, W)``, filters ``W`` are ``(F, C, HH, WW)``, biases ``b`` are ``(F,)``.
Like ``torch.nn.functional.conv2d`` (and every deep-learning library), the "convolution" is a
cross-correlation: the filter is not flipped. Forward passes return ``(out, cache)`` with
``cache = (X, W, b, stride, pad)``, which ``conv_backward`` reads.

``conv_forward`` is the loop version a learner writes on Day 13; ``conv_forward_fast`` computes the
same numbers with ``sliding_window_view`` and one ``einsum``.
"""
from __future__ import annotations

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view


def zero_pad(X, pad: int):
    """``X`` (N, C, H, W) with ``pad`` zeros added on both sides of H and W:
    (N, C, H + 2 pad, W + 2 pad)."""
    return np.pad(X, ((0, 0), (0, 0), (pad, pad), (pad, pad)), mode="constant")


def conv_single_step(x_slice, w, b) -> float:
    """One filter ``w`` (C, HH, WW) applied to one window ``x_slice`` of the same shape, plus the
    bias ``b`` (a number): ``sum(x_slice * w) + b`` as a float."""
    return float(np.sum(x_slice * w) + b)


def output_size(n: int, f: int, stride: int = 1, pad: int = 0) -> int:
    """The output length along one axis: ``(n + 2 pad - f) // stride + 1``."""
    if f > n + 2 * pad:
        raise ValueError(f"a filter of size {f} does not fit an input of size {n} padded by {pad}")
    return (n + 2 * pad - f) // stride + 1


def _check(X, W, b, stride, pad):
    if X.ndim != 4 or W.ndim != 4 or X.shape[1] != W.shape[1] or np.shape(b) != (W.shape[0],):
        raise ValueError(f"want X (N, C, H, W), W (F, C, HH, WW), b (F,) with the same C; got X "
                         f"{X.shape}, W {W.shape}, b {np.shape(b)}")
    if stride < 1 or pad < 0:
        raise ValueError(f"stride must be ≥ 1 and pad ≥ 0, got stride={stride}, pad={pad}")


def conv_forward(X, W, b, stride: int = 1, pad: int = 0):
    """The convolution layer's forward pass, with loops over the output positions.

    Inputs:
    - X: (N, C, H, W) images
    - W: (F, C, HH, WW) filters
    - b: (F,) biases
    - stride, pad: the step between windows, and the zeros added on each side of H and W

    Returns a tuple of:
    - out: (N, F, H', W'), H' = (H + 2 pad - HH) // stride + 1, W' likewise
    - cache: (X, W, b, stride, pad)
    """
    _check(X, W, b, stride, pad)
    N, _, H, Wd = X.shape
    F, _, HH, WW = W.shape
    H_out, W_out = output_size(H, HH, stride, pad), output_size(Wd, WW, stride, pad)
    X_pad = zero_pad(X, pad)
    out = np.zeros((N, F, H_out, W_out), dtype=np.result_type(X, W, b))
    for i in range(H_out):
        for j in range(W_out):
            window = X_pad[:, :, i * stride:i * stride + HH, j * stride:j * stride + WW]
            # (N, C, HH, WW) x (F, C, HH, WW) -> (N, F)
            out[:, :, i, j] = np.tensordot(window, W, axes=([1, 2, 3], [1, 2, 3])) + b
    return out, (X, W, b, stride, pad)


def _windows(X_pad, HH, WW, stride):
    """Every (HH, WW) window of ``X_pad`` at the given stride: (N, C, H', W', HH, WW), a view."""
    return sliding_window_view(X_pad, (HH, WW), axis=(2, 3))[:, :, ::stride, ::stride]


def conv_forward_fast(X, W, b, stride: int = 1, pad: int = 0):
    """``conv_forward``'s numbers without Python loops: all windows as one strided view, then one
    ``einsum``. Same inputs, outputs and cache."""
    _check(X, W, b, stride, pad)
    HH, WW = W.shape[2:]
    windows = _windows(zero_pad(X, pad), HH, WW, stride)
    out = np.einsum("nchwij,fcij->nfhw", windows, W, optimize=True) + b[None, :, None, None]
    return out, (X, W, b, stride, pad)


def conv_backward(dout, cache):
    """The convolution layer's backward pass.

    Inputs:
    - dout: (N, F, H', W'), the gradient of the cost with respect to ``out``
    - cache: (X, W, b, stride, pad) from ``conv_forward``

    Returns a tuple of:
    - dX: (N, C, H, W)
    - dW: (F, C, HH, WW)
    - db: (F,)
    """
    X, W, b, stride, pad = cache
    _, _, H, Wd = X.shape
    _, _, HH, WW = W.shape
    _, _, H_out, W_out = dout.shape
    X_pad = zero_pad(X, pad)
    dX_pad = np.zeros_like(X_pad, dtype=np.result_type(X, W, dout))
    db = dout.sum(axis=(0, 2, 3))
    # Each output position is a window times the filters: dW collects window * dout over every
    # position; each window's pixels collect the filters * dout (windows overlap: add, never assign).
    dW = np.einsum("nchwij,nfhw->fcij", _windows(X_pad, HH, WW, stride), dout, optimize=True)
    for i in range(H_out):
        for j in range(W_out):
            dX_pad[:, :, i * stride:i * stride + HH, j * stride:j * stride + WW] += np.tensordot(
                dout[:, :, i, j], W, axes=([1], [0]))
    dX = dX_pad[:, :, pad:pad + H, pad:pad + Wd]
    return dX, dW, db
