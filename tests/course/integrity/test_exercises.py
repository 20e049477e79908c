"""course.integrity.exercises: what each exercise asks for, derived from every written day's
notebook (the names its answer cells bind that its visible test uses), per exercise."""
import json

import pytest

from course import integrity
from course.syllabus import DAYS, get_day

WRITTEN = [d for d in DAYS if d.available]


def _cells(day):
    with open(day.notebook, encoding="utf-8") as fh:
        return integrity.notebook_cells(json.load(fh))


@pytest.mark.parametrize("day", WRITTEN, ids=[d.name for d in WRITTEN])
def test_every_exercise_asks_for_names_its_answers_bind(day):
    asks = integrity.exercise_names(_cells(day))
    assert sorted(asks) == sorted(e.grade_id for e in day.exercises)
    bound = {n for kind, source, _ in _cells(day) if kind == "answer"
             for n in integrity.bound(source)}
    for grade_id, names in asks.items():
        assert names and set(names) <= bound, grade_id


def test_the_map_is_per_exercise():
    day1 = integrity.exercise_names(_cells(get_day(1)))
    assert day1["l1_loss"] == ["L1"] and day1["l2_loss"] == ["L2"]   # one answer cell, two tests
    day4 = integrity.exercise_names(_cells(get_day(4)))
    assert day4["layer_forward_values"] == ["linear_forward", "layer_forward"]
    assert day4["cost_value"] == ["compute_cost"]


def test_hidden_tests_do_not_change_what_an_exercise_asks_for():
    cells = [("answer", "def f(x):\n    return x\n\ndef g(x):\n    return x", "a"),
             ("test", "f(1)\n### BEGIN HIDDEN TESTS\ng(1)\n### END HIDDEN TESTS", "t")]
    assert integrity.exercise_names(cells) == {"t": ["f"]}
