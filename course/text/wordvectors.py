"""Word vectors (Day 26): cosine similarity, analogies, and debiasing by neutralising and
equalising (Bolukbasi et al. 2016). NumPy only.

The first four functions are the day's exercises, with Coursera's names and signatures (one word
at a time, over a ``{word: vector}`` map); the rest are their vectorised forms over a matrix, used
to answer a whole analogy set at once, plus the small tools the day's pictures need.
"""
from __future__ import annotations

import numpy as np


def cosine_similarity(u, v) -> float:
    """cos(u, v) = u . v / (||u|| ||v||); 0.0 when either vector is zero.

    Inputs:
    - u, v: (d,) arrays

    Returns:
    - cosine: a float in [-1, 1]
    """
    u, v = np.asarray(u, dtype=np.float64), np.asarray(v, dtype=np.float64)
    norms = np.linalg.norm(u) * np.linalg.norm(v)
    return float(np.dot(u, v) / norms) if norms > 0 else 0.0


def complete_analogy(word_a, word_b, word_c, word_to_vec_map) -> str:
    """Answer "a is to b as c is to ?" by 3CosAdd (Mikolov et al. 2013): the word d, other than
    a, b and c, whose vector has the largest cosine similarity with e_b - e_a + e_c.

    Inputs:
    - word_a, word_b, word_c: strings (any case; the map's keys are lower case)
    - word_to_vec_map: dict, word -> (d,) array

    Returns:
    - best_word: the string d
    """
    word_a, word_b, word_c = word_a.lower(), word_b.lower(), word_c.lower()
    target = word_to_vec_map[word_b] - word_to_vec_map[word_a] + word_to_vec_map[word_c]
    best_word, best = None, -np.inf
    for word, vector in word_to_vec_map.items():
        if word in (word_a, word_b, word_c):
            continue
        similarity = cosine_similarity(vector, target)
        if similarity > best:
            best_word, best = word, similarity
    return best_word


def neutralize(word, g, word_to_vec_map):
    """Remove the component of a word's vector along the bias direction g.

    Inputs:
    - word: string, a key of word_to_vec_map
    - g: (d,) array, the bias direction (any length)
    - word_to_vec_map: dict, word -> (d,) array (left unchanged)

    Returns:
    - e_debiased: (d,) array, e - (e . g / ||g||^2) g, orthogonal to g
    """
    e = np.asarray(word_to_vec_map[word], dtype=np.float64)
    g = np.asarray(g, dtype=np.float64)
    return e - (e @ g) / (g @ g) * g


def equalize(pair, bias_axis, word_to_vec_map):
    """Equalise a pair of gender-specific words (Bolukbasi et al. 2016): both become unit vectors
    that differ only along the bias axis, symmetric about the subspace orthogonal to it, so that
    every neutralised word is equally far from the two.

    With g the unit bias axis, mu = (e1 + e2) / 2, mu_B = (mu . g) g, nu = mu - mu_B and
    e_iB = (e_i . g) g:  e_i' = nu + sqrt(1 - ||nu||^2) (e_iB - mu_B) / ||e_iB - mu_B||.
    The inputs should be unit vectors (||nu|| <= 1); the map is left unchanged.

    Inputs:
    - pair: tuple of two strings, keys of word_to_vec_map
    - bias_axis: (d,) array, the bias direction (any length)
    - word_to_vec_map: dict, word -> (d,) array

    Returns a tuple of:
    - e1, e2: (d,) arrays, the equalised vectors of pair[0] and pair[1]
    """
    e1 = np.asarray(word_to_vec_map[pair[0]], dtype=np.float64)
    e2 = np.asarray(word_to_vec_map[pair[1]], dtype=np.float64)
    g = np.asarray(bias_axis, dtype=np.float64)
    g = g / np.linalg.norm(g)
    mu = (e1 + e2) / 2
    mu_B = (mu @ g) * g
    nu = mu - mu_B
    scale = np.sqrt(max(1.0 - nu @ nu, 0.0))
    out = []
    for e in (e1, e2):
        side = (e @ g) * g - mu_B
        out.append(nu + scale * side / np.linalg.norm(side))
    return out[0], out[1]


# Vectorised forms, over a matrix of word vectors -------------------------------------------------

def unit_rows(E):
    """E with every row scaled to unit length (float64); zero rows stay zero."""
    E = np.asarray(E, dtype=np.float64)
    norms = np.linalg.norm(E, axis=1, keepdims=True)
    return E / np.where(norms > 0, norms, 1.0)


