"""Statuses are enums whose values are the words grading.json and the tables have always used."""
import json

from grader.status import CellStatus, Change, Filed, Status, TestStatus


def test_the_words_are_those_of_grading_json_and_the_summary_columns():
    assert [s.value for s in Status] == ["graded", "failed", "timed out", "tampered",
                                         "kernel died"]
    assert {s.value for s in TestStatus} == {"passed", "partial", "failed", "not attempted",
                                             "timed out", "kernel died", "tampered", "not run"}
    assert [s.value for s in Filed] == ["added", "updated", "skipped"]


def test_one_spelling_per_meaning():
    assert CellStatus.TIMED_OUT == TestStatus.TIMED_OUT == Status.TIMED_OUT == "timed out"
    assert CellStatus.KERNEL_DIED == TestStatus.KERNEL_DIED == Status.KERNEL_DIED == "kernel died"
    words = {s.value for enum in (Status, TestStatus, CellStatus, Filed) for s in enum}
    assert not words & {"timeout", "dead", "timed_out"}
    assert not any(w.startswith("!") for w in words)


def test_an_enum_reads_as_its_word_in_text_and_json():
    assert f"{Status.TIMED_OUT}" == str(Status.TIMED_OUT) == "timed out"
    assert f"{TestStatus.NOT_RUN:>9}" == "  not run"
    assert json.dumps({"status": Status.KERNEL_DIED}) == '{"status": "kernel died"}'
    assert Status("timed out") is Status.TIMED_OUT


def test_severity_is_data_and_older_results_are_read():
    assert Change.from_json("!numpy.allclose replaced") == Change("numpy.allclose replaced", True)
    assert Change.from_json("sys.stdout replaced") == Change("sys.stdout replaced", False)
    assert Change.from_json({"what": "x", "serious": False}) == Change("x", False)
