"""What each exercise asks for, derived from a notebook: the names its answer cells bind that
its visible test uses; and where a kernel finds that map (the grader's, else a notebook)."""
from __future__ import annotations

import ast
import functools
import json
from pathlib import Path

BEGIN_HIDDEN, END_HIDDEN = "### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS"
_GIVEN: dict = {}      # (day, grade_id) -> names, from the grader


def visible(source: str) -> str:
    """A test cell without its hidden tests (what the learner sees)."""
    out, hidden = [], False
    for line in source.splitlines():
        if BEGIN_HIDDEN in line:
            hidden = True
        elif END_HIDDEN in line:
            hidden = False
        elif not hidden:
            out.append(line)
    return "\n".join(out)


def _tree(source: str):
    try:
        return ast.parse(source)
    except SyntaxError:
        try:
            from IPython.core.inputtransformer2 import TransformerManager

            return ast.parse(TransformerManager().transform_cell(source))
        except Exception:  # noqa: BLE001 (a cell that does not parse binds nothing)
            return None


def bound(source: str) -> list[str]:
    """Names a cell binds at top level: def, class, assignment, import."""
    tree = _tree(source)
    names: list[str] = []
    for node in tree.body if tree else ():
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.append(node.name)
        elif isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            names += [n.id for t in targets for n in ast.walk(t) if isinstance(n, ast.Name)]
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            names += [(a.asname or a.name).split(".")[0] for a in node.names if a.name != "*"]
    return names


def used(source: str) -> set[str]:
    tree = _tree(source)
    return {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)} if tree else set()


def exercise_names(cells) -> dict[str, list[str]]:
    """For each test cell, the names its exercise asks for: those bound by the answer cells it
    checks (the answer cells since the previous test; consecutive tests share them) that its
    visible part uses; all of them when it uses none. ``cells``: (kind, source, grade_id) with
    kind "answer", "test" or anything else."""
    found: dict[str, list[str]] = {}
    group: list[str] = []
    fresh = False
    for kind, source, grade_id in cells:
        if kind == "answer":
            if not fresh:
                group, fresh = [], True
            group += [n for n in bound(source) if n not in group]
        elif kind == "test":
            fresh = False
            names = used(visible(source))
            found[grade_id] = [n for n in group if n in names] or list(group)
    return found


def notebook_cells(nb) -> list[tuple[str, str, str]]:
    """A notebook's code cells (a dict or NotebookNode) as `exercise_names` reads them."""
    cells = []
    for cell in nb.get("cells", []):
        if cell.get("cell_type") != "code":
            continue
        meta = cell.get("metadata", {}).get("nbgrader", {})
        source = cell.get("source", "")
        source = "".join(source) if isinstance(source, list) else source
        kind = "answer" if meta.get("solution") else "test" if meta.get("grade") else "other"
        cells.append((kind, source, meta.get("grade_id", "")))
    return cells


def use_exercises(day: int, names: dict) -> None:
    """The grader's map for ``day`` (derived from the released source), which wins over any
    notebook the kernel can read."""
    for grade_id, ns in names.items():
        _GIVEN[(int(day), grade_id)] = list(ns)


@functools.lru_cache(maxsize=32)
def _notebook_map(path: str, mtime: float) -> dict:
    with open(path, encoding="utf-8") as fh:
        return exercise_names(notebook_cells(json.load(fh)))


def names_for(day: int, grade_id: str) -> list[str] | None:
    """What exercise ``grade_id`` of ``day`` asks for: the grader's map, else the day's source
    notebook (a checkout of the course), else the learner's notebook in the working folder."""
    if (day, grade_id) in _GIVEN:
        return _GIVEN[(day, grade_id)]
    candidates = []
    try:
        from ..syllabus import get_day

        d = get_day(day)
        candidates += [d.notebook, *sorted(Path.cwd().glob(f"{d.name}*.ipynb"))]
    except Exception:  # noqa: BLE001 (no syllabus entry: the working folder only)
        pass
    candidates += sorted(Path.cwd().glob(f"day{day:02d}-*.ipynb"))
    for path in candidates:
        try:
            found = _notebook_map(str(path), path.stat().st_mtime)
        except (OSError, ValueError):
            continue
        if grade_id in found:
            return found[grade_id]
    return None


