import numpy as np
import pytest
import torch

from course.nn import lstm

TORCH_ORDER = ("i", "f", "c", "o")  # torch's gate order in weight_ih/weight_hh: i, f, g, o

# (n_x, n_a, n_y, m, T_x): n_x above, equal to and below n_a, one example, one step.
CASES = [(3, 5, 2, 4, 6), (4, 4, 3, 2, 5), (6, 2, 4, 3, 7), (1, 3, 2, 1, 1)]


def _case(n_x, n_a, n_y, m, T_x, seed):
    g = np.random.default_rng(seed)
    params = {}
    for k in lstm.GATES:
        params[f"W{k}"] = g.normal(size=(n_a, n_a + n_x))
        params[f"b{k}"] = g.normal(size=(n_a, 1))
    params["Wy"], params["by"] = g.normal(size=(n_y, n_a)), g.normal(size=(n_y, 1))
    return g.normal(size=(n_x, m, T_x)), g.normal(size=(n_a, m)), params


def _torch_lstm(x, a0, params, da=None):
    """nn.LSTM with the same weights; its outputs in our layout and, given da, autograd's grads."""
    n_x, m, T_x = x.shape
    n_a = a0.shape[0]
    net = torch.nn.LSTM(n_x, n_a).double()
    with torch.no_grad():
        net.weight_hh_l0.copy_(torch.tensor(np.concatenate([params[f"W{k}"][:, :n_a] for k in TORCH_ORDER])))
        net.weight_ih_l0.copy_(torch.tensor(np.concatenate([params[f"W{k}"][:, n_a:] for k in TORCH_ORDER])))
        net.bias_ih_l0.copy_(torch.tensor(np.concatenate([params[f"b{k}"][:, 0] for k in TORCH_ORDER])))
        net.bias_hh_l0.zero_()
    x_t = torch.tensor(x.transpose(2, 1, 0).copy(), requires_grad=True)  # (T_x, m, n_x)
    h0 = torch.tensor(a0.T[None].copy(), requires_grad=True)
    out, (h_n, c_n) = net(x_t, (h0, torch.zeros_like(h0)))
    y = torch.softmax(out @ torch.tensor(params["Wy"]).T + torch.tensor(params["by"][:, 0]), dim=2)
    result = {"a": out.detach().numpy().transpose(2, 1, 0), "y": y.detach().numpy().transpose(2, 1, 0),
              "c_last": c_n[0].detach().numpy().T}
    if da is not None:
        (out * torch.tensor(da.transpose(2, 1, 0).copy())).sum().backward()
        result["dx"] = x_t.grad.numpy().transpose(2, 1, 0)
        result["da0"] = h0.grad[0].numpy().T
        for j, k in enumerate(TORCH_ORDER):
            rows = slice(j * n_a, (j + 1) * n_a)
            result[f"dW{k}"] = np.concatenate([net.weight_hh_l0.grad[rows].numpy(),
                                               net.weight_ih_l0.grad[rows].numpy()], axis=1)
            result[f"db{k}"] = net.bias_ih_l0.grad[rows].numpy()[:, None]
    return result


