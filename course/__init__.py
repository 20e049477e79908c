"""100 Days of Deep Learning: the library every day's notebook imports.

Kept light to import: NumPy-only days never pay for ``import torch``.
"""
from __future__ import annotations

__version__ = "0.1.0"


def start(day, hints: bool = True) -> None:
    """A day's first code cell: count failing test cells as attempts, show failed checks without
    the course's own frames, and show the learner's progress (a widget that updates itself as
    test cells pass). ``hints=False`` (an instructor's release) switches `hint` off.

    It also freezes the objects alive so far (``gc.freeze``): the set-up cell's imports live as
    long as the kernel, and Python's full collections would otherwise rescan them again and again
    while a later cell imports more (the first tensor on PyTorch's meta device imports about 800
    modules: 2.4 s in a day's kernel, 1.0 s with the set-up's objects frozen)."""
    import gc

    from . import progress
    from .syllabus import get_day

    day = get_day(day)
    progress.begin(day, hints=hints)
    progress.watch_failures()
    progress.show(day)
    gc.freeze()


def hint(exercise: str | None = None) -> None:
    """The next hint for ``exercise`` (an answer cell's name, e.g. ``"sigmoid"``, or a test
    cell's); with no name, for the exercise whose test cell failed last. See `course.hints`."""
    from . import hints

    hints.hint(exercise)
