"""The activity calendar: one square a day for the last weeks, greener with more passes."""
from __future__ import annotations

from datetime import date, timedelta

from .summary import local_today, plural

HEAT_COLOURS = ("#ebedf0", "#9be9a8", "#40c463", "#30a14e", "#216e39")
HEAT_LEVELS = (1, 3, 6, 10)  # passes a day at which the next colour starts
_WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def _level(n: int) -> int:
    return sum(n >= t for t in HEAT_LEVELS)


def heatmap_html(activity, today: date | None = None, weeks: int = 20) -> str:
    """A calendar of the last ``weeks`` weeks: one square a day, greener with more passes."""
    today = today or local_today()
    start = today - timedelta(days=today.weekday() + 7 * (weeks - 1))  # a Monday
    cell = "width:11px;height:11px;border-radius:2px;"
    squares, months, last_month = [], [], None
    for i in range((today - start).days + 1):
        d = start + timedelta(days=i)
        n = activity.get(d, 0)
        outline = "outline:1px solid #555;" if d == today else ""
        tip = (f"{_WEEKDAYS[d.weekday()]} {d.day:02d} {_MONTHS[d.month - 1]} {d.year}: "
               f"{plural(n, 'exercise')} passed")
        squares.append(f'<div title="{tip}" style="{cell}{outline}'
                       f'background:{HEAT_COLOURS[_level(n)]}"></div>')
        if d.weekday() == 0 and d.month != last_month and i // 7 < weeks - 1:
            if months and i // 7 - months[-1][0] < 3:
                months.pop()   # the previous month shows under 3 weeks: its label has no room
            months.append((i // 7, _MONTHS[d.month - 1]))
            last_month = d.month
    small = "font-size:9px;color:#666;line-height:11px"
    grid = ("display:grid;grid-template-rows:repeat(7,11px);grid-auto-flow:column;"
            "grid-auto-columns:11px;gap:2px")
    labels = (f"display:grid;grid-template-columns:repeat({weeks},11px);column-gap:2px;"
              f"{small};height:12px;margin-left:26px")
    weekdays = "".join(f"<div>{name if i % 2 == 0 else ''}</div>"
                       for i, name in enumerate(_WEEKDAYS))
    legend = "".join(f'<span style="display:inline-block;{cell}background:{c};'
                     'vertical-align:middle;margin:0 1px"></span>' for c in HEAT_COLOURS)
    # all on row 1 (without grid-row each label that touches the previous one's span would go to
    # a row of its own, clipped out of sight), each 3 columns wide
    month_labels = "".join(f'<span style="grid-row:1;grid-column:{col + 1} / span 3;'
                           f'white-space:nowrap">{name}</span>' for col, name in months)
    total, active = sum(activity.values()), sum(1 for n in activity.values() if n)
    return (f'<div class="course-heatmap" style="display:inline-block">'
            f'<div style="{labels}">{month_labels}</div>'
            f'<div style="display:flex;gap:4px"><div style="display:grid;grid-template-rows:'
            f'repeat(7,11px);gap:2px;width:22px;{small}">{weekdays}</div>'
            f'<div style="{grid}">{"".join(squares)}</div></div>'
            f'<div style="{small};margin:4px 0 0 26px">{plural(total, "exercise")} passed on '
            f'{plural(active, "day")} · less {legend} more</div></div>')
