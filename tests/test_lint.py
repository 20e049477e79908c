"""Every module of both packages, the benchmarks and the tests pass ruff (pyproject.toml's rules):
code that runs inside a grading kernel is a real module, so it is linted like the rest."""
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def test_ruff_is_clean():
    ruff = shutil.which("ruff") or str(Path(sys.executable).parent / "ruff")
    if not Path(ruff).exists():
        pytest.skip("ruff is not installed (the dev extra)")
    out = subprocess.run([ruff, "check", "course", "grader", "bench", "tests"], cwd=ROOT,
                         capture_output=True, text=True)
    assert out.returncode == 0, out.stdout[-4000:]
