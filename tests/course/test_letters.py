"""Day 17's letters: balanced, reproducible, varied, in Fashion-MNIST's format."""
import numpy as np
import pytest

from course.data import LETTERS, letter_fonts, letters


def test_letters_are_balanced_uint8_images_labelled_by_their_index_into_the_alphabet():
    X, y = letters(4, classes=[13, 0, 25], seed=0)
    assert X.shape == (12, 28, 28) and X.dtype == np.uint8
    assert y.dtype == np.int64 and list(y) == [13] * 4 + [0] * 4 + [25] * 4
    assert LETTERS[13] == "N" and len(LETTERS) == 26
    ink = X.reshape(12, -1).astype(float).mean(axis=1)
    assert (ink > 10).all() and (ink < 120).all()  # a letter on a dark background, not blank or white
    centre, border = X[:, 8:20, 8:20].mean(), np.concatenate([X[:, :2].ravel(), X[:, -2:].ravel()]).mean()
    assert centre > 3 * border  # drawn near the centre


def test_the_same_seed_gives_the_same_images_and_another_seed_others():
    X1, y1 = letters(3, classes=range(26), seed=5)
    X2, y2 = letters(3, classes=range(26), seed=5)
    X3, _ = letters(3, classes=range(26), seed=6)
    assert np.array_equal(X1, X2) and np.array_equal(y1, y2)
    assert not np.array_equal(X1, X3)


def test_no_two_images_of_a_letter_are_alike_and_letters_differ_more_than_their_images():
    X, y = letters(30, classes=[0, 1], seed=1)
    X = X.reshape(60, -1).astype(float) / 255
    d = np.linalg.norm(X[:, None] - X[None], axis=2)
    assert d[np.triu_indices(60, 1)].min() > 0.5  # faces, slants, shifts and noise all differ
    same = d[:30, :30][np.triu_indices(30, 1)].mean()
    other = d[:30, 30:].mean()
    assert same < other  # an A is nearer other A's than B's, on average


def test_fonts_come_with_matplotlib_and_bad_arguments_say_what_is_allowed():
    fonts = letter_fonts()
    assert len(fonts) >= 20 and all(f.suffix == ".ttf" for f in fonts)
    with pytest.raises(ValueError, match="0..25"):
        letters(2, classes=[26])
    with pytest.raises(ValueError, match="n_per_class"):
        letters(-1)
    X, y = letters(0, classes=[1, 2])
    assert X.shape == (0, 28, 28) and y.shape == (0,)
