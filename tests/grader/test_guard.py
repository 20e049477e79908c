"""The guard, in-process against an IPython shell (what `get_ipython()` returns in a kernel):
what student code changes is found, put back, and reported with its severity; what libraries
register is accepted."""
import builtins
import io
import json
import sys
from pathlib import Path

import numpy
import pytest

from course import checks
from grader.kernel import guard as guard_module
from grader.kernel.guard import Guard


@pytest.fixture
def shell(tmp_path, monkeypatch):
    from IPython.core.interactiveshell import InteractiveShell
    from traitlets.config import Config

    monkeypatch.setenv("IPYTHONDIR", str(tmp_path / "ipython"))
    main, hooks = sys.modules["__main__"], (sys.displayhook, sys.excepthook)
    sh = InteractiveShell.instance(config=Config({"HistoryManager": {"enabled": False}}))
    yield sh
    InteractiveShell.clear_instance()
    sys.modules["__main__"] = main
    sys.displayhook, sys.excepthook = hooks


@pytest.fixture
def guard(shell):
    g = Guard()                       # watches get_ipython(): the shell above
    assert g.shell is shell
    yield g
    g.close()                         # the audit hook stays installed, but inert


def test_a_replaced_course_checks_function_is_found_and_put_back(guard):
    original = checks.check_close
    checks.check_close = lambda *a, **k: None
    try:
        found = guard.check()
    finally:
        checks.check_close = original
    assert ("course.checks.check_close replaced", True) in found
    assert guard.check() == []


def test_restore_puts_the_original_back(guard):
    original = numpy.allclose
    numpy.allclose = lambda *a, **k: True
    try:
        found = guard.check(restore=True)
        restored = numpy.allclose is original
    finally:
        numpy.allclose = original
    assert found == [("numpy.allclose replaced", True)] and restored


def test_without_restore_it_only_reports(guard):
    original = numpy.allclose
    numpy.allclose = fake = lambda *a, **k: True
    try:
        assert guard.check(restore=False) == [("numpy.allclose replaced", True)]
        assert numpy.allclose is fake
    finally:
        numpy.allclose = original


def test_a_redefined_test_helper_is_found_and_put_back(shell, guard):
    shell.user_ns["check_close"] = checks.check_close      # bound by a trusted cell
    shell.user_ns["my_helper"] = lambda: 1                   # the student's own: not protected
    guard.snapshot(["check_close", "my_helper"])
    shell.user_ns["check_close"] = lambda *a, **k: None
    shell.user_ns["my_helper"] = lambda: 2
    assert guard.check() == [("`check_close` redefined", True)]
    assert shell.user_ns["check_close"] is checks.check_close


def test_swapping_a_functions_code_is_refused(guard):
    original = checks.check_close.__code__
    with pytest.raises(RuntimeError, match="not allowed while grading"):
        checks.check_close.__code__ = (lambda *a, **k: None).__code__
    assert checks.check_close.__code__ is original
    assert guard.check() == [("an attempt to change the code of check_close", True)]
    guard.close()                     # inert: the audit hook refuses nothing any more
    try:
        checks.check_close.__code__ = (lambda *a, **k: None).__code__
    finally:
        checks.check_close.__code__ = original


def test_changed_defaults_are_found_and_put_back(guard):
    kwdefaults = checks.check_close.__kwdefaults__
    checks.check_close.__kwdefaults__ = {**kwdefaults, "rtol": 1e9, "atol": 1e9}
    try:
        found = guard.check()
        restored = checks.check_close.__kwdefaults__ is kwdefaults
    finally:
        checks.check_close.__kwdefaults__ = kwdefaults
    assert found == [("the code of check_close changed", True)] and restored


def test_a_hooked_ipython_event_is_found_and_put_back(shell, guard):
    def skip_tests(*args):
        pass

    shell.events.register("pre_run_cell", skip_tests)
    shell.input_transformers_cleanup.append(lambda lines: ["pass\n"])
    found = guard.check()
    assert ("IPython event pre_run_cell hooked", True) in found
    assert ("IPython input_transformers_cleanup changed", True) in found
    assert skip_tests not in shell.events.callbacks["pre_run_cell"]
    assert guard.check() == []


