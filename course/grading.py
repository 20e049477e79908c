"""Deprecated: grading moved to the `grader` package (`grader.grading`).

Kept because class folders made by `course classroom init` before the move name
``course.grading.HideHiddenTests`` in their nbgrader_config.py. New code imports from `grader`.
"""
from grader.grading import *  # noqa: F401,F403
from grader.grading import HideHiddenTests  # noqa: F401 (named by older class configs)
