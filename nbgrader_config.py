"""nbgrader configuration for working on the course from this repository.

`nbgrader generate_assignment day01-numpy` (and formgrader) run from the repository root use
`notebooks/` as the source folder: one assignment per day, `notebooks/dayNN-slug/dayNN-slug.ipynb`.
nbgrader's working folders (release/, submitted/, autograded/, feedback/) and gradebook.db are
git-ignored. A class gets its own course folder: see grader/README.md.
"""
import os

c = get_config()  # noqa: F821 (provided by nbgrader)

# Autograding here must never write into the progress store of whoever runs it.
os.environ.setdefault("COURSE_PROGRESS", "off")

c.CourseDirectory.root = os.path.dirname(os.path.abspath(__file__))
c.CourseDirectory.source_directory = "notebooks"
c.CourseDirectory.course_id = "100-days-of-deep-learning"
c.ClearSolutions.code_stub = {"python": "# YOUR CODE HERE\nraise NotImplementedError()"}
# The cold `import torch` takes seconds: a per-cell limit must leave room for it.
c.Execute.timeout = 120
c.Execute.interrupt_on_timeout = True
