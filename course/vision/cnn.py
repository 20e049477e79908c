"""A small convolutional network for Fashion-MNIST, and what it takes to look inside one (Day 15).

The sizes of a convolution layer (``conv_output_size``, ``conv_num_params``), the network
(``build_cnn``: blocks of Conv2d -> BatchNorm2d -> ReLU at 28 -> 14 -> 7 pixels, then a small
classifier), a layer's output by a forward hook (``feature_maps``), the scores of a whole data set
(``scores``) and the test images a network gets wrong with the most confidence
(``confident_mistakes``). Images are ``(N, C, H, W)`` float32 tensors.

>>> net = build_cnn()                                        # doctest: +SKIP
>>> training.fit(net, train_loader, val_loader, num_epochs=12, scheduler="cosine")  # doctest: +SKIP
>>> idx, confidence = confident_mistakes(*scores(net, test_loader))                 # doctest: +SKIP
"""
from __future__ import annotations

import torch
from torch import nn

from ..device import get_device


def conv_output_size(n: int, kernel_size: int, stride: int = 1, padding: int = 0) -> int:
    """The height (or width) of a convolution's or a pooling's output:
    ``floor((n + 2 * padding - kernel_size) / stride) + 1``.

    Inputs:
    - n: the input's height (or width)
    - kernel_size, stride, padding: the layer's, as ints (the same along both axes)
    Returns the output's height (or width), an int.
    """
    if kernel_size > n + 2 * padding:
        raise ValueError(f"A {kernel_size}x{kernel_size} kernel does not fit in an input of size {n} "
                         f"with padding {padding}: use a smaller kernel or more padding.")
    return (n + 2 * padding - kernel_size) // stride + 1


def conv_num_params(in_channels: int, out_channels: int, kernel_size: int, bias: bool = True) -> int:
    """The number of parameters of ``nn.Conv2d(in_channels, out_channels, kernel_size, bias=bias)``:
    one ``in_channels x kernel_size x kernel_size`` filter per output channel, plus one bias each."""
    return out_channels * in_channels * kernel_size * kernel_size + (out_channels if bias else 0)


def build_cnn(channels=(16, 32, 64), n_classes: int = 10, image_size: int = 28, in_channels: int = 1,
              hidden: int = 128, dropout: float = 0.3) -> nn.Sequential:
    """The day's convolutional network, as an ``nn.Sequential``.

    For each entry c of ``channels`` a block ``Conv2d(c_prev, c, 3, padding=1, bias=False) ->
    BatchNorm2d(c) -> ReLU``, with a ``MaxPool2d(2)`` after every block but the last (28 -> 14 -> 7
    pixels for three blocks); then ``Flatten -> Dropout -> Linear(c * s * s, hidden) -> ReLU ->
    Dropout -> Linear(hidden, n_classes)``, s the last block's size. The convolutions have no bias:
    the batch norm after each subtracts the mean and adds its own shift, beta.

    Inputs:
    - channels: output channels of each convolution block
    - n_classes: the number of scores out
    - image_size: the input's height and width (square images)
    - in_channels: the input's channels (1: grey)
    - hidden: the width of the hidden Linear layer
    - dropout: the drop probability of both Dropout layers
    Returns an ``nn.Sequential`` mapping (N, in_channels, image_size, image_size) to raw scores
    (logits) of shape (N, n_classes).
    """
    channels = tuple(channels)
    if not channels:
        raise ValueError("build_cnn needs at least one convolution block: give channels=(16, 32, 64), say.")
    size = image_size // 2 ** (len(channels) - 1)
    if size < 1:
        raise ValueError(f"{len(channels) - 1} poolings shrink a {image_size}-pixel image to nothing: "
                         "use fewer blocks or larger images.")
    layers, c_prev = [], in_channels
    for i, c in enumerate(channels):
        layers += [nn.Conv2d(c_prev, c, 3, padding=1, bias=False), nn.BatchNorm2d(c), nn.ReLU()]
        if i < len(channels) - 1:
            layers.append(nn.MaxPool2d(2))
        c_prev = c
    layers += [nn.Flatten(), nn.Dropout(dropout), nn.Linear(c_prev * size * size, hidden), nn.ReLU(),
               nn.Dropout(dropout), nn.Linear(hidden, n_classes)]
    return nn.Sequential(*layers)


def feature_maps(net: nn.Module, layer: nn.Module, X: torch.Tensor) -> torch.Tensor:
    """What ``layer`` (any module inside ``net``, at any depth) outputs when ``net`` runs on ``X``.

    ``net`` runs in eval mode (batch norm on its running averages, no dropout) and without
    gradients, and is put back in the mode it was in; the forward hook is removed afterwards.

    Inputs:
    - net: an ``nn.Module``; layer: one of its modules
    - X: a batch of inputs, e.g. images (N, C, H, W), on ``net``'s device
    Returns the layer's output for the batch, detached, e.g. (N, C', H', W') for a convolution.
    """
    if not any(m is layer for m in net.modules()):
        raise ValueError("`layer` is not a module of `net`: pass one of net's own layers, e.g. net[2].")
    captured = []
    handle = layer.register_forward_hook(lambda module, inputs, output: captured.append(output.detach()))
    was_training = net.training
    try:
        net.eval()
        with torch.no_grad():
            net(X)
    finally:
        handle.remove()
        net.train(was_training)
    return captured[0]


def scores(net: nn.Module, loader, device="auto"):
    """The raw scores (logits) of ``net`` for every example of ``loader``, in eval mode.

    Returns a tuple of CPU tensors: scores (m, K) float32, y (m,) the loader's labels, in the
    loader's order (so indices match the data set's).
    """
    device = get_device(device)
    was_training = net.training
    net.eval()
    out, labels = [], []
    try:
        with torch.no_grad():
            for X, y in loader:
                out.append(net(X.to(device)).float().cpu())
                labels.append(y.cpu())
    finally:
        net.train(was_training)
    return torch.cat(out), torch.cat(labels)


def confident_mistakes(scores: torch.Tensor, y: torch.Tensor):
    """The misclassified examples, the one the network was most sure of first.

    Inputs:
    - scores: (m, K) raw class scores (logits)
    - y: (m,) the true labels
    Returns a tuple of:
    - idx: (n_wrong,) int64 tensor, the indices (into 0..m-1) of the examples whose highest score
      is not their label, in decreasing order of confidence
    - confidence: (n_wrong,) float tensor, the softmax probability of the predicted (wrong) class
    """
    scores, y = torch.as_tensor(scores), torch.as_tensor(y)
    if scores.dim() != 2 or y.shape != scores.shape[:1]:
        raise ValueError(f"scores should be (m, K) and y (m,), got {tuple(scores.shape)} and "
                         f"{tuple(y.shape)}: one row of scores per example.")
    confidence, y_hat = torch.softmax(scores.float(), dim=1).max(dim=1)
    wrong = torch.nonzero(y_hat != y).flatten()
    order = torch.argsort(confidence[wrong], descending=True, stable=True)
    return wrong[order], confidence[wrong][order]
