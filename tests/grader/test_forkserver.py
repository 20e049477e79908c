"""The fork server: started as a script, it forks kernels that run code, guarded, and that hold
no trace of the grader a student could import."""
import json
import os
import secrets
import time

import pytest

from grader.kernel.client import GradingKernel
from grader.kernel.pool import FORKSERVER, Zygote
from grader.status import CellStatus, Change

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")


@pytest.fixture(scope="module")
def zygote(tmp_path_factory):
    scratch = tmp_path_factory.mktemp("forkserver")
    env = {"COURSE_PROGRESS": "off", "MPLBACKEND": "agg", "JUPYTER_PLATFORM_DIRS": "1",
           "IPYTHONDIR": str(scratch / "ipython"), "OMP_NUM_THREADS": "1"}
    z = Zygote([], env, scratch)
    yield z
    z.close()


@pytest.fixture
def kernel(zygote, tmp_path):
    k = GradingKernel([], {}, 0, tmp_path, zygote)
    yield k
    k.close()


def _value(run):
    return next(o["data"]["text/plain"] for o in run.outputs
                if o["output_type"] == "execute_result")


def test_a_forked_kernel_runs_code(kernel):
    assert kernel.kernel is None                   # forked, not started the usual way
    run = kernel.execute("1+1", 30)
    assert run.status == CellStatus.OK and _value(run) == "2"
    run = kernel.execute("1/0", 30)
    assert run.status == CellStatus.ERROR and run.ename == "ZeroDivisionError"


def test_the_kernel_holds_no_trace_of_the_grader(kernel):
    code = ("import json, os, sys\n"
            "print(json.dumps({'grader': sorted(m for m in sys.modules if 'grader' in m),\n"
            "    'path': [p for p in sys.path if 'grader' in p], 'argv': sys.argv + sys.orig_argv,\n"
            "    'keys': [m for m in sys.modules if m.startswith('_g')]}))")
    run = kernel.execute(code, 30)
    seen = json.loads(run.stdout)
    assert seen["grader"] == [] and seen["path"] == []
    assert seen["argv"][0] == "ipykernel_launcher"
    assert not any(str(FORKSERVER.parent) in a for a in seen["argv"])
    assert seen["keys"] == [kernel.key]            # the guard's module, under a random name
    assert FORKSERVER.name == "forkserver.py" and FORKSERVER.exists()


def test_the_guard_works_in_a_forked_kernel(kernel):
    assert kernel.guard() == []
    kernel.execute("import numpy\nnumpy.allclose = lambda *a, **k: True", 30)
    assert kernel.guard() == [Change("numpy.allclose replaced", True)]
    assert _value(kernel.execute("numpy.allclose(1, 2)", 30)) == "False"   # put back


def test_every_kernel_is_a_fresh_process(zygote, tmp_path):
    first = GradingKernel([], {}, 0, tmp_path, zygote)
    second = GradingKernel([], {}, 0, tmp_path, zygote)
    try:
        token = secrets.token_hex(4)
        first.execute(f"leak = {token!r}", 30)
        run = second.execute("leak", 30)
        assert run.ename == "NameError"
        assert first.km.pid != second.km.pid
    finally:
        first.close()
        second.close()
    deadline = time.monotonic() + 10
    while first.km.is_alive() and time.monotonic() < deadline:   # killed, then reaped
        time.sleep(0.05)
    assert not first.km.is_alive()


def test_a_kernel_that_ignores_the_interrupt_is_killed(zygote, tmp_path):
    kernel = GradingKernel([], {}, 0, tmp_path, zygote)
    try:
        run = kernel.execute("import signal, time\nsignal.signal(signal.SIGINT, signal.SIG_IGN)\n"
                             "time.sleep(60)", 0.5)
    finally:
        kernel.close()
    assert run.status == CellStatus.TIMED_OUT and run.kernel_gone
    assert "ignored the interrupt" in run.why
