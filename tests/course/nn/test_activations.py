import numpy as np

from course.checks import check_gradient, numeric_gradient
from course.nn import activations


def test_activation_backwards_match_numeric_gradients():
    Z = np.random.default_rng(2).normal(size=(3, 4)) + 0.05
    dA = np.random.default_rng(3).normal(size=(3, 4))
    for name, (forward, backward) in activations.ACTIVATIONS.items():
        _, cache = forward(Z)
        numeric = numeric_gradient(lambda z, forward=forward: np.sum(forward(z)[0] * dA), Z.copy())
        check_gradient(f"{name} backward", backward(dA, cache), numeric, tol=1e-6)


def test_sigmoid_is_stable():
    A, _ = activations.sigmoid(np.array([[-1000.0, 0.0, 1000.0]]))
    assert np.allclose(A, [[0, 0.5, 1]]) and np.isfinite(A).all()
