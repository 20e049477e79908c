"""A batch through `course grade`: the summary tables, a fork server that could not start (the
plain kernels' slowdown is reported, with why) and a timestamp.txt that could not be read (the
submission is graded, and the problem is in the table, grading.json and the gradebook)."""
import contextlib
import io
import json
import re

import generate
import nbformat
import pytest

from course.cli import main
from course.syllabus import get_day
from grader import classroom
from grader.batch import summary
from grader.errors import GradingError
from grader.kernel import pool
from grader.scoring import Result, TestResult
from grader.status import Status, TestStatus

from .conftest import grade_args

ASSIGNMENT = "day01-numpy"
PROBLEM = ("timestamp.txt unreadable: 'yesterday'; the late penalty could not be applied: fix "
           "the file and re-grade")


def _result(student, status=Status.GRADED, score=1.0, **kwargs):
    return Result(student, ASSIGNMENT, ASSIGNMENT, status=status,
                  tests=[TestResult("t", score, 2.0, TestStatus.PASSED)], **kwargs)


def test_summary_counts_each_status_and_lists_what_needs_a_look():
    results = [_result("ann"), _result("bob", Status.TIMED_OUT, 0.0, reasons=["t: timed out"]),
               _result("cid", notes=["cells reordered: run in the released order"]),
               _result("dee", timestamp_problem=PROBLEM, notes=["renamed: graded x.ipynb"]),
               _result("eve", Status.TAMPERED, 0.0, reasons=["numpy.allclose replaced"])]
    counts, problems = summary(results)
    assert counts == [(ASSIGNMENT, 5, 3, 0, 1, 1, 0, "0.6 / 2")]
    assert [(p[0], p[3]) for p in problems] == [("bob", "timed out"), ("cid", "graded"),
                                                ("dee", "graded"), ("eve", "tampered")]
    assert problems[2][4].startswith(PROBLEM) and len(problems[2][4]) == 110   # problem first
    assert problems[1][4] == "cells reordered: run in the released order"


def _cli(*argv):
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main([str(a) for a in argv])
    return code, out.getvalue(), err.getvalue()


def _submit(course, student, stamp):
    released = nbformat.read(str(course.release / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"),
                             as_version=4)
    folder = course.submitted / student / ASSIGNMENT
    folder.mkdir(parents=True, exist_ok=True)
    nbformat.write(generate.submission("solution", released), str(folder / f"{ASSIGNMENT}.ipynb"))
    (folder / "timestamp.txt").write_text(stamp)


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """Two correct submissions, one with a broken timestamp.txt, graded while the fork server
    cannot start."""
    course = classroom.init(tmp_path_factory.mktemp("batch") / "class", timeout=30)
    list(classroom.release(course, [get_day(1)]))
    _submit(course, "ann", "yesterday")
    _submit(course, "bob", "2026-12-01 16:59:00.000000 UTC")

    class NoForkServer:
        def __init__(self, *args, **kwargs):
            raise GradingError("simulated: the fork server stopped at start-up")

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(pool, "Zygote", NoForkServer)
        code, out, err = _cli("grade", "1", *grade_args(), "--course-dir", course.root,
                              "--jobs", 2, "-q")
    assert code == 0, err
    return course, out


def test_plain_kernels_instead_of_forked_ones_are_reported(graded):
    _, out = graded
    notice = (f"{ASSIGNMENT}: The fork server could not start (simulated: the fork server "
              "stopped at start-up); kernels were started the usual way, about 1.5x slower.")
    table, _, rest = out.partition(notice)
    assert rest, out
    assert re.search(rf"^{ASSIGNMENT}\s+2\s+2\s+0\s+0\s+0\s+0\s+13.0 / 13$", table, re.M), out


def test_an_unreadable_timestamp_is_graded_and_reported(graded):
    course, out = graded
    assert re.search(rf"^ann\s+{ASSIGNMENT}\s+13\s+graded\s+{re.escape(PROBLEM)}$", out, re.M), out
    assert not re.search(r"^bob\s", out, re.M)
    data = json.loads((course.autograded / "ann" / ASSIGNMENT / "grading.json").read_text())
    assert data["status"] == "graded" and data["timestamp"] == ""
    assert data["timestamp_problem"] == PROBLEM
    with course.gradebook() as gb:
        ann = gb.find_submission(ASSIGNMENT, "ann")
        bob = gb.find_submission(ASSIGNMENT, "bob")
        assert ann.timestamp is None and all(g.needs_manual_grade for g in ann.notebooks[0].grades)
        assert str(bob.timestamp) == "2026-12-01 16:59:00"
        assert not any(g.needs_manual_grade for g in bob.notebooks[0].grades)


def test_fixed_and_regraded_with_the_fork_server(graded):
    course, _ = graded
    (course.submitted / "ann" / ASSIGNMENT / "timestamp.txt").write_text("2026-12-01 17:30 UTC")
    code, out, err = _cli("grade", "1", *grade_args(), "--course-dir", course.root,
                          "--student", "ann", "-q")
    assert code == 0, err
    assert "fork server" not in out and "Submissions to look at" not in out
    with course.gradebook() as gb:
        ann = gb.find_submission(ASSIGNMENT, "ann")
        assert str(ann.timestamp) == "2026-12-01 17:30:00"
        assert not any(g.needs_manual_grade for g in ann.notebooks[0].grades)
