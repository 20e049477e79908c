"""Plot helpers the days share: 2-D data sets and decision boundaries, learning curves, image
grids, relative-error bars, confusion matrices, filters and feature maps."""
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
    return points(X, Y, ax=ax, title=title)


def points(X, Y, *, ax=None, title: str = "", size: float = 12, equal: bool = False):
    """A 2-D data set: ``X`` (2, m), examples as columns, each point coloured by its label ``Y``
    ((1, m) or (m,), 0 red, 1 blue: the colours of :func:`decision_boundary`'s regions).
    ``equal`` gives both axes the same scale (circles look round). Days 03, 06 and 07 show their
    data with it."""
    X = np.asarray(X)
    if X.ndim != 2 or X.shape[0] != 2:
        raise ValueError(f"X should have shape (2, m), one example per column; got {X.shape}.")
    ax = _axes(ax, (4.5, 4))
    ax.scatter(X[0], X[1], c=np.ravel(Y), cmap="coolwarm_r", s=size, edgecolors="k",
               linewidths=0.3)
    ax.set(xlabel="$x_1$", ylabel="$x_2$", title=title)
    if equal:
        ax.set_aspect("equal")
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
    lines = max((str(t).count("\n") + 1 for t in titles), default=0) if titles is not None else 0
    # Constrained layout keeps each row's titles clear of the images above them, also when a title
    # is wider than its image (tight_layout let the second row's titles run into the first row).
    fig, axes = plt.subplots(nrows, ncols, figsize=(ncols * size, nrows * (size + 0.2 * lines)),
                             squeeze=False, layout="constrained")
    for i, ax in enumerate(axes.flat):
        ax.axis("off")
        if i < n:
            ax.imshow(images[i], cmap=cmap)
            if titles is not None:
                ax.set_title(str(titles[i]), fontsize=8)
    if suptitle:
        fig.suptitle(suptitle)
    return fig


def decision_boundaries(predicts: dict, X, Y, *, size: float = 3.6, suptitle: str = "",
                        resolution: int = 200):
    """Several models' decision boundaries side by side, one panel per ``{title: predict}``
    (each ``predict`` as in :func:`decision_boundary`), on the same points ``X``, ``Y``.
    Added on Day 06 (initialisations) and used again on Day 07 (regularisers)."""
    import matplotlib.pyplot as plt

    n = len(predicts)
    fig, axes = plt.subplots(1, n, figsize=(size * n, size), squeeze=False, sharex=True, sharey=True)
    for ax, (name, predict) in zip(axes.flat, predicts.items()):
        decision_boundary(predict, X, Y, ax=ax, title=name, resolution=resolution)
    for ax in axes.flat[1:]:
        ax.set_ylabel("")
    if suptitle:
        fig.suptitle(suptitle)
    fig.tight_layout()
    return fig


def relative_errors(errors: dict, *, target: float = 1e-7, ax=None, title: str = "",
                    ylabel: str = "relative error", floor: float = 1e-18):
    """Relative errors per parameter as bars on a log scale, with the dashed ``target`` line.

    ``errors`` is ``{parameter: error}`` for one set of bars, or ``{label: {parameter: error}}``
    for several side by side (e.g. a buggy and a fixed backward pass); errors below ``floor``
    (exact zeros included) are drawn at ``floor``. Days 04 (gradients against autograd) and 08
    (gradient checking) use it."""
    ax = _axes(ax, (7, 3.5))
    series = errors if all(isinstance(v, dict) for v in errors.values()) else {"": errors}
    names = list(dict.fromkeys(k for v in series.values() for k in v))
    width = 0.8 / len(series)
    positions = np.arange(len(names))
    colours = ["tab:red", "tab:green", "tab:blue", "tab:orange"] if len(series) > 1 else ["tab:blue"]
    for i, (label, values) in enumerate(series.items()):
        heights = [max(float(values.get(k, np.nan)), floor) for k in names]
        ax.bar(positions + (i - (len(series) - 1) / 2) * width, heights, width,
               label=label or None, color=colours[i % len(colours)])
    ax.axhline(target, color="k", linestyle="--", linewidth=1, label=f"target {target:g}")
    ax.set_xticks(positions, names)
    ax.set(yscale="log", ylim=(floor, max(1.0, ax.get_ylim()[1])), ylabel=ylabel, title=title)
    ax.legend(fontsize=8)
    return ax


def error_curves(sizes, curves: dict, *, baseline: float | None = None,
                 baseline_label: str = "human level", ax=None, xlabel: str = "training examples",
                 ylabel: str = "error", title: str = ""):
    """Learning curves against the training-set size: one line per ``{label: errors}`` (each
    as long as ``sizes``), a log-scaled x axis, and an optional dashed ``baseline`` (e.g. the
    human-level error). Added on Day 12 (structuring ML projects)."""
    ax = _axes(ax, (6, 3.8))
    for label, values in curves.items():
        ax.plot(sizes, values, "o-", label=label)
    if baseline is not None:
        ax.axhline(baseline, color="gray", linestyle="--", label=baseline_label)
    ax.set_xscale("log")
    ax.set_xticks(list(sizes), [f"{s:,}" for s in sizes], rotation=45 if len(sizes) > 5 else 0)
    ax.minorticks_off()
    ax.set(xlabel=xlabel, ylabel=ylabel, title=title, ylim=(0, None))
    ax.legend()
    return ax


