"""Cell constructors for writing a day's source notebook with correct nbgrader metadata.

Course authors build a notebook once with these (see "Working on the course" in the README);
the notebook in ``notebooks/`` is the source of truth afterwards.
"""
from __future__ import annotations

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

SCHEMA = 3


def _meta(grade_id, *, grade=False, solution=False, locked=False, points=None):
    meta = {"grade": grade, "solution": solution, "locked": locked, "schema_version": SCHEMA,
            "grade_id": grade_id}
    if points is not None:
        meta["points"] = points
    return {"nbgrader": meta}


def md(text: str, grade_id: str | None = None):
    """A markdown cell; locked (read-only) when given a ``grade_id``."""
    cell = new_markdown_cell(text.strip("\n"))
    if grade_id:
        cell.metadata.update(_meta(grade_id, locked=True))
    return cell


def code(source: str, grade_id: str | None = None, tags=()):
    """A plain code cell; locked when given a ``grade_id``."""
    cell = new_code_cell(source.strip("\n"))
    if grade_id:
        cell.metadata.update(_meta(grade_id, locked=True))
    if tags:
        cell.metadata["tags"] = list(tags)
    return cell


def parameters(source: str):
    return code(source, tags=["parameters"])


def answer(grade_id: str, source: str):
    """An answer cell: the solution sits between ``### BEGIN/END SOLUTION``."""
    cell = new_code_cell(source.strip("\n"))
    cell.metadata.update(_meta(grade_id, solution=True))
    return cell


def test(grade_id: str, points: float, source: str):
    """A graded, locked test cell (its first line a docstring saying what it checks)."""
    cell = new_code_cell(source.strip("\n"))
    cell.metadata.update(_meta(grade_id, grade=True, locked=True, points=points))
    return cell


def notebook(cells) -> nbformat.NotebookNode:
    nb = new_notebook(cells=list(cells))
    nb.metadata.update({
        "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
        "language_info": {"name": "python"},
    })
    return nb
