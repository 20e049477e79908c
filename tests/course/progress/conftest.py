"""Fixtures of the progress tests: a fresh COURSE_HOME for the kernel's session."""
import pytest

from course.progress import widget


@pytest.fixture
def home(tmp_path, monkeypatch):
    """A fresh COURSE_HOME with recording on; the session's store is forgotten before and after."""
    monkeypatch.setenv("COURSE_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("COURSE_PROGRESS", "on")
    widget._forget()
    yield tmp_path / "home"
    widget._forget()
