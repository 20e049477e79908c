"""The events file: concurrent writers, killed writers, bad places, damaged files, export and
import, and `course progress` on top of it."""
import json
import os
import re
import signal
import subprocess
import sys
import textwrap
from datetime import datetime, timedelta, timezone

import pytest

from course import progress
from course.progress import Store
from course.syllabus import get_day

DAY1 = get_day(1)
IDS = [e.grade_id for e in DAY1.exercises]


def at(y, m, d, hour=12, offset=0):
    return datetime(y, m, d, hour, tzinfo=timezone(timedelta(hours=offset)))



# --- concurrency, crashes, bad places -------------------------------------------------------------

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
