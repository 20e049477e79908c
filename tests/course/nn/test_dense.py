import numpy as np
import pytest
import torch
import torch.nn.functional as F

from course.checks import check_gradient
from course.nn import dense, gradcheck


def _net(seed, dims, m):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(dims[0], m))
    Y = (rng.random((1, m)) > 0.5).astype(float)
    params = dense.init_params(dims, seed=seed)
    params = {k: v + rng.normal(scale=0.1, size=v.shape) for k, v in params.items()}  # biases too
    return X, Y, params


def _torch_cost(X, Y, t, masks=None, keep_prob=1.0, lambd=0.0):
    """The cost written with torch: ReLU layers (each times its mask / keep_prob), a sigmoid layer,
    cross-entropy through the logits (exact where the sigmoid saturates), the L2 penalty."""
    L = len(t) // 2
    A = torch.tensor(X)
    for l in range(1, L + 1):
        Z = t[f"W{l}"] @ A + t[f"b{l}"]
        A = Z if l == L else torch.relu(Z)
        if masks is not None and l < L:
            A = A * torch.tensor(masks[l - 1]) / keep_prob
    m = Y.shape[1]
    cost = F.binary_cross_entropy_with_logits(A, torch.tensor(Y, dtype=torch.float64))
    return cost + lambd / (2 * m) * sum((t[f"W{l}"] ** 2).sum() for l in range(1, L + 1))


def _autograd(X, Y, params, **kwargs):
    t = {k: torch.tensor(v, requires_grad=True) for k, v in params.items()}
    cost = _torch_cost(X, Y, t, **kwargs)
    cost.backward()
    return cost.item(), {f"d{k}": v.grad.numpy() for k, v in t.items()}


def test_model_backward_matches_autograd():
    rng = np.random.default_rng(0)
    X, Y = rng.normal(size=(4, 7)), (rng.random((1, 7)) > 0.5).astype(float)
    params = dense.init_params([4, 5, 3, 1], seed=1)
    AL, caches = dense.model_forward(X, params)
    grads = dense.model_backward(AL, Y, caches)
    t = {k: torch.tensor(v, requires_grad=True) for k, v in params.items()}
    A = torch.tensor(X)
    for l in (1, 2, 3):
        Z = t[f"W{l}"] @ A + t[f"b{l}"]
        A = torch.sigmoid(Z) if l == 3 else torch.relu(Z)
    y = torch.tensor(Y)
    cost = -(y * torch.log(A) + (1 - y) * torch.log(1 - A)).mean()
    cost.backward()
    assert abs(cost.item() - dense.cross_entropy_cost(AL, Y)) < 1e-12
    for k, v in t.items():
        check_gradient(f"d{k}", grads[f"d{k}"], v.grad.numpy(), tol=1e-9)


def test_init_params_scales_and_rejects_an_unknown_scale():
    p = dense.init_params([100, 50, 1], scale="he", seed=0)
    assert p["W1"].shape == (50, 100) and p["b1"].shape == (50, 1)
    assert abs(p["W1"].std() - np.sqrt(2 / 100)) < 0.02
    assert not dense.init_params([3, 2], scale="zeros")["W1"].any()
    assert np.allclose(dense.init_params([4, 2], scale=0.5, seed=1)["W1"],
                       0.5 * np.random.default_rng(1).standard_normal((2, 4)))
    with pytest.raises(ValueError, match="scale should be"):
        dense.init_params([3, 2], scale="kaiming")
    unit = {name: dense.init_params([400, 200], scale=name, seed=0)["W1"].std() for name in
            ("lecun", "glorot", "xavier")}
    assert abs(unit["lecun"] - np.sqrt(1 / 400)) < 0.002          # LeCun's: 1 / n_in
    assert abs(unit["glorot"] - np.sqrt(2 / 600)) < 0.002         # Glorot's: 2 / (n_in + n_out)
    assert unit["xavier"] == unit["glorot"]


