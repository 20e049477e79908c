"""Watching a test cell: the learner's functions it tests, the calls they make into the marked
reference code, what they return, and the kernel's hooks around every cell."""
from __future__ import annotations

import functools
import os
import re
import sys
import types

from ..errors import CourseError
from .exercises import names_for, used, visible
from .marks import _MARKS, _STATE, _prints, fingerprint, mark, reference_name

_PASSED = re.compile(r"""progress\.passed\(\s*(\d+)\s*,\s*["']([\w-]+)["']\s*\)""")
_SIMPLE = (str, bytes, bool, int, float, complex, type(None))


class DelegationError(CourseError, AssertionError):
    """An exercise's answer used the course's reference implementation of what it asks for."""


def sentence(names) -> str:
    """What the learner reads in the failing test cell."""
    which = " and ".join(sorted(names))
    return f"used the course's reference implementation of {which}: write it yourself."


def _codes(value) -> list[types.CodeType]:
    """The code a learner's function or class runs: its own, its nested functions', its
    methods'."""
    out: list[types.CodeType] = []
    if isinstance(value, type):
        for member in vars(value).values():
            fn = getattr(member, "__func__", member)
            if isinstance(fn, types.FunctionType):
                out += _codes(fn)
        return out
    fn = getattr(value, "__func__", value)
    if isinstance(fn, types.FunctionType):
        stack = [fn.__code__]
        while stack:
            code = stack.pop()
            out.append(code)
            stack += [c for c in code.co_consts if isinstance(c, types.CodeType)]
    return out


def _reachable(fn, limit: int = 400) -> list[types.CodeType]:
    """Code a learner's function can reach without a call into the library: its own, the
    functions its globals, closure and defaults hold (or dicts and classes of them), and what
    those reach; a copy of reference code made before the test is among them."""
    import builtins

    seen: set[int] = {id(vars(builtins))}
    out: list[types.CodeType] = []
    todo = [fn]
    while todo and len(seen) < limit:
        value = todo.pop()
        if id(value) in seen:
            continue
        seen.add(id(value))
        if isinstance(value, dict):
            todo += [v for v in value.values() if _worth(v)]
            continue
        if isinstance(value, type):
            todo += [v for v in vars(value).values() if _worth(v)]
            continue
        value = getattr(value, "__func__", value)
        if isinstance(value, functools.partial):
            todo.append(value.func)
            continue
        if not isinstance(value, types.FunctionType) or id(value) in _MARKS.marked:
            continue
        codes = _codes(value)
        out += codes
        g = value.__globals__
        for code in codes:
            todo += [g[n] for n in code.co_names if n in g and _worth(g[n])]
        todo += [c.cell_contents for c in value.__closure__ or () if _filled(c)
                 and _worth(c.cell_contents)]
        todo += [v for v in (*(value.__defaults__ or ()), *(value.__kwdefaults__ or {}).values())
                 if _worth(v)]
    return out


def _worth(value) -> bool:
    """Whether `_reachable` looks into ``value``: Python functions and what holds them."""
    if isinstance(value, (types.FunctionType, types.MethodType, functools.partial, dict,
                          staticmethod, classmethod)):
        return True
    return isinstance(value, type) and value.__module__ != "builtins"


def _filled(cell) -> bool:
    try:
        cell.cell_contents
    except ValueError:
        return False
    return True


