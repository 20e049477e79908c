import subprocess
import sys

from course.authoring.runner import execute, kernel_env
from course.syllabus import get_day


def test_a_failing_cell_is_named(files, tmp_path):
    result = execute(get_day(1), path=files / "fails.ipynb", output_dir=tmp_path)
    assert not result.ok
    assert "fails_here" in result.error and "ValueError: planted failure" in result.error
    assert (tmp_path / "day01-numpy.ipynb").exists()  # kept for a look at the outputs


def test_a_broken_notebook_file_is_an_error_not_a_crash(tmp_path):
    bad = tmp_path / "broken.ipynb"
    bad.write_text("{not json")
    result = execute(get_day(1), path=bad, output_dir=None)
    assert not result.ok and result.error


def test_timings_split_kernel_imports_and_compute(files):
    result = execute(get_day(1), path=files / "good.ipynb", output_dir=None)
    assert result.ok, result.error
    assert result.seconds >= result.kernel_seconds > 0
    assert result.import_seconds >= 0 and result.compute_seconds >= 0


def test_kernel_env_turns_progress_off_and_shares_cores():
    env = kernel_env(jobs=2)
    assert env["COURSE_PROGRESS"] == "off"
    assert int(env.get("OMP_NUM_THREADS", "1")) >= 1
    assert kernel_env(1, record_progress=True)["COURSE_PROGRESS"] == "on"


def test_kernel_env_keeps_the_callers_thread_setting(monkeypatch):
    monkeypatch.setenv("OMP_NUM_THREADS", "1")
    assert kernel_env(jobs=1)["OMP_NUM_THREADS"] == "1"
    monkeypatch.delenv("OMP_NUM_THREADS")
    assert kernel_env(jobs=1)["OMP_NUM_THREADS"] == str(max(1, __import__("os").cpu_count()))


def test_kernels_run_side_by_side_without_transport_warnings(files):
    """`course run` prints its table, not ipykernel's "running over TCP without encryption"
    warning; two kernels started at once from the same folder must not share sockets."""
    code = ("from course.authoring.runner import execute_many\n"
            "from course.syllabus import get_day\n"
            f"results = execute_many([get_day(1), get_day(2)], jobs=2, path={str(files / 'good.ipynb')!r},"
            " output_dir=None)\n"
            "assert all(r.ok for r in results), [r.error for r in results]\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr[-2000:]
    assert "without encryption" not in out.stderr and "Invalid Signature" not in out.stderr, out.stderr


def test_numerical_warnings_are_collected_by_cell():
    import nbformat

    from course.authoring.runner import numerical_warnings

    quiet, noisy = nbformat.v4.new_code_cell("a"), nbformat.v4.new_code_cell("b")
    quiet.outputs = [nbformat.v4.new_output("stream", name="stdout", text="RuntimeWarning in a print\n")]
    noisy.outputs = [nbformat.v4.new_output(
        "stream", name="stderr", text="/x.py:3: RuntimeWarning: divide by zero encountered in log\n  c = 1\n")]
    nb = nbformat.v4.new_notebook(cells=[quiet, noisy])
    assert numerical_warnings(nb) == ["cell 1: RuntimeWarning: divide by zero encountered in log"]
