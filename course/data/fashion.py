"""Fashion-MNIST: from the course data folder, Debian's ``dataset-fashion-mnist``, or a checksummed
download; and a two-class version with examples as columns for the NumPy days."""
from __future__ import annotations

import gzip
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .fetch import DataUnavailable, data_home, fetch_file

FASHION_CLASSES = ("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt",
                   "Sneaker", "Bag", "Ankle boot")
FASHION_URL = "http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/"
DEBIAN_FASHION = Path("/usr/share/datasets/fashion-mnist")
# SHA-256 of each file's *decompressed* contents, so that a recompressed copy (Debian's) and the
# canonical download verify alike.
FASHION_FILES = {
    "train-images-idx3-ubyte.gz": "c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888",
    "train-labels-idx1-ubyte.gz": "bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9",
    "t10k-images-idx3-ubyte.gz": "5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b",
    "t10k-labels-idx1-ubyte.gz": "0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34",
}


def _read_idx(path: Path) -> np.ndarray:
    with gzip.open(path, "rb") as f:
        data = f.read()
    ndim = data[3]
    shape = tuple(int.from_bytes(data[4 + 4 * i: 8 + 4 * i], "big") for i in range(ndim))
    # A writable array (torch.from_numpy warns on read-only memory).
    return np.frombuffer(bytearray(data), dtype=np.uint8, offset=4 + 4 * ndim).reshape(shape)


@dataclass
class FashionMNIST:
    X_train: np.ndarray  # (60000, 28, 28) uint8
    y_train: np.ndarray  # (60000,) int64, 0-9
    X_test: np.ndarray   # (10000, 28, 28) uint8
    y_test: np.ndarray   # (10000,)
    classes: tuple = FASHION_CLASSES


def fashion_mnist(*, folders=None, url: str | None = FASHION_URL) -> FashionMNIST:
    """Fashion-MNIST, from the course data folder, then Debian's ``dataset-fashion-mnist``, then a
    checksummed download (when online) into the course data folder."""
    cache = data_home() / "fashion-mnist"
    folders = [cache, DEBIAN_FASHION] if folders is None else list(folders)
    arrays = {}
    try:
        for name, sha in FASHION_FILES.items():
            arrays[name] = _read_idx(fetch_file(name, sha, folders, url, cache))
    except DataUnavailable as err:
        raise DataUnavailable(
            f"Fashion-MNIST is not on this machine and could not be downloaded ({err}). "
            f"Looked in: {', '.join(str(f) for f in folders)}. To fix it: on Debian or Ubuntu run "
            "`sudo apt-get install dataset-fashion-mnist`; or put the four *-ubyte.gz files of "
            f"https://github.com/zalandoresearch/fashion-mnist into {cache}; or connect to the "
            "internet once and run this again.") from err
    return FashionMNIST(arrays["train-images-idx3-ubyte.gz"],
                        arrays["train-labels-idx1-ubyte.gz"].astype(np.int64),
                        arrays["t10k-images-idx3-ubyte.gz"],
                        arrays["t10k-labels-idx1-ubyte.gz"].astype(np.int64))


def fashion_binary(a: int = 0, b: int = 9, *, m_train: int | None = None, m_test: int | None = None,
                   seed: int = 0):
    """Two Fashion-MNIST classes as a binary task (``b`` is label 1), flattened and scaled to
    [0, 1], examples as columns: ``X`` (784, m), ``Y`` (1, m)."""
    data = fashion_mnist()
    rng = np.random.default_rng(seed)

    def pick(X, y, m):
        ix = np.flatnonzero((y == a) | (y == b))
        if m is not None:
            ix = rng.choice(ix, min(m, len(ix)), replace=False)
        return X[ix].reshape(len(ix), -1).T / 255.0, (y[ix] == b).astype(int).reshape(1, -1)

    return (*pick(data.X_train, data.y_train, m_train), *pick(data.X_test, data.y_test, m_test))
