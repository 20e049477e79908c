"""Export grades to CSV: nbgrader's columns, one row per student and assignment.

Columns: assignment, duedate, timestamp, student_id, last_name, first_name, email, raw_score,
late_submission_penalty, score, max_score (as `nbgrader export` writes them); --wide adds the
points of every exercise as `<assignment>:<grade_id>` columns.
"""
from __future__ import annotations

from pathlib import Path


def add_arguments(parser) -> None:
    parser.add_argument("--course-dir", type=Path, required=True, metavar="DIR")
    parser.add_argument("--to", type=Path, default=Path("grades.csv"), metavar="FILE",
                        help="the CSV file to write (default: grades.csv)")
    parser.add_argument("--wide", action="store_true", help="add one column per exercise")
    parser.add_argument("days", nargs="*", metavar="DAY", help="only these days (default: all)")


def run(args) -> int:
    from course.syllabus import select

    from ..classroom import load
    from ..export import export_csv

    course = load(args.course_dir)
    assignments = [d.name for d in select(args.days)] if args.days else None
    rows = export_csv(course, args.to, wide=args.wide, assignments=assignments)
    print(f"{rows} row(s) written to {args.to}")
    return 0
