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


# --- Day 10: batch normalisation and softmax cross-entropy, against torch.nn.functional ---------

import pytest  # noqa: E402  (this section's parametrised tests)


def _torch_batchnorm(Z, gamma, beta, running, dout, training):
    import torch.nn.functional as F

    Zt = torch.tensor(Z.T, requires_grad=True)
    gt = torch.tensor(gamma.ravel(), requires_grad=True)
    bt = torch.tensor(beta.ravel(), requires_grad=True)
    mean, var = torch.tensor(running["mean"].ravel()), torch.tensor(running["var"].ravel())
    out = F.batch_norm(Zt, mean, var, gt, bt, training=training, momentum=0.1, eps=1e-5)
    out.backward(torch.tensor(dout.T))
    return (out.detach().numpy().T, mean.numpy(), var.numpy(), Zt.grad.numpy().T,
            gt.grad.numpy(), bt.grad.numpy())


@pytest.mark.parametrize("training", [True, False])
def test_batchnorm_matches_torch_in_both_modes(training):
    from course.checks import rel_error

    rng = np.random.default_rng(10)
    n, m = 5, 8
    Z = rng.normal(1.5, 2.0, (n, m))
    gamma, beta = rng.normal(size=(n, 1)), rng.normal(size=(n, 1))
    running = {"mean": rng.normal(size=(n, 1)), "var": rng.random((n, 1)) + 0.5}
    dout = rng.normal(size=(n, m))
    ref = _torch_batchnorm(Z, gamma, beta, running, dout, training)
    out, cache = layers.batchnorm_forward(Z, gamma, beta, running, training=training)
    dZ, dgamma, dbeta = layers.batchnorm_backward(dout, cache)
    ours = (out, running["mean"].ravel(), running["var"].ravel(), dZ, dgamma.ravel(), dbeta.ravel())
    for name, a, b in zip(("out", "running mean", "running var", "dZ", "dgamma", "dbeta"), ours, ref):
        assert rel_error(a, b) < 1e-10, name


def test_batchnorm_normalises_each_unit_and_refuses_a_batch_of_one():
    Z = np.random.default_rng(11).normal(3, 5, (4, 50))
    out, _ = layers.batchnorm_forward(Z, np.ones((4, 1)), np.zeros((4, 1)),
                                      {"mean": np.zeros((4, 1)), "var": np.ones((4, 1))})
    assert np.allclose(out.mean(axis=1), 0) and np.allclose(out.std(axis=1), 1, atol=1e-4)
    with pytest.raises(ValueError, match="at least 2 examples"):
        layers.batchnorm_forward(Z[:, :1], np.ones((4, 1)), np.zeros((4, 1)),
                                 {"mean": np.zeros((4, 1)), "var": np.ones((4, 1))})


def test_softmax_cross_entropy_matches_torch_and_is_stable():
    import torch.nn.functional as F
    from course.checks import rel_error

    rng = np.random.default_rng(12)
    Z = rng.normal(scale=20, size=(6, 9)) + 500  # exp(500) overflows without the shift
    y = rng.integers(0, 6, 9)
    loss, cache = layers.softmax_cross_entropy_forward(Z, y)
    dZ = layers.softmax_cross_entropy_backward(cache)
    Zt = torch.tensor(Z.T, requires_grad=True)
    ref = F.cross_entropy(Zt, torch.tensor(y))
    ref.backward()
    assert np.isfinite(loss) and abs(loss - ref.item()) < 1e-10
    assert rel_error(dZ, Zt.grad.numpy().T) < 1e-10
    assert layers.softmax_cross_entropy_forward(Z, y.reshape(1, -1))[0] == loss  # (1, m) labels


@pytest.mark.parametrize("batchnorm", [True, False])
def test_bn_model_backward_matches_numeric_gradients(batchnorm):
    from course.checks import check_gradient, numeric_gradient

    rng = np.random.default_rng(13)
    X, y = rng.normal(size=(5, 12)), rng.integers(0, 3, 12)
    params, running = layers.bn_init_params([5, 6, 4, 3], batchnorm=batchnorm, seed=2)
    for key in params:  # keep every ReLU away from its kink, so finite differences are exact
        if key.startswith(("b", "beta")):
            params[key] = params[key] + 0.1
    ZL, caches = layers.bn_model_forward(X, params, running)
    _, loss_cache = layers.softmax_cross_entropy_forward(ZL, y)
    grads = layers.bn_model_backward(layers.softmax_cross_entropy_backward(loss_cache), caches,
                                     params)
    assert set(grads) == {f"d{k}" for k in params}

    def cost(key, value):
        p = {**params, key: value}
        r = {l: dict(s) for l, s in running.items()}
        return layers.softmax_cross_entropy_forward(layers.bn_model_forward(X, p, r)[0], y)[0]

    for key in params:
        numeric = numeric_gradient(lambda v, key=key: cost(key, v), params[key].copy())
        check_gradient(f"d{key}", grads[f"d{key}"], numeric, tol=1e-6)


