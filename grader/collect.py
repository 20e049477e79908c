"""Filling a class's submitted/ folder, and finding each student's notebook in it.

`collect` imports ``<student>_<notebook>.ipynb`` or ``<student>/<notebook>.ipynb`` files (an LMS
download, a shared drive, a zip) into nbgrader's layout,
``submitted/<student>/<assignment>/<notebook>.ipynb`` with a ``timestamp.txt``; nbgrader's own
``nbgrader collect`` fills the same folders. `find_notebook` then finds a notebook the student
renamed or saved in the wrong folder, by its name or by its cells, and `read_timestamp` reads when
it was submitted (for nbgrader's late penalty).
"""
from __future__ import annotations

import datetime as dt
import json
import zipfile
from dataclasses import dataclass
from pathlib import Path

from course.authoring import notebook as nbtools

from .classroom import ClassroomError, Course
from .status import Filed


@dataclass
class Collected:
    source: str          # the file as it was named in the zip or folder
    student: str | None
    assignment: str | None
    notebook: str | None
    status: Filed
    note: str = ""


def _grade_ids(data: bytes) -> set[str]:
    """The grade ids of a notebook's cells (none for a file that is not a notebook)."""
    try:
        nb = json.loads(data.decode("utf-8", errors="replace"))
        cells = nb.get("cells") or [c for ws in nb.get("worksheets", []) for c in ws.get("cells", [])]
        return {c.get("metadata", {}).get("nbgrader", {}).get("grade_id") for c in cells} - {None}
    except (ValueError, AttributeError, TypeError, RecursionError):
        return set()


def _match_by_content(course: Course, data: bytes) -> tuple[str, str] | None:
    """The (assignment, notebook) whose graded cells a renamed notebook carries."""
    ids = _grade_ids(data)
    best, best_n = None, 0
    for assignment in course.assignments():
        for name in course.notebooks(assignment):
            source = nbtools.read(course.source / assignment / f"{name}.ipynb")
            n = len(ids & {nbtools.nbgrader_meta(c).get("grade_id") for c in source.cells})
            if n > best_n:
                best, best_n = (assignment, name), n
    return best


def _entries(src: Path):
    """(name relative to the collection, bytes, modification time) of every .ipynb found."""
    skip = ("__MACOSX", ".ipynb_checkpoints")
    if zipfile.is_zipfile(src):
        with zipfile.ZipFile(src) as zf:
            for info in zf.infolist():
                if info.is_dir() or not info.filename.endswith(".ipynb") or any(
                        s in info.filename for s in skip):
                    continue
                yield info.filename, zf.read(info), dt.datetime(*info.date_time)
    elif src.is_dir():
        for path in sorted(src.rglob("*.ipynb")):
            if any(s in path.parts for s in skip):
                continue
            yield (path.relative_to(src).as_posix(), path.read_bytes(),
                   dt.datetime.fromtimestamp(path.stat().st_mtime))
    else:
        raise ClassroomError(f"{src} is neither a folder nor a zip file of submissions.")


def collect(course: Course, src, *, timestamp: dt.datetime | None = None) -> list[Collected]:
    """Import ``<student>_<notebook>.ipynb`` or ``<student>/<notebook>.ipynb`` files.

    Each goes to ``submitted/<student>/<assignment>/<notebook>.ipynb`` with a timestamp.txt (the
    file's modification time, or ``timestamp``). A file whose name matches no notebook is placed
    by its content (the grade ids of its cells), so a renamed notebook is still graded.
    """
    names = {nb: a for a in course.assignments() for nb in course.notebooks(a)}
    if not names:
        raise ClassroomError("No assignment has been released into this course yet: run "
                             "`course release DAY --course-dir DIR` first.")
    done = []
    for name, data, mtime in _entries(Path(src)):
        parts = name.split("/")
        stem = parts[-1][:-len(".ipynb")]
        student = notebook = None
        note = ""
        if len(parts) >= 2:
            student, notebook = parts[-2], stem
            # <student>/<assignment>/<nb>.ipynb (nbgrader's own layout)
            if len(parts) >= 3 and parts[-2] in course.assignments():
                student = parts[-3]
        else:
            for nb in sorted(names, key=len, reverse=True):
                if stem.endswith("_" + nb):
                    student, notebook = stem[:-len(nb) - 1], nb
                    break
            if student is None and "_" in stem:
                student, notebook = stem.split("_", 1)
        if not student:
            done.append(Collected(name, None, None, None, Filed.SKIPPED,
                                  "cannot tell the student: name files <student>_<notebook>.ipynb "
                                  "or <student>/<notebook>.ipynb"))
            continue
        if notebook not in names:
            match = _match_by_content(course, data)
            if match is None and len(names) == 1:
                match = (next(iter(names.values())), next(iter(names)))
                note = f"renamed notebook {parts[-1]!r}, unreadable: filed under the only assignment"
            elif match is not None:
                note = f"renamed notebook {parts[-1]!r}, recognised by its cells"
            if match is None:
                done.append(Collected(name, student, None, None, Filed.SKIPPED,
                                      f"{parts[-1]!r} matches no released notebook"))
                continue
            assignment, notebook = match
        else:
            assignment = names[notebook]
        folder = course.submitted / student / assignment
        existed = (folder / f"{notebook}.ipynb").exists()
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{notebook}.ipynb").write_bytes(data)
        when = (timestamp or mtime).replace(tzinfo=None)
        (folder / "timestamp.txt").write_text(when.strftime("%Y-%m-%d %H:%M:%S.%f") + " UTC")
        done.append(Collected(name, student, assignment, notebook,
                              Filed.UPDATED if existed else Filed.ADDED, note))
    return done


