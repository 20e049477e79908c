"""course.vision.resnet against references written with torch.nn.functional on the blocks' own
parameters, autograd as the referee for the gradients."""
import pytest
import torch
import torch.nn.functional as F
from torch import nn

from course import training
from course.vision import resnet


def _randomise_bn(net, seed):
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for bn in (m for m in net.modules() if isinstance(m, nn.BatchNorm2d)):
            c = bn.num_features
            bn.weight.copy_(0.5 + torch.rand(c, generator=g))
            bn.bias.copy_(torch.rand(c, generator=g) - 0.5)
            bn.running_mean.copy_(torch.rand(c, generator=g) - 0.5)
            bn.running_var.copy_(0.5 + torch.rand(c, generator=g))


def _bn(z, bn, training):
    return F.batch_norm(z, bn.running_mean.clone(), bn.running_var.clone(), bn.weight, bn.bias,
                        training=training, eps=bn.eps)


def _branch(block, x, stride, training):
    z = F.relu(_bn(F.conv2d(x, block.conv1.weight, stride=stride, padding=1), block.bn1, training))
    return _bn(F.conv2d(z, block.conv2.weight, padding=1), block.bn2, training)


def _reference(block, x, training):
    """The block's output written with F.conv2d / F.batch_norm on its own parameters."""
    if isinstance(block, resnet.IdentityBlock):
        return F.relu(_branch(block, x, 1, training) + x)
    stride = block.conv1.stride[0]
    if isinstance(block, resnet.PlainBlock):
        return F.relu(_branch(block, x, stride, training))
    conv, bn = block.shortcut
    shortcut = _bn(F.conv2d(x, conv.weight, stride=stride), bn, training)
    return F.relu(_branch(block, x, stride, training) + shortcut)


BLOCKS = {
    "identity": (lambda: resnet.IdentityBlock(3), (4, 3, 6, 5)),
    "projection": (lambda: resnet.ProjectionBlock(3, 5, stride=2), (4, 3, 7, 6)),
    "projection-stride-1": (lambda: resnet.ProjectionBlock(2, 4, stride=1), (3, 2, 5, 5)),
    "plain": (lambda: resnet.PlainBlock(3, 6, stride=2), (2, 3, 8, 8)),
}


@pytest.mark.parametrize("training_mode", [True, False], ids=["train", "eval"])
@pytest.mark.parametrize("kind", BLOCKS)
def test_blocks_match_functional_references_and_autograd(kind, training_mode):
    make, shape = BLOCKS[kind]
    torch.manual_seed(0)
    block = make().double()
    _randomise_bn(block, 1)
    block.train(training_mode)
    x = torch.randn(*shape, dtype=torch.float64, generator=torch.Generator().manual_seed(2),
                    requires_grad=True)
    params = list(block.parameters())
    expected = _reference(block, x, training_mode)
    out = block(x)
    torch.testing.assert_close(out, expected, rtol=1e-10, atol=1e-12)
    upstream = torch.randn_like(out)
    ref_grads = torch.autograd.grad(expected, [x, *params], upstream)
    grads = torch.autograd.grad(out, [x, *params], upstream)
    for got, want in zip(grads, ref_grads):
        torch.testing.assert_close(got, want, rtol=1e-9, atol=1e-11)


def test_train_mode_updates_the_running_averages_and_eval_mode_uses_them():
    torch.manual_seed(3)
    block = resnet.IdentityBlock(4)
    x = torch.randn(8, 4, 5, 5) * 3 + 1
    block.train()
    block(x)
    assert not torch.equal(block.bn1.running_mean, torch.zeros(4))
    block.eval()
    torch.testing.assert_close(block(x[:1]), _reference(block, x[:1], training=False))
    torch.testing.assert_close(block(x)[:1], block(x[:1]))  # eval: an image's output ignores the batch


@pytest.mark.parametrize("in_c,out_c,stride,size,out_size", [
    (4, 8, 2, (8, 8), (4, 4)), (4, 8, 2, (7, 7), (4, 4)), (3, 6, 1, (5, 5), (5, 5)),
    (2, 5, 2, (9, 6), (5, 3)), (3, 4, 3, (9, 9), (3, 3))])
def test_projection_and_plain_blocks_change_the_shape_alike(in_c, out_c, stride, size, out_size):
    x = torch.randn(2, in_c, *size)
    for block in (resnet.ProjectionBlock(in_c, out_c, stride), resnet.PlainBlock(in_c, out_c, stride)):
        assert block(x).shape == (2, out_c, *out_size)


