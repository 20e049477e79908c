"""A class's nbgrader course folder: created, released into and filled with submissions.

The folder is nbgrader's own layout, so `nbgrader formgrader`, `nbgrader export` and the exchange
keep working on it::

    DIR/nbgrader_config.py                 the class's settings (course id, database, timeouts)
    DIR/gradebook.db                        nbgrader's gradebook (or a --db URL)
    DIR/source/<assignment>/<nb>.ipynb      the day's source notebook, copied at release time
    DIR/release/<assignment>/<nb>.ipynb     the student version
    DIR/submitted/<student>/<assignment>/<nb>.ipynb (+ timestamp.txt)
    DIR/autograded/..., DIR/feedback/...    written by `course grade` and `course feedback`

`init` copies every written day's source folder from the repository into source/ (formgrader
lists them); `course release` copies the day again, so a class is graded against the version
its students were given, even if the repository's notebook changes later. Filling submitted/ is
`grader.collect`'s job.
"""
from __future__ import annotations

import os
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

from course.authoring import notebook as nbtools
from course.errors import CourseError
from course.syllabus import available_days

CONFIG = "nbgrader_config.py"
DEFAULT_TIMEOUT = 60                            # seconds per cell, imports not counted
DEFAULT_MEMORY_MB = 2048                        # per grading kernel, on top of its imports

_CONFIG_TEMPLATE = '''\
"""nbgrader settings for the class {course_id!r}, written by `course classroom init`.

`course release|collect|grade|feedback|export --course-dir {root_hint}` and nbgrader's own
commands (`nbgrader formgrader`, `nbgrader export`, ...) run from this folder read it.
See grader/README.md in the course repository.
"""
import os

c = get_config()  # noqa: F821 (provided by nbgrader)

c.CourseDirectory.root = os.path.dirname(os.path.abspath(__file__))
c.CourseDirectory.course_id = {course_id!r}
{db_line}
c.ClearSolutions.code_stub = {{"python": "# YOUR CODE HERE\\nraise NotImplementedError()"}}

# Per-cell limit. `course grade` imports the day's heavy modules (numpy, torch) before the timed
# cells, so this only has to cover the student's own code; plain `nbgrader autograde` counts the
# cold imports too (keep it above ~10 s if you use that).
c.Execute.timeout = {timeout}
c.Execute.interrupt_on_timeout = True
# Deleted test cells come back when plain `nbgrader autograde` grades a submission.
c.OverwriteCells.add_missing_cells = True

# `course grade` only: memory per grading kernel (MB, on top of its imports).
c.CourseGrade.memory_mb = {memory_mb}

# Hints on demand (`course.hint("exercise")` in a notebook). False: `course release` starts each
# day with hints switched off (`course.start(N, hints=False)`); release again after changing it.
c.CourseRelease.hints = {hints}

# Feedback from formgrader or `nbgrader generate_feedback` never shows hidden test code.
c.GenerateFeedback.preprocessors = [
    "nbgrader.preprocessors.GetGrades",
    "nbconvert.preprocessors.CSSHTMLHeaderPreprocessor",
    "grader.feedback.HideHiddenTests",
]
'''


class ClassroomError(CourseError):
    """Something about the course folder an instructor has to fix; the message says what."""


@dataclass
class Course:
    """A class's course folder and the settings read from its nbgrader_config.py."""

    root: Path
    course_id: str
    db_url: str
    timeout: int
    memory_mb: int
    config: object = None   # the traitlets Config read from nbgrader_config.py
    hints: bool = True      # learners may ask for hints (c.CourseRelease.hints)

    @property
    def source(self) -> Path:
        return self.root / "source"

    @property
    def release(self) -> Path:
        return self.root / "release"

    @property
    def submitted(self) -> Path:
        return self.root / "submitted"

    @property
    def autograded(self) -> Path:
        return self.root / "autograded"

    @property
    def feedback(self) -> Path:
        return self.root / "feedback"

    def gradebook(self):
        from nbgrader.api import Gradebook

        tools_on_path()
        return Gradebook(self.db_url, self.course_id)

    def assignments(self) -> list[str]:
        """Released assignments: a source notebook and a release folder."""
        if not self.source.is_dir():
            return []
        return sorted(p.name for p in self.source.iterdir()
                      if p.is_dir() and any(p.glob("*.ipynb")) and (self.release / p.name).is_dir())

    def notebooks(self, assignment: str) -> list[str]:
        return sorted(p.stem for p in (self.source / assignment).glob("*.ipynb"))


def tools_on_path() -> None:
    """nbgrader runs `alembic` when it creates a gradebook: find the venv's copy without activation."""
    import sys

    bin_dir = str(Path(sys.executable).parent)
    if bin_dir not in os.environ.get("PATH", "").split(os.pathsep):
        os.environ["PATH"] = bin_dir + os.pathsep + os.environ.get("PATH", "")


