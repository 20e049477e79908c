"""A generated class of 31 Day 01 submissions (correct, partly correct, and every kind of bad one),
released, collected, graded, given feedback and exported end to end through the `course` command
line. The class is graded once per test session (module-scoped fixture)."""
import contextlib
import csv
import html
import io
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from course.cli import main

sys.path.insert(0, str(Path(__file__).parents[1] / "files" / "grading"))
import generate  # noqa: E402

from .conftest import grade_args  # noqa: E402

pytestmark = pytest.mark.xdist_group("grading")

ASSIGNMENT = "day01-numpy"
TIMEOUT = 10


def run_cli(*argv):
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main([str(a) for a in argv])
    return code, out.getvalue(), err.getvalue()


@pytest.fixture(scope="session")   # once per worker, even when the group's modules interleave
def graded(tmp_path_factory):
    """The course folder after release, collect, grade and feedback; and the grade output."""
    base = tmp_path_factory.mktemp("class")
    course_dir = base / "course"
    home = base / "learner-home"
    home.mkdir()
    old_home = os.environ.get("COURSE_HOME")
    os.environ["COURSE_HOME"] = str(home)
    try:
        assert run_cli("classroom", "init", course_dir, "--timeout", TIMEOUT,
                       "--memory", 1024)[0] == 0
        assert run_cli("release", "1", "--course-dir", course_dir)[0] == 0
        released = course_dir / "release" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
        by_hand = generate.write_class(base / "lms", released)
        code, collected, _ = run_cli("collect", base / "lms", "--course-dir", course_dir)
        assert code == 0
        for student, path in by_hand.items():   # saved outside the assignment folder
            (course_dir / "submitted" / student).mkdir(parents=True)
            shutil.copy(path, course_dir / "submitted" / student / path.name)
        code, out, err = run_cli("grade", "1", *grade_args(), "--course-dir", course_dir,
                                 "--jobs", 2, "-q")
        assert code == 0, err
        assert run_cli("feedback", "1", "--course-dir", course_dir, "-q")[0] == 0
    finally:
        if old_home is None:
            os.environ.pop("COURSE_HOME", None)
        else:
            os.environ["COURSE_HOME"] = old_home
    return {"dir": course_dir, "out": out, "collected": collected, "home": home, "base": base}


def gradebook_scores(course_dir):
    from grader.classroom import load

    course = load(course_dir)
    scores = {}
    with course.gradebook() as gb:
        for sub in gb.assignment_submissions(ASSIGNMENT):
            nb = sub.notebooks[0]
            scores[sub.student.id] = {g.name: g.score for g in nb.grades}
    return scores


def result(course_dir, student):
    return json.loads((course_dir / "autograded" / student / ASSIGNMENT /
                       "grading.json").read_text())


def test_every_student_gets_the_score_they_deserve(graded):
    scores = gradebook_scores(graded["dir"])
    wrong = {}
    for student in generate.STUDENTS:
        expected = generate.expected(student)
        if scores.get(student) != expected:
            wrong[student] = {"expected": expected, "got": scores.get(student)}
    assert not wrong


def test_every_submission_has_the_right_status_and_a_reason(graded):
    wrong = {}
    for student, (_, _, status) in generate.STUDENTS.items():
        got = result(graded["dir"], student)
        if got["status"] != status:
            wrong[student] = (status, got["status"], got["reasons"])
        if status != "graded" and not got["reasons"]:
            wrong[student] = "no reason given"
    assert not wrong
    reasons = {s: " ".join(result(graded["dir"], s)["reasons"] + result(graded["dir"], s)["notes"])
               for s in generate.STUDENTS}
    assert "not valid notebook JSON" in reasons["corrupted"]
    assert "timed out after 10 s" in reasons["infinite_loop"]
    assert "ignored the interrupt" in reasons["loop_no_interrupt"]
    assert "kernel died" in reasons["kernel_exit"]
    assert "check_close" in reasons["redefine_checks"]
    assert "course.checks.check_close" in reasons["patch_checks"]
    assert "numpy.allclose" in reasons["patch_numpy"]
    assert "input_transformers" in reasons["blank_tests"]
    assert "while the test ran" in reasons["patch_during_test"]
    assert "wrong folder" in reasons["wrong_folder"]   # (a rename is reported by collect)
    assert "deleted, put back" in reasons["deleted_test"]
    assert "edited" in reasons["edited_test"] and "reordered" in reasons["reordered"]
    memory = result(graded["dir"], "memory_hog")["tests"]
    assert any("MemoryError" in t["message"] for t in memory)
    blank = result(graded["dir"], "blank")["tests"]
    assert {t["status"] for t in blank} == {"not attempted"}