class Watch:
    """One test cell: the learner's functions it tests (their code; the functions themselves
    wrapped in the namespace while it runs, to see what they return) and the delegation seen."""

    def __init__(self, day: int, grade_id: str, names: list[str], namespace: dict):
        self.day, self.grade_id, self.names = day, grade_id, set(names)
        self.namespace = namespace
        self.codes: set[types.CodeType] = set()
        self.found: dict[str, str] = {}          # reference name -> how it was used
        self.records: list[list] = []            # [caller code, arguments, name, result]
        self.calls: dict[types.CodeType, int] = {}          # calls of each function under test
        self.matches: dict[tuple, int] = {}      # (code, name) -> calls returning the reference's
        self.wrapped: dict[str, tuple] = {}
        self.supplied: set[int] = set()          # reference code the test handed over
        self.cell_file: str | None = None

    def start(self) -> None:
        for name in self.names:
            value = self.namespace.get(name)
            if value is None:
                continue
            ref = reference_name(value)
            if ref is not None:
                self.found.setdefault(ref, f"`{name}` is the course's {ref}")
                continue
            if isinstance(value, type):
                for base in value.__mro__[1:]:
                    ref = _MARKS.classes.get(id(base))
                    if ref is not None and (ref in self.names or ref == name):
                        self.found.setdefault(ref, f"`{name}` derives from the course's {ref}")
            own = _codes(value)
            self.codes.update(own)
            for code in _reachable(value):     # another exercise's copy is that exercise's
                ref = _prints().get(fingerprint(code))
                if ref is not None and (ref in self.names or code in own):
                    self.found.setdefault(ref, f"`{name}` runs a copy of the course's {ref}")
            if isinstance(value, types.FunctionType):
                self.wrapped[name] = (value, self._wrap(value))
                self.namespace[name] = self.wrapped[name][1]

    def stop(self) -> None:
        for name, (value, wrapper) in self.wrapped.items():
            if self.namespace.get(name) is wrapper:
                self.namespace[name] = value
        self.wrapped.clear()
        self.records.clear()

    def _wrap(self, fn):
        watch = self

        @functools.wraps(fn)
        def learner(*args, **kwargs):
            __tracebackhide__ = True      # noqa: F841 (IPython leaves this frame out)
            start = len(watch.records)
            inputs = [*args, *kwargs.values()]
            watch.supplied.update(id(a) for a in inputs if reference_name(a) is not None)
            result = fn(*args, **kwargs)
            watch.returned(fn.__code__, inputs, result, start)
            return result

        return learner

    def called(self, key, args, kwargs, caller):
        """A marked function is about to run, called from ``caller``: is it delegation? Returns
        a record to keep its result in when it may be a renamed reference."""
        if (caller.f_globals.get("__name__") or "").startswith("course."):
            return None      # the library calling itself: only the outermost call counts
        if _MARKS.owners[key] in self.supplied:
            return None      # the test handed it to the learner's function
        frame, under_test = caller, None
        while frame is not None:
            if under_test is None and frame.f_code in self.codes:
                under_test = frame
            back = frame.f_back
            if self.cell_file is None and back is not None and back.f_code.co_name == "run_code" \
                    and "IPython" in back.f_code.co_filename:
                self.cell_file = frame.f_code.co_filename
            if under_test is not None and self.cell_file is not None:
                break
            frame = back
        if under_test is None or caller.f_code.co_filename == self.cell_file:
            return None      # not inside the function under test, or the test's own code
        name = _MARKS.names[key]
        if name in self.names:
            self.found.setdefault(name, f"calls the course's {name}")
            return None
        if caller.f_code in self.codes:
            theirs = [a for a in (*args, *kwargs.values()) if not isinstance(a, _SIMPLE)]
            if theirs:
                record = [caller.f_code, theirs, name, None]
                self.records.append(record)
                return record
        return None

    def keep(self, record, result) -> None:
        """A reference function's result, for `returned` to compare with the learner's."""
        record[-1] = _snapshot(result)

    def returned(self, code, inputs, result, start) -> None:
        """The learner's function returned ``result``: did it pass its inputs on to a reference
        function and hand back what that returned? (Counted per call: `verdict` says it is
        delegation only when every call did.)"""
        self.calls[code] = self.calls.get(code, 0) + 1
        mine = {id(v) for v in inputs}
        hit = set()
        snapshot = None
        for caller, theirs, name, value in self.records[start:]:
            if caller is code and name not in hit and all(id(a) in mine for a in theirs):
                snapshot = _snapshot(result) if snapshot is None else snapshot
                if _same(snapshot, value):
                    hit.add(name)
        for name in hit:
            self.matches[(code, name)] = self.matches.get((code, name), 0) + 1
        del self.records[start:]

    def compiled(self, code, frame) -> None:
        """Code is about to be executed while the test runs: a copy of reference code, made by
        the function under test?"""
        if not isinstance(code, types.CodeType) or _imported_module(code):
            return
        while frame is not None and frame.f_code not in self.codes:
            frame = frame.f_back
        if frame is None:
            return
        stack = [code]
        while stack:
            c = stack.pop()
            ref = _prints().get(fingerprint(c))
            if ref is not None:
                self.found.setdefault(ref, f"runs a copy of the course's {ref}")
            stack += [k for k in c.co_consts if isinstance(k, types.CodeType)]

    def verdict(self) -> str:
        found = dict(self.found)
        for (code, name), n in self.matches.items():
            if n == self.calls.get(code):
                found.setdefault(name, f"returns what the course's {name} returns")
        return sentence(found) if found else ""


# Python's own folders (the standard library, site-packages): code executed from a file there is
# a module being imported (the first tensor on PyTorch's meta device imports about 800), not a
# copy compiled by the learner; fingerprinting every code object of those took 13 s. The course's
# own files are watched wherever they are installed (runpy.run_path on a reference module).
_INSTALLED = tuple(sorted({os.path.join(f(p), "") for p in
                           (sys.prefix, sys.base_prefix, sys.exec_prefix, sys.base_exec_prefix)
                           for f in (os.path.abspath, os.path.realpath)}))
