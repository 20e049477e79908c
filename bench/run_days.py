"""Time every day: set-up imports, then fast mode (kernel, imports, compute), optionally full mode.

First each day's set-up cell is timed against the same imports without the course; then each day
runs in fast mode, its time split into kernel start, imports and compute; with --full, in full
mode too, with its headline metric and target.

    .venv/bin/python bench/run_days.py [DAY ...] [--full] [--jobs N] [--repeat N]
    .venv/bin/python bench/run_days.py [DAY ...] --imports [--repeat N] [--course DIR]

Days run one at a time by default, so that the timings are not shared between notebooks.

The import budget: each day's set-up cell (its ``course.start`` line left out), plus ipywidgets,
which the progress widget loads in a kernel, runs in fresh interpreters next to the same cell's
imports without the course (``import numpy, matplotlib.pyplot, ipywidgets`` and whatever else the
cell imports itself, such as torch). Runs are interleaved, the first of each discarded (it writes
the bytecode caches), and the median kept. What the course adds must stay under IMPORT_BUDGET_S.
``--course DIR`` times another checkout's package and notebooks (e.g. a ``git worktree`` of an
older commit) with this script.
"""
from __future__ import annotations

import argparse
import ast
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from course.cli.table import print_table  # noqa: E402
from course.syllabus import select, setup_cell  # noqa: E402

OUT = Path(__file__).resolve().parent / "out"
IMPORT_BUDGET_S = 0.15
# A full-mode cell may train for many minutes (Day 15's CNN cell: 11 on a shared 2-core CPU, 4 alone),
# past the runner's default of 600 s a cell.
FULL_CELL_TIMEOUT_S = 1800
BARE = "import numpy, matplotlib.pyplot, ipywidgets"
START = re.compile(r"^course\.start\(.*\)[ \t]*$", re.M)
# Runs each part of the program (parts separated by NUL); prints the wall and CPU seconds of each.
TIMER = """
import json, sys, time
ns, times = {"__name__": "__main__"}, []
for part in sys.stdin.read().split("\\0"):
    wall, cpu = time.perf_counter(), time.process_time()
    exec(compile(part, "set-up cell", "exec"), ns)
    times.append((time.perf_counter() - wall, time.process_time() - cpu))
course = sys.modules.get("course")
print("\\nTIMES", json.dumps([times, getattr(course, "__file__", None)]))
"""


def own_imports(cell: str) -> str:
    """The cell's top-level import statements that are not the course's: the cell without it."""
    statements = []
    for node in ast.parse(cell).body:
        if isinstance(node, ast.Import):
            names = [a for a in node.names if a.name.split(".")[0] != "course"]
            if names:
                statements.append(ast.unparse(ast.Import(names)))
        elif isinstance(node, ast.ImportFrom) and node.level == 0 \
                and (node.module or "").split(".")[0] not in ("course", "__future__"):
            statements.append(ast.unparse(node))
    return "\n".join(statements)


def run_timed(parts, env, cwd) -> tuple[list, str | None]:
    """(wall, CPU) seconds of each part in a fresh interpreter, and where its ``course`` came from."""
    out = subprocess.run([sys.executable, "-c", TIMER], input="\0".join(parts), env=env, cwd=cwd,
                         capture_output=True, text=True, timeout=600)
    if out.returncode != 0:
        raise RuntimeError(f"the timed program failed:\n{out.stderr[-2000:]}")
    times, origin = json.loads(out.stdout.rsplit("TIMES ", 1)[1])
    return times, origin


