"""Collecting submissions into submitted/, finding each student's notebook, reading timestamps."""
import datetime as dt
import zipfile

import nbformat
import pytest

from course.syllabus import get_day
from grader import classroom, collect
from grader.status import Filed

DAY = get_day(1)


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
    done = {d.source: d for d in collect.collect(course, archive)}
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
        assert collect.read_timestamp(course, student, "day01-numpy") is not None
    again = collect.collect(course, archive)
    assert {d.status for d in again} == {"updated", "skipped"}
    assert {d.status for d in again} == {Filed.UPDATED, Filed.SKIPPED}


def test_collect_before_any_release_is_a_clear_error(tmp_path):
    c = classroom.init(tmp_path / "empty")
    with pytest.raises(classroom.ClassroomError, match="course release"):
        collect.collect(c, tmp_path)


def test_misplaced_notebooks_are_found(course):
    folder = course.submitted / "dana"
    folder.mkdir(parents=True)
    (folder / "day01-numpy.ipynb").write_bytes(_notebook_bytes())   # no assignment folder
    assert collect.submissions(course, "day01-numpy") == ["dana"]
    path, note = collect.find_notebook(course, "dana", "day01-numpy", "day01-numpy")
    assert path == folder / "day01-numpy.ipynb" and "wrong folder" in note
    nested = course.submitted / "eve" / "day01-numpy" / "work"
    nested.mkdir(parents=True)
    (nested / "my copy.ipynb").write_bytes(_notebook_bytes())
    path, note = collect.find_notebook(course, "eve", "day01-numpy", "day01-numpy")
    assert path == nested / "my copy.ipynb" and "renamed" in note


def test_the_timestamp_given_is_written_and_read_back_in_utc(course, tmp_path):
    (tmp_path / "lms").mkdir()
    (tmp_path / "lms" / "fay_day01-numpy.ipynb").write_bytes(_notebook_bytes())
    collect.collect(course, tmp_path / "lms", timestamp=dt.datetime(2026, 12, 1, 17, 5))
    assert collect.read_timestamp(course, "fay", "day01-numpy") == dt.datetime(2026, 12, 1, 17, 5)
    assert collect.read_timestamp(course, "nobody", "day01-numpy") is None   # no file: none


@pytest.mark.parametrize("text, shown", [
    ("yesterday at noon", "'yesterday at noon'"),
    ("2026-13-45 99:00:00 UTC", "'2026-13-45 99:00:00 UTC'"),
    ("", "the file is empty"),
    ("x" * 100, "'" + "x" * 39 + "…'"),
])
def test_an_unreadable_timestamp_is_an_error_not_on_time(course, text, shown):
    folder = course.submitted / "gil" / "day01-numpy"
    folder.mkdir(parents=True)
    (folder / "timestamp.txt").write_text(text)
    with pytest.raises(collect.BadTimestamp) as err:
        collect.read_timestamp(course, "gil", "day01-numpy")
    assert str(err.value) == f"timestamp.txt unreadable: {shown}"
