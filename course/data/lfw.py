"""Faces vs non-faces: scikit-image's ``lfw_subset`` (installed with scikit-image, offline).

The module is named after its source so that ``course.data.faces`` stays the loader function."""
from __future__ import annotations

import numpy as np


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
