"""Practice progress: test cells report a pass, the widget shows it.

(The persistent store, widget and streaks arrive with the progress issue; this is the API the
notebooks call.)
"""
from __future__ import annotations

import os

from .syllabus import get_day


def enabled() -> bool:
    """Recording is off when ``COURSE_PROGRESS=off`` (CI runs and autograding set it)."""
    return os.environ.get("COURSE_PROGRESS", "on").lower() not in ("off", "0", "false", "no")


def passed(day, grade_id: str) -> None:
    """The last line of every visible test cell: reached only when all its checks passed."""
    day = get_day(day)
    points = {e.grade_id: e.points for e in day.exercises}.get(grade_id)
    suffix = f" ({points:g} point{'s' if points != 1 else ''})" if points is not None else ""
    print(f"✔ {grade_id} passed{suffix}")


def show(day=None) -> None:
    """Show the progress widget for ``day`` (a placeholder line until the store exists)."""
    if day is not None:
        day = get_day(day)
        print(f"Day {day.number:02d} · {day.title}: {len(day.exercises)} exercises, "
              f"{day.points:g} points.")
