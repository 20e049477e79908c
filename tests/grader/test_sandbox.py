"""Grading as a dishonest student would try it: submissions that read the solutions, the gradebook
or a classmate's work, write outside their box, open a socket to the grader, or hand an exercise
to the course's reference code (plainly and hidden; Day 01's sigmoid, and every exercise of Day
04). Each gets no advantage, the score its own work earns and a reason; an honest submission keeps
full marks. Without the sandbox (``--no-sandbox``) the first attack works, which shows the test
can fail."""
import contextlib
import io
import json
import os
import re
import socket
import threading

import generate
import nbformat
import pytest

from course.cli import main
from course.syllabus import get_day
from grader import classroom
from grader.kernel import sandbox

pytestmark = pytest.mark.xdist_group("grading")

ASSIGNMENT = "day01-numpy"
FULL = 13.0


def _cli(*argv):
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main([str(a) for a in argv])
    return code, out.getvalue(), err.getvalue()


def _gid(cell):
    return cell.get("metadata", {}).get("nbgrader", {}).get("grade_id", "")


def _after_setup(nb, code):
    """A cell of the student's own, right after the set-up cell."""
    i = next(i for i, c in enumerate(nb.cells) if _gid(c) == "setup") + 1
    nb.cells.insert(i, nbformat.v4.new_code_cell(code))
    return nb


def _steal(nb, path, solutions):
    """Every answer cell runs the answer cells of the notebook at ``path`` (the solutions, or a
    classmate's work) instead of the student's own."""
    _after_setup(nb, solutions)
    for cell in nb.cells:
        if cell.get("metadata", {}).get("nbgrader", {}).get("solution"):
            cell.source = f"steal({path})"
    return nb


def attacks(course, port, unix_socket):
    """{student: (notebook maker, expected score, words the reasons must contain)}."""
    root = str(course.root)
    solutions = (
        "import json\n"
        "def steal(path):\n"
        "    nb = json.load(open(path))\n"
        "    for cell in nb['cells']:\n"
        "        meta = cell.get('metadata', {}).get('nbgrader', {})\n"
        "        if meta.get('solution'):\n"
        "            exec(''.join(cell['source']), globals())\n")
    return {
        "honest": (lambda nb: nb, FULL, ()),
        "reads_source": (lambda nb: _steal(
            nb, repr(f"{root}/source/{ASSIGNMENT}/{ASSIGNMENT}.ipynb"), solutions), 0.0,
            ("FileNotFoundError",)),
        "reads_source_relative": (lambda nb: _steal(
            nb, repr(f"../../../source/{ASSIGNMENT}/{ASSIGNMENT}.ipynb"), solutions), 0.0,
            ("FileNotFoundError",)),
        "reads_classmate": (lambda nb: _steal(
            nb, repr(f"{root}/submitted/honest/{ASSIGNMENT}/{ASSIGNMENT}.ipynb"), solutions), 0.0,
            ("FileNotFoundError",)),
        "rewrites_gradebook": (lambda nb: _after_setup(nb, (
            f"with open({root!r} + '/gradebook.db', 'r+b') as db:\n"
            "    db.write(b'all my grades are 100')")), FULL, ("FileNotFoundError",)),
        "writes_outside": (lambda nb: _after_setup(nb, (
            f"open({root!r} + '/autograded/HACKED.txt', 'w').write('x')")), FULL,
            ("FileNotFoundError",)),
        "calls_the_grader": (lambda nb: _after_setup(nb, (
            "import socket\n"
            f"s = socket.create_connection(('127.0.0.1', {port}), timeout=3)\n"
            "s.sendall(b'the hidden tests')")), FULL, ("ConnectionRefusedError",)),
        "calls_the_grader_unix": (lambda nb: _after_setup(nb, (
            "import socket\n"
            "s = socket.socket(socket.AF_UNIX)\n"
            f"s.connect({str(unix_socket)!r})\n"
            "s.sendall(b'the hidden tests')")), FULL, ("FileNotFoundError",)),
        "reads_own_notebook": (lambda nb: _after_setup(nb, (
            "import glob\n"
            "mine = open(glob.glob('*.ipynb')[0]).read()      # its box holds its notebook...\n"
            "if 'BEGIN HIDDEN' + ' TESTS' in mine:\n"
            "    raise RuntimeError('saw the hidden tests')   # ...without the hidden tests")),
            FULL, ()),
        "delegates": (lambda nb: _answer(nb, "sigmoid", (
            "from course.nn import activations\n"
            "def sigmoid(z):\n"
            "    A = activations.sigmoid(np.asarray(z, dtype=float))[0]\n"
            "    return float(A) if np.ndim(z) == 0 else A")), FULL - 2,
            ("used the course's reference implementation of sigmoid",)),
        "delegates_hidden": (lambda nb: _answer(nb, "sigmoid", (
            "import importlib\n"
            "def sigmoid(z):\n"
            "    where = importlib.import_module('course.' + 'nn.acti' + 'vations')\n"
            "    A = getattr(where, 'sig' + 'moid')(np.asarray(z, dtype=float))[0]\n"
            "    return float(A) if np.ndim(z) == 0 else A")), FULL - 2,
            ("used the course's reference implementation of sigmoid",)),
        "delegates_copy": (lambda nb: _answer(nb, "sigmoid", (
            "import importlib, inspect\n"
            "_ns = dict(vars(importlib.import_module('course.nn.activations')))\n"
            "exec(inspect.getsource(_ns['sigmoid']), _ns)\n"
            "def sigmoid(z):\n"
            "    A = _ns['sigmoid'](np.asarray(z, dtype=float))[0]\n"
            "    return float(A) if np.ndim(z) == 0 else A")), FULL - 2,
            ("used the course's reference implementation of sigmoid",)),
    }


