"""Course folders for the grader's tests: one not yet released into (cheap, per test), and one
with Day 01 released through nbgrader (once per test module)."""
import os
import shutil
import sys
from pathlib import Path

import pytest

from course.syllabus import get_day
from grader import classroom

sys.path.insert(0, str(Path(__file__).parents[1] / "files" / "grading"))

DAY = get_day(1)
ASSIGNMENT = DAY.name


@pytest.fixture
def course(tmp_path):
    """A course folder whose Day 01 counts as released for collecting (no gradebook entry)."""
    c = classroom.init(tmp_path / "class", timeout=15, memory_mb=512)
    shutil.copytree(c.source / DAY.name, c.release / DAY.name)
    return c


@pytest.fixture(scope="module")
def released(tmp_path_factory):
    """A course folder with Day 01 released by nbgrader: the gradebook knows its cells."""
    c = classroom.init(tmp_path_factory.mktemp("released") / "class", timeout=15, memory_mb=512)
    list(classroom.release(c, [DAY]))
    return c


@pytest.fixture(scope="session")
def sandbox_ready():
    """The bubblewrap sandbox works here; in CI it must (`make setup` installs bubblewrap), so
    a missing one fails there instead of skipping."""
    from grader.kernel import sandbox

    problem = sandbox.problem()
    if problem:
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI must run the sandbox tests: {problem}")
        pytest.skip(problem)


def grade_args() -> list[str]:
    """What the grading tests pass to `course grade`: nothing where the sandbox works, else
    --no-sandbox (a machine without bubblewrap still runs them; CI has it)."""
    from grader.kernel import sandbox

    return [] if sandbox.available() or os.environ.get("CI") == "true" else ["--no-sandbox"]
