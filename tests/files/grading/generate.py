"""A generated class for grading tests and the benchmark: Day 01 submissions of every kind.

Built from the released Day 01 (the student version) and the source's solutions. ``STUDENTS``
maps a student id to how the submission is made and the exercises expected to fail; every other
exercise is expected to pass. ``write_class(folder)`` writes the submissions as an LMS download
would (``<student>_<notebook>.ipynb``), and returns what to place by hand afterwards (a notebook
in the wrong folder).
"""
from __future__ import annotations

import copy
import json
import re
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[3]
SOURCE = ROOT / "notebooks" / "day01-numpy" / "day01-numpy.ipynb"
NOTEBOOK = "day01-numpy"

ALL = ("sigmoid_values", "sigmoid_derivative_values", "image2vector_shape",
       "normalize_rows_values", "softmax_values", "l1_loss", "l2_loss", "pairwise_distances_values")
POINTS = {"sigmoid_values": 2, "sigmoid_derivative_values": 2, "image2vector_shape": 1,
          "normalize_rows_values": 2, "softmax_values": 2, "l1_loss": 1, "l2_loss": 1,
          "pairwise_distances_values": 2}
ANSWERS = ("sigmoid", "sigmoid_derivative", "image2vector", "normalize_rows", "softmax", "losses",
           "pairwise_sq_distances")

WRONG = {
    "sigmoid": '''
def sigmoid(z):
    return 1 / (1 + np.exp(z))
''',
    "softmax_unstable": '''
def softmax(x):
    e = np.exp(x)
    return e / e.sum(axis=1, keepdims=True)
''',
    "syntax": '''
def normalize_rows(x)
    return x / np.linalg.norm(x, axis=1, keepdims=True)
''',
    "loop": '''
def L1(y_hat, y):
    while True:
        pass


def L2(y_hat, y):
    return np.sum((y - y_hat) ** 2)
''',
    "loop_no_interrupt": '''
import signal


def image2vector(image):
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    while True:
        pass
''',
    "memory": '''
def softmax(x):
    hog = []
    while True:
        hog.append(np.empty(10_000_000))
''',
    "exit_in_test": '''
import os


def pairwise_sq_distances(X, Y):
    os._exit(3)
''',
    "exit_at_definition": '''
import os
os._exit(1)
''',
    "huge_output": '''
print("spam " * 2_000_000)


def sigmoid(z):
    s = 1 / (1 + np.exp(-z))
    return s
''',
    "l1_mean": '''
def L1(y_hat, y):
    return np.mean(np.abs(y - y_hat))


def L2(y_hat, y):
    return np.sum((y - y_hat) ** 2)
''',
    "sigmoid_ndmin": '''
def sigmoid(z):
    z = np.array(z, dtype=float, ndmin=1)
    return 1 / (1 + np.exp(-z))
''',
    "softmax_identity": '''
def softmax(x):
    return x
''',
    # Attempts to fake passes, each with wrong answers that must still score zero.
    "redefine_checks": '''
def sigmoid(z):
    return z


def check_close(*args, **kwargs):
    pass


def check_scalar(*args, **kwargs):
    pass


def check_shape(*args, **kwargs):
    pass
''',
    "patch_course_checks": '''
import course.checks
import course.progress
course.checks.check_close = lambda *a, **k: None
course.checks.check_scalar = lambda *a, **k: None
course.progress.passed = lambda *a, **k: print("✔ passed (fake)")


def sigmoid(z):
    return z
''',
    "patch_numpy": '''
np.allclose = lambda *a, **k: True
np.isclose = lambda a, b, **k: np.ones(np.shape(a), dtype=bool)


def sigmoid(z):
    return z
''',
    "swap_code": '''
check_close.__code__ = (lambda *a, **k: None).__code__


def sigmoid(z):
    return z
''',
    "blank_tests": '''
get_ipython().input_transformers_cleanup.append(
    lambda lines: [] if any("check_" in l for l in lines) else lines)


def sigmoid(z):
    return z
''',
    "patch_during_test": '''
def sigmoid(z):
    import course.checks
    course.checks.check_close = lambda *a, **k: None
    globals()["check_close"] = lambda *a, **k: None
    return z
''',
    "swallow_errors": '''
get_ipython().set_custom_exc((Exception,), lambda *a, **k: None)


def sigmoid(z):
    return z
''',
}


