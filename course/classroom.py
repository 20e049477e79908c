"""Deprecated: the class folder moved to the `grader` package (`grader.classroom`, and
`grader.collect` for collecting submissions)."""
from grader.classroom import *  # noqa: F403
from grader.collect import *  # noqa: F403