def confusion_heatmap(C, classes=None, *, normalize: bool = True, ax=None, title: str = "",
                      cmap: str = "Blues"):
    """A confusion matrix ``C`` (rows: true class, columns: predicted) as a heat map with the
    numbers written in the cells; ``normalize`` shows each row as shares of its true class.
    Added on Day 12 (structuring ML projects)."""
    C = np.asarray(C, dtype=float)
    n = C.shape[0]
    shown = C / np.maximum(C.sum(axis=1, keepdims=True), 1) if normalize else C
    ax = _axes(ax, (0.6 * n + 2.5, 0.6 * n + 1.8))
    image = ax.imshow(shown, cmap=cmap, vmin=0)
    classes = [str(k) for k in range(n)] if classes is None else [str(c) for c in classes]
    ax.set_xticks(range(n), classes, rotation=45, ha="right")
    ax.set_yticks(range(n), classes)
    ax.set(xlabel="predicted", ylabel="true", title=title)
    high = shown.max() if shown.size else 0
    for i in range(n):
        for j in range(n):
            text = f"{shown[i, j]:.2f}".lstrip("0") if normalize else f"{int(C[i, j])}"
            if shown[i, j] > 0:
                ax.text(j, i, text, ha="center", va="center", fontsize=7,
                        color="white" if shown[i, j] > 0.6 * high else "black")
    ax.figure.colorbar(image, ax=ax, fraction=0.046, pad=0.04)
    return ax


def _numpy(x) -> np.ndarray:
    """A NumPy array of ``x``, also of a torch tensor on any device or one that requires grad."""
    if hasattr(x, "detach"):
        x = x.detach().cpu().numpy()
    return np.asarray(x)


def filter_grid(weight, *, channel: int = 0, ncols: int = 8, size: float = 0.9, suptitle: str = ""):
    """The filters of a convolution layer, one small image per output channel: ``weight`` is its
    (out_channels, in_channels, k, k) weight (a tensor or array), shown for input ``channel``.
    One colour scale for all, centred on 0 (red positive, blue negative), so that strong and
    weak filters can be told apart. Added on Day 15 (a CNN in PyTorch)."""
    import matplotlib.pyplot as plt

    w = _numpy(weight)
    if w.ndim != 4:
        raise ValueError(f"filter_grid needs a convolution weight (out_channels, in_channels, k, k), "
                         f"got shape {w.shape}: pass conv.weight of an nn.Conv2d.")
    w = w[:, channel]
    n = len(w)
    ncols = min(ncols, n)
    nrows = -(-n // ncols)
    vmax = float(np.abs(w).max()) or 1.0
    fig, axes = plt.subplots(nrows, ncols, figsize=(ncols * size, nrows * size + 0.4), squeeze=False)
    for i, ax in enumerate(axes.flat):
        ax.axis("off")
        if i < n:
            ax.imshow(w[i], cmap="RdBu_r", vmin=-vmax, vmax=vmax)
            ax.set_title(str(i), fontsize=7)
    if suptitle:
        fig.suptitle(suptitle)
    fig.tight_layout()
    return fig


def feature_map_grid(maps: dict, image=None, *, max_channels: int = 8, size: float = 1.1,
                     cmap: str = "viridis", suptitle: str = ""):
    """What a network sees, layer by layer: one row per ``{name: maps}`` entry (maps of one image,
    (C, H, W), a tensor or array), its first ``max_channels`` channels side by side, each scaled
    to its own range; ``image`` (H, W), if given, opens each row. Added on Day 15 (a CNN in
    PyTorch)."""
    import matplotlib.pyplot as plt

    rows = {name: _numpy(m) for name, m in maps.items()}
    for name, m in rows.items():
        if m.ndim != 3:
            raise ValueError(f"feature_map_grid wants each entry as (C, H, W), the maps of one image; "
                             f"{name!r} has shape {m.shape}: take one image, maps[0].")
    offset = 0 if image is None else 1
    ncols = offset + max(min(max_channels, len(m)) for m in rows.values())
    fig, axes = plt.subplots(len(rows), ncols, figsize=(ncols * size, len(rows) * (size + 0.25)),
                             squeeze=False)
    for r, (name, m) in enumerate(rows.items()):
        for ax in axes[r]:
            ax.axis("off")
        if image is not None:
            axes[r, 0].imshow(_numpy(image), cmap="gray")
            axes[r, 0].set_title("input", fontsize=7)
        for c in range(min(max_channels, len(m))):
            ax = axes[r, offset + c]
            ax.imshow(m[c], cmap=cmap)
            ax.set_title(f"{name}: {m.shape[1]}×{m.shape[2]}" if c == 0 else f"[{c}]", fontsize=7,
                         loc="left" if c == 0 else "center")
    if suptitle:
        fig.suptitle(suptitle)
    fig.tight_layout()
    return fig
