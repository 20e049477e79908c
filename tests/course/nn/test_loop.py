import numpy as np
import pytest

from course import data
from course.nn import dense, loop, optim


def _assert_same(ours, theirs):
    for k in theirs:
        np.testing.assert_allclose(ours[k], theirs[k], rtol=1e-10, atol=1e-12, err_msg=k)


def test_training_learns_a_separable_set():
    rng = np.random.default_rng(4)
    X = rng.normal(size=(2, 200))
    Y = (X[0] + X[1] > 0).astype(int).reshape(1, -1)
    params, costs = loop.train(X, Y, [2, 4, 1], lr=0.5, num_epochs=300)
    assert costs[-1] < costs[0] / 3 and dense.accuracy(X, Y, params) > 0.95


def test_train_records_every_epoch_and_the_cost_before_the_update():
    rng = np.random.default_rng(6)
    X, Y = rng.normal(size=(3, 20)), (rng.random((1, 20)) > 0.5).astype(int)
    _, costs = loop.train(X, Y, [3, 4, 1], lr=0.1, num_epochs=7, every=1)
    assert len(costs) == 7
    start = dense.init_params([3, 4, 1], seed=0)
    assert costs[0] == dense.cross_entropy_cost(dense.model_forward(X, start)[0], Y)
    _, costs = loop.train(X, Y, [3, 4, 1], lr=0.1, num_epochs=7, every=3)
    assert len(costs) == 3  # epochs 0, 3 and 6


def test_adam_beats_gd_on_moons_at_equal_epochs():
    X, Y = data.moons(300, seed=0)
    results = {}
    for name in ("gd", "adam"):
        params, costs = loop.train(X, Y, [2, 5, 2, 1], optimizer=name, lr=0.01, batch_size=64,
                                   num_epochs=60, every=10)
        results[name] = (costs, dense.accuracy(X, Y, params))
        assert len(costs) == 7
    assert results["adam"][0][-1] < results["gd"][0][-1]
    assert results["adam"][0][-1] < results["adam"][0][0]
    with pytest.raises(ValueError, match="choose one of"):
        loop.train(X, Y, [2, 1], lr=0.1, num_epochs=1, optimizer="sgd")


def test_one_mini_batch_of_gd_is_full_batch_gd():
    X, Y = data.moons(80, seed=1)
    ours, _ = loop.train(X, Y, [2, 4, 1], optimizer="gd", lr=0.3, batch_size=80, num_epochs=20,
                         every=5)
    ref, _ = loop.train(X, Y, [2, 4, 1], lr=0.3, num_epochs=20)
    _assert_same(ours, ref)
    decayed, _ = loop.train(X, Y, [2, 4, 1], optimizer="gd", lr=0.3, batch_size=80, num_epochs=20,
                            decay=lambda lr0, e: optim.inverse_time_decay(lr0, e, 1.0))
    assert not np.allclose(decayed["W1"], ours["W1"])


def test_regularised_training_shrinks_weights_and_learns():
    rng = np.random.default_rng(10)
    X = rng.normal(size=(2, 120))
    Y = (X[0] * X[1] > 0).astype(int).reshape(1, -1)

    def sq(p):
        return sum(np.sum(v ** 2) for k, v in p.items() if k[0] == "W")

    plain, _ = loop.train(X, Y, [2, 16, 1], lr=0.3, num_epochs=1500, every=500)
    l2, costs = loop.train(X, Y, [2, 16, 1], lambd=2.0, lr=0.3, num_epochs=1500, every=500)
    assert len(costs) == 4 and costs[-1] < costs[0]
    assert sq(l2) < 0.7 * sq(plain)
    dropped, costs = loop.train(X, Y, [2, 16, 1], keep_prob=0.8, lr=0.3, num_epochs=1500, every=500)
    assert costs[-1] < costs[0] and dense.accuracy(X, Y, dropped) > 0.8


def test_l2_and_dropout_work_with_mini_batches_too():
    X, Y = data.moons(100, seed=2)
    params, costs = loop.train(X, Y, [2, 8, 1], optimizer="adam", lr=0.01, batch_size=32,
                               lambd=0.5, keep_prob=0.9, num_epochs=40, every=10)
    assert len(costs) == 5 and costs[-1] < costs[0]
    # with mini-batches the cost is recorded on all of X, without dropout, penalty included
    AL = dense.model_forward(X, params)[0]
    assert costs[-1] == dense.cross_entropy_cost(AL, Y, params=params, lambd=0.5)


@pytest.mark.parametrize("num_epochs", [500.0, "500", 0, True])
def test_train_says_num_epochs_is_a_whole_number(num_epochs):
    X, Y = np.zeros((2, 3)), np.zeros((1, 3))
    with pytest.raises(dense.UsageError, match=f"num_epochs .* got {num_epochs!r}"):
        loop.train(X, Y, [2, 1], lr=0.1, num_epochs=num_epochs)


@pytest.mark.parametrize("lr", [0, -0.1, "0.1", None])
def test_train_says_lr_is_a_positive_number(lr):
    X, Y = np.zeros((2, 3)), np.zeros((1, 3))
    with pytest.raises(dense.UsageError, match="lr is the learning rate"):
        loop.train(X, Y, [2, 1], lr=lr, num_epochs=2)


def test_train_accepts_numpy_integers_and_floats():
    X, Y = np.ones((2, 3)), np.ones((1, 3))
    _, costs = loop.train(X, Y, [2, 1], lr=np.float64(0.1), num_epochs=np.int64(3), every=1)
    assert len(costs) == 3
