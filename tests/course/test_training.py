import numpy as np
import pytest
import torch
from torch import nn

from course import training


def blobs(m=240, seed=0):
    """Three well-separated classes of 4-D points, examples as rows."""
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 3, m)
    centres = np.array([[3, 0, 0, 0], [0, 3, 0, 0], [0, 0, 3, 0]], dtype=float)
    return (centres[y] + rng.normal(size=(m, 4))).astype(np.float32), y


def test_to_tensor_scales_uint8_images_and_adds_a_channel():
    images = np.array([[[0, 255], [51, 102]]] * 3, dtype=np.uint8)  # (3, 2, 2)
    t = training.to_tensor(images)
    assert t.shape == (3, 1, 2, 2) and t.dtype == torch.float32
    assert torch.allclose(t[0, 0], torch.tensor([[0.0, 1.0], [0.2, 0.4]]))
    assert training.to_tensor(np.ones((5, 4))).shape == (5, 4)  # rows of features stay as they are


def test_to_loader_batches_labels_and_shuffles_reproducibly():
    X = np.arange(10 * 2 * 2, dtype=np.uint8).reshape(10, 2, 2)
    y = np.arange(10)
    loader = training.to_loader(X, y, batch_size=4)
    batches = list(loader)
    assert [len(b[1]) for b in batches] == [4, 4, 2]
    assert batches[0][0].shape == (4, 1, 2, 2) and batches[0][1].dtype == torch.int64
    assert torch.equal(torch.cat([b[1] for b in batches]), torch.arange(10))  # no shuffle: in order

    def order(seed):
        return torch.cat([b[1] for b in training.to_loader(X, y, 4, shuffle=True, seed=seed)])

    assert torch.equal(order(1), order(1))
    assert not torch.equal(order(1), order(2))
    assert sorted(order(1).tolist()) == list(range(10))
    with pytest.raises(ValueError, match="one label per example"):
        training.to_loader(X, y[:5])


def test_evaluate_and_predict_weight_by_examples_and_restore_the_mode():
    net = nn.Linear(2, 2)
    with torch.no_grad():
        net.weight.copy_(torch.eye(2))
        net.bias.zero_()
    X = np.array([[1, 0], [0, 1], [1, 0], [0, 1], [1, 0]], dtype=np.float32)
    y = np.array([0, 1, 1, 1, 1])  # predictions 0, 1, 0, 1, 0: 3 of 5 right
    loader = training.to_loader(X, y, batch_size=2)  # batches of 2, 2, 1
    net.train()
    scores = training.evaluate(net, loader, "cpu")
    assert scores["accuracy"] == pytest.approx(0.6)
    expected = nn.functional.cross_entropy(net(torch.tensor(X)), torch.tensor(y)).item()
    assert scores["loss"] == pytest.approx(expected, rel=1e-6)
    assert net.training
    y_hat, labels = training.predict(net, loader, "cpu")
    assert y_hat.tolist() == [0, 1, 0, 1, 0] and labels.tolist() == y.tolist()


def test_fit_learns_separable_classes_with_a_complete_history():
    X, y = blobs()
    train_loader = training.to_loader(X[:180], y[:180], batch_size=32, shuffle=True)
    val_loader = training.to_loader(X[180:], y[180:], batch_size=64)
    torch.manual_seed(0)  # the initial weights: without a seed, the result varies run to run
    net = nn.Sequential(nn.Linear(4, 16), nn.ReLU(), nn.Linear(16, 3))
    history = training.fit(net, train_loader, val_loader, num_epochs=8, lr=0.01, device="cpu",
                           progress=False)
    assert {len(v) for v in history.values()} == {8}
    assert history["train_loss"][-1] < history["train_loss"][0] / 2
    assert history["val_accuracy"][-1] > 0.95
    assert history["seconds"] == sorted(history["seconds"])


