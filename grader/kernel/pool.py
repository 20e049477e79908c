"""Warm kernels for a batch: forked from one warm process (the zygote) where the platform can,
started the usual way where it cannot, and handed to the graders as they need them.

When forking was asked for but fails (the fork server does not start, or a fork fails), kernels
are started the usual way, about 1.5x slower; `KernelSource.fallbacks` says so, with the reason,
for the batch's summary.
"""
from __future__ import annotations

import json
import os
import queue
import secrets
import signal
import subprocess
import sys
import threading
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import GradingError
from .client import GradingKernel, warm_imports

if TYPE_CHECKING:
    from ..scoring import Settings
    from ..template import Template

FORKSERVER = Path(__file__).with_name("forkserver.py")   # run as a script
SLOWER = "about 1.5x slower"    # plain kernels against forked ones: bench/grading.py, --jobs 2, Day 01


class _ForkedKernel:
    """What GradingKernel needs of a kernel manager, for a kernel forked by the zygote."""

    def __init__(self, pid: int, connection_file: Path):
        self.pid, self.connection_file = pid, connection_file

    def is_alive(self) -> bool:
        try:
            os.kill(self.pid, 0)
        except OSError:
            return False
        return True

    def interrupt_kernel(self) -> None:
        os.kill(self.pid, signal.SIGINT)

    def shutdown_kernel(self, now: bool = True) -> None:
        try:
            os.killpg(self.pid, signal.SIGKILL)   # the kernel and anything it started
        except OSError:
            pass
        self.connection_file.unlink(missing_ok=True)


class Zygote:
    """The fork server (`forkserver`, run as a script): one process that imports the day's
    modules once and forks a fresh kernel for each submission, so the start-up and imports are
    paid once per batch instead of once per student."""

    def __init__(self, imports, env: dict, scratch: Path):
        if not hasattr(os, "fork"):
            raise GradingError("this platform cannot fork processes")
        self.scratch = scratch
        self.lock = threading.Lock()
        self.log = scratch / f"forkserver-{secrets.token_hex(4)}.log"
        with open(self.log, "w") as log:
            self.proc = subprocess.Popen(
                [sys.executable, str(FORKSERVER), json.dumps(warm_imports(imports))],
                cwd=str(scratch), env={**os.environ, **env}, stdin=subprocess.PIPE,
                stdout=subprocess.PIPE, stderr=log, text=True, bufsize=1)
        if self.proc.stdout.readline().strip() != "ready":
            self.close()
            raise GradingError(f"the fork server stopped at start-up{self._last_words()}")

    def _last_words(self) -> str:
        """The last line the fork server wrote to stderr (the error it stopped with)."""
        try:
            lines = self.log.read_text(errors="replace").strip().splitlines()
        except OSError:
            return ""
        return f": {lines[-1].strip()}" if lines else ""

    def spawn(self, cwd):
        """A new kernel forked from the warm process: its manager and a connected client."""
        from jupyter_client import BlockingKernelClient
        from jupyter_client.connect import write_connection_file

        cf = self.scratch / f"kernel-{secrets.token_hex(6)}.json"
        write_connection_file(str(cf), ip="127.0.0.1", key=secrets.token_hex(16).encode())
        try:
            with self.lock:
                self.proc.stdin.write(json.dumps({"connection_file": str(cf),
                                                  "cwd": str(cwd)}) + "\n")
                self.proc.stdin.flush()
                reply = self.proc.stdout.readline()
        except OSError:
            reply = ""
        if not reply:
            raise GradingError(f"the fork server stopped{self._last_words()}")
        km = _ForkedKernel(json.loads(reply)["pid"], cf)
        kc = BlockingKernelClient()
        kc.load_connection_file(str(cf))
        kc.start_channels()
        try:
            kc.wait_for_ready(timeout=60)
        except RuntimeError:
            kc.stop_channels()
            km.shutdown_kernel()
            raise GradingError("a forked kernel did not answer within 60 s") from None
        return km, kc

    def close(self) -> None:
        try:
            self.proc.stdin.close()
            self.proc.kill()
            self.proc.wait(timeout=10)
        except (OSError, subprocess.TimeoutExpired):
            return


def new_kernel(template: Template, settings: Settings, cwd,
               zygote: Zygote | None = None) -> GradingKernel:
    """A warm kernel, forked from ``zygote`` when given, else started the usual way."""
    return GradingKernel(template.imports, settings.env, settings.memory_mb, cwd, zygote)


class KernelSource:
    """Warm kernels for one assignment, started ahead of need by ``ahead`` threads."""

    def __init__(self, template: Template, settings: Settings, cwd, ahead: int, total: int):
        self.template, self.settings, self.cwd = template, settings, cwd
        self.queue: queue.Queue = queue.Queue()
        self.left = total
        self.lock = threading.Lock()
        self.closed = False
        self.zygote: Zygote | None = None
        self.start_failure = ""         # why the fork server did not start
        self.fork_failures: list[str] = []   # why a fork failed, one entry per kernel
        if settings.fork:
            try:
                self.zygote = Zygote(template.imports, settings.env, Path(cwd))
            except Exception as err:  # noqa: BLE001 (plain kernels work everywhere)
                self.start_failure = _reason(err)
        self.threads = [threading.Thread(target=self._fill, daemon=True) for _ in range(ahead)]
        self.room = threading.Semaphore(ahead)
        for t in self.threads:
            t.start()

    def new(self) -> GradingKernel:
        """A kernel now: forked if the zygote can, else started the usual way (and counted)."""
        if self.zygote is not None:
            try:
                return new_kernel(self.template, self.settings, self.cwd, self.zygote)
            except Exception as err:  # noqa: BLE001 (a plain kernel instead, reported)
                with self.lock:
                    self.fork_failures.append(_reason(err))
        return new_kernel(self.template, self.settings, self.cwd)

    def fallbacks(self) -> list[str]:
        """Sentences for the summary when kernels were started the usual way although forking
        was asked for; empty when every kernel was forked (or forking was not asked for)."""
        if self.start_failure:
            said = (f"The fork server could not start ({self.start_failure}); kernels were "
                    f"started the usual way, {SLOWER}.")
            return [said]
        n = len(self.fork_failures)
        if n:
            times, which = ("times", "those kernels were") if n > 1 else ("time", "it was")
            said = (f"Forking a kernel failed {n} {times} ({self.fork_failures[0]}); {which} "
                    f"started the usual way, {SLOWER}.")
            return [said]
        return []

    def _fill(self):
        while True:
            self.room.acquire()
            with self.lock:
                if self.left <= 0 or self.closed:
                    return
                self.left -= 1
            try:
                self.queue.put(self.new())
            except Exception as err:  # noqa: BLE001 (handed to the worker that takes it)
                self.queue.put(err)

    def get(self) -> GradingKernel:
        item = self.queue.get()
        self.room.release()
        if isinstance(item, Exception):
            raise item
        return item

    def close(self):
        self.closed = True
        for _ in self.threads:
            self.room.release()
        while not self.queue.empty():
            item = self.queue.get_nowait()
            if isinstance(item, GradingKernel):
                item.close()
        if self.zygote is not None:
            self.zygote.close()


def _reason(err: Exception) -> str:
    return str(err) if isinstance(err, GradingError) else f"{type(err).__name__}: {err}"
