import numpy as np
import pytest

from course.checks import check_gradient, numeric_gradient
from course.nn import regularisation as reg


def test_l2_penalty_leaves_biases_out():
    params = {"W1": np.array([[1.0, 2.0]]), "b1": np.array([[10.0]])}
    assert reg.l2_penalty(params, 0.5, 4) == pytest.approx(0.5 / 8 * 5)


def test_dropout_forward_is_inverted_and_reproducible():
    A = np.random.default_rng(1).random((300, 400)) + 1
    out, (mask, keep_prob) = reg.dropout_forward(A, 0.75, np.random.default_rng(2))
    assert mask.dtype == bool and keep_prob == 0.75
    assert abs(mask.mean() - 0.75) < 0.01 and abs(out.mean() / A.mean() - 1) < 0.01
    assert np.allclose(out, np.where(mask, A / 0.75, 0))
    again, _ = reg.dropout_forward(A, 0.75, np.random.default_rng(2))
    assert np.array_equal(out, again)
    assert np.array_equal(reg.dropout_forward(A, 1.0, np.random.default_rng(3))[0], A)
    with pytest.raises(ValueError, match="keep_prob"):
        reg.dropout_forward(A, 0.0, np.random.default_rng(3))


def test_dropout_backward_matches_numeric_gradient():
    A = np.random.default_rng(4).normal(size=(5, 6))
    dout = np.random.default_rng(5).normal(size=(5, 6))
    _, cache = reg.dropout_forward(A, 0.6, np.random.default_rng(6))
    numeric = numeric_gradient(
        lambda a: np.sum(reg.dropout_forward(a, 0.6, np.random.default_rng(6))[0] * dout), A.copy())
    check_gradient("dA", reg.dropout_backward(dout, cache), numeric, tol=1e-8)
