import numpy as np
import pytest
import torch

from course.nn import optim


def _problem(seed=0):
    """A few parameters and a sequence of gradients for them."""
    rng = np.random.default_rng(seed)
    params = {"W1": rng.normal(size=(3, 4)), "b1": rng.normal(size=(3, 1)),
              "W2": rng.normal(size=(1, 3)), "b2": rng.normal(size=(1, 1))}
    grads = [{f"d{k}": rng.normal(size=p.shape) * 10 ** rng.uniform(-3, 1) for k, p in params.items()}
             for _ in range(6)]
    return params, grads


def _torch_run(make, params, grads):
    """The parameters after ``torch.optim`` steps on the given gradients."""
    tensors = {k: torch.tensor(p, requires_grad=True) for k, p in params.items()}
    opt = make(list(tensors.values()))
    for g in grads:
        for k, t in tensors.items():
            t.grad = torch.tensor(g[f"d{k}"])
        opt.step()
    return {k: t.detach().numpy() for k, t in tensors.items()}


def _assert_same(ours, theirs):
    for k in theirs:
        np.testing.assert_allclose(ours[k], theirs[k], rtol=1e-10, atol=1e-12, err_msg=k)


def test_momentum_matches_torch_sgd():
    params, grads = _problem(1)
    lr, beta = 0.05, 0.8
    p, v = params, optim.zeros_like_params(params)
    for g in grads:
        p, v = optim.momentum_step(p, g, v, lr, beta)
    # v_ours = (1 - beta) * torch's momentum buffer, so torch needs lr * (1 - beta).
    _assert_same(p, _torch_run(lambda ps: torch.optim.SGD(ps, lr=lr * (1 - beta), momentum=beta),
                               params, grads))


def test_rmsprop_matches_torch():
    params, grads = _problem(2)
    p, s = params, optim.zeros_like_params(params)
    for g in grads:
        p, s = optim.rmsprop_step(p, g, s, 0.01, beta2=0.95, eps=1e-6)
    _assert_same(p, _torch_run(lambda ps: torch.optim.RMSprop(ps, lr=0.01, alpha=0.95, eps=1e-6),
                               params, grads))


@pytest.mark.parametrize("betas", [(0.9, 0.999), (0.5, 0.9)])
def test_adam_matches_torch(betas):
    params, grads = _problem(3)
    p, v, s = params, optim.zeros_like_params(params), optim.zeros_like_params(params)
    for t, g in enumerate(grads, start=1):
        p, v, s = optim.adam_step(p, g, v, s, t, 0.02, *betas, eps=1e-7)
    _assert_same(p, _torch_run(lambda ps: torch.optim.Adam(ps, lr=0.02, betas=betas, eps=1e-7),
                               params, grads))


def test_steps_leave_their_inputs_unchanged_and_adam_counts_from_one():
    params, grads = _problem(4)
    before = {k: p.copy() for k, p in params.items()}
    v = optim.zeros_like_params(params)
    optim.momentum_step(params, grads[0], v, 0.1)
    optim.adam_step(params, grads[0], v, v, 1)
    optim.rmsprop_step(params, grads[0], v, 0.1)
    assert all(np.array_equal(before[k], params[k]) for k in params) and not any(a.any() for a in v.values())
    with pytest.raises(ValueError, match="t = 1"):
        optim.adam_step(params, grads[0], v, v, 0)
    new = optim.gd_step(params, grads[0], 0.5)
    np.testing.assert_allclose(new["W1"], params["W1"] - 0.5 * grads[0]["dW1"])


def test_update_rules_name_the_numpy_steps():
    assert optim.UPDATE_RULES == ("gd", "momentum", "rmsprop", "adam")
    assert all(callable(getattr(optim, f"{name}_step")) for name in optim.UPDATE_RULES)


def test_random_mini_batches_partition_and_shuffle():
    X = np.arange(2 * 150, dtype=float).reshape(2, 150)
    Y = (np.arange(150) % 3 == 0).astype(int).reshape(1, 150)
    batches = optim.random_mini_batches(X, Y, batch_size=64, seed=5)
    assert [b[0].shape[1] for b in batches] == [64, 64, 22]
    joined = np.concatenate([b[0] for b in batches], axis=1)
    order = np.random.default_rng(5).permutation(150)
    assert np.array_equal(joined, X[:, order])
    assert np.array_equal(np.concatenate([b[1] for b in batches], axis=1), Y[:, order])
    assert [b[0].shape[1] for b in optim.random_mini_batches(X, Y, 50)] == [50, 50, 50]
    with pytest.raises(ValueError):
        optim.random_mini_batches(X, Y, 0)


def test_schedules_match_torch_schedulers():
    p = torch.nn.Parameter(torch.zeros(1))
    for make, ours in [
        (lambda o: torch.optim.lr_scheduler.StepLR(o, step_size=3, gamma=0.5),
         lambda e: optim.step_decay(0.2, e, drop=0.5, every=3)),
        (lambda o: torch.optim.lr_scheduler.ExponentialLR(o, gamma=0.9),
         lambda e: optim.exponential_decay(0.2, e, rate=0.9)),
    ]:
        opt = torch.optim.SGD([p], lr=0.2)
        scheduler = make(opt)
        for epoch in range(10):
            assert abs(opt.param_groups[0]["lr"] - ours(epoch)) < 1e-12
            opt.step()
            scheduler.step()
    assert optim.inverse_time_decay(0.5, 4, 0.25) == 0.25
    assert [optim.scheduled_decay(1.0, e, 1.0, 10) for e in (0, 9, 10, 25)] == [1.0, 1.0, 0.5, 1 / 3]