def submissions(course: Course, assignment: str, students=None) -> list[str]:
    """Students with a submission folder for ``assignment`` (or a stray notebook for it)."""
    found = []
    if course.submitted.is_dir():
        for folder in sorted(course.submitted.iterdir()):
            if not folder.is_dir() or folder.name.startswith("."):
                continue
            if students and folder.name not in students:
                continue
            if (folder / assignment).is_dir() or _stray(course, folder, assignment):
                found.append(folder.name)
    return found


def _stray(course: Course, student_folder: Path, assignment: str) -> list[Path]:
    """Notebooks for ``assignment`` saved outside its folder (e.g. submitted/<student>/x.ipynb)."""
    hits = []
    for path in student_folder.glob("*.ipynb"):
        if path.stem in course.notebooks(assignment):
            hits.append(path)
        else:
            match = _match_by_content(course, path.read_bytes())
            if match and match[0] == assignment:
                hits.append(path)
    return hits


def find_notebook(course: Course, student: str, assignment: str, notebook: str):
    """The student's file for ``notebook`` and a note when it was not where nbgrader expects it.

    Returns ``(path or None, note)``: a renamed notebook or one in the wrong folder is found by
    its name or by its cells.
    """
    folder = course.submitted / student / assignment
    expected = folder / f"{notebook}.ipynb"
    if expected.exists():
        return expected, ""
    candidates = [p for p in sorted(folder.rglob("*.ipynb")) if ".ipynb_checkpoints" not in p.parts] \
        if folder.is_dir() else []
    others = [p for p in candidates if p.stem not in course.notebooks(assignment)]
    for path in candidates:
        if path.name == expected.name:
            return path, f"found in the wrong folder ({path.relative_to(course.submitted)})"
    for path in others:
        match = _match_by_content(course, path.read_bytes())
        if match == (assignment, notebook):
            return path, f"renamed: graded {path.relative_to(course.submitted)}"
    if len(others) == 1 and len(course.notebooks(assignment)) == 1:
        return others[0], f"renamed: graded {others[0].relative_to(course.submitted)}"
    for path in _stray(course, course.submitted / student, assignment):
        return path, f"found in the wrong folder ({path.relative_to(course.submitted)})"
    return None, "no notebook submitted"


class BadTimestamp(ValueError):
    """A timestamp.txt that is there but holds no date and time; the message says what it holds."""


def read_timestamp(course: Course, student: str, assignment: str) -> dt.datetime | None:
    """When the student submitted (UTC), from ``submitted/<student>/<assignment>/timestamp.txt``;
    None without the file. A file that cannot be read as a time raises `BadTimestamp`: it must
    not pass for "on time" and waive a late penalty."""
    from nbgrader.utils import parse_utc

    path = course.submitted / student / assignment / "timestamp.txt"
    if not path.exists():
        return None
    try:
        text = path.read_text(errors="replace").strip()
    except OSError as err:
        raise BadTimestamp(f"timestamp.txt unreadable ({type(err).__name__}: {err})") from None
    try:
        when = parse_utc(text) if text else None
    except (ValueError, OverflowError, TypeError):
        when = None
    if when is None:
        shown = repr(text if len(text) <= 40 else text[:39] + "…") if text else "the file is empty"
        raise BadTimestamp(f"timestamp.txt unreadable: {shown}")
    return when
