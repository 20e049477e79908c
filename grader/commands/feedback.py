"""Write per-student HTML feedback: code, outputs, scores and failure messages, no hidden tests.

Goes to feedback/<student>/<assignment>/<notebook>.html (nbgrader's place, so
`nbgrader release_feedback` can hand it out). Hidden test code is never in it.
"""
from __future__ import annotations

from pathlib import Path


def add_arguments(parser) -> None:
    parser.add_argument("days", nargs="+", metavar="DAY")
    parser.add_argument("--course-dir", type=Path, required=True, metavar="DIR")
    parser.add_argument("--student", action="append", default=None, metavar="S",
                        help="only this student (repeat for more)")
    parser.add_argument("--quiet", "-q", action="store_true", help="no progress bar")


def run(args) -> int:
    from course.syllabus import select

    from ..classroom import load
    from ..feedback import feedback

    days = select(args.days)
    course = load(args.course_dir)
    for day in days:
        written = feedback(course, day.name, args.student, progress=not args.quiet)
        print(f"{day.name}: feedback for {len(written)} student(s) in "
              f"{course.feedback}/<student>/{day.name}/")
    return 0
