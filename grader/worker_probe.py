"""What a Dask worker has installed, asked before a batch is sent to it.

`probe` runs on every worker (`Client.run`) and is sent by value (the coordinator registers this
module with cloudpickle), so it answers even on a worker without the course: it imports only
the standard library until it knows the course is there. `fingerprint` tells two installs of the
course apart when their version number is the same (an editable checkout, a changed wheel).
"""
from __future__ import annotations

DISTRIBUTION = "hundred-days-dl"
PACKAGES = ("grader", "course")          # the code whose every line can change a grade


def fingerprint() -> str:
    """A digest of the course's and the grader's code (their .py and .json files)."""
    import hashlib
    import importlib.util
    from pathlib import Path

    digest = hashlib.sha256()
    for name in PACKAGES:
        spec = importlib.util.find_spec(name)
        if spec is None or not spec.submodule_search_locations:
            return ""
        root = Path(list(spec.submodule_search_locations)[0])
        for f in sorted(root.rglob("*")):
            if f.suffix in (".py", ".json") and "__pycache__" not in f.parts and f.is_file():
                digest.update(f.relative_to(root.parent).as_posix().encode() + b"\0")
                digest.update(f.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


def probe(modules) -> dict:
    """This worker's host, cores, Python, the course's version and code digest, which of
    ``modules`` (the grader extra's) are missing, and why the sandbox cannot run here ("" if it
    can)."""
    import importlib.util
    import os
    import socket
    import sys

    info = {"host": socket.gethostname(), "cpus": os.cpu_count() or 1, "python": sys.executable,
            "missing": [], "version": "", "code": "", "sandbox": ""}

    def missing(name: str) -> bool:
        try:
            return importlib.util.find_spec(name) is None
        except (ImportError, ValueError):
            return True

    info["missing"] = [m for m in (*PACKAGES, *modules) if missing(m)]
    try:
        from importlib.metadata import version

        info["version"] = version(DISTRIBUTION)
    except Exception:  # noqa: BLE001 (not installed as a distribution: the digest still says)
        pass
    if info["missing"]:
        return info
    info["code"] = fingerprint()
    try:
        from grader.kernel import sandbox

        info["sandbox"] = sandbox.problem()
    except Exception as err:  # noqa: BLE001 (reported as the reason the sandbox cannot run)
        info["sandbox"] = f"{type(err).__name__}: {err}"
    return info
