"""The course folder: init, its config, loading it, and what the command line says without one."""
import subprocess
import sys

import pytest

from course.authoring import notebook as nbtools
from course.syllabus import get_day
from grader import classroom

DAY = get_day(1)


def test_init_writes_an_nbgrader_course_folder(course):
    for sub in ("source", "release", "submitted", "autograded", "feedback"):
        assert (course.root / sub).is_dir()
    assert (course.source / DAY.name / DAY.notebook.name).read_bytes() == DAY.notebook.read_bytes()
    assert (course.root / "gradebook.db").exists()
    assert course.timeout == 15 and course.memory_mb == 512
    assert course.db_url == f"sqlite:///{course.root / 'gradebook.db'}"
    text = (course.root / "nbgrader_config.py").read_text()
    assert "grader.feedback.HideHiddenTests" in text and "c.Execute.timeout = 15" in text
    with pytest.raises(classroom.ClassroomError, match="--force"):
        classroom.init(course.root)


def test_db_url_for_a_department_server(tmp_path, cli):
    url = f"sqlite:///{tmp_path / 'shared.db'}"
    code, out, _ = cli("classroom", "init", tmp_path / "c", "--db", url)
    assert code == 0 and url in out
    assert classroom.load(tmp_path / "c").db_url == url
    assert (tmp_path / "shared.db").exists() and not (tmp_path / "c" / "gradebook.db").exists()


def test_not_a_course_folder_says_what_to_do(tmp_path, cli):
    for command in (["grade", "1"], ["feedback", "1"], ["collect", tmp_path], ["export"]):
        code, _, err = cli(*command, "--course-dir", tmp_path)
        assert code == 2 and "course classroom init" in err


def test_release_takes_to_or_course_dir_not_both(tmp_path, cli):
    with pytest.raises(SystemExit) as exit_:
        cli("release", "1", "--to", tmp_path / "a", "--course-dir", tmp_path / "b")
    assert exit_.value.code == 2
    with pytest.raises(SystemExit):
        cli("release", "1")


def test_config_names_a_feedback_preprocessor_nbconvert_can_load(course):
    """nbgrader loads the config's preprocessors by their dotted name: ours must import."""
    from traitlets.config.loader import PyFileConfigLoader
    from traitlets.utils.importstring import import_item

    config = PyFileConfigLoader(classroom.CONFIG, path=str(course.root)).load_config()
    names = list(config.GenerateFeedback.preprocessors)
    from grader.feedback import HideHiddenTests

    assert import_item(names[-1]) is HideHiddenTests


def test_older_class_configs_naming_course_grading_still_work(tmp_path):
    """Folders made before the grader moved name ``course.grading.HideHiddenTests``: a fresh
    interpreter (as nbgrader starts) imports it, and it is the same class as the new one."""
    code = ("from traitlets.utils.importstring import import_item\n"
            "old = import_item('course.grading.HideHiddenTests')\n"
            "from grader.feedback import HideHiddenTests\n"
            "assert old is HideHiddenTests and old().enabled\n"
            "from course.classroom import collect, load, find_notebook\n"
            "from course.grading import grade, Settings, export_csv\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert out.returncode == 0, out.stderr


def test_a_class_without_hints(tmp_path, cli):
    code, _, _ = cli("classroom", "init", tmp_path / "c", "--no-hints")
    course = classroom.load(tmp_path / "c")
    assert code == 0 and course.hints is False
    assert "c.CourseRelease.hints = False" in (course.root / "nbgrader_config.py").read_text()
    [(path, _)] = classroom.release(course, [DAY])
    released = nbtools.read(path)
    setup = [c.source for c in released.cells if "course.start(" in c.source]
    assert "course.start(1, hints=False)" in setup[0]
    assert not any(nbtools.hints(c) for c in released.cells)
    assert not any(nbtools.hints(c) for c in nbtools.read(course.source / DAY.name /
                                                          DAY.notebook.name).cells)


def test_a_class_with_hints_releases_them_on_but_not_in_the_notebook(released):
    released_nb = nbtools.read(released.release / DAY.name / DAY.notebook.name)
    setup = [c.source for c in released_nb.cells if "course.start(" in c.source]
    assert "course.start(1)" in setup[0] and released.hints is True
    assert not any(nbtools.hints(c) for c in released_nb.cells)
