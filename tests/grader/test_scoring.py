"""Scoring without a kernel: a test's verdict from how its cell ran, the submission's status,
results in JSON, and the replay after a kernel death (with a scripted kernel)."""
import json
import shutil

import generate
import nbformat
import pytest

from grader import scoring
from grader.kernel.client import Run
from grader.scoring import Result, Settings, TestResult, execute_slots, grade_one
from grader.status import CellStatus, Change, Status, TestStatus
from grader.submission import Slot
from grader.template import Template, TemplateCell, build_template

ASSIGNMENT = "day01-numpy"
SETTINGS = Settings(timeout=7, memory_mb=256)


def _template():
    cell = nbformat.v4.new_code_cell("def f(): ...", metadata={"nbgrader": {"grade_id": "f"}})
    return Template("a", "a", [TemplateCell("answer", cell, "f")], [], {"t": ["f"]})


def _test_slot(points=2.0):
    cell = nbformat.v4.new_code_cell("check(f())", metadata={
        "nbgrader": {"grade_id": "t", "grade": True, "points": points}})
    return Slot(cell, "source", "t", True, points)


def _score(run, unanswered=(), dead=None):
    return scoring._score(_test_slot(), run, _template(), set(unanswered), SETTINGS, dead or {})


@pytest.mark.parametrize("run, status, message", [
    (None, TestStatus.NOT_RUN, "not run: the kernel died too often"),
    (Run(CellStatus.OK, voided="the code under test changed numpy.allclose"),
     TestStatus.TAMPERED, "the code under test changed numpy.allclose"),
    (Run(CellStatus.TIMED_OUT), TestStatus.TIMED_OUT, "timed out after 7 s (an endless loop?)"),
    (Run(CellStatus.TIMED_OUT, why="timed out after 7 s and ignored the interrupt",
         kernel_gone=True), TestStatus.TIMED_OUT, "timed out after 7 s and ignored the interrupt"),
    (Run(CellStatus.KERNEL_DIED, why="the kernel died here", kernel_gone=True),
     TestStatus.KERNEL_DIED, "the kernel died here"),
    (Run(CellStatus.ERROR, ename="AssertionError", evalue="`f()` should be 1\nmore"),
     TestStatus.FAILED, "AssertionError: `f()` should be 1"),
    (Run(CellStatus.ERROR, ename="MemoryError"), TestStatus.FAILED,
     "MemoryError: used more than 256 MB of memory"),
])
def test_a_test_that_did_not_pass_scores_zero_and_says_why(run, status, message):
    got = _score(run)
    assert (got.points, got.max_points, got.status, got.message) == (0.0, 2.0, status, message)


def test_not_attempted_and_an_answer_that_could_not_run():
    stub = Run(CellStatus.ERROR, ename="NotImplementedError")
    assert _score(stub, unanswered={"f"}).status == TestStatus.NOT_ATTEMPTED
    assert _score(stub).status == TestStatus.FAILED                  # attempted: a failure
    missing = Run(CellStatus.ERROR, ename="NameError", evalue="name 'f' is not defined")
    got = _score(missing, dead={"f": "it raised SyntaxError: invalid syntax"})
    assert got.message == "answer cell f could not run: it raised SyntaxError: invalid syntax"


def test_a_test_passes_when_it_runs_to_its_end_or_gets_partial_credit():
    assert _score(Run(CellStatus.OK)) == TestResult("t", 2.0, 2.0, TestStatus.PASSED)
    half = nbformat.v4.new_output("execute_result", data={"text/plain": "1.0"})
    half["execution_count"] = 1
    assert _score(Run(CellStatus.OK, outputs=[half])) == TestResult("t", 1.0, 2.0,
                                                                     TestStatus.PARTIAL)


def test_the_submission_status_is_the_first_incident():
    ok = TestResult("t", 1, 1, TestStatus.PASSED)
    timed_out = TestResult("u", 0, 1, TestStatus.TIMED_OUT)
    died = {1: Run(CellStatus.KERNEL_DIED, kernel_gone=True)}
    assert scoring._status([ok], {}, []) == Status.GRADED
    assert scoring._status([ok], {}, [Change("sys.stdout replaced", False)]) == Status.GRADED
    assert scoring._status([ok], {}, [Change("numpy.allclose replaced")]) == Status.TAMPERED
    assert scoring._status([ok, timed_out], died, []) == Status.TIMED_OUT
    assert scoring._status([ok], died, []) == Status.KERNEL_DIED
    assert scoring._status([ok], {0: Run(CellStatus.TIMED_OUT)}, []) == Status.TIMED_OUT


def test_a_result_survives_json_with_its_enums():
    result = Result("ann", "a", "a", status=Status.TAMPERED, reasons=["r"],
                    tests=[TestResult("t", 0.0, 2.0, TestStatus.TAMPERED, "m")],
                    tampering=[Change("numpy.allclose replaced"), Change("sys.stdout replaced",
                                                                          False)],
                    timestamp_problem="timestamp.txt unreadable: 'x'")
    data = json.loads(json.dumps(result.to_json()))
    assert data["status"] == "tampered" and data["tests"][0]["status"] == "tampered"
    assert data["tampering"][1] == {"what": "sys.stdout replaced", "serious": False}
    assert data["score"] == 0.0 and data["max_score"] == 2.0
    back = Result.from_json(data)
    assert back == result and back.status is Status.TAMPERED
    assert back.tests[0].status is TestStatus.TAMPERED
    assert back.problems == ["timestamp.txt unreadable: 'x'"]


