"""Emojify (Day 27): 404 short English sentences, each labelled with one of five emoji, kept in the
repository as ``emojify.csv``. Written for this course, in the style of the Deep Learning
Specialization's Emojify set (which is not redistributable), with every word in the vocabulary of
all-MiniLM-L6-v2 (``course.data.embeddings``).

Columns: ``sentence`` (lower-case words separated by single spaces), ``label`` (one of
``EMOJI_NAMES``), ``split`` (``train`` or ``test``) and ``order_matters`` (1 where negation or word
order decides the label, "i am not happy" or "i was sad but now i am happy": the same words in
another order can mean the opposite; such sentences are in both splits).

>>> data = emojify_sentences()   # doctest: +SKIP
>>> data.X_train[0], data.Y_train[0], label_to_emoji(data.Y_train[0])   # doctest: +SKIP
"""
from __future__ import annotations

import csv
from pathlib import Path
from typing import NamedTuple

import numpy as np

EMOJIFY_FILE = Path(__file__).with_name("emojify.csv")
EMOJI_NAMES = ("love", "sport", "happy", "sad", "food")
EMOJI = ("❤️", "⚾", "😄", "😞", "🍴")


class EmojifySet(NamedTuple):
    """The two splits: sentences (object arrays of str), labels (int64, indices into ``EMOJI``) and
    the order-matters flags (bool)."""
    X_train: np.ndarray
    Y_train: np.ndarray
    order_train: np.ndarray
    X_test: np.ndarray
    Y_test: np.ndarray
    order_test: np.ndarray


def read_emojify(path=None) -> list[dict]:
    """The rows of ``emojify.csv`` (or ``path``) as dicts with keys sentence (str), label (int),
    split (str) and order_matters (bool), in file order; ``#`` header lines skipped."""
    path = Path(path or EMOJIFY_FILE)
    if not path.exists():
        raise FileNotFoundError(
            f"{path} is missing: reinstall the course package (the file ships with it), e.g. "
            "pip install --force-reinstall hundred-days-dl.")
    lines = [line for line in path.read_text(encoding="utf-8").splitlines()
             if line.strip() and not line.startswith("#")]
    rows = []
    for number, row in enumerate(csv.DictReader(lines), 2):
        if row.get("label") not in EMOJI_NAMES or row.get("split") not in ("train", "test") \
                or row.get("order_matters") not in ("0", "1"):
            raise ValueError(f"{path.name}, data row {number - 1}: {row}; each row needs a label in "
                             f"{', '.join(EMOJI_NAMES)}, a split 'train' or 'test' and order_matters 0 or 1.")
        rows.append({"sentence": row["sentence"], "label": EMOJI_NAMES.index(row["label"]),
                     "split": row["split"], "order_matters": row["order_matters"] == "1"})
    return rows


def emojify_sentences(path=None) -> EmojifySet:
    """The data set's train and test splits, as an ``EmojifySet`` of NumPy arrays."""
    rows = read_emojify(path)

    def part(split):
        chosen = [r for r in rows if r["split"] == split]
        return (np.array([r["sentence"] for r in chosen], dtype=object),
                np.array([r["label"] for r in chosen], dtype=np.int64),
                np.array([r["order_matters"] for r in chosen], dtype=bool))

    return EmojifySet(*part("train"), *part("test"))


def label_to_emoji(label) -> str:
    """The emoji of a label index (0-4), e.g. ``label_to_emoji(2) == "😄"``."""
    label = int(label)
    if not 0 <= label < len(EMOJI):
        raise ValueError(f"label {label} is not a class of Emojify: use an index from 0 to {len(EMOJI) - 1}.")
    return EMOJI[label]
