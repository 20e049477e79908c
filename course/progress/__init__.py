"""Practice progress: test cells report a pass, a store keeps it, the widget shows it.

Progress is self-reported practice data (grades stay nbgrader's). The last line of every visible
test cell, ``progress.passed(day, grade_id)``, records an event; a failing test cell is recorded by
a post-run hook that ``course.start`` installs. Events live in one SQLite file (WAL mode and a
busy timeout: two kernels may write at once, and a killed one loses nothing it recorded) in
``$COURSE_HOME``, else on a mounted Google Drive on Colab, else in the platform's user data
folder. Nothing here ever raises into a learner's notebook: an unwritable folder keeps events in
memory and says so, a damaged file is moved aside and a fresh one started.

``COURSE_PROGRESS=off`` (the runner, the verification and grading set it) means never write: the
widget then counts this session's passes in memory only.
"""
from __future__ import annotations

import html
import json
import os
import re
import sqlite3
import sys
import threading
import uuid
from collections import Counter
from dataclasses import asdict, dataclass, field, fields
from functools import cached_property
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

from .. import environment as _env
from ..errors import CourseError
from ..syllabus import DAYS, Day, get_day

APP = "100-days-of-deep-learning"
FILENAME = "progress.sqlite3"
BUSY_TIMEOUT_S = 30
EXPORT_FORMAT = "100-days-of-deep-learning/progress"
EXPORT_VERSION = 1
OUTCOMES = ("passed", "failed")
MAX_VIEWS = 8  # live widgets kept per kernel; older ones are closed

SCHEMA = """
CREATE TABLE IF NOT EXISTS events (
    id          TEXT PRIMARY KEY,           -- uuid4 hex: stable across export and import
    day         INTEGER NOT NULL,
    exercise    TEXT NOT NULL,              -- the test cell's nbgrader grade_id
    outcome     TEXT NOT NULL CHECK (outcome IN ('passed', 'failed')),
    at          TEXT NOT NULL,              -- UTC, ISO 8601
    local_date  TEXT NOT NULL,              -- the learner's calendar date, YYYY-MM-DD
    environment TEXT NOT NULL,              -- lab, colab, binder or other
    error       TEXT NOT NULL DEFAULT ''    -- for a failure: the exception's name
);
CREATE INDEX IF NOT EXISTS events_outcome_day ON events (outcome, day, exercise);
"""
COLUMNS = ("id", "day", "exercise", "outcome", "at", "local_date", "environment", "error")


class ProgressFileError(CourseError, ValueError):
    """An export file that cannot be imported (the message says what to do)."""


# --- events ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Event:
    """One test-cell run: which exercise, passed or failed, when (UTC and local date) and where."""

    id: str
    day: int
    exercise: str
    outcome: str
    at: str
    local_date: str
    environment: str
    error: str = ""

    @classmethod
    def new(cls, day: int, exercise: str, outcome: str = "passed", *, when: datetime | None = None,
            environment: str | None = None, error: str = "") -> "Event":
        """A fresh event; ``when`` (default: now) gives the local date in its own time zone."""
        if outcome not in OUTCOMES:
            raise ValueError(f"outcome must be one of {OUTCOMES}, not {outcome!r}")
        when = datetime.now().astimezone() if when is None else when
        if when.tzinfo is None:
            when = when.astimezone()  # a naive time is the machine's local time
        return cls(uuid.uuid4().hex, int(day), str(exercise), outcome,
                   when.astimezone(timezone.utc).isoformat(timespec="milliseconds"),
                   when.date().isoformat(), environment or current_environment(), error)

    @classmethod
    def from_dict(cls, data) -> "Event":
        """An event read from an export; raises ValueError naming the bad field."""
        if not isinstance(data, dict):
            raise ValueError(f"an event is an object, not {type(data).__name__}")
        missing = [f.name for f in fields(cls) if f.name != "error" and f.name not in data]
        if missing:
            raise ValueError(f"an event lacks {', '.join(missing)}")
        event = cls(str(data["id"]), int(data["day"]), str(data["exercise"]), str(data["outcome"]),
                    str(data["at"]), str(data["local_date"]), str(data["environment"]),
                    str(data.get("error", "")))
        if event.outcome not in OUTCOMES:
            raise ValueError(f"event {event.id}: outcome {event.outcome!r} is not passed or failed")
        date.fromisoformat(event.local_date)
        datetime.fromisoformat(event.at)
        return event

    @property
    def local_day(self) -> date:
        return date.fromisoformat(self.local_date)


