"""course.vision.cnn against torch: layer sizes, the network, hooks, scores and mistakes."""
import pytest
import torch
import torch.nn.functional as F
from torch import nn

from course import training
from course.vision import cnn


@pytest.mark.parametrize("n, k, s, p", [(28, 3, 1, 1), (28, 5, 1, 0), (28, 3, 2, 1), (7, 2, 2, 0),
                                        (10, 4, 3, 2), (1, 1, 1, 0), (32, 7, 2, 3)])
def test_conv_output_size_is_what_conv2d_and_max_pool2d_produce(n, k, s, p):
    x = torch.zeros(1, 1, n, n)
    assert cnn.conv_output_size(n, k, s, p) == nn.Conv2d(1, 1, k, s, p)(x).shape[-1]
    if p <= k // 2:
        assert cnn.conv_output_size(n, k, s, p) == F.max_pool2d(x, k, s, p).shape[-1]


def test_conv_output_size_says_when_the_kernel_does_not_fit():
    with pytest.raises(ValueError, match="does not fit"):
        cnn.conv_output_size(2, 5)


@pytest.mark.parametrize("c_in, c_out, k, bias", [(1, 16, 3, True), (16, 32, 3, False), (3, 7, 5, True),
                                                  (8, 1, 1, True)])
def test_conv_num_params_counts_what_conv2d_holds(c_in, c_out, k, bias):
    conv = nn.Conv2d(c_in, c_out, k, bias=bias)
    assert cnn.conv_num_params(c_in, c_out, k, bias=bias) == sum(p.numel() for p in conv.parameters())


def test_build_cnn_layers_shapes_and_parameters():
    net = cnn.build_cnn()
    assert isinstance(net, nn.Sequential)
    assert [type(m).__name__ for m in net] == [
        "Conv2d", "BatchNorm2d", "ReLU", "MaxPool2d", "Conv2d", "BatchNorm2d", "ReLU", "MaxPool2d",
        "Conv2d", "BatchNorm2d", "ReLU", "Flatten", "Dropout", "Linear", "ReLU", "Dropout", "Linear"]
    convs = [m for m in net if isinstance(m, nn.Conv2d)]
    assert all(c.bias is None and c.kernel_size == (3, 3) and c.padding == (1, 1) for c in convs)
    expected = (sum(cnn.conv_num_params(a, b, 3, bias=False) for a, b in [(1, 16), (16, 32), (32, 64)])
                + 2 * (16 + 32 + 64) + 64 * 7 * 7 * 128 + 128 + 128 * 10 + 10)
    assert training.count_parameters(net) == expected
    x = torch.rand(3, 1, 28, 28)
    assert net[:4](x).shape == (3, 16, 14, 14) and net[:8](x).shape == (3, 32, 7, 7)
    assert net(x).shape == (3, 10)


def test_build_cnn_other_sizes_and_colour_images():
    net = cnn.build_cnn(channels=(4, 6), n_classes=3, image_size=12, in_channels=3, hidden=5, dropout=0.0)
    assert net(torch.rand(2, 3, 12, 12)).shape == (2, 3)
    assert net[-4].in_features == 6 * 6 * 6
    assert cnn.build_cnn(channels=(8,), image_size=5)(torch.rand(1, 1, 5, 5)).shape == (1, 10)
    with pytest.raises(ValueError, match="at least one"):
        cnn.build_cnn(channels=())
    with pytest.raises(ValueError, match="fewer blocks"):
        cnn.build_cnn(channels=(2, 2, 2, 2), image_size=4)


