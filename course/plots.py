"""Plot helpers the days share: decision boundaries, learning curves, image grids."""
from __future__ import annotations

import numpy as np


def _axes(ax, figsize=(5, 4)):
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots(figsize=figsize)
    return ax


def decision_boundary(predict, X, Y, *, ax=None, title: str = "", resolution: int = 300):
    """Shade the regions ``predict`` assigns to each class and scatter the points.

    ``predict`` maps an array of shape (2, k) to labels of shape (1, k) or (k,);
    ``X`` is (2, m) and ``Y`` (1, m), examples as columns.
    """
    ax = _axes(ax)
    x_min, x_max = X[0].min() - 0.5, X[0].max() + 0.5
    y_min, y_max = X[1].min() - 0.5, X[1].max() + 0.5
    xx, yy = np.meshgrid(np.linspace(x_min, x_max, resolution), np.linspace(y_min, y_max, resolution))
    Z = np.asarray(predict(np.c_[xx.ravel(), yy.ravel()].T)).reshape(xx.shape)
    ax.contourf(xx, yy, Z, levels=[-0.5, 0.5, 1.5], colors=["#f4c6c6", "#c6d7f4"], alpha=0.8)
    ax.scatter(X[0], X[1], c=np.ravel(Y), cmap="coolwarm_r", s=12, edgecolors="k", linewidths=0.3)
    ax.set(xlabel="$x_1$", ylabel="$x_2$", title=title)
    return ax


def learning_curves(curves: dict, *, ax=None, xlabel: str = "epoch", ylabel: str = "cost",
                    every: int = 1, log: bool = False, title: str = ""):
    """One line per named curve; ``every`` is the step between recorded points."""
    ax = _axes(ax, (6, 3.5))
    for label, values in curves.items():
        ax.plot(np.arange(len(values)) * every, values, label=label)
    if log:
        ax.set_yscale("log")
    ax.set(xlabel=xlabel, ylabel=ylabel, title=title)
    if len(curves) > 1:
        ax.legend()
    return ax


def image_grid(images, titles=None, *, ncols: int = 8, size: float = 1.4, cmap: str = "gray",
               suptitle: str = ""):
    """A grid of small images (each (h, w) or (h, w, 3)) with optional titles."""
    import matplotlib.pyplot as plt

    n = len(images)
    nrows = max(1, -(-n // ncols))
    fig, axes = plt.subplots(nrows, ncols, figsize=(ncols * size, nrows * (size + 0.3)), squeeze=False)
    for i, ax in enumerate(axes.flat):
        ax.axis("off")
        if i < n:
            ax.imshow(images[i], cmap=cmap)
            if titles is not None:
                ax.set_title(str(titles[i]), fontsize=8)
    if suptitle:
        fig.suptitle(suptitle)
    fig.tight_layout()
    return fig
