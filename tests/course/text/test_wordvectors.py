"""course.text.wordvectors against hand-computed values and torch.nn.functional.cosine_similarity."""
import numpy as np
import pytest
import torch

from course.text import wordvectors as wv


def test_cosine_similarity_by_hand_and_against_torch():
    assert wv.cosine_similarity([1.0, 0.0], [0.0, 2.0]) == 0.0
    assert wv.cosine_similarity([3.0, 4.0], [6.0, 8.0]) == pytest.approx(1.0)
    assert wv.cosine_similarity([1.0, 2.0, 2.0], [2.0, -1.0, 2.0]) == pytest.approx(4 / 9)
    assert wv.cosine_similarity([1.0, 1.0], [-1.0, -1.0]) == pytest.approx(-1.0)
    assert wv.cosine_similarity([0.0, 0.0], [1.0, 2.0]) == 0.0
    rng = np.random.default_rng(0)
    for _ in range(5):
        u, v = rng.normal(size=(2, 17)) * rng.uniform(0.1, 10, (2, 1))
        ref = torch.nn.functional.cosine_similarity(torch.tensor(u), torch.tensor(v), dim=0).item()
        assert wv.cosine_similarity(u, v) == pytest.approx(ref, rel=1e-12)
        assert isinstance(wv.cosine_similarity(u, v), float)


def toy_map():
    # a 3-D world: x is "royalty", y is "gender" (+ female), z is everything else
    vectors = {"man": [0.0, -1.0, 1.0], "woman": [0.0, 1.0, 1.0], "king": [1.0, -1.0, 0.5],
               "queen": [1.0, 1.0, 0.5], "apple": [0.0, 0.0, 1.0], "prince": [1.0, -1.2, 0.3]}
    return {w: np.array(v) / np.linalg.norm(v) for w, v in vectors.items()}


def test_complete_analogy_excludes_the_question_words():
    m = toy_map()
    assert wv.complete_analogy("man", "woman", "king", m) == "queen"
    assert wv.complete_analogy("Woman", "MAN", "queen", m) in ("king", "prince")
    # without the exclusion, b - a + c ~ c here: the answer must still not be c
    m2 = {"a": np.array([1.0, 0.0]), "b": np.array([1.0, 0.01]), "c": np.array([0.0, 1.0]),
          "d": np.array([0.1, 1.0])}
    assert wv.complete_analogy("a", "b", "c", m2) == "d"


def test_answer_analogies_matches_the_one_word_version():
    rng = np.random.default_rng(1)
    words = [f"w{i}" for i in range(40)]
    E = rng.normal(size=(40, 5))
    m = {w: e / np.linalg.norm(e) for w, e in zip(words, E)}
    questions = [tuple(rng.choice(words, 3, replace=False)) for _ in range(30)]
    assert wv.answer_analogies(questions, words, E, batch_size=7) == [
        wv.complete_analogy(a, b, c, m) for a, b, c in questions]
    only_c = wv.answer_analogies(questions, words, E, only_c=True)
    for (a, b, c), d in zip(questions, only_c):
        sims = {w: wv.cosine_similarity(m[w], m[c]) for w in words if w not in (a, b, c)}
        assert d == max(sims, key=sims.get)


def test_analogy_accuracy_per_category_and_random_baseline():
    m = toy_map()
    words, E = list(m), np.array(list(m.values()))
    qs = {"royal": [("man", "woman", "king", "queen"), ("man", "woman", "king", "apple")],
          "skip": [("man", "woman", "unknown", "queen")]}
    acc = wv.analogy_accuracy(qs, words, E)
    assert acc["royal"] == 0.5 and np.isnan(acc["skip"]) and acc["overall"] == 0.5
    base = wv.random_vectors_accuracy(qs, words, 3, seeds=(0, 1))
    assert len(base) == 2 and all(0 <= b["overall"] <= 1 for b in base)


