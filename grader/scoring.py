"""Grading one submission: rebuild it, run it in a fresh guarded kernel, score every test.

A test passes only when it ran to its end without an error (or gets partial credit from the
number it returns, as in nbgrader). A kernel that dies is restarted and the notebook replayed
without the cell that killed it, so one bad answer costs only the exercises that depend on it.
"""
from __future__ import annotations

import copy
import hashlib
import secrets
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import nbformat

from .classroom import Course
from .collect import BadTimestamp, find_notebook, read_timestamp
from .kernel.client import Run, death
from .kernel.pool import KernelSource, new_kernel
from .status import CellStatus, Change, Status, TestStatus
from .submission import Slot, Unreadable, assemble, parse_submission
from .template import Template, bound_names, visible_source

MAX_RESTARTS = 3               # kernel deaths tolerated per submission
DELEGATED = "used the course's reference implementation"   # course.integrity's verdict
BLOCKED = Change("the grader's checks could not run (the kernel's execution machinery was "
                 "changed)")


@dataclass
class TestResult:
    __test__ = False           # not a pytest class

    grade_id: str
    points: float
    max_points: float
    status: TestStatus
    message: str = ""


@dataclass
class Result:
    student: str
    assignment: str
    notebook: str
    status: Status = Status.GRADED
    reasons: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    tests: list[TestResult] = field(default_factory=list)
    unanswered: list[str] = field(default_factory=list)
    tampering: list[Change] = field(default_factory=list)
    seconds: float = 0.0
    digest: str = ""
    timestamp: str = ""
    timestamp_problem: str = ""   # timestamp.txt unreadable: no late penalty could be applied

    @property
    def score(self) -> float:
        return sum(t.points for t in self.tests)

    @property
    def max_score(self) -> float:
        return sum(t.max_points for t in self.tests)

    @property
    def reason(self) -> str:
        return "; ".join(self.reasons + self.notes)

    @property
    def problems(self) -> list[str]:
        """What the instructor has to fix for this grade to be right (not the student's doing)."""
        return [self.timestamp_problem] if self.timestamp_problem else []

    def to_json(self) -> dict:
        data = asdict(self)
        data.update(score=self.score, max_score=self.max_score)
        return data

    @classmethod
    def from_json(cls, data: dict) -> Result:
        data = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        data["status"] = Status(data.get("status", Status.GRADED))
        data["tests"] = [TestResult(**{**t, "status": TestStatus(t["status"])})
                         for t in data.get("tests", [])]
        data["tampering"] = [Change.from_json(c) for c in data.get("tampering", [])]
        return cls(**data)


@dataclass
class Settings:
    timeout: float = 60
    memory_mb: int = 2048
    run_all: bool = False          # also run the cells after the last test (plots, training)
    fork: bool = True              # fork kernels from one warm process (Linux, macOS)
    sandbox: bool = True           # every kernel in a bubblewrap sandbox (Linux; `kernel.sandbox`)
    env: dict = field(default_factory=dict)


def _message(run: Run) -> str:
    value = (run.evalue or "").strip().splitlines()
    return f"{run.ename}: {value[0] if value else ''}".strip().rstrip(":")


@dataclass
class Submission:
    """One submission as a grader needs it, with no course folder: the student's file's bytes
    (None: nothing found), a note on where it was found, and when it was submitted."""

    student: str
    data: bytes | None
    note: str = ""
    timestamp: str = ""
    timestamp_problem: str = ""


def locate(course: Course, template: Template, student: str) -> Submission:
    """The student's submission of ``template``'s notebook, read from the course folder."""
    sub = Submission(student, None)
    try:
        ts = read_timestamp(course, student, template.assignment)
    except BadTimestamp as err:
        ts = None
        sub.timestamp_problem = (f"{err}; the late penalty could not be applied: fix the file "
                                 "and re-grade")
    sub.timestamp = str(ts) if ts else ""
    path, note = find_notebook(course, student, template.assignment, template.notebook)
    if path is not None:
        sub.note, sub.data = note, path.read_bytes()
    return sub


