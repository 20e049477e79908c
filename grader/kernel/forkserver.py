"""A fork server for grading kernels, run as a script: ``python forkserver.py MODULES_JSON``.

It imports the day's modules once, says ``ready`` on stdout, then reads one JSON request a line
on stdin (``{"connection_file": ..., "cwd": ...}``) and forks a fresh IPython kernel for each,
answering ``{"pid": ...}``. Every kernel is a separate process started clean from the same warm
state, so no state passes from one student to the next and nobody pays for the imports.

Started as a script, not as ``-m grader...``, and importing nothing from `grader`: a student's
code finds no grader module in the kernel's ``sys.modules``.
"""
from __future__ import annotations

import importlib
import json
import os
import signal
import sys


def _forget_own_folder() -> None:
    """Python put this file's folder first on sys.path: the kernels must not import from it."""
    here = os.path.dirname(os.path.abspath(__file__))
    sys.path[:] = [p for p in sys.path if os.path.abspath(p or ".") != here]


def warm(modules) -> list[str]:
    """Import ``modules``; returns those that failed (their cells report it when they run)."""
    failed = []
    for name in modules:
        try:
            importlib.import_module(name)
        except Exception:  # noqa: BLE001 (any error: the cell that imports it reports it)
            failed.append(name)
    return failed


def _kernel(request: dict) -> None:
    """In the forked child: become a kernel on the request's connection file (never returns)."""
    import ipykernel.kernelapp

    try:
        os.setsid()
        null = os.open(os.devnull, os.O_RDWR)
        for fd in (0, 1, 2):
            os.dup2(null, fd)
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        os.chdir(request["cwd"])
        # As a kernel started the usual way sees them (not this file's path).
        sys.argv = ["ipykernel_launcher", "-f", request["connection_file"]]
        sys.orig_argv = [sys.executable, "-m", *sys.argv]
        app = ipykernel.kernelapp.IPKernelApp.instance()
        app.initialize(["-f", request["connection_file"], "--HistoryManager.enabled=False"])
        app.start()
    finally:
        os._exit(0)


def serve(requests, answers) -> None:
    """Fork a kernel for every request line; answer each with its process id."""
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)   # children are reaped by the system
    for line in requests:
        request = json.loads(line)
        pid = os.fork()
        if pid == 0:
            _kernel(request)
        answers.write(json.dumps({"pid": pid}) + "\n")
        answers.flush()


def main(argv) -> None:
    _forget_own_folder()
    warm(json.loads(argv[0]) if argv else [])
    import ipykernel.kernelapp  # noqa: F401 (imported once here, not in every kernel)

    sys.stdout.write("ready\n")
    sys.stdout.flush()
    serve(sys.stdin, sys.stdout)


if __name__ == "__main__":
    main(sys.argv[1:])
