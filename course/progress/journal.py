"""The journal and the portfolio: what the learner built and reached each day, worth posting.

An entry per day worked on: the functions written, the headline metrics their own run printed,
the time spent (first to last activity, long breaks left out), the hints used and the day's
figure. ``journal`` writes it as Markdown (``course progress --journal [--images DIR]``),
``portfolio`` as one self-contained HTML page (``course progress --html FILE``): streak calendar,
days and figures, opening in any browser without a server.
"""
from __future__ import annotations

import base64
import html
import os
import shutil
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path

from .heatmap import heatmap_html
from .store import Store
from .summary import DayProgress, local_today, plural

BREAK = timedelta(minutes=30)   # a longer gap between two activities is a break, not work


@dataclass
class Entry:
    """One day of the journal."""

    progress: DayProgress
    built: list[str] = field(default_factory=list)          # functions of the passed exercises
    reached: list[dict] = field(default_factory=list)       # the latest value of each metric
    minutes: float = 0.0
    sessions: int = 0
    hints: Counter = field(default_factory=Counter)         # exercise -> hints shown
    figure: Path | None = None

    @property
    def number(self) -> int:
        return self.progress.day.number

    @property
    def when(self) -> date | None:
        return self.progress.completed_on or self.progress.last_active


def _time(stamps) -> tuple[float, int]:
    """Minutes of activity and sessions: consecutive activities closer than `BREAK` count."""
    stamps = sorted(stamps)
    if not stamps:
        return 0.0, 0
    minutes, sessions = 0.0, 1
    for a, b in zip(stamps, stamps[1:]):
        gap = b - a
        if gap > BREAK:
            sessions += 1
        else:
            minutes += gap.total_seconds() / 60
    return minutes, sessions


def metric_text(m: dict) -> str:
    """``speedup 87.2× (target ≥ 50×: met)``, as the notebook printed it."""
    try:
        value = f"{m['value']:{m.get('fmt') or '.3g'}}"
    except (ValueError, TypeError):
        value = f"{m['value']:.3g}"
    text = f"{m['name']} {value}{m.get('unit', '')}"
    if m.get("fast"):
        return text + " (fast mode: a check of the code, not the day's result)"
    if m.get("target"):
        verdict = "" if m.get("met") is None else (": met" if m["met"] else ": not met yet")
        text += f" (target {m['target']}{verdict})"
    return text


def entries(store: Store) -> list[Entry]:
    """The journal's days, in order: every day with a passed exercise or a metric."""
    from .. import hints as _hints

    summary = store.summary()
    stamps: dict[int, list[datetime]] = {}
    for e in store.events():
        stamps.setdefault(e.day, []).append(datetime.fromisoformat(e.at))
    notes = store.notes()
    for n in notes:
        stamps.setdefault(n.day, []).append(datetime.fromisoformat(n.at))
    out = []
    for number in sorted(set(summary.days) | {n.day for n in notes if n.kind == "metric"}):
        try:
            p = summary.day(number)
        except ValueError:
            continue
        day_notes = [n for n in notes if n.day == number]
        if not p.passed and not any(n.kind == "metric" for n in day_notes):
            continue
        entry = Entry(p)
        for ex in _hints.exercises(number).values():
            if any(t in p.passed for t in ex.tests):
                entry.built += [f for f in ex.functions if f not in entry.built]
        latest = {}
        for n in day_notes:
            if n.kind == "metric":
                value = n.value
                # a full run's value is not replaced by a later fast run's
                if value.get("fast") and n.name in latest and not latest[n.name].get("fast"):
                    continue
                latest[n.name] = value
            elif n.kind == "hint":
                entry.hints[n.name] += 1
            elif n.kind == "figure" and store.path is not None:
                path = store.path.parent / n.value.get("file", "")
                entry.figure = path if path.is_file() else entry.figure
        entry.reached = list(latest.values())
        entry.minutes, entry.sessions = _time(stamps.get(number, []))
        out.append(entry)
    return out


def _duration(entry: Entry) -> str:
    m = round(entry.minutes)
    text = "under a minute" if m < 1 else (f"{m} min" if m < 60 else f"{m // 60} h {m % 60:02d} min")
    if entry.sessions > 1:
        text += f" over {entry.sessions} sessions"
    return text


def _hint_text(entry: Entry) -> str:
    if not entry.hints:
        return "none"
    used = sum(entry.hints.values())
    return f"{used} ({', '.join(f'{name} {n}' for name, n in entry.hints.items())})"


