"""Author tools: reading and releasing notebooks, running and verifying days, the launch
settings and the cell constructors for writing a new day (`course.authoring.cells`).

Needs the `author` extra (papermill, nbformat, nbclient, nbgrader's preprocessors); nothing
here is imported by a day's notebook.
"""