def test_summary_table(graded):
    out = graded["out"]
    n = len(generate.STUDENTS)
    counts = {k: sum(v[2] == k for v in generate.STUDENTS.values())
              for k in ("graded", "failed", "timed out", "tampered", "kernel died")}
    row = re.search(rf"^{ASSIGNMENT}\s+{n}\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s", out, re.M)
    assert row, out
    assert [int(x) for x in row.groups()] == list(counts.values())
    assert re.search(r"^corrupted\s+day01-numpy\s+0\s+failed\s+the file is not valid", out, re.M)


def test_tampered_tests_are_flagged_for_manual_grading(graded):
    from grader.classroom import load

    course = load(graded["dir"])
    with course.gradebook() as gb:
        flagged = {g.name for g in gb.find_submission(ASSIGNMENT, "patch_during_test")
                   .notebooks[0].grades if g.needs_manual_grade}
        clean = [g for g in gb.find_submission(ASSIGNMENT, "correct01").notebooks[0].grades
                 if g.needs_manual_grade]
    assert flagged == {"sigmoid_values", "sigmoid_derivative_values"} and not clean


def _hidden_only_lines():
    import nbformat

    source = nbformat.read(str(generate.SOURCE), as_version=4)
    lines = set()
    for cell in source.cells:
        text = cell.source
        if "### BEGIN HIDDEN TESTS" not in text:
            continue
        visible, hidden = re.subn(r"### BEGIN HIDDEN TESTS.*?### END HIDDEN TESTS", "", text,
                                  flags=re.S)
        block = re.search(r"### BEGIN HIDDEN TESTS(.*?)### END HIDDEN TESTS", text, re.S).group(1)
        for line in block.splitlines():
            line = line.strip()
            if len(line) > 12 and line not in visible:
                lines.add(line)
    return lines


