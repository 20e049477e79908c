"""Feedback for students: their notebook, scores and failure messages, never hidden test code.

`course feedback` writes ``feedback/<student>/<assignment>/<notebook>.html`` (nbgrader's place,
so `nbgrader release_feedback` hands it out). `HideHiddenTests` does the same hiding for
nbgrader's own feedback (formgrader's button, `nbgrader generate_feedback`): a course folder's
nbgrader_config.py names it as ``grader.feedback.HideHiddenTests`` (older folders as
``course.grading.HideHiddenTests``, the same class).
"""
from __future__ import annotations

import copy
import shutil
from pathlib import Path

import nbformat

from course.authoring import notebook as nbtools

from .classroom import Course
from .errors import GradingError
from .gradebook import load_result
from .scoring import Result
from .status import Status, TestStatus
from .template import visible_source

try:
    from nbconvert.preprocessors import Preprocessor as _Preprocessor
except ImportError:  # pragma: no cover
    _Preprocessor = object


def hide_hidden_tests(nb) -> None:
    """Remove hidden test code from a graded notebook, in place: the hidden blocks of test cells
    and the tracebacks of their failures (which quote the failing line); the error message
    itself stays, since it tells the student what is wrong."""
    for cell in nb.cells:
        meta = nbtools.nbgrader_meta(cell)
        source = cell.get("source", "")
        is_test = bool(meta.get("grade")) and cell.get("cell_type") == "code"
        if is_test or nbtools.BEGIN_HIDDEN in source:
            cell["source"] = visible_source(source)
        if cell.get("cell_type") != "code":
            continue
        for out in cell.get("outputs", []):
            if out.get("output_type") == "error":
                out["traceback"] = [f"{out.get('ename', 'Error')}: {out.get('evalue', '')}"]


class HideHiddenTests(_Preprocessor):
    """nbconvert preprocessor (for nbgrader's own feedback and formgrader's button):
    ``c.GenerateFeedback.preprocessors`` in the course's nbgrader_config.py lists it."""

    try:
        from traitlets import Bool

        enabled = Bool(True).tag(config=True)   # nbconvert registers preprocessors disabled
    except ImportError:  # pragma: no cover
        enabled = True

    def preprocess(self, nb, resources):
        hide_hidden_tests(nb)
        return nb, resources


def feedback_notebook(result: Result, nb) -> nbformat.NotebookNode:
    """The student's graded notebook with a score table on top and a verdict under each test."""
    nb = copy.deepcopy(nb)
    hide_hidden_tests(nb)
    rows = ["| exercise | points | result |", "|---|---|---|"]
    for t in result.tests:
        mark = "✔ passed" if t.status == TestStatus.PASSED else f"✘ {t.status}"
        detail = f": {t.message}" if t.message and t.status != TestStatus.PASSED else ""
        rows.append(f"| `{t.grade_id}` | {t.points:g} / {t.max_points:g} | "
                    f"{mark}{_md(detail)} |")
    head = [f"# Feedback: {result.assignment}",
            f"**Student:** {result.student}  \n**Score:** {result.score:g} / {result.max_score:g}"]
    if result.status != Status.GRADED:
        head.append(f"**Grading:** {result.status}: {_md(result.reason)}")
    elif result.notes:
        head.append(f"**Notes:** {_md('; '.join(result.notes))}")
    cells = [nbformat.v4.new_markdown_cell("\n\n".join(head) + "\n\n" + "\n".join(rows))]
    by_id = {t.grade_id: t for t in result.tests}
    for cell in nb.cells:
        cells.append(cell)
        gid = nbtools.nbgrader_meta(cell).get("grade_id")
        if gid in by_id and nbtools.nbgrader_meta(cell).get("grade"):
            t = by_id[gid]
            verdict = "✔ passed" if t.status == TestStatus.PASSED else f"✘ {t.status}"
            msg = f" — {_md(t.message)}" if t.message and t.status != TestStatus.PASSED else ""
            cells.append(nbformat.v4.new_markdown_cell(
                f"**{gid}: {t.points:g} / {t.max_points:g}** {verdict}{msg}"))
    nb.cells = cells
    return nb


def _md(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def feedback(course: Course, assignment: str, students=None, *, progress: bool = False) -> list[Path]:
    """HTML feedback for every graded submission: feedback/<student>/<assignment>/<nb>.html."""
    from nbconvert import HTMLExporter

    exporter = HTMLExporter(template_name="lab")
    written = []
    graded = sorted(p.parent.parent.name for p in course.autograded.glob(f"*/{assignment}/grading.json"))
    if students:
        graded = [s for s in graded if s in students]
    if not graded:
        raise GradingError(f"Nothing graded for {assignment} yet: run `course grade {assignment} "
                           f"--course-dir {course.root}` first.")
    iterator = graded
    if progress:
        from tqdm import tqdm

        iterator = tqdm(graded, desc=f"feedback {assignment}", unit="student", dynamic_ncols=True)
    for student in iterator:
        result = load_result(course, student, assignment)
        src = course.autograded / student / assignment / f"{result.notebook}.ipynb"
        nb = nbtools.read(src)
        html, _ = exporter.from_notebook_node(feedback_notebook(result, nb),
                                              resources={"metadata": {"name": f"{assignment} "
                                                                              f"feedback"}})
        out = course.feedback / student / assignment
        out.mkdir(parents=True, exist_ok=True)
        target = out / f"{result.notebook}.html"
        target.write_text(html, encoding="utf-8")
        stamp = course.autograded / student / assignment / "timestamp.txt"
        if stamp.exists():
            shutil.copy(stamp, out / "timestamp.txt")
        written.append(target)
    return written
