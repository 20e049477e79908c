"""The fork server: started as a script, it forks kernels that run code, guarded, and that hold
no trace of the grader a student could import."""
import json
import os
import secrets
import sys
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


# --- in the sandbox -------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def boxed(tmp_path_factory, sandbox_ready):
    """A fork server inside bubblewrap: every kernel it forks in a box of its own."""
    from grader.kernel.sandbox import Sandbox

    box = Sandbox()
    scratch = tmp_path_factory.mktemp("boxed")
    z = Zygote(["numpy"], {"COURSE_PROGRESS": "off", "MPLBACKEND": "agg"}, scratch, box)
    yield z, box
    z.close()
    box.close()


def _json(kernel, code):
    run = kernel.execute(code, 30)
    assert run.status == CellStatus.OK, (run.ename, run.evalue)
    return json.loads(run.stdout)


SEES = ("import json, os\n"
        "status = open('/proc/self/status').read()\n"
        "print(json.dumps({'pid': os.getpid(), 'procs': sorted(p for p in os.listdir('/proc')\n"
        "    if p.isdigit()), 'cwd': os.getcwd(), 'files': sorted(os.listdir('.')),\n"
        "    'tmp': sorted(os.listdir('/tmp')),\n"
        "    'caps': [l.split()[1] for l in status.splitlines()\n"
        "             if l.startswith(('CapEff', 'CapBnd'))],\n"
        "    'repo': os.path.exists(REPO + '/notebooks'),\n"
        "    'home': os.environ['HOME']}))")


def test_a_sandboxed_kernel_sees_only_its_own_box(boxed, tmp_path):
    import course

    zygote, box = boxed
    repo = os.path.dirname(os.path.dirname(course.__file__))
    first = GradingKernel([], {}, 0, tmp_path, zygote, sandbox=box)
    second = GradingKernel([], {}, 0, tmp_path, zygote, sandbox=box)
    try:
        first.add_files({"mine.txt": b"first"})
        first.execute("open('/tmp/left-here', 'w').write('x')", 30)
        seen = _json(second, f"REPO = {repo!r}\n" + SEES)
        assert seen["pid"] == 1 and seen["procs"] == ["1"]        # its own process ids
        assert seen["cwd"] == str(box.inside / "work") and seen["files"] == []
        prefix = os.path.realpath(sys.prefix)         # a CI clone's .venv, mounted again
        python_tmp = {prefix.split("/")[2]} if prefix.startswith("/tmp/") else set()
        assert sorted(set(seen["tmp"]) - python_tmp) == [box.root.name]   # a private /tmp
        assert seen["caps"] == ["0000000000000000"] * 2            # no capability left
        assert not seen["repo"]                                    # the package, not the repo
        assert seen["home"].startswith(str(box.inside))
        assert _json(first, "import os, json\nprint(json.dumps(os.listdir('.')))") == ["mine.txt"]
        run = second.execute("import os\nos.listdir(%r)" % str(box.root), 30)
        assert "mine" not in str(run.outputs)                       # no other box
    finally:
        first.close()
        second.close()
    assert not first.box.path.exists() and _gone(first)


def test_a_sandboxed_kernel_has_no_network_and_cannot_remount(boxed, tmp_path):
    zygote, box = boxed
    kernel = GradingKernel([], {}, 0, tmp_path, zygote, sandbox=box)
    try:
        run = kernel.execute("import socket\n"
                             "socket.create_connection(('1.1.1.1', 53), timeout=2)", 30)
        assert run.ename == "OSError" and "unreachable" in run.evalue
        run = kernel.execute("import ctypes\nlibc = ctypes.CDLL(None, use_errno=True)\n"
                             "assert libc.umount2(b'/tmp', 2) != 0, 'unmounted'\n"
                             "assert libc.unshare(0x00020000) != 0, 'unshared'", 30)
        assert run.status == CellStatus.OK, run.evalue
    finally:
        kernel.close()


def test_a_sandboxed_kernel_is_interrupted_or_killed(boxed, tmp_path):
    zygote, box = boxed
    kernel = GradingKernel([], {}, 0, tmp_path, zygote, sandbox=box)
    try:
        run = kernel.execute("import time\ntime.sleep(60)", 0.5)
        assert run.status == CellStatus.TIMED_OUT and not run.kernel_gone
        assert kernel.execute("1 + 1", 30).status == CellStatus.OK
        run = kernel.execute("import signal, time\nsignal.signal(signal.SIGINT, signal.SIG_IGN)\n"
                             "time.sleep(60)", 0.5)
        assert run.status == CellStatus.TIMED_OUT and run.kernel_gone
    finally:
        kernel.close()
    assert _gone(kernel)


def _gone(kernel, seconds=10) -> bool:
    """The kernel was killed and reaped (which takes the sandbox's init a moment)."""
    deadline = time.monotonic() + seconds
    while kernel.km.is_alive() and time.monotonic() < deadline:
        time.sleep(0.05)
    return not kernel.km.is_alive()


def test_a_plain_kernel_gets_a_sandbox_of_its_own(boxed, tmp_path):
    _, box = boxed
    kernel = GradingKernel([], {"COURSE_PROGRESS": "off"}, 0, tmp_path, None, sandbox=box)
    try:
        seen = _json(kernel, "REPO = '/nonexistent'\n" + SEES)
        assert seen["cwd"] == str(box.inside / "work") and seen["caps"] == ["0000000000000000"] * 2
        assert kernel.execute("import time\ntime.sleep(60)", 0.5).status == CellStatus.TIMED_OUT
    finally:
        kernel.close()
    assert _gone(kernel) and not kernel.box.path.exists()
