"""Write the student versions of days: solutions replaced by stubs, hidden tests removed.

With --to DIR: into a plain folder (a learner's workspace, the committed student/ versions); an
existing notebook there is kept (it may hold a learner's work) unless --force is given.

With --course-dir DIR: into a class's nbgrader course folder (see `course classroom init`): the
day's source is copied to DIR/source/, nbgrader's GenerateAssignment (in this process) writes
DIR/release/<assignment>/ and records the assignment, its cells and checksums in the gradebook.
"""
from __future__ import annotations

from pathlib import Path


def add_arguments(parser) -> None:
    parser.add_argument("days", nargs="*", metavar="DAY",
                        help="days to release: 1, 01, day01 or a slug (default: every written day)")
    where = parser.add_mutually_exclusive_group(required=True)
    where.add_argument("--to", type=Path, metavar="DIR",
                       help="folder to write DIR/dayNN-slug/dayNN-slug.ipynb into")
    where.add_argument("--course-dir", type=Path, metavar="DIR",
                       help="a class's nbgrader course folder: release there and register the "
                            "assignment in its gradebook")
    parser.add_argument("--no-hints", dest="hints", action="store_false", default=None,
                        help="start each day with hints switched off (course.hint says so); "
                             "for a class, c.CourseRelease.hints = False does it for every release")
    parser.add_argument("--force", action="store_true",
                        help="(--to) overwrite notebooks that already exist (a learner's edits "
                             "are lost)")


def run(args) -> int:
    from ..syllabus import select

    days = select(args.days)
    if args.course_dir is not None:
        from grader import classroom

        course = classroom.load(args.course_dir)
        for path, status in classroom.release(course, days, hints=args.hints):
            print(f"{status:>8}  {path}")
        print(f"The gradebook ({course.db_url}) knows the assignment(s); students get "
              f"{course.release}/<assignment>/.")
        return 0
    from ..authoring.release import release

    for path, status in release(days, args.to, force=args.force, hints=args.hints is not False):
        print(f"{status:>8}  {path}")
    return 0