def test_build_cnn_computes_the_functional_formula_in_eval_mode():
    torch.manual_seed(0)
    net = cnn.build_cnn(channels=(3, 5), image_size=8, hidden=7, n_classes=4).eval()
    for bn in (m for m in net if isinstance(m, nn.BatchNorm2d)):
        bn.running_mean.uniform_(-1, 1)
        bn.running_var.uniform_(0.5, 2)
        nn.init.normal_(bn.weight)
        nn.init.normal_(bn.bias)
    x = torch.randn(2, 1, 8, 8)
    a = x
    for conv, bn in [(net[0], net[1]), (net[4], net[5])]:
        a = F.conv2d(a, conv.weight, padding=1)
        a = F.relu(F.batch_norm(a, bn.running_mean, bn.running_var, bn.weight, bn.bias, eps=bn.eps))
        if conv is net[0]:
            a = F.max_pool2d(a, 2)
    a = F.linear(F.relu(F.linear(a.flatten(1), net[-4].weight, net[-4].bias)), net[-1].weight, net[-1].bias)
    assert torch.allclose(net(x), a, atol=1e-6)


def test_feature_maps_by_hook_in_eval_mode_at_any_depth():
    torch.manual_seed(1)
    inner = nn.Sequential(nn.Conv2d(2, 3, 3, padding=1), nn.BatchNorm2d(3), nn.ReLU())
    net = nn.Sequential(inner, nn.MaxPool2d(2), nn.Flatten(), nn.Dropout(0.5), nn.Linear(3 * 4 * 4, 2))
    inner[1].running_mean.fill_(0.3)
    net.train()
    x = torch.randn(4, 2, 8, 8)
    maps = cnn.feature_maps(net, inner[1], x)
    assert maps.shape == (4, 3, 8, 8) and not maps.requires_grad
    assert net.training and not inner[1]._forward_hooks  # mode restored, hook removed
    assert torch.equal(inner[1].running_mean, torch.full((3,), 0.3))  # no update: eval mode
    net.eval()
    assert torch.allclose(maps, inner[:2](x))
    assert torch.allclose(cnn.feature_maps(net, net[-1], x), net(x))
    with pytest.raises(ValueError, match="not a module"):
        cnn.feature_maps(net, nn.ReLU(), x)


def test_scores_of_a_loader_in_order_and_in_eval_mode():
    torch.manual_seed(2)
    net = nn.Sequential(nn.Flatten(), nn.Dropout(0.9), nn.Linear(4, 3)).train()
    X, y = torch.randn(7, 1, 2, 2), torch.tensor([0, 1, 2, 0, 1, 2, 0])
    s, labels = cnn.scores(net, training.to_loader(X, y, batch_size=3), device="cpu")
    assert net.training
    net.eval()
    assert torch.allclose(s, net(X)) and torch.equal(labels, y)


def test_confident_mistakes_are_the_wrong_ones_most_confident_first():
    scores = torch.tensor([[2.0, 0.0, 0.0],    # 0: predicts 0, right
                           [0.0, 3.0, 0.0],    # 1: predicts 1, wrong (label 2)
                           [0.0, 0.0, 0.5],    # 2: predicts 2, wrong (label 0)
                           [5.0, 0.0, 0.0],    # 3: predicts 0, wrong (label 1)
                           [0.0, 1.0, 0.0]])   # 4: predicts 1, right
    y = torch.tensor([0, 2, 0, 1, 1])
    idx, confidence = cnn.confident_mistakes(scores, y)
    assert idx.tolist() == [3, 1, 2] and idx.dtype == torch.int64
    assert torch.allclose(confidence, torch.softmax(scores, dim=1).max(dim=1).values[[3, 1, 2]])
    g = torch.Generator().manual_seed(3)
    scores, y = torch.randn(50, 4, generator=g), torch.randint(0, 4, (50,), generator=g)
    idx, confidence = cnn.confident_mistakes(scores, y)
    wrong = (scores.argmax(dim=1) != y).nonzero().flatten()
    assert sorted(idx.tolist()) == wrong.tolist()
    assert (confidence[:-1] >= confidence[1:]).all()
    with pytest.raises(ValueError, match="one row of scores"):
        cnn.confident_mistakes(scores, y[:-1])
    assert len(cnn.confident_mistakes(torch.eye(3), torch.arange(3))[0]) == 0
