import numpy as np
import pytest
from scipy import ndimage

from course import diagnosis


def test_split_is_a_seeded_shuffled_partition():
    train, dev, test = diagnosis.train_dev_test_split(50, 7, 9, seed=3)
    assert (len(train), len(dev), len(test)) == (34, 7, 9)
    assert np.array_equal(np.sort(np.concatenate([train, dev, test])), np.arange(50))
    again = diagnosis.train_dev_test_split(50, 7, 9, seed=3)
    assert all(np.array_equal(a, b) for a, b in zip((train, dev, test), again))
    assert not np.array_equal(dev, diagnosis.train_dev_test_split(50, 7, 9, seed=4)[1])
    assert not np.array_equal(np.sort(dev), np.arange(7))
    with pytest.raises(ValueError, match="at most m"):
        diagnosis.train_dev_test_split(10, 6, 6)


def test_confusion_matrix_matches_a_loop():
    rng = np.random.default_rng(0)
    y, y_hat = rng.integers(0, 6, 300), rng.integers(0, 6, 300)
    loop = np.zeros((8, 8), dtype=int)
    for t, p in zip(y, y_hat):
        loop[t, p] += 1
    assert np.array_equal(diagnosis.confusion_matrix(y, y_hat, 8), loop)
    assert diagnosis.confusion_matrix(y, y_hat).shape == (6, 6)
    assert diagnosis.confusion_matrix([1, 0], [0, 0]).tolist() == [[1, 0], [1, 0]]
    with pytest.raises(ValueError, match="same number"):
        diagnosis.confusion_matrix([1, 2], [1])


def test_precision_recall_and_top_confusions():
    C = np.array([[5, 1, 0], [2, 3, 1], [0, 0, 0]])
    precision, recall = diagnosis.precision_recall(C)
    assert np.allclose(precision, [5 / 7, 3 / 4, 0]) and np.allclose(recall, [5 / 6, 3 / 6, 0])
    C = np.array([[9, 4, 1], [4, 9, 0], [2, 7, 9]])
    assert diagnosis.top_confusions(C, 3) == [(2, 1, 7), (0, 1, 4), (1, 0, 4)]
    assert diagnosis.top_confusions(C, 10)[-1] == (0, 2, 1) and len(diagnosis.top_confusions(C, 10)) == 5


def test_learning_curve_trains_on_prefixes():
    seen = []

    def fit(X, y):
        seen.append(len(X))
        label = np.bincount(y).argmax()
        return lambda X: np.full(len(X), label)

    y = np.array([0, 0, 1, 1, 1, 0, 1, 1])
    train, dev = diagnosis.learning_curve(fit, np.zeros((8, 1)), y, np.zeros((4, 1)),
                                          np.array([1, 1, 0, 1]), [2, 4, 8])
    assert seen == [2, 4, 8]
    assert np.allclose(train, [0, 0.5, 0.375]) and np.allclose(dev, [0.75, 0.75, 0.25])


@pytest.mark.parametrize("errors, problem", [
    ((0.01, 0.10, 0.11, 0.12), "avoidable bias"),
    ((0.01, 0.02, 0.10, 0.11), "variance"),
    ((0.00, 0.01, 0.015, 0.10), "data mismatch"),
])
def test_diagnose_names_the_largest_gap(errors, problem):
    gaps, found = diagnosis.diagnose(*errors)
    human, train, train_dev, dev = errors
    assert found == problem and set(gaps) == set(diagnosis.PROBLEMS) == set(diagnosis.REMEDIES)
    assert np.isclose(sum(gaps.values()), dev - human)
    assert np.isclose(gaps["variance"], train_dev - train)


def test_rotate_matches_rot90_and_scipy():
    images = np.random.default_rng(1).random((3, 12, 10))
    square = images[:, :10, :]
    assert np.allclose(diagnosis.rotate(images, [0, 0, 0]), images)
    assert np.allclose(diagnosis.rotate(square, [90, 90, 90]), np.rot90(square, axes=(1, 2)))
    turned = diagnosis.rotate(images[:1], [23.0])[0]
    reference = ndimage.rotate(images[0], 23.0, reshape=False, order=1, mode="constant")
    assert np.allclose(turned[3:-3, 3:-3], reference[3:-3, 3:-3])  # away from the borders


def test_shift_is_seeded_darker_and_in_range():
    images = (np.random.default_rng(2).random((20, 28, 28)) * 255).astype(np.uint8)
    shifted = diagnosis.shift(images, seed=5)
    assert shifted.shape == images.shape and shifted.dtype == np.float32
    assert 0 <= shifted.min() and shifted.max() <= 1
    assert np.array_equal(shifted, diagnosis.shift(images, seed=5))
    assert not np.array_equal(shifted, diagnosis.shift(images, seed=6))
    assert shifted.mean() < images.mean() / 255
    plain = diagnosis.shift(images / 255, seed=5, brightness=(1, 1), background=(0, 0),
                            max_angle=0, noise=0)
    assert np.allclose(plain, images / 255, atol=1e-6)


def test_augment_with_appends_transformed_copies():
    X, y = np.arange(20.0).reshape(10, 2), np.arange(10)
    before = X.copy()
    X_aug, y_aug = diagnosis.augment_with(X, y, lambda Z: -Z, 0.3, seed=1)
    assert X_aug.shape == (13, 2) and y_aug.shape == (13,)
    assert np.array_equal(X_aug[:10], X) and np.array_equal(X, before)
    assert np.array_equal(X_aug[10:], -X[y_aug[10:]])  # labels follow their examples
    assert len(set(y_aug[10:])) == 3
