"""A day's set-up cell stays light to import: none of the author's or the instructor's tools, and
torch only on a day whose notebook uses it.

Each written day's set-up cell (``syllabus.setup_cell``: the first code cell calling
``course.start``, without IPython's ``%`` lines) runs whole, ``course.start`` included, in a fresh
``python`` with recording off and a non-interactive plot backend. Outside a kernel ``start`` prints
the progress line instead of showing the widget, so what a kernel adds for the widget itself
(ipywidgets) is not covered here; ``bench/run_days.py --imports`` times it.
"""
import json
import os
import re
import subprocess
import sys

import pytest

from course.syllabus import available_days, setup_cell

HEAVY = ("nbgrader", "nbformat", "jsonschema", "sqlalchemy", "papermill", "nbclient",
         "jupyter_client", "grader")
TORCH = re.compile(r"^\s*(import torch\b|from torch\b)", re.M)

# Run the cell read from stdin, then report every module it left loaded.
PROBE = ("import json, sys\n"
         "exec(compile(sys.stdin.read(), 'set-up cell', 'exec'), {'__name__': '__main__'})\n"
         "print('\\nMODULES', json.dumps(sorted(sys.modules)))\n")


def notebook_imports_torch(day) -> bool:
    cells = json.loads(day.notebook.read_text(encoding="utf-8"))["cells"]
    return any(TORCH.search("".join(c["source"])) for c in cells if c["cell_type"] == "code")


def loaded_by_setup_cell(day) -> set[str]:
    """The top-level packages loaded after the day's set-up cell ran in a fresh interpreter."""
    env = {**os.environ, "COURSE_PROGRESS": "off", "MPLBACKEND": "agg"}
    out = subprocess.run([sys.executable, "-c", PROBE], input=setup_cell(day.notebook),
                         capture_output=True, text=True, env=env, timeout=300)
    assert out.returncode == 0, out.stderr
    assert f"Day {day.number:02d} · {day.title}" in out.stdout, "course.start did not run"
    modules = json.loads(out.stdout.rsplit("MODULES ", 1)[1])
    return {name.split(".")[0] for name in modules}


@pytest.mark.parametrize("day", available_days(), ids=lambda d: d.name)
def test_the_setup_cell_imports_no_tools_and_torch_only_when_the_day_uses_it(day):
    assert setup_cell(day.notebook), f"{day.name} has no set-up cell calling course.start"
    loaded = loaded_by_setup_cell(day)
    heavy = sorted(loaded & set(HEAVY))
    assert not heavy, (f"{day.name}'s set-up cell imports {', '.join(heavy)}; find what pulls "
                       "them in with `python -X importtime` and import them where they are used")
    if not notebook_imports_torch(day):
        assert "torch" not in loaded, (f"{day.name} never imports torch, but its set-up cell "
                                       "loads it (a course module imports torch at the top)")
