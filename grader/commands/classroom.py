"""Create a class's nbgrader course folder: `course classroom init DIR`.

The folder is nbgrader's standard layout (source/, release/, submitted/, autograded/,
feedback/, gradebook.db, nbgrader_config.py), so `nbgrader formgrader` and `nbgrader export` work
on it too. The flow after it: `course release`, `course collect`, `course grade`,
`course feedback`, `course export` (see grader/README.md).
"""
from __future__ import annotations

import sys
from pathlib import Path


def add_arguments(parser) -> None:
    sub = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    init = sub.add_parser("init", help="create a course folder for a class")
    init.add_argument("dir", type=Path, metavar="DIR", help="the course folder to create")
    init.add_argument("--db", metavar="URL", default=None,
                      help="gradebook as a SQLAlchemy URL, e.g. postgresql://user:pw@host/db "
                           "(default: DIR/gradebook.db, SQLite)")
    init.add_argument("--course-id", default=None, help="nbgrader course id (default: DIR's name)")
    init.add_argument("--timeout", type=int, default=60,
                      help="seconds per cell when grading, imports not counted (default 60)")
    init.add_argument("--memory", type=int, default=2048, metavar="MB",
                      help="memory per grading kernel in MB, on top of its imports (default 2048)")
    init.add_argument("--no-hints", dest="hints", action="store_false",
                      help="learners cannot ask for hints (c.CourseRelease.hints = False)")
    init.add_argument("--force", action="store_true",
                      help="rewrite nbgrader_config.py of an existing course folder")


def run(args) -> int:
    from ..classroom import ClassroomError, init

    try:
        course = init(args.dir, course_id=args.course_id, db_url=args.db, timeout=args.timeout,
                      memory_mb=args.memory, hints=args.hints, force=args.force)
    except (ClassroomError, ImportError):
        raise  # its message says what to do, or which extra to install (course.cli says it)
    except Exception as err:  # noqa: BLE001 (a database URL that does not connect, a folder not writable)
        print(f"course classroom: could not create the course folder: {type(err).__name__}: "
              f"{err}", file=sys.stderr)
        return 2
    print(f"Course folder ready: {course.root}")
    print(f"  gradebook: {course.db_url}")
    print(f"  next: course release 1 --course-dir {args.dir}")
    return 0
