"""Loaded into every grading kernel: the warm-up (imports, memory limit) and the guard.

Not imported as `grader.kernel.guard` there: the grader reads this file and runs it in a fresh
module registered under a random name (``sys.modules["_g" + random hex]``), so it imports nothing
from `grader`. The grader then calls `install` once and ``guard.run`` around every trusted cell.

Before a trusted (source) cell the guard puts back what student code changed in ``course.*``,
numpy, torch, builtins, the check functions the tests use and IPython's execution machinery, and
reports it; after a trusted cell it takes a new snapshot (a test cell: it checks first, since the
code under test ran in it). Every report is printed after a random token the grader sent, so
code that stops the guard from running is caught too.

Threat model: this stops a student who redefines check helpers, monkey-patches ``course.checks``,
``course.progress`` or numpy, swaps function code or hooks IPython to skip or swallow tests. Code
written against the guard itself (it runs in the same process as the student's code) could still
get past it; such submissions show up as "tampered" in most cases, and every tampered test is
flagged for manual grading in formgrader.
"""
from __future__ import annotations

import builtins
import importlib
import json
import sys
import types

from IPython import get_ipython

_MISSING = object()
_PREFIXES = ("course", "numpy", "torch")
_TORCH = ("torch", "torch.nn", "torch.nn.functional", "torch.autograd", "torch.testing",
          "torch.optim", "torch.linalg")
# Builtins IPython itself rebinds around every cell.
_VOLATILE = ("input", "raw_input", "_", "__", "___", "display", "get_ipython")
# Libraries whose hooks (an event callback, an input transformer) are accepted when they appear.
_LIBRARIES = ("IPython", "ipykernel", "matplotlib", "matplotlib_inline", "ipywidgets", "tqdm",
              "torch", "numpy", "course", "jupyter_client", "comm")
_HOOK_LISTS = ("input_transformers_cleanup", "input_transformers_post", "ast_transformers")


def _protected_name(name: str) -> bool:
    if name in ("builtins", "math"):
        return True
    if name.startswith("torch"):
        return name in _TORCH
    return name == "course" or name.startswith(("course.", "numpy"))


def _library_hooks(now, saved) -> bool:
    """True when the hooks only changed by what installed libraries registered."""
    added = [h for h in now if h not in saved]
    return all((getattr(h, "__module__", None) or "").split(".")[0] in _LIBRARIES for h in added)


def _sensitive(value) -> bool:
    return value is not _MISSING and (callable(value) or isinstance(value, types.ModuleType))


def _is_ours(value) -> bool:
    mod = getattr(value, "__module__", None) or getattr(value, "__name__", "") or ""
    return isinstance(mod, str) and mod.split(".")[0] in _PREFIXES


def _code(fn) -> tuple:
    return fn, fn.__code__, fn.__defaults__, fn.__kwdefaults__


