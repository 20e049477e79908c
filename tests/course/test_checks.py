import numpy as np
import pytest

from course.checks import (check_close, check_dtype, check_gradient, check_scalar, check_shape,
                           check_type, check_unchanged, numeric_gradient, numeric_gradient_array,
                           rel_error)


def test_rel_error():
    assert rel_error([1.0, 2.0], [1.0, 2.0]) == 0
    assert rel_error([1.0], [1.1]) == pytest.approx(0.1 / 2.1)
    assert rel_error([], []) == 0
    with pytest.raises(ValueError):
        rel_error([1.0], [1.0, 2.0])


def test_check_shape_names_variable_expected_and_mistake():
    check_shape("b", np.zeros((1, 1)), (1, 1))
    with pytest.raises(AssertionError, match=r"`b` should have shape \(1, 1\), got \(4, 1\)"):
        check_shape("b", np.zeros((4, 1)), (1, 1))
    with pytest.raises(AssertionError, match="transposed"):
        check_shape("W", np.zeros((3, 2)), (2, 3))
    with pytest.raises(AssertionError, match="keepdims"):
        check_shape("s", np.zeros(3), (3, 1))
    with pytest.raises(AssertionError, match="forget to `return`"):
        check_shape("s", None, (3, 1))
    with pytest.raises(AssertionError, match=r"`costs` should have 10 entries, got 11\.$"):
        check_shape("costs", list(range(11)), (10,))


def test_check_close_points_at_first_mismatch_and_known_mistakes():
    check_close("x", [1.0, 2.0], [1.0, 2.0 + 1e-9])
    with pytest.raises(AssertionError, match=r"at index \(1,\): expected 2, got 3, relative error 2.0e-01 \(1 of 2"):
        check_close("x", [1.0, 3.0], [1.0, 2.0])
    # Values equal to 6 digits are shown with as many digits as tell them apart.
    with pytest.raises(AssertionError, match=r"expected 0.310031, got 0.3100314, relative error 6.5e-07"):
        check_close("dgamma", [0.3100314], [0.310031])
    with pytest.raises(AssertionError, match="sign is flipped"):
        check_close("x", [-1.0], [1.0], mistakes={"the sign is flipped.": [-1.0]})
    with pytest.raises(AssertionError, match="NaN"):
        check_close("x", [np.nan], [1.0])


def test_check_scalar_refuses_arrays():
    check_scalar("loss", np.float64(0.5), 0.5)
    with pytest.raises(AssertionError, match="single number.*forget to sum or average"):
        check_scalar("loss", np.array([0.5, 0.5]), 0.5)
    with pytest.raises(AssertionError, match=r"shape \(1, 1\) holding one: turn it into a number with float"):
        check_scalar("loss", np.array([[0.5]]), 0.5)
    with pytest.raises(AssertionError, match="mean"):
        check_scalar("loss", 0.25, 0.5, mistakes={"that is the mean.": 0.25})


def test_type_dtype_unchanged():
    check_type("x", 1.0, float)
    with pytest.raises(AssertionError, match="should be a float, got str"):
        check_type("x", "1", float)
    check_dtype("x", np.zeros(2), "f")
    with pytest.raises(AssertionError, match="floating point"):
        check_dtype("x", np.zeros(2, dtype=int), "f")
    with pytest.raises(AssertionError, match="in place"):
        check_unchanged("x", np.zeros(2), np.ones(2))
    x = np.array([1.0, 2.0])
    undone = x.copy()
    for step in (0.1, -0.2, 0.1):                      # +h, -2h, +h: not quite 1.0 again
        undone[0] += step
    with pytest.raises(AssertionError, match=r"off by rounding.*x\[i\] = old"):
        check_unchanged("x", x, undone)


def test_numeric_gradient_matches_known_derivatives():
    x = np.array([[0.5, -1.0], [2.0, 0.1]])
    grad = numeric_gradient(lambda z: np.sum(z ** 3), x)
    check_gradient("d sum(x^3)", 3 * x ** 2, grad, tol=1e-8)
    df = np.array([[1.0, 2.0], [3.0, 4.0]])
    check_gradient("tanh backward", (1 - np.tanh(x) ** 2) * df,
                   numeric_gradient_array(np.tanh, x, df), tol=1e-8)
    with pytest.raises(AssertionError, match="does not match the numeric gradient: relative error"):
        check_gradient("wrong", 2 * x, grad)
    with pytest.raises(AssertionError, match="does not match autograd"):
        check_gradient("wrong", 2 * x, grad, reference_name="autograd")
    with pytest.raises(TypeError):
        numeric_gradient(np.sum, np.zeros(2, dtype=np.float32))


def test_check_costs_names_the_training_loop_mistake():
    from course.checks import check_costs

    ref = [0.7, 0.6, 0.5, 0.45]
    check_costs("costs", [0.7, 0.6, 0.5, 0.45], ref)
    for costs, message in (([0.6, 0.5, 0.45, 0.42], "one epoch late"), ([0.7] * 4, "never changes"),
                           ([0.7, 0.8, 0.9, 1.0], "rises"), ([0.9, 0.6, 0.5, 0.45], "starts at"),
                           ([0.7, 0.6, 0.55, 0.5], "drifts"), ([0.7, 0.6], "4 costs")):
        with pytest.raises(AssertionError, match=message):
            check_costs("costs", costs, ref)
    with pytest.raises(AssertionError, match="at epoch 1 expected 0.6, got 0.6000001"):
        check_costs("costs", [0.7, 0.60000005, 0.5, 0.45], ref, rtol=1e-9)  # 6 digits alone read 0.6 and 0.6


def test_rel_error_is_infinite_not_nan_when_one_side_is_infinite():
    import warnings

    from course.checks import rel_error

    with warnings.catch_warnings():
        warnings.simplefilter("error")      # no RuntimeWarning from inf - inf or inf / inf
        assert rel_error([np.inf, 1.0], [2.0, 1.0]) == np.inf
        assert rel_error([np.nan], [2.0]) == np.inf
        assert rel_error([np.inf, 1.0], [np.inf, 1.0]) == 0.0
        assert rel_error([np.inf], [-np.inf]) == np.inf