_COURSE = tuple(sorted({os.path.join(f(os.path.dirname(os.path.dirname(__file__))), "")
                        for f in (os.path.abspath, os.path.realpath)}))


def _imported_module(code) -> bool:
    name = code.co_filename
    return name.startswith(_INSTALLED) and not name.startswith(_COURSE)


def _snapshot(value, depth: int = 0):
    """``value`` as it is now (arrays copied), to compare with what the learner returns after
    changing it in place."""
    if depth > 4:
        return ("object", id(value))
    if isinstance(value, (tuple, list)):
        return (type(value).__name__, [_snapshot(v, depth + 1) for v in value])
    if isinstance(value, dict):
        return ("dict", {k: _snapshot(v, depth + 1) for k, v in value.items()})
    if isinstance(value, _SIMPLE):
        return ("value", value)
    np = sys.modules.get("numpy")
    if np is not None and isinstance(value, (np.ndarray, np.generic)):
        return ("array", np.array(value, copy=True))
    torch = sys.modules.get("torch")
    if torch is not None and isinstance(value, torch.Tensor):
        return ("tensor", value.detach().clone())
    return ("object", id(value))


def _same(a, b) -> bool:
    """Two snapshots are equal (arrays and tensors element for element, NaN equal to NaN)."""
    if a[0] != b[0] and {a[0], b[0]} != {"value", "array"}:
        return False
    kind = a[0]
    try:
        if kind in ("tuple", "list"):
            return a[0] == b[0] and len(a[1]) == len(b[1]) and all(map(_same, a[1], b[1]))
        if kind == "dict":
            return a[1].keys() == b[1].keys() and all(_same(a[1][k], b[1][k]) for k in a[1])
        if kind == "tensor":
            import torch

            return a[1].shape == b[1].shape and bool(torch.equal(a[1], b[1]))
        if kind == "object":
            return a[1] == b[1]
        import numpy as np

        x, y = np.asarray(a[1]), np.asarray(b[1])
        if x.dtype.kind in "fc" or y.dtype.kind in "fc":
            return x.shape == y.shape and bool(np.array_equal(x, y, equal_nan=True))
        return x.shape == y.shape and bool(np.array_equal(x, y))
    except Exception:  # noqa: BLE001 (not comparable: not the same)
        return False


# --- the kernel's hooks ------------------------------------------------------------------------

def begin(raw_cell: str, namespace: dict) -> Watch | None:
    """Before a cell runs: watch it when it is a test cell (it calls ``progress.passed``)."""
    end()
    match = _PASSED.search(raw_cell or "")
    if not match:
        return None
    day, grade_id = int(match.group(1)), match.group(2)
    names = names_for(day, grade_id)
    if names is None:      # no notebook to derive it from: the learner's functions it uses
        names = [n for n in used(visible(raw_cell))
                 if (getattr(namespace.get(n), "__module__", None) == "__main__")]
    watch = Watch(day, grade_id, names, namespace)
    _STATE.watch = watch
    watch.start()
    return watch


def end() -> None:
    """After a cell: the learner's functions put back as they were."""
    watch, _STATE.watch = _STATE.watch, None
    if watch is not None:
        watch.stop()


def verdict(day: int, grade_id: str) -> str:
    """Why exercise ``grade_id`` of ``day`` must not pass ("" when nothing was seen): read by
    ``progress.passed`` at the end of its test cell."""
    watch = _STATE.watch
    if watch is None or watch.day != int(day) or watch.grade_id != grade_id:
        return ""
    return watch.verdict()


def _pre_run_cell(info) -> None:
    try:
        from IPython import get_ipython

        begin(getattr(info, "raw_cell", "") or "", get_ipython().user_ns)
    except Exception:  # noqa: BLE001 (a hook that raises would break every cell)
        _STATE.watch = None


def _post_run_cell(result) -> None:
    try:
        end()
    except Exception:  # noqa: BLE001
        _STATE.watch = None


def install(shell=None) -> None:
    """Mark the reference code and watch every test cell of ``shell`` (the kernel's)."""
    mark()
    if shell is None:
        from IPython import get_ipython

        shell = get_ipython()
    if shell is None:
        return
    for event, hook in (("pre_run_cell", _pre_run_cell), ("post_run_cell", _post_run_cell)):
        for callback in list(shell.events.callbacks.get(event, [])):
            if getattr(callback, "__qualname__", "") == hook.__qualname__ and \
                    getattr(callback, "__module__", "") == __name__:
                shell.events.unregister(event, callback)
        shell.events.register(event, hook)
