import os
import re
import subprocess
import sys

import pytest

from course.cli import COMMANDS
from course.syllabus import ROOT, get_day


@pytest.mark.parametrize("command", list(COMMANDS))
def test_every_subcommand_has_help(cli, command):
    with pytest.raises(SystemExit) as exit_:
        cli(command, "--help")
    assert exit_.value.code == 0


def test_no_command_prints_help(cli):
    code, out, _ = cli()
    assert code == 2 and "COMMAND" in out


def test_list(cli, unwritten_day):
    code, out, _ = cli("list")
    day = get_day(1)
    assert code == 0
    assert f"01   {day.slug}" in out and day.title in out and f"{day.points:g}" in out
    assert unwritten_day.title not in out
    code, out, _ = cli("list", "--all")
    assert "coming" in out and unwritten_day.title in out and "A Transformer from scratch" in out


@pytest.mark.parametrize("command", ["run", "release", "verify"])
def test_unknown_day_is_a_clear_error(cli, command, tmp_path):
    args = [command, "day99"] + (["--to", tmp_path] if command == "release" else [])
    code, _, err = cli(*args)
    assert code == 2 and "There is no day 'day99'" in err and "1 (numpy)" in err


def test_unwritten_day_is_a_clear_error(cli, unwritten_day):
    code, _, err = cli("run", str(unwritten_day.number))
    assert code == 2 and f"Not written yet: day {unwritten_day.number}" in err


def test_release_keeps_a_learners_edits(cli, tmp_path):
    code, out, _ = cli("release", "1", "--to", tmp_path)
    path = tmp_path / "day01-numpy" / "day01-numpy.ipynb"
    assert code == 0 and "written" in out and path.exists()
    path.write_text(path.read_text().replace("YOUR CODE HERE", "my work"))
    code, out, _ = cli("release", "--to", tmp_path)
    assert "kept" in out and "my work" in path.read_text()
    code, out, _ = cli("release", "day01", "--to", tmp_path, "--force")
    assert "updated" in out and "my work" not in path.read_text()


def test_run_reports_a_table_and_a_failure_exit_status(cli, monkeypatch):
    from course.authoring import runner

    def fake_execute(day, **_):
        return runner.Result(day, False, 1.5, error="cell 7 (softmax_values): AssertionError: no")

    monkeypatch.setattr(runner, "execute", fake_execute)
    code, out, err = cli("run", "1", "--jobs", "1")
    assert code == 1
    assert "FAILED" in out and "cell 7 (softmax_values): AssertionError" in out
    assert "1 of 1 day(s) failed" in err


def test_run_cuda_without_gpu(cli):
    import torch

    if torch.cuda.is_available():
        pytest.skip("this machine has a GPU")
    code, _, err = cli("run", "1", "--device", "cuda")
    assert code == 2 and "no CUDA GPU" in err


def test_console_script_is_installed():
    out = subprocess.run([sys.executable, "-m", "course.cli", "list"], capture_output=True, text=True)
    assert out.returncode == 0 and "NumPy for deep learning" in out.stdout


# What a base install (`pip install hundred-days-dl`, as on Colab) lacks: the author's and the
# instructor's tools. Blocking them in a fresh interpreter stands in for that install.
BASE_INSTALL = ("import sys\n"
                "sys.modules.update(dict.fromkeys(['nbgrader', 'sqlalchemy', 'nbformat', 'nbclient', "
                "'nbconvert', 'papermill', 'jupyter_client', 'traitlets'], None))\n"
                "from course.cli import main\n"
                "sys.exit(main(sys.argv[1:]))\n")


@pytest.mark.parametrize("argv, extra", [
    (["grade", "1", "--course-dir", "class"], "grader"),
    (["classroom", "init", "class"], "grader"),
    (["collect", "subs.zip", "--course-dir", "class"], "grader"),
    (["feedback", "1", "--course-dir", "class"], "grader"),
    (["export", "--course-dir", "class"], "grader"),
    (["release", "1", "--to", "out"], "author"),
    (["run", "1"], "author"),
    (["verify", "1"], "author"),
])
def test_a_base_install_names_the_extra_to_install(argv, extra, tmp_path):
    out = subprocess.run([sys.executable, "-c", BASE_INSTALL, *argv], capture_output=True,
                         text=True, cwd=tmp_path, timeout=120)
    assert out.returncode == 2, out.stderr
    assert "Traceback" not in out.stderr, out.stderr
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1 and f"pip install 'hundred-days-dl[{extra}]'" in lines[0], out.stderr


def test_a_base_install_lists_days_and_progress(tmp_path):
    env = {**os.environ, "COURSE_HOME": str(tmp_path)}
    for argv in (["list"], ["progress"]):
        out = subprocess.run([sys.executable, "-c", BASE_INSTALL, *argv], capture_output=True,
                             text=True, cwd=tmp_path, env=env, timeout=120)
        assert out.returncode == 0 and "Traceback" not in out.stderr, out.stderr


def test_the_base_install_is_what_a_notebook_needs():
    tomllib = pytest.importorskip("tomllib")  # Python 3.11+
    from course.authoring import launch

    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    base = {re.split(r"[<>=!~ \[]", d)[0].lower() for d in project["dependencies"]}
    assert not base & {"nbgrader", "sqlalchemy", "papermill", "nbformat", "nbclient", "nbconvert",
                       "jupyterlab", "notebook"}, base
    assert {"grader", "author", "lab", "dev"} <= set(project["optional-dependencies"])
    # Colab's set-up cell installs the base package, no extra.
    assert f'"{launch.PACKAGE} @ git+' in launch.install_lines()
