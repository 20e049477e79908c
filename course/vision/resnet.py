"""Residual networks (Day 16): identity and projection blocks, a small ResNet for 28×28 images and
its plain twin, the same layers without the skip connections.

The blocks are He et al.'s (2016) "basic" blocks. An identity block keeps the shape:

    out = relu(bn2(conv2(relu(bn1(conv1(x))))) + x)

A projection block changes the channels and/or halves the image (``stride=2``), so its shortcut
is a 1×1 convolution with the same stride, followed by batch norm, instead of ``x`` itself.

The networks follow He et al.'s CIFAR design (their section 4.2): a 3×3 stem convolution, three
stages of ``blocks_per_stage`` blocks at 28×28, 14×14 and 7×7 (the first block of the second and
third stage is a projection block with stride 2), global average pooling, one linear layer. That is
``6 * blocks_per_stage + 2`` weighted layers on the main path (20 for 3 blocks, 32 for 5), counting
the stem and the linear layer but not the two 1×1 shortcut convolutions.

>>> net = make_resnet(blocks_per_stage=3, widths=(16, 32, 64))    # doctest: +SKIP
>>> net(torch.zeros(8, 1, 28, 28)).shape                           # doctest: +SKIP
torch.Size([8, 10])
"""
from __future__ import annotations

import torch
from torch import nn
from torch.nn import functional as F


def conv3x3(in_channels: int, out_channels: int, stride: int = 1) -> nn.Conv2d:
    """A 3×3 convolution with padding 1 and no bias (the batch norm after it has one)."""
    return nn.Conv2d(in_channels, out_channels, 3, stride=stride, padding=1, bias=False)


class IdentityBlock(nn.Module):
    """conv3x3 -> BN -> ReLU -> conv3x3 -> BN, plus the input, then ReLU. Shape unchanged.

    Inputs of forward:
    - x: (N, channels, H, W)
    Returns:
    - out: (N, channels, H, W)
    """

    def __init__(self, channels: int):
        super().__init__()
        self.conv1 = conv3x3(channels, channels)
        self.bn1 = nn.BatchNorm2d(channels)
        self.conv2 = conv3x3(channels, channels)
        self.bn2 = nn.BatchNorm2d(channels)

    def forward(self, x):
        out = F.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        return F.relu(out + x)


class ProjectionBlock(nn.Module):
    """The block that changes shape: conv3x3 (stride) -> BN -> ReLU -> conv3x3 -> BN on the main
    path, a 1×1 convolution with the same stride -> BN on the shortcut, added, then ReLU.

    Inputs of forward:
    - x: (N, in_channels, H, W)
    Returns:
    - out: (N, out_channels, H', W'), H' = ceil(H / stride), W' likewise
    """

    def __init__(self, in_channels: int, out_channels: int, stride: int = 2):
        super().__init__()
        self.conv1 = conv3x3(in_channels, out_channels, stride)
        self.bn1 = nn.BatchNorm2d(out_channels)
        self.conv2 = conv3x3(out_channels, out_channels)
        self.bn2 = nn.BatchNorm2d(out_channels)
        self.shortcut = nn.Sequential(
            nn.Conv2d(in_channels, out_channels, 1, stride=stride, bias=False),
            nn.BatchNorm2d(out_channels))

    def forward(self, x):
        out = F.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        return F.relu(out + self.shortcut(x))


class PlainBlock(nn.Module):
    """A block's main path without its shortcut: conv3x3 (stride) -> BN -> ReLU -> conv3x3 -> BN
    -> ReLU. The plain twin of ``IdentityBlock`` (``stride=1``, equal channels) and of
    ``ProjectionBlock``.

    Inputs of forward:
    - x: (N, in_channels, H, W)
    Returns:
    - out: (N, out_channels, H', W')
    """

    def __init__(self, in_channels: int, out_channels: int, stride: int = 1):
        super().__init__()
        self.conv1 = conv3x3(in_channels, out_channels, stride)
        self.bn1 = nn.BatchNorm2d(out_channels)
        self.conv2 = conv3x3(out_channels, out_channels)
        self.bn2 = nn.BatchNorm2d(out_channels)

    def forward(self, x):
        out = F.relu(self.bn1(self.conv1(x)))
        return F.relu(self.bn2(self.conv2(out)))


def _network(blocks, widths, in_channels, num_classes):
    if len(widths) < 1 or any(w < 1 for w in widths):
        raise ValueError(f"widths should be one positive channel count per stage, got {widths!r}.")
    return nn.Sequential(
        conv3x3(in_channels, widths[0]), nn.BatchNorm2d(widths[0]), nn.ReLU(),
        *blocks,
        nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(widths[-1], num_classes))


def _stages(blocks_per_stage: int, widths):
    """(in_channels, out_channels, stride) of every block, stage after stage."""
    if blocks_per_stage < 1:
        raise ValueError(f"blocks_per_stage is {blocks_per_stage}; each stage needs at least 1 block.")
    shapes = []
    for i, width in enumerate(widths):
        for j in range(blocks_per_stage):
            if j == 0 and i > 0:
                shapes.append((widths[i - 1], width, 2))
            else:
                shapes.append((width, width, 1))
    return shapes


def make_resnet(blocks_per_stage: int = 3, widths=(16, 32, 64), in_channels: int = 1,
                num_classes: int = 10) -> nn.Sequential:
    """A small ResNet for (N, in_channels, 28, 28) images: stem conv3x3 -> BN -> ReLU, then one
    stage of ``blocks_per_stage`` blocks per width (28×28, 14×14, 7×7 for three widths; each
    later stage opens with a ``ProjectionBlock`` of stride 2, the rest are ``IdentityBlock``),
    global average pooling, and a linear layer to ``num_classes`` scores.

    Returns an ``nn.Sequential``: (N, in_channels, H, W) -> (N, num_classes) scores.
    """
    blocks = [IdentityBlock(c_out) if (c_in, stride) == (c_out, 1) else
              ProjectionBlock(c_in, c_out, stride)
              for c_in, c_out, stride in _stages(blocks_per_stage, widths)]
    return _network(blocks, widths, in_channels, num_classes)


def make_plain(blocks_per_stage: int = 3, widths=(16, 32, 64), in_channels: int = 1,
               num_classes: int = 10) -> nn.Sequential:
    """``make_resnet``'s plain twin: the same stem, blocks, strides and head, each block a
    ``PlainBlock`` (no shortcut). Same depth, and only the shortcuts' few parameters fewer."""
    blocks = [PlainBlock(c_in, c_out, stride)
              for c_in, c_out, stride in _stages(blocks_per_stage, widths)]
    return _network(blocks, widths, in_channels, num_classes)


def depth(net: nn.Module) -> int:
    """The weighted layers on the main path: 3×3 (or larger) convolutions and linear layers, not
    the 1×1 convolutions of shortcuts (He et al. count ResNet-20's depth this way)."""
    return sum(isinstance(m, nn.Linear) or (isinstance(m, nn.Conv2d) and m.kernel_size != (1, 1))
               for m in net.modules())


def zero_init_residual(net: nn.Module) -> nn.Module:
    """Set the last batch norm's scale (``bn2.weight``, gamma) of every residual block in ``net``
    to 0 (Goyal et al., 2017): each block then starts as ``relu(shortcut(x))``, the identity on
    its non-negative inputs, so that the deep network starts out acting like a shallow one.
    Returns ``net``, changed in place."""
    with torch.no_grad():
        for m in net.modules():
            if isinstance(m, (IdentityBlock, ProjectionBlock)):
                m.bn2.weight.zero_()
    return net
