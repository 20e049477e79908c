"""The grader's errors: problems an instructor has to fix, each message saying what to do."""
from __future__ import annotations

from course.errors import CourseError


class GradingError(CourseError):
    """A problem with the course folder (not with a submission); the message says what to do."""
