"""Submissions graded per minute: plain `nbgrader autograde` vs `course grade --jobs 1` and
`--jobs 2`, what the sandbox costs (`--jobs 2` with and without it, alternated in the same run),
and what Dask costs: `course grade --scheduler` on a cluster of 2 local `dask worker --nthreads 1`
processes against `--jobs 2`, alternated too, with the time a class of 1,000 students x 30 days
would take on N such workers at the measured per-worker rate.

The class is the generated one of the tests (tests/files/grading/generate.py), without the
submissions whose cost is the per-cell time limit rather than the grader (the endless loops and
the memory hog): the time limit is a setting, not a speed. nbgrader grades one student per
process, one after another, as its documentation has you do it for a class
(`nbgrader autograde ASSIGNMENT --student S --force`); by default it grades a sample of the class
(every 4th student) to keep the run short, and its rate is per submission like the others.

    .venv/bin/python bench/grading.py              # nbgrader sample + course --jobs 1 and 2
                                                    # (and --jobs 2 without the fork server)
    .venv/bin/python bench/grading.py --nbgrader-every 1   # nbgrader on the whole class too
    .venv/bin/python bench/grading.py --skip-nbgrader --repeat 5   # sandbox and Dask costs
    .venv/bin/python bench/grading.py --skip-nbgrader --skip-dask   # no Dask rows

The sandbox rows alternate (on, off, on, off, ...) and each keeps its best run, so that a
shared machine's load falls on both alike; the sandbox must cost under 15% of the rate, Dask
under 20%. The Dask workers run on this machine, as the coordinator does: the 2 cores are shared
as with --jobs 2.

Timings on a shared machine are noisy: run it on an otherwise idle one for numbers to quote.
"""
from __future__ import annotations

import argparse
import atexit
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests" / "files" / "grading"))
sys.path.insert(0, str(ROOT / "tests" / "grader"))

import dask_cluster  # noqa: E402
import generate  # noqa: E402

from grader import batch, classroom, collect, scoring  # noqa: E402
from grader.kernel import sandbox  # noqa: E402
from course.syllabus import get_day  # noqa: E402
from course.cli.table import print_table  # noqa: E402

SLOW_BY_DESIGN = ("infinite_loop", "loop_no_interrupt", "memory_hog")
DASK = "course grade --scheduler (2 workers)"
ASSIGNMENT = "day01-numpy"


def make_course(base: Path, students) -> Path:
    course = classroom.init(base / "course", timeout=30, memory_mb=2048)
    list(classroom.release(course, [get_day(1)]))
    released = course.release / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
    by_hand = generate.write_class(base / "lms", released, students)
    collect.collect(course, base / "lms")
    for student, path in by_hand.items():
        (course.submitted / student).mkdir(parents=True, exist_ok=True)
        shutil.copy(path, course.submitted / student / path.name)
    return course.root


def fresh_copy(src: Path, dst: Path) -> Path:
    """A copy of the course (its config finds its root from its own place; the gradebook is
    SQLite inside it), so each mode grades from the same start."""
    shutil.copytree(src, dst)
    return dst


def bench_nbgrader(course_dir: Path, students) -> float:
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
           "COURSE_PROGRESS": "off", "MPLBACKEND": "agg"}
    nbgrader = str(Path(sys.executable).parent / "nbgrader")
    start = time.perf_counter()
    failed = []
    for student in students:
        out = subprocess.run([nbgrader, "autograde", ASSIGNMENT, "--student", student, "--force"],
                             cwd=course_dir, env=env, capture_output=True, text=True)
        if out.returncode:
            failed.append(student)
    seconds = time.perf_counter() - start
    if failed:   # nbgrader gives up on a submission it cannot read (as it should be counted)
        print(f"  nbgrader could not grade: {', '.join(failed)}")
    return seconds


