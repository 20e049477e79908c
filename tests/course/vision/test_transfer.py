import numpy as np
import pytest
import torch
from torch import nn

from course import training
from course.vision import transfer


def labelled(m=60, k=6, seed=0):
    """Examples that name themselves: X[i] = (i, i), labels 0..k-1 in a shuffled order."""
    y = np.random.default_rng(seed).permutation(np.arange(m) % k)
    return np.stack([np.arange(m)] * 2, axis=1), y


def test_class_subset_relabels_in_the_given_order_and_balances():
    X, y = labelled()
    X_sub, y_sub = transfer.class_subset(X, y, [4, 1], per_class=3, seed=0)
    assert X_sub.shape == (6, 2) and y_sub.dtype == np.int64
    assert sorted(y_sub.tolist()) == [0, 0, 0, 1, 1, 1]
    original = y[X_sub[:, 0]]  # each example's original label
    assert np.array_equal(np.where(y_sub == 0, 4, 1), original)
    assert len(set(X_sub[:, 0].tolist())) == 6  # without replacement
    again = transfer.class_subset(X, y, [4, 1], per_class=3, seed=0)
    other = transfer.class_subset(X, y, [4, 1], per_class=3, seed=1)
    assert np.array_equal(again[0], X_sub) and not np.array_equal(other[0], X_sub)


def test_class_subset_keeps_everything_without_per_class():
    X, y = labelled()
    X_sub, y_sub = transfer.class_subset(X, y, [0, 2, 5])
    assert len(y_sub) == 30 and np.array_equal(np.bincount(y_sub), [10, 10, 10])
    assert np.array_equal(np.array([0, 2, 5])[y_sub], y[X_sub[:, 0]])
    with pytest.raises(ValueError, match="at most 10"):
        transfer.class_subset(X, y, [0], per_class=11)


def test_small_cnn_shapes_and_parts():
    net = transfer.SmallCNN(num_classes=7)
    assert net(torch.zeros(3, 1, 28, 28)).shape == (3, 7)
    assert isinstance(net.head, nn.Linear)
    assert net.features(torch.zeros(2, 1, 28, 28)).shape == (2, net.head.in_features)


def test_freeze_stops_only_the_backbone_and_keeps_the_mode():
    torch.manual_seed(0)
    net = transfer.SmallCNN(num_classes=3)
    net.train()
    transfer.freeze(net)
    assert net.training
    assert not any(p.requires_grad for p in net.features.parameters())
    assert all(p.requires_grad for p in net.head.parameters())
    assert transfer.trainable_parameters(net) == net.head.weight.numel() + net.head.bias.numel()
    before = [p.detach().clone() for p in net.features.parameters()]
    head_before = net.head.weight.detach().clone()
    X, y = torch.rand(16, 1, 28, 28), torch.randint(0, 3, (16,))
    training.fit(net, training.to_loader(X, y, 8), num_epochs=2, lr=0.01, device="cpu",
                 progress=False)
    assert all(torch.equal(a, b) for a, b in zip(before, net.features.parameters()))
    assert not torch.equal(head_before, net.head.weight)
    transfer.unfreeze(net)
    assert all(p.requires_grad for p in net.parameters())


def test_replace_head_is_new_trainable_and_sized_for_the_new_classes():
    torch.manual_seed(0)
    net = transfer.freeze(transfer.SmallCNN(num_classes=5))
    old = net.head
    backbone = [p.detach().clone() for p in net.features.parameters()]
    assert transfer.replace_head(net, 3) is net
    assert net.head is not old and net.head.out_features == 3
    assert net.head.in_features == old.in_features
    assert all(p.requires_grad for p in net.head.parameters())
    assert all(torch.equal(a, b) for a, b in zip(backbone, net.features.parameters()))
    assert net(torch.zeros(2, 1, 28, 28)).shape == (2, 3)


def test_copy_net_and_seed_summary():
    net = transfer.SmallCNN(num_classes=2)
    twin = transfer.copy_net(net)
    with torch.no_grad():
        twin.head.weight.add_(1)
    assert not torch.equal(twin.head.weight, net.head.weight)
    mean, spread = transfer.seeds_summary([1.0, 2.0, 3.0])
    assert mean == 2.0 and spread == pytest.approx(1.0)
    assert transfer.seeds_summary([4.0]) == (4.0, 0.0)


def test_errors_say_what_to_do():
    with pytest.raises(AttributeError, match="net.features"):
        transfer.freeze(nn.Linear(2, 2))


@pytest.mark.skipif(not torch.cuda.is_available(), reason="no CUDA GPU")
def test_replace_head_follows_the_network_to_cuda():
    net = transfer.SmallCNN(num_classes=5).cuda()
    transfer.replace_head(net, 4)
    assert net.head.weight.device.type == "cuda"
    assert net(torch.zeros(2, 1, 28, 28, device="cuda")).shape == (2, 4)
