"""Data augmentation written with tensor ops (Day 17): random left-right flips and random crops of
a zero-padded image (small shifts), each drawn per image from a ``torch.Generator``.

Images are ``(N, C, H, W)`` tensors on any device. The random numbers are drawn on the CPU from
``generator`` and then moved to the images' device, so the same seed gives the same augmentation
on the CPU and on CUDA.

>>> g = torch.Generator().manual_seed(0)                                   # doctest: +SKIP
>>> X_aug = random_crop(random_flip(X, 0.5, g), 2, g)                      # doctest: +SKIP
>>> fit(net, loader, num_epochs=30, transform=augmenter(padding=2, seed=0))  # doctest: +SKIP
"""
from __future__ import annotations

import torch
import torch.nn.functional as F


def _check_images(X, name: str = "X") -> None:
    if not isinstance(X, torch.Tensor) or X.dim() != 4:
        shape = tuple(X.shape) if hasattr(X, "shape") else type(X).__name__
        raise ValueError(f"{name} should be a batch of images, a tensor of shape (N, C, H, W), got "
                         f"{shape}; course.training.to_tensor makes one from (N, H, W) uint8 images.")


def random_flip(X, p: float = 0.5, generator=None):
    """Flip each image left-right (along the width) with probability ``p``, independently.

    Inputs:
    - X: images, a tensor of shape (N, C, H, W)
    - p: the probability that an image is flipped
    - generator: a ``torch.Generator`` (on the CPU) the coin flips are drawn from

    Returns:
    - X_aug: (N, C, H, W), each image either as it was or mirrored left-right
    """
    _check_images(X)
    flip = (torch.rand(len(X), generator=generator) < p).to(X.device)
    return torch.where(flip[:, None, None, None], X.flip(-1), X)


def random_crop(X, padding: int = 2, generator=None):
    """Pad each image with ``padding`` zeros on every side, then cut an H×W window out of it at a
    random offset, drawn per image: a shift by up to ``padding`` pixels in each direction.

    Inputs:
    - X: images, a tensor of shape (N, C, H, W), background 0
    - padding: the largest shift, in pixels
    - generator: a ``torch.Generator`` (on the CPU) the offsets are drawn from

    Returns:
    - X_aug: (N, C, H, W); image n is padded[n, :, i:i + H, j:j + W] with i, j drawn uniformly
      from 0 .. 2 * padding (padding, padding: the image unchanged)
    """
    _check_images(X)
    N, C, H, W = X.shape
    if padding == 0:
        return X.clone()
    padded = F.pad(X, (padding, padding, padding, padding))
    offsets = torch.randint(0, 2 * padding + 1, (2, N), generator=generator).to(X.device)
    rows = offsets[0][:, None] + torch.arange(H, device=X.device)  # (N, H)
    cols = offsets[1][:, None] + torch.arange(W, device=X.device)  # (N, W)
    n = torch.arange(N, device=X.device)[:, None, None]
    # Advanced indices on axes 0, 2, 3 put their (N, H, W) shape first, channels last.
    return padded.permute(0, 2, 3, 1)[n, rows[:, :, None], cols[:, None, :]].permute(0, 3, 1, 2)


def augmenter(*, padding: int = 2, p_flip: float = 0.0, seed: int = 0, flip=None, crop=None):
    """A function ``X -> X_aug`` for ``course.training.fit(transform=...)``: a random flip (when
    ``p_flip > 0``) then a random crop (when ``padding > 0``), drawing from its own generator seeded
    with ``seed``, so that a run is reproducible and does not disturb torch's global generator.

    ``flip`` and ``crop`` replace :func:`random_flip` and :func:`random_crop` (a learner's own,
    with the same signatures).
    """
    flip = flip or random_flip
    crop = crop or random_crop
    generator = torch.Generator().manual_seed(seed)

    def transform(X):
        if p_flip > 0:
            X = flip(X, p_flip, generator)
        if padding > 0:
            X = crop(X, padding, generator)
        return X

    return transform