def import_times(days, repeat: int = 5, course_dir: Path | None = None) -> int:
    """Print each day's set-up imports next to the same imports without the course; returns 1
    when the course adds IMPORT_BUDGET_S or more of CPU time to any day."""
    root = (course_dir or Path(__file__).resolve().parent.parent).resolve()
    env = {**os.environ, "COURSE_PROGRESS": "off", "MPLBACKEND": "agg",
           "PYTHONPATH": os.pathsep.join([str(root), *filter(None, [os.environ.get("PYTHONPATH")])])}
    programs = {"bare": [BARE]}  # name -> parts: [the timed imports] or [imports, course.start]
    cases = []
    for day in days:
        cell = setup_cell(root / "notebooks" / day.name / f"{day.name}.ipynb")
        if not cell:
            raise SystemExit(f"{day.name} has no set-up cell calling course.start in {root}")
        programs[day.name] = [START.sub("", cell) + "\nimport ipywidgets\n",
                              "\n".join(START.findall(cell))]
        baseline = [f"{BARE}\n{own_imports(cell)}\n"]
        name = next((k for k, v in programs.items() if v == baseline), f"{day.name} without course")
        programs[name] = baseline
        cases.append((day, name, own_imports(cell)))
    runs = {name: [] for name in programs}  # name -> one [(wall, cpu) per part] per repetition
    with tempfile.TemporaryDirectory() as cwd:  # not the repository: its course would shadow DIR
        for i in range(repeat + 1):
            for name, parts in programs.items():
                times, origin = run_timed(parts, env, cwd)
                if origin and not Path(origin).resolve().is_relative_to(root):
                    raise SystemExit(f"the timed cells imported {origin}, not the course in {root}")
                if i:  # the first run of each writes the bytecode caches
                    runs[name].append(times)

    def median(name, part=0, clock=0):
        return statistics.median(r[part][clock] for r in runs[name])

    def adds(day, baseline, clock):  # paired: a repetition's runs are close in time
        return statistics.median(s[0][clock] - b[0][clock]
                                 for s, b in zip(runs[day.name], runs[baseline]))

    rows, worst = [], float("-inf")
    for day, baseline, extra in cases:
        worst = max(worst, adds(day, baseline, 1))
        tops = {line.split()[1].split(".")[0] for line in extra.splitlines()}
        libraries = ", ".join(sorted(tops - {"numpy", "matplotlib", "ipywidgets"}
                                     - set(sys.stdlib_module_names)))
        rows.append((f"{day.number:02d}", day.slug, f"{median(day.name):.3f}",
                     f"{median(baseline):.3f}", f"{adds(day, baseline, 0):+.3f}",
                     f"{adds(day, baseline, 1):+.3f}", f"{median(day.name, part=1):.3f}", libraries))
    print(f"Set-up cell imports (seconds, median of {repeat} fresh interpreters; course from {root})")
    print_table(("day", "slug", "set-up", "without course", "course adds", "(CPU)", "start()",
                 "also imports"), rows)
    ok = worst < IMPORT_BUDGET_S
    print(f"bare `{BARE}`: {median('bare'):.3f} s wall, {median('bare', clock=1):.3f} s CPU\n"
          "set-up: the cell's imports, and ipywidgets (the progress widget's, in a kernel)\n"
          f"without course: `{BARE}` and the cell's own other imports (also imports)\n"
          "course adds: the median of the paired differences, wall clock and CPU time\n"
          "start(): course.start(N) after the imports, outside a kernel (it prints a line)\n"
          f"The course adds at most {worst:+.3f} s of CPU time to a day's set-up cell "
          f"({'under' if ok else 'OVER'} the {IMPORT_BUDGET_S:g} s budget; judged on CPU time: on\n"
          "a shared machine the wall clock also counts the waits for a core).\n")
    return 0 if ok else 1


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("days", nargs="*")
    parser.add_argument("--full", action="store_true", default=os.environ.get("FULL") == "1",
                        help="also run each day in full mode (minutes per day)")
    parser.add_argument("--jobs", type=int, default=1)
    parser.add_argument("--device", default="auto")
    parser.add_argument("--imports", action="store_true",
                        help="only time the set-up cells' imports (no notebook is run)")
    parser.add_argument("--repeat", type=int, default=5,
                        help="fresh interpreters per set-up cell for the import times (default 5)")
    parser.add_argument("--course", type=Path, metavar="DIR",
                        help="with --imports: time the package and notebooks of the checkout DIR")
    args = parser.parse_args(argv)
    if args.course and not args.imports:
        parser.error("--course works with --imports only")
    days = select(args.days)
    print(f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
          f"Python {platform.python_version()}; {len(days)} day(s), {args.jobs} at a time\n")

    over_budget = import_times(days, args.repeat, args.course)
    if args.imports:
        return over_budget
    from course.authoring.runner import execute_many

    start = time.perf_counter()
    fast = execute_many(days, jobs=args.jobs, fast=True, device=args.device, output_dir=OUT / "fast")
    wall = time.perf_counter() - start
    rows = [(f"{r.day.number:02d}", r.day.slug, "ok" if r.ok else "FAILED", f"{r.seconds:.1f}",
             f"{r.kernel_seconds:.1f}", f"{r.import_seconds:.1f}", f"{r.compute_seconds:.1f}")
            for r in fast]
    rows.append(("all", "", f"{sum(r.ok for r in fast)}/{len(fast)} ok",
                 f"{sum(r.seconds for r in fast):.1f}", f"{sum(r.kernel_seconds for r in fast):.1f}",
                 f"{sum(r.import_seconds for r in fast):.1f}",
                 f"{sum(r.compute_seconds for r in fast):.1f}"))
    print("Fast mode (seconds; overhead = kernel start + imports)")
    print_table(("day", "slug", "status", "total", "kernel", "imports", "compute"), rows)
    print(f"wall clock: {wall:.1f} s\n")
    failed = [r for r in fast if not r.ok]
    missed = []

    if args.full:
        # The author's solutions and a learner's plain answers (tests/plain/): both must reach
        # every target the day reports (headline(..., met=...)), with no numerical warnings.
        rows = []
        for answers in ("solution", "plain"):
            full = execute_many(days, jobs=args.jobs, fast=False, device=args.device,
                                output_dir=OUT / "full", answers=answers, timeout=FULL_CELL_TIMEOUT_S)
            for r in full:
                metrics = list(r.metrics.values()) or [{}]
                for i, m in enumerate(metrics):
                    met = {True: "met", False: "MISSED", None: ""}[m.get("met")]
                    rows.append((f"{r.day.number:02d}" if i == 0 else "",
                                 answers if i == 0 else "",
                                 ("ok" if r.ok else "FAILED") if i == 0 else "",
                                 f"{r.seconds:.1f}" if i == 0 else "", m.get("name", r.error[:60]),
                                 f"{m['value']:.4g}{m.get('unit', '')}" if "value" in m else "",
                                 m.get("target", ""), met))
                    if m.get("met") is False:
                        missed.append(f"day {r.day.number:02d} ({answers}): {m['name']} missed "
                                      f"its target {m.get('target', '')}")
                missed += [f"day {r.day.number:02d} ({answers}): {w}" for w in r.warnings]
            failed += [r for r in full if not r.ok]
        print("Full mode")
        print_table(("day", "answers", "status", "seconds", "metric", "value", "target", "met"),
                    rows)
    for r in failed:
        print(f"day {r.day.number:02d} failed: {r.error}", file=sys.stderr)
    for line in missed:
        print(line, file=sys.stderr)
    return 1 if failed or missed or over_budget else 0


if __name__ == "__main__":
    sys.exit(main())
