"""Run days' source notebooks with papermill and print a table of status, time and metric.

Executed notebooks are written to runs/ (with outputs, for a look afterwards). The exit status
is non-zero when any day failed; the table names the failing cell and its error.
"""
from __future__ import annotations

import os
import sys

from ..device import CHOICES
from ..syllabus import select
from .table import print_table


def add_arguments(parser) -> None:
    parser.add_argument("days", nargs="*", metavar="DAY",
                        help="days to run: 1, 01, day01 or a slug (default: every written day)")
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--fast", dest="fast", action="store_true", default=True,
                      help="small data and few steps, as CI runs (default)")
    mode.add_argument("--full", dest="fast", action="store_false",
                      help="the real run, which reaches the day's target")
    parser.add_argument("--device", choices=CHOICES, default="auto",
                        help="where PyTorch runs (default: auto, the GPU when there is one)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--jobs", "-j", type=int, default=os.cpu_count() or 1,
                        help="notebooks run at once (default: the number of cores)")
    parser.add_argument("--timeout", type=int, default=900, help="seconds per cell (default 900)")
    parser.add_argument("--output", default=None,
                        help="folder for the executed notebooks (default: runs/)")
    parser.add_argument("--record-progress", action="store_true",
                        help="let passing test cells count towards your progress")


def run(args) -> int:
    from ..authoring.runner import RUNS, execute_many

    days = select(args.days)
    if args.device == "cuda":
        from ..device import DeviceUnavailable, get_device
        try:
            get_device("cuda")
        except DeviceUnavailable as err:
            print(f"course run: {err}", file=sys.stderr)
            return 2
    mode = "fast" if args.fast else "full"
    print(f"Running {len(days)} day(s) in {mode} mode on device={args.device}, "
          f"{args.jobs} at a time…", flush=True)

    def report(result):
        mark = "ok" if result.ok else "FAILED"
        print(f"  day {result.day.number:02d} {mark} in {result.seconds:.1f} s", flush=True)

    results = execute_many(days, jobs=args.jobs, record_progress=args.record_progress,
                           on_result=report, fast=args.fast, device=args.device, seed=args.seed,
                           timeout=args.timeout, output_dir=args.output or RUNS)
    rows = [(f"{r.day.number:02d}", r.day.title, "ok" if r.ok else "FAILED",
             f"{r.seconds:.1f}", r.headline if r.ok else r.error) for r in results]
    print()
    print_table(("day", "title", "status", "seconds", "metric / error"), rows)
    failed = [r for r in results if not r.ok]
    if failed:
        print(f"\n{len(failed)} of {len(results)} day(s) failed; executed notebooks are in "
              f"{args.output or RUNS}/.", file=sys.stderr)
        return 1
    return 0
