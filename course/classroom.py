"""Deprecated: the class folder moved to the `grader` package (`grader.classroom`)."""
from grader.classroom import *  # noqa: F401,F403