def test_a_custom_exception_handler_and_an_overridden_shell_method(shell, guard):
    shell.set_custom_exc((AssertionError,), lambda *a, **k: None)
    shell.run_cell = lambda *a, **k: None
    found = guard.check()
    assert ("IPython custom exception handler set", True) in found
    assert ("InteractiveShell.run_cell overridden", True) in found
    assert "run_cell" not in vars(shell) and shell.custom_exceptions == ()


def test_a_replaced_method_of_the_shells_class_is_put_back(shell, guard):
    original = vars(type(shell))["run_cell"]
    type(shell).run_cell = lambda *a, **k: None
    try:
        found = guard.check()
        restored = vars(type(shell))["run_cell"] is original
    finally:
        type(shell).run_cell = original
    assert found == [("InteractiveShell.run_cell replaced", True)] and restored


def test_a_trace_function_is_found_and_removed(guard):
    if sys.gettrace() is not None:
        pytest.skip("a debugger or coverage tracer is active")

    def tracer(frame, event, arg):
        return None

    sys.settrace(tracer)
    try:
        found = guard.check()
        removed = sys.gettrace() is None
    finally:
        sys.settrace(None)
    assert found == [("a trace or profile function was set", True)] and removed


def test_replaced_builtins_are_found(shell, guard):
    original = builtins.isinstance
    builtins.isinstance = lambda *a: True
    try:
        found = guard.check()
        restored = builtins.isinstance is original
    finally:
        builtins.isinstance = original
    assert found == [("builtins.isinstance replaced", True)] and restored
    shell.user_ns["__builtins__"] = {"print": print}
    assert guard.check() == [("`__builtins__` replaced", True)]
    assert shell.user_ns["__builtins__"] is builtins


def test_what_libraries_register_is_accepted(shell, guard):
    from matplotlib_inline.backend_inline import flush_figures

    shell.events.register("post_execute", flush_figures)    # what %matplotlib inline does
    try:
        assert guard.check() == []
        assert guard.check() == []                          # and it stays accepted
        assert flush_figures in shell.events.callbacks["post_execute"]
    finally:
        shell.events.unregister("post_execute", flush_figures)


def test_data_and_a_trusted_cells_own_rebinding_are_accepted(guard):
    old_flag = checks.__doc__
    checks.__doc__ = "changed"                               # data: never an issue
    original = checks.check_close
    checks.check_close = checks.check_shape                  # a course function, rebound
    try:
        assert guard.check(restore=False, loose=True) == []
        assert guard.check(restore=False) == []              # accepted once: the new state
    finally:
        checks.check_close, checks.__doc__ = original, old_flag


def test_a_redirected_stdout_is_reported_but_harmless(guard):
    real = sys.stdout
    sys.stdout = io.StringIO()
    try:
        found = guard.check()
        restored = sys.stdout is real
    finally:
        sys.stdout = real
    assert found == [("sys.stdout replaced", False)] and restored


def test_run_answers_after_the_nonce(shell, capsys):
    guard = Guard()                   # made here: capsys swaps sys.stdout between the phases
    original = numpy.allclose
    numpy.allclose = lambda *a, **k: True
    try:
        guard.run("\x02abc", when="before")
    finally:
        numpy.allclose = original
        guard.close()
    line = capsys.readouterr().out.strip()
    assert line.startswith("\x02abc")
    assert json.loads(line[len("\x02abc"):]) == {"found": [["numpy.allclose replaced", True]]}


def test_the_guard_needs_nothing_from_the_grader():
    """It runs in the kernel from its source alone: no import of `grader` or a relative one."""
    import ast

    tree = ast.parse(Path(guard_module.__file__).read_text())
    imported = {n.module or "" for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)} | \
        {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
    levels = {n.level for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)}
    assert not {m for m in imported if m.split(".")[0] == "grader"} and levels <= {0}
