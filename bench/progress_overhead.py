"""What recording progress adds to a test cell: `progress.passed` timed with the store on vs off.

The store is pre-filled with a long learner's history (30 days x 8 exercises x 10 runs);
"on + 2 live widgets" also keeps two widgets (a day's first and last cells) up to date.
Target: recording adds under 5 ms to a test cell, judged on the median wall time and on the 95th
percentile of CPU time (on a shared, oversubscribed machine the wall-clock tail is the scheduler's:
a call preempted at a 4 ms tick waits for several ticks, whatever it does).

    .venv/bin/python bench/progress_overhead.py [--runs 300]
"""
from __future__ import annotations

import argparse
import contextlib
import io
import os
import statistics
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from course import progress  # noqa: E402
from course.progress import Event, widget as session  # noqa: E402
from course.cli.table import format_table  # noqa: E402

TARGET_MS = 5.0


def history() -> list[Event]:
    start = datetime(2026, 1, 1, 9).astimezone()
    return [Event.new(day, f"exercise_{i}", "passed" if run % 3 else "failed",
                      when=start + timedelta(days=day, minutes=run))
            for day in range(1, 31) for i in range(8) for run in range(10)]


def time_passed(runs: int) -> tuple[list[float], list[float]]:
    """Wall and CPU milliseconds per `progress.passed(1, ...)` call (its printed line discarded)."""
    wall, cpu = [], []
    with contextlib.redirect_stdout(io.StringIO()):
        progress.passed(1, "sigmoid_values")  # warm up: open the store, read the syllabus
        for _ in range(runs):
            start, start_cpu = time.perf_counter(), time.thread_time()
            progress.passed(1, "sigmoid_values")
            wall.append((time.perf_counter() - start) * 1000)
            cpu.append((time.thread_time() - start_cpu) * 1000)
    return wall, cpu


def scenario(name: str, home: Path, on: bool, widget: bool, runs: int):
    os.environ["COURSE_HOME"] = str(home)
    os.environ["COURSE_PROGRESS"] = "on" if on else "off"
    session._forget()
    if on:
        progress.open_store().add(history())
    if widget:
        import IPython.display

        session._widgets_available = lambda: True
        IPython.display.display = lambda *a, **k: None
        progress.show(1)
        progress.show(1)
    times = time_passed(runs)
    events = session._session_store().count()
    session._forget()
    return name, times, events


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=300)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        results = [scenario("off (COURSE_PROGRESS=off)", Path(tmp) / "off", False, False,
                            args.runs),
                   scenario("on: SQLite store", Path(tmp) / "on", True, False, args.runs),
                   scenario("on + 2 live widgets", Path(tmp) / "widget", True, True, args.runs)]
    p95 = lambda xs: statistics.quantiles(xs, n=20)[-1]  # noqa: E731
    base_wall, base_cpu = statistics.median(results[0][1][0]), p95(results[0][1][1])
    rows, worst = [], 0.0
    for name, (wall, cpu), events in results:
        added, added_cpu = statistics.median(wall) - base_wall, p95(cpu) - base_cpu
        worst = max(worst, added, added_cpu)
        rows.append((name, events, f"{statistics.median(wall):.3f}", f"{p95(wall):.3f}",
                     f"{p95(cpu):.3f}", f"{added:+.3f}", f"{added_cpu:+.3f}"))
    print(format_table(("progress.passed", "events", "median ms", "p95 ms", "p95 CPU ms",
                        "added: median", "added: p95 CPU"), rows))
    ok = worst < TARGET_MS
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"\n{args.runs} calls each on {os.cpu_count()} cores (load average {load:.1f}). "
          f"Recording adds at most {worst:.2f} ms ({'under' if ok else 'OVER'} the "
          f"{TARGET_MS:g} ms target).")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
