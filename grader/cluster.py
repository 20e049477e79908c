"""A batch graded on a Dask cluster: `course grade DAY --scheduler tcp://HOST:8786`.

This process (the coordinator) reads the course folder and is the only one that writes to it and
to the gradebook: it builds the day's template from the gradebook, scatters it with the day's
other source files to every worker once (`grader.worker.Day`), and sends each submission's bytes
as one task. A worker grades with the local engine (its own sandboxed fork server, started by its
first task of the day and kept) and sends back the result and the executed notebook, which are
saved and recorded here as they arrive, as in `grader.batch`. Workers need no shared file system
and never see the database's address or credentials.

Before a batch every worker is asked what it has installed (`grader.worker_probe`): a worker
without the grader extra, with other code of the course, or without the sandbox is named, with
what to do, before anything is sent. A worker killed in the middle of a task has its tasks run
again elsewhere by Dask; each task's result is recorded once, when it arrives. A scheduler that
cannot be reached, or that goes away mid-batch, stops the command with one sentence; what was
graded is kept, and the same command grades the rest (`Unfinished`; ``force``: all again).

Nothing here is imported on the local path (`grader.batch`): Dask is only needed with
--scheduler.
"""
from __future__ import annotations

import hashlib
import json
import secrets
from dataclasses import replace

import nbformat

from .batch import Batch, finish, prepare
from .classroom import Course
from .errors import GradingError
from .gradebook import load_result
from .scoring import Result, Settings, day_files, locate

CONNECT_TIMEOUT = 15            # seconds to reach the scheduler, and for a first worker to join
INSTALL = "pip install 'hundred-days-dl[grader]'"
# What a worker needs besides the course itself: the grader extra's packages that grading uses.
GRADER_MODULES = ("nbgrader", "nbformat", "nbconvert", "jupyter_client", "ipykernel", "traitlets",
                  "distributed")


class SchedulerGone(GradingError):
    """The scheduler could not be reached, or went away mid-batch (the message says what to do)."""


class _Lost(Exception):
    """The connection to the scheduler was lost during the batch (`grade` says what was kept)."""


def connect(address: str, timeout: float | None = None):
    """A Dask client on ``address`` with at least one worker, or one sentence saying why not."""
    timeout = CONNECT_TIMEOUT if timeout is None else timeout
    try:
        from distributed import Client
    except ImportError:
        raise GradingError("Grading with --scheduler needs Dask (`distributed`), part of the grader "
                           f"extra, which is not installed here: {INSTALL}") from None
    _quiet()
    try:
        client = Client(address, timeout=f"{timeout}s", set_as_default=False)
    except (OSError, TimeoutError, ValueError) as err:
        if isinstance(err, ValueError) and "://" not in str(address):
            raise GradingError(f"--scheduler {address!r} is not a Dask address: give it as "
                               "tcp://HOST:8786 (or tls://HOST:8786).") from None
        raise SchedulerGone(f"The Dask scheduler at {address} did not answer within {timeout:g} s: "
                            "start it there (`dask scheduler`), or check the address, the "
                            "port and the firewall.") from None
    try:
        client.wait_for_workers(1, timeout=timeout)
    except (TimeoutError, OSError):
        client.close(timeout=5)
        raise GradingError(f"The Dask scheduler at {address} has no workers: start at least one on "
                           "a machine with the course and its grader extra installed "
                           f"(`dask worker {address} --nthreads 1`).") from None
    return client


def _quiet() -> None:
    """Dask's own log lines on a lost connection: the batch says it in one sentence instead."""
    import logging

    for name in ("distributed.client", "distributed.core", "distributed.comm",
                 "distributed.batched", "distributed.utils"):
        logging.getLogger(name).setLevel(logging.CRITICAL)