def journal(store: Store, images=None) -> str:
    """A #100DaysOfMLCode-style log in Markdown: one section per day worked on. With ``images``
    (a folder), each day's figure is copied there and linked; else linked where it is kept."""
    sections = []
    folder = Path(images) if images is not None else None
    for entry in entries(store):
        p = entry.progress
        lines = [f"## Day {entry.number}: {entry.when.isoformat() if entry.when else ''} : "
                 f"{p.day.title}", ""]
        if p.day.topics:
            lines.append(f"- Topics: {', '.join(p.day.topics)}.")
        if entry.built:
            lines.append(f"- Built: {', '.join(f'`{f}`' for f in entry.built)}.")
        for m in entry.reached:
            lines.append(f"- Reached: {metric_text(m)}.")
        if p.complete:
            lines.append(f"- Day complete: all {p.total} exercises passed.")
        elif p.total:
            lines.append(f"- In progress: {p.count} of {p.total} exercises passed.")
        lines.append(f"- Time: {_duration(entry)}.")
        lines.append(f"- Hints used: {_hint_text(entry)}.")
        if entry.figure is not None:
            if folder is not None:
                folder.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(entry.figure, folder / entry.figure.name)
                link = (folder / entry.figure.name).as_posix()
            else:
                link = entry.figure.as_uri()
            lines += ["", f"![Day {entry.number}: {p.day.title}]({link})"]
        sections.append("\n".join(lines))
    return "\n\n".join(sections) + ("\n" if sections else "")


# --- the portfolio -------------------------------------------------------------------------------

_STYLE = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;background:#f6f8fa;
color:#1f2328}
main{max-width:880px;margin:0 auto;padding:24px}
h1{margin:0 0 4px;font-size:26px}
.stats{display:flex;gap:24px;flex-wrap:wrap;margin:12px 0 20px;color:#444}
.stats b{display:block;font-size:22px;color:#1f2328}
.day{background:#fff;border:1px solid #d0d7de;border-radius:8px;padding:14px 18px;margin:14px 0}
.day h2{font-size:18px;margin:0 0 6px}
.day .when{color:#666;font-weight:normal;font-size:14px}
.day ul{margin:6px 0;padding-left:20px}
.day img{max-width:100%;border:1px solid #eee;border-radius:4px;margin-top:8px}
.met{color:#1a7f37}.missed{color:#9a6700}
footer{color:#888;font-size:12px;margin-top:24px}
"""


def portfolio(store: Store, path, today: date | None = None) -> int:
    """Write the one-page portfolio to ``path`` (figures embedded); returns the days in it."""
    summary = store.summary()
    today = today or local_today()
    days = entries(store)
    first = min(summary.activity, default=today)
    weeks = max(8, min(53, (today - first).days // 7 + 2))
    hints_used = sum(sum(e.hints.values()) for e in days)
    stat = [(summary.days_complete, "days complete"),
            (summary.streak(today), "day streak"),
            (summary.longest_streak(), "longest streak"),
            (summary.passes, "exercises passed"),
            (hints_used, "hints used")]
    cards = []
    for e in days:
        p = e.progress
        items = []
        if e.built:
            items.append("Built " + ", ".join(f"<code>{html.escape(f)}</code>" for f in e.built))
        for m in e.reached:
            cls = "" if m.get("met") is None or m.get("fast") else (
                ' class="met"' if m["met"] else ' class="missed"')
            items.append(f"<span{cls}>Reached {html.escape(metric_text(m))}</span>")
        items.append(f"{p.count} of {p.total} exercises passed" + (" ✔" if p.complete else "")
                     if p.total else plural(p.count, "exercise") + " passed")
        items.append(f"Time: {html.escape(_duration(e))} · hints used: "
                     f"{html.escape(_hint_text(e))}")
        img = ""
        if e.figure is not None:
            data = base64.b64encode(e.figure.read_bytes()).decode("ascii")
            img = (f'<img alt="Day {e.number}: {html.escape(p.day.title)}" '
                   f'src="data:image/png;base64,{data}">')
        when = e.when.strftime("%d %b %Y") if e.when else ""
        cards.append(f'<section class="day" id="day{e.number:02d}"><h2>Day {e.number} · '
                     f'{html.escape(p.day.title)} <span class="when">{when}</span></h2><ul>'
                     + "".join(f"<li>{i}</li>" for i in items) + f"</ul>{img}</section>")
    body = (f"<main><h1>100 Days of Deep Learning</h1><div>My journey, as of "
            f"{today.strftime('%d %B %Y')}</div><div class=\"stats\">"
            + "".join(f"<div><b>{n}</b>{html.escape(label)}</div>" for n, label in stat)
            + f"</div>{heatmap_html(summary.activity, today, weeks=weeks)}"
            + ("".join(cards) or "<p>Nothing yet: pass a day's first exercise.</p>")
            + "<footer>Made with <code>course progress --html</code> from the course's progress "
              "file.</footer></main>")
    page = (f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><meta name="viewport" '
            f'content="width=device-width, initial-scale=1"><title>100 Days of Deep Learning: '
            f'my journey</title><style>{_STYLE}</style></head><body>{body}</body></html>\n')
    path = Path(path).expanduser()
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(page, encoding="utf-8")
    os.replace(tmp, path)
    return len(days)
