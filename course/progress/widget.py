"""The kernel's session: the store this kernel writes to, the widgets it shows (updated live as
test cells pass), and the post-run hook that counts a failing test cell as an attempt.

Nothing here ever raises into a learner's notebook.
"""
from __future__ import annotations

import html
import os
import re
import sys
from collections import Counter
from pathlib import Path

from .. import environment as _env
from ..syllabus import DAYS, Day, get_day
from . import events as _events
from .events import Event, current_environment
from .heatmap import heatmap_html
from .store import Store, default_path, enabled
from .summary import Summary, local_today, plural, text_line

MAX_VIEWS = 8  # live widgets kept per kernel; older ones are closed


# --- the session: the store this kernel uses and the widgets it shows ---------------------------

class _State:
    store: Store | None = None
    summary: Summary | None = None  # the store's summary as the widgets show it
    views: list = []
    day: int | None = None          # the day `course.start` began in this kernel
    hints: bool = True              # False where the instructor's release switched hints off
    last_failed: tuple[int, str] | None = None   # (day, grade_id) of the last failing test cell


_STATE = _State()


def _target() -> Path | None:
    return default_path() if enabled() else None


def _session_store(retry: bool = False) -> Store:
    """This kernel's store, opened again when its place changed (COURSE_HOME, Drive mounted) or,
    with ``retry``, when it could not be written (re-running the set-up cell tries again)."""
    old, target = _STATE.store, _target()
    if old is not None and old.path == target and not (retry and old.problem):
        return old
    new = Store(target)
    if old is not None and old.path is not None and target is not None and (
            not old.saving or _env.ephemeral(current_environment())):
        new.add(old.events())  # carry this session's passes over (memory, or a throwaway disk)
    if old is not None:
        old.close()
    _STATE.store, _STATE.summary = new, None
    return new


def _forget() -> None:
    """Drop the session's store and widgets (tests; a changed COURSE_HOME)."""
    if _STATE.store is not None:
        _STATE.store.close()
    _STATE.store, _STATE.summary, _STATE.views = None, None, []
    _STATE.day, _STATE.hints, _STATE.last_failed = None, True, None
    _events._ENVIRONMENT = None


def begin(day, hints: bool = True) -> None:
    """Remember the day this kernel works on (for metrics, figures and hints)."""
    _STATE.day, _STATE.hints = get_day(day).number, bool(hints)


def session_day() -> int | None:
    """The day `course.start` began in this kernel (None before)."""
    return _STATE.day


def note(kind: str, name: str, data: dict | None = None, day=None):
    """Record a note for this kernel's day (or ``day``); never raises. Returns it, or None
    when there is no day to file it under."""
    try:
        number = get_day(day).number if day is not None else _STATE.day
        if number is None:
            return None
        return _session_store().note(number, kind, name, data)
    except Exception as err:  # noqa: BLE001 (recording must never break a cell)
        print(f"(Progress not recorded: {err}.)", file=sys.stderr)
        return None


def figure(fig=None, day=None) -> None:
    """Keep ``fig`` (default: matplotlib's current figure) as the day's picture for your journal:
    a PNG next to your progress file, which ``course progress --journal --images DIR`` copies
    beside the journal and ``course progress --html FILE`` puts in the portfolio. Call it before
    ``plt.show()``. With recording off (COURSE_PROGRESS=off) it does nothing."""
    try:
        number = get_day(day).number if day is not None else _STATE.day
        if number is None or not enabled():
            return
        store = _session_store()
        if not store.saving:
            return
        if fig is None:
            import matplotlib.pyplot as plt

            fig = plt.gcf()
        if not hasattr(fig, "savefig"):          # an Axes, or an array of them
            import numpy as np

            fig = np.ravel(fig)[0].figure
        folder = store.path.parent / "figures"
        folder.mkdir(parents=True, exist_ok=True)
        name = f"day{number:02d}.png"
        tmp = folder / f".{name}.{os.getpid()}.tmp.png"
        fig.savefig(tmp, dpi=110, bbox_inches="tight")
        os.replace(tmp, folder / name)
        store.note(number, "figure", name, {"file": f"figures/{name}"})
    except Exception as err:  # noqa: BLE001 (keeping a picture must never break a cell)
        print(f"(The figure was not kept for your journal: {err}.)", file=sys.stderr)


def export_json(path, store: Store | None = None) -> int:
    """Write every event of ``store`` (default: this kernel's) to a JSON file; returns how many."""
    return (store if store is not None else _session_store()).export_json(path)


def import_json(path, store: Store | None = None) -> tuple[int, int]:
    """Merge an export into ``store`` (default: this kernel's, whose widgets then update):
    returns (events added, events already there)."""
    store = store if store is not None else _session_store()
    counts = store.import_json(path)
    if store is _STATE.store:
        _refresh()
    return counts