class Guard:
    """A snapshot of what the tests trust, checked and restored around every trusted cell.

    ``shell`` is the IPython shell to watch (the kernel's own by default); changing the code of
    a snapshotted function or an attribute of the shell's classes is refused outright by an
    audit hook. Audit hooks cannot be removed: `close` makes this one inert.
    """

    def __init__(self, shell=None):
        self.shell = shell if shell is not None else get_ipython()
        self.kernel = getattr(self.shell, "kernel", None)
        self.modules, self.codes, self.names = {}, {}, {}
        self.blocked = []
        self.active = True
        self.snapshot([])
        self.classes = {}
        for obj in (self.shell, self.kernel):
            for cls in type(obj).__mro__ if obj is not None else ():
                if cls is not object:
                    self.classes[cls] = dict(vars(cls))
        self.instance_keys = {id(o): set(vars(o)) for o in (self.shell, self.kernel) if o}
        sys.addaudithook(self._audit)

    def close(self) -> None:
        self.active = False

    def _audit(self, event, args):
        if not self.active or event != "object.__setattr__" or len(args) < 3:
            return
        obj, name, value = args[0], args[1], args[2]
        if name == "__code__" and isinstance(obj, types.FunctionType):
            saved = self.codes.get(id(obj))
            if saved is not None and value is not saved[1]:
                self.blocked.append(f"an attempt to change the code of {obj.__qualname__}")
                raise RuntimeError("Changing the code of a course or library function is "
                                   "not allowed while grading.")
        elif isinstance(obj, type) and obj in self.classes:
            self.blocked.append(f"an attempt to change {obj.__name__}.{name}")
            raise RuntimeError("Changing the notebook machinery is not allowed while grading.")

    def snapshot(self, names):
        """Remember the protected modules, their functions' code, the trusted ``names`` of the
        notebook's namespace (check helpers a trusted cell imported or defined) and IPython's
        hooks."""
        for name, mod in list(sys.modules.items()):
            if mod is None or not _protected_name(name):
                continue
            d = dict(vars(mod))
            self.modules[name] = (mod, d)
            for value in d.values():
                for fn in (value, getattr(value, "_implementation", None)):
                    if isinstance(fn, types.FunctionType) and id(fn) not in self.codes:
                        self.codes[id(fn)] = _code(fn)
        ns = self.shell.user_ns
        for n in names:
            v = ns.get(n, _MISSING)
            if v is not _MISSING and (isinstance(v, types.ModuleType) and _protected_name(v.__name__)
                                      or (callable(v) and _is_ours(v))):
                self.names[n] = v
                if isinstance(v, types.FunctionType):
                    self.codes.setdefault(id(v), _code(v))
        sh = self.shell
        self.hooks = {key: list(getattr(sh, key)) for key in _HOOK_LISTS}
        self.hooks.update(events={k: list(v) for k, v in sh.events.callbacks.items()},
                          custom_exceptions=sh.custom_exceptions,
                          stdout=sys.stdout, stderr=sys.stderr)

    def check(self, restore=True, loose=False) -> list[tuple[str, bool]]:
        """What changed since the snapshot, as ``(what, serious)`` pairs; ``restore`` puts it
        back. ``loose``: accept data (non-callable) changes of library modules (a trusted cell
        setting a flag)."""
        found = [(what, True) for what in self.blocked]
        self.blocked.clear()

        def note(what, serious=True):
            found.append((what, serious))
            return restore

        for name, (mod, saved) in self.modules.items():
            if sys.modules.get(name, mod) is not mod and note(f"sys.modules[{name!r}] replaced"):
                sys.modules[name] = mod
            cur = vars(mod)
            for k, v in saved.items():
                now = cur.get(k, _MISSING)
                if now is v or (name == "builtins" and k in _VOLATILE):
                    continue
                if not (_sensitive(v) or _sensitive(now)) or (loose and _is_ours(now)):
                    saved[k] = now          # data (a cache, a flag), or a library's own rebinding
                    continue
                if note(f"{name}.{k} replaced"):
                    cur[k] = v
        for fn, code, defaults, kwdefaults in list(self.codes.values()):
            if (fn.__code__ is not code or fn.__defaults__ is not defaults
                    or fn.__kwdefaults__ is not kwdefaults) \
                    and note(f"the code of {getattr(fn, '__qualname__', fn)} changed"):
                fn.__code__, fn.__defaults__, fn.__kwdefaults__ = code, defaults, kwdefaults
        ns = self.shell.user_ns
        for n, v in self.names.items():
            if ns.get(n, _MISSING) is not v and note(f"`{n}` redefined"):
                ns[n] = v
        if ns.get("__builtins__", builtins) not in (builtins, vars(builtins)) \
                and note("`__builtins__` replaced"):
            ns["__builtins__"] = builtins
        self._check_hooks(note)
        for key in ("stdout", "stderr"):
            if getattr(sys, key) is not self.hooks[key] and note(f"sys.{key} replaced", False):
                setattr(sys, key, self.hooks[key])
        if (sys.gettrace() is not None or sys.getprofile() is not None) \
                and note("a trace or profile function was set"):
            sys.settrace(None)
            sys.setprofile(None)
        for cls, saved in self.classes.items():
            for k, v in saved.items():
                if callable(v) and vars(cls).get(k, _MISSING) is not v \
                        and note(f"{cls.__name__}.{k} replaced"):
                    setattr(cls, k, v)
        for obj in (self.shell, self.kernel):
            for k in set(vars(obj)) - self.instance_keys[id(obj)] if obj is not None else ():
                if callable(vars(obj)[k]) and hasattr(type(obj), k) \
                        and note(f"{type(obj).__name__}.{k} overridden"):
                    delattr(obj, k)
        return found

    def _check_hooks(self, note) -> None:
        """IPython's input and AST transformers, event callbacks and exception handler."""
        sh = self.shell
        for key in _HOOK_LISTS:
            now = list(getattr(sh, key))
            if now != self.hooks[key]:
                if _library_hooks(now, self.hooks[key]):
                    self.hooks[key] = now   # an extension or magic (%load_ext) added it
                elif note(f"IPython {key} changed"):
                    getattr(sh, key)[:] = self.hooks[key]
        for k, v in self.hooks["events"].items():
            now = list(sh.events.callbacks.get(k, []))
            if now != v:
                if _library_hooks(now, v):
                    self.hooks["events"][k] = now   # %matplotlib inline, %autoreload, ...
                elif note(f"IPython event {k} hooked"):
                    sh.events.callbacks[k][:] = v
        if sh.custom_exceptions != self.hooks["custom_exceptions"] \
                and note("IPython custom exception handler set"):
            sh.set_custom_exc((), None)

    def run(self, nonce, names=(), when="before", loose=False) -> None:
        """Check and restore; after a trusted cell, take a new snapshot with the ``names`` it
        bound. Prints the report after ``nonce``, for the grader to find in the output."""
        found = self.check(restore=True, loose=loose)
        if when == "after":
            self.snapshot(names)
        print(nonce + json.dumps({"found": found}))


