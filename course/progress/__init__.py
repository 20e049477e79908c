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

- ``events``: one test-cell run (``Event``) and the JSON export format;
- ``store``: the SQLite file (``Store``) and where it lives (``home``, ``default_path``);
- ``summary``: what the events add up to (``Summary``, streaks, ``text_line``);
- ``journal``: what each day built and reached: ``journal`` (Markdown), ``portfolio`` (HTML);
- ``heatmap``: the activity calendar;
- ``widget``: this kernel's session: ``show``, ``passed``, ``failed``, ``watch_failures``,
  ``figure`` (keep the day's picture for the journal), ``note`` (hints shown, metrics reached),
  and ``export_json``/``import_json`` (this kernel's store unless given one).
"""
from __future__ import annotations

from .events import (EXPORT_FORMAT, EXPORT_VERSION, NOTE_KINDS, OUTCOMES, Event, Note,
                     ProgressFileError, current_environment, read_export, read_export_all)
from .heatmap import HEAT_COLOURS, heatmap_html
from .journal import Entry, journal, portfolio
from .store import APP, FILENAME, Store, default_path, enabled, home, open_store
from .summary import (DayProgress, Summary, local_today, longest_streak, plural, streak,
                      streak_ending, text_line)
from .widget import (MAX_VIEWS, begin, export_json, failed, figure, import_json, note, passed,
                     session_day, show, watch_failures)

__all__ = [
    "APP", "EXPORT_FORMAT", "EXPORT_VERSION", "FILENAME", "HEAT_COLOURS", "MAX_VIEWS",
    "NOTE_KINDS", "OUTCOMES", "DayProgress", "Entry", "Event", "Note", "ProgressFileError", "Store",
    "Summary", "begin", "current_environment", "default_path", "enabled", "export_json",
    "failed", "figure", "heatmap_html", "home", "import_json", "journal", "local_today",
    "longest_streak", "note", "open_store", "passed", "plural", "portfolio", "read_export",
    "read_export_all", "session_day", "show", "streak", "streak_ending", "text_line", "watch_failures",
]
