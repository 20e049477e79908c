"""What the events add up to: exercises passed per day, completion and streaks."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import cached_property
from typing import TYPE_CHECKING

from ..syllabus import DAYS, Day, get_day

if TYPE_CHECKING:
    from .events import Event


def local_today() -> date:
    """Today's date where the learner is."""
    return datetime.now().astimezone().date()


# --- what the events add up to ------------------------------------------------------------------

def streak(dates, today: date | None = None) -> int:
    """Consecutive days with activity up to today (or up to yesterday: today is not over yet)."""
    active = set(dates)
    today = today or local_today()
    day = today if today in active else today - timedelta(days=1)
    return streak_ending(active, day)


def streak_ending(dates, end: date) -> int:
    """Consecutive days with activity ending on ``end`` (0 when ``end`` had none)."""
    active, n = set(dates), 0
    while end - timedelta(days=n) in active:
        n += 1
    return n


def longest_streak(dates) -> int:
    active = set(dates)
    return max((streak_ending(active, d) for d in active
                if d + timedelta(days=1) not in active), default=0)


@dataclass
class DayProgress:
    """One day: the exercises passed (grade_id -> local date of the first pass)."""

    day: Day
    passed: dict[str, date] = field(default_factory=dict)

    @cached_property
    def exercises(self):
        return self.day.exercises  # read from the notebook (a stat per call): once is enough

    @property
    def total(self) -> int:
        return len(self.exercises)

    @property
    def count(self) -> int:
        """Exercises of the syllabus passed (every one seen when the notebook is not here)."""
        if not self.exercises:
            return len(self.passed)
        return sum(e.grade_id in self.passed for e in self.exercises)

    @property
    def complete(self) -> bool:
        return bool(self.passed) and self.total > 0 and self.count == self.total

    @property
    def completed_on(self) -> date | None:
        """The date the last missing exercise first passed."""
        if not self.complete:
            return None
        return max(self.passed[e.grade_id] for e in self.exercises)

    @property
    def last_active(self) -> date | None:
        return max(self.passed.values(), default=None)


@dataclass
class Summary:
    days: dict[int, DayProgress]
    activity: Counter  # local date -> exercises passed that day

    @classmethod
    def build(cls, first_passes, activity, days=DAYS) -> "Summary":
        by_number = {d.number: DayProgress(d) for d in days}
        for number, exercise, first in first_passes:
            if number not in by_number:
                try:
                    by_number[number] = DayProgress(get_day(number))
                except ValueError:
                    continue  # a day this version of the syllabus does not know
            by_number[number].passed[exercise] = date.fromisoformat(first)
        return cls(by_number, Counter({date.fromisoformat(d): n for d, n in activity}))

    def day(self, day) -> DayProgress:
        day = get_day(day)
        if day.number not in self.days:
            self.days[day.number] = DayProgress(day)
        return self.days[day.number]

    def add(self, event: Event) -> None:
        """Count one more event (the widget's update after a pass, without asking the store)."""
        if event.outcome != "passed":
            return
        when = event.local_day
        passed = self.day(event.day).passed
        passed[event.exercise] = min(passed.get(event.exercise, when), when)
        self.activity[when] += 1

    @property
    def days_complete(self) -> int:
        return sum(p.complete for p in self.days.values())

    @property
    def passes(self) -> int:
        return sum(self.activity.values())

    def streak(self, today: date | None = None) -> int:
        return streak(self.activity, today)

    def longest_streak(self) -> int:
        return longest_streak(self.activity)


def plural(n, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def text_line(summary: Summary, day=None, today: date | None = None) -> str:
    """The widget in one line of text (terminals, front ends without widgets)."""
    parts = []
    if day is not None:
        p = summary.day(day)
        total = f" of {p.total}" if p.total else ""
        parts.append(f"Day {p.day.number:02d} · {p.day.title}: {p.count}{total} exercises passed")
    parts.append(f"{summary.days_complete} of {len(DAYS)} days complete")
    parts.append(f"streak: {plural(summary.streak(today), 'day')}")
    return " · ".join(parts) + "."
