"""A list of 6,824 English first names (Day 24's character-level language model), kept in the
repository as ``names.txt``: extracted once from Faker's ``en`` person provider (MIT licence; the
file's header says which version), lowercased, letters a-z only. Faker is not needed to load it.

>>> train, val = first_names(seed=0)   # doctest: +SKIP
>>> len(train), len(val), train[:3]  # doctest: +SKIP
"""
from __future__ import annotations

from pathlib import Path

import numpy as np

NAMES_FILE = Path(__file__).with_name("names.txt")


def all_first_names() -> list[str]:
    """Every name in ``names.txt``, in the file's (alphabetical) order; header lines (#) skipped."""
    if not NAMES_FILE.exists():
        raise FileNotFoundError(
            f"{NAMES_FILE} is missing: reinstall the course package (it ships with it), e.g. "
            "pip install --force-reinstall hundred-days-dl.")
    lines = NAMES_FILE.read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


def first_names(val_fraction: float = 0.1, seed: int = 0) -> tuple[list[str], list[str]]:
    """The names shuffled with ``seed`` and split into (train, validation) lists of strings;
    ``val_fraction`` of them (rounded) go to validation. The same seed gives the same split."""
    if not 0 < val_fraction < 1:
        raise ValueError(f"val_fraction is {val_fraction}; give a fraction between 0 and 1, e.g. 0.1.")
    everything = all_first_names()
    order = np.random.default_rng(seed).permutation(len(everything))
    n_val = int(round(val_fraction * len(everything)))
    shuffled = [everything[i] for i in order]
    return shuffled[n_val:], shuffled[:n_val]
