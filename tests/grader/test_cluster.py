"""Grading on a real Dask cluster (`course grade DAY --scheduler`): a `dask scheduler` and two
`dask worker --nthreads 1` processes on 127.0.0.1, started once for the module, grade a small
generated Day 01 class. Every exercise of every student scores as local grading scores it (and
the summary table is the same); a worker killed with SIGKILL mid-batch costs nothing (each
submission is recorded once); a scheduler that goes away mid-batch stops the command with one
sentence, keeps what was graded and the same command grades the rest; an unreachable scheduler,
a worker with other code and a worker without the grader extra are named, with what to do.
Local grading never imports Dask."""
import contextlib
import csv
import io
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from course.cli import main
from course.syllabus import get_day
from grader import classroom, collect

pytest.importorskip("distributed", reason="Dask's distributed (the grader extra) is not installed")
sys.path.insert(0, str(Path(__file__).parents[1] / "files" / "grading"))
import generate  # noqa: E402

from . import dask_cluster  # noqa: E402
from .conftest import grade_args  # noqa: E402

pytestmark = pytest.mark.xdist_group("dask")

ASSIGNMENT = "day01-numpy"
# A correct, a blank, a partly right and a wrong answer, a syntax error, a crash, a corrupted
# file and a faked pass: each kind of result the batch records.
STUDENTS = ("correct01", "blank", "partial", "wrong_sigmoid", "syntax_error", "kernel_exit",
            "corrupted", "redefine_checks")


def run_cli(*argv):
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main([str(a) for a in argv])
    return code, out.getvalue(), err.getvalue()


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    c = dask_cluster.Cluster(tmp_path_factory.mktemp("dask"), workers=2, nanny=False)
    yield c
    c.close()


@pytest.fixture(scope="module")
def klass(tmp_path_factory):
    """A course folder with Day 01 released and the small class collected (copied per test)."""
    base = tmp_path_factory.mktemp("dask-class")
    course = classroom.init(base / "course", timeout=15, memory_mb=512)
    list(classroom.release(course, [get_day(1)]))
    generate.write_class(base / "lms", course.release / ASSIGNMENT / f"{ASSIGNMENT}.ipynb",
                         STUDENTS)
    collect.collect(course, base / "lms")
    return course.root


def copy_of(klass, tmp_path, name="course") -> Path:
    return Path(shutil.copytree(klass, tmp_path / name))


LOCAL = """
import json, sys
from course.cli import main
code = main(sys.argv[1:])
print(json.dumps({"code": code, "dask": sorted(m for m in sys.modules
                                                if m.split(".")[0] in ("dask", "distributed"))}))
"""


@pytest.fixture(scope="module")
def local(klass, tmp_path_factory):
    """The class graded locally by `course grade --jobs 2` in a process of its own: its output,
    its gradebook's scores and the Dask modules that process imported."""
    course_dir = copy_of(klass, tmp_path_factory.mktemp("local"))
    out = subprocess.run([sys.executable, "-c", LOCAL, "grade", "1", *grade_args(),
                          "--course-dir", str(course_dir), "--jobs", "2", "-q"],
                         capture_output=True, text=True, timeout=300)
    *lines, last = out.stdout.strip().splitlines()
    ran = json.loads(last)
    assert ran["code"] == 0, out.stderr
    return {"out": "\n".join(lines), "scores": scores(course_dir), "dask": ran["dask"],
            "dir": course_dir}


def scores(course_dir) -> dict:
    """{student: {grade_id: score}} from the gradebook, and one submission per student."""
    course = classroom.load(course_dir)
    found = {}
    with course.gradebook() as gb:
        subs = gb.assignment_submissions(ASSIGNMENT)
        for sub in subs:
            assert sub.student.id not in found
            found[sub.student.id] = {g.name: g.score for g in sub.notebooks[0].grades}
    return found


def graded_files(course_dir) -> list[str]:
    """The students with an autograded notebook and grading.json."""
    auto = Path(course_dir) / "autograded"
    return sorted(p.parent.parent.name for p in auto.glob(f"*/{ASSIGNMENT}/grading.json")
                  if (p.parent / f"{ASSIGNMENT}.ipynb").exists())


