"""100 Days of Deep Learning: the library every day's notebook imports.

Kept light to import: NumPy-only days never pay for ``import torch``.
"""
from __future__ import annotations

__version__ = "0.1.0"


def start(day) -> None:
    """A day's first code cell: check the environment and show the learner's progress."""
    from . import progress
    from .syllabus import get_day

    progress.show(get_day(day))
