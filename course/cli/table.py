"""Plain-text tables for the command line."""
from __future__ import annotations


def format_table(header, rows) -> str:
    rows = [tuple("" if v is None else str(v) for v in row) for row in rows]
    widths = [max(len(str(h)), *(len(r[i]) for r in rows)) if rows else len(str(h))
              for i, h in enumerate(header)]

    def line(values):
        return "  ".join(v.ljust(w) for v, w in zip(values, widths)).rstrip()

    out = [line([str(h) for h in header]), line(["-" * w for w in widths])]
    out += [line(r) for r in rows]
    return "\n".join(out)


def print_table(header, rows) -> None:
    print(format_table(header, rows))
