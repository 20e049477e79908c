"""The `course` command line: one subcommand per module.

The learner's and author's subcommands live beside this file; the instructor's (`classroom`,
`collect`, `grade`, `feedback`, `export`) in `grader.commands`. Each module has
``add_arguments(parser)`` and ``run(args)``, and imports what it needs inside ``run``, so
`course list` works on a base install and an instructor's subcommand without the `grader`
extra says which extra to install instead of a traceback.
"""
from __future__ import annotations

import argparse
import importlib
import sys

from ..errors import CourseError

# Subcommand name -> (module, the extra whose packages it needs; None: the base install).
COMMANDS = {
    "list": ("course.cli.listing", None),
    "run": ("course.cli.execute", "author"),
    "release": ("course.cli.release", "author"),
    "verify": ("course.cli.verify", "author"),
    "progress": ("course.cli.progress", None),
    "classroom": ("grader.commands.classroom", "grader"),
    "collect": ("grader.commands.collect", "grader"),
    "grade": ("grader.commands.grade", "grader"),
    "feedback": ("grader.commands.feedback", "grader"),
    "export": ("grader.commands.export", "grader"),
}

# The top-level packages each extra brings (pyproject.toml's optional-dependencies).
EXTRA_PACKAGES = {
    "author": ("papermill", "nbformat", "nbclient", "jupyter_client", "nbgrader"),
    "grader": ("nbgrader", "sqlalchemy", "nbconvert", "nbformat", "jupyter_client", "traitlets"),
}
DISTRIBUTION = "hundred-days-dl"


class MissingExtra(CourseError):
    """A subcommand needs packages of an extra that is not installed."""


def missing_extra(command: str, err: ImportError) -> MissingExtra | None:
    """The one-sentence error for ``command`` when ``err`` is a package of its extra missing."""
    extra = COMMANDS[command][1]
    top = (err.name or "").split(".")[0]
    if extra is None or top not in EXTRA_PACKAGES[extra]:
        return None
    who = {"author": "a course author's", "grader": "an instructor's"}[extra]
    return MissingExtra(
        f"this is {who} command and needs the `{extra}` extra, which is not installed ({top} is "
        f"missing): pip install '{DISTRIBUTION}[{extra}]'")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="course", description="100 Days of Deep Learning: run, release and track the days.")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, (module_name, _extra) in COMMANDS.items():
        module = importlib.import_module(module_name)
        doc = (module.__doc__ or "").strip()
        p = sub.add_parser(name, help=doc.splitlines()[0] if doc else None, description=doc,
                           formatter_class=argparse.RawDescriptionHelpFormatter)
        module.add_arguments(p)
        p.set_defaults(handler=module.run)
    return parser


def main(argv=None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "handler", None):
        parser.print_help()
        return 2
    try:
        try:
            return args.handler(args) or 0
        except ImportError as err:
            raise missing_extra(args.command, err) or err
    except CourseError as err:
        print(f"course {args.command}: {err}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("Interrupted.", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
