"""Reading source notebooks and deriving their student versions (nbgrader's preprocessors,
in-process, so a release needs no gradebook and no `nbgrader` process start)."""
from __future__ import annotations

import copy
import json
import re
from pathlib import Path

import nbformat

# What `nbgrader generate_assignment` runs, less the steps that need a gradebook or a course
# folder (IncludeHeaderFooter, InstantiateTests, SaveCells). Order matters: see nbgrader's
# GenerateAssignment (checksums before and after hidden tests are cleared).
_RELEASE_STEPS = ("LockCells", "ClearSolutions", "ClearOutput", "CheckCellMetadata",
                  "ComputeChecksums", "ClearHiddenTests", "ClearMarkScheme", "ComputeChecksums",
                  "CheckCellMetadata")

BEGIN_SOLUTION, END_SOLUTION = "### BEGIN SOLUTION", "### END SOLUTION"
BEGIN_HIDDEN, END_HIDDEN = "### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS"


def read(path) -> nbformat.NotebookNode:
    return nbformat.read(str(path), as_version=4)


def nbgrader_meta(cell) -> dict:
    return cell.get("metadata", {}).get("nbgrader", {})


def is_answer(cell) -> bool:
    return cell.cell_type == "code" and bool(nbgrader_meta(cell).get("solution"))


def is_test(cell) -> bool:
    return cell.cell_type == "code" and bool(nbgrader_meta(cell).get("grade"))


def student_version(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """The release version: solutions replaced by stubs, hidden tests, hints and outputs removed
    (the learner asks for hints one at a time: `course.hint`)."""
    from nbgrader import preprocessors

    nb = copy.deepcopy(nb)
    resources = {"language": "python"}
    for step in _RELEASE_STEPS:
        nb, resources = getattr(preprocessors, step)().preprocess(nb, resources)
    return strip_hints(nb)


def hints(cell) -> list[str]:
    """An answer cell's hints, tier 1 first (``metadata["course"]["hints"]``)."""
    return list(cell.get("metadata", {}).get("course", {}).get("hints", []))


_START = re.compile(r"course\.start\((\s*\d+\s*)\)")


def hints_off(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """``nb`` with its set-up cell starting the day with hints switched off (in place): an
    instructor's release for a class that works without hints."""
    for cell in nb.cells:
        if cell.cell_type == "code" and _START.search(cell.source):
            cell.source = _START.sub(r"course.start(\1, hints=False)", cell.source, count=1)
            break
    return nb


def strip_hints(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """``nb`` without its cells' hints (in place; returned for chaining)."""
    for cell in nb.cells:
        meta = cell.get("metadata", {})
        if "hints" in meta.get("course", {}):
            del meta["course"]["hints"]
            if not meta["course"]:
                del meta["course"]
    return nb


def strip(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Outputs and execution counts removed, everything else (nbgrader metadata, tags) kept."""
    nb = copy.deepcopy(nb)
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
        cell.get("metadata", {}).pop("execution", None)
    return nb


def write(nb: nbformat.NotebookNode, path) -> None:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, str(path))


def parameters(nb: nbformat.NotebookNode) -> dict:
    """The names assigned in the cell tagged ``parameters``, with their literal values."""
    import ast

    for cell in nb.cells:
        if "parameters" in cell.get("metadata", {}).get("tags", []):
            values = {}
            for node in ast.parse(cell.source).body:
                if isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Name):
                    values[node.targets[0].id] = ast.literal_eval(node.value)
            return values
    return {}


from ..metrics import METRIC_MIME  # noqa: E402 (re-exported: tools read metrics back)


def metrics(nb: nbformat.NotebookNode) -> dict:
    """The headline metrics an executed notebook reported with ``course.metrics.headline``."""
    found = {}
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            data = out.get("data", {}).get(METRIC_MIME)
            if data:
                data = json.loads(data) if isinstance(data, str) else dict(data)
                found[data["name"]] = data
    return found
