"""Course folders for the grader's tests: one not yet released into (cheap, per test), and one
with Day 01 released through nbgrader (once per test module)."""
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
