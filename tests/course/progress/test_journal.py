"""The journal and the portfolio, built from a recorded run: what each day built and reached,
the time spent, the hints used and the day's figure; notes survive export and import."""
import base64
import json
import re
from datetime import datetime, timedelta, timezone

import matplotlib
import pytest

from course import metrics, progress
from course.progress import Store, widget
from course.progress.journal import entries
from course.syllabus import get_day

matplotlib.use("Agg")

DAY1 = get_day(1)
IDS = [e.grade_id for e in DAY1.exercises]
START = datetime(2026, 11, 2, 14, 0, tzinfo=timezone.utc)


def minutes(m):
    return START + timedelta(minutes=m)


@pytest.fixture
def recorded(home):
    """A learner's Day 1 (all passed, two hints, a metric, a figure) and half of Day 2."""
    import matplotlib.pyplot as plt

    progress.begin(1)
    store = widget._session_store()
    for i, grade_id in enumerate(IDS):            # 14:00 to 14:35, one pass every 5 minutes
        store.record(1, grade_id, when=minutes(5 * i))
    store.record(1, IDS[0], "failed", when=minutes(1), error="AssertionError")
    store.note(1, "hint", "sigmoid", {"tier": 1, "of": 3}, when=minutes(2))
    store.note(1, "hint", "sigmoid", {"tier": 2, "of": 3}, when=minutes(3))
    store.note(1, "metric", "speedup", {"name": "speedup", "value": 3.1, "unit": "×",
                                        "target": "≥ 50×", "met": False, "fast": False,
                                        "fmt": ".3g"}, when=minutes(36))
    # a later fast run does not replace the full run's value in the journal
    store.note(1, "metric", "speedup", {"name": "speedup", "value": 2.0, "unit": "×",
                                        "target": "≥ 50×", "met": None, "fast": True},
               when=minutes(37))
    fig, ax = plt.subplots(figsize=(2, 2))
    ax.plot([0, 1], [0, 1])
    progress.figure(fig)
    plt.close(fig)
    # Day 2: two sessions a day apart
    store.record(2, "flatten_columns", when=START + timedelta(days=1))
    store.record(2, "sigmoid_values", when=START + timedelta(days=1, hours=5))
    return store


def test_entries_say_what_was_built_reached_and_how_long(recorded):
    day1, day2 = entries(recorded)
    assert day1.number == 1 and day1.progress.complete
    assert day1.built[:3] == ["sigmoid", "sigmoid_derivative", "image2vector"]
    assert [m["value"] for m in day1.reached] == [3.1]          # the full run's, not the fast one
    assert day1.hints == {"sigmoid": 2}
    # 14:00 to 14:37 without a break; the figure, kept today, is a second session
    assert day1.sessions == 2 and day1.minutes == pytest.approx(37)
    assert day1.figure is not None and day1.figure.read_bytes()[:4] == b"\x89PNG"
    assert day2.sessions == 2 and day2.minutes == 0 and not day2.progress.complete


def test_the_journal_in_markdown(recorded, tmp_path):
    text = progress.journal(recorded, images=tmp_path / "images")
    first, second = text.strip().split("\n\n## ")
    lines = first.splitlines()
    assert lines[0] == f"## Day 1: 2026-11-02 : {DAY1.title}"
    assert "- Built: `sigmoid`, `sigmoid_derivative`, `image2vector`" in first
    assert "- Reached: speedup 3.1× (target ≥ 50×: not met yet)." in lines
    assert "- Day complete: all 8 exercises passed." in lines
    assert "- Time: 37 min over 2 sessions." in lines
    assert "- Hints used: 2 (sigmoid 2)." in lines
    assert lines[-1] == f"![Day 1: {DAY1.title}]({(tmp_path / 'images' / 'day01.png').as_posix()})"
    assert (tmp_path / "images" / "day01.png").read_bytes()[:4] == b"\x89PNG"
    assert second.startswith("Day 2: 2026-11-03")
    assert "- In progress: 2 of " in second and "over 2 sessions" in second
    assert "- Hints used: none." in second and "![" not in second
    assert progress.journal(Store(None)) == ""


def test_a_fast_run_alone_is_reported_as_a_check_of_the_code(home):
    store = progress.open_store()
    store.note(3, "metric", "test accuracy", {"name": "test accuracy", "value": 0.5, "unit": "",
                                              "target": "≥ 0.9", "met": None, "fast": True})
    text = progress.journal(store)
    assert "- Reached: test accuracy 0.5 (fast mode: a check of the code" in text


def test_the_portfolio_is_one_self_contained_page(recorded, tmp_path):
    page = tmp_path / "portfolio.html"
    assert progress.portfolio(recorded, page, today=START.date() + timedelta(days=2)) == 2
    text = page.read_text()
    assert text.startswith("<!DOCTYPE html>") and "http" not in text.replace(
        "http-equiv", "")                             # nothing to fetch: opens without a server
    assert f"Day 1 · {DAY1.title}" in text and "Day 2 · " in text
    assert text.count('class="day"') == 2 and 'class="course-heatmap"' in text
    [png] = re.findall(r'src="data:image/png;base64,([^"]+)"', text)
    assert base64.b64decode(png)[:4] == b"\x89PNG"
    assert "Reached speedup 3.1×" in text and "hints used: 2 (sigmoid 2)" in text


def test_metrics_and_hints_are_kept_for_the_day_the_kernel_started(home):
    progress.begin(5)
    metrics.headline("test accuracy", 0.8, target="≥ 0.7", met=True)
    [note] = progress.open_store().notes(kind="metric")
    assert note.day == 5 and note.value["value"] == 0.8 and note.value["met"] is True


def test_nothing_is_kept_with_recording_off(home, monkeypatch):
    monkeypatch.setenv("COURSE_PROGRESS", "off")
    widget._forget()
    progress.begin(5)
    metrics.headline("test accuracy", 0.8)
    progress.figure(matplotlib.figure.Figure())
    monkeypatch.setenv("COURSE_PROGRESS", "on")
    assert progress.open_store().notes() == [] and not (home / "figures").exists()


def test_notes_travel_with_an_export(recorded, tmp_path):
    path = tmp_path / "export.json"
    progress.export_json(path, recorded)
    data = json.loads(path.read_text())
    assert {n["kind"] for n in data["notes"]} == {"hint", "metric", "figure"}
    other = Store(tmp_path / "other.sqlite3")
    progress.import_json(path, other)
    assert len(other.notes()) == len(recorded.notes()) == 5
    progress.import_json(path, other)                     # again: nothing doubles
    assert len(other.notes()) == 5


def test_a_damaged_note_in_an_export_is_named(tmp_path):
    path = tmp_path / "bad.json"
    path.write_text(json.dumps({"format": progress.EXPORT_FORMAT, "version": 1, "events": [],
                                "notes": [{"id": "x", "kind": "hint"}]}))
    with pytest.raises(progress.ProgressFileError, match="damaged note"):
        progress.import_json(path, Store(None))


def test_cli_journal_images_and_html(cli, recorded, tmp_path):
    code, out, _ = cli("progress", "--journal", "--images", tmp_path / "img")
    assert code == 0 and out.startswith(f"## Day 1: 2026-11-02 : {DAY1.title}")
    assert (tmp_path / "img" / "day01.png").exists()
    code, out, _ = cli("progress", "--html", tmp_path / "me.html")
    assert code == 0 and "Wrote your portfolio (2 days)" in out
    assert (tmp_path / "me.html").read_text().count('class="day"') == 2
    code, _, err = cli("progress", "--images", tmp_path / "img")
    assert code == 2 and "--images goes with --journal" in err