def day_files(course: Course, assignment: str) -> dict[str, bytes]:
    """The assignment's other source files (the day's data), by their path in its folder."""
    src = course.source / assignment
    return {str(f.relative_to(src)): f.read_bytes() for f in sorted(src.rglob("*"))
            if f.is_file() and f.suffix != ".ipynb" and ".ipynb_checkpoints" not in f.parts}


def grade_one(course: Course, template: Template, student: str, settings: Settings,
              kernels: KernelSource | None = None) -> tuple[Result, object]:
    """Grade one student's notebook; returns the result and the executed notebook (or None)."""
    start = time.perf_counter()
    return grade_submission(template, locate(course, template, student), settings,
                            course.autograded / student / template.assignment,
                            day_files(course, template.assignment), kernels, start=start)


def grade_submission(template: Template, sub: Submission, settings: Settings, out_dir,
                     files: dict[str, bytes], kernels: KernelSource | None = None,
                     start: float | None = None) -> tuple[Result, object]:
    """Grade one submission from its bytes (on any machine: no course folder is read); an
    unsandboxed kernel works in ``out_dir``. Returns the result and the executed notebook (or
    None)."""
    start = time.perf_counter() if start is None else start
    student = sub.student
    result = Result(student, template.assignment, template.notebook,
                    timestamp=sub.timestamp, timestamp_problem=sub.timestamp_problem)
    if sub.note and sub.data is not None:
        result.notes.append(sub.note)
    tests = template.tests

    def fail(reason):
        result.status = Status.FAILED
        result.reasons.append(reason)
        result.tests = [TestResult(t.grade_id, 0.0, t.points, TestStatus.NOT_RUN, reason)
                        for t in tests]
        result.seconds = time.perf_counter() - start
        return result, None

    if sub.data is None:
        return fail(f"no notebook submitted ({template.notebook}.ipynb not found in "
                    f"submitted/{student}/{template.assignment}/)")
    result.digest = hashlib.sha256(sub.data).hexdigest()
    try:
        student_nb = parse_submission(sub.data)
    except Unreadable as err:
        return fail(str(err))
    slots, notes, unanswered = assemble(template, student_nb)
    result.notes += notes
    result.unanswered = sorted(unanswered)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    runs, tampering = execute_slots(slots, template, settings, out_dir, kernels,
                                    files=box_files(template, slots, files))
    result.tampering = tampering

    for i, slot in enumerate(slots):
        run = runs.get(i)
        if slot.cell["cell_type"] == "code":
            slot.cell["outputs"] = run.outputs if run else []
            slot.cell["execution_count"] = None
    dead_answers = {s.grade_id: runs[i].why for i, s in enumerate(slots)
                    if s.origin == "student" and s.grade_id and i in runs
                    and runs[i].kernel_gone}
    for i, slot in enumerate(slots):
        run = runs.get(i)
        where = f"cell {i} ({slot.grade_id or 'added by the student'})"
        if slot.origin == "student" and run and run.status in (CellStatus.KERNEL_DIED,
                                                               CellStatus.TIMED_OUT):
            result.reasons.append(f"{where}: "
                                  + (run.why or f"timed out after {settings.timeout:g} s"))
        elif slot.origin == "student" and run and run.status == CellStatus.ERROR \
                and slot.grade_id and slot.grade_id not in unanswered:
            dead_answers.setdefault(slot.grade_id, f"it raised {_message(run)}")
            result.notes.append(f"{where} raised {_message(run)}")
        elif slot.origin == "student" and run and run.status == CellStatus.ERROR \
                and not slot.grade_id:
            result.notes.append(f"{where} raised {_message(run)}")
    by_id = {slot.grade_id: _score(slot, runs.get(i), template, unanswered, settings,
                                   dead_answers)
             for i, slot in enumerate(slots) if slot.test}
    result.tests = [by_id.get(t.grade_id) or TestResult(t.grade_id, 0.0, t.points,
                                                        TestStatus.NOT_RUN)
                    for t in tests]
    result.notes += [f"{t.grade_id}: {t.message}" for t in result.tests
                     if t.message.startswith(("MemoryError", DELEGATED))]
    result.status = _status(result.tests, runs, tampering)
    for t in result.tests:
        if t.status in (TestStatus.TIMED_OUT, TestStatus.KERNEL_DIED, TestStatus.TAMPERED) \
                and t.message not in result.reasons:
            result.reasons.append(f"{t.grade_id}: {t.message}")
    if tampering:
        result.reasons.append("changed by the student's code and put back before the tests: "
                              + ", ".join(c.what for c in tampering[:6])
                              + (" ..." if len(tampering) > 6 else ""))
    seen = set()
    for slot in slots:   # a duplicated answer cell must not duplicate a cell id
        if slot.cell.get("id") in seen or "id" not in slot.cell:
            slot.cell["id"] = secrets.token_hex(4)
        seen.add(slot.cell["id"])
    nb = nbformat.v4.new_notebook(cells=[s.cell for s in slots],
                                  metadata=copy.deepcopy(student_nb.metadata))
    nb.metadata["kernelspec"] = {"display_name": "Python 3", "language": "python",
                                 "name": "python3"}
    result.seconds = time.perf_counter() - start
    return result, nb


