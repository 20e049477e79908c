"""A batch: every submission of an assignment graded from one process, ``jobs`` kernels at a time.

Each result is saved and recorded in the gradebook as it arrives; a submission that cannot be
graded gets a recorded zero and a reason, never a stale score, and the batch always finishes.
"""
from __future__ import annotations

import hashlib
import os
import secrets
import shutil
from dataclasses import dataclass, field, replace
from pathlib import Path

from course.device import thread_env

from .classroom import Course
from .collect import find_notebook, submissions
from .errors import GradingError
from .gradebook import load_result, quiet_gradebook, record, save
from .kernel import sandbox as sandboxes
from .kernel.pool import KernelSource
from .scoring import Result, Settings, TestResult, grade_one
from .status import Status, TestStatus
from .template import build_template


UNSANDBOXED = ("Graded without the sandbox (--no-sandbox): the students' code could read the "
               "course folder (solutions, hidden tests, gradebook, other submissions) and use the "
               "network.")


@dataclass
class Batch:
    """What grading an assignment gave: a result per submission (in the order of the students)
    and notices about the run itself (unsandboxed; kernels started the usual way, and why)."""

    assignment: str
    results: list[Result] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)


def kernel_env(course: Course, scratch: Path, jobs: int) -> dict:
    """The grading kernels' environment: progress off, and every home and cache folder inside a
    throwaway folder of the course, so grading writes nothing outside it."""
    home = scratch / "home"
    env = {"COURSE_PROGRESS": "off", "COURSE_HOME": str(home / "course"), "HOME": str(home),
           "IPYTHONDIR": str(scratch / "ipython"), "MPLCONFIGDIR": str(scratch / "matplotlib"),
           "XDG_CACHE_HOME": str(home / ".cache"), "XDG_CONFIG_HOME": str(home / ".config"),
           "TORCH_HOME": str(home / "torch"), "MPLBACKEND": "agg",
           "PYTHONDONTWRITEBYTECODE": "1", "NBGRADER_EXECUTION": "autograde",
           "JUPYTER_PLATFORM_DIRS": "1"}
    env.update(thread_env(jobs))
    for folder in ("home/course", "ipython", "matplotlib"):
        (scratch / folder).mkdir(parents=True, exist_ok=True)
    # matplotlib's font cache, copied in (read only) so that kernels do not rebuild it.
    for cache in (Path(os.environ.get("MPLCONFIGDIR", "")), Path.home() / ".cache" / "matplotlib"):
        if str(cache) and cache.is_dir():
            for f in cache.glob("fontlist-*.json"):
                shutil.copy(f, scratch / "matplotlib" / f.name)
            break
    return env


def plan(course: Course, assignment: str, students=None, *, only_changed: bool = False):
    """The students to grade for ``assignment`` (folders found, plus any named explicitly)."""
    found = submissions(course, assignment, students)
    if students:
        found += [s for s in students if s not in found]
    if only_changed:
        keep = []
        for student in found:
            old = load_result(course, student, assignment)
            path, _ = find_notebook(course, student, assignment, course.notebooks(assignment)[0])
            digest = hashlib.sha256(path.read_bytes()).hexdigest() if path else ""
            if old is None or old.digest != digest or not digest:
                keep.append(student)
        found = keep
    return found


def prepare(course: Course, assignment: str, students, settings: Settings,
            only_changed: bool) -> tuple[list, list, Batch]:
    """What a batch grades, locally or on a cluster: the templates of the assignment's notebooks,
    the students to grade, and the (empty) batch, with its notice when unsandboxed."""
    quiet_gradebook()
    notebooks = course.notebooks(assignment)
    if not notebooks:
        raise GradingError(f"{assignment} has no source notebook in {course.source}: release it "
                           f"with `course release DAY --course-dir {course.root}`.")
    templates = [build_template(course, assignment, nb) for nb in notebooks]
    todo = plan(course, assignment, students, only_changed=only_changed)
    batch = Batch(assignment)
    if todo and not settings.sandbox:
        batch.notices.append(UNSANDBOXED)
    return templates, todo, batch


