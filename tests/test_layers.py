import numpy as np
import torch

from course import layers
from course.checks import check_gradient, numeric_gradient


def test_model_backward_matches_autograd():
    rng = np.random.default_rng(0)
    X, Y = rng.normal(size=(4, 7)), (rng.random((1, 7)) > 0.5).astype(float)
    params = layers.init_params([4, 5, 3, 1], seed=1)
    AL, caches = layers.model_forward(X, params)
    grads = layers.model_backward(AL, Y, caches)
    t = {k: torch.tensor(v, requires_grad=True) for k, v in params.items()}
    A = torch.tensor(X)
    for l in (1, 2, 3):
        Z = t[f"W{l}"] @ A + t[f"b{l}"]
        A = torch.sigmoid(Z) if l == 3 else torch.relu(Z)
    y = torch.tensor(Y)
    cost = -(y * torch.log(A) + (1 - y) * torch.log(1 - A)).mean()
    cost.backward()
    assert abs(cost.item() - layers.cross_entropy_cost(AL, Y)) < 1e-12
    for k, v in t.items():
        check_gradient(f"d{k}", grads[f"d{k}"], v.grad.numpy(), tol=1e-9)


def test_activation_backwards_match_numeric_gradients():
    Z = np.random.default_rng(2).normal(size=(3, 4)) + 0.05
    dA = np.random.default_rng(3).normal(size=(3, 4))
    for name, (forward, backward) in layers.ACTIVATIONS.items():
        _, cache = forward(Z)
        numeric = numeric_gradient(lambda z: np.sum(forward(z)[0] * dA), Z.copy())
        check_gradient(f"{name} backward", backward(dA, cache), numeric, tol=1e-6)


def test_sigmoid_is_stable_and_training_learns_a_separable_set():
    A, _ = layers.sigmoid(np.array([[-1000.0, 0.0, 1000.0]]))
    assert np.allclose(A, [[0, 0.5, 1]]) and np.isfinite(A).all()
    rng = np.random.default_rng(4)
    X = rng.normal(size=(2, 200))
    Y = (X[0] + X[1] > 0).astype(int).reshape(1, -1)
    params, costs = layers.train(X, Y, [2, 4, 1], lr=0.5, num_epochs=300)
    assert costs[-1] < costs[0] / 3 and layers.accuracy(X, Y, params) > 0.95


def test_init_params_scales():
    p = layers.init_params([100, 50, 1], scale="he", seed=0)
    assert p["W1"].shape == (50, 100) and p["b1"].shape == (50, 1)
    assert abs(p["W1"].std() - np.sqrt(2 / 100)) < 0.02
    assert not layers.init_params([3, 2], scale="zeros")["W1"].any()
