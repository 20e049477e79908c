"""Structuring ML projects (Day 12): splits, confusion matrices, error analysis, bias / variance /
data-mismatch diagnosis, and a shifted distribution to practise on.

Learners build these on Day 12 (the notebook teaches); later days import them from here (the
library serves). Labels are integer class indices in ``0 .. num_classes - 1``; images are
``(m, height, width)`` arrays, examples along the first axis (the PyTorch days' layout).
"""
from __future__ import annotations

import numpy as np

PROBLEMS = ("avoidable bias", "variance", "data mismatch")


# --- splits ------------------------------------------------------------------------------------

def train_dev_test_split(m: int, dev_size: int, test_size: int, seed: int = 0):
    """Shuffle ``range(m)`` and cut it into disjoint train, dev and test index arrays.

    Returns ``(train_ix, dev_ix, test_ix)`` of sizes ``m - dev_size - test_size``, ``dev_size`` and
    ``test_size``; the same ``seed`` gives the same split.
    """
    if dev_size < 0 or test_size < 0 or dev_size + test_size > m:
        raise ValueError(f"dev_size ({dev_size}) and test_size ({test_size}) must be non-negative "
                         f"and together at most m ({m}).")
    order = np.random.default_rng(seed).permutation(m)
    return (order[dev_size + test_size:], order[:dev_size], order[dev_size:dev_size + test_size])


# --- confusion matrix and error analysis ---------------------------------------------------------

def confusion_matrix(y_true, y_pred, num_classes: int | None = None) -> np.ndarray:
    """``C[i, j]`` = how many examples of true class ``i`` were predicted as class ``j``.

    Rows are true classes, columns predictions (scikit-learn's convention); an int64 array of shape
    ``(num_classes, num_classes)``, ``num_classes`` defaulting to one more than the largest label.
    """
    y_true = np.asarray(y_true, dtype=np.int64).ravel()
    y_pred = np.asarray(y_pred, dtype=np.int64).ravel()
    if y_true.shape != y_pred.shape:
        raise ValueError(f"y_true and y_pred need the same number of labels, got {y_true.size} "
                         f"and {y_pred.size}.")
    if num_classes is None:
        num_classes = int(max(y_true.max(initial=-1), y_pred.max(initial=-1))) + 1
    counts = np.bincount(y_true * num_classes + y_pred, minlength=num_classes * num_classes)
    return counts.reshape(num_classes, num_classes)


def precision_recall(C):
    """Per-class precision (of the examples predicted as k, the share that are k) and recall (of
    the examples of class k, the share predicted as k) from a confusion matrix ``C``.

    A class never predicted gets precision 0; a class that never occurs gets recall 0.
    """
    C = np.asarray(C, dtype=float)
    hits = np.diag(C)
    predicted, actual = C.sum(axis=0), C.sum(axis=1)
    precision = np.divide(hits, predicted, out=np.zeros_like(hits), where=predicted > 0)
    recall = np.divide(hits, actual, out=np.zeros_like(hits), where=actual > 0)
    return precision, recall


def top_confusions(C, k: int = 5):
    """The ``k`` largest off-diagonal entries of ``C`` as ``(true, predicted, count)`` tuples of
    ints, largest first (ties: smaller true class, then smaller predicted class first); entries of
    0 are left out."""
    C = np.asarray(C)
    n = C.shape[0]
    pairs = [(int(C[i, j]), i, j) for i in range(n) for j in range(n) if i != j and C[i, j] > 0]
    pairs.sort(key=lambda p: (-p[0], p[1], p[2]))
    return [(i, j, count) for count, i, j in pairs[:k]]


# --- learning curves and diagnosis ------------------------------------------------------------------

def error_rate(y_hat, y) -> float:
    """The fraction of labels ``y_hat`` gets wrong."""
    return float(np.mean(np.asarray(y_hat).ravel() != np.asarray(y).ravel()))


def learning_curve(fit, X, y, X_dev, y_dev, sizes):
    """Train on the first ``n`` examples for each ``n`` in ``sizes`` and measure the errors.

    ``fit(X, y)`` trains a model and returns a ``predict(X) -> labels`` function. Returns
    ``(train_errors, dev_errors)``, arrays of ``len(sizes)``: the error on the ``n`` examples the
    model saw, and on the whole dev set.
    """
    train_errors, dev_errors = [], []
    for n in sizes:
        predict = fit(X[:n], y[:n])
        train_errors.append(error_rate(predict(X[:n]), y[:n]))
        dev_errors.append(error_rate(predict(X_dev), y_dev))
    return np.array(train_errors), np.array(dev_errors)


