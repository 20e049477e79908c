"""Hints on demand: a few tiers per exercise, one more each time the learner asks.

The day's author writes them next to the exercise, in the source notebook (an answer cell's
``metadata["course"]["hints"]``): first the idea, then the formula or the API to use, then the
shape of the code, never the solution line itself. ``python -m course.syllabus`` collects them
into ``course/hints.json``, which ships with the package; student notebooks do not carry them.

In a notebook, ``course.hint("sigmoid")`` (an answer cell's name, a test cell's, or a function the
answer defines) shows the next tier with the earlier ones above it; ``course.hint()`` picks the exercise
whose test cell failed last. Each hint shown is recorded (a ``hint`` note: the widget and the
journal count them), so a restarted kernel carries on at the next tier. An instructor's release
can switch hints off (``course.start(N, hints=False)``; ``COURSE_HINTS=off`` does the same).
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from .errors import CourseError
from .syllabus import get_day, read_index

INDEX = Path(__file__).with_name("hints.json")
OFF = ("Hints are switched off for this class by your instructor. Re-read the section above "
       "the exercise and the test's message, or ask your instructor.")


class UnknownExercise(CourseError, ValueError):
    """A name that is not one of the day's exercises (the message lists them)."""


@dataclass(frozen=True)
class Hints:
    """One exercise (an answer cell) and its hints, tier 1 first."""

    day: int
    name: str                    # the answer cell's grade_id
    functions: tuple[str, ...]   # what the answer cell defines
    tests: tuple[str, ...]       # the test cells that check it
    tiers: tuple[str, ...]


# --- where hints come from ---------------------------------------------------------------------

def from_notebook(nb) -> dict[str, dict]:
    """``{answer grade_id: {"functions", "tests", "hints"}}`` of a source notebook: each test
    cell checks the answer cells since the previous test cell."""
    from .authoring import notebook as nbtools
    from .integrity.exercises import bound

    found, group, fresh = {}, [], False
    for cell in nb.cells:
        gid = nbtools.nbgrader_meta(cell).get("grade_id", "")
        if nbtools.is_answer(cell):
            if not fresh:
                group, fresh = [], True
            group.append(gid)
            found[gid] = {"functions": bound(cell.source), "tests": [],
                          "hints": nbtools.hints(cell)}
        elif nbtools.is_test(cell):
            fresh = False
            for answer in group:
                found[answer]["tests"].append(gid)
    return found


def build_index() -> dict:
    """``{day name: {answer grade_id: {...}}}`` for every written day, read from the notebooks."""
    from .authoring import notebook as nbtools
    from .syllabus import available_days

    return {d.name: from_notebook(nbtools.read(d.notebook)) for d in available_days()}


def _index() -> dict:
    return read_index(INDEX)


def exercises(day) -> dict[str, Hints]:
    """The day's exercises with their hints, in notebook order."""
    day = get_day(day)
    return {name: Hints(day.number, name, tuple(e.get("functions", ())), tuple(e.get("tests", ())),
                        tuple(e.get("hints", ())))
            for name, e in _index().get(day.name, {}).items()}


def find(day, name: str) -> Hints:
    """The exercise called ``name``: an answer cell's grade_id, a test cell's, or a function
    the answer defines. UnknownExercise (listing the day's exercises) when none is."""
    known = exercises(day)
    if name in known:
        return known[name]
    for ex in known.values():
        if name in ex.tests or name in ex.functions:
            return ex
    listed = ", ".join(f'"{n}"' for n in known) or "none (this day has no hints)"
    raise UnknownExercise(f'Day {get_day(day).number} has no exercise "{name}". Its exercises: '
                          f"{listed}.")


def for_test(day, test_id: str) -> Hints | None:
    """The exercise a test cell checks (None for a test cell the index does not know)."""
    for ex in exercises(day).values():
        if test_id in ex.tests:
            return ex
    return None


# --- asking ------------------------------------------------------------------------------------

def enabled() -> bool:
    """False where the instructor switched hints off (release option or ``COURSE_HINTS=off``)."""
    from .progress import widget

    off = os.environ.get("COURSE_HINTS", "on").lower() in ("off", "0", "false", "no")
    return widget._STATE.hints and not off


