"""The template: what a submission is graded against.

The released source notebook with its solutions cleared and its hidden tests kept, every locked
cell exactly as the gradebook recorded it at release, plus what the grader derives from it: the
points of each test, the answer cells each test checks, and the modules to import before the
first timed cell.
"""
from __future__ import annotations

import ast
import functools
import threading
from dataclasses import dataclass, field

from course.authoring import notebook as nbtools

from .classroom import Course
from .errors import GradingError


@dataclass
class TemplateCell:
    kind: str            # "answer", "locked" (incl. tests), "plain" (untagged source cell)
    cell: dict           # the source cell (solutions cleared, hidden tests kept)
    grade_id: str = ""
    points: float = 0.0

    @property
    def is_test(self) -> bool:
        return self.kind == "locked" and bool(nbtools.nbgrader_meta(self.cell).get("grade"))

    @property
    def is_code(self) -> bool:
        return self.cell["cell_type"] == "code"


@dataclass
class Template:
    assignment: str
    notebook: str
    cells: list[TemplateCell]
    imports: list[str]                       # modules the locked cells import: warmed up
    groups: dict[str, list[str]]             # test grade_id -> answer grade_ids it checks
    day: int = 0                             # the syllabus's number (0: not a course day)
    exercises: dict[str, list[str]] = field(default_factory=dict)   # test -> names it asks for

    @property
    def tests(self) -> list[TemplateCell]:
        return [c for c in self.cells if c.is_test]

    @property
    def max_score(self) -> float:
        return sum(c.points for c in self.tests)


def _ipython_to_python(source: str) -> str:
    from IPython.core.inputtransformer2 import TransformerManager

    return TransformerManager().transform_cell(source)


# CPython 3.11 keeps the AST constructor's recursion depth in interpreter-wide state, so two
# threads parsing at once can fail with "SystemError: AST constructor recursion depth mismatch"
# (cpython gh-106905); the batch grades in threads, so parsing is serialised, and cached.
_PARSE_LOCK = threading.Lock()


@functools.lru_cache(maxsize=1024)
def _parse(source: str):
    with _PARSE_LOCK:
        try:
            return ast.parse(_ipython_to_python(source))
        except SyntaxError:
            return None


def imported_modules(source: str) -> list[str]:
    """Absolute modules a cell imports (``import a.b``, ``from a.b import c``)."""
    tree = _parse(source)
    found = []
    for node in ast.walk(tree) if tree else ():
        if isinstance(node, ast.Import):
            found += [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.append(node.module)
            found += [f"{node.module}.{a.name}" for a in node.names if a.name != "*"]
    return found


def bound_names(source: str) -> list[str]:
    """Names a cell binds at top level by import, def or class (what the guard protects)."""
    tree = _parse(source)
    names = []
    for node in tree.body if tree else ():
        if isinstance(node, ast.Import):
            names += [(a.asname or a.name).split(".")[0] for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            names += [a.asname or a.name for a in node.names if a.name != "*"]
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.append(node.name)
        elif isinstance(node, ast.Try):
            for sub in node.body:
                if isinstance(sub, (ast.Import, ast.ImportFrom)):
                    names += [(a.asname or a.name).split(".")[0] for a in sub.names]
    return names


def build_template(course: Course, assignment: str, notebook: str) -> Template:
    """The grading version of a released notebook: solutions cleared, hidden tests kept, and
    every locked cell exactly as the gradebook recorded it at release."""
    from nbgrader import preprocessors as pp
    from nbgrader.api import MissingEntry

    path = course.source / assignment / f"{notebook}.ipynb"
    if not path.exists():
        raise GradingError(f"No source notebook {path}: release the day first "
                           f"(`course release DAY --course-dir {course.root}`).")
    nb = nbtools.read(path)
    from course.integrity import exercise_names, notebook_cells

    asks = exercise_names(notebook_cells(nb))    # from the solutions: what each test asks for
    resources = {"language": "python"}
    for step in (pp.LockCells, pp.ClearSolutions, pp.ClearOutput):
        nb, resources = step().preprocess(nb, resources)
    with course.gradebook() as gb:
        try:
            gb_nb = gb.find_notebook(notebook, assignment)
        except MissingEntry:
            raise GradingError(f"The gradebook does not know {assignment}/{notebook}: release "
                               f"it with `course release {assignment} --course-dir "
                               f"{course.root}`.") from None
        recorded = {c.name: (c.source, c.cell_type) for c in gb_nb.source_cells}
        checksums = {c.name: c.checksum for c in gb_nb.source_cells}
        points = {c.name: float(c.max_score) for c in gb_nb.grade_cells}
    cells, imports, groups = [], [], {}
    group, fresh = [], False
    for cell in nb.cells:
        meta = nbtools.nbgrader_meta(cell)
        gid = meta.get("grade_id", "")
        if meta.get("solution"):
            kind = "answer"
        elif gid:
            kind = "locked"
            if gid in recorded and recorded[gid][1] == cell.cell_type:
                cell.source = recorded[gid][0]
        else:
            kind = "plain"
        if gid in checksums:   # as nbgrader's OverwriteCells leaves them, for formgrader
            cell.metadata["nbgrader"]["checksum"] = checksums[gid]
        tc = TemplateCell(kind, cell, gid, points.get(gid, float(meta.get("points", 0) or 0)))
        cells.append(tc)
        if kind == "answer" and cell.cell_type == "code":
            if not fresh:
                group, fresh = [], True
            group.append(gid)
        if tc.is_test:
            fresh = False
            groups[gid] = list(group)
        if kind != "answer" and cell.cell_type == "code":
            imports += [m for m in imported_modules(cell.source) if m not in imports]
    return Template(assignment, notebook, cells, imports, groups, _day_number(assignment), asks)


def _day_number(assignment: str) -> int:
    from course.syllabus import get_day

    try:
        return get_day(assignment).number
    except Exception:  # noqa: BLE001 (an assignment that is not a day of the syllabus)
        return 0


def visible_source(source: str, note: str | None = "# (hidden tests: not shown)") -> str:
    """A test cell as students see it: the hidden block replaced by a one-line note."""
    out, hidden = [], False
    for line in source.splitlines():
        if nbtools.BEGIN_HIDDEN in line:
            hidden = True
            if note:
                out.append(note)
            continue
        if nbtools.END_HIDDEN in line:
            hidden = False
            continue
        if not hidden:
            out.append(line)
    return "\n".join(out)