def neutralize_rows(E, g):
    """``neutralize`` for every row of E (n, d) at once: E - (E g / ||g||^2) g^T, a new array."""
    E, g = np.asarray(E, dtype=np.float64), np.asarray(g, dtype=np.float64)
    return E - np.outer(E @ g / (g @ g), g)


def bias_direction(pairs, word_to_vec_map):
    """The mean of e_b - e_a over pairs (a, b) of words that differ in the bias (("man", "woman"),
    ("he", "she"), ...), a (d,) array. Averaging several differences cancels part of what each pair
    carries besides the bias; Bolukbasi et al. take the first principal component instead."""
    return np.mean([np.asarray(word_to_vec_map[b], dtype=np.float64)
                    - np.asarray(word_to_vec_map[a], dtype=np.float64) for a, b in pairs], axis=0)


def answer_analogies(questions, words, E, *, batch_size: int = 256, only_c: bool = False,
                     dtype=np.float64):
    """``complete_analogy`` for many questions at once, by matrix products over unit vectors.

    Inputs:
    - questions: list of (a, b, c) or (a, b, c, d) word tuples, every a, b, c in ``words``
    - words: list of n strings; E: (n, d) array, row i the vector of words[i]
    - only_c: the "only-c" baseline (Linzen 2016): answer the nearest neighbour of c, ignoring a
      and b, which shows how much of an accuracy comes from c's neighbours alone
    - dtype: the precision of the products (float32 halves the time; ties may then break otherwise)

    Returns:
    - answers: list of strings, one per question (a, b and c themselves are never answered)
    """
    index = {w: i for i, w in enumerate(words)}
    U = unit_rows(E).astype(dtype, copy=False)
    q = np.array([[index[w] for w in question[:3]] for question in questions], dtype=np.int64).reshape(-1, 3)
    answers = []
    for start in range(0, len(q), batch_size):
        a, b, c = q[start:start + batch_size].T
        target = U[c] if only_c else U[b] - U[a] + U[c]
        scores = target @ U.T  # ranks as the cosine: the candidates are unit vectors
        rows = np.arange(len(a))
        for exclude in (a, b, c):
            scores[rows, exclude] = -np.inf
        answers += [words[i] for i in scores.argmax(axis=1)]
    return answers


def analogy_accuracy(questions_by_category, words, E, **kwargs):
    """The fraction of questions answered right, per category and overall.

    Inputs:
    - questions_by_category: dict, category -> list of (a, b, c, d) (``course.data.embeddings.analogies()``)
    - words, E, kwargs: as for ``answer_analogies``; questions with a word outside ``words`` are skipped

    Returns:
    - accuracy: dict, category -> fraction correct, plus "overall" over all questions answered
    """
    known = set(words)
    flat = [(cat, q) for cat, qs in questions_by_category.items() for q in qs if set(q) <= known]
    answers = answer_analogies([q for _, q in flat], words, E, **kwargs)
    right = {cat: [] for cat in questions_by_category}
    for (cat, q), answer in zip(flat, answers):
        right[cat].append(answer == q[3])
    accuracy = {cat: float(np.mean(r)) if r else float("nan") for cat, r in right.items()}
    accuracy["overall"] = float(np.mean([answer == q[3] for (_, q), answer in zip(flat, answers)]))
    return accuracy


def random_vectors_accuracy(questions_by_category, words, d, *, seeds=(0, 1, 2)):
    """The random-vector baseline: ``analogy_accuracy`` with every word given a random Gaussian
    vector of dimension d (same vocabulary, one float32 draw per seed, scored in float32).

    Returns:
    - accuracies: list of dicts, one per seed, as ``analogy_accuracy`` returns them
    """
    return [analogy_accuracy(questions_by_category, words,
                             np.random.default_rng(seed).standard_normal((len(words), d), dtype=np.float32),
                             dtype=np.float32)
            for seed in seeds]


def pca_2d(X):
    """The 2-D principal-component coordinates of the rows of X (n, d), by NumPy's SVD of the
    centred matrix: an (n, 2) array (each column's sign fixed so its largest entry is positive)."""
    X = np.asarray(X, dtype=np.float64)
    Xc = X - X.mean(axis=0)
    U, S, _ = np.linalg.svd(Xc, full_matrices=False)
    Z = U[:, :2] * S[:2]
    signs = np.sign(Z[np.abs(Z).argmax(axis=0), np.arange(Z.shape[1])])
    return Z * np.where(signs == 0, 1, signs)
