"""The course folder (init, config, collect) and the pieces of grading that need no kernel."""
import csv
import json
import shutil
import zipfile

import nbformat
import pytest

from grader import classroom, grading
from course.syllabus import get_day

DAY = get_day(1)


@pytest.fixture
def course(tmp_path):
    c = classroom.init(tmp_path / "class", timeout=15, memory_mb=512)
    # Released, as far as collecting is concerned (the gradebook is not needed for it).
    shutil.copytree(c.source / DAY.name, c.release / DAY.name)
    return c


def test_init_writes_an_nbgrader_course_folder(course):
    for sub in ("source", "release", "submitted", "autograded", "feedback"):
        assert (course.root / sub).is_dir()
    assert (course.source / DAY.name / DAY.notebook.name).read_bytes() == DAY.notebook.read_bytes()
    assert (course.root / "gradebook.db").exists()
    assert course.timeout == 15 and course.memory_mb == 512
    assert course.db_url == f"sqlite:///{course.root / 'gradebook.db'}"
    text = (course.root / "nbgrader_config.py").read_text()
    assert "course.grading.HideHiddenTests" in text and "c.Execute.timeout = 15" in text
    with pytest.raises(classroom.ClassroomError, match="--force"):
        classroom.init(course.root)


def test_db_url_for_a_department_server(tmp_path, cli):
    url = f"sqlite:///{tmp_path / 'shared.db'}"
    code, out, _ = cli("classroom", "init", tmp_path / "c", "--db", url)
    assert code == 0 and url in out
    assert classroom.load(tmp_path / "c").db_url == url
    assert (tmp_path / "shared.db").exists() and not (tmp_path / "c" / "gradebook.db").exists()


def test_not_a_course_folder_says_what_to_do(tmp_path, cli):
    for command in (["grade", "1"], ["feedback", "1"], ["collect", tmp_path], ["export"]):
        code, _, err = cli(*command, "--course-dir", tmp_path)
        assert code == 2 and "course classroom init" in err


def test_release_takes_to_or_course_dir_not_both(tmp_path, cli):
    with pytest.raises(SystemExit) as exit_:
        cli("release", "1", "--to", tmp_path / "a", "--course-dir", tmp_path / "b")
    assert exit_.value.code == 2
    with pytest.raises(SystemExit):
        cli("release", "1")


def _notebook_bytes(nb=None):
    return nbformat.writes(nb or nbformat.read(str(DAY.notebook), as_version=4)).encode()


def test_collect_zip_names_and_renamed_notebooks(course, tmp_path):
    data = _notebook_bytes()
    archive = tmp_path / "lms.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("ann_lee_day01-numpy.ipynb", data)          # an id with underscores
        zf.writestr("bob/day01-numpy.ipynb", data)
        zf.writestr("carl_Untitled (1).ipynb", data)             # renamed: found by its cells
        zf.writestr("__MACOSX/._ann_lee_day01-numpy.ipynb", b"junk")
        zf.writestr("notes.txt", b"ignored")
        zf.writestr("nobody.ipynb", data)
    done = {d.source: d for d in classroom.collect(course, archive)}
    assert (done["ann_lee_day01-numpy.ipynb"].student, done["ann_lee_day01-numpy.ipynb"].status) \
        == ("ann_lee", "added")
    assert done["bob/day01-numpy.ipynb"].student == "bob"
    assert done["carl_Untitled (1).ipynb"].notebook == "day01-numpy"
    assert "recognised by its cells" in done["carl_Untitled (1).ipynb"].note
    assert done["nobody.ipynb"].status == "skipped" and "cannot tell the student" in \
        done["nobody.ipynb"].note
    assert len(done) == 4
    for student in ("ann_lee", "bob", "carl"):
        folder = course.submitted / student / "day01-numpy"
        assert (folder / "day01-numpy.ipynb").read_bytes() == data
        assert (folder / "timestamp.txt").read_text().endswith(" UTC")
        assert classroom.read_timestamp(course, student, "day01-numpy") is not None
    again = classroom.collect(course, archive)
    assert {d.status for d in again} == {"updated", "skipped"}


