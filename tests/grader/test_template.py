"""The template a day is graded against: built from the gradebook's record of the release."""
import threading
import time

import nbformat
import pytest

from grader import template
from grader.errors import GradingError

ASSIGNMENT = "day01-numpy"


def test_bound_and_imported_names():
    source = ("try:\n    import course\nexcept ModuleNotFoundError:\n    %pip install x\n"
              "import numpy as np\nfrom course.checks import check_close as cc, check_shape\n"
              "def f():\n    pass\nx = 1")
    assert template.bound_names(source) == ["course", "np", "cc", "check_shape", "f"]
    mods = template.imported_modules(source)
    assert {"course", "numpy", "course.checks", "course.checks.check_close"} <= set(mods)
    assert template.bound_names("def broken(:\n") == []            # a syntax error binds nothing


class _Finalised:
    """An object in a reference cycle whose finaliser lets another thread run: the collector
    frees it at any allocation, so in the middle of another thread's parse."""

    def __del__(self):
        time.sleep(0)


def test_threads_can_parse_at_once(monkeypatch):
    # CPython 3.11 (gh-106905): the AST constructor's recursion depth is shared by all threads,
    # and a thread switch mid-parse fails with "SystemError: ... recursion depth mismatch". The
    # batch grades in threads, so the grader's parsing must not fail that way.
    body = "\n".join(f"def f{i}(x):\n    return [[(a, b) for a in range(x) if a] for b in range({i})]"
                     for i in range(50))
    errors = []
    # Skip IPython's (slow, pure-Python) rewriting so the threads spend their time in the parser.
    monkeypatch.setattr(template, "_ipython_to_python", lambda source: source)

    def parse(worker):
        for n in range(25):
            for _ in range(100):
                junk = _Finalised()
                junk.cycle = junk
            try:
                assert len(template.bound_names(f"{body}\nw{worker}_{n} = 0")) == 50
            except SystemError as err:
                errors.append(err)
            if errors:
                return

    threads = [threading.Thread(target=parse, args=(w,)) for w in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors


def test_visible_source_replaces_the_hidden_block_with_a_note():
    source = "check(a)\n### BEGIN HIDDEN TESTS\ncheck(secret)\n### END HIDDEN TESTS\ncheck(b)"
    assert template.visible_source(source) == "check(a)\n# (hidden tests: not shown)\ncheck(b)"
    assert template.visible_source(source, None) == "check(a)\ncheck(b)"


def test_template_of_day_01(released):
    t = template.build_template(released, ASSIGNMENT, ASSIGNMENT)
    points = {c.grade_id: c.points for c in t.tests}
    assert points == {"sigmoid_values": 2, "sigmoid_derivative_values": 2,
                      "image2vector_shape": 1, "normalize_rows_values": 2, "softmax_values": 2,
                      "l1_loss": 1, "l2_loss": 1, "pairwise_distances_values": 2}
    assert t.max_score == 13
    assert t.groups["sigmoid_values"] == ["sigmoid"]
    assert t.groups["l1_loss"] == t.groups["l2_loss"] == ["losses"]   # two tests, one answer
    assert t.day == 1 and t.exercises["sigmoid_values"] == ["sigmoid"]   # course.integrity's map
    assert t.exercises["l1_loss"] == ["L1"] and t.exercises["l2_loss"] == ["L2"]
    assert {"numpy", "course", "course.checks"} <= set(t.imports)
    kinds = {c.grade_id: c.kind for c in t.cells if c.grade_id}
    assert kinds["sigmoid"] == "answer" and kinds["sigmoid_values"] == "locked"
    answer = next(c for c in t.cells if c.grade_id == "sigmoid")
    assert "raise NotImplementedError()" in answer.cell.source     # the solution is cleared
    test = next(c for c in t.cells if c.grade_id == "sigmoid_values")
    assert "### BEGIN HIDDEN TESTS" in test.cell.source               # hidden tests are kept
    assert test.cell.metadata["nbgrader"]["checksum"]


def test_locked_cells_come_from_the_gradebook_not_a_later_source(released):
    """The class is graded against what it was given, even if source/ changes afterwards."""
    path = released.source / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
    original = path.read_text()
    nb = nbformat.read(str(path), as_version=4)
    cell = next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id")
                == "sigmoid_values")
    released_source = cell.source
    cell.source = "pass  # an easier test, edited after the release"
    try:
        nbformat.write(nb, str(path))
        t = template.build_template(released, ASSIGNMENT, ASSIGNMENT)
    finally:
        path.write_text(original)
    test = next(c for c in t.cells if c.grade_id == "sigmoid_values")
    assert test.cell.source == released_source


def test_an_assignment_not_released_is_a_clear_error(released):
    with pytest.raises(GradingError, match="release the day first"):
        template.build_template(released, "day99-nothing", "day99-nothing")