def test_results_written_before_the_enums_are_read():
    old = {"student": "ann", "assignment": "a", "notebook": "a", "status": "timed out",
           "tests": [{"grade_id": "t", "points": 0.0, "max_points": 1.0, "status": "timed out",
                      "message": ""}], "tampering": ["!numpy.allclose replaced"],
           "score": 0.0, "max_score": 1.0}
    back = Result.from_json(old)
    assert back.status is Status.TIMED_OUT and back.problems == []
    assert back.tampering == [Change("numpy.allclose replaced", True)]


# --- replays, with a scripted kernel --------------------------------------------------------


class ScriptedKernel:
    """Runs cells by what they say: DIE kills the kernel, HANG times out, RAISE fails; the guard
    answers what ``changes`` holds for the cell that ran last."""

    def __init__(self, changes):
        self.changes, self.last, self.ran = changes, None, []

    def chdir(self, cwd):
        pass

    def add_files(self, files):
        self.files = files

    def execute(self, code, timeout, store_history=True):
        self.last = code
        self.ran.append(code)
        if "DIE" in code:
            return Run(CellStatus.KERNEL_DIED, why="the kernel died here", kernel_gone=True)
        if "HANG" in code:
            return Run(CellStatus.TIMED_OUT)
        if "RAISE" in code:
            return Run(CellStatus.ERROR, ename="ValueError", evalue="bad")
        return Run(CellStatus.OK)

    def guard(self, names=(), when="before", loose=False):
        return self.changes.get((when, self.last), [])

    def close(self):
        pass


class ScriptedSource:
    def __init__(self, changes=None):
        self.kernels = []
        self.changes = changes or {}

    def get(self):
        return self.new()

    def new(self):
        self.kernels.append(ScriptedKernel(self.changes))
        return self.kernels[-1]


def _slots(*cells):
    """("source"|"student"|"test", code) pairs as slots."""
    return [Slot(nbformat.v4.new_code_cell(code), "student" if kind == "student" else "source",
                 f"c{i}", kind == "test", 1.0) for i, (kind, code) in enumerate(cells)]


def test_a_kernel_death_is_replayed_without_the_cell_that_caused_it():
    slots = _slots(("source", "setup"), ("student", "DIE"), ("student", "ok"), ("test", "t"))
    source = ScriptedSource()
    runs, tampering = execute_slots(slots, None, SETTINGS, ".", source)
    assert len(source.kernels) == 2
    assert source.kernels[1].ran == ["setup", "ok", "t"]               # DIE left out
    assert runs[1].status == CellStatus.KERNEL_DIED and runs[1].outputs == []
    assert runs[3].status == CellStatus.OK and tampering == []


def test_a_kernel_that_keeps_dying_is_given_up_after_three_restarts():
    slots = _slots(*[("student", f"DIE {i}") for i in range(5)], ("test", "t"))
    source = ScriptedSource()
    runs, _ = execute_slots(slots, None, SETTINGS, ".", source)
    assert len(source.kernels) == scoring.MAX_RESTARTS + 1
    assert 5 not in runs                                   # the test never ran: "not run"


def test_what_the_guard_finds_is_kept_with_its_severity():
    changes = {("before", "student code"): [Change("numpy.allclose replaced"),
                                            Change("sys.stdout replaced", False)],
               ("after", "the test"): [Change("course.checks.check_close replaced")]}
    slots = _slots(("student", "student code"), ("test", "the test"))
    runs, tampering = execute_slots(slots, None, SETTINGS, ".", ScriptedSource(changes))
    assert tampering == [Change("numpy.allclose replaced"), Change("sys.stdout replaced", False),
                         Change("course.checks.check_close replaced")]
    assert runs[1].voided == ("the code under test changed course.checks.check_close replaced "
                              "while the test ran")


def test_a_guard_that_cannot_answer_voids_the_next_test():
    class Silenced(ScriptedSource):
        def new(self):
            kernel = super().new()
            kernel.guard = lambda names=(), when="before", loose=False: None
            return kernel

    slots = _slots(("source", "setup"), ("student", "hook the shell"), ("test", "t"))
    runs, tampering = execute_slots(slots, None, SETTINGS, ".", Silenced())
    assert scoring.BLOCKED in tampering and scoring.BLOCKED.serious
    assert runs[2].voided and runs[2].ename == "Tampered"


def test_grade_one_reports_an_unreadable_timestamp_and_still_grades(released):
    template = build_template(released, ASSIGNMENT, ASSIGNMENT)
    folder = released.submitted / "tim" / ASSIGNMENT
    folder.mkdir(parents=True)
    nb = generate.submission("solution", nbformat.read(
        str(released.release / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"), as_version=4))
    nbformat.write(nb, str(folder / f"{ASSIGNMENT}.ipynb"))
    (folder / "timestamp.txt").write_text("last Tuesday")
    try:
        result, executed = grade_one(released, template, "tim", SETTINGS, ScriptedSource())
    finally:
        shutil.rmtree(released.submitted / "tim")
        shutil.rmtree(released.autograded / "tim", ignore_errors=True)
    assert result.status == Status.GRADED and result.score == template.max_score
    assert result.timestamp == ""
    problem = ("timestamp.txt unreadable: 'last Tuesday'; the late penalty could not be applied: "
               "fix the file and re-grade")
    assert result.problems == [problem]
    assert "timestamp" not in result.reason                  # not the student's doing
    assert executed is not None
