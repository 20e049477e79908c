"""Capital letters drawn in many typefaces, each image on its own random slant (Day 17).

A generated data set for transfer learning: 26 classes that split into two label sets (A-M and
N-Z) of the same kind of image, and as many images per class as a run asks for. Each letter is
first drawn once in each of the 22 text faces that ship inside matplotlib (DejaVu Sans, Sans Mono
and Serif, STIX and Computer Modern; regular, bold and italic), with Pillow; then every image gets
its own random face, rotation, scale, slant, shift, stroke weight and pixel noise, so that no two
images of a letter are alike. Images are ``(m, 28, 28)`` uint8 arrays, white on black, as
Fashion-MNIST's are; a seed gives the same images on every machine with the same fonts.

>>> X, y = letters(5, classes=range(13), seed=0)   # 5 images each of A..M  # doctest: +SKIP
>>> LETTERS[y[0]]                                                        # doctest: +SKIP
'A'
"""
from __future__ import annotations

import functools
import string
from pathlib import Path

import numpy as np

LETTERS = tuple(string.ascii_uppercase)
_FACES = ("DejaVuSans", "DejaVuSansMono", "DejaVuSerif", "STIXGeneral", "cmb10", "cmmi10", "cmr10",
          "cmss10", "cmti10", "cmtt10")
_MASTER = 56  # letters are drawn at twice the final size, then transformed and averaged down


def letter_fonts() -> list[Path]:
    """The typefaces letters are drawn in: matplotlib's own text fonts (always installed with it)."""
    import matplotlib

    folder = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
    fonts = sorted(f for f in folder.glob("*.ttf")
                   if f.stem.split("-")[0] in _FACES or f.stem.startswith("STIXGeneral"))
    if not fonts:
        raise FileNotFoundError(f"No text fonts found in {folder}: matplotlib's font folder is "
                                "missing; reinstall matplotlib (pip install --force-reinstall "
                                "matplotlib).")
    return fonts


@functools.lru_cache(maxsize=1)
def _masters():
    """(fonts, 26, 56, 56) float32 in [0, 1]: each letter in each face, centred."""
    from PIL import Image, ImageDraw, ImageFont

    fonts = letter_fonts()
    out = np.zeros((len(fonts), len(LETTERS), _MASTER, _MASTER), np.float32)
    for i, path in enumerate(fonts):
        font = ImageFont.truetype(str(path), int(_MASTER * 0.7))
        for j, letter in enumerate(LETTERS):
            image = Image.new("L", (_MASTER, _MASTER))
            draw = ImageDraw.Draw(image)
            left, top, right, bottom = draw.textbbox((0, 0), letter, font=font)
            draw.text(((_MASTER - (right - left)) / 2 - left, (_MASTER - (bottom - top)) / 2 - top),
                      letter, fill=255, font=font)
            out[i, j] = np.asarray(image, dtype=np.float32) / 255
    return out


def letters(n_per_class: int, classes=range(26), *, seed: int = 0):
    """``n_per_class`` random images of each letter in ``classes`` (indices into :data:`LETTERS`).

    Each image draws its face, a rotation of up to ±20°, a scale in [0.85, 1.2], a slant (shear)
    of up to ±0.3, a shift of up to ±1.75 pixels, a heavier stroke one time in three, and Gaussian
    pixel noise (sd 0.08), from a generator seeded with ``seed``: another seed gives other images.

    Returns a tuple of:
    - X: (n, 28, 28) uint8 images, grouped by class in the order of ``classes``
    - y: (n,) int64 labels, the letters' indices into LETTERS (``classes`` themselves, not 0..k-1)
    """
    import torch
    import torch.nn.functional as F

    classes = [int(c) for c in classes]
    if n_per_class < 0 or any(not 0 <= c < len(LETTERS) for c in classes):
        raise ValueError(f"letters takes n_per_class >= 0 and classes in 0..25 (A..Z); got "
                         f"n_per_class={n_per_class}, classes={classes}.")
    masters = torch.from_numpy(_masters())
    g = torch.Generator().manual_seed(seed)
    y = torch.tensor(classes, dtype=torch.int64).repeat_interleave(n_per_class)
    n = len(y)
    face = torch.randint(0, len(masters), (n,), generator=g)
    X = masters[face, y][:, None]
    angle = (torch.rand(n, generator=g) * 2 - 1) * 0.35
    scale = 0.85 + 0.35 * torch.rand(n, generator=g)
    slant = (torch.rand(n, generator=g) * 2 - 1) * 0.3
    shift = (torch.rand(2, n, generator=g) * 2 - 1) * 0.125
    cos, sin = torch.cos(angle) * scale, torch.sin(angle) * scale
    theta = torch.stack([torch.stack([cos, slant - sin, shift[0]], 1),
                         torch.stack([sin, cos, shift[1]], 1)], 1)
    if n:
        grid = F.affine_grid(theta, list(X.shape), align_corners=False)
        X = F.grid_sample(X, grid, align_corners=False)
    X = F.avg_pool2d(X, 2)
    heavy = (torch.rand(n, generator=g) < 1 / 3)[:, None, None, None]
    X = torch.where(heavy, (F.max_pool2d(X, 3, 1, 1) + X) / 2, X)
    X = (X + 0.08 * torch.randn(X.shape, generator=g)).clamp(0, 1)
    return (X[:, 0] * 255).round().to(torch.uint8).numpy(), y.numpy()
