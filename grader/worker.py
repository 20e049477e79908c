"""The grader's side of a Dask worker: a day's warm kernels, kept between tasks, and the task
that grades one submission with them.

The coordinator (`grader.cluster`) scatters a `Day` to every worker once per batch: the grading
template built from the gradebook, the day's other source files and the settings. The first task
of that day on a worker starts its fork server (its own, in its own sandbox) and keeps it for
the day's later tasks; each task carries one submission's bytes and returns the result and the
executed notebook as plain data. Nothing is written outside the worker's temporary folder: no
course folder, no gradebook and no database credentials on a worker.
"""
from __future__ import annotations

import hashlib
import os
import pickle
import shutil
import tempfile
import threading
import time
from dataclasses import asdict, dataclass, replace
from pathlib import Path

import nbformat

from .scoring import Result, Settings, Submission, TestResult, grade_submission
from .status import Status, TestStatus
from .template import Template

IDLE_S = 600            # a day no task has used for this long is closed when another one starts


@dataclass
class Day:
    """What a worker needs to grade one notebook of an assignment, sent to each worker once."""

    template: Template
    files: dict                   # the assignment's other source files: path -> bytes
    settings: Settings            # without `env` (each worker makes its own)
    threads: dict                 # host -> Dask threads on that host (to share out its cores)
    code: str                     # the coordinator's `worker_probe.fingerprint()`

    @property
    def key(self) -> str:
        blob = pickle.dumps((self.template.assignment, self.template.notebook,
                             [c.cell for c in self.template.cells], sorted(self.files.items()),
                             asdict(self.settings), self.code))
        return hashlib.sha256(blob).hexdigest()[:16]


class _Warm:
    """A day's warm state on one worker: its scratch folder, sandbox and fork server."""

    def __init__(self, day: Day, jobs: int):
        from .batch import kernel_env
        from .kernel import sandbox as sandboxes
        from .kernel.pool import KernelSource

        self.scratch = Path(tempfile.mkdtemp(prefix="course-grade-"))
        if "JUPYTER_RUNTIME_DIR" not in os.environ:    # the worker's own, for all its days
            os.environ["JUPYTER_RUNTIME_DIR"] = tempfile.mkdtemp(prefix="course-grade-runtime-")
        hosts_threads = day.threads.get(_host(), jobs)
        self.settings = replace(day.settings, env={**kernel_env(None, self.scratch, hosts_threads),
                                                   **day.settings.env})
        self.sandbox = sandboxes.Sandbox() if self.settings.sandbox else None
        self.kernels = KernelSource(day.template, self.settings, self.scratch, ahead=jobs,
                                    total=10**9, sandbox=self.sandbox)
        self.used = time.monotonic()

    def close(self) -> None:
        self.kernels.close()
        if self.sandbox is not None:
            self.sandbox.close()
        shutil.rmtree(self.scratch, ignore_errors=True)


_WARM: dict[str, _Warm] = {}
_LOCK = threading.Lock()


def _host() -> str:
    import socket

    return socket.gethostname()


def _warm(day: Day, jobs: int) -> _Warm | str:
    """The day's warm state on this worker, started by its first task; or, when the course's
    code here is not the coordinator's (read from disk, as the day's kernels will import it),
    the sentence that says so."""
    from .worker_probe import fingerprint

    key = day.key
    with _LOCK:
        warm = _WARM.get(key)
        if warm is None:
            code = fingerprint()
            if code != day.code:
                return mismatch(_address(), _host(), code, day.code)
            for old in [k for k, w in _WARM.items() if time.monotonic() - w.used > IDLE_S]:
                _WARM.pop(old).close()
            warm = _WARM[key] = _Warm(day, jobs)
        warm.used = time.monotonic()
        return warm


def _address() -> str:
    from distributed import get_worker

    return get_worker().address


def release(key: str) -> bool:
    """Close a day's warm kernels and fork server on this worker (`Client.run`, after a batch)."""
    with _LOCK:
        warm = _WARM.pop(key, None)
    if warm is not None:
        warm.close()
    return warm is not None


def grade_task(day: Day, sub: Submission) -> dict:
    """Grade one submission on this worker: ``{"result": grading.json's dict, "notebook": the
    executed notebook's JSON or None, "worker": this worker's address, "notices": why kernels
    were not forked, if they were not}``; ``{"error": sentence}`` when this worker runs other
    code than the coordinator."""
    from distributed import get_worker

    worker = get_worker()
    warm = _warm(day, worker.state.nthreads)
    if isinstance(warm, str):
        return {"error": warm, "worker": worker.address}
    out_dir = warm.scratch / "work" / f"{sub.student}-{os.urandom(4).hex()}"
    start = time.perf_counter()
    try:
        result, nb = grade_submission(day.template, sub, warm.settings, out_dir, day.files,
                                      warm.kernels, start=start)
    except Exception as err:  # noqa: BLE001 (the batch must finish: a recorded, explained zero)
        result, nb = failed(day.template, sub.student, err), None
    finally:
        shutil.rmtree(out_dir, ignore_errors=True)
        warm.used = time.monotonic()
    return {"result": result.to_json(), "notebook": nbformat.writes(nb) if nb is not None else None,
            "worker": worker.address, "notices": warm.kernels.fallbacks()}


def failed(template: Template, student: str, err: BaseException | str) -> Result:
    """A recorded zero for a submission the grader itself could not grade, with the reason."""
    why = err if isinstance(err, str) else f"{type(err).__name__}: {err}"
    result = Result(student, template.assignment, template.notebook, status=Status.FAILED)
    result.reasons.append(f"the grader failed on this submission ({why}); grade it again or look "
                          "at it by hand")
    result.tests = [TestResult(t.grade_id, 0.0, t.points, TestStatus.NOT_RUN)
                    for t in template.tests]
    return result


def mismatch(address: str, host: str, theirs: str, ours: str) -> str:
    return (f"Dask worker {address} (on {host}) runs other code of the course than this machine "
            f"(code {theirs or 'unknown'}, here {ours}): install the same version there (`pip "
            f"install 'hundred-days-dl[grader]'` from this checkout or release) and start its "
            "`dask worker` again.")