def expected_scores() -> dict:
    """What the generated class's answers earn (its recipe says which tests fail)."""
    failing = {s: generate.STUDENTS[s][1] for s in STUDENTS}
    return {s: {g: (0.0 if g in failing[s] else float(generate.POINTS[g])) for g in generate.ALL}
            for s in STUDENTS}


def summary_table(out: str) -> str:
    """The first summary table of `course grade`'s output (the counts per assignment)."""
    return "\n".join(line for line in out.splitlines() if line.startswith(("assignment",
                                                                           ASSIGNMENT)))


def test_local_grading_never_imports_dask(local):
    assert local["dask"] == []


def test_the_cluster_grades_every_exercise_as_local_grading_does(cluster, klass, local, tmp_path):
    assert local["scores"] == expected_scores()
    course_dir = copy_of(klass, tmp_path)
    code, out, err = run_cli("grade", "1", *grade_args(), "--course-dir", course_dir,
                             "--scheduler", cluster.address, "-q")
    assert code == 0, err
    assert scores(course_dir) == local["scores"]
    assert summary_table(out) == summary_table(local["out"]) and summary_table(out), out
    for student in STUDENTS:
        ours = json.loads((course_dir / "autograded" / student / ASSIGNMENT /
                           "grading.json").read_text())
        theirs = json.loads((local["dir"] / "autograded" / student / ASSIGNMENT /
                             "grading.json").read_text())
        assert [(t["grade_id"], t["status"]) for t in ours["tests"]] == \
            [(t["grade_id"], t["status"]) for t in theirs["tests"]], student
        assert ours["status"] == theirs["status"], student
    assert graded_files(course_dir) == sorted(STUDENTS)
    assert not (course_dir / ".course-grade").exists()     # the batch finished


def _settings():
    from grader.scoring import Settings

    return Settings(timeout=15, memory_mb=512, sandbox=not grade_args())


def test_a_scheduler_gone_mid_batch_keeps_what_was_graded_and_the_rest_is_graded_again(
        cluster, klass, local, tmp_path):
    """The coordinator's connection to the scheduler is cut after two results (a relay closed,
    as a scheduler that is killed or a network that drops closes it); the same command, once
    the scheduler is back at the same address, grades only the rest; --force grades again."""
    from grader import cluster as on_cluster
    from grader.cluster import SchedulerGone

    course = classroom.load(copy_of(klass, tmp_path))
    relay = dask_cluster.Proxy(cluster.address)
    first, cut = [], []

    def on_result(result):
        first.append(result.student)
        if len(first) == 2:
            relay.cut()
            cut.append(time.monotonic())

    with pytest.raises(SchedulerGone) as gone:
        on_cluster.grade(course, ASSIGNMENT, scheduler=relay.address, settings=_settings(),
                         progress=False, on_result=on_result)
    noticed = time.monotonic() - cut[0]
    message = str(gone.value)
    assert message.startswith(f"The Dask scheduler at {relay.address} went away"), message
    assert f"{len(first)} of the {len(STUDENTS)} submissions of {ASSIGNMENT} are graded and " \
           "kept, and the same command, once the scheduler and its workers are back, grades the " \
           f"other {len(STUDENTS) - len(first)} (with --force, all of them again)." in message
    assert noticed < 15
    assert graded_files(course.root) == sorted(first)        # kept
    assert sorted(scores(course.root)) == sorted(first)
    interrupted = copy_of(course.root, tmp_path, "interrupted")

    resubmitted = course.submitted / first[0] / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
    resubmitted.write_bytes(resubmitted.read_bytes() + b"\n")  # since: a new file, same answers

    relay.start()                                            # the same address again
    again = []
    batch = on_cluster.grade(course, ASSIGNMENT, scheduler=relay.address, settings=_settings(),
                             progress=False, on_result=lambda r: again.append(r.student))
    relay.cut()
    # only the rest, and the submission that changed since it was graded
    assert sorted(again) == sorted({*STUDENTS} - {first[1]})
    assert sorted(r.student for r in batch.results) == sorted(STUDENTS)  # the whole summary
    assert any(n.startswith("Resumed an interrupted batch") for n in batch.notices)
    assert scores(course.root) == local["scores"]             # as if never interrupted
    assert graded_files(course.root) == sorted(STUDENTS)
    assert not (course.root / ".course-grade").exists()

    forced = []   # --force on the interrupted class: the two graded before are graded again
    on_cluster.grade(classroom.load(interrupted), ASSIGNMENT, first, scheduler=cluster.address,
                     settings=_settings(), progress=False, force=True,
                     on_result=lambda r: forced.append(r.student))
    assert sorted(forced) == sorted(first)
    assert (interrupted / ".course-grade" / f"{ASSIGNMENT}.unfinished").exists()


