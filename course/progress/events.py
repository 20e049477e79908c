"""One test-cell run (an event), and the JSON export that carries events between machines."""
from __future__ import annotations

import json
import os
import uuid
from dataclasses import asdict, dataclass, fields
from datetime import date, datetime, timezone
from pathlib import Path

from .. import environment as _env
from ..errors import CourseError

OUTCOMES = ("passed", "failed")
NOTE_KINDS = ("hint", "metric", "figure")
EXPORT_FORMAT = "100-days-of-deep-learning/progress"
EXPORT_VERSION = 1


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


# --- notes: what else a day's session leaves for the journal ---------------------------------

@dataclass(frozen=True)
class Note:
    """Something a day's session did besides running test cells: a hint shown (``name`` the
    exercise, ``data`` its tier), a headline metric reached (``name`` the metric, ``data`` its
    value, unit, target, verdict) or the day's figure kept (``data`` the PNG's file name)."""

    id: str
    day: int
    kind: str
    name: str
    data: str          # a JSON object
    at: str
    local_date: str
    environment: str

    @classmethod
    def new(cls, day: int, kind: str, name: str, data: dict | None = None, *,
            when: datetime | None = None, environment: str | None = None) -> "Note":
        if kind not in NOTE_KINDS:
            raise ValueError(f"kind must be one of {NOTE_KINDS}, not {kind!r}")
        when = datetime.now().astimezone() if when is None else when
        if when.tzinfo is None:
            when = when.astimezone()
        return cls(uuid.uuid4().hex, int(day), kind, str(name),
                   json.dumps(data or {}, ensure_ascii=False, sort_keys=True),
                   when.astimezone(timezone.utc).isoformat(timespec="milliseconds"),
                   when.date().isoformat(), environment or current_environment())

    @classmethod
    def from_dict(cls, data) -> "Note":
        """A note read from an export; raises ValueError naming the bad field."""
        if not isinstance(data, dict):
            raise ValueError(f"a note is an object, not {type(data).__name__}")
        missing = [f.name for f in fields(cls) if f.name not in data]
        if missing:
            raise ValueError(f"a note lacks {', '.join(missing)}")
        note = cls(str(data["id"]), int(data["day"]), str(data["kind"]), str(data["name"]),
                   str(data["data"]), str(data["at"]), str(data["local_date"]),
                   str(data["environment"]))
        if note.kind not in NOTE_KINDS:
            raise ValueError(f"note {note.id}: kind {note.kind!r} is not one of {NOTE_KINDS}")
        if not isinstance(json.loads(note.data), dict):
            raise ValueError(f"note {note.id}: data is not a JSON object")
        date.fromisoformat(note.local_date)
        datetime.fromisoformat(note.at)
        return note

    @property
    def value(self) -> dict:
        return json.loads(self.data)


_ENVIRONMENT: str | None = None


def current_environment() -> str:
    """``course.environment.detect()``, worked out once per process."""
    global _ENVIRONMENT
    if _ENVIRONMENT is None:
        _ENVIRONMENT = _env.detect()
    return _ENVIRONMENT


# --- the export file ----------------------------------------------------------------------------

def write_export(path, events, notes=()) -> int:
    """Write events (and notes: hints, metrics, figures) to a JSON file (atomically); returns
    how many events."""
    events = list(events)
    data = {"format": EXPORT_FORMAT, "version": EXPORT_VERSION,
            "exported_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            "events": [asdict(e) for e in events], "notes": [asdict(n) for n in notes]}
    path = Path(path).expanduser()
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    os.replace(tmp, path)
    return len(events)


def read_export(path) -> list[Event]:
    """The events of an export file; ProgressFileError with a sentence when it is not one."""
    return read_export_all(path)[0]


def read_export_all(path) -> tuple[list[Event], list[Note]]:
    """The events and notes of an export file (an export from before notes existed has none)."""
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
        events = [Event.from_dict(e) for e in data.get("events", [])]
    except (ValueError, TypeError, KeyError) as err:
        raise ProgressFileError(f"{path} has a damaged event ({err}). {hint}") from None
    try:
        notes = [Note.from_dict(n) for n in data.get("notes", [])]
    except (ValueError, TypeError, KeyError) as err:
        raise ProgressFileError(f"{path} has a damaged note ({err}). {hint}") from None
    return events, notes
