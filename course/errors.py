"""The errors a user can meet. Each message is a sentence that says what to do next; the command
line prints it (no traceback) and exits with status 2."""


class CourseError(Exception):
    """Base of every error the course reports to a learner or an instructor as a message."""