def local_today() -> date:
    """Today's date where the learner is."""
    return datetime.now().astimezone().date()


_ENVIRONMENT: str | None = None


def current_environment() -> str:
    """``course.environment.detect()``, worked out once per process."""
    global _ENVIRONMENT
    if _ENVIRONMENT is None:
        _ENVIRONMENT = _env.detect()
    return _ENVIRONMENT


def enabled() -> bool:
    """Recording is off when ``COURSE_PROGRESS=off`` (CI runs and autograding set it)."""
    return os.environ.get("COURSE_PROGRESS", "on").lower() not in ("off", "0", "false", "no")


# --- where the store lives --------------------------------------------------------------------

def home() -> Path:
    """The course's data folder: ``$COURSE_HOME``, a mounted Google Drive on Colab, else the
    platform's user data folder (e.g. ``~/.local/share/100-days-of-deep-learning``)."""
    if os.environ.get("COURSE_HOME"):
        return Path(os.environ["COURSE_HOME"]).expanduser()
    if current_environment() == "colab":
        drive = _env.colab_drive_home()
        if drive is not None:
            return drive
    import platformdirs

    return platformdirs.user_data_path(APP, appauthor=False)


def default_path() -> Path:
    return home() / FILENAME


# --- the store ---------------------------------------------------------------------------------

def _is_corrupt(err: sqlite3.Error) -> bool:
    name = getattr(err, "sqlite_errorname", "")
    text = str(err).lower()
    return (name.startswith(("SQLITE_CORRUPT", "SQLITE_NOTADB"))
            or "malformed" in text or "not a database" in text)


def _connect(target) -> sqlite3.Connection:
    """An open, checked connection with the schema in place; raises sqlite3/OS errors."""
    conn = sqlite3.connect(str(target), timeout=BUSY_TIMEOUT_S, isolation_level=None,
                           check_same_thread=False)
    try:
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_S * 1000}")
        if target != ":memory:":
            conn.execute("PRAGMA journal_mode = WAL")
            # WAL + NORMAL: a commit is in the WAL file when it returns, so a killed kernel loses
            # nothing; only a power cut can drop the last moments (never corrupting the file).
            # FULL would fsync every commit: 5-10 ms on a busy disk, too slow for a test cell.
            conn.execute("PRAGMA synchronous = NORMAL")
            check = conn.execute("PRAGMA quick_check").fetchone()[0]
            if check != "ok":
                raise sqlite3.DatabaseError(f"database disk image is malformed: {check}")
        conn.executescript(SCHEMA)
    except BaseException:
        conn.close()
        raise
    return conn


