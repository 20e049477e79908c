"""Write the student versions of days: solutions replaced by stubs, hidden tests removed.

An existing notebook in the target folder is kept (it may hold a learner's work) unless
--force is given; new days are added.
"""
from __future__ import annotations

from pathlib import Path

from ..release import release


def add_arguments(parser) -> None:
    parser.add_argument("days", nargs="*", metavar="DAY",
                        help="days to release: 1, 01, day01 or a slug (default: every written day)")
    parser.add_argument("--to", required=True, type=Path, metavar="DIR",
                        help="folder to write DIR/dayNN-slug/dayNN-slug.ipynb into")
    parser.add_argument("--force", action="store_true",
                        help="overwrite notebooks that already exist (a learner's edits are lost)")


def run(args) -> int:
    from ..syllabus import select

    for path, status in release(select(args.days), args.to, force=args.force):
        print(f"{status:>8}  {path}")
    return 0
