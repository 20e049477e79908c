"""What the events add up to: streaks (month and year ends, leap days, time zones), completion,
passes per local day."""
from datetime import date, datetime, timedelta, timezone

import pytest

from course import progress
from course.progress import Store, Summary
from course.syllabus import get_day

DAY1 = get_day(1)
IDS = [e.grade_id for e in DAY1.exercises]


def at(y, m, d, hour=12, offset=0):
    return datetime(y, m, d, hour, tzinfo=timezone(timedelta(hours=offset)))



# --- streaks, completion, time zones --------------------------------------------------------------

@pytest.mark.parametrize("dates, today, expected", [
    (["2026-01-30", "2026-01-31", "2026-02-01"], "2026-02-01", 3),  # across a month end
    (["2026-12-31", "2027-01-01"], "2027-01-01", 2),                # across a year end
    (["2028-02-28", "2028-02-29", "2028-03-01"], "2028-03-01", 3),  # a leap day
    (["2027-02-28", "2027-03-01"], "2027-03-01", 2),                # no leap day
    (["2026-04-29", "2026-05-01"], "2026-05-01", 1),                # April has 30 days: a gap
    (["2026-01-30", "2026-01-31"], "2026-02-01", 2),                # today not done yet: still on
    (["2026-01-30", "2026-01-31"], "2026-02-02", 0),                # a whole day missed: broken
    ([], "2026-02-02", 0),
])
def test_streak_arithmetic(dates, today, expected):
    assert progress.streak(map(date.fromisoformat, dates), date.fromisoformat(today)) == expected


def test_longest_streak():
    days = [date(2026, 1, d) for d in (1, 2, 3, 10, 11, 12, 13, 20)]
    assert progress.longest_streak(days) == 4 and progress.longest_streak([]) == 0


def test_local_dates_make_the_streak_across_time_zones():
    """Two passes an hour apart in UTC are on two calendar days for a learner in Auckland."""
    store = Store(None)
    first = store.record(1, "sigmoid_values", when=at(2026, 1, 31, 23, offset=13))
    second = store.record(1, "softmax_values", when=at(2026, 2, 1, 0, offset=13))
    assert first.at[:10] == second.at[:10] == "2026-01-31"  # the same UTC day ...
    assert (first.local_date, second.local_date) == ("2026-01-31", "2026-02-01")  # ... not local
    assert store.summary().streak(date(2026, 2, 1)) == 2
    # In Honolulu the same UTC instants fall on one local day: a one-day streak.
    hawaii = Store(None)
    for e in (first, second):
        utc = datetime.fromisoformat(e.at)
        hawaii.record(1, e.exercise, when=utc.astimezone(timezone(timedelta(hours=-10))))
    assert [e.local_date for e in hawaii.events()] == ["2026-01-31", "2026-01-31"]
    assert hawaii.summary().streak(date(2026, 2, 1)) == 1


def test_a_day_is_complete_when_every_exercise_passed():
    store = Store(None)
    for i, grade_id in enumerate(IDS):
        store.record(1, grade_id, "failed", when=at(2026, 5, 1))
        store.record(1, grade_id, when=at(2026, 5, 1 + i % 3))
    store.record(1, IDS[0], when=at(2026, 6, 1))  # passing again later changes nothing
    day = store.summary().day(1)
    assert day.complete and day.count == day.total == len(IDS)
    assert day.completed_on == date(2026, 5, 3)
    partial = Store(None)
    partial.record(1, IDS[0])
    assert not partial.summary().day(1).complete
    assert partial.summary().day(1).completed_on is None


def test_summary_counts_passes_per_local_day():
    summary = Summary.build([(1, "sigmoid_values", "2026-05-01")],
                            [("2026-05-01", 3), ("2026-05-02", 1)])
    assert summary.passes == 4 and summary.activity[date(2026, 5, 2)] == 1
