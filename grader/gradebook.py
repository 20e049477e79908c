"""Where results go: autograded/<student>/<assignment>/ (the executed notebook and grading.json)
and nbgrader's gradebook, written as nbgrader's autograde would write it (auto scores, "No
response." comments, late penalties), so formgrader and `nbgrader export` see the grades.
"""
from __future__ import annotations

import copy
import json
import shutil
import warnings
from pathlib import Path

import nbformat

from .classroom import Course
from .scoring import Result
from .status import Status, TestStatus
from .template import Template


def result_path(course: Course, student: str, assignment: str) -> Path:
    return course.autograded / student / assignment / "grading.json"


def load_result(course: Course, student: str, assignment: str) -> Result | None:
    path = result_path(course, student, assignment)
    if not path.exists():
        return None
    return Result.from_json(json.loads(path.read_text()))


def save(course: Course, template: Template, result: Result, nb) -> None:
    """autograded/<student>/<assignment>/: the executed notebook, grading.json, timestamp.txt and
    the assignment's other source files (as nbgrader's autograde leaves them)."""
    out = course.autograded / result.student / result.assignment
    out.mkdir(parents=True, exist_ok=True)
    if nb is None:
        nb = nbformat.v4.new_notebook(cells=[copy.deepcopy(c.cell) for c in template.cells])
        nb.cells.insert(0, nbformat.v4.new_markdown_cell(
            f"**This submission could not be graded:** {result.reason}. Score: 0."))
    target = out / f"{template.notebook}.ipynb"
    if target.exists():
        target.chmod(0o644)
        target.unlink()
    nbformat.write(nb, str(target))
    stamp = course.submitted / result.student / result.assignment / "timestamp.txt"
    if stamp.exists():
        shutil.copy(stamp, out / "timestamp.txt")
    src = course.source / result.assignment
    for f in src.rglob("*"):
        if f.is_file() and f.suffix != ".ipynb" and ".ipynb_checkpoints" not in f.parts:
            dest = out / f.relative_to(src)
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(f, dest)
    result_path(course, result.student, result.assignment).write_text(
        json.dumps(result.to_json(), indent=1))


def record(gb, course: Course, template: Template, result: Result) -> None:
    """Write a result into nbgrader's gradebook: the submission, every grade (auto score) and
    comment, and the late penalty, replacing what an earlier grading recorded.

    A submission whose timestamp.txt could not be read is recorded without a time (not as on
    time from an earlier grading) and without a late penalty, and its grades are marked *needs
    manual grade*, so formgrader shows it until the file is fixed and the day re-graded."""
    quiet_gradebook()  # also when called on its own, outside grade()
    _record(gb, course, template, result)


def quiet_gradebook() -> None:
    """Silence SQLAlchemy's autoflush notes that nbgrader's api raises on every submission.

    A process-wide filter: ``warnings.catch_warnings`` is not safe across the grading threads."""
    from sqlalchemy.exc import SAWarning

    warnings.filterwarnings("ignore", category=SAWarning, message=r"Object of type <Submitted")


def _submission(gb, a: str, s: str, result: Result):
    if result.timestamp:
        return gb.update_or_create_submission(a, s, timestamp=result.timestamp)
    sub = gb.update_or_create_submission(a, s)   # no timestamp.txt: nbgrader keeps what it had
    if result.timestamp_problem:
        sub.timestamp = None                    # unknown, not the time of an earlier submission
    return sub


def _record(gb, course: Course, template: Template, result: Result) -> None:
    from nbgrader.api import MissingEntry
    from nbgrader.plugins import LateSubmissionPlugin

    a, s, n = result.assignment, result.student, template.notebook
    gb.update_or_create_student(s)
    sub = _submission(gb, a, s, result)
    try:
        grades = {t.grade_id: gb.find_grade(t.grade_id, n, a, s) for t in result.tests}
    except MissingEntry:  # the assignment changed since this submission was first recorded
        gb.remove_submission(a, s)
        sub = _submission(gb, a, s, result)
        grades = {t.grade_id: gb.find_grade(t.grade_id, n, a, s) for t in result.tests}
    for t in result.tests:
        grade = grades[t.grade_id]
        grade.auto_score = t.points
        grade.needs_manual_grade = (grade.manual_score is not None
                                    or t.status == TestStatus.TAMPERED or bool(result.problems))
    for tc in template.cells:
        if tc.kind != "answer":
            continue
        try:
            comment = gb.find_comment(tc.grade_id, n, a, s)
        except MissingEntry:
            continue
        if result.status == Status.FAILED:
            comment.auto_comment = f"Not graded: {result.reason}."
        elif tc.grade_id in result.unanswered:
            comment.auto_comment = "No response."
        else:
            comment.auto_comment = None
    notebook = gb.find_submission_notebook(n, a, s)
    notebook.late_submission_penalty = None
    if sub.total_seconds_late > 0:
        plugin = LateSubmissionPlugin(config=course.config)
        penalty = plugin.late_submission_penalty(s, notebook.score, sub.total_seconds_late)
        if penalty is not None:
            notebook.late_submission_penalty = min(max(0.0, penalty), notebook.score)
    gb.db.commit()