def test_collect_before_any_release_is_a_clear_error(tmp_path):
    c = classroom.init(tmp_path / "empty")
    with pytest.raises(classroom.ClassroomError, match="course release"):
        classroom.collect(c, tmp_path)


def test_misplaced_notebooks_are_found(course):
    folder = course.submitted / "dana"
    folder.mkdir(parents=True)
    (folder / "day01-numpy.ipynb").write_bytes(_notebook_bytes())   # no assignment folder
    assert classroom.submissions(course, "day01-numpy") == ["dana"]
    path, note = classroom.find_notebook(course, "dana", "day01-numpy", "day01-numpy")
    assert path == folder / "day01-numpy.ipynb" and "wrong folder" in note
    nested = course.submitted / "eve" / "day01-numpy" / "work"
    nested.mkdir(parents=True)
    (nested / "my copy.ipynb").write_bytes(_notebook_bytes())
    path, note = classroom.find_notebook(course, "eve", "day01-numpy", "day01-numpy")
    assert path == nested / "my copy.ipynb" and "renamed" in note


@pytest.mark.parametrize("content, reason", [
    (b"", "empty"),
    (b'{"cells": [', "not valid notebook JSON"),
    (b'{"hello": 1}', "not a Jupyter notebook"),
    (b"\x00\x01garbage", "not valid notebook JSON"),
])
def test_unreadable_submissions_say_why(tmp_path, content, reason):
    path = tmp_path / "x.ipynb"
    path.write_bytes(content)
    with pytest.raises(grading.Unreadable, match=reason):
        grading.read_submission(path)


def test_old_nbformat_is_read(tmp_path):
    nb = nbformat.read(str(DAY.notebook), as_version=4)
    path = tmp_path / "v3.ipynb"
    path.write_text(nbformat.writes(nbformat.convert(nb, 3)))
    back = grading.read_submission(path)
    assert back.nbformat == 4
    ids = {c.metadata.get("nbgrader", {}).get("grade_id") for c in back.cells}
    assert {"sigmoid", "sigmoid_values", "setup"} <= ids


def test_hidden_tests_removed_from_feedback_notebooks():
    nb = nbformat.read(str(DAY.notebook), as_version=4)
    test = next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id")
                == "sigmoid_values")
    test.outputs = [nbformat.v4.new_output(
        "error", ename="AssertionError", evalue="`sigmoid(3.0)` should be a single number",
        traceback=["----", 'check_scalar("sigmoid(3.0)", sigmoid(3.0), 0.95257413)', "..."])]
    pre = grading.HideHiddenTests()
    assert pre.enabled                      # nbconvert skips preprocessors left disabled
    nb2, _ = pre(nb, {})
    text = json.dumps(nb2)
    assert "BEGIN HIDDEN TESTS" not in text and "0.95257413" not in text
    assert "np.linspace(-6, 6, 12)" not in text
    assert "should be a single number" in text and "hidden tests: not shown" in text
    assert 'check_close("sigmoid(z)"' in test.source    # the visible test stays


def test_bound_and_imported_names():
    source = ("try:\n    import course\nexcept ModuleNotFoundError:\n    %pip install x\n"
              "import numpy as np\nfrom course.checks import check_close as cc, check_shape\n"
              "def f():\n    pass\nx = 1")
    assert grading.bound_names(source) == ["course", "np", "cc", "check_shape", "f"]
    mods = grading.imported_modules(source)
    assert {"course", "numpy", "course.checks", "course.checks.check_close"} <= set(mods)


def test_export_of_an_empty_gradebook_has_nbgrader_columns(course, tmp_path, cli):
    code, out, _ = cli("export", "--course-dir", course.root, "--to", tmp_path / "g.csv")
    rows = list(csv.reader(open(tmp_path / "g.csv")))
    assert code == 0 and rows == [list(grading.CSV_COLUMNS)]
