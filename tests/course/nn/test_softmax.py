import numpy as np
import torch
import torch.nn.functional as F

from course.checks import rel_error
from course.nn import softmax


def test_softmax_cross_entropy_matches_torch_and_is_stable():
    rng = np.random.default_rng(12)
    Z = rng.normal(scale=20, size=(6, 9)) + 500  # exp(500) overflows without the shift
    y = rng.integers(0, 6, 9)
    loss, cache = softmax.softmax_cross_entropy_forward(Z, y)
    dZ = softmax.softmax_cross_entropy_backward(cache)
    Zt = torch.tensor(Z.T, requires_grad=True)
    ref = F.cross_entropy(Zt, torch.tensor(y))
    ref.backward()
    assert np.isfinite(loss) and abs(loss - ref.item()) < 1e-10
    assert rel_error(dZ, Zt.grad.numpy().T) < 1e-10
    assert softmax.softmax_cross_entropy_forward(Z, y.reshape(1, -1))[0] == loss  # (1, m) labels
