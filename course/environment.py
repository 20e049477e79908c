"""Where a notebook is running: JupyterLab / Notebook on the learner's machine, Colab or Binder."""
from __future__ import annotations

import importlib.util
import os
from pathlib import Path

COLAB_DRIVE = Path("/content/drive/MyDrive")


def detect() -> str:
    """One of ``"colab"``, ``"binder"``, ``"lab"`` (a local Jupyter server) or ``"other"``."""
    if os.environ.get("COLAB_RELEASE_TAG") or _has_module("google.colab"):
        return "colab"
    if os.environ.get("BINDER_SERVICE_HOST") or os.environ.get("BINDER_REPO_URL") \
            or os.environ.get("BINDER_LAUNCH_HOST"):
        return "binder"
    if os.environ.get("JPY_SESSION_NAME") or os.environ.get("JPY_PARENT_PID") \
            or "ipykernel" in os.environ.get("_", "") or _in_kernel():
        return "lab"
    return "other"


def _has_module(name: str) -> bool:
    try:
        return importlib.util.find_spec(name) is not None
    except (ImportError, ValueError):  # the parent package ("google") is not installed
        return False


def _in_kernel() -> bool:
    try:
        from IPython import get_ipython
    except ImportError:
        return False
    shell = get_ipython()
    return shell is not None and "IPKernelApp" in getattr(shell, "config", {})


def ephemeral(where: str | None = None) -> bool:
    """True where the machine is thrown away after the session (Colab, Binder). ``where``: an
    environment already detected (``detect()`` by default)."""
    return (detect() if where is None else where) in ("colab", "binder")


def colab_drive_home() -> Path | None:
    """The course's folder on the learner's Google Drive, when it is mounted on Colab."""
    return COLAB_DRIVE / "100-days-of-deep-learning" if COLAB_DRIVE.is_dir() else None
