"""A day's headline metric: shown to the learner, kept for their journal, and read back by
`course run` and the benchmark."""
from __future__ import annotations

METRIC_MIME = "application/vnd.course.metric+json"


def headline(name: str, value: float, *, unit: str = "", target: str = "", fmt: str = ".3g",
             met: bool | None = None, fast: bool = False) -> None:
    """Show ``name: value`` and the day's target, and tag it so tools can read it back.

    ``met``: whether this run reached the target (the notebook computes it; None where the metric
    has no target). ``fast``: a fast run (small data, few steps) checks the code, not the day's
    result, so its verdict is not shown as one. The value is kept (with the day `course.start`
    began) for the learner's journal.

    >>> headline("speedup", 87.2, unit="×", target="≥ 50×", met=87.2 >= 50)   # doctest: +SKIP
    """
    from IPython.display import display

    text = f"★ {name}: {value:{fmt}}{unit}"
    if target:
        text += f"  (target {target}"
        if fast:
            text += "; fast mode checks the code: run with fast = False for the day's result)"
        elif met is None:
            text += ")"
        else:
            text += ": met ✔)" if met else ": MISSED ✘)"
    data = {"name": name, "value": float(value), "unit": unit, "target": target,
            "met": None if met is None else bool(met), "fast": bool(fast)}
    display({"text/plain": text, METRIC_MIME: data}, raw=True)
    from . import progress

    if progress.enabled():
        progress.note("metric", name, {**data, "fmt": fmt})