def _text(path):
    raw = re.sub(r"<style.*?</style>|<script.*?</script>", "", path.read_text(), flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", "", raw))


def test_feedback_never_shows_hidden_tests(graded):
    hidden = _hidden_only_lines()
    assert len(hidden) > 15
    files = sorted((graded["dir"] / "feedback").glob(f"*/{ASSIGNMENT}/{ASSIGNMENT}.html"))
    assert {f.parent.parent.name for f in files} == set(generate.STUDENTS)
    for f in files:
        text = _text(f)
        leaked = [line for line in hidden if line in text]
        assert not leaked, (f, leaked)
        assert "### BEGIN HIDDEN TESTS" not in f.read_text()
    # ... but the failure message of a hidden test is there, with the score.
    text = _text(graded["dir"] / "feedback" / "hidden_fail" / ASSIGNMENT / f"{ASSIGNMENT}.html")
    assert "should be a single number" in text and "Score: 11 / 13" in text
    assert "def sigmoid(z):" in text and "ndmin=1" in text   # the student's own code
    assert (graded["dir"] / "feedback" / "hidden_fail" / ASSIGNMENT / "timestamp.txt").exists()


def test_nothing_written_outside_the_course_folder(graded):
    assert not any(graded["home"].iterdir())
    assert not (graded["dir"] / ".grading").exists()
    autograded = graded["dir"] / "autograded" / "correct01" / ASSIGNMENT
    assert (autograded / f"{ASSIGNMENT}.ipynb").exists() and (autograded / "timestamp.txt").exists()


def test_nbgrader_export_reads_the_gradebook(graded):
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    out = subprocess.run([str(Path(sys.executable).parent / "nbgrader"), "export", "--to",
                          "nbgrader.csv"], cwd=graded["dir"], env=env, capture_output=True,
                         text=True)
    assert out.returncode == 0, out.stderr
    theirs = {r["student_id"]: r for r in csv.DictReader(open(graded["dir"] / "nbgrader.csv"))}
    for student in generate.STUDENTS:
        assert float(theirs[student]["score"]) == sum(generate.expected(student).values())
    code, _, _ = run_cli("export", "--course-dir", graded["dir"], "--to",
                         graded["dir"] / "ours.csv")
    ours = list(csv.DictReader(open(graded["dir"] / "ours.csv")))
    assert code == 0 and list(ours[0]) == list(next(iter(theirs.values())))
    assert {r["student_id"]: r for r in ours} == theirs
    code, _, _ = run_cli("export", "--course-dir", graded["dir"], "--to",
                         graded["dir"] / "wide.csv", "--wide")
    wide = {r["student_id"]: r for r in csv.DictReader(open(graded["dir"] / "wide.csv"))}
    assert wide["l1_mean"][f"{ASSIGNMENT}:l1_loss"] == "0.0"
    assert wide["l1_mean"][f"{ASSIGNMENT}:l2_loss"] == "1.0"
    assert wide["correct01"]["score"] == "13.0"


def test_nbgrader_generate_feedback_hides_hidden_tests_too(graded, tmp_path):
    """Formgrader's feedback button runs nbgrader's GenerateFeedback: the config adds ours."""
    course_dir = shutil.copytree(graded["dir"], tmp_path / "copy")
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    out = subprocess.run([str(Path(sys.executable).parent / "nbgrader"), "generate_feedback",
                          ASSIGNMENT, "--student", "hidden_fail", "--force"], cwd=course_dir,
                         env=env, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    path = course_dir / "feedback" / "hidden_fail" / ASSIGNMENT / f"{ASSIGNMENT}.html"
    text = _text(path)
    assert not [line for line in _hidden_only_lines() if line in text]
    assert "should be a single number" in text


def test_release_matches_the_committed_student_version_and_fills_the_gradebook(graded):
    import nbformat

    from grader.classroom import load

    released = nbformat.read(str(graded["dir"] / "release" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"),
                             as_version=4)
    committed = nbformat.read(str(Path(__file__).parents[2] / "student" / ASSIGNMENT /
                                  f"{ASSIGNMENT}.ipynb"), as_version=4)
    assert [c.source for c in released.cells] == [c.source for c in committed.cells]
    assert (graded["dir"] / "source" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb").exists()
    with load(graded["dir"]).gradebook() as gb:
        nb = gb.find_notebook(ASSIGNMENT, ASSIGNMENT)
        assert {c.name: c.max_score for c in nb.grade_cells} == generate.POINTS
        assert all(c.checksum for c in nb.source_cells if c.locked)


def test_collect_reports_each_file(graded):
    out = graded["collected"]
    assert "renamed" in out and "recognised by its cells" in out
    assert f"{len(generate.STUDENTS) - 1} submission(s) imported" in out


def test_regrade_replaces_the_result_and_never_keeps_a_stale_score(graded):
    course_dir = graded["dir"]
    released = course_dir / "release" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
    folder = course_dir / "submitted" / "regrade_me" / ASSIGNMENT
    folder.mkdir(parents=True)
    import nbformat

    good = generate.submission("solution", nbformat.read(str(released), as_version=4))
    nbformat.write(good, str(folder / f"{ASSIGNMENT}.ipynb"))
    assert run_cli("grade", "1", *grade_args(), "--course-dir", course_dir, "--student",
                   "regrade_me",
                   "-q")[0] == 0
    assert sum(gradebook_scores(course_dir)["regrade_me"].values()) == 13
    # A new, broken file: a recorded zero with the reason, not the old 13.
    (folder / f"{ASSIGNMENT}.ipynb").write_text('{"cells": [')
    code, out, _ = run_cli("grade", "1", *grade_args(), "--course-dir", course_dir, "--student",
                           "regrade_me",
                           "-q")
    assert code == 0 and "not valid notebook JSON" in out
    scores = gradebook_scores(course_dir)
    assert sum(scores["regrade_me"].values()) == 0
    assert scores["correct01"] == generate.expected("correct01")   # the others are untouched
    # --changed skips what did not change since it was graded.
    code, out, _ = run_cli("grade", "1", *grade_args(), "--course-dir", course_dir, "--changed",
                           "-q")
    assert code == 0 and "nothing changed" in out


def test_plain_kernels_give_the_same_scores(graded):
    """--no-fork: every kernel started the usual way (platforms without fork)."""
    who = ["correct01", "kernel_exit", "patch_numpy"]
    code, out, _ = run_cli("grade", "1", *grade_args(), "--course-dir", graded["dir"],
                           "--no-fork", "-q",
                           *[a for s in who for a in ("--student", s)])
    assert code == 0
    scores = gradebook_scores(graded["dir"])
    for student in who:
        assert scores[student] == generate.expected(student)
        assert result(graded["dir"], student)["status"] == generate.STUDENTS[student][2]


def test_grade_without_a_course_folder_is_a_clear_error(tmp_path):
    code, _, err = run_cli("grade", "1", "--course-dir", tmp_path / "nope")
    assert code == 2 and "course classroom init" in err
    init = run_cli("classroom", "init", tmp_path / "c")
    assert init[0] == 0
    code, _, err = run_cli("grade", "1", *grade_args(), "--course-dir", tmp_path / "c")
    assert code == 2 and "course release day01-numpy --course-dir" in err