def _status_lines(store: Store) -> list[str]:
    lines = list(store.notices)
    if store.path is None:
        lines.append("Recording is off (COURSE_PROGRESS=off): passes are counted for this "
                     "session only and not saved.")
    elif store.problem:
        lines.append(store.problem)
    elif _env.ephemeral(current_environment()) and not os.environ.get("COURSE_HOME") \
            and not _on_drive(store.path):
        where = "Colab" if current_environment() == "colab" else "Binder"
        keep = ("mount Google Drive (from google.colab import drive; "
                "drive.mount('/content/drive')) and re-run the set-up cell, or "
                if where == "Colab" else "")
        download = ("from google.colab import files; files.download('progress.json')"
                    if where == "Colab" else "right-click progress.json in the file browser → "
                    "Download")
        lines.append(f"On {where} this machine is thrown away when the session ends, and your "
                     f"progress with it. To keep it, {keep}export it: "
                     f"progress.export_json('progress.json'), then {download}. Merge it back "
                     "later with `course progress --import progress.json`.")
    return lines


def _on_drive(path: Path) -> bool:
    drive = _env.colab_drive_home()
    return drive is not None and (path == drive or drive in path.parents)


def _widgets_available() -> bool:
    try:
        from IPython import get_ipython
    except ImportError:
        return False
    shell = get_ipython()
    if shell is None or getattr(shell, "kernel", None) is None:
        return False
    try:
        import ipywidgets  # noqa: F401
    except ImportError:
        return False
    return True


class _View:
    """The ipywidgets of one displayed widget, kept so that passes update it live."""

    def __init__(self, day: Day | None):
        import ipywidgets as w

        self.day = day
        bar = dict(layout=w.Layout(width="240px", height="16px"))
        label = dict(layout=w.Layout(width="110px"))
        self.title = w.HTML()
        self.day_bar = w.IntProgress(min=0, max=1, **bar)
        self.day_text = w.HTML()
        self.course_bar = w.IntProgress(min=0, max=len(DAYS), **bar)
        self.course_text = w.HTML()
        self.heatmap = w.HTML()
        self.status = w.HTML()
        rows = []
        if day is not None:
            rows.append(w.HBox([w.HTML(f"Day {day.number:02d}", **label), self.day_bar,
                                self.day_text]))
        rows.append(w.HBox([w.HTML("Course", **label), self.course_bar, self.course_text]))
        self.box = _box_class()([self.title, *rows, self.heatmap, self.status],
                                layout=w.Layout(padding="6px 8px", border="1px solid #ddd",
                                                width="fit-content", max_width="100%"))
        self.box.add_class("course-progress")

    def update(self, summary: Summary, frame: "_Frame") -> None:
        heading = (f"Day {self.day.number:02d} · {html.escape(self.day.title)}"
                   if self.day else "100 Days of Deep Learning")
        self.title.value = (f'<div style="display:flex;gap:16px;align-items:baseline">'
                            f'<b style="font-size:110%">{heading}</b>{frame.streak}</div>')
        if self.day is not None:
            p = summary.day(self.day)
            self.day_bar.max = max(p.total, p.count, 1)
            self.day_bar.value = p.count
            self.day_bar.bar_style = "success" if p.complete else "info"
            total = f" of {p.total}" if p.total else ""
            used = frame.hints.get(self.day.number, 0)
            self.day_text.value = (f'<span class="course-day-count">{p.count}{total} exercises '
                                   f'passed</span>' + (" ✔" if p.complete else "")
                                   + (f' <span class="course-hints" style="color:#666">· '
                                      f'{plural(used, "hint")} used</span>' if used else ""))
        self.course_bar.value = frame.days_complete
        self.course_bar.bar_style = "success"
        self.course_text.value = (f'<span class="course-days-count">{frame.days_complete} of '
                                  f'{len(DAYS)} days complete</span>')
        self.heatmap.value = frame.heatmap
        self.status.value = frame.status
        self.box._text = "\n".join([text_line(summary, self.day, frame.today), *frame.lines])


class _Frame:
    """What every widget shows alike, worked out once per update."""

    def __init__(self, summary: Summary, store: Store):
        self.today = today = local_today()
        current = summary.streak(today)
        self.streak = (f'<span class="course-streak">{plural(current, "day")} streak · '
                       f'longest {summary.longest_streak()}</span>')
        self.days_complete = summary.days_complete
        self.hints = Counter(n.day for n in store.notes(kind="hint"))
        self.heatmap = heatmap_html(summary.activity, today)
        self.lines = lines = _status_lines(store)
        colour = "#b35900" if (store.problem or store.notices) else "#666"
        saved = f"Saved in {html.escape(str(store.path))}" if store.saving else ""
        self.status = (f'<div style="font-size:85%;color:{colour};max-width:640px">'
                       + "<br>".join(html.escape(x) for x in lines)
                       + (f'<span style="color:#888">{saved}</span>' if not lines else "")
                       + "</div>")


_BOX = None


