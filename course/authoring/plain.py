"""Plain answers: each day's exercises solved the way a learner writes them from the notebook's
text alone (no defensive extras the text does not ask for), kept beside the tests.

A day must work with ANY answer its tests accept, not only with the author's: `course verify`
runs every test on the plain answers too, `make test` runs each day to its end with them in fast
mode, and `make bench FULL=1` runs them in full mode beside the author's solutions.

The file for a day is ``tests/plain/<dayNN-slug>.py`` (never next to the notebook: nbgrader
would release it to students). Each answer cell's code follows a line ``# %% <grade_id>``::

    # %% sigmoid
    def sigmoid(z):
        return 1 / (1 + np.exp(-z))

and the file holds every answer cell of the day.
"""
from __future__ import annotations

import re
from pathlib import Path

from . import notebook as nbtools
from ..errors import CourseError
from ..syllabus import ROOT, Day

PLAIN = ROOT / "tests" / "plain"
MARK = re.compile(r"^# %% ([\w-]+)[ \t]*$", re.M)


class PlainAnswersError(CourseError):
    """A day's plain answer file is missing, or does not match the day's answer cells."""


def path(day: Day) -> Path:
    return PLAIN / f"{day.name}.py"


def _shown(file: Path) -> str:
    return str(file.relative_to(ROOT)) if file.is_relative_to(ROOT) else str(file)


def parse(text: str) -> dict[str, str]:
    """``{grade_id: code}`` from a plain answer file's text (what precedes the first mark is its
    docstring and is ignored)."""
    parts = MARK.split(text)
    answers = {}
    for grade_id, code in zip(parts[1::2], parts[2::2]):
        if grade_id in answers:
            raise PlainAnswersError(f"two plain answers for {grade_id!r}")
        answers[grade_id] = code.strip("\n") + "\n"
    return answers


def load(day: Day, nb=None) -> dict[str, str]:
    """The day's plain answers, checked against its answer cells (``nb``: the source notebook)."""
    file = path(day)
    if not file.exists():
        raise PlainAnswersError(f"{day.name} has no plain answers: write {_shown(file)} "
                                "(see course/authoring/plain.py)")
    answers = parse(file.read_text(encoding="utf-8"))
    nb = nb if nb is not None else nbtools.read(day.notebook)
    cells = [nbtools.nbgrader_meta(c)["grade_id"] for c in nb.cells if nbtools.is_answer(c)]
    missing, extra = sorted(set(cells) - set(answers)), sorted(set(answers) - set(cells))
    if missing or extra:
        raise PlainAnswersError(
            f"{_shown(file)} does not match {day.name}'s answer cells"
            + (f"; missing: {', '.join(missing)}" if missing else "")
            + (f"; not answer cells: {', '.join(extra)}" if extra else ""))
    return answers


def substitute(nb, answers: dict[str, str]):
    """A copy of the notebook ``nb`` with its answer cells' code replaced by ``answers``."""
    import copy

    nb = copy.deepcopy(nb)
    for cell in nb.cells:
        if nbtools.is_answer(cell):
            cell.source = answers[nbtools.nbgrader_meta(cell)["grade_id"]].rstrip("\n")
    return nb
