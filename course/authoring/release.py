"""Student versions of the days, written into a folder without losing anyone's work."""
from __future__ import annotations

from pathlib import Path

from . import notebook as nbtools


def release(days, to: Path, *, force: bool = False, hints: bool = True):
    """Write each day's student version to ``to/dayNN-slug/dayNN-slug.ipynb`` (``hints=False``:
    its set-up cell switches `course.hint` off).

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
        nb = nbtools.student_version(nbtools.read(day.notebook))
        nbtools.write(nb if hints else nbtools.hints_off(nb), path)
        yield path, "updated" if existed else "written"
