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


def test_filter_grid_one_panel_per_filter_on_one_scale_centred_on_zero():
    import matplotlib.pyplot as plt

    w = np.random.default_rng(1).normal(size=(10, 2, 3, 3))
    fig = plots.filter_grid(w, channel=1, ncols=4, suptitle="filters")
    images = [ax.images[0] for ax in fig.axes if ax.images]
    assert len(images) == 10 and len(fig.axes) == 12  # 3 rows of 4, two panels left empty
    assert np.allclose(images[3].get_array(), w[3, 1])
    vmax = np.abs(w[:, 1]).max()
    assert all(im.get_clim() == (-vmax, vmax) for im in images)
    plt.close(fig)
    try:
        plots.filter_grid(w[:, 0])
    except ValueError as err:
        assert "conv.weight" in str(err)
    else:
        raise AssertionError("a 3-d array is not a convolution weight")


def test_feature_map_grid_one_row_per_layer_with_the_input_first():
    import matplotlib.pyplot as plt
    import torch

    maps = {"conv 1": torch.rand(16, 8, 8, requires_grad=True), "block 2": np.random.rand(3, 4, 4)}
    image = np.random.rand(8, 8)
    fig = plots.feature_map_grid(maps, image, max_channels=5)
    axes = np.array(fig.axes).reshape(2, 6)  # 1 input + at most 5 channels per row
    assert np.allclose(axes[0, 0].images[0].get_array(), image)
    assert np.allclose(axes[0, 3].images[0].get_array(), maps["conv 1"][2].detach().numpy())
    assert [len(ax.images) for ax in axes[1]] == [1, 1, 1, 1, 0, 0]  # 3 channels, 2 empty panels
    assert axes[1, 1].get_title(loc="left") == "block 2: 4×4"
    plt.close(fig)
    fig = plots.feature_map_grid({"x": np.random.rand(2, 3, 3)})
    assert len(fig.axes) == 2 and all(ax.images for ax in fig.axes)
    plt.close(fig)


def test_points_colours_each_example_by_its_label_and_refuses_rows_as_examples():
    import matplotlib.pyplot as plt
    import pytest

    X = np.array([[0.0, 1.0, 2.0], [1.0, 0.0, -1.0]])
    ax = plots.points(X, np.array([[0, 1, 1]]), title="three", equal=True)
    (scatter,) = ax.collections
    assert np.array_equal(scatter.get_offsets(), X.T)
    assert np.array_equal(scatter.get_array(), [0, 1, 1])
    assert ax.get_title() == "three" and ax.get_aspect() == 1.0
    plt.close(ax.figure)
    with pytest.raises(ValueError, match=r"\(2, m\)"):
        plots.points(X.T, [0, 1, 1])


def test_relative_errors_one_bar_per_parameter_and_series_with_zeros_at_the_floor():
    import matplotlib.pyplot as plt

    ax = plots.relative_errors({"dW1": 1e-9, "db1": 0.0}, target=1e-7)
    assert [p.get_height() for p in ax.patches] == [1e-9, 1e-18]
    assert ax.get_yscale() == "log" and ax.lines[0].get_ydata()[0] == 1e-7
    plt.close(ax.figure)
    ax = plots.relative_errors({"buggy": {"dW1": 0.5, "db1": 1e-11}, "fixed": {"dW1": 1e-12, "db1": 0}},
                               floor=1e-16)
    assert [p.get_height() for p in ax.patches] == [0.5, 1e-11, 1e-12, 1e-16]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["dW1", "db1"]
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["target 1e-07", "buggy", "fixed"]
    plt.close(ax.figure)


def test_image_grid_titles_clear_the_row_above():
    """Titles wider than their images (Days 05 and 20) stay below the images of the row above."""
    import matplotlib.pyplot as plt

    titles = ["Pullover", "d = 0.53: different ✘"] * 8
    fig = plots.image_grid(np.random.default_rng(0).random((16, 28, 28)), titles, ncols=8, size=1.5,
                           suptitle="pairs")
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    first_row_bottom = min(ax.get_window_extent(renderer).y0 for ax in fig.axes[:8])
    second_row_title_top = max(ax.title.get_window_extent(renderer).y1 for ax in fig.axes[8:])
    assert second_row_title_top <= first_row_bottom
    plt.close(fig)
