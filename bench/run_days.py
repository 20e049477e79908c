"""Time every day: fast mode split into kernel start, imports and compute; optionally full mode
with each day's headline metric and target.

    .venv/bin/python bench/run_days.py [DAY ...] [--full] [--jobs N]

Days run one at a time by default, so that the timings are not shared between notebooks.
"""
from __future__ import annotations

import argparse
import os
import platform
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from course.authoring.runner import execute_many  # noqa: E402
from course.syllabus import select  # noqa: E402
from course.cli.table import print_table  # noqa: E402

OUT = Path(__file__).resolve().parent / "out"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("days", nargs="*")
    parser.add_argument("--full", action="store_true", default=os.environ.get("FULL") == "1",
                        help="also run each day in full mode (minutes per day)")
    parser.add_argument("--jobs", type=int, default=1)
    parser.add_argument("--device", default="auto")
    args = parser.parse_args(argv)
    days = select(args.days)
    print(f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
          f"Python {platform.python_version()}; {len(days)} day(s), {args.jobs} at a time\n")

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

    if args.full:
        full = execute_many(days, jobs=args.jobs, fast=False, device=args.device,
                            output_dir=OUT / "full")
        rows = []
        for r in full:
            metrics = list(r.metrics.values()) or [{}]
            for i, m in enumerate(metrics):
                rows.append((f"{r.day.number:02d}" if i == 0 else "", r.day.slug if i == 0 else "",
                             ("ok" if r.ok else "FAILED") if i == 0 else "",
                             f"{r.seconds:.1f}" if i == 0 else "", m.get("name", r.error[:60]),
                             f"{m['value']:.4g}{m.get('unit', '')}" if "value" in m else "",
                             m.get("target", "")))
        print("Full mode")
        print_table(("day", "slug", "status", "seconds", "metric", "value", "target"), rows)
        failed += [r for r in full if not r.ok]
    for r in failed:
        print(f"day {r.day.number:02d} failed: {r.error}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
