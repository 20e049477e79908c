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
