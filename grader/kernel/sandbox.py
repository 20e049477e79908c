"""The sandbox every grading kernel runs in (Linux, with bubblewrap: Debian's ``bubblewrap``, the
sandbox Flatpak uses).

A kernel sees the Python environment and the system libraries read-only, a private writable box
(its working folder with the assembled notebook and the day's data, its home, IPython and
matplotlib folders, and the IPC sockets the grader talks to it through), a private ``/tmp``,
its own process ids and no network. It never sees the course folder, the gradebook, the source
notebooks or another submission.

Every kernel sees its own box at the same place, `Sandbox.inside`, so that the environment is the
same for all of them; on the grader's side box ``i`` is the folder ``root/<token>``. A forked
kernel gets there in `forkserver` (the fork server runs in one bubblewrap sandbox and each kernel
it forks moves into its own mount, process and IPC namespaces, with its own box mounted and every
capability dropped); a kernel started the usual way gets a bubblewrap sandbox of its own.
"""
from __future__ import annotations

import functools
import json
import os
import secrets
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

TMP_BYTES = 512 * 1024 * 1024      # a kernel's private /tmp (memory-backed) holds at most this
# What a kernel may read of /etc: the dynamic linker, time zone, users, fonts, MIME types.
ETC = ("ld.so.cache", "ld.so.conf", "ld.so.conf.d", "alternatives", "localtime", "timezone",
       "passwd", "group", "nsswitch.conf", "fonts", "mime.types", "matplotlibrc", "os-release")
INSTALL = ("install it (Debian or Ubuntu: sudo apt-get install bubblewrap; `make setup` does it "
           "where it runs as root), or grade with --no-sandbox")


def bwrap() -> str | None:
    return shutil.which("bwrap")


@functools.lru_cache(maxsize=1)
def problem() -> str:
    """Why grading kernels cannot be sandboxed here, in one sentence; "" when they can."""
    if not sys.platform.startswith("linux"):
        return (f"Grading kernels run in a bubblewrap sandbox, which needs Linux ({sys.platform} "
                "has none): grade on Linux, or pass --no-sandbox to grade without it.")
    if bwrap() is None:
        return ("Grading kernels run in a bubblewrap sandbox and `bwrap` is not installed: "
                f"{INSTALL}.")
    try:
        box = Sandbox()
    except OSError as err:
        return (f"The grading sandbox could not be prepared ({err}): pass --no-sandbox to grade "
                "without it.")
    try:
        out = subprocess.run(box.argv([sys.executable, "-c", "import course"], fork_server=True),
                             capture_output=True, text=True, timeout=120, env=box.env())
    except (OSError, subprocess.TimeoutExpired) as err:
        out = None
        why = str(err)
    finally:
        box.close()
    if out is not None and out.returncode == 0:
        return ""
    if out is not None:
        lines = (out.stderr or out.stdout).strip().splitlines()
        why = lines[-1] if lines else f"exit status {out.returncode}"
    return (f"bubblewrap cannot create the grading sandbox here ({why}; a container without user "
            "namespaces?): pass --no-sandbox to grade without it.")


def available() -> bool:
    return problem() == ""


SITE = "/run/course-site"      # where a kernel finds the grader's own `course` package


@functools.lru_cache(maxsize=1)
def course_package() -> str:
    """The folder of the `course` package the grader itself imports (a checkout's, an editable
    install's or site-packages'): every kernel imports this one, mounted at ``SITE/course``."""
    import course

    return os.path.realpath(os.path.dirname(course.__file__))


@functools.lru_cache(maxsize=1)
def _python_paths() -> tuple[str, ...]:
    """What the kernels' Python reads: its prefixes and its default sys.path (as a fresh
    interpreter with a clean environment sees it, so not the grader's working folder), never the
    repository around the course package (its notebooks hold the solutions): the package itself
    is mounted on its own (`course_package`)."""
    paths = [sys.prefix, sys.base_prefix, sys.exec_prefix,
             os.path.dirname(os.path.realpath(sys.executable))]
    try:
        out = subprocess.run([sys.executable, "-c", "import sys, json; print(json.dumps(sys.path))"],
                             capture_output=True, text=True, cwd="/", timeout=60,
                             env={"PATH": os.environ.get("PATH", "/usr/bin:/bin")})
        paths += [p for p in json.loads(out.stdout) if p]
    except (OSError, ValueError, subprocess.TimeoutExpired):
        paths += [p for p in sys.path if p and os.path.isabs(p) and "site-packages" in p]
    repo = os.path.dirname(course_package())
    checkout = os.path.isfile(os.path.join(repo, "pyproject.toml"))   # not site-packages
    return tuple(p for p in _outermost(p for p in paths if p and os.path.exists(p))
                 if not (checkout and (p == repo or repo.startswith(p.rstrip("/") + "/"))))


def _outermost(paths) -> list[str]:
    """The real paths, without those inside another one of them."""
    real = sorted({os.path.realpath(p) for p in paths})
    keep: list[str] = []
    for p in real:
        if not any(p == k or p.startswith(k.rstrip("/") + "/") for k in keep):
            keep.append(p)
    return keep


def _data_home() -> str | None:
    """The course's downloaded data (read-only in the sandbox: kernels have no network)."""
    try:
        from course.data.fetch import data_home
    except ImportError:
        return None
    path = data_home()
    return str(path) if path.is_dir() else None