def check_workers(client, settings: Settings) -> dict:
    """Every worker can grade as this machine would (the course's code, the grader extra, the
    sandbox unless --no-sandbox), or a `GradingError` naming the first one that cannot and what to
    install there. Returns the Dask threads per host (kernels on one host share its cores)."""
    import cloudpickle

    from . import worker_probe

    cloudpickle.register_pickle_by_value(worker_probe)   # answers on a worker without the course
    try:
        infos = client.run(worker_probe.probe, GRADER_MODULES, on_error="return")
        nthreads = client.nthreads()
    except (OSError, TimeoutError):
        raise _Lost() from None
    ours = fingerprint()
    threads: dict[str, int] = {}
    for address, info in sorted(infos.items()):
        if isinstance(info, BaseException):
            raise GradingError(f"Dask worker {address} could not answer the grader's check "
                               f"({type(info).__name__}: {info}): install the course with its "
                               f"grader extra there (`{INSTALL}`) and start its `dask worker` "
                               "again.")
        where = f"Dask worker {address} (on {info['host']})"
        if info["missing"]:
            raise GradingError(f"{where} cannot grade: its Python ({info['python']}) lacks "
                               f"{', '.join(info['missing'])}; install the course with its "
                               f"grader extra there (`{INSTALL}`, the same version as here) and "
                               "start its `dask worker` again.")
        if info["code"] != ours:
            from .worker import mismatch

            raise GradingError(mismatch(address, info["host"], info["code"], ours))
        if settings.sandbox and info["sandbox"]:
            raise GradingError(f"{where} cannot sandbox the students' code: {info['sandbox']}")
        threads[info["host"]] = threads.get(info["host"], 0) + nthreads.get(address, 1)
    return threads


def fingerprint() -> str:
    """This machine's course code, as `worker_probe.fingerprint` digests it on each worker."""
    from .worker_probe import fingerprint

    return fingerprint()


class Unfinished:
    """``DIR/.course-grade/<assignment>.unfinished``: the submissions a --scheduler batch has
    recorded so far, one ``student<TAB>notebook`` line each, appended as each result is saved.
    Present only while a batch runs or after one was interrupted; the next run grades the rest."""

    def __init__(self, course: Course, assignment: str):
        self.path = course.root / ".course-grade" / f"{assignment}.unfinished"

    def done(self) -> set[tuple[str, str]]:
        if not self.path.exists():
            return set()
        lines = self.path.read_text().splitlines()[1:]
        return {tuple(line.split("\t", 1)) for line in lines if "\t" in line}

    def start(self, students) -> None:
        """Note the batch's students, unless an interrupted batch's note is there (kept, with
        its students, until every one of them is recorded)."""
        if self.path.exists():
            return
        self.path.parent.mkdir(exist_ok=True)
        self.path.write_text(json.dumps({"students": list(students)}) + "\n")

    def add(self, student: str, notebook: str) -> None:
        with open(self.path, "a") as f:
            f.write(f"{student}\t{notebook}\n")

    def finish(self) -> None:
        """After a batch ran to its end: removed, unless students of an earlier interrupted
        batch were left out of this one (``--student``, ``--changed``) and are still to grade."""
        planned = json.loads(self.path.read_text().splitlines()[0])["students"]
        if set(planned) - {student for student, _ in self.done()}:
            return
        self.path.unlink(missing_ok=True)
        try:
            self.path.parent.rmdir()
        except OSError:
            pass


def grade(course: Course, assignment: str, students=None, *, scheduler: str,
          settings: Settings | None = None, progress: bool = True, only_changed: bool = False,
          force: bool = False, on_result=None) -> Batch:
    """Grade every submission of ``assignment`` on the Dask cluster at ``scheduler``, recording
    each result in the gradebook as it arrives (as `grader.batch.grade` does locally). After an
    interrupted batch, only the submissions it did not record are graded (all with ``force``)."""
    settings = settings or Settings(timeout=course.timeout, memory_mb=course.memory_mb)
    templates, todo, batch = prepare(course, assignment, students, settings, only_changed)
    if not todo:
        return batch
    unfinished = Unfinished(course, assignment)
    results: dict[tuple, Result] = {}
    recorded = set() if force else unfinished.done()
    for template in templates:   # kept: recorded by the interrupted batch, and not changed since
        for student in todo:
            if (student, template.notebook) not in recorded:
                continue
            old = load_result(course, student, assignment)
            data = locate(course, template, student).data
            if old is not None and old.notebook == template.notebook and old.digest == (
                    hashlib.sha256(data).hexdigest() if data is not None else ""):
                results[(student, template.notebook)] = old
    done = set(results)
    if done:
        batch.notices.append(f"Resumed an interrupted batch: the {len(done)} submissions it "
                             "graded were kept (--force grades them again).")
    client = connect(scheduler)
    total = len(todo) * len(templates)
    bar = None
    try:
        threads = check_workers(client, settings)
        unfinished.start(todo)
        if progress:
            from tqdm import tqdm

            bar = tqdm(total=total, initial=len(done), desc=f"grading {assignment}", unit="nb",
                       dynamic_ncols=True)
        code = fingerprint()
        with course.gradebook() as gb:
            for template in templates:
                left = [s for s in todo if (s, template.notebook) not in done]
                _run_day(client, course, template, left, settings, threads, code, gb, results,
                         unfinished, batch, bar, on_result)
    except _Lost:
        n = len(results)
        raise SchedulerGone(f"The Dask scheduler at {scheduler} went away mid-batch (or the "
                            f"connection to it was lost): {n} of the {total} submissions of "
                            f"{assignment} are graded and kept, and the same command, once the "
                            f"scheduler and its workers are back, grades the other {total - n} "
                            "(with --force, all of them again).") from None
    finally:
        if bar is not None:
            bar.close()
        try:
            client.close(timeout=5)
        except Exception:  # noqa: BLE001 (a client whose scheduler is gone may not close cleanly)
            pass
    unfinished.finish()
    batch.results = [results[(s, t.notebook)] for t in templates for s in todo
                     if (s, t.notebook) in results]
    return batch