# student id -> (recipe, exercises expected to fail, expected status)
STUDENTS = {
    "correct01": ("solution", (), "graded"),
    # added cells: magics at the top (not tampering) and a helper the answers use
    "correct02": ("solution_extras", (), "graded"),
    "correct03": ("solution", (), "graded"),
    "blank": ("stub", ALL, "graded"),
    "partial": ("partial", ("normalize_rows_values", "softmax_values", "l1_loss", "l2_loss",
                            "pairwise_distances_values"), "graded"),
    # sigma(-z)(1 - sigma(-z)) = sigma(z)(1 - sigma(z)): the derivative still passes.
    "wrong_sigmoid": ("wrong:sigmoid", ("sigmoid_values",), "graded"),
    "unstable_softmax": ("wrong:softmax_unstable", ("softmax_values",), "graded"),
    "syntax_error": ("wrong:syntax", ("normalize_rows_values",), "graded"),
    "l1_mean": ("wrong:l1_mean", ("l1_loss",), "graded"),
    # passes the visible test, fails a hidden one (sigmoid(3.0) must be a plain number)
    "hidden_fail": ("wrong:sigmoid_ndmin", ("sigmoid_values",), "graded"),
    "infinite_loop": ("wrong:loop", ("l1_loss",), "timed out"),
    "loop_no_interrupt": ("wrong:loop_no_interrupt", ("image2vector_shape",), "timed out"),
    "memory_hog": ("wrong:memory", ("softmax_values",), "graded"),
    "kernel_exit": ("wrong:exit_in_test", ("pairwise_distances_values",), "kernel died"),
    "exit_at_definition": ("extra_after:sigmoid_derivative:exit_at_definition",
                           ("sigmoid_derivative_values",), "kernel died"),
    "huge_output": ("wrong:huge_output", (), "graded"),
    "edited_test": ("edited_test", ("softmax_values",), "graded"),
    "deleted_test": ("deleted_test", (), "graded"),
    "duplicated": ("duplicated", (), "graded"),
    "reordered": ("reordered", (), "graded"),
    "renamed": ("renamed", (), "graded"),
    "wrong_folder": ("wrong_folder", (), "graded"),
    "corrupted": ("corrupted", ALL, "failed"),
    "old_format": ("nbformat3", (), "graded"),
    "redefine_checks": ("wrong:redefine_checks", ("sigmoid_values", "sigmoid_derivative_values"),
                        "tampered"),
    "patch_checks": ("wrong:patch_course_checks", ("sigmoid_values", "sigmoid_derivative_values"),
                     "tampered"),
    "patch_numpy": ("wrong:patch_numpy", ("sigmoid_values", "sigmoid_derivative_values"),
                    "tampered"),
    "swap_code": ("wrong:swap_code", ("sigmoid_values", "sigmoid_derivative_values"), "tampered"),
    "blank_tests": ("wrong:blank_tests", ("sigmoid_values", "sigmoid_derivative_values"),
                    "tampered"),
    "patch_during_test": ("wrong:patch_during_test",
                          ("sigmoid_values", "sigmoid_derivative_values"), "tampered"),
    "swallow_errors": ("wrong:swallow_errors", ("sigmoid_values", "sigmoid_derivative_values"),
                       "tampered"),
}
# Which answer cell a "wrong:" recipe replaces.
TARGET = {"sigmoid": "sigmoid", "softmax_unstable": "softmax", "syntax": "normalize_rows",
          "loop": "losses", "loop_no_interrupt": "image2vector", "memory": "softmax",
          "exit_in_test": "pairwise_sq_distances", "huge_output": "sigmoid", "l1_mean": "losses",
          "sigmoid_ndmin": "sigmoid", "softmax_identity": "softmax", "redefine_checks": "sigmoid",
          "patch_course_checks": "sigmoid", "patch_numpy": "sigmoid", "swap_code": "sigmoid",
          "blank_tests": "sigmoid", "patch_during_test": "sigmoid", "swallow_errors": "sigmoid"}


def expected(student: str) -> dict[str, float]:
    """Points per exercise the student deserves."""
    _, failing, _ = STUDENTS[student]
    return {g: (0.0 if g in failing else float(POINTS[g])) for g in ALL}


def _gid(cell) -> str:
    return cell.get("metadata", {}).get("nbgrader", {}).get("grade_id", "")


def _solutions() -> dict[str, str]:
    source = nbformat.read(str(SOURCE), as_version=4)
    out = {}
    for cell in source.cells:
        if cell.get("metadata", {}).get("nbgrader", {}).get("solution"):
            text = re.sub(r"\s*### (BEGIN|END) SOLUTION\n", "\n", cell.source)
            out[_gid(cell)] = text
    return out


