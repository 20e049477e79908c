"""Your progress: exercises passed per day, the completed date and the streak.

  course progress                  a table per day, the streak, where the store is
  course progress --journal        a #100DaysOfMLCode-style log in Markdown, ready to paste: per day
                                   what you built and reached, the time, the hints, the figure
  course progress --journal --images DIR   the same, with each day's figure copied into DIR
  course progress --html FILE      a one-page portfolio (calendar, days, figures) for any browser
  course progress --export FILE    every event as JSON (take it home from Colab or Binder)
  course progress --import FILE    merge an export back in; events already here are skipped
  course progress --reset          delete your progress (asks first; a backup is written)

The store is $COURSE_HOME/progress.sqlite3 when COURSE_HOME is set, else in your user data folder.
"""
from __future__ import annotations

import sys
from datetime import datetime
from pathlib import Path

from .. import progress
from ..syllabus import DAYS
from .table import format_table


def add_arguments(parser) -> None:
    what = parser.add_mutually_exclusive_group()
    what.add_argument("--journal", action="store_true",
                      help="print a Markdown log: one section per day you worked on")
    what.add_argument("--html", type=Path, metavar="FILE",
                      help="write a one-page portfolio of your journey (opens in any browser)")
    parser.add_argument("--images", type=Path, metavar="DIR",
                        help="with --journal: copy each day's figure into DIR and link it there")
    what.add_argument("--export", type=Path, metavar="FILE",
                      help="write every event to FILE (JSON)")
    what.add_argument("--import", dest="import_", type=Path, metavar="FILE",
                      help="merge an export into your progress, without duplicates")
    what.add_argument("--reset", action="store_true",
                      help="delete your progress after asking (a JSON backup is written first)")
    parser.add_argument("--yes", "-y", action="store_true", help="with --reset: do not ask")
    parser.add_argument("--all", action="store_true",
                        help="list every day of the syllabus, also those not written yet")


def run(args) -> int:
    store = progress.open_store()
    for line in store.notices:
        print(line, file=sys.stderr)
    if store.problem:
        print(store.problem, file=sys.stderr)
        if args.import_ or args.reset:
            return 1
    if args.export:
        n = progress.export_json(args.export, store)
        print(f"Exported {progress.plural(n, 'event')} to {args.export}.")
        return 0
    if args.import_:
        added, known = progress.import_json(args.import_, store)
        print(f"Imported {progress.plural(added, 'new event')} from {args.import_} "
              f"({known} already here) into {store.path}.")
        return 0
    if args.reset:
        return _reset(store, args.yes)
    if args.images and not args.journal:
        print("--images goes with --journal (course progress --journal --images DIR).",
              file=sys.stderr)
        return 2
    if args.journal:
        text = progress.journal(store, images=args.images)
        print(text.rstrip() if text else "Nothing to write yet: pass an exercise first.")
        return 0
    if args.html:
        n = progress.portfolio(store, args.html)
        print(f"Wrote your portfolio ({progress.plural(n, 'day')}) to {args.html}: open it in "
              "any browser.")
        return 0
    summary = store.summary()
    print(table(summary, show_all=args.all))
    print(footer(summary, store))
    return 0


def table(summary, show_all: bool = False) -> str:
    """Day, title, exercises passed / total, the completed date and the streak on that date."""
    rows = []
    for number in sorted(summary.days):
        p = summary.days[number]
        if not (show_all or p.day.available or p.passed):
            continue
        exercises = f"{p.count}/{p.total}" if p.total else (f"{p.count}" if p.passed else "-")
        done = p.completed_on
        rows.append((f"{number:02d}", p.day.title, exercises, done.isoformat() if done else "",
                     progress.streak_ending(summary.activity, done) if done else ""))
    return format_table(("day", "title", "exercises", "completed", "streak"), rows)


def footer(summary, store) -> str:
    where = (f"Stored in {store.path}." if store.saving else "")
    return (f"\n{summary.days_complete} of {len(DAYS)} days complete · "
            f"current streak {progress.plural(summary.streak(), 'day')} "
            f"(longest {summary.longest_streak()}) · "
            f"{progress.plural(summary.passes, 'exercise')} passed on "
            f"{progress.plural(len(summary.activity), 'day')}.\n"
            "The streak column: consecutive days with a passed exercise, up to the day's "
            "completed date.\n" + where).rstrip()


def _reset(store, yes: bool) -> int:
    n = store.count()
    if n == 0:
        print(f"Nothing to reset: {store.path} holds no events.")
        return 0
    backup = store.path.with_name(f"progress-backup-{datetime.now():%Y%m%d-%H%M%S}.json")
    if not yes:
        try:
            answer = input(f"Delete {progress.plural(n, 'event')} from {store.path}? "
                           f"(a backup goes to {backup}) [y/N] ")
        except EOFError:
            answer = ""
        if answer.strip().lower() not in ("y", "yes"):
            print("Not reset. (Pass --yes to reset without being asked.)")
            return 1
    progress.export_json(backup, store)
    store.clear()
    print(f"Deleted {progress.plural(n, 'event')}. The backup is {backup}; "
          f"`course progress --import {backup}` brings them back.")
    return 0
