"""Clean failures in a real kernel: a failed check shows the test cell's line, the message and how
to ask for a hint, without the course's own frames; the learner's own errors keep their frames."""
import re

import nbformat
import pytest

from course.authoring import notebook as nbtools
from course.syllabus import get_day

ANSI = re.compile(r"\x1b\[[0-9;]*m")


def visible_test(day, grade_id):
    """A test cell as the learner sees it (its hidden part dropped)."""
    [cell] = [c for c in nbtools.read(get_day(day).notebook).cells
              if nbtools.nbgrader_meta(c).get("grade_id") == grade_id]
    source = cell.source
    start, end = source.index(nbtools.BEGIN_HIDDEN), source.index(nbtools.END_HIDDEN)
    return source[:start] + source[end + len(nbtools.END_HIDDEN):]


@pytest.fixture(scope="module")
def outputs(tmp_path_factory):
    from nbclient import NotebookClient

    home = tmp_path_factory.mktemp("home")
    cells = [
        f"import os\nos.environ['COURSE_HOME'] = {str(home)!r}\nos.environ['COURSE_PROGRESS'] = "
        "'on'\nimport numpy as np\nimport course\nfrom course import progress\n"
        "from course.checks import check_close, check_scalar, check_shape, check_unchanged\n"
        "course.start(1)",
        "def sigmoid(z):\n    return 1 / (1 + np.exp(z))       # the sign flipped",
        visible_test(1, "sigmoid_values"),
        "course.hint()",
        "def helper(x):\n    return undefined_name\nhelper(1)",
        "def mine(x):\n    assert x > 0, 'my own assertion'\nmine(-1)",
        "check_shape('v', np.zeros((2, 3)), (3, 2))",
    ]
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in cells])
    NotebookClient(nb, kernel_name="python3", allow_errors=True, timeout=120).execute()
    return [c.outputs for c in nb.cells]


def error_text(cell_outputs):
    [error] = [o for o in cell_outputs if o.output_type == "error"]
    return error, ANSI.sub("", "\n".join(error.traceback))


def test_a_failed_check_shows_the_test_line_the_message_and_how_to_ask(outputs):
    error, text = error_text(outputs[2])
    assert error.ename == "AssertionError" and "sign inside np.exp is flipped" in error.evalue
    assert re.search(r'-+> +\d+ check_close\("sigmoid\(z\)"', text)     # the test cell's line
    assert "checks.py" not in text and "site-packages" not in text     # no frames of the course
    lines = text.strip().splitlines()
    assert lines[-2].startswith("AssertionError: `sigmoid(z)`")
    assert lines[-1] == 'Stuck? course.hint("sigmoid") shows hint 1 of 3.'
    assert len(lines) < 15


def test_asking_after_the_failure_shows_the_first_tier(outputs):
    [shown] = [o for o in outputs[3] if o.output_type == "display_data"]
    assert shown.data["text/markdown"].startswith("**Hint for `sigmoid`** (1 of 3)")
    assert "text/plain" in shown.data


def test_the_learners_own_errors_keep_their_frames(outputs):
    error, text = error_text(outputs[4])
    assert error.ename == "NameError" and "in helper" in text and "undefined_name" in text
    error, text = error_text(outputs[5])
    assert "in mine" in text and "assert x > 0" in text and "Stuck?" not in text


def test_a_check_outside_a_test_cell_has_no_hint_line(outputs):
    error, text = error_text(outputs[6])
    assert "transposed" in error.evalue and "checks.py" not in text and "Stuck?" not in text
