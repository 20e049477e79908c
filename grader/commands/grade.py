"""Autograde every submission of the days into the course's gradebook, in parallel.

One process for the whole batch, N kernels at a time, a progress bar and a summary; with
--scheduler, the workers of a Dask cluster grade instead (this process still writes every result
and the gradebook). Each submission is graded against the released source (test cells restored
by grade_id), in a bubblewrap sandbox (no course folder, no network), with a per-cell time
limit that does not count the imports, a memory limit per kernel, and a guard against faked
passes. Re-grading replaces the earlier result; a submission that cannot be graded gets a
recorded zero and the reason.
"""
from __future__ import annotations

import os
from pathlib import Path

from course.cli.table import print_table


def add_arguments(parser) -> None:
    parser.add_argument("days", nargs="+", metavar="DAY", help="days to grade: 1, 01, day01 or a slug")
    parser.add_argument("--course-dir", type=Path, required=True, metavar="DIR")
    parser.add_argument("--jobs", "-j", type=int, default=os.cpu_count() or 1,
                        help="submissions graded at once (default: the number of cores)")
    parser.add_argument("--student", action="append", default=None, metavar="S",
                        help="grade only this student (repeat for more)")
    parser.add_argument("--timeout", type=float, default=None,
                        help="seconds per cell (default: the course's Execute.timeout)")
    parser.add_argument("--memory", type=int, default=None, metavar="MB",
                        help="memory per kernel in MB (default: the course's setting)")
    parser.add_argument("--changed", action="store_true",
                        help="only submissions that are new or changed since they were graded")
    parser.add_argument("--run-all", action="store_true",
                        help="also run the cells after the last test (plots, training)")
    parser.add_argument("--no-fork", dest="fork", action="store_false",
                        help="start every kernel the usual way instead of forking it from one "
                             "warm process (slower; for platforms without fork)")
    parser.add_argument("--no-sandbox", dest="sandbox", action="store_false",
                        help="run the students' code without the bubblewrap sandbox (it can "
                             "then read the course folder and use the network; for machines "
                             "without bubblewrap)")
    parser.add_argument("--scheduler", metavar="ADDRESS",
                        help="grade on a Dask cluster (tcp://HOST:8786): each submission is a "
                             "task for its workers, which need the course with its grader extra; "
                             "only this machine writes the results and the gradebook")
    parser.add_argument("--force", action="store_true",
                        help="with --scheduler: grade every submission again, even after an "
                             "interrupted batch (whose graded submissions are kept otherwise)")
    parser.add_argument("--quiet", "-q", action="store_true", help="no progress bar")


def run(args) -> int:
    from course.syllabus import select

    from ..batch import grade, summary
    from ..classroom import load
    from ..scoring import Settings
    from ..status import Status

    days = select(args.days)
    course = load(args.course_dir)
    settings = Settings(timeout=args.timeout or course.timeout,
                        memory_mb=course.memory_mb if args.memory is None else args.memory,
                        run_all=args.run_all, fork=args.fork, sandbox=args.sandbox)
    results, notices = [], []
    for day in days:
        if args.scheduler:   # Dask is imported on this path only
            from ..cluster import grade as grade_on_cluster

            batch = grade_on_cluster(course, day.name, args.student, scheduler=args.scheduler,
                                     settings=settings, progress=not args.quiet,
                                     only_changed=args.changed, force=args.force)
        else:
            batch = grade(course, day.name, args.student, jobs=args.jobs, settings=settings,
                          progress=not args.quiet, only_changed=args.changed)
        if not batch.results:
            print(f"{day.name}: no submissions to grade in {course.submitted}"
                  + (" (nothing changed)" if args.changed else ""))
        results += batch.results
        notices += [f"{day.name}: {n}" for n in batch.notices]
    if not results:
        return 0
    counts, problems = summary(results)
    print()
    print_table(("assignment", "submissions", *Status, "mean score"), counts)
    for notice in notices:
        print(notice)
    if problems:
        print("\nSubmissions to look at (details in autograded/<student>/<assignment>/grading.json):")
        print_table(("student", "assignment", "score", "status", "reason"), problems)
    print(f"\nGrades are in {course.db_url}; next: course feedback "
          f"{' '.join(str(d.number) for d in days)} --course-dir {args.course_dir}")
    return 0
