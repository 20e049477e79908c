"""Plot helpers: they draw what they are given without error (rendered off-screen)."""
import matplotlib

matplotlib.use("agg")

import numpy as np  # noqa: E402

from course import plots  # noqa: E402


def test_decision_boundaries_one_panel_per_model():
    X = np.random.default_rng(0).normal(size=(2, 30))
    Y = (X[0] > 0).astype(int).reshape(1, -1)
    fig = plots.decision_boundaries({"x1 > 0": lambda Z: (Z[0] > 0).astype(int),
                                     "x2 > 0": lambda Z: (Z[1] > 0).reshape(1, -1)},
                                    X, Y, resolution=20, suptitle="two rules")
    assert [ax.get_title() for ax in fig.axes] == ["x1 > 0", "x2 > 0"]
    assert all(ax.collections for ax in fig.axes)  # the shading and the points are drawn
    import matplotlib.pyplot as plt
    plt.close(fig)


def test_error_curves_and_confusion_heatmap_draw_what_they_are_given():
    import matplotlib.pyplot as plt

    ax = plots.error_curves([100, 1000, 10000], {"train": [0.0, 0.05, 0.1], "dev": [0.4, 0.3, 0.2]},
                            baseline=0.05, title="curves")
    assert ax.get_xscale() == "log" and len(ax.lines) == 3  # two curves and the baseline
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["train", "dev", "human level"]
    plt.close(ax.figure)
    C = np.array([[5, 1, 0], [0, 3, 3], [2, 0, 4]])
    ax = plots.confusion_heatmap(C, ["a", "b", "c"], title="C")
    assert np.allclose(ax.images[0].get_array(), C / C.sum(axis=1, keepdims=True))
    assert [t.get_text() for t in ax.get_xticklabels()] == ["a", "b", "c"]
    assert len(ax.texts) == np.count_nonzero(C)
    plt.close(ax.figure)
    ax = plots.confusion_heatmap(C, normalize=False)
    assert ax.texts[0].get_text() == "5"
    plt.close(ax.figure)
