"""Student versions of the days, written into a folder without losing anyone's work."""
from __future__ import annotations

from pathlib import Path

from . import notebook as nbtools


def release(days, to: Path, *, force: bool = False):
    """Write each day's student version to ``to/dayNN-slug/dayNN-slug.ipynb``.

    Yields ``(path, status)`` with status ``written``, ``updated`` (forced) or ``kept`` (the file
    existed and was left alone, since a learner may have edited it).
    """
    to = Path(to)
    for day in days:
        path = to / day.name / day.notebook.name
        existed = path.exists()
        if existed and not force:
            yield path, "kept"
            continue
        nbtools.write(nbtools.student_version(nbtools.read(day.notebook)), path)
        yield path, "updated" if existed else "written"