def submission(recipe: str, released: nbformat.NotebookNode) -> nbformat.NotebookNode | bytes:
    """One student's notebook (or raw bytes, for a damaged file)."""
    nb = copy.deepcopy(released)
    sols = _solutions()
    by_id = {_gid(c): c for c in nb.cells if _gid(c)}

    def answer_all(skip=()):
        for gid in ANSWERS:
            if gid not in skip:
                by_id[gid].source = sols[gid]

    if recipe == "stub":
        return nb
    if recipe == "partial":
        answer_all(skip=("normalize_rows", "softmax", "losses", "pairwise_sq_distances"))
        return nb
    answer_all()
    if recipe == "solution":
        return nb
    if recipe == "solution_extras":
        nb.cells.insert(0, nbformat.v4.new_code_cell(
            "%matplotlib inline\n%load_ext autoreload\n%autoreload 2"))
        i = nb.cells.index(by_id["l1_loss"]) - 1            # the losses answer
        nb.cells.insert(i, nbformat.v4.new_code_cell("def _abs_sum(a):\n    return np.sum(np.abs(a))"))
        by_id["losses"].source = by_id["losses"].source.replace(
            "np.sum(np.abs(y - y_hat))", "_abs_sum(y - y_hat)")
        assert "_abs_sum(y - y_hat)" in by_id["losses"].source
        return nb
    if recipe.startswith("wrong:"):
        name = recipe.split(":", 1)[1]
        by_id[TARGET[name]].source = WRONG[name].strip("\n")
        return nb
    if recipe.startswith("extra_after:"):
        _, after, name = recipe.split(":")
        i = nb.cells.index(by_id[after])
        nb.cells[i].source = WRONG[name].strip("\n") + "\n\n" + nb.cells[i].source
        return nb
    if recipe == "edited_test":
        by_id["softmax"].source = WRONG["softmax_identity"].strip("\n")
        by_id["softmax_values"].source = 'progress.passed(1, "softmax_values")'
        return nb
    if recipe == "deleted_test":
        nb.cells.remove(by_id["l2_loss"])
        nb.cells.remove(by_id["sigmoid_values"])
        return nb
    if recipe == "duplicated":
        i = nb.cells.index(by_id["softmax"])
        first = copy.deepcopy(by_id["softmax"])
        first.source = "def softmax(x):\n    raise NotImplementedError()"
        nb.cells.insert(i, first)                       # a stub copy first, the answer after it
        j = nb.cells.index(by_id["l1_loss"])
        nb.cells.insert(j, copy.deepcopy(by_id["l1_loss"]))   # a duplicated test cell
        for cell in nb.cells:
            cell.pop("id", None)
        nb.nbformat_minor = 4
        return nb
    if recipe == "reordered":
        sig = by_id["sigmoid"]
        nb.cells.remove(sig)
        nb.cells.append(sig)                            # the answer moved below every test
        tests = [c for c in nb.cells if _gid(c) in ("l1_loss", "l2_loss")]
        a, b = (nb.cells.index(c) for c in tests)
        nb.cells[a], nb.cells[b] = nb.cells[b], nb.cells[a]
        return nb
    if recipe in ("renamed", "wrong_folder"):
        return nb
    if recipe == "corrupted":
        text = nbformat.writes(nb)
        return text[: len(text) // 2].encode()
    if recipe == "nbformat3":
        return nbformat.writes(nbformat.convert(nb, 3)).encode()
    raise ValueError(recipe)


def write_class(folder, released_notebook, students=None) -> dict[str, Path]:
    """Write the submissions into ``folder`` (to be collected); returns the files a test places
    by hand: {student: path} for the notebook saved in the wrong folder."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    released = nbformat.read(str(released_notebook), as_version=4)
    by_hand = {}
    for student in students or STUDENTS:
        recipe = STUDENTS[student][0]
        data = submission(recipe, released)
        if not isinstance(data, bytes):
            data = nbformat.writes(data).encode()
        if recipe == "renamed":
            path = folder / f"{student}_Untitled (1).ipynb"
        elif recipe == "wrong_folder":
            path = folder.parent / "by-hand" / student / f"{NOTEBOOK}.ipynb"
            by_hand[student] = path
        else:
            path = folder / f"{student}_{NOTEBOOK}.ipynb"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    return by_hand


if __name__ == "__main__":  # a quick look: python tests/files/grading/generate.py
    print(json.dumps({s: expected(s) for s in STUDENTS}, indent=1))