def _box_class():
    """A VBox whose plain-text form (notebook viewers, nbconvert) is the one-line summary."""
    global _BOX
    if _BOX is None:
        import ipywidgets as w

        class ProgressBox(w.VBox):
            _text = ""

            def _repr_mimebundle_(self, **kwargs):
                bundle = super()._repr_mimebundle_(**kwargs)
                if bundle:
                    bundle["text/plain"] = self._text
                return bundle

        _BOX = ProgressBox
    return _BOX


def _refresh(event: Event | None = None) -> None:
    """Bring every displayed widget up to date: with ``event`` counted, or read from the store."""
    if not _STATE.views:
        return
    store = _session_store()
    if event is not None and _STATE.summary is not None:
        _STATE.summary.add(event)
    else:
        _STATE.summary = store.summary()
    frame = _Frame(_STATE.summary, store)
    for view in _STATE.views:
        view.update(_STATE.summary, frame)


def show(day=None) -> None:
    """Show the progress widget (day ``day``'s exercises, the course, the streak, a calendar).

    It updates itself when a test cell passes. Without ipywidgets or outside a kernel it prints
    one line instead.
    """
    day = get_day(day) if day is not None else None
    try:
        store = _session_store(retry=True)
        summary = store.summary()
        if not _widgets_available():
            print(text_line(summary, day))
            for line in _status_lines(store):
                print(line)
            return
        from IPython.display import display

        _STATE.summary = summary
        view = _View(day)
        view.update(summary, _Frame(summary, store))
        _STATE.views.append(view)
        while len(_STATE.views) > MAX_VIEWS:
            _STATE.views.pop(0).box.close()
        display(view.box)
    except Exception as err:  # the widget must never break a learner's notebook
        print(f"(The progress widget could not be shown: {err}.)", file=sys.stderr)


def _record(day, exercise: str, outcome: str, error: str = "") -> None:
    try:
        store = _session_store()
        event = store.record(day, exercise, outcome, error=error)
        _refresh(event)
    except Exception as err:  # recording must never break a test cell
        print(f"(Progress not recorded: {err}.)", file=sys.stderr)


def passed(day, grade_id: str) -> None:
    """The last line of every visible test cell: reached only when all its checks passed (and
    the answer did not use the course's reference implementation of what it asks for: then it
    raises `course.integrity.DelegationError` instead, and nothing is recorded)."""
    day = get_day(day)
    from .. import integrity

    problem = integrity.verdict(day.number, grade_id)
    if problem:
        raise integrity.DelegationError(f"{grade_id}: {problem}")
    points = {e.grade_id: e.points for e in day.exercises}.get(grade_id)
    suffix = f" ({points:g} point{'s' if points != 1 else ''})" if points is not None else ""
    # One write, message and newline together: print writes them separately, and a busy kernel can
    # flush them as two outputs (a stray empty line under the message).
    sys.stdout.write(f"✔ {grade_id} passed{suffix}\n")
    _record(day.number, grade_id, "passed")


def failed(day, grade_id: str, error: str = "") -> None:
    """Record a failed run of a test cell (the post-run hook calls this)."""
    _record(get_day(day).number, grade_id, "failed", error)


_PASSED_CALL = re.compile(r"""progress\.passed\(\s*(\d+)\s*,\s*["']([\w-]+)["']\s*\)""")


def _after_cell(result) -> None:
    """IPython post_run_cell hook: a test cell that raised counts as a failed attempt."""
    try:
        if result.success:
            return
        error = result.error_in_exec or result.error_before_exec
        if isinstance(error, KeyboardInterrupt):
            return
        source = getattr(getattr(result, "info", None), "raw_cell", "") or ""
        for number, grade_id in _PASSED_CALL.findall(source):
            _STATE.last_failed = (int(number), grade_id)
            failed(int(number), grade_id, type(error).__name__ if error else "")
    except Exception:  # a hook that raises would print a traceback after every cell
        pass


def watch_failures() -> None:
    """Install the post-run hook once per kernel (re-running the set-up cell does not add more),
    and `course.integrity`'s watch on test cells."""
    try:
        from IPython import get_ipython
    except ImportError:
        return
    shell = get_ipython()
    if shell is None:
        return
    callbacks = shell.events.callbacks.get("post_run_cell", [])
    for callback in list(callbacks):
        if getattr(callback, "__qualname__", "") == "_after_cell" and \
                getattr(callback, "__module__", "") == __name__:
            shell.events.unregister("post_run_cell", callback)
    shell.events.register("post_run_cell", _after_cell)
    try:   # a failed check shows the test cell's line and the message, not the course's frames
        from .. import tracebacks

        tracebacks.install(shell)
    except Exception as err:  # noqa: BLE001 (never break the set-up cell)
        print(f"(Failed checks will show full tracebacks: {err}.)", file=sys.stderr)
    try:   # a test cell's answer must be the learner's own work (course.integrity)
        from .. import integrity

        integrity.install(shell)
    except Exception as err:  # never break the set-up cell
        print(f"(The course's reference code could not be marked: {err}.)", file=sys.stderr)
