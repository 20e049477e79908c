"""The instructor's side of the course: a class's nbgrader folder, collecting submissions,
parallel and guarded autograding into nbgrader's gradebook, feedback and export.

Needs the `grader` extra (`pip install 'hundred-days-dl[grader]'`): nbgrader, SQLAlchemy,
nbconvert. The `course` command's instructor subcommands live in `grader.commands`; the guide
is grader/README.md.
"""
