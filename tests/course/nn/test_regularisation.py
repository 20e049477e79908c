import numpy as np
import pytest
import torch

from course import layers, regularisation as reg
from course.checks import check_gradient, numeric_gradient


def _net(seed, dims, m):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(dims[0], m))
    Y = (rng.random((1, m)) > 0.5).astype(float)
    params = layers.init_params(dims, seed=seed)
    params = {k: v + rng.normal(scale=0.1, size=v.shape) for k, v in params.items()}  # biases too
    return X, Y, params


def _torch_cost(X, Y, t, masks=None, keep_prob=1.0, lambd=0.0):
    L = len(t) // 2
    A = torch.tensor(X)
    for l in range(1, L + 1):
        Z = t[f"W{l}"] @ A + t[f"b{l}"]
        A = torch.sigmoid(Z) if l == L else torch.relu(Z)
        if masks is not None and l < L:
            A = A * torch.tensor(masks[l - 1]) / keep_prob
    y = torch.tensor(Y)
    m = Y.shape[1]
    cost = -(y * torch.log(A) + (1 - y) * torch.log(1 - A)).mean()
    return cost + lambd / (2 * m) * sum((t[f"W{l}"] ** 2).sum() for l in range(1, L + 1))


def test_l2_cost_and_backward_match_autograd():
    X, Y, params = _net(0, [3, 5, 4, 1], 9)
    t = {k: torch.tensor(v, requires_grad=True) for k, v in params.items()}
    cost = _torch_cost(X, Y, t, lambd=0.8)
    cost.backward()
    AL, caches = layers.model_forward(X, params)
    assert abs(reg.l2_cost(AL, Y, params, 0.8) - cost.item()) < 1e-12
    grads = reg.l2_backward(AL, Y, caches, params, 0.8)
    for k, v in t.items():
        check_gradient(f"d{k}", grads[f"d{k}"], v.grad.numpy(), tol=1e-9)


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


def test_model_with_dropout_matches_autograd_with_the_same_masks():
    X, Y, params = _net(7, [2, 6, 5, 1], 11)
    AL, caches = reg.model_forward_dropout(X, params, 0.7, np.random.default_rng(8))
    assert caches[-1][1] is None  # no dropout on the output layer
    masks = [drop[0] for _, drop in caches[:-1]]
    t = {k: torch.tensor(v, requires_grad=True) for k, v in params.items()}
    cost = _torch_cost(X, Y, t, masks, keep_prob=0.7)
    cost.backward()
    assert abs(layers.cross_entropy_cost(AL, Y) - cost.item()) < 1e-12
    grads = reg.model_backward_dropout(AL, Y, caches)
    for k, v in t.items():
        check_gradient(f"d{k}", grads[f"d{k}"], v.grad.numpy(), tol=1e-9)
    plain = reg.model_forward_dropout(X, params, 1.0, np.random.default_rng(9))[0]
    assert np.allclose(plain, layers.model_forward(X, params)[0])


def test_regularised_training_shrinks_weights_and_learns():
    rng = np.random.default_rng(10)
    X = rng.normal(size=(2, 120))
    Y = (X[0] * X[1] > 0).astype(int).reshape(1, -1)
    sq = lambda p: sum(np.sum(v ** 2) for k, v in p.items() if k[0] == "W")  # noqa: E731
    plain, _ = reg.train(X, Y, [2, 16, 1], lr=0.3, num_epochs=1500, every=500)
    l2, costs = reg.train(X, Y, [2, 16, 1], lambd=2.0, lr=0.3, num_epochs=1500, every=500)
    assert len(costs) == 4 and costs[-1] < costs[0]
    assert sq(l2) < 0.7 * sq(plain)
    dropped, costs = reg.train(X, Y, [2, 16, 1], keep_prob=0.8, lr=0.3, num_epochs=1500, every=500)
    assert costs[-1] < costs[0] and layers.accuracy(X, Y, dropped) > 0.8
