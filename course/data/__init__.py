"""The course's data, all offline: seeded generators for the toy sets, and loaders for the real
data sets that ship in installed packages (faces from scikit-image, Fashion-MNIST from Debian's
`dataset-fashion-mnist` or a checksummed download).

Convention for the NumPy days (02-10): examples are **columns**, so ``X`` has shape
``(n_features, m)`` and ``Y`` has shape ``(1, m)`` with 0/1 labels. PyTorch days use the
rows-are-examples layout of the raw loaders.

One module per source: ``synthetic`` (the generated sets), ``lfw`` (faces vs non-faces, from scikit-image),
``fashion`` (Fashion-MNIST), ``fetch`` (the data folder and checksummed downloads).
"""
from __future__ import annotations

from .lfw import faces
from .fashion import (DEBIAN_FASHION, FASHION_CLASSES, FASHION_FILES, FASHION_URL, FashionMNIST,
                      fashion_binary, fashion_mnist)
from .fetch import ChecksumMismatch, DataUnavailable, data_home, fetch_file
from .synthetic import circles, goalkeeper, moons, planar_flower

__all__ = [
    "DEBIAN_FASHION", "FASHION_CLASSES", "FASHION_FILES", "FASHION_URL", "ChecksumMismatch",
    "DataUnavailable", "FashionMNIST", "circles", "data_home", "faces", "fashion_binary",
    "fashion_mnist", "fetch_file", "goalkeeper", "moons", "planar_flower",
]
