"""Reading a submission whatever state it is in, and rebuilding the notebook that is run."""
import copy

import generate
import nbformat
import pytest

from course.syllabus import get_day
from grader.submission import Unreadable, assemble, read_submission
from grader.template import build_template

DAY = get_day(1)
ASSIGNMENT = DAY.name


@pytest.mark.parametrize("content, reason", [
    (b"", "empty"),
    (b'{"cells": [', "not valid notebook JSON"),
    (b'{"hello": 1}', "not a Jupyter notebook"),
    (b"\x00\x01garbage", "not valid notebook JSON"),
])
def test_unreadable_submissions_say_why(tmp_path, content, reason):
    path = tmp_path / "x.ipynb"
    path.write_bytes(content)
    with pytest.raises(Unreadable, match=reason):
        read_submission(path)


def test_old_nbformat_is_read(tmp_path):
    nb = nbformat.read(str(DAY.notebook), as_version=4)
    path = tmp_path / "v3.ipynb"
    path.write_text(nbformat.writes(nbformat.convert(nb, 3)))
    back = read_submission(path)
    assert back.nbformat == 4
    ids = {c.metadata.get("nbgrader", {}).get("grade_id") for c in back.cells}
    assert {"sigmoid", "sigmoid_values", "setup"} <= ids


@pytest.fixture(scope="module")
def template(released):
    return build_template(released, ASSIGNMENT, ASSIGNMENT)


@pytest.fixture(scope="module")
def student_version(released):
    return nbformat.read(str(released.release / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"), as_version=4)


def _gid(cell):
    return cell.get("metadata", {}).get("nbgrader", {}).get("grade_id", "")


def _ids(slots, origin=None):
    return [s.grade_id for s in slots if s.grade_id and (origin is None or s.origin == origin)]


def _by_id(slots, gid):
    return [s for s in slots if s.grade_id == gid]


def test_a_complete_submission_runs_in_the_source_order(template, student_version):
    nb = generate.submission("solution", student_version)
    slots, notes, unanswered = assemble(template, nb)
    assert notes == [] and unanswered == set()
    assert _ids(slots) == [c.grade_id for c in template.cells if c.grade_id]
    assert len(slots) == len(template.cells) + 1                     # + fast = True
    params = next(i for i, s in enumerate(slots)
                  if "parameters" in s.cell.get("metadata", {}).get("tags", []))
    assert slots[params + 1].origin == "injected" and "fast = True" in slots[params + 1].cell.source
    tests = [s for s in slots if s.test]
    assert [s.grade_id for s in tests] == [c.grade_id for c in template.tests]
    assert all(s.origin == "source" for s in tests)
    assert {s.points for s in _by_id(slots, "sigmoid_values")} == {2.0}
    answer = _by_id(slots, "sigmoid")[0]
    assert answer.origin == "student" and "1 / (1 + np.exp(-z))" in answer.cell.source.replace(
        "s = ", "")


def test_an_untouched_stub_is_not_attempted(template, student_version):
    _, notes, unanswered = assemble(template, copy.deepcopy(student_version))
    assert notes == []
    assert unanswered == {c.grade_id for c in template.cells if c.kind == "answer"}


def test_deleted_test_cells_are_put_back(template, student_version):
    nb = generate.submission("deleted_test", student_version)
    assert "l2_loss" not in {_gid(c) for c in nb.cells}
    slots, notes, _ = assemble(template, nb)
    assert "test cell(s) deleted, put back: sigmoid_values, l2_loss" in notes
    assert [s.grade_id for s in slots if s.test] == [c.grade_id for c in template.tests]


def test_an_edited_test_cell_is_graded_with_the_original(template, student_version):
    nb = generate.submission("edited_test", student_version)
    slots, notes, _ = assemble(template, nb)
    assert "test cell(s) edited, graded with the original: softmax_values" in notes
    source = next(c.cell.source for c in template.cells if c.grade_id == "softmax_values")
    assert _by_id(slots, "softmax_values")[0].cell.source == source
    assert source.strip() != 'progress.passed(1, "softmax_values")'     # not the student's edit


def test_duplicated_cells_keep_every_answer_copy_and_one_test(template, student_version):
    nb = generate.submission("duplicated", student_version)
    slots, notes, unanswered = assemble(template, nb)
    assert "duplicated cell(s): l1_loss, softmax" in notes
    copies = _by_id(slots, "softmax")
    assert [s.origin for s in copies] == ["student", "student"]
    assert "raise NotImplementedError" in copies[0].cell.source             # the student's order
    assert "np.exp" in copies[1].cell.source
    assert len(_by_id(slots, "l1_loss")) == 1
    assert "softmax" not in unanswered


def test_reordered_cells_run_in_the_released_order(template, student_version):
    nb = generate.submission("reordered", student_version)
    assert [_gid(c) for c in nb.cells][-1] == "sigmoid"
    slots, notes, _ = assemble(template, nb)
    assert "cells reordered: run in the released order" in notes
    ids = _ids(slots)
    assert ids.index("sigmoid") < ids.index("sigmoid_values")
    assert ids.index("l1_loss") < ids.index("l2_loss")


def test_added_cells_run_where_the_student_put_them(template, student_version):
    nb = generate.submission("solution_extras", student_version)
    slots, notes, _ = assemble(template, nb)
    assert notes == []
    added = [i for i, s in enumerate(slots) if s.origin == "student" and not s.grade_id]
    sources = [slots[i].cell.source for i in added]
    assert sources[0].startswith("%matplotlib inline") and "def _abs_sum" in sources[1]
    injected = next(i for i, s in enumerate(slots) if s.origin == "injected")
    assert added[0] == injected + 1                 # a cell added at the top: after the settings
    losses = next(i for i, s in enumerate(slots) if s.grade_id == "losses")
    assert added[1] < losses                         # the helper runs before the answer using it
    assert all("nbgrader" not in slots[i].cell.metadata for i in added)   # never a graded cell


def test_a_deleted_answer_cell_is_not_attempted(template, student_version):
    nb = generate.submission("solution", student_version)
    nb.cells = [c for c in nb.cells if _gid(c) != "softmax"]
    slots, notes, unanswered = assemble(template, nb)
    assert "answer cell(s) deleted: softmax" in notes
    assert "softmax" in unanswered and _by_id(slots, "softmax") == []
    assert len(_by_id(slots, "softmax_values")) == 1          # its test still runs (and fails)


def test_the_students_copies_of_released_text_are_not_run_twice(template, student_version):
    nb = generate.submission("solution", student_version)
    slots, _, _ = assemble(template, nb)
    texts = [s.cell.source for s in slots if s.cell["cell_type"] == "markdown"]
    assert len(texts) == len(set(texts))
