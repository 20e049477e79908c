"""Results into autograded/ and nbgrader's gradebook: scores, flags and the late penalty, also
when a submission's time is unknown."""
import json

import pytest

from grader.gradebook import load_result, record, result_path, save
from grader.scoring import Result, TestResult
from grader.status import Status, TestStatus
from grader.template import build_template

ASSIGNMENT = "day01-numpy"
LATE = "2026-12-02 17:00:00"        # a day after the due date set below


@pytest.fixture(scope="module")
def late_policy(released):
    """A due date, and nbgrader's "zero" penalty for late work."""
    with released.gradebook() as gb:
        gb.update_or_create_assignment(ASSIGNMENT, duedate="2026-12-01 17:00:00")
    released.config.LateSubmissionPlugin.penalty_method = "zero"
    return build_template(released, ASSIGNMENT, ASSIGNMENT)


def _result(template, student, **kwargs):
    return Result(student, ASSIGNMENT, ASSIGNMENT, tests=[
        TestResult(t.grade_id, t.points, t.points, TestStatus.PASSED) for t in template.tests],
        **kwargs)


def _recorded(course, student):
    with course.gradebook() as gb:
        sub = gb.find_submission(ASSIGNMENT, student)
        return {"timestamp": sub.timestamp, "penalty": sub.late_submission_penalty,
                "score": sub.score,
                "flagged": {g.needs_manual_grade for g in sub.notebooks[0].grades}}


def _record(course, template, result):
    with course.gradebook() as gb:
        record(gb, course, template, result)


def test_a_late_submission_gets_the_penalty(released, late_policy):
    _record(released, late_policy, _result(late_policy, "lea", timestamp=LATE))
    got = _recorded(released, "lea")
    assert str(got["timestamp"]) == LATE and got["score"] == 13
    assert got["penalty"] == 13 and got["flagged"] == {False}


def test_an_unreadable_timestamp_is_not_recorded_as_on_time(released, late_policy):
    _record(released, late_policy, _result(late_policy, "ulf", timestamp=LATE))
    assert _recorded(released, "ulf")["penalty"] == 13
    # The student re-submits; the new timestamp.txt cannot be read.
    bad = _result(late_policy, "ulf", timestamp_problem="timestamp.txt unreadable: 'soon'; the "
                  "late penalty could not be applied: fix the file and re-grade")
    _record(released, late_policy, bad)
    got = _recorded(released, "ulf")
    assert got["timestamp"] is None                 # unknown, not the earlier submission's time
    assert not got["penalty"]                       # no penalty could be computed ...
    assert got["flagged"] == {True}                 # ... so formgrader shows it for a look
    # Fixed and re-graded: the penalty is back and the flags are gone.
    _record(released, late_policy, _result(late_policy, "ulf", timestamp=LATE))
    got = _recorded(released, "ulf")
    assert got["penalty"] == 13 and got["flagged"] == {False}


def test_no_timestamp_file_keeps_what_nbgrader_recorded(released, late_policy):
    _record(released, late_policy, _result(late_policy, "nia", timestamp=LATE))
    _record(released, late_policy, _result(late_policy, "nia"))     # as nbgrader's autograde
    assert str(_recorded(released, "nia")["timestamp"]) == LATE


def test_tampered_tests_are_flagged_and_a_failed_submission_is_explained(released, late_policy):
    result = _result(late_policy, "tom", status=Status.TAMPERED)
    result.tests[0] = TestResult(result.tests[0].grade_id, 0.0, 2.0, TestStatus.TAMPERED, "x")
    _record(released, late_policy, result)
    with released.gradebook() as gb:
        grades = {g.name: g.needs_manual_grade
                  for g in gb.find_submission(ASSIGNMENT, "tom").notebooks[0].grades}
    assert grades[result.tests[0].grade_id] and sum(grades.values()) == 1
    failed = _result(late_policy, "fay", status=Status.FAILED, reasons=["the submitted file is "
                                                                         "empty"])
    _record(released, late_policy, failed)
    with released.gradebook() as gb:
        comment = gb.find_comment("sigmoid", ASSIGNMENT, ASSIGNMENT, "fay")
        assert comment.auto_comment == "Not graded: the submitted file is empty."


def test_save_writes_grading_json_and_a_notebook(released, late_policy):
    result = _result(late_policy, "sam", status=Status.FAILED, reasons=["the file is empty"])
    save(released, late_policy, result, None)
    data = json.loads(result_path(released, "sam", ASSIGNMENT).read_text())
    assert data["status"] == "failed" and data["score"] == 13
    assert load_result(released, "sam", ASSIGNMENT) == result
    notebook = released.autograded / "sam" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
    assert "could not be graded:** the file is empty" in notebook.read_text()
    assert load_result(released, "nobody", ASSIGNMENT) is None
