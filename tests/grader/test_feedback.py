"""Feedback: the student's notebook with scores and messages, never hidden test code."""
import json

import nbformat

from course.syllabus import get_day
from grader.feedback import HideHiddenTests, feedback_notebook, hide_hidden_tests
from grader.scoring import Result, TestResult
from grader.status import Status, TestStatus

DAY = get_day(1)


def _with_a_failed_hidden_test():
    nb = nbformat.read(str(DAY.notebook), as_version=4)
    test = next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id")
                == "sigmoid_values")
    test.outputs = [nbformat.v4.new_output(
        "error", ename="AssertionError", evalue="`sigmoid(3.0)` should be a single number",
        traceback=["----", 'check_scalar("sigmoid(3.0)", sigmoid(3.0), 0.95257413)', "..."])]
    return nb, test


def test_hidden_tests_removed_from_feedback_notebooks():
    nb, test = _with_a_failed_hidden_test()
    pre = HideHiddenTests()
    assert pre.enabled                      # nbconvert skips preprocessors left disabled
    nb2, _ = pre(nb, {})
    text = json.dumps(nb2)
    assert "BEGIN HIDDEN TESTS" not in text and "0.95257413" not in text
    assert "np.linspace(-6, 6, 12)" not in text
    assert "should be a single number" in text and "hidden tests: not shown" in text
    assert 'check_close("sigmoid(z)"' in test.source    # the visible test stays


def test_the_old_config_name_is_the_same_class():
    from course.grading import HideHiddenTests as old

    assert old is HideHiddenTests


def test_feedback_notebook_has_a_score_table_and_a_verdict_under_each_test():
    nb, _ = _with_a_failed_hidden_test()
    result = Result("ann", DAY.name, DAY.name, tests=[
        TestResult("sigmoid_values", 0.0, 2.0, TestStatus.FAILED,
                   "AssertionError: `sigmoid(3.0)` should be a single number"),
        TestResult("l1_loss", 1.0, 1.0, TestStatus.PASSED)])
    out = feedback_notebook(result, nb)
    head = out.cells[0].source
    assert "**Score:** 1 / 3" in head and "| `l1_loss` | 1 / 1 | ✔ passed |" in head
    assert "| `sigmoid_values` | 0 / 2 | ✘ failed: AssertionError" in head
    verdicts = [c.source for c in out.cells if c.source.startswith("**sigmoid_values:")]
    verdict = ("**sigmoid_values: 0 / 2** ✘ failed — AssertionError: `sigmoid(3.0)` should be "
               "a single number")
    assert verdicts == [verdict]
    assert "BEGIN HIDDEN TESTS" not in json.dumps(out)
    assert "BEGIN HIDDEN TESTS" in json.dumps(nb)          # the graded notebook is left alone


def test_feedback_says_why_a_submission_was_not_graded():
    nb = nbformat.v4.new_notebook()
    result = Result("bob", DAY.name, DAY.name, status=Status.TIMED_OUT,
                    reasons=["l1_loss: timed out after 10 s (an endless loop?)"])
    head = feedback_notebook(result, nb).cells[0].source
    assert "**Grading:** timed out: l1_loss: timed out after 10 s" in head


def test_hide_hidden_tests_shortens_every_traceback():
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("x = secret()")])
    nb.cells[0].outputs = [nbformat.v4.new_output("error", ename="E", evalue="v",
                                                  traceback=["line 1", "secret()"])]
    hide_hidden_tests(nb)
    assert nb.cells[0].outputs[0]["traceback"] == ["E: v"]