def import_all(modules) -> list[str]:
    """Import ``modules`` (the day's imports, done before any timed cell); returns those that
    failed, which the student's cells then meet themselves."""
    failed = []
    for name in modules:
        try:
            importlib.import_module(name)
        except Exception:  # noqa: BLE001 (any error: the cell that imports it reports it)
            failed.append(name)
    return failed


def limit_memory(memory_mb: int) -> bool:
    """Limit the address space to what the kernel has now plus ``memory_mb`` (Linux; elsewhere
    nothing is limited). Returns whether a limit was set."""
    if memory_mb <= 0:
        return False
    try:
        import resource

        with open("/proc/self/status") as fh:
            size = next(int(line.split()[1]) * 1024 for line in fh if line.startswith("VmSize"))
        _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        limit = size + int(memory_mb) * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit if hard < 0 else min(limit, hard), hard))
    except (ImportError, OSError, ValueError, StopIteration):
        return False
    return True


def mark_reference_code(exercises=None) -> None:
    """`course.integrity`: mark the course's reference code (before the guard's snapshot, which
    then protects the marks) and give it the exercise map derived from the released source."""
    try:
        integrity = importlib.import_module("course.integrity")
    except ImportError:
        return
    integrity.mark()
    if exercises:
        integrity.use_exercises(*exercises)


def install(modules, memory_mb: int, exercises=None) -> Guard:
    """Warm up a fresh grading kernel: import the day's modules, mark the reference code,
    snapshot them with a new guard, then limit the memory the student's code may add.
    ``exercises``: ``(day, {test grade_id: names the exercise asks for})``."""
    import_all(modules)
    mark_reference_code(exercises)
    guard = Guard()
    limit_memory(memory_mb)
    return guard
