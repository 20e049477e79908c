import numpy as np
import pytest
import torch

from course.nn import rnn

# (n_x, n_a, n_y, m, T_x): square and non-square weights, one example, one step.
CASES = [(3, 5, 2, 4, 6), (4, 4, 3, 1, 3), (7, 2, 5, 3, 1), (1, 6, 1, 2, 9)]


def _case(n_x, n_a, n_y, m, T_x, seed=0):
    g = np.random.default_rng(seed)
    p = {"Wax": g.normal(size=(n_a, n_x)), "Waa": g.normal(0, 0.5, (n_a, n_a)),
         "Wya": g.normal(size=(n_y, n_a)), "ba": g.normal(size=(n_a, 1)), "by": g.normal(size=(n_y, 1))}
    return g.normal(size=(n_x, m, T_x)), g.normal(size=(n_a, m)), p, g.normal(size=(n_a, m, T_x))


def _torch_rnn(x, a0, p, da):
    """nn.RNN with the same weights (bias_hh = 0); autograd's gradients of sum(a * da)."""
    n_x, m, T_x = x.shape
    n_a = p["Waa"].shape[0]
    net = torch.nn.RNN(n_x, n_a, nonlinearity="tanh").double()
    with torch.no_grad():
        net.weight_ih_l0.copy_(torch.tensor(p["Wax"]))
        net.weight_hh_l0.copy_(torch.tensor(p["Waa"]))
        net.bias_ih_l0.copy_(torch.tensor(p["ba"][:, 0]))
        net.bias_hh_l0.zero_()
    xt = torch.tensor(x.transpose(2, 1, 0).copy(), requires_grad=True)  # (T_x, m, n_x)
    h0 = torch.tensor(a0.T[None].copy(), requires_grad=True)            # (1, m, n_a)
    out, _ = net(xt, h0)
    a = out.permute(2, 1, 0)                                            # (n_a, m, T_x)
    y = torch.softmax(torch.einsum("ya,amt->ymt", torch.tensor(p["Wya"]), a)
                      + torch.tensor(p["by"])[:, :, None], dim=0)
    (a * torch.tensor(da)).sum().backward()
    return {"a": a.detach().numpy(), "y_pred": y.detach().numpy(),
            "dx": xt.grad.numpy().transpose(2, 1, 0), "da0": h0.grad.numpy()[0].T,
            "dWax": net.weight_ih_l0.grad.numpy(), "dWaa": net.weight_hh_l0.grad.numpy(),
            "dba": net.bias_ih_l0.grad.numpy()[:, None]}


