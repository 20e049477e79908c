"""The `course` command line: one subcommand per module in `course.commands`."""
from __future__ import annotations

import argparse
import importlib
import sys

from .errors import CourseError

# Subcommand name -> module in course.commands (each has `add_arguments(parser)` and `run(args)`).
COMMANDS = {
    "list": "listing",
    "run": "execute",
    "release": "release",
    "verify": "verify",
    "progress": "progress",
    "classroom": "classroom",
    "collect": "collect",
    "grade": "grade",
    "feedback": "feedback",
    "export": "export",
}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="course", description="100 Days of Deep Learning: run, release and track the days.")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, module_name in COMMANDS.items():
        module = importlib.import_module(f"course.commands.{module_name}")
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
        return args.handler(args) or 0
    except CourseError as err:
        print(f"course {args.command}: {err}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("Interrupted.", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
