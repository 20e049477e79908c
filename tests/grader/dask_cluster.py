"""A real Dask cluster on 127.0.0.1 for the tests and bench/grading.py: `dask scheduler` and
`dask worker` processes (the commands an instructor runs), on free ports, stopped at the end."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

DASK = str(Path(sys.executable).parent / "dask")


class Cluster:
    """A scheduler and ``workers`` workers with one thread each (``nanny``: each in a nanny
    process that restarts it when it dies, as `dask worker` runs by default)."""

    def __init__(self, folder: Path, workers: int = 2, nanny: bool = True, port: int = 0):
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        self.nanny = nanny
        self.workers: list[subprocess.Popen] = []
        file = self.folder / "scheduler.json"
        file.unlink(missing_ok=True)
        self.scheduler = self._start("scheduler", "scheduler", "--host", "127.0.0.1", "--port",
                                     str(port), "--no-dashboard", "--scheduler-file", str(file))
        deadline = time.monotonic() + 60
        while not file.exists() or not file.read_text().strip():
            if time.monotonic() > deadline or self.scheduler.poll() is not None:
                self.close()
                raise RuntimeError(f"dask scheduler did not start: {self.log('scheduler')}")
            time.sleep(0.1)
        self.address = json.loads(file.read_text())["address"]
        for i in range(workers):
            self.add_worker(f"worker{i}")
        self.wait(workers)

    def _start(self, name, *argv, env=None):
        log = open(self.folder / f"{name}.log", "w")
        return subprocess.Popen([DASK, *argv], stdout=log, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL, env=env, start_new_session=True)

    def add_worker(self, name: str, env=None) -> subprocess.Popen:
        argv = ["worker", self.address, "--nthreads", "1", "--host", "127.0.0.1",
                "--no-dashboard", "--name", name]
        if not self.nanny:
            argv.append("--no-nanny")
        proc = self._start(name, *argv, env=env)
        self.workers.append(proc)
        return proc

    def log(self, name: str) -> str:
        path = self.folder / f"{name}.log"
        return path.read_text()[-2000:] if path.exists() else ""

    def wait(self, n: int, timeout: float = 120) -> None:
        from distributed import Client

        with Client(self.address, timeout="30s", set_as_default=False) as client:
            client.wait_for_workers(n, timeout=timeout)

    def worker_pids(self) -> dict[str, int]:
        """Each worker's address and the pid of the process that runs its tasks."""
        from distributed import Client

        with Client(self.address, timeout="30s", set_as_default=False) as client:
            return client.run(os.getpid)

    def stop_scheduler(self) -> None:
        _kill(self.scheduler)

    def close(self) -> None:
        for proc in [*self.workers, self.scheduler]:
            _kill(proc)


def _kill(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        try:
            os.killpg(proc.pid, signal.SIGKILL)   # the nanny and its worker (a session each)
        except OSError:
            pass
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        pass


class Proxy:
    """A TCP relay to the scheduler (the coordinator's way to it): `cut` closes it and every
    connection through it, as a scheduler that goes away or a network that drops does;
    `start` opens it again on the same port."""

    def __init__(self, target: str):
        host, port = target.rsplit("://", 1)[-1].rsplit(":", 1)
        self.target = (host, int(port))
        self.port = 0
        self.listener = None
        self.sockets: list = []
        self.start()

    @property
    def address(self) -> str:
        return f"tcp://127.0.0.1:{self.port}"

    def start(self) -> None:
        import socket
        import threading

        self.listener = socket.socket()
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind(("127.0.0.1", self.port))
        self.port = self.listener.getsockname()[1]
        self.listener.listen()
        threading.Thread(target=self._accept, args=(self.listener,), daemon=True).start()

    def _accept(self, listener) -> None:
        import socket
        import threading

        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            upstream = socket.create_connection(self.target)
            self.sockets += [client, upstream]
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(a, b), daemon=True).start()

    @staticmethod
    def _pump(src, dst) -> None:
        try:
            while data := src.recv(65536):
                dst.sendall(data)
        except OSError:
            pass
        for s in (src, dst):
            try:
                s.close()
            except OSError:
                pass

    def cut(self) -> None:
        import socket

        self.listener.close()
        for s in self.sockets:
            try:
                s.shutdown(socket.SHUT_RDWR)
                s.close()
            except OSError:
                pass
        self.sockets.clear()
