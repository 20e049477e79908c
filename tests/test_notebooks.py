"""Whole-curriculum properties, for every written day."""
import json
import re

import pytest

from course.authoring import notebook as nbtools
from course.authoring import plain
from course.authoring.runner import execute
from course.syllabus import available_days, docstring
from course.authoring.verification import verify

DAYS = available_days()
by_day = pytest.mark.parametrize("day", DAYS, ids=[d.name for d in DAYS])


@by_day
def test_the_plain_answers_carry_the_day_to_its_end(day, tmp_path):
    """A learner's plain answers (tests/plain/, see course.authoring.plain) pass the tests, so the
    day must also run to its end with them, under papermill with fast=True. (The author's
    solutions run to the end in the next test's kernel: one execution of each version.)"""
    assert plain.path(day).exists(), f"{day.name} has no plain answers: write {plain.path(day)}"
    result = execute(day, fast=True, device="auto", output_dir=tmp_path, answers="plain")
    assert result.ok, f"{day.name} with its plain answers failed at {result.error}; executed copy in {tmp_path}"


@by_day
def test_every_test_fails_on_the_stub_and_passes_on_the_solution(day):
    findings = verify(day)
    assert not findings, "\n".join(map(str, findings))


def _split(source: str):
    """(lines outside, lines inside) the solution and hidden-test regions of a cell."""
    outside, inside, hidden = [], [], False
    for line in source.splitlines():
        if nbtools.BEGIN_SOLUTION in line or nbtools.BEGIN_HIDDEN in line:
            hidden = True
        elif nbtools.END_SOLUTION in line or nbtools.END_HIDDEN in line:
            hidden = False
        else:
            (inside if hidden else outside).append(line.strip())
    return outside, inside


@by_day
def test_release_leaks_no_solution_or_hidden_test(day):
    source = nbtools.read(day.notebook)
    student = nbtools.student_version(source)
    text = json.dumps(student)  # every field: sources, metadata, outputs
    assert "BEGIN SOLUTION" not in text and "HIDDEN TESTS" not in text
    shared = {line for cell in source.cells for line in _split(cell.source)[0]}
    leaks = [line for cell in source.cells for line in _split(cell.source)[1]
             if len(line) > 12 and line in text and line not in shared]
    assert not leaks, f"solution or hidden-test lines in the student version: {leaks[:5]}"


@by_day
def test_stored_without_outputs_and_with_valid_nbgrader_metadata(day):
    from nbgrader.nbgraderformat import MetadataValidator

    raw = json.loads(day.notebook.read_text(encoding="utf-8"))
    for i, cell in enumerate(raw["cells"]):
        if cell["cell_type"] == "code":
            assert cell["outputs"] == [] and cell["execution_count"] is None, f"cell {i} has outputs"
    nb = nbtools.read(day.notebook)
    MetadataValidator().validate_nb(nb)
    ids = [nbtools.nbgrader_meta(c)["grade_id"] for c in nb.cells if nbtools.nbgrader_meta(c)]
    assert len(ids) == len(set(ids)), "duplicate grade_id"


@by_day
def test_follows_the_day_template(day):
    nb = nbtools.read(day.notebook)
    code = [c for c in nb.cells if c.cell_type == "code"]
    text = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    assert nb.cells[0].source.startswith(f"# Day {day.number:02d} · {day.title}")
    assert nbtools.nbgrader_meta(code[0]).get("grade_id") == "setup"
    assert f"course.start({day.number})" in code[0].source
    params = nbtools.parameters(nb)
    assert {"fast", "device", "seed"} <= set(params) and params["device"] == "auto"
    for heading in ("Goals", "What you learned", "Further reading"):
        assert heading in text, f"no '{heading}' section"
    assert "headline(" in "\n".join(c.source for c in code), "the day reports no headline metric"
    assert f"progress.show({day.number})" in code[-1].source

    tests = [c for c in code if nbtools.is_test(c)]
    answers = [c for c in code if nbtools.is_answer(c)]
    assert len(tests) >= 4 and answers
    for cell in answers:
        assert nbtools.BEGIN_SOLUTION in cell.source and nbtools.END_SOLUTION in cell.source
    for cell in tests:
        grade_id = nbtools.nbgrader_meta(cell)["grade_id"]
        assert docstring(cell.source), f"{grade_id}: a test cell opens with a one-line docstring"
        assert nbtools.nbgrader_meta(cell).get("points", 0) > 0
        last = cell.source.strip().splitlines()[-1]
        assert last == f'progress.passed({day.number}, "{grade_id}")', \
            f"{grade_id}: the last line records the pass for this cell"
    hidden = sum(nbtools.BEGIN_HIDDEN in c.source for c in tests)
    assert hidden == len(tests), "every test cell has hidden tests"


@by_day
def test_hidden_tests_use_other_values_than_visible_ones(day):
    """A hidden test that repeats a visible call would not catch a hard-coded answer."""
    nb = nbtools.read(day.notebook)
    for cell in filter(nbtools.is_test, nb.cells):
        visible, hidden = [], []
        inside = False
        for line in cell.source.splitlines():
            if nbtools.BEGIN_HIDDEN in line or nbtools.END_HIDDEN in line:
                inside = nbtools.BEGIN_HIDDEN in line
                continue
            (hidden if inside else visible).append(line.strip())
        literals = lambda lines: set(re.findall(r"\[[^\]]{6,}\]", " ".join(lines)))  # noqa: E731
        repeated = literals(visible) & literals(hidden)
        assert not repeated, f"{nbtools.nbgrader_meta(cell)['grade_id']}: hidden tests repeat {repeated}"


def _names(source: str):
    """(names bound, names read) at a cell's module level, outside function bodies; magics ignored."""
    import ast

    code = "\n".join(line for line in source.splitlines() if not line.lstrip().startswith(("%", "!")))

    class ModuleScope(ast.NodeVisitor):  # reads at module level, not inside function bodies
        def __init__(self):
            self.loaded, self.local, self.bound = set(), set(), set()

        def visit_FunctionDef(self, node):
            self.bound.add(node.name)
            for default in node.args.defaults + node.args.kw_defaults:
                if default is not None:
                    self.visit(default)

        visit_AsyncFunctionDef = visit_FunctionDef

        def visit_Lambda(self, node):
            pass

        def visit_comprehension(self, node):
            self.local |= {n.id for n in ast.walk(node.target) if isinstance(n, ast.Name)}
            self.generic_visit(node)

        def visit_ClassDef(self, node):
            self.bound.add(node.name)

        def visit_Name(self, node):
            (self.loaded if isinstance(node.ctx, ast.Load) else self.bound).add(node.id)

    scope = ModuleScope()
    scope.visit(ast.parse(code))
    return scope.bound - scope.local, scope.loaded - scope.local


@by_day
def test_test_cells_do_not_clobber_names_the_lesson_uses_later(day):
    """A test cell that rebinds `X` would change what the next cells train on, and a name only a
    hidden test defines does not exist in the student version."""
    clobbered = {}
    problems = []
    for cell in nbtools.read(day.notebook).cells:
        if cell.cell_type != "code":
            continue
        bound, loaded = _names(cell.source)
        if nbtools.is_test(cell):
            clobbered.update(dict.fromkeys(bound, nbtools.nbgrader_meta(cell)["grade_id"]))
            continue
        for name in sorted((loaded - bound) & set(clobbered)):
            problems.append(f"`{name}` (set by test cell {clobbered[name]}) is used by a later cell")
        for name in bound:
            clobbered.pop(name, None)
    assert not problems, "; ".join(problems)