def diagnose(human_error: float, train_error: float, train_dev_error: float, dev_error: float):
    """Split the dev error into avoidable bias, variance and data mismatch (Ng's recipe).

    Returns ``(gaps, problem)``: ``gaps`` maps each of ``PROBLEMS`` to its size (train - human,
    train-dev - train, dev - train-dev) and ``problem`` is the name of the largest.
    """
    gaps = {"avoidable bias": train_error - human_error,
            "variance": train_dev_error - train_error,
            "data mismatch": dev_error - train_dev_error}
    return gaps, max(gaps, key=gaps.get)


REMEDIES = {
    "avoidable bias": "a bigger model, training longer or with a better optimiser, a better architecture",
    "variance": "more training data, regularisation (L2, dropout, augmentation), a smaller model",
    "data mismatch": "error analysis on dev, then training data that looks like dev "
                     "(collect it, or synthesise it)",
}


# --- a shifted distribution -------------------------------------------------------------------------

def rotate(images, angles):
    """Rotate each image about its centre by its angle in degrees (counter-clockwise), with
    bilinear interpolation; pixels that come from outside the image are 0.

    Inputs: ``images`` (m, h, w), ``angles`` (m,). Returns a float64 array (m, h, w).
    """
    images = np.asarray(images, dtype=np.float64)
    m, h, w = images.shape
    theta = np.deg2rad(np.asarray(angles, dtype=np.float64)).reshape(m, 1, 1)
    rows, cols = np.meshgrid(np.arange(h, dtype=np.float64), np.arange(w, dtype=np.float64),
                             indexing="ij")
    cy, cx = (h - 1) / 2, (w - 1) / 2
    y, x = cy - rows, cols - cx  # y points up, so positive angles turn counter-clockwise
    cos, sin = np.cos(theta), np.sin(theta)
    # Where each output pixel comes from: rotate its position back by -theta.
    src_x = cos * x + sin * y
    src_y = -sin * x + cos * y
    src_c, src_r = src_x + cx, cy - src_y
    r0, c0 = np.floor(src_r), np.floor(src_c)
    fr, fc = src_r - r0, src_c - c0
    # Read from a copy padded with zeros (out-of-range reads land on them), by flat index.
    H, W = h + 3, w + 3
    padded = np.pad(images, ((0, 0), (1, 2), (1, 2))).ravel()
    r0 = np.clip(r0.astype(np.int64) + 1, 0, h + 1)
    c0 = np.clip(c0.astype(np.int64) + 1, 0, w + 1)
    flat = np.arange(m).reshape(m, 1, 1) * (H * W) + r0 * W + c0
    out = ((1 - fr) * ((1 - fc) * padded[flat] + fc * padded[flat + 1])
           + fr * ((1 - fc) * padded[flat + W] + fc * padded[flat + W + 1]))
    return np.where(np.abs(out) < 1e-12, 0.0, out)


def shift(images, *, seed: int = 0, brightness=(0.35, 0.7), background=(0.0, 0.15),
          max_angle: float = 20.0, noise: float = 0.08):
    """Photos "from users' phones": each image rotated by up to ``max_angle`` degrees, darker and
    with less contrast (``x -> a * x + b``, ``a`` in ``brightness``, ``b`` in ``background``), plus
    Gaussian pixel noise, clipped to [0, 1].

    Inputs: ``images`` (m, h, w), uint8 in 0..255 or floats in [0, 1]. Returns float32 (m, h, w)
    in [0, 1]; the same ``seed`` gives the same images.
    """
    images = np.asarray(images)
    x = images / 255.0 if images.dtype == np.uint8 else images.astype(np.float64)
    m = len(x)
    rng = np.random.default_rng(seed)
    angles = rng.uniform(-max_angle, max_angle, m)
    a = rng.uniform(*brightness, (m, 1, 1))
    b = rng.uniform(*background, (m, 1, 1))
    out = a * rotate(x, angles) + b + rng.normal(0, noise, x.shape)
    return np.clip(out, 0, 1).astype(np.float32)


def augment_with(X, y, transform, fraction: float, seed: int = 0):
    """``X`` and ``y`` with ``round(fraction * m)`` randomly chosen examples, passed through
    ``transform``, appended (labels copied). The inputs are left unchanged."""
    m = len(X)
    pick = np.random.default_rng(seed).choice(m, int(round(fraction * m)), replace=False)
    return np.concatenate([X, transform(X[pick])]), np.concatenate([y, y[pick]])