def test_fit_is_deterministic_on_the_cpu():
    X, y = blobs(seed=1)

    def run():
        torch.manual_seed(123)  # the same initial weights
        net = nn.Sequential(nn.Linear(4, 8), nn.Dropout(0.3), nn.ReLU(), nn.Linear(8, 3))
        loader = training.to_loader(X, y, batch_size=16, shuffle=True, seed=5)
        history = training.fit(net, loader, num_epochs=3, lr=0.05, optimizer="sgd", seed=7,
                               device="cpu", progress=False)
        return history["train_loss"], [p.detach().clone() for p in net.parameters()]

    (loss_a, params_a), (loss_b, params_b) = run(), run()
    assert loss_a == loss_b
    assert all(torch.equal(a, b) for a, b in zip(params_a, params_b))


def test_fit_accepts_optimizers_schedulers_and_other_losses():
    X, y = blobs(m=64, seed=2)
    loader = training.to_loader(X, y, batch_size=16)
    net = nn.Linear(4, 3)
    history = training.fit(net, loader, num_epochs=4, optimizer=lambda p: torch.optim.SGD(p, lr=0.1),
                           scheduler="cosine", device="cpu", progress=False)
    assert history["lr"][0] == pytest.approx(0.1) and history["lr"][-1] < 0.1
    assert history["val_loss"] == []
    # A regression target: float labels and MSE; accuracy is not defined and stays 0.
    reg = training.to_loader(X, X[:, :1] * 2.0, batch_size=16)
    history = training.fit(nn.Linear(4, 1), reg, num_epochs=20, lr=0.05, device="cpu",
                           loss_fn=nn.functional.mse_loss, progress=False)
    assert history["train_loss"][-1] < history["train_loss"][0] / 4
    assert history["train_accuracy"] == [0.0] * 20


def test_fit_shows_a_progress_bar(capsys):
    X, y = blobs(m=32, seed=3)
    training.fit(nn.Linear(4, 3), training.to_loader(X, y, 8), num_epochs=2, device="cpu",
                 desc="unit test")
    assert "unit test (epoch 2/2)" in capsys.readouterr().err


def test_errors_say_what_to_do():
    net = nn.Linear(2, 2)
    with pytest.raises(ValueError, match="use one of adam"):
        training.make_optimizer("adamm", net.parameters(), lr=0.1)
    with pytest.raises(ValueError, match="at least 1 epoch"):
        training.fit(net, [], num_epochs=0, progress=False)
    assert training.count_parameters(net) == 6


def test_fit_transforms_training_batches_only():
    X, y = blobs(m=40, seed=4)
    train_loader = training.to_loader(X, y, batch_size=16)
    val_loader = training.to_loader(X, y, batch_size=40)
    seen = []

    def transform(X):
        seen.append(tuple(X.shape))
        return X * 0  # the network sees only zeros while it trains

    net = nn.Linear(4, 3)
    weight = net.weight.detach().clone()
    training.fit(net, train_loader, val_loader, num_epochs=2, device="cpu", progress=False,
                 transform=transform)
    assert seen == [(16, 4), (16, 4), (8, 4)] * 2  # not the validation batch of 40
    assert torch.equal(net.weight, weight)  # zero inputs: no gradient reaches the weights


def test_mlp_predictor_learns_separable_classes_and_is_reproducible():
    rng = np.random.default_rng(0)
    y = rng.integers(0, 3, 300)
    X = (rng.normal(size=(300, 4, 4)) + 3 * y[:, None, None]).astype(np.float32)  # images, flattened
    predict = training.mlp_predictor(X, y, num_steps=150, lr=1e-2, hidden=16, num_classes=3,
                                     seed=1, device="cpu")
    labels = predict(X)
    assert labels.shape == (300,) and np.mean(labels == y) > 0.95
    again = training.mlp_predictor(X, y, num_steps=150, lr=1e-2, hidden=16, num_classes=3,
                                   seed=1, device="cpu")
    assert np.array_equal(again(X), labels)


def test_mlp_flattens_images_and_has_one_hidden_layer():
    net = training.mlp(4 * 4, 7, 3)
    assert net(torch.zeros(5, 4, 4)).shape == (5, 3)
    assert training.count_parameters(net) == 16 * 7 + 7 + 7 * 3 + 3