class Store:
    """The events file. ``Store(None)`` keeps events in memory (recording off).

    It never raises on a bad location: an unwritable folder falls back to memory and sets
    ``problem`` (why nothing is saved); a damaged file is moved aside, a fresh one started and a
    line added to ``notices``.
    """

    def __init__(self, path: Path | str | None):
        self.path = Path(path).expanduser() if path is not None else None
        self.problem: str | None = None
        self.notices: list[str] = []
        self._lock = threading.RLock()
        self._conn: sqlite3.Connection | None = None
        self._open()

    # opening and failing over
    def _open(self) -> None:
        self._pid = os.getpid()
        if self.path is None:
            self._conn = _connect(":memory:")
            return
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            try:
                self._conn = _connect(self.path)
            except sqlite3.DatabaseError as err:
                if not _is_corrupt(err):
                    raise
                self._conn = self._start_afresh(err)
        except (OSError, sqlite3.Error) as err:
            self._fall_back(err)

    def _start_afresh(self, err) -> sqlite3.Connection:
        """Move a damaged file aside, start a new one and save what can be read from the old."""
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
        aside = self.path.with_name(f"{self.path.stem}.damaged-{stamp}{self.path.suffix}")
        for suffix in ("", "-wal", "-shm"):
            src = Path(f"{self.path}{suffix}")
            if src.exists():
                os.replace(src, f"{aside}{suffix}")
        conn = _connect(self.path)
        rescued = _rescue(aside)
        if rescued:
            _insert(conn, rescued)
        self.notices.append(
            f"Your progress file {self.path} was damaged ({err}). It was moved to {aside} and a "
            f"fresh one started" + (f", with the {len(rescued)} events that could still be read"
                                    if rescued else "")
            + ". If you exported your progress earlier, merge it back with "
              "`course progress --import FILE`.")
        return conn

    def _fall_back(self, err) -> None:
        if self._conn is not None:
            try:
                self._conn.close()
            except sqlite3.Error:
                pass
        reason = getattr(err, "strerror", None) or str(err)
        self.problem = (f"Progress is not being saved: could not write to {self.path} ({reason}). "
                        "Set COURSE_HOME to a folder you can write to and re-run the set-up cell; "
                        "until then this session's passes are counted in memory only.")
        self._conn = _connect(":memory:")

    def _call(self, work):
        """Run ``work(conn)``; a damaged file or an unwritable folder never reaches the caller."""
        with self._lock:
            if self._pid != os.getpid() or self._conn is None:  # forked, or closed
                self._conn = None
                self.problem = None
                self._open()
            try:
                return work(self._conn)
            except sqlite3.DatabaseError as err:
                if self.path is None or self.problem is not None:
                    raise
                if _is_corrupt(err):
                    try:
                        self._conn.close()
                        self._conn = self._start_afresh(err)
                    except (OSError, sqlite3.Error) as again:
                        self._fall_back(again)
                else:
                    self._fall_back(err)
                return work(self._conn)

    @property
    def saving(self) -> bool:
        """True when events reach a file."""
        return self.path is not None and self.problem is None

    def close(self) -> None:
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None

    # writing
    def record(self, day, exercise: str, outcome: str = "passed", **kwargs) -> Event:
        """Record one test-cell run; see ``Event.new`` for the keyword arguments."""
        event = Event.new(day, exercise, outcome, **kwargs)
        self.add([event])
        return event

    def add(self, events) -> int:
        """Add events, skipping those already here (same id). Returns how many were new."""
        events = list(events)
        return self._call(lambda conn: _insert(conn, events)) if events else 0

    def clear(self) -> int:
        """Delete every event; returns how many there were."""
        return self._call(lambda conn: conn.execute("DELETE FROM events").rowcount)

    # reading
    def events(self) -> list[Event]:
        rows = self._call(lambda conn: conn.execute(
            f"SELECT {', '.join(COLUMNS)} FROM events ORDER BY at, id").fetchall())
        return [Event(*row) for row in rows]

    def count(self) -> int:
        return self._call(lambda conn: conn.execute("SELECT COUNT(*) FROM events").fetchone()[0])

    def summary(self, days=DAYS) -> "Summary":
        """Per-day progress and the activity calendar, from two small queries."""
        def read(conn):
            first = conn.execute(
                "SELECT day, exercise, MIN(local_date) FROM events WHERE outcome = 'passed' "
                "GROUP BY day, exercise").fetchall()
            active = conn.execute(
                "SELECT local_date, COUNT(*) FROM events WHERE outcome = 'passed' "
                "GROUP BY local_date").fetchall()
            return first, active
        first, active = self._call(read)
        return Summary.build(first, active, days)


def _insert(conn, events) -> int:
    before = conn.total_changes
    rows = [tuple(getattr(e, c) for c in COLUMNS) for e in events]
    sql = (f"INSERT OR IGNORE INTO events ({', '.join(COLUMNS)}) "
           f"VALUES ({', '.join('?' * len(COLUMNS))})")
    if len(rows) == 1:
        conn.execute(sql, rows[0])  # autocommit: one synced transaction
    else:
        conn.execute("BEGIN IMMEDIATE")
        try:
            conn.executemany(sql, rows)
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
    return conn.total_changes - before


