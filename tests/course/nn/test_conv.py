import numpy as np
import pytest
import torch
import torch.nn.functional as F

from course.nn import conv

# (N, C, H, W), (F, HH, WW), stride, pad: non-square inputs and filters, strides that leave a
# remainder, padding wider than the filter's reach.
CASES = [((2, 3, 7, 5), (4, 3, 3), 1, 0),
         ((1, 2, 8, 9), (3, 2, 4), 2, 1),
         ((3, 1, 6, 6), (2, 3, 2), 3, 2),
         ((2, 4, 5, 11), (5, 1, 5), 2, 0),
         ((1, 1, 4, 4), (1, 4, 4), 1, 3)]


def _case(shape, filt, seed):
    rng = np.random.default_rng(seed)
    F_, HH, WW = filt
    X = rng.normal(size=shape)
    W = rng.normal(size=(F_, shape[1], HH, WW))
    b = rng.normal(size=F_)
    return X, W, b


def _torch_conv(X, W, b, stride, pad, dout=None):
    Xt, Wt, bt = (torch.tensor(a, requires_grad=True) for a in (X, W, b))
    out = F.conv2d(Xt, Wt, bt, stride=stride, padding=pad)
    if dout is None:
        return out.detach().numpy()
    out.backward(torch.tensor(dout))
    return out.detach().numpy(), Xt.grad.numpy(), Wt.grad.numpy(), bt.grad.numpy()


@pytest.mark.parametrize("forward", [conv.conv_forward, conv.conv_forward_fast])
@pytest.mark.parametrize("shape, filt, stride, pad", CASES)
def test_forward_matches_torch_conv2d_to_1e_9(forward, shape, filt, stride, pad):
    X, W, b = _case(shape, filt, 0)
    out, cache = forward(X, W, b, stride=stride, pad=pad)
    expected = _torch_conv(X, W, b, stride, pad)
    assert out.shape == expected.shape
    np.testing.assert_allclose(out, expected, rtol=1e-9, atol=1e-12)
    assert cache[0] is X and cache[1] is W and cache[3:] == (stride, pad)


@pytest.mark.parametrize("shape, filt, stride, pad", CASES)
def test_backward_matches_autograd(shape, filt, stride, pad):
    X, W, b = _case(shape, filt, 1)
    out, cache = conv.conv_forward(X, W, b, stride=stride, pad=pad)
    dout = np.random.default_rng(2).normal(size=out.shape)
    _, dX_t, dW_t, db_t = _torch_conv(X, W, b, stride, pad, dout)
    dX, dW, db = conv.conv_backward(dout, cache)
    for name, ours, ref in (("dX", dX, dX_t), ("dW", dW, dW_t), ("db", db, db_t)):
        assert ours.shape == ref.shape, name
        np.testing.assert_allclose(ours, ref, rtol=1e-9, atol=1e-12, err_msg=name)


def test_the_pieces():
    X = np.arange(2 * 3 * 2 * 4, dtype=float).reshape(2, 3, 2, 4)
    P = conv.zero_pad(X, 2)
    assert P.shape == (2, 3, 6, 8)
    assert np.array_equal(P[:, :, 2:-2, 2:-2], X) and P.sum() == X.sum()
    x, w = np.ones((2, 3, 3)), np.full((2, 3, 3), 0.5)
    assert conv.conv_single_step(x, w, -1.0) == 8.0
    assert isinstance(conv.conv_single_step(x, w, np.array(0.0)), float)
    assert conv.output_size(28, 5) == 24 and conv.output_size(28, 3, pad=1) == 28
    assert conv.output_size(7, 3, stride=2) == 3 and conv.output_size(8, 3, stride=2) == 3
    with pytest.raises(ValueError, match="does not fit"):
        conv.output_size(3, 7)


def test_bad_shapes_are_refused_with_what_was_given():
    X, W, b = _case((1, 3, 5, 5), (2, 3, 3), 3)
    with pytest.raises(ValueError, match="same C"):
        conv.conv_forward(X, W[:, :2], b)
    with pytest.raises(ValueError, match="b"):
        conv.conv_forward_fast(X, W, b[:, None])
    with pytest.raises(ValueError, match="stride"):
        conv.conv_forward(X, W, b, stride=0)
