"""The activity calendar."""
import re
from datetime import date

from course import progress


def test_heatmap_is_a_calendar_of_squares():
    today = date(2026, 3, 4)  # a Wednesday
    heat = progress.heatmap_html({today: 12, date(2026, 3, 2): 1}, today, weeks=4)
    squares = re.findall(r'<div title="([^"]+)" style="([^"]+)"', heat)
    assert len(squares) == 3 * 7 + 3  # three full weeks and Monday to Wednesday
    tips = dict(squares)
    assert "outline" in tips["Wed 04 Mar 2026: 12 exercises passed"]
    assert progress.HEAT_COLOURS[-1] in tips["Wed 04 Mar 2026: 12 exercises passed"]
    assert progress.HEAT_COLOURS[1] in tips["Mon 02 Mar 2026: 1 exercise passed"]


def test_every_month_label_is_on_the_top_row_with_room_to_show():
    # 20 weeks back from 2026-12-02 starts on Monday 20 July: July shows for 2 weeks only
    heat = progress.heatmap_html({}, date(2026, 12, 2), weeks=20)
    labels = re.findall(r'<span style="grid-row:1;grid-column:(\d+) / span 3;[^"]*">(\w+)</span>',
                        heat)
    assert [name for _, name in labels] == ["Aug", "Sep", "Oct", "Nov"]
    columns = [int(c) for c, _ in labels]
    assert all(b - a >= 3 for a, b in zip(columns, columns[1:]))   # no label over another
    assert heat.count("grid-column:") == len(labels)
