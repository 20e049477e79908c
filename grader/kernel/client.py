"""A grading kernel: warmed, memory-limited and guarded, running cells one at a time with a
time limit, and saying how each ended (`Run`)."""
from __future__ import annotations

import json
import queue
import secrets
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import nbformat

from ..errors import GradingError
from ..status import CellStatus, Change

if TYPE_CHECKING:
    from .pool import Zygote
    from .sandbox import Sandbox

MAX_OUTPUT_CHARS = 20_000      # stream text kept per cell
MAX_DATA_BYTES = 2_000_000     # a single display output (a figure) kept up to this size
INTERRUPT_GRACE = 5.0          # seconds a timed-out cell gets to stop after the interrupt
WARM_TIMEOUT = 600             # seconds for the untimed warm-up imports
BASE_IMPORTS = ("numpy", "course", "course.checks", "course.progress")
GUARD = Path(__file__).with_name("guard.py")


@dataclass
class Run:
    """The outcome of one cell."""

    status: CellStatus
    outputs: list = field(default_factory=list)
    ename: str = ""
    evalue: str = ""
    stdout: str = ""
    truncated: bool = False
    voided: str = ""                  # why a test's result cannot count (tampering)
    why: str = ""                     # why the kernel died or the cell was skipped
    kernel_gone: bool = False         # the kernel died or was killed: the notebook is replayed


def death() -> str:
    return "the kernel died here (the code crashed Python, exited, or ran out of memory)"


def warm_imports(imports) -> list[str]:
    """What a grading kernel imports before any timed cell: the course's modules and the day's."""
    return list(dict.fromkeys([*BASE_IMPORTS, *imports]))


def load_module(key: str, source: str) -> str:
    """Code for the kernel that runs ``source`` as a new module ``sys.modules[key]`` (not imported
    by a name a student could guess, and from no file), leaving nothing in the namespace."""
    return (f"import sys as _s, types as _t\n"
            f"_s.modules[{key!r}] = _t.ModuleType({key!r})\n"
            f"exec(compile({source!r}, {key!r}, 'exec'), _s.modules[{key!r}].__dict__)\n"
            f"del _s, _t\n")