def bench_course(course_dir: Path, students, jobs: int, fork: bool = True,
                 sandboxed: bool = True, scheduler: str | None = None) -> float:
    course = classroom.load(course_dir)
    settings = scoring.Settings(timeout=30, memory_mb=2048, fork=fork, sandbox=sandboxed)
    start = time.perf_counter()
    if scheduler:
        from grader import cluster

        graded = cluster.grade(course, ASSIGNMENT, students, scheduler=scheduler,
                               progress=False, settings=settings)
    else:
        graded = batch.grade(course, ASSIGNMENT, students, jobs=jobs, progress=False,
                             settings=settings)
    seconds = time.perf_counter() - start
    assert len(graded.results) == len(students)
    for notice in graded.notices:   # forking fell back to plain kernels: the numbers are off
        if not notice.startswith("Graded without the sandbox"):
            print(f"  {notice}")
    return seconds


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=" ".join(__doc__.split("\n\n")[0].split()))
    parser.add_argument("--nbgrader-every", type=int, default=4,
                        help="nbgrader grades every N-th student of the class (default 4)")
    parser.add_argument("--skip-nbgrader", action="store_true")
    parser.add_argument("--skip-dask", action="store_true")
    parser.add_argument("--repeat", type=int, default=3,
                        help="runs of --jobs 2 with and without the sandbox and on Dask, "
                             "alternated (default 3)")
    args = parser.parse_args(argv)

    students = [s for s in generate.STUDENTS if s not in SLOW_BY_DESIGN]
    sample = students[::max(1, args.nbgrader_every)]
    boxed = sandbox.available()
    if not boxed:
        print(f"No sandbox rows: {sandbox.problem()}")
    rows = []
    workers = None
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        print(f"Building the class ({len(students)} submissions)…", flush=True)
        original = make_course(base / "class", students)
        rates = {}
        # (label, jobs (None: nbgrader; "dask": the cluster), fork, sandbox, who)
        runs = [("course grade --jobs 1", 1, True, boxed, students),
                ("course grade --jobs 2 --no-fork", 2, False, boxed, students)]
        pair = [("course grade --jobs 2", 2, True, True, students),
                ("course grade --jobs 2 --no-sandbox", 2, True, False, students)]
        if not boxed:
            pair = pair[1:]
        if not args.skip_dask:
            pair.append((DASK, "dask", True, boxed, students))
            print("Starting a Dask scheduler and 2 workers (--nthreads 1) on 127.0.0.1…",
                  flush=True)
            workers = dask_cluster.Cluster(base / "dask", workers=2)
            atexit.register(workers.close)
        runs += pair * max(1, args.repeat)
        if not args.skip_nbgrader:
            runs.insert(0, ("nbgrader autograde (serial)", None, True, False, sample))
        tried: dict[str, list[tuple[float, float, int]]] = {}   # label -> (rate, s, n) per run
        for i, (label, jobs, fork, sandboxed, who) in enumerate(runs):
            folder = fresh_copy(original, base / f"run{i}")
            print(f"{label}: {len(who)} submissions…", flush=True)
            if jobs is None:
                seconds = bench_nbgrader(folder, who)
            elif jobs == "dask":
                seconds = bench_course(folder, who, 2, fork=fork, sandboxed=sandboxed,
                                       scheduler=workers.address)
            else:
                seconds = bench_course(folder, who, jobs, fork=fork, sandboxed=sandboxed)
            shutil.rmtree(folder, ignore_errors=True)
            tried.setdefault(label, []).append((len(who) / seconds * 60, seconds, len(who)))
        for label, runs_of in tried.items():
            rate, seconds, n = max(runs_of)
            rates[label] = rate
            spread = f" ({min(r[0] for r in runs_of):.1f}–{rate:.1f})" if len(runs_of) > 1 else ""
            rows.append((label, n, f"{seconds:.1f}", f"{seconds / n:.2f}", f"{rate:.1f}{spread}"))
        if workers is not None:
            workers.close()
    base_rate = rates.get("nbgrader autograde (serial)")
    print()
    print_table(("mode", "submissions", "seconds", "s / submission", "per minute", "× nbgrader")
                if base_rate else ("mode", "submissions", "seconds", "s / submission", "per minute"),
                [r + ((f"{rates[r[0]] / base_rate:.1f}",) if base_rate else ()) for r in rows])
    print(f"\n{os.cpu_count()} cores; load average at the end "
          f"{' '.join(f'{x:.1f}' for x in os.getloadavg())} (a shared machine makes this noisy). "
          "Rows without --no-sandbox run every kernel in the sandbox"
          + ("." if boxed else " (not here: no sandbox)."))
    if base_rate:
        two = rates.get("course grade --jobs 2", rates["course grade --jobs 2 --no-sandbox"])
        print(f"course grade --jobs 2 grades {two / base_rate:.1f}× as many submissions per "
              f"minute as plain nbgrader autograde (target: at least 4× on 2 cores).")
    if boxed:
        on, off = rates["course grade --jobs 2"], rates["course grade --jobs 2 --no-sandbox"]
        print(f"The sandbox changes the rate by {on / off - 1:+.0%} ({on:.1f} against {off:.1f} "
              f"per minute, best of {max(1, args.repeat)} each; target: a cost under 15%).")
    if DASK in rates:
        local = rates["course grade --jobs 2" if boxed else "course grade --jobs 2 --no-sandbox"]
        dask = rates[DASK]
        per_worker = dask / 2
        print(f"Dask changes the rate by {dask / local - 1:+.0%} ({dask:.1f} against {local:.1f} "
              f"per minute, best of {max(1, args.repeat)} each; target: a cost under 20%): "
              f"{per_worker:.1f} submissions a minute per worker (one thread, one core).")
        total = 1000 * 30
        hours = ", ".join(f"{n} workers {total / (n * per_worker) / 60:.1f} h"
                          for n in (2, 8, 16, 32, 64))
        print(f"A class of 1,000 students x 30 days ({total:,} submissions of a day like Day 01) "
              f"at that rate: {hours} (heavier days take longer; the coordinator's share is "
              "not scaled).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
