"""100 Days of Deep Learning: the library every day's notebook imports.

Kept light to import: NumPy-only days never pay for ``import torch``.
"""
from __future__ import annotations

__version__ = "0.1.0"


def start(day) -> None:
    """A day's first code cell: count failing test cells as attempts and show the learner's
    progress (a widget that updates itself as test cells pass)."""
    from . import progress
    from .syllabus import get_day

    day = get_day(day)
    progress.watch_failures()
    progress.show(day)
