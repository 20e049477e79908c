"""Prove each graded test of a day fails on the released stub and passes on the solution.

For course authors: run it on a day you are writing (`course verify 3`).
"""
from __future__ import annotations

import sys

from ..syllabus import select


def add_arguments(parser) -> None:
    parser.add_argument("days", nargs="*", metavar="DAY",
                        help="days to check (default: every written day)")


def run(args) -> int:
    from ..authoring.verification import verify

    bad = 0
    for day in select(args.days):
        findings = verify(day)
        print(f"day {day.number:02d}: " + ("ok" if not findings else f"{len(findings)} problem(s)"))
        for finding in findings:
            print(f"  {finding}", file=sys.stderr)
        bad += len(findings)
    return 1 if bad else 0