def grade(course: Course, assignment: str, students=None, *, jobs: int | None = None,
          settings: Settings | None = None, progress: bool = True, only_changed: bool = False,
          on_result=None) -> Batch:
    """Grade every submission of ``assignment`` with ``jobs`` kernels at a time, recording each
    result in the gradebook as it arrives."""
    from concurrent.futures import ThreadPoolExecutor, as_completed

    jobs = max(1, jobs or os.cpu_count() or 1)
    settings = settings or Settings(timeout=course.timeout, memory_mb=course.memory_mb)
    if settings.sandbox and sandboxes.problem():
        raise GradingError(sandboxes.problem())
    templates, todo, batch = prepare(course, assignment, students, settings, only_changed)
    if not todo:
        return batch
    results: dict[tuple, Result] = {}
    scratch = course.root / ".grading" / secrets.token_hex(4)
    scratch.mkdir(parents=True)
    old_runtime = os.environ.get("JUPYTER_RUNTIME_DIR")
    os.environ["JUPYTER_RUNTIME_DIR"] = str(scratch / "runtime")
    settings = replace(settings, env={**kernel_env(course, scratch, jobs), **settings.env})
    sandbox = sandboxes.Sandbox() if settings.sandbox else None
    bar = None
    if progress:
        from tqdm import tqdm

        bar = tqdm(total=len(todo) * len(templates), desc=f"grading {assignment}", unit="nb",
                   dynamic_ncols=True)
    try:
        with course.gradebook() as gb:
            for template in templates:
                kernels = KernelSource(template, settings, scratch, ahead=jobs, total=len(todo),
                                       sandbox=sandbox)
                try:
                    with ThreadPoolExecutor(max_workers=jobs) as pool:
                        futures = {pool.submit(_grade_safely, course, template, s, settings,
                                               kernels): s for s in todo}
                        for future in as_completed(futures):
                            finish(course, gb, template, *future.result(), results, bar,
                                   on_result)
                finally:
                    kernels.close()
                    batch.notices += [n for n in kernels.fallbacks() if n not in batch.notices]
    finally:
        if bar is not None:
            bar.close()
        if old_runtime is None:
            os.environ.pop("JUPYTER_RUNTIME_DIR", None)
        else:
            os.environ["JUPYTER_RUNTIME_DIR"] = old_runtime
        shutil.rmtree(scratch, ignore_errors=True)
        if sandbox is not None:
            sandbox.close()
        try:
            (course.root / ".grading").rmdir()
        except OSError:
            pass
    batch.results = [results[(s, t.notebook)] for t in templates for s in todo
                     if (s, t.notebook) in results]
    return batch


def finish(course: Course, gb, template, result: Result, nb, results: dict, bar=None,
           on_result=None) -> None:
    """One submission graded (here or on a Dask worker): its feedback notebook saved, its scores
    in the gradebook and in ``results``, the bar moved on, the caller told."""
    save(course, template, result, nb)
    record(gb, course, template, result)
    results[(result.student, template.notebook)] = result
    if bar is not None:
        bar.update(1)
        if result.status != Status.GRADED:
            bar.set_postfix_str(f"{result.student}: {result.status}")
    if on_result:
        on_result(result)


def _grade_safely(course, template, student, settings, kernels):
    """grade_one, with any failure of the grader itself turned into a recorded, explained zero."""
    try:
        return grade_one(course, template, student, settings, kernels)
    except Exception as err:  # noqa: BLE001 (the batch must finish)
        result = Result(student, template.assignment, template.notebook, status=Status.FAILED)
        result.reasons.append(f"the grader failed on this submission ({type(err).__name__}: "
                              f"{err}); grade it again or look at it by hand")
        result.tests = [TestResult(t.grade_id, 0.0, t.points, TestStatus.NOT_RUN)
                        for t in template.tests]
        return result, None


def summary(results: list[Result]) -> tuple[list[tuple], list[tuple]]:
    """Two tables: counts per assignment (a column per `Status`), and one row per submission
    that needs a look (not graded without incident, repaired, or with a problem to fix)."""
    counts, problems = [], []
    for assignment in dict.fromkeys(r.assignment for r in results):
        rs = [r for r in results if r.assignment == assignment]
        mean = sum(r.score for r in rs) / len(rs)
        counts.append((assignment, len(rs), *[sum(r.status == k for r in rs) for k in Status],
                       f"{mean:.1f} / {rs[0].max_score:g}"))
        for r in sorted(rs, key=lambda r: r.student):
            if r.status != Status.GRADED or r.notes or r.problems:
                reason = "; ".join([*r.problems, r.reason] if r.reason else r.problems)
                problems.append((r.student, r.assignment, f"{r.score:g}", r.status,
                                 _shorten(reason, 110)))
    return counts, problems


def _shorten(text: str, n: int) -> str:
    return text if len(text) <= n else text[:n - 1] + "…"