def test_bn_train_learns_and_uses_running_averages_at_test_time():
    rng = np.random.default_rng(14)
    y = rng.integers(0, 3, 300)
    X = np.eye(3)[y].T * 2 + rng.normal(scale=0.5, size=(3, 300)) + 5  # far from zero mean
    params, running, history = layers.bn_train(X, y, [3, 8, 3], lr=0.2, num_epochs=10,
                                               batch_size=32, X_val=X, y_val=y)
    assert len(history["loss"]) == 10 * (300 // 32) and len(history["val_accuracy"]) == 10
    assert history["val_accuracy"][-1] > 0.95
    assert np.allclose(running[1]["mean"], params["W1"] @ X.mean(axis=1, keepdims=True), atol=0.3)
    single = layers.bn_predict(X[:, :1], params, running)  # one example works in test mode
    assert single.shape == (1,)
    calls = []
    ops = {"batchnorm_forward": lambda *a, **k: calls.append(1) or layers.batchnorm_forward(*a, **k)}
    layers.bn_train(X, y, [3, 4, 3], num_epochs=1, batch_size=100, ops=ops)
    assert len(calls) == 3  # the swapped-in function ran once per batch


def test_model_backward_keeps_the_gradient_of_a_saturated_wrong_prediction():
    """Sigmoid + cross-entropy give dZ = AL - Y even where 1 - AL rounds off (|Z| of 30 or 50)."""
    X, Y = np.array([[1.0, 1.0, -1.0]]), np.array([[0, 1, 1]])
    for w in (10.0, 30.0, 50.0):
        params = {"W1": np.array([[0.5], [w]]), "b1": np.zeros((2, 1)),
                  "W2": np.array([[0.0, 1.0]]), "b2": np.zeros((1, 1))}
        AL, caches = layers.model_forward(X, params)
        grads = layers.model_backward(AL, Y, caches)
        t = {k: torch.tensor(v, requires_grad=True) for k, v in params.items()}
        Z2 = t["W2"] @ torch.relu(t["W1"] @ torch.tensor(X) + t["b1"]) + t["b2"]
        torch.nn.functional.binary_cross_entropy_with_logits(Z2, torch.tensor(Y, dtype=torch.float64)).backward()
        for k, v in t.items():
            check_gradient(f"d{k} at w = {w}", grads[f"d{k}"], v.grad.numpy(), tol=1e-9)


def test_layer_steps_match_autograd_for_every_activation():
    rng = np.random.default_rng(5)
    A_prev, W, b, dA = rng.normal(size=(4, 6)), rng.normal(size=(3, 4)), rng.normal(size=(3, 1)), rng.normal(size=(3, 6))
    for name, g in (("relu", torch.relu), ("sigmoid", torch.sigmoid), ("tanh", torch.tanh)):
        A, cache = layers.layer_forward(A_prev, W, b, name)
        t = [torch.tensor(v, requires_grad=True) for v in (A_prev, W, b)]
        out = g(t[1] @ t[0] + t[2])
        assert np.allclose(A, out.detach().numpy())
        ((out * torch.tensor(dA)).sum() / 6).backward()  # per-example dA, cost averaged over m = 6
        dA_prev, dW, db = layers.layer_backward(dA, cache, name)
        check_gradient(f"{name} dA_prev", dA_prev, t[0].grad.numpy() * 6, tol=1e-9)
        check_gradient(f"{name} dW", dW, t[1].grad.numpy(), tol=1e-9)
        check_gradient(f"{name} db", db, t[2].grad.numpy(), tol=1e-9)


def test_train_records_every_epoch_and_init_params_rejects_an_unknown_scale():
    import pytest

    rng = np.random.default_rng(6)
    X, Y = rng.normal(size=(3, 20)), (rng.random((1, 20)) > 0.5).astype(int)
    _, costs = layers.train(X, Y, [3, 4, 1], lr=0.1, num_epochs=7, every=1)
    assert len(costs) == 7
    _, costs = layers.train(X, Y, [3, 4, 1], lr=0.1, num_epochs=7, every=3)
    assert len(costs) == 3  # epochs 0, 3 and 6
    assert np.allclose(layers.init_params([4, 2], scale=0.5, seed=1)["W1"],
                       0.5 * np.random.default_rng(1).standard_normal((2, 4)))
    with pytest.raises(ValueError, match="scale should be"):
        layers.init_params([3, 2], scale="kaiming")
