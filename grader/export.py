"""Grades out of the gradebook: nbgrader's CSV export, optionally one column per exercise."""
from __future__ import annotations

import csv

from .classroom import Course

CSV_COLUMNS = ("assignment", "duedate", "timestamp", "student_id", "last_name", "first_name",
               "email", "raw_score", "late_submission_penalty", "score", "max_score")


def export_csv(course: Course, to, *, wide: bool = False, assignments=None) -> int:
    """nbgrader's CSV export (same columns, same values); ``wide`` adds one column of points per
    exercise, named ``<assignment>:<grade_id>``. Returns the number of rows."""
    from nbgrader.api import MissingEntry

    rows = 0
    with course.gradebook() as gb, open(to, "w", newline="") as fh:
        chosen = [a for a in gb.assignments if not assignments or a.name in assignments]
        extra = []
        if wide:
            for a in chosen:
                for nb in a.notebooks:
                    extra += [f"{a.name}:{gc.name}" for gc in nb.grade_cells]
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(list(CSV_COLUMNS) + extra)
        for a in chosen:
            for student in gb.students:
                row = {"assignment": a.name, "duedate": a.duedate, "student_id": student.id,
                       "last_name": student.last_name, "first_name": student.first_name,
                       "email": student.email, "max_score": a.max_score}
                points = {}
                try:
                    sub = gb.find_submission(a.name, student.id)
                except MissingEntry:
                    row.update(timestamp="", raw_score=0.0, late_submission_penalty=0.0, score=0.0)
                else:
                    penalty = sub.late_submission_penalty
                    row.update(timestamp=sub.timestamp, raw_score=sub.score,
                               late_submission_penalty=penalty,
                               score=max(0.0, sub.score - penalty))
                    if wide:
                        for nb in sub.notebooks:
                            for g in nb.grades:
                                points[f"{a.name}:{g.name}"] = g.score
                values = ["" if row[k] is None else str(row[k]) for k in CSV_COLUMNS]
                values += ["" if points.get(k) is None else str(points.get(k, "")) for k in extra]
                writer.writerow(values)
                rows += 1
    return rows
