"""Import submissions from a zip or folder into the course's submitted/ folder.

Files named `<student>_<notebook>.ipynb` or `<student>/<notebook>.ipynb` (an LMS download, a
shared drive) go to `submitted/<student>/<assignment>/<notebook>.ipynb` with a timestamp.txt.
A renamed notebook is recognised by its cells.
"""
from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

from course.cli.table import print_table


def add_arguments(parser) -> None:
    parser.add_argument("source", type=Path, metavar="ZIP_OR_FOLDER")
    parser.add_argument("--course-dir", type=Path, required=True, metavar="DIR")
    parser.add_argument("--timestamp", default=None, metavar="'YYYY-MM-DD HH:MM'",
                        help="submission time (UTC) for every file (default: each file's "
                             "modification time)")


def run(args) -> int:
    from ..classroom import load
    from ..collect import collect
    from ..status import Filed

    try:
        when = dt.datetime.fromisoformat(args.timestamp) if args.timestamp else None
    except ValueError:
        print(f"course collect: --timestamp {args.timestamp!r} is not a date and time; write it "
              "as 'YYYY-MM-DD HH:MM'.", file=sys.stderr)
        return 2
    course = load(args.course_dir)
    done = collect(course, args.source, timestamp=when)
    rows = [(d.student or "?", d.assignment or "?", d.status, d.source, d.note) for d in done]
    print_table(("student", "assignment", "status", "file", "note"), rows)
    added = sum(d.status != Filed.SKIPPED for d in done)
    skipped = len(done) - added
    print(f"\n{added} submission(s) imported into {course.submitted}"
          + (f"; {skipped} file(s) skipped (see the note)" if skipped else "") + ".")
    return 1 if skipped and not added else 0
