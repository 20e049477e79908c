"""Deprecated: grading moved to the `grader` package (`grader.batch`, `grader.scoring`,
`grader.feedback`, ...).

Kept because class folders made by `course classroom init` before the move name
``course.grading.HideHiddenTests`` in their nbgrader_config.py (it is the same class as
``grader.feedback.HideHiddenTests``). New code imports from `grader`.
"""
from grader.batch import *  # noqa: F403
from grader.errors import *  # noqa: F403
from grader.export import *  # noqa: F403
from grader.feedback import *  # noqa: F403
from grader.feedback import HideHiddenTests  # noqa: F401 (named by older class configs)
from grader.gradebook import *  # noqa: F403
from grader.kernel.client import *  # noqa: F403
from grader.kernel.pool import *  # noqa: F403
from grader.scoring import *  # noqa: F403
from grader.status import *  # noqa: F403
from grader.submission import *  # noqa: F403
from grader.template import *  # noqa: F403
