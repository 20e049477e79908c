"""Hints on demand: every exercise of every written day has some, written in the source notebook
and shipped in course/hints.json; asking shows one more tier each time, records it, and says so
when the instructor switched hints off."""
import json

import pytest

import course
from course import hints, progress
from course.authoring import notebook as nbtools
from course.syllabus import available_days, get_day

FAKE = {"day01-numpy": {
    "sigmoid": {"functions": ["sigmoid"], "tests": ["sigmoid_values"],
                "hints": ["The idea.", "The formula.", "The shape of the code."]},
    "losses": {"functions": ["L1", "L2"], "tests": ["l1_loss", "l2_loss"],
               "hints": ["One.", "Two."]}}}


@pytest.fixture
def fake(home, monkeypatch):
    monkeypatch.setattr(hints, "_index", lambda: FAKE)
    progress.begin(1)
    return home


def shown(capsys):
    return capsys.readouterr().out


# --- the hints themselves ------------------------------------------------------------------------

@pytest.mark.parametrize("day", available_days(), ids=lambda d: d.name)
def test_every_exercise_has_hints_that_do_not_give_the_answer_away(day):
    nb = nbtools.read(day.notebook)
    for cell in nb.cells:
        if not nbtools.is_answer(cell):
            continue
        gid = nbtools.nbgrader_meta(cell)["grade_id"]
        tiers = nbtools.hints(cell)
        assert 2 <= len(tiers) <= 4, f"{day.name}: {gid} has {len(tiers)} hints (2 to 4 wanted)"
        assert all(isinstance(t, str) and t.strip() for t in tiers), f"{gid}: an empty hint"
        assert len(set(tiers)) == len(tiers), f"{day.name}: {gid} repeats a hint"
        solution = cell.source.split(nbtools.BEGIN_SOLUTION)[1].split(nbtools.END_SOLUTION)[0]
        for line in (x.strip() for x in solution.splitlines()):
            assert not (len(line) > 12 and any(line in t for t in tiers)), \
                f"{day.name}: a hint for {gid} contains the solution line {line!r}"


def test_the_shipped_index_is_up_to_date():
    shipped = json.loads(hints.INDEX.read_text(encoding="utf-8"))
    assert shipped == hints.build_index(), \
        "course/hints.json is stale: run `python -m course.syllabus` and commit it"


def test_student_versions_carry_no_hints():
    for day in available_days():
        student = nbtools.student_version(nbtools.read(day.notebook))
        assert not any(nbtools.hints(c) for c in student.cells), day.name


def test_a_release_without_hints_starts_the_day_with_them_off():
    nb = nbtools.hints_off(nbtools.student_version(nbtools.read(get_day(1).notebook)))
    setup = [c.source for c in nb.cells if "course.start(" in c.source]
    assert len(setup) == 1 and "course.start(1, hints=False)" in setup[0]


def test_an_exercise_is_found_by_answer_test_or_function_name(monkeypatch):
    monkeypatch.setattr(hints, "_index", lambda: FAKE)
    assert hints.find(1, "losses").name == "losses"
    assert hints.find(1, "l2_loss").name == "losses"
    assert hints.find(1, "L1").name == "losses"
    with pytest.raises(hints.UnknownExercise, match='no exercise "nope".*"sigmoid", "losses"'):
        hints.find(1, "nope")


# --- asking ------------------------------------------------------------------------------------------

def test_each_ask_shows_one_more_tier_and_is_recorded(fake, capsys):
    course.hint("sigmoid")
    out = shown(capsys)
    assert "Hints for sigmoid (1 of 3)" in out and "1. The idea." in out
    assert "The formula" not in out and 'course.hint("sigmoid") again shows hint 2 of 3' in out
    course.hint("sigmoid_values")                       # the test's name: the same exercise
    out = shown(capsys)
    assert "1. The idea." in out and "2. The formula." in out and "The shape" not in out
    course.hint("sigmoid")
    course.hint("sigmoid")                              # past the last: all three again
    out = shown(capsys)
    assert "3. The shape of the code." in out and "That was the last hint" in out
    notes = progress.open_store().notes(kind="hint")
    assert [n.value["tier"] for n in notes] == [1, 2, 3, 3]
    assert {(n.day, n.name) for n in notes} == {(1, "sigmoid")}


def test_a_new_session_carries_on_at_the_next_tier(fake, capsys):
    course.hint("losses")
    progress.widget._forget()                           # a restarted kernel
    progress.begin(1)
    assert hints.ask_line(1, "l1_loss") == 'Stuck? course.hint("losses") shows hint 2 of 2.'
    course.hint("losses")
    assert "2. Two." in shown(capsys)
    assert hints.ask_line(1, "l2_loss").startswith("All 2 hints for losses are out")


def test_no_name_means_the_exercise_whose_test_failed_last(fake, capsys):
    course.hint()
    assert 'Which exercise? No test cell has failed yet' in shown(capsys)
    progress.widget._STATE.last_failed = (1, "l2_loss")
    course.hint()
    assert "Hints for losses (1 of 2)" in shown(capsys)


def test_unknown_names_and_a_missing_set_up_are_explained(fake, capsys):
    course.hint("softmaxx")
    assert 'Day 1 has no exercise "softmaxx". Its exercises: "sigmoid", "losses".' in shown(capsys)
    progress.widget._forget()
    course.hint("sigmoid")
    assert "Run the notebook's set-up cell first" in shown(capsys)
    assert progress.open_store().notes() == []


def test_hints_switched_off_by_the_instructor(fake, capsys, monkeypatch):
    course.start(1, hints=False)
    capsys.readouterr()
    course.hint("sigmoid")
    assert "switched off for this class" in shown(capsys)
    assert hints.ask_line(1, "sigmoid_values") is None
    assert progress.open_store().notes() == []
    course.start(1)
    monkeypatch.setenv("COURSE_HINTS", "off")
    assert not hints.enabled()
