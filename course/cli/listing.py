"""List the days: number, title, exercises and points (derived from the notebooks)."""
from __future__ import annotations

from ..syllabus import DAYS
from .table import print_table


def add_arguments(parser) -> None:
    parser.add_argument("--all", action="store_true",
                        help="also list the days whose notebook is not written yet")


def run(args) -> int:
    rows = []
    for day in DAYS:
        if day.available:
            rows.append((f"{day.number:02d}", day.slug, day.title, len(day.exercises),
                         f"{day.points:g}"))
        elif args.all:
            rows.append((f"{day.number:02d}", day.slug, day.title, "-", "coming"))
    print_table(("day", "slug", "title", "exercises", "points"), rows)
    return 0
