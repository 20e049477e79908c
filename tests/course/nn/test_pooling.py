import numpy as np
import pytest
import torch
import torch.nn.functional as F

from course.nn import pooling

# (N, C, H, W), size, stride: overlapping windows (stride < size), a remainder dropped, non-square.
CASES = [((2, 3, 4, 6), 2, 2), ((1, 2, 5, 7), 3, 1), ((2, 1, 7, 5), 3, 2), ((1, 1, 6, 6), 2, 3)]
REFERENCE = {"max": F.max_pool2d, "avg": F.avg_pool2d}


def _both(kind):
    return {"max": (pooling.max_pool_forward, pooling.max_pool_backward),
            "avg": (pooling.avg_pool_forward, pooling.avg_pool_backward)}[kind]


@pytest.mark.parametrize("kind", ["max", "avg"])
@pytest.mark.parametrize("shape, size, stride", CASES)
def test_forward_and_backward_match_torch(kind, shape, size, stride):
    rng = np.random.default_rng(0)
    X = rng.normal(size=shape)
    forward, backward = _both(kind)
    out, cache = forward(X, size=size, stride=stride)
    Xt = torch.tensor(X, requires_grad=True)
    ref = REFERENCE[kind](Xt, size, stride)
    dout = rng.normal(size=ref.shape)
    ref.backward(torch.tensor(dout))
    np.testing.assert_allclose(out, ref.detach().numpy(), rtol=1e-12)
    assert cache[0] is X and cache[1:] == (size, stride)
    np.testing.assert_allclose(backward(dout, cache), Xt.grad.numpy(), rtol=1e-10, atol=1e-14)


def test_max_pool_sends_a_tie_to_the_first_maximum_as_torch_does():
    X = np.zeros((1, 1, 4, 4))
    X[0, 0, 1, 1] = X[0, 0, 1, 2] = 5.0  # both in the overlapping windows of a 3x3, stride 1 pool
    out, cache = pooling.max_pool_forward(X, size=3, stride=1)
    Xt = torch.tensor(X, requires_grad=True)
    F.max_pool2d(Xt, 3, 1).sum().backward()
    np.testing.assert_array_equal(pooling.max_pool_backward(np.ones_like(out), cache), Xt.grad.numpy())


def test_a_window_larger_than_the_input_is_refused():
    with pytest.raises(ValueError, match="does not fit"):
        pooling.max_pool_forward(np.zeros((1, 1, 2, 2)), size=3)
    with pytest.raises(ValueError, match="N, C, H, W"):
        pooling.avg_pool_forward(np.zeros((2, 2)))