def test_neutralize_removes_the_projection_and_leaves_the_map():
    m = {"doctor": np.array([3.0, 4.0, 1.0])}
    before = m["doctor"].copy()
    g = np.array([0.0, 2.0, 0.0])
    np.testing.assert_allclose(wv.neutralize("doctor", g, m), [3.0, 0.0, 1.0])
    np.testing.assert_array_equal(m["doctor"], before)
    rng = np.random.default_rng(2)
    g = rng.normal(size=30) * 3
    m = {"w": rng.normal(size=30)}
    e = wv.neutralize("w", g, m)
    assert abs(e @ g) / np.linalg.norm(g) < 1e-12
    np.testing.assert_allclose(m["w"] - e, (m["w"] @ g) / (g @ g) * g)  # only the projection removed
    np.testing.assert_allclose(wv.neutralize_rows(np.array([m["w"], 2 * m["w"]]), g), [e, 2 * e])


def test_equalize_gives_unit_equidistant_symmetric_vectors():
    rng = np.random.default_rng(3)
    d = 12
    g = rng.normal(size=d) * 2.5
    gh = g / np.linalg.norm(g)
    m = {w: v / np.linalg.norm(v) for w, v in zip(("actor", "actress", "doctor"), rng.normal(size=(3, d)))}
    m["actress"] = (m["actress"] + 0.8 * gh) / np.linalg.norm(m["actress"] + 0.8 * gh)
    before = {w: v.copy() for w, v in m.items()}
    e1, e2 = wv.equalize(("actor", "actress"), g, m)
    for w in m:
        np.testing.assert_array_equal(m[w], before[w])
    assert np.linalg.norm(e1) == pytest.approx(1.0) and np.linalg.norm(e2) == pytest.approx(1.0)
    # they differ only along g, symmetric about the orthogonal subspace, each on its own side
    diff = e1 - e2
    np.testing.assert_allclose(diff - (diff @ gh) * gh, 0, atol=1e-12)
    assert e1 @ gh == pytest.approx(-(e2 @ gh))
    assert np.sign(e1 @ gh) == np.sign((m["actor"] - m["actress"]) @ gh)
    # the orthogonal part is the pair's mean's; any neutralised word is equally far from both
    mu = (m["actor"] + m["actress"]) / 2
    np.testing.assert_allclose((e1 + e2) / 2, mu - (mu @ gh) * gh, atol=1e-12)
    n = wv.neutralize("doctor", g, m)
    assert wv.cosine_similarity(n, e1) == pytest.approx(wv.cosine_similarity(n, e2), abs=1e-12)
    # by hand in 2-D: g = y, e1 = (0.6, 0.8), e2 = (0.8, -0.6) -> nu = (0.7, 0), sqrt(1 - 0.49)
    m = {"a": np.array([0.6, 0.8]), "b": np.array([0.8, -0.6])}
    e1, e2 = wv.equalize(("a", "b"), np.array([0.0, 3.0]), m)
    np.testing.assert_allclose(e1, [0.7, np.sqrt(0.51)])
    np.testing.assert_allclose(e2, [0.7, -np.sqrt(0.51)])


def test_bias_direction_and_pca():
    m = {"man": np.array([1.0, 0.0]), "woman": np.array([1.0, 2.0]), "he": np.array([0.0, 0.0]),
         "she": np.array([2.0, 2.0])}
    np.testing.assert_allclose(wv.bias_direction([("man", "woman"), ("he", "she")], m), [1.0, 2.0])
    X = np.array([[0.0, 0.0, 1.0], [2.0, 0.0, 1.0], [4.0, 1.0, 1.0], [6.0, -1.0, 1.0]])
    Z = wv.pca_2d(X)
    assert Z.shape == (4, 2)
    Xc = X - X.mean(0)
    _, vecs = np.linalg.eigh(Xc.T @ Xc)  # eigenvalues ascending: the last two columns are the PCs
    np.testing.assert_allclose(np.abs(Z), np.abs(Xc @ vecs[:, [-1, -2]]), atol=1e-12)
    assert Z[np.abs(Z[:, 0]).argmax(), 0] > 0
    np.testing.assert_allclose(np.linalg.norm(Z, axis=1), np.linalg.norm(X - X.mean(0), axis=1))
    np.testing.assert_allclose(wv.unit_rows([[3.0, 4.0], [0.0, 0.0]]), [[0.6, 0.8], [0.0, 0.0]])