class GradingKernel:
    """A warm kernel: the day's modules imported, memory limited, the guard installed. Forked by
    the zygote when one is given, else started the usual way; in a box of ``sandbox`` when given
    (then it works in its box, whatever ``cwd`` says)."""

    def __init__(self, imports, env, memory_mb: int, cwd, zygote: Zygote | None = None,
                 sandbox: Sandbox | None = None, exercises: tuple[int, dict] | None = None):
        self.kernel = None
        if zygote is not None:
            self.km, self.kc = zygote.spawn(cwd)
        elif sandbox is not None:
            from .pool import start_boxed

            self.km, self.kc = start_boxed(sandbox, env)
        else:
            from course.authoring.verification import Kernel

            self.kernel = Kernel(cwd, env=env, timeout=WARM_TIMEOUT)
            self.km, self.kc = self.kernel.km, self.kernel.kc
        self.box = getattr(self.km, "box", None)     # the sandbox's folder for this kernel
        if self.box is not None:
            self.km.client = self.kc
        self.key = "_g" + secrets.token_hex(8)
        warm = (load_module(self.key, GUARD.read_text())
                + f"__import__('sys').modules[{self.key!r}].guard = __import__('sys').modules["
                  f"{self.key!r}].install({warm_imports(imports)!r}, {int(memory_mb)}, "
                  f"{exercises!r})\n")
        run = self.execute(warm, WARM_TIMEOUT, store_history=False)
        if run.status != CellStatus.OK:
            self.close()
            raise GradingError(f"The grading kernel could not start: {run.ename}: {run.evalue}")

    def chdir(self, cwd) -> None:
        """Work in ``cwd`` (a sandboxed kernel stays in its box)."""
        if self.box is None:
            self.execute(f"__import__('os').chdir({str(cwd)!r})", 60, store_history=False)

    def add_files(self, files: dict[str, bytes]) -> None:
        """Files for the kernel's working folder (a sandboxed kernel's only one)."""
        if self.box is not None:
            self.box.add(files)

    def guard(self, names=(), when="before", loose=False) -> list[Change] | None:
        """Run the guard: what it found changed (and put back), or None when it could not run
        (the student's code changed how cells are executed)."""
        nonce = "\x02" + secrets.token_hex(8)
        code = (f"__import__('sys').modules[{self.key!r}].guard.run({nonce!r}, {list(names)!r}, "
                f"{when!r}, {bool(loose)!r})")
        run = self.execute(code, 60, store_history=False)
        for line in run.stdout.splitlines():
            if line.startswith(nonce):
                data = json.loads(line[len(nonce):])
                return [Change(what, serious) for what, serious in data["found"]]
        return None

    def execute(self, code: str, timeout: float, store_history: bool = True) -> Run:
        msg_id = self.kc.execute(code, store_history=store_history, allow_stdin=False,
                                 stop_on_error=False)
        run = Run(CellStatus.OK)
        chars = 0
        deadline = time.monotonic() + timeout
        interrupted_at = None
        while True:
            now = time.monotonic()
            if interrupted_at is None and now > deadline:
                self._interrupt()
                interrupted_at = now
            if interrupted_at is not None and now > interrupted_at + INTERRUPT_GRACE:
                # The cell ignored the interrupt: the kernel must go.
                run.status, run.kernel_gone = CellStatus.TIMED_OUT, True
                run.why = f"timed out after {timeout:g} s and ignored the interrupt"
                self.close()
                return run
            try:
                msg = self.kc.get_iopub_msg(timeout=0.2)
            except queue.Empty:
                if not self.km.is_alive():
                    run.status, run.kernel_gone, run.why = CellStatus.KERNEL_DIED, True, death()
                    return run
                continue
            if msg.get("parent_header", {}).get("msg_id") != msg_id:
                continue
            kind, content = msg["msg_type"], msg["content"]
            if kind == "status" and content.get("execution_state") == "idle":
                break
            if kind == "stream":
                text = content.get("text", "")
                if content.get("name") == "stdout":
                    run.stdout += text[:MAX_OUTPUT_CHARS]
                if chars + len(text) > MAX_OUTPUT_CHARS:
                    keep = max(0, MAX_OUTPUT_CHARS - chars)
                    if keep:
                        _add_stream(run.outputs, content["name"], text[:keep])
                    chars = MAX_OUTPUT_CHARS
                    run.truncated = True
                    continue
                chars += len(text)
                _add_stream(run.outputs, content["name"], text)
            elif kind in ("display_data", "execute_result"):
                size = sum(len(str(v)) for v in content.get("data", {}).values())
                if size > MAX_DATA_BYTES or len(run.outputs) > 50:
                    run.truncated = True
                    continue
                out = nbformat.v4.new_output(kind, data=content.get("data", {}),
                                             metadata=content.get("metadata", {}))
                if kind == "execute_result":
                    out["execution_count"] = content.get("execution_count")
                run.outputs.append(out)
            elif kind == "error":
                run.ename, run.evalue = content.get("ename", ""), content.get("evalue", "")
                run.outputs.append(nbformat.v4.new_output(
                    "error", ename=run.ename, evalue=run.evalue,
                    traceback=content.get("traceback", [])[-60:]))
            elif kind == "clear_output":
                run.outputs.clear()
                chars = 0
        if run.truncated:
            run.outputs.append(nbformat.v4.new_output(
                "stream", name="stderr", text="\n... output truncated by the grader ...\n"))
        if interrupted_at is not None:
            run.status = CellStatus.TIMED_OUT
            return run
        self._reply(msg_id, run)
        if run.ename and run.status == CellStatus.OK:
            run.status = CellStatus.ERROR
        return run

    def _reply(self, msg_id, run: Run) -> None:
        """The execute reply: whether the cell raised (an error not shown on iopub too)."""
        try:
            while True:
                reply = self.kc.get_shell_msg(timeout=10)
                if reply.get("parent_header", {}).get("msg_id") == msg_id:
                    break
        except queue.Empty:
            if not self.km.is_alive():
                run.status, run.kernel_gone, run.why = CellStatus.KERNEL_DIED, True, death()
            return
        if reply["content"].get("status") != "ok":
            run.status = CellStatus.ERROR
            run.ename = run.ename or reply["content"].get("ename", "Error")
            run.evalue = run.evalue or reply["content"].get("evalue", "")

    def _interrupt(self) -> None:
        try:
            self.km.interrupt_kernel()
        except Exception:  # noqa: BLE001 (already gone: the next poll finds it dead)
            return

    def close(self) -> None:
        try:
            if self.kernel is not None:
                self.kernel.close()
            else:
                self.kc.stop_channels()
                self.km.shutdown_kernel(now=True)
        except Exception:  # noqa: BLE001 (a kernel that is already gone is closed)
            return


def _add_stream(outputs, name, text) -> None:
    if outputs and outputs[-1].get("output_type") == "stream" and outputs[-1].get("name") == name:
        outputs[-1]["text"] += text
    else:
        outputs.append(nbformat.v4.new_output("stream", name=name, text=text))