@pytest.mark.parametrize("n_x, n_a, n_y, m, T_x", CASES)
def test_forward_matches_torch_lstm_to_1e_9(n_x, n_a, n_y, m, T_x):
    x, a0, params = _case(n_x, n_a, n_y, m, T_x, 0)
    a, y, c, caches = lstm.lstm_forward(x, a0, params)
    ref = _torch_lstm(x, a0, params)
    assert a.shape == (n_a, m, T_x) and y.shape == (n_y, m, T_x) and c.shape == (n_a, m, T_x)
    np.testing.assert_allclose(a, ref["a"], rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(y, ref["y"], rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(c[:, :, -1], ref["c_last"], rtol=1e-9, atol=1e-12)
    step_caches, x_cached = caches
    assert x_cached is x and len(step_caches) == T_x
    a_next, c_next, a_prev, c_prev = step_caches[0][:4]
    assert a_prev is a0 and not c_prev.any() and np.array_equal(a_next, a[:, :, 0])


def test_cell_forward_is_one_step_of_the_sequence():
    x, a0, params = _case(3, 4, 2, 5, 2, 1)
    a, y, c, _ = lstm.lstm_forward(x, a0, params)
    a1, c1, y1, cache = lstm.lstm_cell_forward(x[:, :, 1], a[:, :, 0], c[:, :, 0], params)
    np.testing.assert_allclose(a1, a[:, :, 1], rtol=1e-12)
    np.testing.assert_allclose(c1, c[:, :, 1], rtol=1e-12)
    np.testing.assert_allclose(y1.sum(axis=0), 1.0)
    assert len(cache) == 10 and cache[-1] is params


@pytest.mark.parametrize("n_x, n_a, n_y, m, T_x", CASES)
def test_backward_matches_autograd(n_x, n_a, n_y, m, T_x):
    x, a0, params = _case(n_x, n_a, n_y, m, T_x, 2)
    a, _, _, caches = lstm.lstm_forward(x, a0, params)
    da = np.random.default_rng(3).normal(size=a.shape)
    ref = _torch_lstm(x, a0, params, da)
    grads = lstm.lstm_backward(da, caches)
    assert set(grads) == {"dx", "da0"} | {f"d{w}{k}" for k in lstm.GATES for w in "Wb"}
    for name, value in grads.items():
        assert value.shape == ref[name].shape, name
        np.testing.assert_allclose(value, ref[name], rtol=1e-9, atol=1e-12, err_msg=name)


def test_cell_backward_matches_autograd_with_both_upstream_gradients():
    x, a0, params = _case(3, 4, 2, 5, 1, 4)
    g = np.random.default_rng(5)
    c_prev, da_next, dc_next = (g.normal(size=(4, 5)) for _ in range(3))
    _, _, _, cache = lstm.lstm_cell_forward(x[:, :, 0], a0, c_prev, params)
    grads = lstm.lstm_cell_backward(da_next, dc_next, cache)
    cell = torch.nn.LSTMCell(3, 4).double()
    with torch.no_grad():
        cell.weight_hh.copy_(torch.tensor(np.concatenate([params[f"W{k}"][:, :4] for k in TORCH_ORDER])))
        cell.weight_ih.copy_(torch.tensor(np.concatenate([params[f"W{k}"][:, 4:] for k in TORCH_ORDER])))
        cell.bias_ih.copy_(torch.tensor(np.concatenate([params[f"b{k}"][:, 0] for k in TORCH_ORDER])))
        cell.bias_hh.zero_()
    xt, h, c = (torch.tensor(v.T.copy(), requires_grad=True) for v in (x[:, :, 0], a0, c_prev))
    h1, c1 = cell(xt, (h, c))
    ((h1 * torch.tensor(da_next.T)).sum() + (c1 * torch.tensor(dc_next.T)).sum()).backward()
    for name, ref in (("dxt", xt.grad), ("da_prev", h.grad), ("dc_prev", c.grad)):
        np.testing.assert_allclose(grads[name], ref.numpy().T, rtol=1e-9, atol=1e-12, err_msg=name)
    np.testing.assert_allclose(grads["dWf"][:, 4:], cell.weight_ih.grad[4:8].numpy(), rtol=1e-9)
    np.testing.assert_allclose(grads["dbo"][:, 0], cell.bias_ih.grad[12:].numpy(), rtol=1e-9)


def test_init_opens_the_forget_gate_and_rejects_mismatched_shapes():
    params = lstm.init_lstm_params(3, 5, 2, seed=1)
    assert params["Wf"].shape == (5, 8) and params["Wy"].shape == (2, 5)
    assert np.all(params["bf"] == 1.0) and not params["bi"].any()
    assert np.array_equal(params["Wc"], lstm.init_lstm_params(3, 5, 2, seed=1)["Wc"])
    with pytest.raises(ValueError, match="n_a \\+ n_x"):
        lstm.lstm_forward(np.zeros((4, 2, 3)), np.zeros((5, 2)), params)
