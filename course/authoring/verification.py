"""Prove that a day's tests can fail: every graded test cell must fail after the released stub
of its exercise and pass after the solution, in both its student (visible) and its full
(hidden tests included) version.

One kernel per notebook runs the source cells in order with ``fast=True``; at each test cell the
answer cells it checks (those since the previous test cell) are swapped for their stubs, the test
is run, then the solutions are put back and the test is run again; where the day has plain
answers (``course.authoring.plain``), they are swapped in and the test must pass on them too.
"""
from __future__ import annotations

import ast
import os
import subprocess
from dataclasses import dataclass
from pathlib import Path

from . import notebook as nbtools
from . import plain
from ..syllabus import Day, get_day


@dataclass
class Finding:
    day: int
    cell: int
    grade_id: str
    problem: str

    def __str__(self):
        return f"day {self.day:02d}, cell {self.cell} ({self.grade_id or 'no grade_id'}): {self.problem}"


class Kernel:
    """A Jupyter kernel that runs code and reports errors as ``(ename, evalue)``."""

    def __init__(self, cwd, env=None, timeout: int = 600):
        from jupyter_client.manager import start_new_kernel

        full_env = {**os.environ, **(env or {})}
        # The kernel's own log (a transport warning at start) is noise here: errors come back as replies.
        self.km, self.kc = start_new_kernel(kernel_name="python3", cwd=str(cwd), env=full_env,
                                            stderr=subprocess.DEVNULL)
        self.timeout = timeout

    def run(self, code: str):
        """Run ``code``; return None when it succeeded, else ``"Ename: evalue"``."""
        reply = self.kc.execute_interactive(code, timeout=self.timeout, output_hook=lambda msg: None,
                                            allow_stdin=False)
        content = reply["content"]
        if content["status"] == "ok":
            return None
        return f"{content.get('ename', 'Error')}: {content.get('evalue', '')}".strip()

    def close(self):
        self.kc.stop_channels()
        self.km.shutdown_kernel(now=True)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def _top_level_names(source: str) -> list[str]:
    """Names a cell binds at top level (functions, classes, assignments)."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return []
    names = []
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.append(node.name)
        elif isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                names += [n.id for n in ast.walk(target) if isinstance(n, ast.Name)]
    return names


def _forget(names) -> str:
    return f"for _n in {sorted(set(names))!r}:\n    globals().pop(_n, None)"


def verify(day, *, timeout: int = 600) -> list[Finding]:
    """Run the proof for one day; an empty list means every test can fail and does pass, on the
    author's solution and on the day's plain answers (``course.authoring.plain``), if it has them."""
    day: Day = get_day(day)
    source = nbtools.read(day.notebook)
    answers = plain.load(day, source) if plain.path(day).exists() else None
    return verify_notebook(day.notebook, day.number, timeout=timeout, plain_answers=answers)


def verify_notebook(path, number: int = 0, *, timeout: int = 600,
                    plain_answers: dict | None = None) -> list[Finding]:
    """The proof for a source notebook file (``number`` labels the findings); with
    ``plain_answers`` (``{grade_id: code}``) every test must pass on those too."""
    path = Path(path)
    source = nbtools.read(path)
    student = nbtools.student_version(source)
    findings: list[Finding] = []
    env = {"COURSE_PROGRESS": "off", "MPLBACKEND": "agg"}

    def note(i, cell, problem):
        findings.append(Finding(number, i, nbtools.nbgrader_meta(cell).get("grade_id", ""),
                                problem))

    def answers_pass(label, answers, i, test):
        """Run ``answers`` ({cell index: code}), then test cell ``i``'s visible and full versions:
        each must succeed, else a finding names the ``label`` ("solution", "plain answer")."""
        for j, code in answers.items():
            error = kernel.run(code)
            if error:
                note(j, source.cells[j], f"the {label} fails: {error}")
        for version, code in (("visible", student.cells[i].source), ("full", test.source)):
            error = kernel.run(code)
            if error:
                note(i, test, f"the {version} test fails on the {label}: {error}")

    group: list[int] = []        # answer cells checked by the next test cell
    fresh = False                # an answer cell came since the last test cell
    with Kernel(path.parent, env=env, timeout=timeout) as kernel:
        for i, cell in enumerate(source.cells):
            if cell.cell_type != "code":
                continue
            if nbtools.is_answer(cell):
                if not fresh:
                    group, fresh = [], True
                group.append(i)
            error = kernel.run(cell.source) if not nbtools.is_test(cell) else None
            if error:
                note(i, cell, f"the source notebook fails here: {error}")
                return findings
            if "parameters" in cell.metadata.get("tags", []):
                kernel.run("fast = True\nseed = 0\ndevice = 'cpu'")
            if not nbtools.is_test(cell):
                continue
            fresh = False
            if not group:
                note(i, cell, "a test cell with no answer cell before it")
                continue
            # Stubs in, the test must fail.
            kernel.run(_forget(n for j in group for n in _top_level_names(source.cells[j].source)))
            for j in group:
                kernel.run(student.cells[j].source)
            for version, code in (("visible", student.cells[i].source), ("full", cell.source)):
                if kernel.run(code) is None:
                    note(i, cell, f"the {version} test passes on the released stub")
            # Solutions back, the test must pass.
            answers_pass("solution", {j: source.cells[j].source for j in group}, i, cell)
            if plain_answers is None:
                continue
            # A learner's plain answers in, the test must pass; then the solutions back.
            kernel.run(_forget(n for j in group for n in _top_level_names(source.cells[j].source)))
            answers_pass("plain answer", {j: plain_answers[nbtools.nbgrader_meta(source.cells[j])["grade_id"]]
                                          for j in group}, i, cell)
            for j in group:
                kernel.run(source.cells[j].source)
    return findings