def db_driver(url: str | None) -> str | None:
    """A PostgreSQL URL with the driver the grader extra installs (psycopg2) named: SQLAlchemy
    2.1 reads a bare ``postgresql://`` as psycopg 3, which is not installed."""
    if url and url.split("://", 1)[0] in ("postgresql", "postgres"):
        return "postgresql+psycopg2://" + url.split("://", 1)[1]
    return url


def default_db_url(root: Path) -> str:
    return f"sqlite:///{Path(root).resolve() / 'gradebook.db'}"


def init(root, *, course_id: str | None = None, db_url: str | None = None,
         timeout: int = DEFAULT_TIMEOUT, memory_mb: int = DEFAULT_MEMORY_MB,
         hints: bool = True, force: bool = False) -> Course:
    """Create the course folder ``root`` (its config, folders and an empty gradebook)."""
    root = Path(root).resolve()
    db_url = db_driver(db_url)
    config = root / CONFIG
    if config.exists() and not force:
        raise ClassroomError(
            f"{config} exists already: this folder is a course. Use it as it is, or pass --force "
            "to rewrite its nbgrader_config.py (grades and submissions are kept).")
    root.mkdir(parents=True, exist_ok=True)
    course_id = course_id or re.sub(r"[^A-Za-z0-9_-]+", "-", root.name).strip("-") or "course"
    db_line = (f"c.CourseDirectory.db_url = {db_url!r}" if db_url
               else "# Gradebook: SQLite in this folder (nbgrader's default). For a department "
                    "server:\n# c.CourseDirectory.db_url = "
                    "\"postgresql://user:password@host/dbname\"")
    config.write_text(_CONFIG_TEMPLATE.format(course_id=course_id, db_line=db_line,
                                              timeout=int(timeout), memory_mb=int(memory_mb),
                                              hints=bool(hints), root_hint=root.name))
    for sub in ("source", "release", "submitted", "autograded", "feedback"):
        (root / sub).mkdir(exist_ok=True)
    copy_sources(root / "source", available_days())
    course = load(root)
    with course.gradebook():  # creates the tables
        pass
    return course


def load(root) -> Course:
    """Read the course folder's nbgrader_config.py."""
    from traitlets.config.loader import PyFileConfigLoader

    root = Path(root).resolve()
    if not (root / CONFIG).exists():
        raise ClassroomError(
            f"{root} is not a course folder (no {CONFIG}). Create one with "
            f"`course classroom init {root}`.")
    cfg = PyFileConfigLoader(CONFIG, path=str(root)).load_config()
    cd = cfg.get("CourseDirectory", {})
    db_url = db_driver(cd.get("db_url")) or default_db_url(root)
    return Course(root=root, course_id=cd.get("course_id") or "default_course", db_url=db_url,
                  timeout=int(cfg.get("Execute", {}).get("timeout", DEFAULT_TIMEOUT)),
                  memory_mb=int(cfg.get("CourseGrade", {}).get("memory_mb", DEFAULT_MEMORY_MB)),
                  config=cfg, hints=bool(cfg.get("CourseRelease", {}).get("hints", True)))


# --- release ---------------------------------------------------------------------------------


def copy_sources(source: Path, days, *, replace: bool = False) -> None:
    """The days' source folders, copied from the repository into the course's source/ (so
    formgrader lists them); an existing copy is kept unless ``replace``."""
    for day in days:
        dest = Path(source) / day.name
        if dest.exists():
            if not replace:
                continue
            shutil.rmtree(dest)
        shutil.copytree(day.notebook.parent, dest,
                        ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"))


def release(course: Course, days, *, force: bool = True, hints: bool | None = None):
    """Copy each day's source into the course and generate its student version with nbgrader.

    The copy carries no hints (the package serves them, one tier at a time); with hints off
    (``hints``, else the class's ``c.CourseRelease.hints``) its set-up cell switches them off.

    nbgrader's GenerateAssignment runs in this process (no `nbgrader` start-up per day): the
    student version goes to ``release/<assignment>/`` and the gradebook records the assignment,
    its notebook, the source of its locked and test cells and their checksums. Yields
    ``(path, status)``.
    """
    from nbgrader.apps import NbGraderAPI
    from nbgrader.coursedir import CourseDirectory
    from traitlets.config import Config
    from traitlets.config.loader import PyFileConfigLoader

    tools_on_path()
    cfg = PyFileConfigLoader(CONFIG, path=str(course.root)).load_config()
    cfg.merge(Config({"CourseDirectory": {"root": str(course.root), "db_url": course.db_url}}))
    api = NbGraderAPI(CourseDirectory(config=cfg), config=cfg)
    hints = course.hints if hints is None else hints
    for day in days:
        copy_sources(course.source, [day], replace=True)
        copy = course.source / day.name / day.notebook.name
        nb = nbtools.strip_hints(nbtools.read(copy))
        nbtools.write(nb if hints else nbtools.hints_off(nb), copy)
        out = course.release / day.name / day.notebook.name
        existed = out.exists()
        result = api.generate_assignment(day.name, force=True, create=True)
        if not result["success"]:
            raise ClassroomError(f"nbgrader could not release {day.name}:\n"
                                 f"{result.get('error') or result.get('log')}")
        yield out, "updated" if existed else "written"
