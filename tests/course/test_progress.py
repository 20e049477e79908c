"""The progress store, its summaries (streaks, completion, the journal), the widget and the CLI."""
import json
import os
import re
import signal
import subprocess
import sys
import textwrap
from datetime import date, datetime, timedelta, timezone
from types import SimpleNamespace

import pytest

from course import progress
from course.progress import Event, Store, Summary
from course.syllabus import get_day

DAY1 = get_day(1)
IDS = [e.grade_id for e in DAY1.exercises]


@pytest.fixture
def home(tmp_path, monkeypatch):
    """A fresh COURSE_HOME with recording on; the session's store is forgotten before and after."""
    monkeypatch.setenv("COURSE_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("COURSE_PROGRESS", "on")
    progress._forget()
    yield tmp_path / "home"
    progress._forget()


def at(y, m, d, hour=12, offset=0):
    return datetime(y, m, d, hour, tzinfo=timezone(timedelta(hours=offset)))


# --- recording from a notebook --------------------------------------------------------------------

def test_passed_records_an_event(home, capsys):
    progress.passed(1, "sigmoid_values")
    assert "✔ sigmoid_values passed (2 points)" in capsys.readouterr().out
    [event] = progress.open_store().events()
    assert (event.day, event.exercise, event.outcome, event.environment) == \
        (1, "sigmoid_values", "passed", "other")
    assert datetime.fromisoformat(event.at).utcoffset() == timedelta(0)
    assert event.local_date == progress.local_today().isoformat()
    assert re.fullmatch(r"[0-9a-f]{32}", event.id)
    assert (home / progress.FILENAME).exists()
    mode = progress.open_store()._conn.execute("PRAGMA journal_mode").fetchone()[0]
    assert mode == "wal"


def test_off_never_writes(home, monkeypatch, capsys):
    monkeypatch.setenv("COURSE_PROGRESS", "off")
    progress.passed(1, "sigmoid_values")
    progress.show(1)
    out = capsys.readouterr().out
    assert "1 of 8 exercises passed" in out and "Recording is off" in out
    assert not home.exists(), "COURSE_PROGRESS=off wrote into the store's folder"


def test_a_failing_test_cell_is_recorded_by_the_hook(home):
    from IPython.core.interactiveshell import InteractiveShell

    shell = InteractiveShell.instance()
    try:
        progress.watch_failures()
        progress.watch_failures()  # re-running the set-up cell installs it once
        hooks = [c for c in shell.events.callbacks["post_run_cell"]
                 if getattr(c, "__qualname__", "") == "_after_cell"]
        assert len(hooks) == 1
        shell.run_cell('from course import progress\n'
                       'assert 1 == 2, "softmax is wrong"\n'
                       'progress.passed(1, "softmax_values")')
        shell.run_cell("x = 1  # an ordinary cell")
    finally:
        shell.events.unregister("post_run_cell", progress._after_cell)
        InteractiveShell.clear_instance()
    [event] = progress.open_store().events()
    assert (event.exercise, event.outcome, event.error) == ("softmax_values", "failed",
                                                            "AssertionError")


def test_the_hook_ignores_interrupts_and_passing_cells(home):
    cell = SimpleNamespace(raw_cell='progress.passed(1, "l1_loss")')
    progress._after_cell(SimpleNamespace(success=True, info=cell))
    progress._after_cell(SimpleNamespace(success=False, error_in_exec=KeyboardInterrupt(),
                                         error_before_exec=None, info=cell))
    assert progress.open_store().count() == 0


def test_show_outside_a_kernel_is_one_line(home, capsys):
    for grade_id in IDS[:3]:
        progress.passed(1, grade_id)
    capsys.readouterr()
    progress.show(1)
    out = capsys.readouterr().out
    assert out.startswith(f"Day 01 · {DAY1.title}: 3 of {len(IDS)} exercises passed")
    assert "0 of 30 days complete · streak: 1 day." in out


def test_the_widget_updates_live_when_a_test_passes(home, monkeypatch):
    import IPython.display

    shown = []
    monkeypatch.setattr(progress, "_widgets_available", lambda: True)
    monkeypatch.setattr(IPython.display, "display", shown.append)
    progress.show(1)
    [view] = progress._STATE.views
    assert shown == [view.box] and "0 of 8 exercises passed" in view.day_text.value
    for grade_id in IDS:
        progress.passed(1, grade_id)
    assert view.day_bar.value == len(IDS) and view.day_bar.bar_style == "success"
    assert f"{len(IDS)} of {len(IDS)} exercises passed" in view.day_text.value
    assert view.course_bar.value == 1 and "1 of 30 days complete" in view.course_text.value
    assert "1 day streak" in view.title.value
    assert view.heatmap.value.count("exercises passed") >= 1
    bundle = view.box._repr_mimebundle_()
    assert bundle["text/plain"].startswith("Day 01 · NumPy for deep learning: 8 of 8")
    for _ in range(progress.MAX_VIEWS + 2):
        progress.show(1)
    assert len(progress._STATE.views) == progress.MAX_VIEWS


# --- the store: concurrency, crashes, bad places --------------------------------------------------

WRITER = textwrap.dedent("""
    import sys
    from course.progress import Store
    store = Store(sys.argv[1])
    for i in range(int(sys.argv[2])):
        event = store.record(1, f"{sys.argv[3]}_{i}", "passed")
        print(event.id, flush=True)
""")


def test_two_processes_writing_at_once_lose_nothing(tmp_path):
    path, n = tmp_path / "progress.sqlite3", 2000
    writers = [subprocess.Popen([sys.executable, "-c", WRITER, str(path), str(n), name],
                                stdout=subprocess.PIPE, text=True) for name in ("a", "b")]
    ids = set()
    for writer in writers:
        out, _ = writer.communicate(timeout=240)
        assert writer.returncode == 0
        ids |= set(out.split())
    events = Store(path).events()
    assert len(ids) == 2 * n and {e.id for e in events} == ids
    assert {e.exercise for e in events} == {f"{w}_{i}" for w in "ab" for i in range(n)}


def test_a_writer_killed_mid_run_loses_nothing_recorded(tmp_path):
    path = tmp_path / "progress.sqlite3"
    writer = subprocess.Popen([sys.executable, "-c", WRITER, str(path), "1000000", "x"],
                              stdout=subprocess.PIPE, text=True)
    committed = []
    for line in writer.stdout:
        committed.append(line.strip())
        if len(committed) == 500:
            break
    writer.send_signal(signal.SIGKILL)
    writer.wait()
    committed += [line.strip() for line in writer.stdout.read().split()]
    store = Store(path)
    assert store.notices == [] and store.problem is None
    assert set(committed) <= {e.id for e in store.events()}
    assert store._conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_an_unwritable_folder_does_not_break_the_notebook(tmp_path, monkeypatch, capsys):
    (tmp_path / "a-file").write_text("not a folder")
    monkeypatch.setenv("COURSE_HOME", str(tmp_path / "a-file" / "course"))
    monkeypatch.setenv("COURSE_PROGRESS", "on")
    progress._forget()
    try:
        progress.passed(1, "sigmoid_values")
        progress.show(1)
    finally:
        progress._forget()
    out = capsys.readouterr()
    assert "1 of 8 exercises passed" in out.out  # counted in memory for the session
    assert "Progress is not being saved: could not write to" in out.out
    assert str(tmp_path / "a-file" / "course" / progress.FILENAME) in out.out
    assert "COURSE_HOME" in out.out and "Traceback" not in out.out + out.err


def test_a_store_that_is_a_folder_falls_back_to_memory(tmp_path):
    store = Store(tmp_path)  # sqlite cannot open a directory
    assert not store.saving and "could not write to" in store.problem
    store.record(1, "sigmoid_values")
    assert store.count() == 1


def test_a_garbage_store_is_moved_aside(tmp_path):
    path = tmp_path / "progress.sqlite3"
    path.write_bytes(b"this is not SQLite at all " * 100)
    store = Store(path)
    assert store.saving and len(store.notices) == 1
    assert "was damaged" in store.notices[0] and "moved to" in store.notices[0]
    [aside] = tmp_path.glob("progress.damaged-*.sqlite3")
    assert aside.read_bytes().startswith(b"this is not SQLite")
    store.record(1, "sigmoid_values")
    assert Store(path).count() == 1 and Store(path).notices == []


def test_a_store_with_damaged_pages_is_moved_aside_in_the_notebook(home, capsys):
    store = progress.open_store()
    store.add([Event.new(1, f"ex{i}", "passed") for i in range(3000)])
    store.close()
    path = home / progress.FILENAME
    data = bytearray(path.read_bytes())
    data[8192:8192 + 4096] = b"\xff" * 4096  # scribble over a page of the table
    path.write_bytes(bytes(data))
    progress.passed(1, "sigmoid_values")
    progress.show(1)
    out = capsys.readouterr()
    assert "was damaged" in out.out and "Traceback" not in out.out + out.err
    assert list(home.glob("progress.damaged-*.sqlite3"))
    assert "sigmoid_values" in {e.exercise for e in progress.open_store().events()}


# --- export and import ----------------------------------------------------------------------------

def test_export_import_round_trip_without_duplicates(tmp_path):
    colab, laptop = Store(tmp_path / "colab.sqlite3"), Store(tmp_path / "laptop.sqlite3")
    for grade_id in IDS[:4]:
        colab.record(1, grade_id, when=at(2026, 3, 1), environment="colab")
    colab.record(1, IDS[4], "failed", when=at(2026, 3, 1), environment="colab", error="ValueError")
    laptop.record(2, "init_shapes", when=at(2026, 3, 2), environment="lab")
    export = tmp_path / "progress.json"
    assert progress.export_json(export, colab) == 5
    data = json.loads(export.read_text())
    assert data["format"] == progress.EXPORT_FORMAT and len(data["events"]) == 5
    assert progress.import_json(export, laptop) == (5, 0)
    assert progress.import_json(export, laptop) == (0, 5)
    assert sorted(laptop.events(), key=lambda e: e.id) == \
        sorted(colab.events() + [laptop.events()[-1]], key=lambda e: e.id)
    back = tmp_path / "back.json"
    progress.export_json(back, laptop)
    assert progress.import_json(back, colab) == (1, 5)
    assert {e.id for e in colab.events()} == {e.id for e in laptop.events()}


@pytest.mark.parametrize("content, says", [
    (None, "There is no file"),
    ("{not json", "is not a progress export"),
    ('{"events": []}', "is not a progress export"),
    (json.dumps({"format": progress.EXPORT_FORMAT, "version": 1, "events": [{"id": "x"}]}),
     "has a damaged event"),
])
def test_importing_a_wrong_file_is_a_sentence(tmp_path, content, says):
    path = tmp_path / "in.json"
    if content is not None:
        path.write_text(content)
    with pytest.raises(progress.ProgressFileError, match=says) as err:
        progress.import_json(path, Store(None))
    assert "course progress --export" in str(err.value)


# --- streaks, completion, time zones --------------------------------------------------------------

@pytest.mark.parametrize("dates, today, expected", [
    (["2026-01-30", "2026-01-31", "2026-02-01"], "2026-02-01", 3),  # across a month end
    (["2026-12-31", "2027-01-01"], "2027-01-01", 2),                # across a year end
    (["2028-02-28", "2028-02-29", "2028-03-01"], "2028-03-01", 3),  # a leap day
    (["2027-02-28", "2027-03-01"], "2027-03-01", 2),                # no leap day
    (["2026-04-29", "2026-05-01"], "2026-05-01", 1),                # April has 30 days: a gap
    (["2026-01-30", "2026-01-31"], "2026-02-01", 2),                # today not done yet: still on
    (["2026-01-30", "2026-01-31"], "2026-02-02", 0),                # a whole day missed: broken
    ([], "2026-02-02", 0),
])
def test_streak_arithmetic(dates, today, expected):
    assert progress.streak(map(date.fromisoformat, dates), date.fromisoformat(today)) == expected


def test_longest_streak():
    days = [date(2026, 1, d) for d in (1, 2, 3, 10, 11, 12, 13, 20)]
    assert progress.longest_streak(days) == 4 and progress.longest_streak([]) == 0


def test_local_dates_make_the_streak_across_time_zones():
    """Two passes an hour apart in UTC are on two calendar days for a learner in Auckland."""
    store = Store(None)
    first = store.record(1, "sigmoid_values", when=at(2026, 1, 31, 23, offset=13))
    second = store.record(1, "softmax_values", when=at(2026, 2, 1, 0, offset=13))
    assert first.at[:10] == second.at[:10] == "2026-01-31"  # the same UTC day ...
    assert (first.local_date, second.local_date) == ("2026-01-31", "2026-02-01")  # ... not local
    assert store.summary().streak(date(2026, 2, 1)) == 2
    # In Honolulu the same UTC instants fall on one local day: a one-day streak.
    hawaii = Store(None)
    for e in (first, second):
        utc = datetime.fromisoformat(e.at)
        hawaii.record(1, e.exercise, when=utc.astimezone(timezone(timedelta(hours=-10))))
    assert [e.local_date for e in hawaii.events()] == ["2026-01-31", "2026-01-31"]
    assert hawaii.summary().streak(date(2026, 2, 1)) == 1


def test_a_day_is_complete_when_every_exercise_passed():
    store = Store(None)
    for i, grade_id in enumerate(IDS):
        store.record(1, grade_id, "failed", when=at(2026, 5, 1))
        store.record(1, grade_id, when=at(2026, 5, 1 + i % 3))
    store.record(1, IDS[0], when=at(2026, 6, 1))  # passing again later changes nothing
    day = store.summary().day(1)
    assert day.complete and day.count == day.total == len(IDS)
    assert day.completed_on == date(2026, 5, 3)
    partial = Store(None)
    partial.record(1, IDS[0])
    assert not partial.summary().day(1).complete
    assert partial.summary().day(1).completed_on is None


def test_summary_counts_passes_per_local_day():
    summary = Summary.build([(1, "sigmoid_values", "2026-05-01")],
                            [("2026-05-01", 3), ("2026-05-02", 1)])
    assert summary.passes == 4 and summary.activity[date(2026, 5, 2)] == 1


def test_heatmap_is_a_calendar_of_squares():
    today = date(2026, 3, 4)  # a Wednesday
    heat = progress.heatmap_html({today: 12, date(2026, 3, 2): 1}, today, weeks=4)
    squares = re.findall(r'<div title="([^"]+)" style="([^"]+)"', heat)
    assert len(squares) == 3 * 7 + 3  # three full weeks and Monday to Wednesday
    tips = dict(squares)
    assert "outline" in tips["Wed 04 Mar 2026: 12 exercises passed"]
    assert progress.HEAT_COLOURS[-1] in tips["Wed 04 Mar 2026: 12 exercises passed"]
    assert progress.HEAT_COLOURS[1] in tips["Mon 02 Mar 2026: 1 exercise passed"]


# --- the journal ----------------------------------------------------------------------------------

def test_journal_format():
    store = Store(None)
    for grade_id in IDS:
        store.record(1, grade_id, when=at(2026, 11, 2))
    store.record(2, "some_exercise", when=at(2026, 11, 3))
    text = progress.journal(store.summary())
    sections = text.strip().split("\n\n")
    assert sections[0] == f"## Day 1: 2026-11-02 : {DAY1.title}"
    bullets = sections[1].splitlines()
    assert bullets[0] == f"- Topics: {', '.join(DAY1.topics)}."
    assert bullets[1] == f"- Passed: {DAY1.exercises[0].summary}"
    assert len(bullets) == 1 + len(IDS) + 1
    assert bullets[-1] == "- Day complete: all 8 exercises passed."
    assert all(line.startswith("- ") for line in bullets)
    assert sections[2] == f"## Day 2: 2026-11-03 : {get_day(2).title}"
    assert "- Passed: some_exercise." in sections[3]
    assert progress.journal(Store(None).summary()) == ""


# --- the command line -----------------------------------------------------------------------------

def test_cli_table_journal_export_import_and_reset(cli, home, tmp_path, monkeypatch):
    store = progress.open_store()
    for grade_id in IDS:
        store.record(1, grade_id, when=at(2026, 11, 2))
    code, out, _ = cli("progress")
    assert code == 0
    assert re.search(r"01\s+NumPy for deep learning\s+8/8\s+2026-11-02\s+1", out)
    assert "1 of 30 days complete" in out and f"Stored in {home / progress.FILENAME}" in out

    code, out, _ = cli("progress", "--journal")
    assert code == 0 and out.startswith("## Day 1: 2026-11-02 : NumPy for deep learning\n")

    export = tmp_path / "out.json"
    code, out, _ = cli("progress", "--export", export)
    assert code == 0 and "Exported 8 events" in out
    code, out, _ = cli("progress", "--import", export)
    assert code == 0 and "Imported 0 new events" in out and "(8 already here)" in out
    code, _, err = cli("progress", "--import", tmp_path / "missing.json")
    assert code == 2 and "There is no file" in err

    monkeypatch.setattr("builtins.input", lambda prompt: "n")
    code, out, _ = cli("progress", "--reset")
    assert code == 1 and "Not reset" in out and store.count() == 8
    monkeypatch.setattr("builtins.input", lambda prompt: "yes")
    code, out, _ = cli("progress", "--reset")
    assert code == 0 and "Deleted 8 events" in out and store.count() == 0
    [backup] = home.glob("progress-backup-*.json")
    code, out, _ = cli("progress", "--import", backup)
    assert "Imported 8 new events" in out and store.count() == 8
    code, out, _ = cli("progress", "--reset", "--yes")
    assert code == 0 and store.count() == 0


def test_cli_reports_a_damaged_store_without_a_traceback(cli, home):
    home.mkdir(parents=True)
    (home / progress.FILENAME).write_text("garbage " * 200)
    code, out, err = cli("progress")
    assert code == 0 and "was damaged" in err and "0 of 30 days complete" in out


def test_cli_progress_is_a_console_command(tmp_path):
    env = {**os.environ, "COURSE_HOME": str(tmp_path)}
    out = subprocess.run([sys.executable, "-m", "course.cli", "progress", "--all"],
                         capture_output=True, text=True, env=env)
    assert out.returncode == 0 and "A Transformer from scratch" in out.stdout


# --- Colab and Binder -----------------------------------------------------------------------------

@pytest.fixture
def colab(tmp_path, monkeypatch):
    """Colab without COURSE_HOME: the user data folder is on the throwaway machine."""
    import platformdirs

    from course import environment

    monkeypatch.delenv("COURSE_HOME", raising=False)
    monkeypatch.setenv("COURSE_PROGRESS", "on")
    monkeypatch.setattr(platformdirs, "user_data_path", lambda *a, **k: tmp_path / "local")
    drive = {"home": None}
    monkeypatch.setattr(environment, "colab_drive_home", lambda: drive["home"])
    progress._forget()
    progress._ENVIRONMENT = "colab"
    yield drive
    progress._forget()


def test_colab_without_drive_warns_and_shows_how_to_export(colab, tmp_path, capsys):
    progress.passed(1, "sigmoid_values")
    progress.show(1)
    out = capsys.readouterr().out
    assert progress._session_store().path == tmp_path / "local" / progress.FILENAME
    assert "On Colab this machine is thrown away" in out and "drive.mount" in out
    assert "progress.export_json('progress.json')" in out and "files.download" in out
    assert "--import progress.json" in out


def test_mounting_drive_moves_the_sessions_progress_there(colab, tmp_path, capsys):
    progress.passed(1, "sigmoid_values")
    colab["home"] = tmp_path / "drive" / "100-days-of-deep-learning"
    progress.show(1)  # the learner re-runs the set-up cell after mounting Drive
    out = capsys.readouterr().out
    store = progress._session_store()
    assert store.path == colab["home"] / progress.FILENAME and store.saving
    assert [e.exercise for e in store.events()] == ["sigmoid_values"]
    assert "1 of 8 exercises passed" in out and "thrown away" not in out


def test_export_and_import_from_a_notebook(home, tmp_path, capsys):
    progress.passed(1, "sigmoid_values")
    assert progress.export_json(tmp_path / "p.json") == 1
    other = Store(tmp_path / "other.sqlite3")
    other.record(1, "softmax_values")
    progress.export_json(tmp_path / "q.json", other)
    assert progress.import_json(tmp_path / "q.json") == (1, 0)
    progress.show(1)
    assert "2 of 8 exercises passed" in capsys.readouterr().out