@pytest.mark.parametrize("shape", CASES)
def test_forward_matches_torch_rnn_to_1e_9(shape):
    x, a0, p, da = _case(*shape)
    a, y_pred, caches = rnn.rnn_forward(x, a0, p)
    ref = _torch_rnn(x, a0, p, da)
    np.testing.assert_allclose(a, ref["a"], rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(y_pred, ref["y_pred"], rtol=1e-9, atol=1e-12)
    steps, x_cached = caches
    assert x_cached is x and len(steps) == x.shape[2]
    a_next, a_prev, xt, params = steps[0]
    assert a_prev is a0 and params is p
    np.testing.assert_array_equal(xt, x[:, :, 0])
    np.testing.assert_array_equal(a_next, a[:, :, 0])


@pytest.mark.parametrize("shape", CASES)
def test_backward_matches_autograd(shape):
    x, a0, p, da = _case(*shape, seed=1)
    grads = rnn.rnn_backward(da, rnn.rnn_forward(x, a0, p)[2])
    ref = _torch_rnn(x, a0, p, da)
    assert set(grads) == {"dx", "da0", "dWax", "dWaa", "dba"}
    for name, value in grads.items():
        assert value.shape == ref[name].shape, name
        np.testing.assert_allclose(value, ref[name], rtol=1e-9, atol=1e-12, err_msg=name)


def test_cell_matches_rnn_cell_and_autograd():
    x, a0, p, da = _case(3, 5, 2, 4, 1, seed=2)
    a_next, yt_pred, cache = rnn.rnn_cell_forward(x[:, :, 0], a0, p)
    cell = torch.nn.RNNCell(3, 5).double()
    with torch.no_grad():
        cell.weight_ih.copy_(torch.tensor(p["Wax"]))
        cell.weight_hh.copy_(torch.tensor(p["Waa"]))
        cell.bias_ih.copy_(torch.tensor(p["ba"][:, 0]))
        cell.bias_hh.zero_()
    xt = torch.tensor(x[:, :, 0].T.copy(), requires_grad=True)
    h = torch.tensor(a0.T.copy(), requires_grad=True)
    out = cell(xt, h)
    np.testing.assert_allclose(a_next, out.detach().numpy().T, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(yt_pred.sum(axis=0), 1.0)
    out.backward(torch.tensor(da[:, :, 0].T.copy()))
    grads = rnn.rnn_cell_backward(da[:, :, 0], cache)
    for name, ref in (("dxt", xt.grad.numpy().T), ("da_prev", h.grad.numpy().T),
                      ("dWax", cell.weight_ih.grad.numpy()), ("dWaa", cell.weight_hh.grad.numpy()),
                      ("dba", cell.bias_ih.grad.numpy()[:, None])):
        np.testing.assert_allclose(grads[name], ref, rtol=1e-9, atol=1e-12, err_msg=name)
    assert cache[0] is a_next and cache[1] is a0 and cache[3] is p


def test_softmax_is_over_axis_0_and_stable():
    z = np.array([[1000.0, 0.0], [1001.0, 0.0], [999.0, 0.0]])
    s = rnn.softmax(z)
    np.testing.assert_allclose(s.sum(axis=0), 1.0)
    np.testing.assert_allclose(s[:, 1], 1 / 3)
    np.testing.assert_allclose(s[:, 0], torch.softmax(torch.tensor(z[:, 0]), 0).numpy())


@pytest.mark.parametrize("scale", [0.5, 2.0])
def test_init_rnn_params_spectral_radius_is_the_scale(scale):
    p = rnn.init_rnn_params(4, 6, 3, seed=3, scale=scale)
    assert {k: v.shape for k, v in p.items()} == {"Wax": (6, 4), "Waa": (6, 6), "Wya": (3, 6),
                                                 "ba": (6, 1), "by": (3, 1)}
    np.testing.assert_allclose(np.abs(np.linalg.eigvals(p["Waa"])), scale)
    np.testing.assert_allclose(np.linalg.svd(p["Waa"], compute_uv=False), scale)
    again = rnn.init_rnn_params(4, 6, 3, seed=3, scale=scale)
    assert all(np.array_equal(p[k], again[k]) for k in p)
    assert rnn.init_rnn_params(4, 6, 3)["Waa"].shape == (6, 6)


def test_state_gradient_norms_match_autograd():
    x, a0, p, _ = _case(3, 5, 2, 4, 7, seed=4)
    a, _, caches = rnn.rnn_forward(x, a0, p)
    da_last = np.random.default_rng(5).normal(size=(5, 4))
    norms = rnn.state_gradient_norms(da_last, caches)
    assert norms.shape == (7,)
    # autograd: the gradient of sum(a<T> * da_last) with respect to each earlier state
    h = [torch.tensor(a0, requires_grad=True)]
    states = []
    for t in range(7):
        nxt = torch.tanh(torch.tensor(p["Waa"]) @ h[-1] + torch.tensor(p["Wax"] @ x[:, :, t])
                         + torch.tensor(p["ba"]))
        nxt.retain_grad()
        states.append(nxt)
        h.append(nxt)
    (states[-1] * torch.tensor(da_last)).sum().backward()
    expected = [np.linalg.norm(states[6 - k].grad.numpy()) for k in range(7)]
    np.testing.assert_allclose(norms, expected, rtol=1e-9)
