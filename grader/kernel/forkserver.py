"""A fork server for grading kernels, run as a script: ``python forkserver.py MODULES_JSON``.

It imports the day's modules once, says ``ready`` on stdout, then reads one JSON request a line
on stdin and answers each with one JSON line:

- ``{"connection_file": ..., "cwd": ...}`` forks a fresh IPython kernel: ``{"pid": ...}``;
  with ``"box": PATH, "inside": PATH`` (in the grading sandbox) the kernel first moves into
  namespaces of its own (`isolate`);
- ``{"op": "alive", "pid": ...}``: ``{"alive": true|false}``;
- ``{"op": "kill", "pid": ...}`` kills a kernel and everything it started: ``{"ok": true}``.

Every kernel is a separate process started clean from the same warm state, so no state passes
from one student to the next and nobody pays for the imports.

Started as a script, not as ``-m grader...``, and importing nothing from `grader`: a student's
code finds no grader module in the kernel's ``sys.modules``.
"""
from __future__ import annotations

import importlib
import json
import os
import signal
import sys

# Linux: unshare(2), mount(2) and prctl(2) flags.
CLONE_NEWNS, CLONE_NEWIPC, CLONE_NEWPID = 0x00020000, 0x08000000, 0x20000000
MS_RDONLY, MS_REMOUNT = 1, 32
MS_NOSUID, MS_NODEV, MS_NOEXEC, MS_BIND, MS_REC, MS_PRIVATE = 2, 4, 8, 4096, 16384, 1 << 18
PR_SET_DUMPABLE, PR_CAPBSET_DROP, PR_SET_NO_NEW_PRIVS, PR_CAP_AMBIENT = 4, 24, 38, 47
TMP_OPTIONS = b"mode=1777,size=536870912"


def _forget_own_folder() -> None:
    """Python put this file's folder first on sys.path: the kernels must not import from it."""
    here = os.path.dirname(os.path.abspath(__file__))
    sys.path[:] = [p for p in sys.path if os.path.abspath(p or ".") != here]


def warm(modules) -> list[str]:
    """Import ``modules`` and mark the course's reference code (`course.integrity`), once for
    every kernel; returns the modules that failed (their cells report it when they run)."""
    failed = []
    for name in modules:
        try:
            importlib.import_module(name)
        except Exception:  # noqa: BLE001 (any error: the cell that imports it reports it)
            failed.append(name)
    try:
        importlib.import_module("course.integrity").mark(prints=True)
    except Exception:  # noqa: BLE001 (each kernel's guard marks it again, or reports why not)
        pass
    return failed


def _libc():
    import ctypes

    return ctypes, ctypes.CDLL(None, use_errno=True)


def _call(what: str, result: int) -> None:
    if result != 0:
        ctypes, _ = _libc()
        err = ctypes.get_errno()
        raise OSError(err, f"{what}: {os.strerror(err)}")


def _bytes(value):
    return os.fsencode(value) if isinstance(value, str) else value


def _mount(source, target, fstype, flags, data=None) -> None:
    _, libc = _libc()
    _call(f"mount {target}", libc.mount(_bytes(source), _bytes(target), _bytes(fstype), flags,
                                        _bytes(data)))


def drop_privileges() -> None:
    """No capability left (effective, permitted, inheritable, ambient, bounding), none to gain
    by exec; the kernel can no longer change its mounts or namespaces."""
    ctypes, libc = _libc()
    _call("no_new_privs", libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0))
    for cap in range(64):
        libc.prctl(PR_CAPBSET_DROP, cap, 0, 0, 0)
    libc.prctl(PR_CAP_AMBIENT, 4, 0, 0, 0)      # PR_CAP_AMBIENT_CLEAR_ALL

    class Header(ctypes.Structure):
        _fields_ = [("version", ctypes.c_uint32), ("pid", ctypes.c_int)]

    class Data(ctypes.Structure):
        _fields_ = [("effective", ctypes.c_uint32), ("permitted", ctypes.c_uint32),
                    ("inheritable", ctypes.c_uint32)]

    header, data = Header(0x20080522, 0), (Data * 2)()
    _call("capset", libc.capset(ctypes.byref(header), ctypes.byref(data)))
    libc.prctl(PR_SET_DUMPABLE, 1, 0, 0, 0)


def _python_under_tmp() -> list[str]:
    """The folders of this Python's environment and import path that lie under /tmp (a CI clone's
    .venv): the private /tmp would hide them, so `isolate` mounts them again, read-only."""
    paths = sorted({os.path.realpath(p) for p in (sys.prefix, sys.exec_prefix, *sys.path)
                    if p and os.path.isabs(p) and os.path.isdir(p)})
    under = [p for p in paths if p.startswith("/tmp/")]
    return [p for p in under if not any(p.startswith(q + "/") for q in under if q != p)]


