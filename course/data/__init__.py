"""The course's data, all offline: seeded generators for the toy sets, and loaders for the real
data sets that ship in installed packages (faces from scikit-image, Fashion-MNIST from Debian's
`dataset-fashion-mnist` or a checksummed download).

Convention for the NumPy days (02-10): examples are **columns**, so ``X`` has shape
``(n_features, m)`` and ``Y`` has shape ``(1, m)`` with 0/1 labels. PyTorch days use the
rows-are-examples layout of the raw loaders.
"""
from __future__ import annotations

import gzip
import hashlib
import os
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..errors import CourseError


# --- generated sets ---------------------------------------------------------------------------

def planar_flower(m: int = 400, *, petals: int = 4, noise: float = 0.2, seed: int = 0):
    """A two-class "flower": petals alternate red and blue, so no straight line separates them.

    Returns ``X`` of shape (2, m) and ``Y`` of shape (1, m).
    """
    rng = np.random.default_rng(seed)
    per = m // 2
    X = np.zeros((m, 2))
    Y = np.zeros(m, dtype=int)
    radius_max = 4.0
    for label in range(2):
        ix = range(per * label, per * (label + 1) if label == 0 else m)
        n = len(ix)
        t = np.linspace(label * np.pi, (label + 1) * np.pi, n) + rng.normal(0, noise, n)
        r = radius_max * np.sin(petals * t) + rng.normal(0, noise, n)
        X[ix] = np.c_[r * np.sin(t), r * np.cos(t)]
        Y[ix] = label
    return X.T, Y.reshape(1, m)


def circles(m: int = 300, *, noise: float = 0.08, factor: float = 0.5, seed: int = 0):
    """Two concentric circles (inner: class 1). ``X`` (2, m), ``Y`` (1, m)."""
    rng = np.random.default_rng(seed)
    outer = m // 2
    t = rng.uniform(0, 2 * np.pi, m)
    radius = np.where(np.arange(m) < outer, 1.0, factor)
    X = np.c_[radius * np.cos(t), radius * np.sin(t)] + rng.normal(0, noise, (m, 2))
    Y = (np.arange(m) >= outer).astype(int)
    order = rng.permutation(m)
    return X[order].T, Y[order].reshape(1, m)


def moons(m: int = 300, *, noise: float = 0.2, seed: int = 0):
    """Two interleaving half moons. ``X`` (2, m), ``Y`` (1, m)."""
    rng = np.random.default_rng(seed)
    first = m // 2
    t1 = rng.uniform(0, np.pi, first)
    t2 = rng.uniform(0, np.pi, m - first)
    X = np.r_[np.c_[np.cos(t1), np.sin(t1)], np.c_[1 - np.cos(t2), 0.5 - np.sin(t2)]]
    X += rng.normal(0, noise, X.shape)
    Y = np.r_[np.zeros(first, dtype=int), np.ones(m - first, dtype=int)]
    order = rng.permutation(m)
    return X[order].T, Y[order].reshape(1, m)


def goalkeeper(m_train: int = 200, m_test: int = 200, *, noise: float = 0.35, seed: int = 0):
    """Where the goalkeeper should kick so the team's players head the ball: a 2-D field whose
    classes are split by a wavy boundary, observed with noisy labels, so that a large network
    overfits the small training set. Returns ``(X_train, Y_train, X_test, Y_test)``, columns as
    examples."""
    rng = np.random.default_rng(seed)

    def draw(m):
        X = rng.uniform(-1, 1, (2, m))
        boundary = 0.35 * np.sin(3.0 * X[0]) + 0.15 * X[0]
        margin = X[1] - boundary
        flip = rng.random(m) < np.exp(-np.abs(margin) / noise) * 0.5
        Y = ((margin > 0) ^ flip).astype(int)
        return X, Y.reshape(1, m)

    return (*draw(m_train), *draw(m_test))


# --- faces vs non-faces (scikit-image) ---------------------------------------------------------

def faces(*, test_fraction: float = 0.25, seed: int = 0):
    """scikit-image's ``lfw_subset``: 100 faces and 100 non-faces, 25x25 grey images.

    Returns ``(X_train, Y_train, X_test, Y_test)`` with images of shape (m, 25, 25) in [0, 1] and
    labels of shape (1, m) (1 = face), split with the classes balanced.
    """
    from skimage.data import lfw_subset

    images = lfw_subset().astype(np.float64)
    images = (images - images.min()) / (images.max() - images.min())
    labels = np.r_[np.ones(100, dtype=int), np.zeros(len(images) - 100, dtype=int)]
    rng = np.random.default_rng(seed)
    test = np.zeros(len(images), dtype=bool)
    for label in (0, 1):
        ix = np.flatnonzero(labels == label)
        test[rng.choice(ix, int(round(len(ix) * test_fraction)), replace=False)] = True
    train_ix, test_ix = rng.permutation(np.flatnonzero(~test)), rng.permutation(np.flatnonzero(test))
    return (images[train_ix], labels[train_ix].reshape(1, -1),
            images[test_ix], labels[test_ix].reshape(1, -1))


# --- Fashion-MNIST -----------------------------------------------------------------------------

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


class DataUnavailable(CourseError, RuntimeError):
    """A data set is on none of the places the course looks, and cannot be downloaded."""


class ChecksumMismatch(DataUnavailable):
    """A data file's contents are not the ones the course expects (a broken or wrong file)."""


def data_home() -> Path:
    """The course's data folder: ``COURSE_DATA`` if set, else a ``data`` folder in the user's
    course home (``COURSE_HOME`` or the platform's user data folder)."""
    if os.environ.get("COURSE_DATA"):
        return Path(os.environ["COURSE_DATA"]).expanduser()
    if os.environ.get("COURSE_HOME"):
        return Path(os.environ["COURSE_HOME"]).expanduser() / "data"
    from platformdirs import user_data_dir

    return Path(user_data_dir("100-days-of-deep-learning", appauthor=False)) / "data"


def _digest(path: Path) -> str:
    with gzip.open(path, "rb") as f:
        return hashlib.file_digest(f, "sha256").hexdigest() if hasattr(hashlib, "file_digest") \
            else hashlib.sha256(f.read()).hexdigest()


def _verified(path: Path, sha256: str) -> bool:
    try:
        return _digest(path) == sha256
    except (OSError, EOFError, gzip.BadGzipFile):
        return False


def fetch(name: str, sha256: str, folders, url: str | None, cache: Path) -> Path:
    """A verified data file: the first good copy in ``folders``, else downloaded from ``url``
    into ``cache`` (and checked before it is kept)."""
    for folder in folders:
        path = Path(folder) / name
        if path.exists() and _verified(path, sha256):
            return path
    if url is None:
        raise DataUnavailable(name)
    cache.mkdir(parents=True, exist_ok=True)
    target = cache / name
    partial = target.with_name(target.name + ".part")
    try:
        with urllib.request.urlopen(url + name, timeout=30) as response, open(partial, "wb") as out:
            while chunk := response.read(1 << 20):
                out.write(chunk)
    except OSError as err:
        partial.unlink(missing_ok=True)
        raise DataUnavailable(f"{name}: download from {url} failed ({err})") from err
    if not _verified(partial, sha256):
        partial.unlink(missing_ok=True)
        raise ChecksumMismatch(f"{name} downloaded from {url} does not match its checksum; "
                               "it was deleted. Try again later, or copy the file by hand.")
    partial.replace(target)
    return target


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
            arrays[name] = _read_idx(fetch(name, sha, folders, url, cache))
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
