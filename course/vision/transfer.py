"""Transfer learning (Day 17): a backbone-and-head CNN, label-set splits, freezing and new heads.

A network here has two parts, as torchvision's models do: ``net.features`` (the backbone: images to
a feature vector) and ``net.head`` (a ``nn.Linear`` from the features to class scores). Transfer
learning keeps the features learned on one task and puts a new head on them for another:

>>> net = SmallCNN(num_classes=5)     # pretrain on five classes ...        # doctest: +SKIP
>>> replace_head(net, num_classes=5)  # ... then a fresh head for five others  # doctest: +SKIP
>>> freeze(net)                       # a linear probe: only the head learns   # doctest: +SKIP
"""
from __future__ import annotations

import numpy as np
from torch import nn


def _conv_block(c_in: int, c_out: int) -> list:
    return [nn.Conv2d(c_in, c_out, 3, padding=1, bias=False), nn.BatchNorm2d(c_out), nn.ReLU()]


class SmallCNN(nn.Module):
    """A small CNN for 28×28 grey images, in two parts. The backbone ``features``: five 3×3
    conv layers, each followed by batch norm and a ReLU, with 2×2 max-pooling after the 2nd, 4th and
    5th (28 → 14 → 7 → 3 pixels a side; ``width``, ``width``, ``2 width``, ``2 width``,
    ``4 width`` channels), flattened to ``feature_dim = 4 width × 3 × 3`` numbers. The ``head``: one
    linear layer from those features to class scores.

    Inputs of forward:
    - x: (N, in_channels, image_size, image_size) images
    Returns:
    - scores: (N, num_classes), raw scores (logits)
    """

    def __init__(self, num_classes: int = 10, width: int = 16, in_channels: int = 1,
                 image_size: int = 28):
        super().__init__()
        side = image_size // 8
        self.features = nn.Sequential(
            *_conv_block(in_channels, width), *_conv_block(width, width), nn.MaxPool2d(2),
            *_conv_block(width, 2 * width), *_conv_block(2 * width, 2 * width), nn.MaxPool2d(2),
            *_conv_block(2 * width, 4 * width), nn.MaxPool2d(2),
            nn.Flatten(),
        )
        self.feature_dim = 4 * width * side * side
        self.head = nn.Linear(self.feature_dim, num_classes)

    def forward(self, x):
        return self.head(self.features(x))


def _backbone(net):
    for part in ("features", "head"):
        if not hasattr(net, part):
            raise AttributeError(f"The network has no `{part}`: transfer learning here expects a "
                                 "backbone `net.features` and a linear `net.head`, as SmallCNN has.")
    return net.features


def class_subset(X, y, classes, per_class=None, seed: int = 0):
    """The examples of some classes, relabelled 0 .. k-1 in the order ``classes`` lists them.

    Inputs:
    - X: (m, ...) examples; y: (m,) integer labels
    - classes: the k original labels to keep; ``classes[i]`` becomes label i
    - per_class: how many examples of each class to draw at random, without replacement
      (``np.random.default_rng(seed)``); None keeps every example of those classes
    Returns a tuple of:
    - X_sub: (n, ...) the chosen examples, grouped by class
    - y_sub: (n,) int64 labels in 0 .. k-1
    """
    y = np.asarray(y)
    rng = np.random.default_rng(seed)
    chosen, labels = [], []
    for k, c in enumerate(classes):
        ix = np.flatnonzero(y == c)
        if per_class is not None:
            if per_class > len(ix):
                raise ValueError(f"Class {c} has only {len(ix)} examples, fewer than "
                                 f"per_class={per_class}; ask for at most {len(ix)}.")
            ix = np.sort(rng.choice(ix, per_class, replace=False))
        chosen.append(ix)
        labels.append(np.full(len(ix), k, dtype=np.int64))
    ix = np.concatenate(chosen)
    return X[ix], np.concatenate(labels)


def freeze(net):
    """Stop the backbone (``net.features``) from learning: ``requires_grad = False`` on each of its
    parameters. The head stays trainable, and the network's mode (train/eval) is left alone.
    Returns ``net``."""
    for p in _backbone(net).parameters():
        p.requires_grad_(False)
    return net


def unfreeze(net):
    """Let every parameter of ``net`` learn again. Returns ``net``."""
    for p in net.parameters():
        p.requires_grad_(True)
    return net


def replace_head(net, num_classes: int):
    """A new, randomly initialised linear head for ``num_classes`` classes on ``net.features``, on
    the device and dtype of the old head. Returns ``net``."""
    _backbone(net)
    old = net.head
    net.head = nn.Linear(old.in_features, num_classes).to(old.weight.device, old.weight.dtype)
    return net


def trainable_parameters(net) -> int:
    """How many numbers in ``net`` an optimizer would update (``requires_grad``)."""
    return sum(p.numel() for p in net.parameters() if p.requires_grad)


def copy_net(net):
    """A deep copy of ``net`` (its own parameters): fine-tune a copy, keep the pretrained one."""
    import copy

    return copy.deepcopy(net)


def seeds_summary(values) -> tuple[float, float]:
    """The mean and the (sample) standard deviation of per-seed results."""
    values = np.asarray(values, dtype=float)
    return float(values.mean()), float(values.std(ddof=1)) if len(values) > 1 else 0.0
