"""The kernel's session: recording from a notebook, the post-run hook, the live widget, and
what the learner is told on Colab and Binder or when the store cannot be written."""
import re
from datetime import datetime, timedelta
from types import SimpleNamespace

import pytest

from course import progress
from course.progress import Event, Store, events, widget
from course.syllabus import get_day

DAY1 = get_day(1)
IDS = [e.grade_id for e in DAY1.exercises]


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
        shell.events.unregister("post_run_cell", widget._after_cell)
        InteractiveShell.clear_instance()
    [event] = progress.open_store().events()
    assert (event.exercise, event.outcome, event.error) == ("softmax_values", "failed",
                                                            "AssertionError")


def test_the_hook_ignores_interrupts_and_passing_cells(home):
    cell = SimpleNamespace(raw_cell='progress.passed(1, "l1_loss")')
    widget._after_cell(SimpleNamespace(success=True, info=cell))
    widget._after_cell(SimpleNamespace(success=False, error_in_exec=KeyboardInterrupt(),
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
    monkeypatch.setattr(widget, "_widgets_available", lambda: True)
    monkeypatch.setattr(IPython.display, "display", shown.append)
    progress.show(1)
    [view] = widget._STATE.views
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
    assert len(widget._STATE.views) == progress.MAX_VIEWS


def test_the_widget_counts_the_days_hints(home, monkeypatch, capsys):
    import IPython.display

    import course

    monkeypatch.setattr(widget, "_widgets_available", lambda: True)
    monkeypatch.setattr(IPython.display, "display", lambda *a, **k: None)
    progress.begin(1)
    progress.show(1)
    [view] = widget._STATE.views
    assert "hint" not in view.day_text.value
    course.hint("sigmoid")
    course.hint("softmax")
    assert "2 hints used" in view.day_text.value


# --- a store that cannot be written, or is damaged ------------------------------------------------

def test_an_unwritable_folder_does_not_break_the_notebook(tmp_path, monkeypatch, capsys):
    (tmp_path / "a-file").write_text("not a folder")
    monkeypatch.setenv("COURSE_HOME", str(tmp_path / "a-file" / "course"))
    monkeypatch.setenv("COURSE_PROGRESS", "on")
    widget._forget()
    try:
        progress.passed(1, "sigmoid_values")
        progress.show(1)
    finally:
        widget._forget()
    out = capsys.readouterr()
    assert "1 of 8 exercises passed" in out.out  # counted in memory for the session
    assert "Progress is not being saved: could not write to" in out.out
    assert str(tmp_path / "a-file" / "course" / progress.FILENAME) in out.out
    assert "COURSE_HOME" in out.out and "Traceback" not in out.out + out.err


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
    widget._forget()
    events._ENVIRONMENT = "colab"
    yield drive
    widget._forget()


def test_colab_without_drive_warns_and_shows_how_to_export(colab, tmp_path, capsys):
    progress.passed(1, "sigmoid_values")
    progress.show(1)
    out = capsys.readouterr().out
    assert widget._session_store().path == tmp_path / "local" / progress.FILENAME
    assert "On Colab this machine is thrown away" in out and "drive.mount" in out
    assert "progress.export_json('progress.json')" in out and "files.download" in out
    assert "--import progress.json" in out


def test_mounting_drive_moves_the_sessions_progress_there(colab, tmp_path, capsys):
    progress.passed(1, "sigmoid_values")
    colab["home"] = tmp_path / "drive" / "100-days-of-deep-learning"
    progress.show(1)  # the learner re-runs the set-up cell after mounting Drive
    out = capsys.readouterr().out
    store = widget._session_store()
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
