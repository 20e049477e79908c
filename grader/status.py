"""What grading says about a cell, a test, a submission and a collected file, as data.

The values are the words written to grading.json and shown in the tables, so a result read back
from JSON compares equal to the enum (``Status("timed out") is Status.TIMED_OUT``).
"""
from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


class _Word(str, Enum):
    """An enum whose value is the word itself, in f-strings and tables too."""

    def __str__(self) -> str:
        return self.value


class Status(_Word):
    """A submission's outcome, in the order of the summary's columns (the first that applies)."""

    GRADED = "graded"              # ran without incident; its tests may still fail
    FAILED = "failed"              # could not be graded (no notebook, unreadable): a zero
    TIMED_OUT = "timed out"
    TAMPERED = "tampered"
    KERNEL_DIED = "kernel died"


class TestStatus(_Word):
    """One test cell's outcome."""

    __test__ = False               # not a pytest class

    PASSED = "passed"
    PARTIAL = "partial"
    FAILED = "failed"
    NOT_ATTEMPTED = "not attempted"
    TIMED_OUT = "timed out"
    KERNEL_DIED = "kernel died"
    TAMPERED = "tampered"
    NOT_RUN = "not run"


class CellStatus(_Word):
    """How running one cell in the kernel ended."""

    OK = "ok"
    ERROR = "error"
    TIMED_OUT = "timed out"
    KERNEL_DIED = "kernel died"


class Filed(_Word):
    """What `course collect` did with a file."""

    ADDED = "added"
    UPDATED = "updated"
    SKIPPED = "skipped"


@dataclass(frozen=True)
class Change:
    """Something the guard found changed and put back; ``serious``: it can fake a pass (a
    replaced check or library function), as opposed to a harmless one (sys.stdout redirected)."""

    what: str
    serious: bool = True

    @classmethod
    def from_json(cls, data) -> Change:
        """A change as grading.json stores it; older files wrote ``"!what"`` for serious ones."""
        if isinstance(data, str):
            return cls(data.removeprefix("!"), data.startswith("!"))
        return cls(data["what"], bool(data.get("serious", True)))