def shown(ex: Hints) -> int:
    """How many tiers of ``ex`` the learner has seen (from the recorded hint notes)."""
    from .progress import widget

    try:
        notes = widget._session_store().notes(day=ex.day, kind="hint")
    except Exception:  # noqa: BLE001 (an unreadable store: start from the first tier)
        return 0
    tiers = [n.value.get("tier", 0) for n in notes if n.name == ex.name]
    return min(max(tiers, default=0), len(ex.tiers))


def ask_line(day, test_id: str) -> str | None:
    """The line a failing check ends with: how to ask for the next hint (None: no hints)."""
    if not enabled():
        return None
    ex = for_test(day, test_id)
    if ex is None or not ex.tiers:
        return None
    seen = shown(ex)
    call = f'course.hint("{ex.name}")'
    if seen >= len(ex.tiers):
        return f"All {len(ex.tiers)} hints for {ex.name} are out: {call} shows them again."
    return f"Stuck? {call} shows hint {seen + 1} of {len(ex.tiers)}."


def hint(name: str | None = None, day=None) -> Hints | None:
    """Show the next hint for exercise ``name`` of ``day`` (default: the day `course.start`
    began; with no name, the exercise whose test cell failed last). Returns the exercise."""
    from .progress import widget

    if not enabled():
        _show(OFF, OFF)
        return None
    day = day if day is not None else widget.session_day()
    if day is None:
        _show("Run the notebook's set-up cell first (it calls course.start): hints follow the day "
              "it starts.", None)
        return None
    if name is None:
        last = widget._STATE.last_failed
        if last is None or last[0] != get_day(day).number:
            names = ", ".join(f'"{n}"' for n in exercises(day))
            _show(f"Which exercise? No test cell has failed yet in this session: ask for one by "
                  f'name, e.g. course.hint("{next(iter(exercises(day)), "name")}"). Today\'s: {names}.',
                  None)
            return None
        ex = for_test(day, last[1])
        if ex is None:
            _show(f"The test cell {last[1]} has no hints.", None)
            return None
    else:
        try:
            ex = find(day, name)
        except UnknownExercise as err:
            _show(str(err), None)
            return None
    if not ex.tiers:
        _show(f"{ex.name} has no hints yet.", None)
        return None
    tier = min(shown(ex) + 1, len(ex.tiers))
    widget.note("hint", ex.name, {"tier": tier, "of": len(ex.tiers)}, day=ex.day)
    _show(*_render(ex, tier))
    try:
        widget._refresh()          # the widget counts hints used
    except Exception:  # noqa: BLE001
        pass
    return ex


def _render(ex: Hints, tier: int) -> tuple[str, str]:
    """The first ``tier`` hints of ``ex`` as Markdown and as plain text."""
    if tier < len(ex.tiers):
        more = (f'Still stuck? {{}}course.hint("{ex.name}"){{}} again shows hint {tier + 1} of '
                f"{len(ex.tiers)}.")
    else:
        more = ("That was the last hint. The failing check's message says what is still off; "
                "the section above the exercise has the rest.{}{}")
    parts = [f"**Hint{'s' if tier > 1 else ''} for `{ex.name}`** ({tier} of {len(ex.tiers)})"]
    parts += [f"**{i}.** {text}" for i, text in enumerate(ex.tiers[:tier], 1)]
    markdown = "\n\n".join(parts + [f"*{more.format('`', '`')}*"])
    plain = "\n\n".join([f"Hints for {ex.name} ({tier} of {len(ex.tiers)})"]
                        + [f"{i}. {text}" for i, text in enumerate(ex.tiers[:tier], 1)]
                        + [more.format("", "")])
    return markdown, plain


def _show(markdown: str, plain: str | None) -> None:
    plain = plain if plain is not None else markdown
    try:
        from IPython import get_ipython
        from IPython.display import display

        if get_ipython() is not None and getattr(get_ipython(), "kernel", None) is not None:
            display({"text/markdown": markdown, "text/plain": plain}, raw=True)
            return
    except ImportError:
        pass
    print(plain)
