"""A submission, read whatever state it is in, and rebuilt into the notebook that is run.

Locked and test cells come from the template (matched by ``grade_id``), so an edited, deleted,
duplicated or reordered test cell cannot change the score; the student's answer cells (every
copy of a duplicated one) and the cells they added are put back in the source's order.
"""
from __future__ import annotations

import copy
import json
import warnings
from dataclasses import dataclass
from pathlib import Path

import nbformat

from course.authoring import notebook as nbtools

from .template import Template, visible_source


class Unreadable(Exception):
    """A submitted file that is not a notebook; the message is the reason a student sees."""


def read_submission(path: Path) -> nbformat.NotebookNode:
    return parse_submission(path.read_bytes())


def parse_submission(raw: bytes) -> nbformat.NotebookNode:
    """A submitted file's bytes as a notebook; `Unreadable`, with the reason, when they are not."""
    if not raw.strip():
        raise Unreadable("the submitted file is empty")
    try:
        data = json.loads(raw.decode("utf-8", errors="replace"))
    except json.JSONDecodeError as err:
        raise Unreadable(f"the file is not valid notebook JSON (line {err.lineno}, column "
                         f"{err.colno}: {err.msg}); it may have been damaged when saved or "
                         "uploaded") from None
    if not isinstance(data, dict) or ("cells" not in data and "worksheets" not in data):
        raise Unreadable("the file is JSON but not a Jupyter notebook")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")     # duplicate cell ids and the like: repaired
            nb = nbformat.reads(json.dumps(data), as_version=4)
    except Exception as err:  # noqa: BLE001 (whatever nbformat rejects, the student is told why)
        raise Unreadable(f"the notebook could not be read ({type(err).__name__}: {err})") from None
    if not isinstance(nb.get("cells"), list):
        raise Unreadable("the notebook has no cells")
    return nb


def _norm(source) -> str:
    if isinstance(source, list):
        source = "".join(source)
    return "\n".join(line.rstrip() for line in str(source).strip().splitlines())


@dataclass
class Slot:
    """One cell of the notebook that is run: where it came from and how to treat it."""

    cell: dict
    origin: str            # "source" (trusted), "student" (answer or added cell), "injected"
    grade_id: str = ""
    test: bool = False
    points: float = 0.0


def assemble(template: Template, student_nb) -> tuple[list[Slot], list[str], set[str]]:
    """The notebook to run: the template's cells in the source's order, with the student's
    answer cells (all copies of a duplicated one, in their order) and added cells in place.

    Returns ``(slots, notes, unanswered)``: notes on what was repaired, and the answer cells
    left as released (not attempted)."""
    template_ids = {c.grade_id for c in template.cells if c.grade_id}
    plain_sources = {_norm(c.cell["source"]) for c in template.cells if c.kind == "plain"}
    answers: dict[str, list[dict]] = {}
    extras_after: dict[str | None, list[dict]] = {}
    anchor = None
    locked_seen, tests_seen, edited, order = {}, {}, [], []
    for cell in student_nb.cells:
        meta = nbtools.nbgrader_meta(cell)
        gid = meta.get("grade_id")
        tags = cell.get("metadata", {}).get("tags", [])
        if gid in template_ids:
            tc = next(c for c in template.cells if c.grade_id == gid)
            if tc.kind == "answer":
                answers.setdefault(gid, []).append(cell)
            else:
                locked_seen[gid] = locked_seen.get(gid, 0) + 1
                if tc.is_test:
                    tests_seen[gid] = tests_seen.get(gid, 0) + 1
                    order.append(gid)
                    if _norm(cell.source) != _norm(tc.cell["source"]) and \
                            _norm(cell.source) != _norm(visible_source(tc.cell["source"], None)):
                        edited.append(gid)
            anchor = gid
            continue
        if "parameters" in tags or "injected-parameters" in tags:
            continue
        if _norm(cell.get("source", "")) in plain_sources or not _norm(cell.get("source", "")):
            continue
        extras_after.setdefault(anchor, []).append(cell)
    notes = []
    if edited:
        notes.append(f"test cell(s) edited, graded with the original: {', '.join(edited)}")
    missing_tests = [c.grade_id for c in template.tests if c.grade_id not in tests_seen]
    if missing_tests:
        notes.append(f"test cell(s) deleted, put back: {', '.join(missing_tests)}")
    dup = sorted({g for g, n in tests_seen.items() if n > 1} |
                 {g for g, cs in answers.items() if len(cs) > 1})
    if dup:
        notes.append(f"duplicated cell(s): {', '.join(dup)}")
    expected_order = [c.grade_id for c in template.tests if c.grade_id in tests_seen]
    seen_order = list(dict.fromkeys(order))
    if seen_order != expected_order:
        notes.append("cells reordered: run in the released order")
    missing_answers = [c.grade_id for c in template.cells
                       if c.kind == "answer" and c.grade_id not in answers]
    if missing_answers:
        notes.append(f"answer cell(s) deleted: {', '.join(missing_answers)}")

    slots: list[Slot] = []   # cells the student added at the very top go after the parameters
    unanswered = set()
    for tc in template.cells:
        if tc.kind == "answer":
            copies = answers.get(tc.grade_id, [])
            for cell in copies:
                fresh = copy.deepcopy(tc.cell)
                fresh["source"] = cell.get("source", "")
                fresh["cell_type"] = tc.cell["cell_type"]
                slots.append(Slot(fresh, "student", tc.grade_id))
            if not copies or all(_norm(c.get("source", "")) == _norm(tc.cell["source"])
                                 for c in copies):
                unanswered.add(tc.grade_id)
        else:
            slots.append(Slot(copy.deepcopy(tc.cell), "source", tc.grade_id, tc.is_test, tc.points))
            if "parameters" in tc.cell.get("metadata", {}).get("tags", []):
                slots.append(Slot(nbformat.v4.new_code_cell(
                    "# Injected by the grader\nfast = True",
                    metadata={"tags": ["injected-parameters"]}), "injected"))
                slots += [Slot(_extra(cell), "student") for cell in extras_after.get(None, [])]
        for cell in extras_after.get(tc.grade_id, []) if tc.grade_id else []:
            slots.append(Slot(_extra(cell), "student"))
    if not any("parameters" in c.cell.get("metadata", {}).get("tags", []) for c in template.cells):
        slots += [Slot(_extra(cell), "student") for cell in extras_after.get(None, [])]
    return slots, notes, unanswered


def _extra(cell) -> dict:
    if cell.get("cell_type") == "code":
        return nbformat.v4.new_code_cell(cell.get("source", ""))
    if cell.get("cell_type") == "markdown":
        return nbformat.v4.new_markdown_cell(cell.get("source", ""))
    return nbformat.v4.new_raw_cell(cell.get("source", ""))
