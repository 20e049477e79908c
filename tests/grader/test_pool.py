"""The kernel pool: when forking was asked for and fails, plain kernels take over, and the
batch is told why (it is about 1.5x slower)."""
import types

import pytest

from grader.errors import GradingError
from grader.kernel import pool
from grader.scoring import Settings

TEMPLATE = types.SimpleNamespace(imports=[])


class NoFork:
    def __init__(self, *args, **kwargs):
        raise GradingError("simulated: the fork server stopped at start-up")


class BrokenFork:
    def __init__(self, *args, **kwargs):
        self.closed = False

    def close(self):
        self.closed = True


@pytest.fixture
def kernels_made(monkeypatch):
    """new_kernel without a real kernel: a fork through BrokenFork fails, a plain one works."""
    made = []

    def fake(template, settings, cwd, zygote=None, sandbox=None):
        if zygote is not None:
            raise GradingError("simulated: a fork failed")
        made.append("plain")
        return "plain kernel"

    monkeypatch.setattr(pool, "new_kernel", fake)
    return made


def test_a_fork_server_that_does_not_start_is_reported(monkeypatch, kernels_made, tmp_path):
    monkeypatch.setattr(pool, "Zygote", NoFork)
    source = pool.KernelSource(TEMPLATE, Settings(fork=True), tmp_path, ahead=1, total=2)
    try:
        assert [source.get(), source.get()] == ["plain kernel", "plain kernel"]
    finally:
        source.close()
    assert source.fallbacks() == [
        "The fork server could not start (simulated: the fork server stopped at start-up); "
        "kernels were started the usual way, about 1.5x slower."]


def test_failed_forks_are_counted_and_reported(monkeypatch, kernels_made, tmp_path):
    monkeypatch.setattr(pool, "Zygote", BrokenFork)
    source = pool.KernelSource(TEMPLATE, Settings(fork=True), tmp_path, ahead=1, total=2)
    try:
        source.get()
        source.new()                                     # a restart after a kernel death
        source.get()
    finally:
        source.close()
    assert source.zygote.closed and kernels_made == ["plain"] * 3
    assert source.fallbacks() == [
        "Forking a kernel failed 3 times (simulated: a fork failed); those kernels were started "
        "the usual way, about 1.5x slower."]


def test_no_fork_asked_for_is_not_a_fallback(monkeypatch, kernels_made, tmp_path):
    monkeypatch.setattr(pool, "Zygote", NoFork)
    source = pool.KernelSource(TEMPLATE, Settings(fork=False), tmp_path, ahead=1, total=1)
    try:
        assert source.get() == "plain kernel"
    finally:
        source.close()
    assert source.fallbacks() == []


def test_the_fork_servers_own_error_is_the_reason(monkeypatch, tmp_path):
    """What the fork server printed before it stopped is the reason the summary gives."""
    script = tmp_path / "broken.py"
    script.write_text("import sys\nsys.exit('ModuleNotFoundError: No module named ipykernel')\n")
    monkeypatch.setattr(pool, "FORKSERVER", script)
    with pytest.raises(GradingError) as err:
        pool.Zygote([], {}, tmp_path)
    assert str(err.value) == ("the fork server stopped at start-up: ModuleNotFoundError: No "
                              "module named ipykernel")
