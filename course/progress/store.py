"""The events file: one SQLite file of test-cell runs, where it lives, and its JSON export.

WAL mode and a busy timeout let two kernels write at once, and a killed one loses nothing it
recorded. Nothing here raises on a bad location: an unwritable folder keeps events in memory and
says so, a damaged file is moved aside and a fresh one started.
"""
from __future__ import annotations

import os
import sqlite3
import threading
from datetime import datetime
from pathlib import Path

from .. import environment as _env
from ..syllabus import DAYS
from .events import Event, Note, current_environment, read_export_all, write_export
from .summary import Summary

APP = "100-days-of-deep-learning"
FILENAME = "progress.sqlite3"
BUSY_TIMEOUT_S = 30

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
CREATE TABLE IF NOT EXISTS notes (              -- hints shown, metrics reached, figures kept
    id          TEXT PRIMARY KEY,
    day         INTEGER NOT NULL,
    kind        TEXT NOT NULL,                  -- hint, metric or figure
    name        TEXT NOT NULL,                  -- the exercise, the metric or the figure
    data        TEXT NOT NULL DEFAULT '{}',     -- a JSON object
    at          TEXT NOT NULL,
    local_date  TEXT NOT NULL,
    environment TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS notes_day_kind ON notes (day, kind);
"""
COLUMNS = ("id", "day", "exercise", "outcome", "at", "local_date", "environment", "error")
NOTE_COLUMNS = ("id", "day", "kind", "name", "data", "at", "local_date", "environment")


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


def open_store(path=None) -> "Store":
    """The learner's store (``default_path()``) or the one at ``path``, whatever COURSE_PROGRESS."""
    return Store(default_path() if path is None else path)


# --- the store ---------------------------------------------------------------------------------

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

    def note(self, day, kind: str, name: str, data: dict | None = None, **kwargs) -> Note:
        """Record a note (a hint shown, a metric reached, a figure kept); see ``Note.new``."""
        note = Note.new(day, kind, name, data, **kwargs)
        self.add_notes([note])
        return note

    def add_notes(self, notes) -> int:
        """Add notes, skipping those already here (same id). Returns how many were new."""
        notes = list(notes)
        return self._call(lambda conn: _insert(conn, notes, "notes", NOTE_COLUMNS)) if notes else 0

    def clear(self) -> int:
        """Delete every event and note; returns how many events there were."""
        def work(conn):
            conn.execute("DELETE FROM notes")
            return conn.execute("DELETE FROM events").rowcount
        return self._call(work)

    # reading
    def events(self) -> list[Event]:
        rows = self._call(lambda conn: conn.execute(
            f"SELECT {', '.join(COLUMNS)} FROM events ORDER BY at, id").fetchall())
        return [Event(*row) for row in rows]

    def notes(self, day: int | None = None, kind: str | None = None) -> list[Note]:
        """Notes in time order, of one day and one kind where given."""
        where, args = [], []
        if day is not None:
            where.append("day = ?")
            args.append(int(day))
        if kind is not None:
            where.append("kind = ?")
            args.append(kind)
        sql = (f"SELECT {', '.join(NOTE_COLUMNS)} FROM notes"
               + (f" WHERE {' AND '.join(where)}" if where else "")
               + " ORDER BY at, rowid")   # the same millisecond: in the order they were recorded
        return [Note(*row) for row in self._call(lambda conn: conn.execute(sql, args).fetchall())]

    def count(self) -> int:
        return self._call(lambda conn: conn.execute("SELECT COUNT(*) FROM events").fetchone()[0])

    def summary(self, days=DAYS) -> Summary:
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

    # export and import
    def export_json(self, path) -> int:
        """Write every event and note to a JSON file (atomically); returns how many events."""
        return write_export(path, self.events(), self.notes())

    def import_json(self, path) -> tuple[int, int]:
        """Merge an export into the store: returns (events added, events already there)."""
        events, notes = read_export_all(path)
        added = self.add(events)
        self.add_notes(notes)
        return added, len(events) - added


# --- SQLite -------------------------------------------------------------------------------------

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


def _insert(conn, events, table: str = "events", columns=COLUMNS) -> int:
    before = conn.total_changes
    rows = [tuple(getattr(e, c) for c in columns) for e in events]
    sql = (f"INSERT OR IGNORE INTO {table} ({', '.join(columns)}) "
           f"VALUES ({', '.join('?' * len(columns))})")
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
