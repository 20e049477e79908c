import numpy as np
import pytest

from course.nn import dense, gradcheck


def test_gradient_check_finds_a_planted_bug():
    rng = np.random.default_rng(6)
    X, Y = rng.normal(size=(3, 10)), (rng.random((1, 10)) > 0.5).astype(float)
    params = dense.init_params([3, 4, 3, 1], seed=2)
    difference, errors = gradcheck.check_model_gradients(X, Y, params)
    assert difference < 1e-7 and max(errors.values()) < 1e-6

    def buggy(AL, Y, caches):
        grads = dense.model_backward(AL, Y, caches)
        return {**grads, "db2": grads["db2"] * 2}

    difference, errors = gradcheck.check_model_gradients(X, Y, params, backward=buggy)
    assert difference > 1e-3 and max(errors, key=errors.get) == "b2"
    assert all(errors[k] < 1e-6 for k in errors if k != "b2")
    with pytest.raises(KeyError, match="dW1"):
        gradcheck.gradient_check(lambda p: 0.0, {"W1": np.zeros((1, 1))}, {})


def test_relative_difference():
    assert gradcheck.relative_difference([3.0, 4.0], [6.0, 8.0]) == pytest.approx(1 / 3)
    assert gradcheck.relative_difference(np.zeros((2, 2)), np.zeros((2, 2))) == 0.0
    with pytest.raises(ValueError):
        gradcheck.relative_difference([1.0], [1.0, 2.0])


def test_numeric_grads_restore_the_parameters():
    params = {"W1": np.array([[0.5, -1.0]]), "b1": np.array([[0.25]])}
    before = {k: v.copy() for k, v in params.items()}
    grads = gradcheck.numeric_grads(lambda p: float(np.sum(p["W1"] ** 2) + 3 * p["b1"].sum()), params)
    np.testing.assert_allclose(grads["dW1"], [[1.0, -2.0]], rtol=1e-8)
    np.testing.assert_allclose(grads["db1"], [[3.0]], rtol=1e-8)
    assert all(np.array_equal(before[k], params[k]) for k in params)