def test_layer_steps_match_autograd_for_every_activation():
    rng = np.random.default_rng(5)
    A_prev, W, b, dA = rng.normal(size=(4, 6)), rng.normal(size=(3, 4)), rng.normal(size=(3, 1)), rng.normal(size=(3, 6))
    for name, g in (("relu", torch.relu), ("sigmoid", torch.sigmoid), ("tanh", torch.tanh)):
        A, cache = dense.layer_forward(A_prev, W, b, name)
        t = [torch.tensor(v, requires_grad=True) for v in (A_prev, W, b)]
        out = g(t[1] @ t[0] + t[2])
        assert np.allclose(A, out.detach().numpy())
        ((out * torch.tensor(dA)).sum() / 6).backward()  # per-example dA, cost averaged over m = 6
        dA_prev, dW, db = dense.layer_backward(dA, cache, name)
        check_gradient(f"{name} dA_prev", dA_prev, t[0].grad.numpy() * 6, tol=1e-9)
        check_gradient(f"{name} dW", dW, t[1].grad.numpy(), tol=1e-9)
        check_gradient(f"{name} db", db, t[2].grad.numpy(), tol=1e-9)


def test_model_backward_keeps_the_gradient_of_a_saturated_wrong_prediction():
    """Sigmoid + cross-entropy give dZ = AL - Y even where 1 - AL rounds off (|Z| of 30 or 50)."""
    X, Y = np.array([[1.0, 1.0, -1.0]]), np.array([[0, 1, 1]])
    for w in (10.0, 30.0, 50.0):
        params = {"W1": np.array([[0.5], [w]]), "b1": np.zeros((2, 1)),
                  "W2": np.array([[0.0, 1.0]]), "b2": np.zeros((1, 1))}
        AL, caches = dense.model_forward(X, params)
        grads = dense.model_backward(AL, Y, caches)
        t = {k: torch.tensor(v, requires_grad=True) for k, v in params.items()}
        Z2 = t["W2"] @ torch.relu(t["W1"] @ torch.tensor(X) + t["b1"]) + t["b2"]
        F.binary_cross_entropy_with_logits(Z2, torch.tensor(Y, dtype=torch.float64)).backward()
        for k, v in t.items():
            check_gradient(f"d{k} at w = {w}", grads[f"d{k}"], v.grad.numpy(), tol=1e-9)


def test_l2_cost_and_backward_match_autograd():
    X, Y, params = _net(0, [3, 5, 4, 1], 9)
    cost, reference = _autograd(X, Y, params, lambd=0.8)
    AL, caches = dense.model_forward(X, params)
    assert abs(dense.cross_entropy_cost(AL, Y, params=params, lambd=0.8) - cost) < 1e-12
    grads = dense.model_backward(AL, Y, caches, lambd=0.8)
    for k in params:
        check_gradient(f"d{k}", grads[f"d{k}"], reference[f"d{k}"], tol=1e-9)
    with pytest.raises(ValueError, match="params"):
        dense.cross_entropy_cost(AL, Y, lambd=0.8)


def test_model_with_dropout_matches_autograd_with_the_same_masks():
    X, Y, params = _net(7, [2, 6, 5, 1], 11)
    AL, caches = dense.model_forward(X, params, keep_prob=0.7, rng=np.random.default_rng(8))
    assert [len(c) for c in caches] == [3, 3, 2]  # no dropout on the output layer
    masks = [c[2][0] for c in caches[:-1]]
    cost, reference = _autograd(X, Y, params, masks=masks, keep_prob=0.7)
    assert abs(dense.cross_entropy_cost(AL, Y) - cost) < 1e-12
    grads = dense.model_backward(AL, Y, caches)
    for k in params:
        check_gradient(f"d{k}", grads[f"d{k}"], reference[f"d{k}"], tol=1e-9)
    plain, plain_caches = dense.model_forward(X, params, keep_prob=1.0, rng=np.random.default_rng(9))
    assert np.allclose(plain, dense.model_forward(X, params)[0])
    assert [len(c) for c in plain_caches] == [2, 2, 2]
    with pytest.raises(ValueError, match="rng"):
        dense.model_forward(X, params, keep_prob=0.5)
    with pytest.raises(ValueError, match="keep_prob"):
        dense.model_forward(X, params, keep_prob=0.0, rng=np.random.default_rng(0))