@dataclass
class Box:
    """One kernel's private folder, as the grader sees it: ``work`` (the kernel's working folder),
    home, IPython, matplotlib and runtime folders, and the connection file and sockets."""

    path: Path

    @property
    def work(self) -> Path:
        return self.path / "work"

    @property
    def connection_file(self) -> Path:
        return self.path / "kernel.json"

    def sockets(self) -> str:
        """The prefix of the kernel's IPC sockets on the grader's side."""
        return str(self.path / "k")

    def add(self, files: dict[str, bytes]) -> None:
        """Put files (the notebook, the day's data) into the kernel's working folder."""
        for name, data in files.items():
            target = self.work / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)

    def remove(self) -> None:
        shutil.rmtree(self.path, ignore_errors=True)


class Sandbox:
    """The boxes of one batch, in a private temporary folder (short paths: IPC sockets are files
    whose names may not exceed about 100 characters), and the bubblewrap command lines."""

    def __init__(self):
        self.root = Path(tempfile.mkdtemp(prefix="grading-"))
        self.root.chmod(0o700)
        self.inside = self.root / "kernel"      # where every kernel sees its own box
        self.data = _data_home()
        self._make(self.inside)                 # the fork server's own box

    def _make(self, path: Path) -> Box:
        path.mkdir(exist_ok=True)       # not parents: a closed sandbox's folder is not made again
        for sub in ("work", "home/course", "ipython", "matplotlib", "runtime"):
            (path / sub).mkdir(parents=True, exist_ok=True)
        caches = (Path(os.environ.get("MPLCONFIGDIR", "")), Path.home() / ".cache" / "matplotlib")
        for cache in caches:
            if str(cache) not in ("", ".") and cache.is_dir():   # fonts: not rebuilt per kernel
                for f in cache.glob("fontlist-*.json"):
                    shutil.copy(f, path / "matplotlib" / f.name)
                break
        return Box(path)

    def box(self) -> Box:
        """A fresh, empty box for one kernel."""
        return self._make(self.root / secrets.token_hex(6))

    def env(self) -> dict:
        """The kernels' whole environment (nothing of the grader's own: no secrets pass)."""
        home = self.inside / "home"
        env = {"PATH": os.pathsep.join([str(Path(sys.executable).parent), "/usr/local/bin",
                                        "/usr/bin", "/bin"]),
               "LANG": os.environ.get("LANG", "C.UTF-8"), "HOME": str(home),
               "COURSE_HOME": str(home / "course"), "IPYTHONDIR": str(self.inside / "ipython"),
               "MPLCONFIGDIR": str(self.inside / "matplotlib"),
               "XDG_CACHE_HOME": str(home / ".cache"), "XDG_CONFIG_HOME": str(home / ".config"),
               "TORCH_HOME": str(home / "torch"),
               "JUPYTER_RUNTIME_DIR": str(self.inside / "runtime"),
               "TMPDIR": "/tmp", "PYTHONPATH": SITE}
        if self.data:
            env["COURSE_DATA"] = self.data
        for key in ("TZ", "CUDA_VISIBLE_DEVICES", "LD_LIBRARY_PATH"):
            if key in os.environ:
                env[key] = os.environ[key]
        return env

    def _mounts(self) -> list[str]:
        args = ["--ro-bind", "/usr", "/usr"]
        for name in ("bin", "lib", "lib32", "lib64", "sbin"):
            path = Path("/") / name
            if path.is_symlink():
                args += ["--symlink", os.readlink(path), str(path)]
            elif path.is_dir():
                args += ["--ro-bind", str(path), str(path)]
        for name in ETC:
            if (Path("/etc") / name).exists():
                args += ["--ro-bind", f"/etc/{name}", f"/etc/{name}"]
        args += ["--dev", "/dev", "--proc", "/proc"]
        for dev in sorted(Path("/dev").glob("nvidia*")):   # a GPU, where the machine has one
            args += ["--dev-bind", str(dev), str(dev)]
        args += ["--size", str(TMP_BYTES), "--tmpfs", "/tmp", "--tmpfs", "/dev/shm"]
        # After the private /tmp, so that an environment or data folder under /tmp (a CI clone's
        # .venv) is mounted on top of it rather than hidden by it.
        for path in _python_paths():
            if not path.startswith("/usr/"):
                args += ["--ro-bind", path, path]
        args += ["--ro-bind", course_package(), f"{SITE}/course"]
        if self.data:
            args += ["--ro-bind", self.data, self.data]
        return args

    def argv(self, command: list[str], *, fork_server: bool = False, box: Box | None = None,
             extra_ro: tuple = ()) -> list[str]:
        """The bubblewrap command that runs ``command`` sandboxed: the fork server (which keeps the
        capabilities of its user namespace, to give each kernel it forks namespaces of its own,
        and sees every box), or one kernel in ``box`` (no capabilities at all)."""
        args = [bwrap() or "bwrap", "--unshare-user", "--unshare-pid", "--unshare-net",
                "--unshare-ipc", "--unshare-uts", "--unshare-cgroup-try", "--die-with-parent",
                "--new-session", "--hostname", "grading", *self._mounts()]
        for path in extra_ro:
            args += ["--ro-bind", str(path), str(path)]
        if fork_server:
            args += ["--cap-add", "ALL", "--bind", str(self.root), str(self.root),
                     "--chdir", str(self.inside / "work")]
        else:
            target = box.path if box is not None else self.inside
            args += ["--cap-drop", "ALL", "--bind", str(target), str(self.inside),
                     "--chdir", str(self.inside / "work")]
        return [*args, "--", *command]

    def close(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)
