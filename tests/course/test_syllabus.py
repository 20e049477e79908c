import pytest

from course.syllabus import DAYS, UnknownDay, available_days, docstring, get_day, select


def test_days_are_numbered_in_order_with_unique_slugs():
    assert [d.number for d in DAYS] == list(range(1, len(DAYS) + 1))
    assert len({d.slug for d in DAYS}) == len(DAYS)
    assert all(d.title and d.topics for d in DAYS)


@pytest.mark.parametrize("spec", [1, "1", "01", "day01", "Day1", "day01-numpy", "numpy", " 001 "])
def test_day_specs(spec):
    assert get_day(spec).number == 1


@pytest.mark.parametrize("spec", ["0", "101", "day", "nump", "day01-other", ""])
def test_unknown_day_lists_valid_ones(spec):
    with pytest.raises(UnknownDay, match=r"Days with notebooks: 1 \(numpy\)"):
        get_day(spec)


def test_select_defaults_to_written_days_and_refuses_unwritten_ones(unwritten_day):
    assert select([]) == available_days()
    assert unwritten_day not in select([])
    assert select(["1", "day01"]) == [get_day(1)]
    with pytest.raises(UnknownDay, match="Not written yet"):
        select([unwritten_day.number])


def test_exercises_and_points_are_read_from_the_notebook():
    day = get_day(1)
    ids = [e.grade_id for e in day.exercises]
    assert ids[0] == "sigmoid_values" and len(ids) == len(set(ids)) >= 4
    assert day.points == sum(e.points for e in day.exercises) > 0
    assert all(e.summary for e in day.exercises)


def test_docstring_first_line():
    assert docstring('"""Checks a thing."""\nx = 1') == "Checks a thing."
    assert docstring("'''Two\nlines'''") == "Two"
    assert docstring("x = 1") == ""


def test_shipped_exercise_index_matches_the_notebooks():
    import json

    from course.syllabus import INDEX, build_index

    assert json.loads(INDEX.read_text()) == build_index(), "run `make student`"


def test_exercises_come_from_the_index_without_notebooks(monkeypatch, tmp_path):
    from course import syllabus

    monkeypatch.setattr(syllabus, "NOTEBOOKS", tmp_path)  # installed without the notebooks
    day = get_day(1)
    assert not day.available
    assert [e.grade_id for e in day.exercises][0] == "sigmoid_values" and day.points > 0