def _status(tests: list[TestResult], runs: dict[int, Run], tampering: list[Change]) -> Status:
    """The submission's status: the first of tampered, timed out, kernel died that happened."""
    kinds = {t.status for t in tests}
    cells = {r.status for r in runs.values()}
    if TestStatus.TAMPERED in kinds or any(c.serious for c in tampering):
        return Status.TAMPERED
    if TestStatus.TIMED_OUT in kinds or CellStatus.TIMED_OUT in cells:
        return Status.TIMED_OUT
    if TestStatus.KERNEL_DIED in kinds or CellStatus.KERNEL_DIED in cells:
        return Status.KERNEL_DIED
    return Status.GRADED


def _score(slot: Slot, run: Run | None, template: Template, unanswered, settings,
           dead_answers: dict) -> TestResult:
    gid, points = slot.grade_id, slot.points

    def zero(status: TestStatus, message: str) -> TestResult:
        return TestResult(gid, 0.0, points, status, message)

    if run is None:
        return zero(TestStatus.NOT_RUN, "not run: the kernel died too often")
    if run.voided:
        return zero(TestStatus.TAMPERED, run.voided)
    if run.status == CellStatus.TIMED_OUT:
        return zero(TestStatus.TIMED_OUT,
                    run.why or f"timed out after {settings.timeout:g} s (an endless loop?)")
    if run.status == CellStatus.KERNEL_DIED:
        return zero(TestStatus.KERNEL_DIED, run.why or death())
    group = template.groups.get(gid, [])
    crashed = [g for g in group if g in dead_answers]
    if run.status == CellStatus.ERROR or any(o.get("output_type") == "error"
                                             for o in run.outputs):
        if group and all(g in unanswered for g in group) and run.ename in (
                "NotImplementedError", "NameError"):
            return zero(TestStatus.NOT_ATTEMPTED, "not attempted")
        if crashed and run.ename in ("NameError", "NotImplementedError"):
            return zero(TestStatus.FAILED,
                        f"answer cell {crashed[0]} could not run: {dead_answers[crashed[0]]}")
        if run.ename == "MemoryError":
            return zero(TestStatus.FAILED,
                        f"MemoryError: used more than {settings.memory_mb} MB of memory")
        if run.ename == "DelegationError":   # course.integrity: not the student's own work
            return zero(TestStatus.FAILED, run.evalue.split(": ", 1)[-1].strip())
        return zero(TestStatus.FAILED, _message(run))
    from nbgrader.utils import determine_grade

    cell = copy.deepcopy(slot.cell)
    cell["outputs"] = [o for o in run.outputs if o.get("output_type") == "execute_result"]
    score, _ = determine_grade(nbformat.from_dict(cell))
    score = points if score is None else float(score)
    return TestResult(gid, score, points,
                      TestStatus.PASSED if score >= points else TestStatus.PARTIAL)


