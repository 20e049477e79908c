import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FILES = Path(__file__).resolve().parent / "files"

# Test runs never write into a learner's progress store, and never draw a plot window.
os.environ["COURSE_PROGRESS"] = "off"
os.environ.setdefault("MPLBACKEND", "agg")
# Two test workers share the cores: one thread each for the kernels they start.
os.environ.setdefault("OMP_NUM_THREADS", "1")


@pytest.fixture
def files() -> Path:
    return FILES


@pytest.fixture
def cli(capsys):
    """Run the `course` command line in-process: returns (exit status, stdout, stderr)."""
    from course.cli import main

    def call(*argv):
        code = main([str(a) for a in argv])
        out = capsys.readouterr()
        return code, out.out, out.err

    return call


@pytest.fixture
def unwritten_day(monkeypatch):
    """A day of the syllabus without a notebook: the first one, or, once every day is written,
    the last one with its notebook hidden (so the "not written yet" paths stay tested)."""
    from course.syllabus import DAYS, Day

    day = next((d for d in DAYS if not d.available), None)
    if day is None:
        day = DAYS[-1]
        real = Day.available
        monkeypatch.setattr(Day, "available",
                            property(lambda d: d.number != day.number and real.fget(d)))
    return day
