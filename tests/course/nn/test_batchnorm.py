import numpy as np
import pytest

from course.checks import check_gradient, numeric_gradient, rel_error
from course.nn import batchnorm as bn
from course.nn import reference, softmax


@pytest.mark.parametrize("training", [True, False])
def test_batchnorm_matches_torch_in_both_modes(training):
    rng = np.random.default_rng(10)
    n, m = 5, 8
    Z = rng.normal(1.5, 2.0, (n, m))
    gamma, beta = rng.normal(size=(n, 1)), rng.normal(size=(n, 1))
    running = {"mean": rng.normal(size=(n, 1)), "var": rng.random((n, 1)) + 0.5}
    dout = rng.normal(size=(n, m))
    ref = reference.batchnorm(Z, gamma, beta, running, training=training, dout=dout)
    ref = [ref[k].ravel() if k in ("mean", "var", "dgamma", "dbeta") else ref[k]
           for k in ("out", "mean", "var", "dZ", "dgamma", "dbeta")]
    out, cache = bn.batchnorm_forward(Z, gamma, beta, running, training=training)
    dZ, dgamma, dbeta = bn.batchnorm_backward(dout, cache)
    ours = (out, running["mean"].ravel(), running["var"].ravel(), dZ, dgamma.ravel(), dbeta.ravel())
    for name, a, b in zip(("out", "running mean", "running var", "dZ", "dgamma", "dbeta"), ours, ref):
        assert rel_error(a, b) < 1e-10, name


def test_batchnorm_normalises_each_unit_and_refuses_a_batch_of_one():
    Z = np.random.default_rng(11).normal(3, 5, (4, 50))
    out, _ = bn.batchnorm_forward(Z, np.ones((4, 1)), np.zeros((4, 1)),
                                  {"mean": np.zeros((4, 1)), "var": np.ones((4, 1))})
    assert np.allclose(out.mean(axis=1), 0) and np.allclose(out.std(axis=1), 1, atol=1e-4)
    with pytest.raises(ValueError, match="at least 2 examples"):
        bn.batchnorm_forward(Z[:, :1], np.ones((4, 1)), np.zeros((4, 1)),
                             {"mean": np.zeros((4, 1)), "var": np.ones((4, 1))})


@pytest.mark.parametrize("batchnorm", [True, False])
def test_model_backward_matches_numeric_gradients(batchnorm):
    rng = np.random.default_rng(13)
    X, y = rng.normal(size=(5, 12)), rng.integers(0, 3, 12)
    params, running = bn.init_params([5, 6, 4, 3], batchnorm=batchnorm, seed=2)
    for key in params:  # keep every ReLU away from its kink, so finite differences are exact
        if key.startswith(("b", "beta")):
            params[key] = params[key] + 0.1
    ZL, caches = bn.model_forward(X, params, running)
    _, loss_cache = softmax.softmax_cross_entropy_forward(ZL, y)
    grads = bn.model_backward(softmax.softmax_cross_entropy_backward(loss_cache), caches, params)
    assert set(grads) == {f"d{k}" for k in params}

    def cost(key, value):
        p = {**params, key: value}
        r = {l: dict(s) for l, s in running.items()}
        return softmax.softmax_cross_entropy_forward(bn.model_forward(X, p, r)[0], y)[0]

    for key in params:
        numeric = numeric_gradient(lambda v, key=key: cost(key, v), params[key].copy())
        check_gradient(f"d{key}", grads[f"d{key}"], numeric, tol=1e-6)


def test_train_learns_and_uses_running_averages_at_test_time():
    rng = np.random.default_rng(14)
    y = rng.integers(0, 3, 300)
    X = np.eye(3)[y].T * 2 + rng.normal(scale=0.5, size=(3, 300)) + 5  # far from zero mean
    params, running, history = bn.train(X, y, [3, 8, 3], lr=0.2, num_epochs=10, batch_size=32,
                                        X_val=X, y_val=y)
    assert len(history["loss"]) == 10 * (300 // 32) and len(history["val_accuracy"]) == 10
    assert history["val_accuracy"][-1] > 0.95
    assert np.allclose(running[1]["mean"], params["W1"] @ X.mean(axis=1, keepdims=True), atol=0.3)
    single = bn.predict(X[:, :1], params, running)  # one example works in test mode
    assert single.shape == (1,)
    calls = []
    ops = {"batchnorm_forward": lambda *a, **k: calls.append(1) or bn.batchnorm_forward(*a, **k)}
    bn.train(X, y, [3, 4, 3], num_epochs=1, batch_size=100, ops=ops)
    assert len(calls) == 3  # the swapped-in function ran once per batch


def test_softmax_cross_entropy_matches_the_torch_referee():
    rng = np.random.default_rng(12)
    Z = rng.normal(0, 30, (4, 9))  # large scores: the stable log-sum-exp matters
    y = rng.integers(0, 4, 9)
    loss, cache = softmax.softmax_cross_entropy_forward(Z, y)
    ref_loss, ref_dZ = reference.cross_entropy(Z, y)
    assert abs(loss - ref_loss) < 1e-10 * max(1.0, abs(ref_loss))
    assert rel_error(softmax.softmax_cross_entropy_backward(cache), ref_dZ) < 1e-10