def _add(changes: list[Change], change: Change) -> None:
    if change not in changes:
        changes.append(change)


def box_files(template: Template, slots, files: dict[str, bytes]) -> dict[str, bytes]:
    """What a sandboxed kernel gets in its working folder: the assembled notebook as the student
    sees it (hidden tests left out) and the assignment's other files (``files``: the day's
    data, from `day_files`)."""
    cells = []
    for slot in slots:
        cell = copy.deepcopy(slot.cell)
        if slot.test:
            cell["source"] = visible_source(cell["source"], note=None)
        cells.append(cell)
    nb = nbformat.v4.new_notebook(cells=cells)
    return {f"{template.notebook}.ipynb": nbformat.writes(nb).encode(), **files}


def execute_slots(slots, template, settings: Settings, cwd, kernels: KernelSource | None,
                  files: dict[str, bytes] | None = None):
    """Run the slots with restarts after kernel deaths; ``({index: Run}, tampering found)``.
    ``files`` go into a sandboxed kernel's working folder before the first cell.

    Before a trusted cell that follows the student's code the guard puts back what that code
    changed; after every trusted cell it takes a new snapshot, and a test during which the code
    under test changed something that can fake a pass is voided."""
    skip: dict[int, Run] = {}       # cells left out of a replay, and the result they keep
    tampering: list[Change] = []
    last_test = max((i for i, s in enumerate(slots) if s.test), default=len(slots) - 1)
    stop = len(slots) - 1 if settings.run_all else last_test
    restarts = 0
    while True:
        runs: dict[int, Run] = {}
        if kernels is None:
            kernel = new_kernel(template, settings, cwd)
        else:
            kernel = kernels.get() if restarts == 0 else kernels.new()
        died_at = None
        clean = True    # nothing but trusted cells (each checked after it ran) so far
        try:
            kernel.chdir(cwd)
            if files:
                kernel.add_files(files)
            for i, slot in enumerate(slots[:stop + 1]):
                if slot.cell["cell_type"] != "code":
                    continue
                if i in skip:
                    runs[i] = skip[i]
                    continue
                trusted = slot.origin != "student"
                if trusted and not clean:
                    check = kernel.guard(when="before")
                    if check is None:
                        _add(tampering, BLOCKED)
                        runs[i] = Run(CellStatus.ERROR, ename="Tampered", evalue="grader blocked",
                                      voided="the grader's checks could not run: the notebook "
                                             "changed how cells are executed")
                        continue
                    for change in check:
                        _add(tampering, change)
                run = kernel.execute(slot.cell["source"], settings.timeout)
                runs[i] = run
                clean = trusted
                if run.kernel_gone:
                    died_at = i
                    break
                if trusted:
                    check = kernel.guard(bound_names(slot.cell["source"]), when="after",
                                         loose=not slot.test)
                    if check is None:
                        clean = False
                        _add(tampering, BLOCKED)
                        if slot.test:
                            run.voided = "the grader's checks could not run after this test"
                    elif slot.test and any(c.serious for c in check):
                        run.voided = ("the code under test changed "
                                      + ", ".join(c.what for c in check[:3]) + " while the test ran")
                        for change in check:
                            _add(tampering, Change(change.what, serious=True))
        finally:
            kernel.close()
        if died_at is None:
            return runs, tampering
        # The kernel died: replay without the cell that killed it.
        restarts += 1
        # Running out of memory can break the kernel's own threads, which then dies a little
        # later: blame the cell that hit the limit first, then the cell it died in.
        hog = next((j for j in sorted(runs) if j < died_at and j not in skip
                    and runs[j].ename == "MemoryError"), None)
        if hog is not None:
            skip[hog] = runs[hog]
        else:
            gone = runs[died_at]
            skip[died_at] = Run(gone.status, why=gone.why or death(), kernel_gone=True)
        if restarts > MAX_RESTARTS:
            for i in range(died_at + 1, stop + 1):
                runs.pop(i, None)
            return runs, tampering
