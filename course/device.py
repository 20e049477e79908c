"""Device selection: ``device="auto" | "cpu" | "cuda"`` (or ``"cuda:1"``) to a ``torch.device``."""
from __future__ import annotations

from .errors import CourseError

CHOICES = ("auto", "cpu", "cuda")


class DeviceUnavailable(CourseError, RuntimeError):
    """The requested device does not exist on this machine."""


def get_device(device="auto"):
    """Return the ``torch.device`` to run on.

    ``"auto"`` takes the GPU when PyTorch sees one (Colab's included) and the CPU otherwise;
    ``"cuda"`` on a machine without one is an error that says what to do instead.
    """
    import torch

    if isinstance(device, torch.device):
        device = str(device)
    text = str(device).strip().lower()
    if text == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    if text == "cpu":
        return torch.device("cpu")
    if text == "cuda" or text.startswith("cuda:"):
        if not torch.cuda.is_available():
            raise DeviceUnavailable(
                f'device="{device}" was asked for, but PyTorch sees no CUDA GPU on this machine '
                f"(torch {torch.__version__}, CUDA build: {torch.version.cuda or 'no'}). "
                'Use device="auto" to fall back to the CPU, or on Colab choose '
                "Runtime > Change runtime type > GPU."
            )
        index = int(text.split(":", 1)[1]) if ":" in text else 0
        if index >= torch.cuda.device_count():
            raise DeviceUnavailable(
                f'device="{device}" was asked for, but only {torch.cuda.device_count()} '
                "CUDA device(s) exist here; use cuda:0."
            )
        return torch.device(text)
    raise ValueError(f'Unknown device {device!r}: use one of "auto", "cpu", "cuda" or "cuda:N".')


def thread_env(jobs: int = 1) -> dict:
    """Math-library thread counts for kernels running ``jobs`` at a time: the cores shared out,
    unless the caller already set a count (theirs wins)."""
    import os

    threads = max(1, (os.cpu_count() or 1) // max(1, jobs))
    return {name: os.environ.get(name) or str(threads)
            for name in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS")}


def describe(device="auto") -> str:
    """One line for a notebook: which device runs and why."""
    import torch

    dev = get_device(device)
    if dev.type == "cuda":
        return f"Running on {dev} ({torch.cuda.get_device_name(dev)})."
    return "Running on the CPU" + (" (no CUDA GPU found)." if str(device) == "auto" else ".")
