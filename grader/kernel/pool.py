"""Warm kernels for a batch: forked from one warm process (the zygote) where the platform can,
started the usual way where it cannot, and handed to the graders as they need them. With a
`Sandbox`, the zygote runs inside bubblewrap and every kernel in a box of its own (`sandbox`).

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
import time
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import GradingError
from .client import WARM_TIMEOUT, GradingKernel, warm_imports

if TYPE_CHECKING:
    from ..scoring import Settings
    from ..template import Template
    from .sandbox import Box, Sandbox

FORKSERVER = Path(__file__).with_name("forkserver.py")   # run as a script
SLOWER = "about 1.5x slower"    # plain kernels against forked ones: bench/grading.py, --jobs 2, Day 01


class _ForkedKernel:
    """What GradingKernel needs of a kernel manager, for a kernel forked by the zygote. In the
    sandbox its pid is one of the sandbox's own, so the zygote (``ask``) checks and kills it, and
    an interrupt is a message on the control channel (ipykernel then signals itself)."""

    def __init__(self, pid: int, connection_file: Path, ask=None, box: Box | None = None):
        self.pid, self.connection_file = pid, connection_file
        self.ask, self.box = ask, box
        self.client = None          # set by GradingKernel: interrupts go through it when boxed

    def is_alive(self) -> bool:
        if self.ask is not None:
            return bool(self.ask({"op": "alive", "pid": self.pid}).get("alive"))
        try:
            os.kill(self.pid, 0)
        except OSError:
            return False
        return True

    def interrupt_kernel(self) -> None:
        if self.ask is not None:
            interrupt_by_message(self.client)
        else:
            os.kill(self.pid, signal.SIGINT)

    def shutdown_kernel(self, now: bool = True) -> None:
        if self.ask is not None:
            try:
                self.ask({"op": "kill", "pid": self.pid})   # process 1 of its namespace: all go
            except GradingError:
                pass
            self.box.remove()
            return
        try:
            os.killpg(self.pid, signal.SIGKILL)   # the kernel and anything it started
        except OSError:
            pass
        self.connection_file.unlink(missing_ok=True)


_LAUNCHER = None


def popen(argv, **kwargs) -> subprocess.Popen:
    """subprocess.Popen from one long-lived thread: bubblewrap's --die-with-parent kills the
    sandbox when the *thread* that started it ends (Linux ties it to the thread), and kernels
    are started ahead of need by short-lived threads."""
    global _LAUNCHER
    if _LAUNCHER is None:
        from concurrent.futures import ThreadPoolExecutor

        _LAUNCHER = ThreadPoolExecutor(max_workers=1, thread_name_prefix="grader-launcher")
    return _LAUNCHER.submit(subprocess.Popen, argv, **kwargs).result()


def interrupt_by_message(client) -> None:
    """Ask the kernel to interrupt itself (Jupyter's interrupt_request on the control channel)."""
    if client is not None:
        client.control_channel.send(client.session.msg("interrupt_request", {}))


def _connect(box: Box, inside: Path):
    """Write ``box``'s connection file (IPC sockets, as the kernel sees its box at ``inside``) and
    return a client on the grader's side of the same sockets, not yet started."""
    from jupyter_client import BlockingKernelClient
    from jupyter_client.connect import write_connection_file

    key = secrets.token_hex(16).encode()
    ports = dict(shell_port=1, iopub_port=2, stdin_port=3, control_port=4, hb_port=5)
    write_connection_file(str(box.connection_file), ip=str(inside / "k"), key=key,
                          transport="ipc", **ports)
    kc = BlockingKernelClient()
    kc.load_connection_info({**ports, "ip": box.sockets(), "key": key, "transport": "ipc",
                             "signature_scheme": "hmac-sha256"})
    return kc


class _BoxedKernel:
    """A kernel started the usual way inside a bubblewrap sandbox of its own (no fork server)."""

    def __init__(self, sandbox: Sandbox, env: dict):
        self.box = sandbox.box()
        self.client = None
        inside = sandbox.inside
        self.kc = _connect(self.box, inside)
        argv = sandbox.argv([sys.executable, "-m", "ipykernel_launcher", "-f",
                             str(inside / "kernel.json"), "--HistoryManager.enabled=False"],
                            box=self.box)
        self.proc = popen(argv, env={**sandbox.env(), **_plain(env)}, stdin=subprocess.DEVNULL,
                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                          start_new_session=True)

    def is_alive(self) -> bool:
        return self.proc.poll() is None

    def interrupt_kernel(self) -> None:
        interrupt_by_message(self.client)

    def shutdown_kernel(self, now: bool = True) -> None:
        try:
            self.proc.kill()       # bubblewrap's children die with it (--die-with-parent)
            self.proc.wait(timeout=10)
        except (OSError, subprocess.TimeoutExpired):
            pass
        self.box.remove()


def wait_until_ready(kc, km, timeout: float) -> bool:
    """Whether the kernel answered within ``timeout`` s. jupyter_client gives up as soon as one
    heartbeat is missed, which a kernel still importing on a loaded machine can do: try again
    while its process lives."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            kc.wait_for_ready(timeout=max(1.0, deadline - time.monotonic()))
            return True
        except RuntimeError:
            if time.monotonic() >= deadline or not km.is_alive():
                return False
            time.sleep(0.2)


def start_boxed(sandbox: Sandbox, env: dict):
    """A plain kernel in its own sandbox: its manager and a connected client."""
    km = _BoxedKernel(sandbox, env)
    kc = km.kc
    kc.start_channels()
    if not wait_until_ready(kc, km, WARM_TIMEOUT):
        kc.stop_channels()
        km.shutdown_kernel()
        raise GradingError("a sandboxed kernel did not start (is bubblewrap working?)") from None
    return km, kc


def _plain(env: dict) -> dict:
    """The kernel settings of ``env`` that are not folders (those are the sandbox's own)."""
    return {k: v for k, v in env.items()
            if k not in ("HOME", "COURSE_HOME", "IPYTHONDIR", "MPLCONFIGDIR", "XDG_CACHE_HOME",
                         "XDG_CONFIG_HOME", "TORCH_HOME", "JUPYTER_RUNTIME_DIR", "PATH")}


class Zygote:
    """The fork server (`forkserver`, run as a script): one process that imports the day's
    modules once and forks a fresh kernel for each submission, so the start-up and imports are
    paid once per batch instead of once per student."""

    def __init__(self, imports, env: dict, scratch: Path, sandbox: Sandbox | None = None):
        if not hasattr(os, "fork"):
            raise GradingError("this platform cannot fork processes")
        self.scratch, self.sandbox = scratch, sandbox
        self.lock = threading.Lock()
        self.log = scratch / f"forkserver-{secrets.token_hex(4)}.log"
        argv = [sys.executable, str(FORKSERVER), json.dumps(warm_imports(imports))]
        full_env = {**os.environ, **env}
        if sandbox is not None:
            argv = sandbox.argv([*argv, "--sandboxed"], fork_server=True, extra_ro=(FORKSERVER,))
            full_env = {**sandbox.env(), **_plain(env)}
        with open(self.log, "w") as log:
            self.proc = popen(argv, cwd=str(scratch), env=full_env, stdin=subprocess.PIPE,
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

    def ask(self, request: dict) -> dict:
        """One request to the fork server and its answer."""
        try:
            with self.lock:
                self.proc.stdin.write(json.dumps(request) + "\n")
                self.proc.stdin.flush()
                reply = self.proc.stdout.readline()
        except (OSError, ValueError):
            reply = ""
        if not reply:
            raise GradingError(f"the fork server stopped{self._last_words()}")
        return json.loads(reply)

    def spawn(self, cwd):
        """A new kernel forked from the warm process: its manager and a connected client (in
        the sandbox: in a box of its own, whatever ``cwd`` says)."""
        if self.sandbox is not None:
            box = self.sandbox.box()
            inside = self.sandbox.inside
            kc = _connect(box, inside)
            try:
                reply = self.ask({"connection_file": str(inside / "kernel.json"),
                                  "cwd": str(inside / "work"), "box": str(box.path),
                                  "inside": str(inside)})
            except GradingError:
                box.remove()
                raise
            if "error" in reply:
                box.remove()
                raise GradingError(f"the sandboxed kernel could not start ({reply['error']})")
            km = _ForkedKernel(reply["pid"], box.connection_file, ask=self.ask, box=box)
        else:
            from jupyter_client import BlockingKernelClient
            from jupyter_client.connect import write_connection_file

            cf = self.scratch / f"kernel-{secrets.token_hex(6)}.json"
            write_connection_file(str(cf), ip="127.0.0.1", key=secrets.token_hex(16).encode())
            reply = self.ask({"connection_file": str(cf), "cwd": str(cwd)})
            km = _ForkedKernel(reply["pid"], cf)
            kc = BlockingKernelClient()
            kc.load_connection_file(str(cf))
        kc.start_channels()
        if not wait_until_ready(kc, km, 60):
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
               zygote: Zygote | None = None, sandbox: Sandbox | None = None) -> GradingKernel:
    """A warm kernel, forked from ``zygote`` when given, else started the usual way; in
    ``sandbox`` when given."""
    exercises = (getattr(template, "day", 0), getattr(template, "exercises", {}))
    return GradingKernel(template.imports, settings.env, settings.memory_mb, cwd, zygote,
                         sandbox=sandbox, exercises=exercises)


class KernelSource:
    """Warm kernels for one assignment, started ahead of need by ``ahead`` threads."""

    def __init__(self, template: Template, settings: Settings, cwd, ahead: int, total: int,
                 sandbox: Sandbox | None = None):
        self.template, self.settings, self.cwd = template, settings, cwd
        self.sandbox = sandbox
        self.queue: queue.Queue = queue.Queue()
        self.left = total
        self.lock = threading.Lock()
        self.closed = False
        self.zygote: Zygote | None = None
        self.start_failure = ""         # why the fork server did not start
        self.fork_failures: list[str] = []   # why a fork failed, one entry per kernel
        if settings.fork:
            try:
                self.zygote = Zygote(template.imports, settings.env, Path(cwd), sandbox)
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
                return new_kernel(self.template, self.settings, self.cwd, self.zygote,
                                  sandbox=self.sandbox)
            except Exception as err:  # noqa: BLE001 (a plain kernel instead, reported)
                with self.lock:
                    self.fork_failures.append(_reason(err))
        return new_kernel(self.template, self.settings, self.cwd, sandbox=self.sandbox)

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
                item = self.new()
            except Exception as err:  # noqa: BLE001 (handed to the worker that takes it)
                item = err
            with self.lock:
                if not self.closed:
                    self.queue.put(item)
                    continue
            if isinstance(item, GradingKernel):   # started while the batch ended: not kept
                item.close()
            return

    def get(self) -> GradingKernel:
        item = self.queue.get()
        self.room.release()
        if isinstance(item, Exception):
            raise item
        return item

    def close(self):
        """Close the kernels started ahead and not used (also those still starting: waited for,
        so that none outlives the batch or its sandbox), then the fork server."""
        with self.lock:
            self.closed = True
        for _ in self.threads:
            self.room.release()
        for t in self.threads:
            t.join(timeout=120)
        while not self.queue.empty():
            item = self.queue.get_nowait()
            if isinstance(item, GradingKernel):
                item.close()
        if self.zygote is not None:
            self.zygote.close()


def _reason(err: Exception) -> str:
    return str(err) if isinstance(err, GradingError) else f"{type(err).__name__}: {err}"