@pytest.fixture(scope="module")
def postgres():
    """One PostgreSQL server for the module; in CI it must run (`make setup` installs it)."""
    from . import postgres_server

    problem = postgres_server.problem()
    if problem:
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI must run the PostgreSQL gradebook test: {problem}")
        pytest.skip(problem)
    server = postgres_server.Server()
    yield server
    server.stop()


def test_a_postgresql_gradebook_release_grade_export(cluster, postgres, tmp_path):
    """The department set-up: the gradebook on a PostgreSQL server (its password only in the
    course folder's config, which only the coordinator reads), graded on the Dask workers,
    exported by the course and by nbgrader itself."""
    students = ("correct01", "partial", "blank")
    course_dir = tmp_path / "course"
    assert run_cli("classroom", "init", course_dir, "--db", postgres.url, "--timeout", 15,
                   "--memory", 512)[0] == 0
    # SQLAlchemy 2.1 reads postgresql:// as psycopg 3: the config names the extra's psycopg2
    url = postgres.url.replace("postgresql://", "postgresql+psycopg2://")
    assert classroom.load(course_dir).db_url == url
    assert f"c.CourseDirectory.db_url = {url!r}" in (course_dir / "nbgrader_config.py").read_text()
    assert not (course_dir / "gradebook.db").exists()
    assert run_cli("release", "1", "--course-dir", course_dir)[0] == 0
    generate.write_class(tmp_path / "lms", course_dir / "release" / ASSIGNMENT /
                         f"{ASSIGNMENT}.ipynb", students)
    assert run_cli("collect", tmp_path / "lms", "--course-dir", course_dir)[0] == 0
    code, out, err = run_cli("grade", "1", *grade_args(), "--course-dir", course_dir,
                             "--scheduler", cluster.address, "-q")
    assert code == 0, err
    assert f"Grades are in {url}" in out
    want = {s: v for s, v in expected_scores().items() if s in students}
    assert scores(course_dir) == want
    assert run_cli("export", "--course-dir", course_dir, "--to", tmp_path / "ours.csv")[0] == 0
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    out = subprocess.run([str(Path(sys.executable).parent / "nbgrader"), "export", "--to",
                          str(tmp_path / "nbgrader.csv")], cwd=course_dir, env=env,
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    ours = {r["student_id"]: r for r in csv.DictReader(open(tmp_path / "ours.csv"))}
    theirs = {r["student_id"]: r for r in csv.DictReader(open(tmp_path / "nbgrader.csv"))}
    assert ours == theirs and sorted(ours) == sorted(students)
    for student in students:
        assert float(theirs[student]["score"]) == sum(want[student].values())


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_an_unreachable_scheduler_is_one_sentence_naming_it(klass, tmp_path, monkeypatch):
    from grader import cluster as on_cluster

    assert on_cluster.CONNECT_TIMEOUT == 15
    monkeypatch.setattr(on_cluster, "CONNECT_TIMEOUT", 2)
    address = f"tcp://127.0.0.1:{_free_port()}"
    start = time.monotonic()
    code, out, err = run_cli("grade", "1", "--course-dir", copy_of(klass, tmp_path),
                             "--scheduler", address, "-q")
    assert time.monotonic() - start < 2 + 10
    assert code == 2
    assert err.strip() == (f"course grade: The Dask scheduler at {address} did not answer within "
                           "2 s: start it there (`dask scheduler`), or check the address, the "
                           "port and the firewall.")


HIDE_NBGRADER = '''
import sys

class Hide:
    """This worker's Python has neither nbgrader (the grader extra) nor the grader package (so
    the check must reach it by value, not as grader.worker_probe)."""
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in ("nbgrader", "grader"):
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
        return None

sys.meta_path.insert(0, Hide())
'''


def test_a_worker_with_other_code_or_without_the_grader_extra_is_named(cluster, klass, tmp_path,
                                                                        monkeypatch):
    from grader import cluster as on_cluster

    course_dir = copy_of(klass, tmp_path)
    monkeypatch.setattr(on_cluster, "fingerprint", lambda: "0123456789abcdef")
    code, _, err = run_cli("grade", "1", "--course-dir", course_dir, "--scheduler",
                           cluster.address, "-q")
    assert code == 2
    assert err.startswith("course grade: Dask worker tcp://127.0.0.1:"), err
    assert "runs other code of the course than this machine" in err
    assert "here 0123456789abcdef): install the same version there" in err
    assert len(err.strip().splitlines()) == 1
    monkeypatch.undo()

    site = tmp_path / "site"
    site.mkdir()
    (site / "sitecustomize.py").write_text(HIDE_NBGRADER)
    bare = cluster.add_worker("bare", env={**os.environ, "PYTHONPATH": str(site)})
    try:
        cluster.wait(3)
        code, _, err = run_cli("grade", "1", "--course-dir", course_dir, "--scheduler",
                               cluster.address, "-q")
    finally:
        dask_cluster._kill(bare)
        cluster.workers.remove(bare)
    assert code == 2
    assert "cannot grade: its Python" in err and "lacks grader, nbgrader;" in err, err
    assert "install the course with its grader extra there (`pip install " \
           "'hundred-days-dl[grader]'`" in err
    with open(cluster.folder / "bare.log") as log:
        address = next(line.split("Start worker at:")[1].split()[0] for line in log
                       if "Start worker at:" in line)
    assert err.startswith(f"course grade: Dask worker {address} (on "), err
    assert not list((course_dir / "autograded").iterdir())   # nothing was sent
    _until_workers(cluster, 2)


def _until_workers(cluster, n: int) -> None:
    from distributed import Client

    with Client(cluster.address, timeout="30s", set_as_default=False) as client:
        deadline = time.monotonic() + 30
        while len(client.scheduler_info()["workers"]) != n and time.monotonic() < deadline:
            time.sleep(0.2)
        assert len(client.scheduler_info()["workers"]) == n


def test_a_worker_killed_mid_batch_costs_no_submission(cluster, klass, local, tmp_path):
    from distributed import Client

    from grader import cluster as on_cluster

    course = classroom.load(copy_of(klass, tmp_path))
    pids = cluster.worker_pids()
    recorded, killed = [], {}
    with Client(cluster.address, timeout="30s", set_as_default=False) as client:
        def on_result(result):
            recorded.append(result.student)
            if killed:
                return
            busy = {w: keys for w, keys in client.processing().items() if keys}
            if busy:   # a worker in the middle of a task: SIGKILL, as the OOM killer would
                worker, keys = sorted(busy.items())[0]
                os.kill(pids[worker], signal.SIGKILL)
                killed.update(worker=worker, pid=pids[worker], keys=list(keys))

        batch = on_cluster.grade(course, ASSIGNMENT, scheduler=cluster.address,
                                 settings=_settings(), progress=False, on_result=on_result)
    assert killed, "no worker was busy when the first result came"
    proc = next(w for w in cluster.workers if w.pid == killed["pid"])
    assert proc.wait(timeout=10) == -signal.SIGKILL                # it died mid-task
    assert sorted(recorded) == sorted(STUDENTS)             # each recorded once
    assert sorted(r.student for r in batch.results) == sorted(STUDENTS)
    assert scores(course.root) == local["scores"]           # none lost, none doubled
    assert graded_files(course.root) == sorted(STUDENTS)
