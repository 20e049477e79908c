import pytest

from course.authoring import notebook as nbtools
from course.authoring import plain
from course.authoring.runner import execute
from course.syllabus import get_day

TEXT = '''"""Plain answers of a tiny day."""
# %% double
def double(x):
    return x + x
'''


def test_parse_splits_on_the_marks_and_ignores_the_docstring():
    assert plain.parse(TEXT) == {"double": "def double(x):\n    return x + x\n"}
    with pytest.raises(plain.PlainAnswersError, match="two plain answers for 'double'"):
        plain.parse(TEXT + "# %% double\npass\n")


def _tiny_day(tmp_path, monkeypatch, text):
    """Day 01, its plain answers read from ``tmp_path`` (the notebook: files/good.ipynb)."""
    monkeypatch.setattr(plain, "PLAIN", tmp_path)
    day = get_day(1)
    (tmp_path / f"{day.name}.py").write_text(text)
    return day


def test_load_checks_the_file_against_the_answer_cells(files, tmp_path, monkeypatch):
    day, nb = _tiny_day(tmp_path, monkeypatch, TEXT), nbtools.read(files / "good.ipynb")
    assert plain.load(day, nb) == {"double": "def double(x):\n    return x + x\n"}
    (tmp_path / f"{day.name}.py").write_text("# %% triple\npass\n")
    with pytest.raises(plain.PlainAnswersError, match="missing: double; not answer cells: triple"):
        plain.load(day, nb)
    (tmp_path / f"{day.name}.py").unlink()
    with pytest.raises(plain.PlainAnswersError, match="has no plain answers"):
        plain.load(day, nb)


def test_substitute_replaces_only_the_answer_cells(files):
    nb = nbtools.read(files / "good.ipynb")
    out = plain.substitute(nb, {"double": "def double(x):\n    return x + x\n"})
    answers = [c.source for c in out.cells if nbtools.is_answer(c)]
    assert answers == ["def double(x):\n    return x + x"]
    assert [c.source for c in out.cells if not nbtools.is_answer(c)] == \
        [c.source for c in nb.cells if not nbtools.is_answer(c)]
    assert "BEGIN SOLUTION" in [c.source for c in nb.cells if nbtools.is_answer(c)][0]  # a copy


def test_a_day_runs_with_its_plain_answers(files, tmp_path, monkeypatch):
    day = _tiny_day(tmp_path, monkeypatch, TEXT)
    result = execute(day, path=files / "good.ipynb", output_dir=tmp_path, answers="plain")
    assert result.ok, result.error
    assert (tmp_path / "day01-numpy.plain.ipynb").exists()
    day = _tiny_day(tmp_path, monkeypatch, TEXT.replace("x + x", "x * x"))
    result = execute(day, path=files / "good.ipynb", output_dir=None, answers="plain")
    assert not result.ok and "`double(-3.5)` is wrong" in result.error


def test_every_written_day_names_its_plain_answer_file():
    assert plain.path(get_day(1)).name == "day01-numpy.py"
