"""Seeded toy data sets for the NumPy days: examples are columns, ``X`` (2, m), ``Y`` (1, m)."""
from __future__ import annotations

import numpy as np


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
