"""A day's headline metric: shown to the learner, and read back by `course run` and the benchmark."""
from __future__ import annotations

METRIC_MIME = "application/vnd.course.metric+json"


def headline(name: str, value: float, *, unit: str = "", target: str = "", fmt: str = ".3g") -> None:
    """Show ``name: value`` (and the day's target) and tag it so tools can read it back.

    >>> headline("speedup", 87.2, unit="×", target="≥ 50×")   # doctest: +SKIP
    """
    from IPython.display import display

    text = f"★ {name}: {value:{fmt}}{unit}" + (f"  (target {target})" if target else "")
    display({"text/plain": text,
             METRIC_MIME: {"name": name, "value": float(value), "unit": unit, "target": target}},
            raw=True)