@pytest.mark.parametrize("n", [1, 2, 3, 5])
def test_twins_have_the_same_depth_and_differ_by_the_shortcuts_only(n):
    widths = (8, 16, 32)
    res, plain = resnet.make_resnet(n, widths), resnet.make_plain(n, widths)
    assert resnet.depth(res) == resnet.depth(plain) == 6 * n + 2
    shortcuts = sum(widths[i - 1] * w + 2 * w for i, w in enumerate(widths) if i > 0)
    assert training.count_parameters(res) - training.count_parameters(plain) == shortcuts
    assert sum(isinstance(m, resnet.ProjectionBlock) for m in res.modules()) == len(widths) - 1
    assert sum(isinstance(m, resnet.IdentityBlock) for m in res.modules()) == (n - 1) * 3 + 1
    assert sum(isinstance(m, resnet.PlainBlock) for m in plain.modules()) == 3 * n
    assert not any(isinstance(m, (resnet.IdentityBlock, resnet.ProjectionBlock)) for m in plain.modules())


def test_resnet20_has_he_et_al_s_parameter_count():
    # He et al. (2016), table 6: ResNet-20 on CIFAR-10 (3 input channels) has 0.27M parameters.
    net = resnet.make_resnet(3, (16, 32, 64), in_channels=3)
    assert resnet.depth(net) == 20
    assert round(training.count_parameters(net) / 1e6, 2) == 0.27


def test_stages_run_at_28_14_and_7_pixels_and_any_size_is_accepted():
    net = resnet.make_resnet(2, (4, 8, 16))
    sizes = []
    for m in net.modules():
        if isinstance(m, (resnet.IdentityBlock, resnet.ProjectionBlock)):
            m.register_forward_hook(lambda mod, inp, out: sizes.append(tuple(out.shape[1:])))
    assert net(torch.randn(3, 1, 28, 28)).shape == (3, 10)
    assert sizes == [(4, 28, 28)] * 2 + [(8, 14, 14)] * 2 + [(16, 7, 7)] * 2
    assert net(torch.randn(2, 1, 20, 33)).shape == (2, 10)
    assert resnet.make_plain(1, (3, 6), in_channels=3, num_classes=4)(torch.randn(2, 3, 12, 12)).shape == (2, 4)


def test_zero_init_residual_makes_blocks_start_as_their_shortcut():
    torch.manual_seed(4)
    net = resnet.make_resnet(2, (4, 8, 16))
    before = {k: v.clone() for k, v in net.state_dict().items()}
    assert resnet.zero_init_residual(net) is net
    changed = sorted(k for k, v in net.state_dict().items() if not torch.equal(v, before[k]))
    blocks = [name for name, m in net.named_modules()
              if isinstance(m, (resnet.IdentityBlock, resnet.ProjectionBlock))]
    assert changed == sorted(f"{name}.bn2.weight" for name in blocks)
    x = torch.rand(2, 4, 6, 6)
    for mode in (True, False):
        net.train(mode)
        torch.testing.assert_close(net[3](x), x)
        projection = net[5]
        y = torch.rand(2, 4, 6, 6)
        torch.testing.assert_close(projection(y), F.relu(projection.shortcut(y)))
    # No dead start: bn2's scale gets a gradient at once.
    net.train()
    F.cross_entropy(net(torch.randn(4, 1, 28, 28)), torch.tensor([0, 1, 2, 3])).backward()
    assert all(net.get_submodule(name).bn2.weight.grad.abs().sum() > 0 for name in blocks)
    plain = resnet.make_plain(1, (3, 6))
    state = {k: v.clone() for k, v in plain.state_dict().items()}
    resnet.zero_init_residual(plain)
    assert all(torch.equal(v, state[k]) for k, v in plain.state_dict().items())


def test_bad_arguments_say_what_to_do():
    with pytest.raises(ValueError, match="at least 1 block"):
        resnet.make_resnet(0)
    with pytest.raises(ValueError, match="one positive channel count per stage"):
        resnet.make_plain(2, ())


def test_a_small_resnet_fits_a_few_batches_on_any_device():
    g = torch.Generator().manual_seed(5)
    y = torch.randint(0, 3, (96,), generator=g)
    X = torch.randn(96, 1, 12, 12, generator=g) * 0.3
    X[:, :, :4][y == 0] += 1.0
    X[:, :, 8:][y == 1] += 1.0
    loader = training.to_loader(X, y, batch_size=32, shuffle=True, seed=0)
    net = resnet.make_resnet(1, (4, 8), num_classes=3)
    history = training.fit(net, loader, num_epochs=6, lr=1e-2, optimizer="adam", device="auto",
                           progress=False)
    assert history["train_loss"][-1] < 0.5 * history["train_loss"][0]


@pytest.mark.skipif(not torch.cuda.is_available(), reason="no CUDA GPU")
def test_blocks_give_the_same_numbers_on_cuda():
    torch.manual_seed(6)
    net = resnet.make_resnet(1, (4, 8)).double().eval()
    x = torch.randn(3, 1, 10, 10, dtype=torch.float64)
    expected = net(x)
    torch.testing.assert_close(net.cuda()(x.cuda()).cpu(), expected, rtol=1e-9, atol=1e-11)