def _rescue(path: Path) -> list[Event]:
    """The events still readable from a damaged file (often none)."""
    events = []
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=1)
        try:
            for row in conn.execute(f"SELECT {', '.join(COLUMNS)} FROM events"):
                try:
                    events.append(Event.from_dict(dict(zip(COLUMNS, row))))
                except (ValueError, TypeError):
                    pass
        finally:
            conn.close()
    except sqlite3.Error:
        pass
    return events


def open_store(path=None) -> Store:
    """The learner's store (``default_path()``) or the one at ``path``, whatever COURSE_PROGRESS."""
    return Store(default_path() if path is None else path)


# --- export and import --------------------------------------------------------------------------

def export_json(path, store: Store | None = None) -> int:
    """Write every event to a JSON file (atomically); returns how many."""
    store = store if store is not None else _session_store()
    events = store.events()
    data = {"format": EXPORT_FORMAT, "version": EXPORT_VERSION,
            "exported_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            "events": [asdict(e) for e in events]}
    path = Path(path).expanduser()
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    os.replace(tmp, path)
    return len(events)


def read_export(path) -> list[Event]:
    """The events of an export file; ProgressFileError with a sentence when it is not one."""
    path = Path(path).expanduser()
    hint = "Make one with `course progress --export FILE` (or progress.export_json(FILE))."
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ProgressFileError(f"There is no file {path}. {hint}") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as err:
        raise ProgressFileError(f"{path} is not a progress export ({err}). {hint}") from None
    if not isinstance(data, dict) or data.get("format") != EXPORT_FORMAT:
        raise ProgressFileError(f"{path} is not a progress export (no \"format\": "
                                f"\"{EXPORT_FORMAT}\"). {hint}")
    if int(data.get("version", 0)) > EXPORT_VERSION:
        raise ProgressFileError(f"{path} was exported by a newer version of the course; update it "
                                "(pip install --upgrade hundred-days-dl) and import again.")
    try:
        return [Event.from_dict(e) for e in data.get("events", [])]
    except (ValueError, TypeError, KeyError) as err:
        raise ProgressFileError(f"{path} has a damaged event ({err}). {hint}") from None


def import_json(path, store: Store | None = None) -> tuple[int, int]:
    """Merge an export into the store: returns (events added, events already there)."""
    events = read_export(path)
    store = store if store is not None else _session_store()
    added = store.add(events)
    if store is _STATE.store:
        _refresh()
    return added, len(events) - added


# --- what the events add up to ------------------------------------------------------------------

def streak(dates, today: date | None = None) -> int:
    """Consecutive days with activity up to today (or up to yesterday: today is not over yet)."""
    active = set(dates)
    today = today or local_today()
    day = today if today in active else today - timedelta(days=1)
    return streak_ending(active, day)


def streak_ending(dates, end: date) -> int:
    """Consecutive days with activity ending on ``end`` (0 when ``end`` had none)."""
    active, n = set(dates), 0
    while end - timedelta(days=n) in active:
        n += 1
    return n


def longest_streak(dates) -> int:
    active = set(dates)
    return max((streak_ending(active, d) for d in active
                if d + timedelta(days=1) not in active), default=0)


@dataclass
class DayProgress:
    """One day: the exercises passed (grade_id -> local date of the first pass)."""

    day: Day
    passed: dict[str, date] = field(default_factory=dict)

    @cached_property
    def exercises(self):
        return self.day.exercises  # read from the notebook (a stat per call): once is enough

    @property
    def total(self) -> int:
        return len(self.exercises)

    @property
    def count(self) -> int:
        """Exercises of the syllabus passed (every one seen when the notebook is not here)."""
        if not self.exercises:
            return len(self.passed)
        return sum(e.grade_id in self.passed for e in self.exercises)

    @property
    def complete(self) -> bool:
        return bool(self.passed) and self.total > 0 and self.count == self.total

    @property
    def completed_on(self) -> date | None:
        """The date the last missing exercise first passed."""
        if not self.complete:
            return None
        return max(self.passed[e.grade_id] for e in self.exercises)

    @property
    def last_active(self) -> date | None:
        return max(self.passed.values(), default=None)


@dataclass
class Summary:
    days: dict[int, DayProgress]
    activity: Counter  # local date -> exercises passed that day

    @classmethod
    def build(cls, first_passes, activity, days=DAYS) -> "Summary":
        by_number = {d.number: DayProgress(d) for d in days}
        for number, exercise, first in first_passes:
            if number not in by_number:
                try:
                    by_number[number] = DayProgress(get_day(number))
                except ValueError:
                    continue  # a day this version of the syllabus does not know
            by_number[number].passed[exercise] = date.fromisoformat(first)
        return cls(by_number, Counter({date.fromisoformat(d): n for d, n in activity}))

    def day(self, day) -> DayProgress:
        day = get_day(day)
        if day.number not in self.days:
            self.days[day.number] = DayProgress(day)
        return self.days[day.number]

    def add(self, event: Event) -> None:
        """Count one more event (the widget's update after a pass, without asking the store)."""
        if event.outcome != "passed":
            return
        when = event.local_day
        passed = self.day(event.day).passed
        passed[event.exercise] = min(passed.get(event.exercise, when), when)
        self.activity[when] += 1

    @property
    def days_complete(self) -> int:
        return sum(p.complete for p in self.days.values())

    @property
    def passes(self) -> int:
        return sum(self.activity.values())

    def streak(self, today: date | None = None) -> int:
        return streak(self.activity, today)

    def longest_streak(self) -> int:
        return longest_streak(self.activity)


def plural(n, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def text_line(summary: Summary, day=None, today: date | None = None) -> str:
    """The widget in one line of text (terminals, front ends without widgets)."""
    parts = []
    if day is not None:
        p = summary.day(day)
        total = f" of {p.total}" if p.total else ""
        parts.append(f"Day {p.day.number:02d} · {p.day.title}: {p.count}{total} exercises passed")
    parts.append(f"{summary.days_complete} of {len(DAYS)} days complete")
    parts.append(f"streak: {plural(summary.streak(today), 'day')}")
    return " · ".join(parts) + "."


def journal(summary: Summary) -> str:
    """A #100DaysOfMLCode-style log in Markdown: one section per day with a passed exercise."""
    sections = []
    for number in sorted(summary.days):
        p = summary.days[number]
        if not p.passed:
            continue
        when = p.completed_on or p.last_active
        lines = [f"## Day {number}: {when.isoformat()} : {p.day.title}", ""]
        if p.day.topics:
            lines.append(f"- Topics: {', '.join(p.day.topics)}.")
        known = {e.grade_id: e for e in p.exercises}
        for e in p.exercises:
            if e.grade_id in p.passed:
                lines.append(f"- Passed: {(e.summary or e.grade_id).rstrip('.')}.")
        for grade_id in sorted(set(p.passed) - set(known)):
            lines.append(f"- Passed: {grade_id}.")
        if p.complete:
            lines.append(f"- Day complete: all {p.total} exercises passed.")
        elif p.total:
            lines.append(f"- In progress: {p.count} of {p.total} exercises passed.")
        sections.append("\n".join(lines))
    return "\n\n".join(sections) + ("\n" if sections else "")


# --- the heat map -------------------------------------------------------------------------------

HEAT_COLOURS = ("#ebedf0", "#9be9a8", "#40c463", "#30a14e", "#216e39")
HEAT_LEVELS = (1, 3, 6, 10)  # passes a day at which the next colour starts
_WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def _level(n: int) -> int:
    return sum(n >= t for t in HEAT_LEVELS)


def heatmap_html(activity, today: date | None = None, weeks: int = 20) -> str:
    """A calendar of the last ``weeks`` weeks: one square a day, greener with more passes."""
    today = today or local_today()
    start = today - timedelta(days=today.weekday() + 7 * (weeks - 1))  # a Monday
    cell = "width:11px;height:11px;border-radius:2px;"
    squares, months, last_month = [], [], None
    for i in range((today - start).days + 1):
        d = start + timedelta(days=i)
        n = activity.get(d, 0)
        outline = "outline:1px solid #555;" if d == today else ""
        tip = (f"{_WEEKDAYS[d.weekday()]} {d.day:02d} {_MONTHS[d.month - 1]} {d.year}: "
               f"{plural(n, 'exercise')} passed")
        squares.append(f'<div title="{tip}" style="{cell}{outline}'
                       f'background:{HEAT_COLOURS[_level(n)]}"></div>')
        if d.weekday() == 0 and d.month != last_month and i // 7 < weeks - 1:
            months.append(f'<span style="grid-column:{i // 7 + 1} / span 3">'
                          f'{_MONTHS[d.month - 1]}</span>')
            last_month = d.month
    small = "font-size:9px;color:#666;line-height:11px"
    grid = ("display:grid;grid-template-rows:repeat(7,11px);grid-auto-flow:column;"
            "grid-auto-columns:11px;gap:2px")
    labels = (f"display:grid;grid-template-columns:repeat({weeks},11px);column-gap:2px;"
              f"{small};height:12px;margin-left:26px")
    weekdays = "".join(f"<div>{name if i % 2 == 0 else ''}</div>"
                       for i, name in enumerate(_WEEKDAYS))
    legend = "".join(f'<span style="display:inline-block;{cell}background:{c};'
                     'vertical-align:middle;margin:0 1px"></span>' for c in HEAT_COLOURS)
    total, active = sum(activity.values()), sum(1 for n in activity.values() if n)
    return (f'<div class="course-heatmap" style="display:inline-block">'
            f'<div style="{labels}">{"".join(months)}</div>'
            f'<div style="display:flex;gap:4px"><div style="display:grid;grid-template-rows:'
            f'repeat(7,11px);gap:2px;width:22px;{small}">{weekdays}</div>'
            f'<div style="{grid}">{"".join(squares)}</div></div>'
            f'<div style="{small};margin:4px 0 0 26px">{plural(total, "exercise")} passed on '
            f'{plural(active, "day")} · less {legend} more</div></div>')


# --- the session: the store this kernel uses and the widgets it shows ---------------------------

class _State:
    store: Store | None = None
    summary: Summary | None = None  # the store's summary as the widgets show it
    views: list = []


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
            not old.saving or current_environment() in ("colab", "binder")):
        new.add(old.events())  # carry this session's passes over (memory, or a throwaway disk)
    if old is not None:
        old.close()
    _STATE.store, _STATE.summary = new, None
    return new


def _forget() -> None:
    """Drop the session's store and widgets (tests; a changed COURSE_HOME)."""
    global _ENVIRONMENT
    if _STATE.store is not None:
        _STATE.store.close()
    _STATE.store, _STATE.summary, _STATE.views, _ENVIRONMENT = None, None, [], None


def _status_lines(store: Store) -> list[str]:
    lines = list(store.notices)
    if store.path is None:
        lines.append("Recording is off (COURSE_PROGRESS=off): passes are counted for this "
                     "session only and not saved.")
    elif store.problem:
        lines.append(store.problem)
    elif current_environment() in ("colab", "binder") and not os.environ.get("COURSE_HOME") \
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
            self.day_text.value = (f'<span class="course-day-count">{p.count}{total} exercises '
                                   f'passed</span>' + (" ✔" if p.complete else ""))
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
    """The last line of every visible test cell: reached only when all its checks passed."""
    day = get_day(day)
    points = {e.grade_id: e.points for e in day.exercises}.get(grade_id)
    suffix = f" ({points:g} point{'s' if points != 1 else ''})" if points is not None else ""
    print(f"✔ {grade_id} passed{suffix}")
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
            failed(int(number), grade_id, type(error).__name__ if error else "")
    except Exception:  # a hook that raises would print a traceback after every cell
        pass


def watch_failures() -> None:
    """Install the post-run hook once per kernel (re-running the set-up cell does not add more)."""
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