def isolate(box: str, inside: str) -> None:
    """In a new mount namespace (already entered): a fresh /proc for the kernel's own process ids,
    a private /tmp and /dev/shm (with the Python environment's folders under /tmp mounted again,
    read-only), the other boxes hidden and ``box`` mounted at ``inside``; then every capability
    dropped."""
    fd = os.open(box, os.O_RDONLY | os.O_DIRECTORY)
    keep = [(path, os.open(path, os.O_RDONLY | os.O_DIRECTORY)) for path in _python_under_tmp()]
    _mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC)
    _mount("tmpfs", "/tmp", "tmpfs", MS_NOSUID | MS_NODEV, TMP_OPTIONS)
    for path, path_fd in keep:
        os.makedirs(path, exist_ok=True)
        _mount(f"/proc/self/fd/{path_fd}", path, None, MS_BIND | MS_REC)
        _mount("none", path, None, MS_BIND | MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV)
        os.close(path_fd)
    _mount("tmpfs", "/dev/shm", "tmpfs", MS_NOSUID | MS_NODEV, TMP_OPTIONS)
    boxes = os.path.dirname(inside)
    if os.path.exists(boxes):       # the boxes are not under /tmp: hide them all the same
        _mount("tmpfs", boxes, "tmpfs", MS_NOSUID | MS_NODEV, b"mode=0755,size=65536")
    os.makedirs(inside, exist_ok=True)
    _mount(f"/proc/self/fd/{fd}", inside, None, MS_BIND | MS_REC)
    os.close(fd)
    drop_privileges()


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


def _boxed(request: dict, report: int) -> None:
    """In the forked child: enter new mount, IPC and process-id namespaces and fork the kernel
    into them (it is process 1 there: when it dies, everything it started dies with it). Writes
    the kernel's pid, then its set-up's outcome, to ``report`` (never returns)."""
    try:
        _, libc = _libc()
        _call("unshare", libc.unshare(CLONE_NEWNS | CLONE_NEWIPC | CLONE_NEWPID))
        _mount("none", "/", None, MS_REC | MS_PRIVATE)
        pid = os.fork()
    except Exception as err:  # noqa: BLE001 (reported to the grader)
        os.write(report, (json.dumps({"error": f"{type(err).__name__}: {err}"}) + "\n").encode())
        os._exit(1)
    if pid:
        os.write(report, (json.dumps({"pid": pid}) + "\n").encode())
        os._exit(0)
    try:
        isolate(request["box"], request["inside"])
    except Exception as err:  # noqa: BLE001 (reported to the grader)
        os.write(report, (json.dumps({"error": f"{type(err).__name__}: {err}"}) + "\n").encode())
        os._exit(1)
    os.write(report, b'{"ok": true}\n')
    os.close(report)
    _kernel(request)


def _spawn_boxed(request: dict) -> dict:
    read, write = os.pipe()
    if os.fork() == 0:
        os.close(read)
        _boxed(request, write)
    os.close(write)
    chunks = []
    while True:
        chunk = os.read(read, 4096)
        if not chunk:
            break
        chunks.append(chunk)
    os.close(read)
    answer: dict = {}
    for line in b"".join(chunks).decode(errors="replace").splitlines():
        answer.update(json.loads(line))
    if "error" in answer or "ok" not in answer:
        if answer.get("pid"):
            _kill(answer["pid"])
        return {"error": answer.get("error", "the sandboxed kernel stopped while starting")}
    return {"pid": answer["pid"]}


def _kill(pid: int) -> None:
    try:
        os.kill(pid, signal.SIGKILL)
    except OSError:
        pass


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except OSError:
        return False
    return True


def answer(request: dict) -> dict:
    op = request.get("op", "spawn")
    if op == "alive":
        return {"alive": _alive(int(request["pid"]))}
    if op == "kill":
        _kill(int(request["pid"]))
        return {"ok": True}
    if request.get("box"):
        return _spawn_boxed(request)
    pid = os.fork()
    if pid == 0:
        _kernel(request)
    return {"pid": pid}


def serve(requests, answers) -> None:
    """Answer every request line (fork a kernel, say whether one is alive, kill one)."""
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)   # children are reaped by the system
    for line in requests:
        answers.write(json.dumps(answer(json.loads(line))) + "\n")
        answers.flush()


def main(argv) -> None:
    _forget_own_folder()
    if len(argv) > 1 and argv[1] == "--sandboxed":
        _, libc = _libc()
        libc.prctl(PR_SET_DUMPABLE, 0, 0, 0, 0)   # no kernel may read or trace this process
    warm(json.loads(argv[0]) if argv else [])
    import ipykernel.kernelapp  # noqa: F401 (imported once here, not in every kernel)

    sys.stdout.write("ready\n")
    sys.stdout.flush()
    serve(sys.stdin, sys.stdout)


if __name__ == "__main__":
    main(sys.argv[1:])