def test_dropout_and_l2_keep_the_fused_gradient_of_a_saturated_wrong_prediction():
    """With dropout and L2 the sigmoid output still back-propagates dZ = AL - Y: a confident wrong
    prediction (Z = 40, where 1 - AL rounds to 0) keeps its gradient instead of losing it."""
    X, Y = np.ones((1, 4)), np.zeros((1, 4), dtype=int)
    params = {"W1": np.array([[1.0], [1.0]]), "b1": np.zeros((2, 1)),
              "W2": np.array([[20.0, 20.0]]), "b2": np.zeros((1, 1))}
    AL, caches = dense.model_forward(X, params)
    assert (1 - AL == 0).all()  # Z = 40: saturated
    plain = dense.model_backward(AL, Y, caches)
    np.testing.assert_allclose(plain["dW2"], [[1.0, 1.0]])  # (AL - Y) A1^T / m
    # keep_prob = 1 through the dropout path: every unit kept, nothing scaled
    kept = [(*c, (np.ones(c[1].shape, dtype=bool), 1.0)) for c in caches[:-1]]  # c[1]: Z
    through_dropout = dense.model_backward(AL, Y, kept + caches[-1:])
    for k in plain:
        assert np.array_equal(through_dropout[k], plain[k]), k
    # keep_prob < 1, with and without L2: the gradient of the same masks, by torch autograd
    for keep_prob, lambd in ((0.5, 0.0), (0.5, 0.3), (0.25, 0.7)):
        AL, caches = dense.model_forward(X, params, keep_prob=keep_prob, rng=np.random.default_rng(3))
        mask = caches[0][2][0]
        assert mask.any() and (1 - AL[mask.any(axis=0, keepdims=True)] == 0).all()
        grads = dense.model_backward(AL, Y, caches, lambd=lambd)
        if not lambd:
            assert np.abs(grads["dW2"]).min() > 0.1, "the saturated wrong predictions lost their gradient"
        _, reference = _autograd(X, Y, params, masks=[mask], keep_prob=keep_prob, lambd=lambd)
        for k in params:
            check_gradient(f"d{k} (keep_prob {keep_prob}, lambd {lambd})", grads[f"d{k}"],
                           reference[f"d{k}"], tol=1e-9)


def test_model_backward_with_dropout_and_l2_passes_a_gradient_check():
    X, Y, params = _net(3, [3, 5, 4, 1], 10)

    def cost(p):  # the same masks every call: a fresh generator with the same seed
        AL = dense.model_forward(X, p, keep_prob=0.7, rng=np.random.default_rng(4))[0]
        return dense.cross_entropy_cost(AL, Y, params=p, lambd=0.6)

    AL, caches = dense.model_forward(X, params, keep_prob=0.7, rng=np.random.default_rng(4))
    grads = dense.model_backward(AL, Y, caches, lambd=0.6)
    difference, errors = gradcheck.gradient_check(cost, params, grads)
    assert difference < 1e-7, errors


def test_predict_and_accuracy():
    X = np.array([[2.0, -2.0, 1.0]])
    params = {"W1": np.array([[1.0]]), "b1": np.zeros((1, 1))}
    assert np.array_equal(dense.predict(X, params), [[1, 0, 1]])
    assert dense.accuracy(X, np.array([[1, 1, 1]]), params) == pytest.approx(2 / 3)


def test_update_params_names_missing_or_misshapen_gradients():
    params = {"W1": np.ones((2, 3)), "b1": np.zeros((2, 1))}
    with pytest.raises(dense.UsageError, match=r"grads has no 'dW1'.*'dW1' for 'W1'.*\['W1', 'db1'\]"):
        dense.update_params(params, {"W1": np.ones((2, 3)), "db1": np.ones((2, 1))}, 0.1)
    with pytest.raises(dense.UsageError, match=r"grads\['db1'\] has shape \(2,\), but b1 has shape \(2, 1\)"):
        dense.update_params(params, {"dW1": np.ones((2, 3)), "db1": np.ones(2)}, 0.1)
    with pytest.raises(ValueError):  # a UsageError is a ValueError too
        dense.update_params(params, {}, 0.1)
    new = dense.update_params(params, {"dW1": np.ones((2, 3)), "db1": np.ones((2, 1)), "dA0": 0}, 0.5)
    np.testing.assert_array_equal(new["W1"], np.full((2, 3), 0.5))
    np.testing.assert_array_equal(params["W1"], np.ones((2, 3)))
