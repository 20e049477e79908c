"""Clean failures: a failed check shows the test cell's line and the message, not the course's
own frames, and ends with a line saying how to ask for a hint.

A check (``course.checks``) raises ``AssertionError`` several calls deep inside the course's code;
a full traceback buries the one sentence that matters under those frames. `install` gives the
kernel's shell a handler for ``AssertionError`` that drops every frame of code inside the
``course`` package and formats the rest with IPython's own formatter, so the output looks like any
other traceback, in JupyterLab, Notebook 7 and Colab alike. Frames of the learner's own code
(a function they wrote that asserts) stay: that is where their bug is. Any other exception (a
``NameError``, a shape error in the learner's code) is left to IPython, untouched.
"""
from __future__ import annotations

import linecache
import re
import sys
import types
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent
_PASSED_CALL = re.compile(r"""progress\.passed\(\s*(\d+)\s*,\s*["']([\w-]+)["']\s*\)""")


def _ours(frame) -> bool:
    """A frame of the course's own code (hidden from a failed check's traceback)."""
    if frame.f_locals.get("__tracebackhide__"):
        return True
    try:
        return PACKAGE in Path(frame.f_code.co_filename).resolve().parents
    except (OSError, ValueError):
        return False


def trim(tb):
    """``tb`` without the course's frames (a new chain; ``tb`` itself is left as it was)."""
    kept = []
    while tb is not None:
        if not _ours(tb.tb_frame):
            kept.append(tb)
        tb = tb.tb_next
    chain = None
    for t in reversed(kept):
        chain = types.TracebackType(chain, t.tb_frame, t.tb_lasti, t.tb_lineno)
    return chain


def _cell_source(shell, tb) -> str:
    """The source of the cell that raised: from its frame, else the last input."""
    while tb is not None:
        name = tb.tb_frame.f_code.co_filename
        if not _ours(tb.tb_frame) and "site-packages" not in name and "IPython" not in name:
            lines = linecache.getlines(name)
            if lines:
                return "".join(lines)
        tb = tb.tb_next
    try:
        return shell.history_manager.input_hist_raw[-1]
    except Exception:  # noqa: BLE001
        return ""


def ask_line(source: str) -> str | None:
    """For a test cell's source: the line saying how to ask for its exercise's next hint."""
    from . import hints

    for day, test_id in _PASSED_CALL.findall(source):
        line = hints.ask_line(int(day), test_id)
        if line:
            return line
    return None


def structured(shell, etype, value, tb, tb_offset=None) -> list[str]:
    """The failed check as IPython's traceback lines: trimmed, plus the hint line."""
    stb = shell.InteractiveTB.structured_traceback(etype, value, trim(tb), tb_offset=tb_offset)
    line = ask_line(_cell_source(shell, tb))
    if line:
        stb = list(stb) + [f"\x1b[36m{line}\x1b[0m"]
    return stb


def _handler(shell, etype, value, tb, tb_offset=None):
    try:
        stb = structured(shell, etype, value, tb, tb_offset)
    except Exception:  # noqa: BLE001 (never lose the learner's error: show it in full)
        stb = shell.InteractiveTB.structured_traceback(etype, value, tb, tb_offset=tb_offset)
    # run_code hands custom exceptions to the handler and shows nothing itself
    shell._showtraceback(etype, value, stb)
    return stb


def install(shell) -> None:
    """Route ``AssertionError`` (failed checks) through the trimming handler; idempotent. A shell
    that already has another custom handler keeps it."""
    if shell is None or not hasattr(shell, "set_custom_exc"):
        return
    current = getattr(shell, "custom_exceptions", ())
    if current and current != (AssertionError,):
        print("(Another custom exception handler is installed: failed checks show full "
              "tracebacks.)", file=sys.stderr)
        return
    shell.set_custom_exc((AssertionError,), _handler)