def _run_day(client, course, template, students, settings, threads, code, gb, results,
             unfinished, batch, bar, on_result):
    """One notebook of the assignment: the day to every worker once, then a task per student,
    a few per worker thread in flight at a time (so that the submissions' bytes wait here)."""
    from concurrent.futures import CancelledError

    from distributed import as_completed

    from .worker import Day, failed, grade_task, release

    day = Day(template, day_files(course, template.assignment), replace(settings, env={}),
              threads, code)
    try:
        day_future = client.scatter(day, broadcast=True, hash=False)
    except (OSError, TimeoutError, CancelledError):
        raise _Lost() from None
    waiting = iter(students)
    window = max(8, 4 * sum(threads.values()))
    futures = as_completed(loop=client.loop)
    token = secrets.token_hex(3)
    whose: dict[str, str] = {}          # task key -> student

    def submit_next() -> bool:
        student = next(waiting, None)
        if student is None:
            return False
        sub = locate(course, template, student)
        key = f"grade-{template.notebook}-{student}-{token}"
        whose[key] = student
        futures.add(client.submit(grade_task, day_future, sub, pure=False, key=key))
        return True

    for _ in range(window):
        if not submit_next():
            break
    for future in futures:
        payload = _outcome(future, client, settings)
        if payload is None:   # the workers grading it kept dying (Dask's allowed failures)
            result = failed(template, whose[future.key], "the Dask workers grading it died too "
                            "often")
            nb = None
        else:
            if "error" in payload:
                raise GradingError(payload["error"])
            result = Result.from_json(payload["result"])
            nb = nbformat.reads(payload["notebook"], as_version=4) if payload["notebook"] else None
            batch.notices += [n for n in payload.get("notices", []) if n not in batch.notices]
        finish(course, gb, template, result, nb, results, bar, on_result)
        unfinished.add(result.student, template.notebook)
        submit_next()
    day_future.release()
    try:
        client.run(release, day.key, on_error="ignore")
    except Exception:  # noqa: BLE001 (closing warm kernels is a courtesy; idle ones close later)
        pass


def _outcome(future, client, settings):
    """A finished task's payload; None when Dask gave up on it because its workers kept dying;
    `_Lost` when the scheduler was lost; a `GradingError` naming the worker that cannot run it."""
    from distributed import KilledWorker

    if future.status == "finished":
        try:
            return future.result()
        except Exception:  # noqa: BLE001 (the connection went while the result was fetched)
            raise _Lost() from None
    if future.status == "cancelled" or client.status not in ("running", "newly-created"):
        raise _Lost()
    try:
        future.result()
    except KilledWorker:
        return None
    except Exception as err:  # noqa: BLE001 (a worker that cannot run the task: find it)
        check_workers(client, settings)   # names a worker without the course or with other code
        raise GradingError(f"A Dask worker could not run a grading task ({type(err).__name__}: "
                           f"{err}): every worker needs the course with its grader extra, the "
                           f"same version as here (`{INSTALL}`); fix it and run the same command "
                           "to grade the rest.") from None
    raise _Lost()
