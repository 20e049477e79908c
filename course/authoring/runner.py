"""Execute source notebooks with papermill, in-process and in parallel.

One thread per running notebook drives its own kernel (a separate process), so `jobs` notebooks
run at once without one papermill process start per notebook.
"""
from __future__ import annotations

import os
import tempfile
import time
import uuid
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path

from . import notebook as nbtools
from ..device import thread_env
from ..syllabus import ROOT, Day

RUNS = ROOT / "runs"


@dataclass
class Result:
    day: Day
    ok: bool
    seconds: float                   # wall time, kernel start included
    kernel_seconds: float = 0.0      # kernel start and papermill's own work
    import_seconds: float = 0.0      # the day's set-up cell (imports)
    metrics: dict = field(default_factory=dict)
    error: str = ""                  # "cell 12 (softmax_values): AssertionError: ..."
    warnings: list = field(default_factory=list)  # numerical warnings: "cell 32: RuntimeWarning: ..."
    output: Path | None = None

    @property
    def compute_seconds(self) -> float:
        return max(0.0, self.seconds - self.kernel_seconds - self.import_seconds)

    @property
    def headline(self) -> str:
        return ", ".join(f"{m['name']} {m['value']:.4g}{m.get('unit', '')}"
                         for m in self.metrics.values())


def kernel_env(jobs: int, record_progress: bool = False) -> dict:
    """Environment for the kernels: progress recording off unless asked, and the cores shared."""
    # (No MPLBACKEND here: the inline backend keeps the plots in the executed notebooks.)
    env = {"COURSE_PROGRESS": "on" if record_progress else "off"}
    return {**env, **thread_env(jobs)}


def _kernel_manager_class():
    """Local kernels over Unix sockets (IPC) where the platform has them: no TCP ports opened,
    and no ipykernel warning about unencrypted TCP printed into `course run`'s table."""
    if os.name != "posix":
        return None  # Windows: TCP, as papermill does by default
    from jupyter_client import AsyncKernelManager

    class IPCKernelManager(AsyncKernelManager):
        def __init__(self, **kwargs):
            # The sockets' path prefix: one per kernel (the default is shared by kernels that
            # start in the same folder), short enough for a Unix socket path.
            kwargs.setdefault("transport", "ipc")
            kwargs.setdefault("ip", os.path.join(tempfile.gettempdir(),
                                                 f"course-kernel-{uuid.uuid4().hex[:12]}"))
            super().__init__(**kwargs)

    return IPCKernelManager


def _cell_seconds(cell) -> float:
    return float(cell.get("metadata", {}).get("papermill", {}).get("duration") or 0.0)


def execute(day: Day, *, fast: bool = True, device: str = "auto", seed: int = 0,
            output_dir: Path | None = RUNS, timeout: int = 600, kernel: str | None = None,
            path: Path | None = None, answers: str = "solution") -> Result:
    """Run one day's source notebook (or ``path``) and collect its status, timings and metrics.

    ``answers="plain"`` runs it with the day's plain answers (``course.authoring.plain``) in the
    answer cells instead of the author's solutions; the output is then ``dayNN-slug.plain.ipynb``.
    """
    path = Path(path or day.notebook)
    import papermill as pm
    from papermill.exceptions import PapermillExecutionError

    source, suffix = str(path), ""   # what papermill runs: the file, or a notebook object
    if answers == "plain":
        from . import plain

        nb = nbtools.read(path)
        try:
            source = plain.substitute(nb, plain.load(day, nb))
        except plain.PlainAnswersError as err:
            return Result(day, False, 0.0, error=str(err))
        suffix = ".plain"
    elif answers != "solution":
        raise ValueError(f"answers is 'solution' or 'plain', not {answers!r}")
    output = Path(output_dir) / f"{day.name}{suffix}.ipynb" if output_dir else None
    if output:
        output.parent.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    error, nb = "", None
    try:
        nb = pm.execute_notebook(
            source, str(output) if output else None,
            parameters={"fast": fast, "device": device, "seed": seed},
            cwd=str(path.parent), progress_bar=False, log_output=False,
            execution_timeout=timeout, kernel_name=kernel,
            **({"kernel_manager_class": km} if (km := _kernel_manager_class()) else {}))
    except PapermillExecutionError as err:
        error = _describe_failure(day, err, output)
    except Exception as err:  # a kernel that died, a timeout, a broken notebook file
        error = f"{type(err).__name__}: {str(err).strip().splitlines()[0] if str(err).strip() else ''}"
    seconds = time.perf_counter() - start
    if nb is None and output and output.exists():
        nb = nbtools.read(output)
    result = Result(day, not error, seconds, error=error, output=output)
    if nb is not None:
        code = [c for c in nb.cells if c.cell_type == "code"]
        result.import_seconds = next((_cell_seconds(c) for c in code
                                      if nbtools.nbgrader_meta(c).get("grade_id") == "setup"), 0.0)
        result.kernel_seconds = max(0.0, seconds - sum(_cell_seconds(c) for c in code))
        result.metrics = nbtools.metrics(nb)
        result.warnings = numerical_warnings(nb)
    return result


def numerical_warnings(nb) -> list[str]:
    """NumPy's and PyTorch's warnings of a run (divide by zero, overflow, invalid value), by cell."""
    found = []
    for i, cell in enumerate(nb.cells):
        for out in cell.get("outputs", []):
            if out.get("output_type") == "stream" and out.get("name") == "stderr":
                found += [f"cell {i}: {line.split(': ', 1)[-1].strip()}"
                          for line in out.get("text", "").splitlines() if "RuntimeWarning" in line]
    return found


def _describe_failure(day: Day, err, output) -> str:
    where = f"cell {err.cell_index}"
    if output and output.exists():
        # papermill puts an error banner above the cells: find the failed cell by its output.
        failed = [c for c in nbtools.read(output).cells
                  if any(o.get("output_type") == "error" for o in c.get("outputs", []))]
        grade_id = nbtools.nbgrader_meta(failed[0]).get("grade_id") if failed else None
        if grade_id:
            where += f" ({grade_id})"
    evalue = str(err.evalue).strip().splitlines()
    return f"{where}: {err.ename}: {evalue[0] if evalue else ''}"


def execute_many(days, *, jobs: int = 1, record_progress: bool = False, on_result=None,
                 **options) -> list[Result]:
    """Run several days, `jobs` at a time; results in the order of `days`."""
    days = list(days)
    # The cores are shared by the kernels that run at once: one day alone gets them all.
    os.environ.update(kernel_env(min(jobs, max(1, len(days))), record_progress))
    results = {}
    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        futures = {pool.submit(execute, day, **options): day for day in days}
        for future in as_completed(futures):
            result = future.result()
            results[result.day.number] = result
            if on_result:
                on_result(result)
    return [results[d.number] for d in days]