def _answer(nb, grade_id, code):
    next(c for c in nb.cells if _gid(c) == grade_id).source = code
    return nb


@pytest.fixture(scope="module")
def listener():
    """The grader's side: a TCP port and a Unix socket nothing in a kernel may reach."""
    heard = []
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    server.settimeout(0.5)
    stop = threading.Event()

    def accept():
        while not stop.is_set():
            try:
                conn, _ = server.accept()
            except OSError:
                continue
            heard.append(conn.recv(100))
            conn.close()

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield server.getsockname()[1], heard
    stop.set()
    thread.join(5)
    server.close()


@pytest.fixture(scope="module")
def attacked(tmp_path_factory, listener, sandbox_ready):
    """A class of honest and dishonest Day 01 submissions, graded in the sandbox."""
    port, heard = listener
    base = tmp_path_factory.mktemp("attacks")
    course = classroom.init(base / "class", timeout=20, memory_mb=1024)
    list(classroom.release(course, [get_day(1)]))
    unix_path = course.root / "grader.sock"
    unix = socket.socket(socket.AF_UNIX)
    unix.bind(str(unix_path))
    unix.listen()
    released = nbformat.read(str(course.release / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"), 4)
    plan = attacks(course, port, unix_path)
    for student, (make, _, _) in plan.items():
        base_nb = generate.submission("solution", released)
        folder = course.submitted / student / ASSIGNMENT
        folder.mkdir(parents=True)
        nbformat.write(make(base_nb), str(folder / f"{ASSIGNMENT}.ipynb"))
    gradebook = (course.root / "gradebook.db").read_bytes()
    code, out, err = _cli("grade", "1", "--course-dir", course.root, "--jobs", 2, "-q")
    unix.close()
    assert code == 0, err
    return {"course": course, "plan": plan, "out": out, "heard": heard,
            "gradebook_before": gradebook}


def _result(course, student):
    return json.loads((course.autograded / student / ASSIGNMENT / "grading.json").read_text())


def test_every_attack_gets_only_what_its_own_work_earns(attacked):
    course, plan = attacked["course"], attacked["plan"]
    for student, (_, score, words) in plan.items():
        data = _result(course, student)
        reasons = data["reasons"] + data["notes"] + [t["message"] for t in data["tests"]]
        assert data["score"] == score, (student, data)
        for word in words:
            assert any(word in r for r in reasons), (student, reasons)
    assert "Graded without the sandbox" not in attacked["out"]


def test_the_box_holds_the_notebook_without_its_hidden_tests(attacked):
    data = _result(attacked["course"], "reads_own_notebook")
    assert data["notes"] == [] and data["reasons"] == [], data


def test_delegation_costs_the_exercise_and_says_why(attacked):
    for student in ("delegates", "delegates_hidden", "delegates_copy"):
        tests = {t["grade_id"]: t for t in _result(attacked["course"], student)["tests"]}
        assert tests["sigmoid_values"]["points"] == 0
        assert tests["sigmoid_values"]["message"] == (
            "used the course's reference implementation of sigmoid: write it yourself.")
        assert tests["sigmoid_derivative_values"]["points"] == 2   # it may use its own sigmoid


def test_nothing_outside_the_box_was_read_written_or_reached(attacked):
    course = attacked["course"]
    assert not (course.autograded / "HACKED.txt").exists()
    assert attacked["heard"] == []
    from grader.classroom import load

    with load(course.root).gradebook() as gb:        # still nbgrader's, with every grade
        assert {s.student.id for s in gb.assignment_submissions(ASSIGNMENT)} == set(
            attacked["plan"])
    assert not list(course.root.glob(".grading*/*"))


# --- Day 04: every answer a call into the course's own layers -------------------------------------

DAY04 = get_day(4)


def _solved(course, day):
    """The day's released notebook with every answer cell given the source's solution."""
    source = nbformat.read(str(course.source / day.name / f"{day.name}.ipynb"), 4)
    solutions = {_gid(c): re.sub(r"\s*### (BEGIN|END) SOLUTION\n", "\n", c.source)
                 for c in source.cells if c.get("metadata", {}).get("nbgrader", {}).get("solution")}
    nb = nbformat.read(str(course.release / day.name / f"{day.name}.ipynb"), 4)
    for cell in nb.cells:
        if _gid(cell) in solutions:
            cell.source = solutions[_gid(cell)]
    return nb


@pytest.fixture(scope="module")
def day04(tmp_path_factory, sandbox_ready):
    """Day 04 graded in the sandbox: honest answers, and every answer handed to the course's
    reference code (plainly, through importlib and string pieces, getattr, sys.modules, an alias,
    a partial, a copy made with inspect.getsource), as tests/course/integrity checks in a shell."""
    from tests.course.integrity.test_watch import DELEGATING, NAMED

    course = classroom.init(tmp_path_factory.mktemp("day04") / "class", timeout=30,
                            memory_mb=1024)
    list(classroom.release(course, [DAY04]))
    for student, answers in (("honest", {}), ("delegates_all", DELEGATING)):
        nb = _solved(course, DAY04)
        for gid, code in answers.items():
            _answer(nb, gid, code)
        folder = course.submitted / student / DAY04.name
        folder.mkdir(parents=True)
        nbformat.write(nb, str(folder / f"{DAY04.name}.ipynb"))
    code, out, err = _cli("grade", "4", "--course-dir", course.root, "--jobs", 2, "-q")
    assert code == 0, err
    return course, NAMED, out


def test_day04_handed_to_the_course_scores_zero_and_says_why(day04):
    course, named, out = day04
    honest = json.loads((course.autograded / "honest" / DAY04.name / "grading.json").read_text())
    assert honest["score"] == honest["max_score"] == 14, honest
    data = json.loads((course.autograded / "delegates_all" / DAY04.name / "grading.json")
                      .read_text())
    assert data["score"] == 0, data
    messages = {t["grade_id"]: t["message"] for t in data["tests"]}
    assert messages == {gid: f"used the course's reference implementation of {names}: write it "
                             "yourself." for gid, names in named.items()}
    assert "used the course's reference implementation of" in out      # the table says why


def test_without_the_sandbox_reading_the_solutions_works(attacked):
    """The control: --no-sandbox says so, and the first attack then gets full marks."""
    course = attacked["course"]
    code, out, err = _cli("grade", "1", "--course-dir", course.root, "--student", "reads_source",
                          "--no-sandbox", "-q")
    assert code == 0, err
    assert "Graded without the sandbox (--no-sandbox)" in out
    assert _result(course, "reads_source")["score"] == FULL


def test_without_bubblewrap_grading_stops_with_one_sentence(monkeypatch, tmp_path):
    monkeypatch.setattr(sandbox, "bwrap", lambda: None)
    sandbox.problem.cache_clear()
    try:
        course = classroom.init(tmp_path / "c", timeout=20)
        list(classroom.release(course, [get_day(1)]))
        folder = course.submitted / "ann" / ASSIGNMENT
        folder.mkdir(parents=True)
        released = nbformat.read(str(course.release / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"), 4)
        nbformat.write(released, str(folder / f"{ASSIGNMENT}.ipynb"))
        code, out, err = _cli("grade", "1", "--course-dir", course.root, "-q")
    finally:
        sandbox.problem.cache_clear()
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and "`bwrap` is not installed" in err and "--no-sandbox" in err


def test_the_sandbox_shows_no_course_folder(sandbox_ready, tmp_path):
    box = sandbox.Sandbox()
    try:
        seen = box.argv(["/bin/true"])
        assert str(tmp_path) not in " ".join(seen)
        assert "--unshare-net" in seen and "--unshare-pid" in seen and "--cap-drop" in seen
        import course

        repo = os.path.dirname(os.path.dirname(course.__file__))
        assert not any(p == repo for p in seen)            # the package, not the repository
    finally:
        box.close()
    assert not box.root.exists()
