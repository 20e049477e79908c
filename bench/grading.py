"""Submissions graded per minute: plain `nbgrader autograde` vs `course grade --jobs 1` and `--jobs 2`.

The class is the generated one of the tests (tests/files/grading/generate.py), without the
submissions whose cost is the per-cell time limit rather than the grader (the endless loops and
the memory hog): the time limit is a setting, not a speed. nbgrader grades one student per
process, one after another, as its documentation has you do it for a class
(`nbgrader autograde ASSIGNMENT --student S --force`); by default it grades a sample of the class
(every 4th student) to keep the run short, and its rate is per submission like the others.

    .venv/bin/python bench/grading.py              # nbgrader sample + course --jobs 1 and 2
                                                    # (and --jobs 2 without the fork server)
    .venv/bin/python bench/grading.py --nbgrader-every 1   # nbgrader on the whole class too

Timings on a shared machine are noisy: run it on an otherwise idle one for numbers to quote.
"""
from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests" / "files" / "grading"))

import generate  # noqa: E402

from grader import batch, classroom, collect, scoring  # noqa: E402
from course.syllabus import get_day  # noqa: E402
from course.cli.table import print_table  # noqa: E402

SLOW_BY_DESIGN = ("infinite_loop", "loop_no_interrupt", "memory_hog")
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


def bench_course(course_dir: Path, students, jobs: int, fork: bool = True) -> float:
    course = classroom.load(course_dir)
    start = time.perf_counter()
    graded = batch.grade(course, ASSIGNMENT, students, jobs=jobs, progress=False,
                         settings=scoring.Settings(timeout=30, memory_mb=2048, fork=fork))
    seconds = time.perf_counter() - start
    assert len(graded.results) == len(students)
    for notice in graded.notices:   # forking fell back to plain kernels: the numbers are off
        print(f"  {notice}")
    return seconds


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nbgrader-every", type=int, default=4,
                        help="nbgrader grades every N-th student of the class (default 4)")
    parser.add_argument("--skip-nbgrader", action="store_true")
    args = parser.parse_args(argv)

    students = [s for s in generate.STUDENTS if s not in SLOW_BY_DESIGN]
    sample = students[::max(1, args.nbgrader_every)]
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        print(f"Building the class ({len(students)} submissions)…", flush=True)
        original = make_course(base / "class", students)
        rates = {}
        runs = [("course grade --jobs 1", 1, students), ("course grade --jobs 2", 2, students),
                ("course grade --jobs 2 --no-fork", -2, students)]
        if not args.skip_nbgrader:
            runs.insert(0, ("nbgrader autograde (serial)", None, sample))
        for i, (label, jobs, who) in enumerate(runs):
            folder = fresh_copy(original, base / f"run{i}")
            print(f"{label}: {len(who)} submissions…", flush=True)
            seconds = (bench_nbgrader(folder, who) if jobs is None
                       else bench_course(folder, who, abs(jobs), fork=jobs > 0))
            rate = len(who) / seconds * 60
            rates[label] = rate
            rows.append((label, len(who), f"{seconds:.1f}", f"{seconds / len(who):.2f}",
                         f"{rate:.1f}"))
    base_rate = rates.get("nbgrader autograde (serial)")
    print()
    print_table(("mode", "submissions", "seconds", "s / submission", "per minute", "× nbgrader")
                if base_rate else ("mode", "submissions", "seconds", "s / submission", "per minute"),
                [r + ((f"{rates[r[0]] / base_rate:.1f}",) if base_rate else ()) for r in rows])
    print(f"\n{os.cpu_count()} cores; load average at the end "
          f"{' '.join(f'{x:.1f}' for x in os.getloadavg())} (a shared machine makes this noisy).")
    if base_rate:
        two = rates["course grade --jobs 2"]
        print(f"course grade --jobs 2 grades {two / base_rate:.1f}× as many submissions per "
              f"minute as plain nbgrader autograde (target: at least 4× on 2 cores).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
