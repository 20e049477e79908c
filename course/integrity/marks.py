"""Marking the course's reference code: every public function and method of the reference
modules gets a one-line trampoline into `_dispatch` as its code (signature, source and behaviour
unchanged), when its module is imported, so that the test cell being watched sees every call.
The originals and the fingerprints of their code (to know a copy) are kept here, out of any
module's namespace.
"""
from __future__ import annotations

import functools
import importlib.abc
import inspect
import sys
import types

REFERENCE_PACKAGES = ("course.nn", "course.vision", "course.text", "course.music")
REFERENCE_MODULES = ("course.training", "course.diagnosis", "course.checks", "course.layers",
                     "course.optim", "course.regularisation")


def is_reference_module(name: str) -> bool:
    return name in REFERENCE_MODULES or name in REFERENCE_PACKAGES or \
        name.startswith(tuple(p + "." for p in REFERENCE_PACKAGES))


class _Marks:
    """What marking made: for each marked function its original (a copy holding the code) and
    the name a rule compares (a function's name; a method's class name), and the fingerprints of
    the originals' code (to know a copy of it). Kept out of any module's namespace."""

    def __init__(self):
        self.originals: list = []          # key -> the original function
        self.names: list[str] = []         # key -> its name for the rule
        self.marked: dict[int, int] = {}   # id(marked function) -> key
        self.owners: list[int] = []        # key -> id of what a test may hand over (fn, class)
        self.classes: dict[int, str] = {}  # id(reference class) -> its name
        self.prints: dict[tuple, str] = {}  # code fingerprint -> name
        self.printed: list[int] = []       # keys whose fingerprint is in prints
        self.files: list[str] = []         # key -> the file of its module
        self.modules: set[str] = set()


_MARKS = _Marks()


class _State:
    watch = None              # the Watch of the test cell running now, if any


_STATE = _State()


def _dispatch(key, args, kwargs):
    """Every marked function's body: note the call when a test cell is watching, then run the
    original."""
    __tracebackhide__ = True      # noqa: F841 (IPython leaves this frame out of tracebacks)
    original = _MARKS.originals[key]
    watch = _STATE.watch
    if watch is None:
        return original(*args, **kwargs)
    record = watch.called(key, args, kwargs, sys._getframe(2))
    result = original(*args, **kwargs)
    if record is not None:
        watch.keep(record, result)         # as it is now, before the learner can change it
    return result


_TEMPLATES: dict[int, types.CodeType] = {}
_KEY = -7_310_249        # placeholder constant replaced by each function's key


def _template(free: int) -> types.CodeType:
    """The trampoline's code for a function with ``free`` closure cells (a method using
    ``super()`` has one): all on one line, so a traceback points at the reference's ``def``."""
    if free not in _TEMPLATES:
        names = [f"v{i}" for i in range(free)]
        touch = "".join(f"{n}; " for n in names)
        src = (f"def _outer():\n    {' = '.join(names + ['None']) if names else 'pass'}\n"
               f"    def trampoline(*args, **kwargs): {touch}return "
               f"__course_reference__({_KEY}, args, kwargs)\n    return trampoline\n")
        ns: dict = {}
        exec(compile(src, "<course.integrity>", "exec"), ns)
        _TEMPLATES[free] = ns["_outer"]().__code__
    return _TEMPLATES[free]


_JUMPS = None


def fingerprint(code: types.CodeType) -> tuple:
    """What a copy of a function's code keeps whatever its file, its variable names or the module
    it is compiled in: the instructions with their names and constants (a method call on an
    imported module compiles to LOAD_ATTR in its module, to LOAD_METHOD elsewhere; jump
    targets move with it), its docstring (code a learner wrote alike is not a copy) and the
    arguments."""
    import dis

    global _JUMPS
    if _JUMPS is None:
        _JUMPS = set(dis.hasjrel) | set(dis.hasjabs)
    steps = []
    for ins in dis.get_instructions(code):
        name = "LOAD_ATTR" if ins.opname == "LOAD_METHOD" else ins.opname
        if ins.opcode in _JUMPS or isinstance(ins.argval, types.CodeType):
            steps.append(name)
        elif ins.opname in ("LOAD_FAST", "STORE_FAST", "DELETE_FAST", "LOAD_DEREF",
                            "STORE_DEREF", "LOAD_CLOSURE"):
            steps.append((name, ins.arg))                     # a local's slot, not its name
        else:
            steps.append((name, repr(ins.argval)))
    doc = code.co_consts[0] if code.co_consts and isinstance(code.co_consts[0], str) else None
    return (tuple(steps), doc, code.co_argcount, code.co_kwonlyargcount)


def _prints() -> dict[tuple, str]:
    """The fingerprints of the reference code (worked out when a test first needs them)."""
    for key in range(len(_MARKS.printed), len(_MARKS.originals)):
        code = _MARKS.originals[key].__code__
        if code.co_filename == _MARKS.files[key]:      # not a decorator's shared wrapper
            _MARKS.prints.setdefault(fingerprint(code), _MARKS.names[key])
        _MARKS.printed.append(key)
    return _MARKS.prints


def _mark_function(fn, name: str, module, owner) -> None:
    outer = fn
    # A function decorated elsewhere (``@torch.no_grad()``, any ``functools.wraps`` wrapper) runs
    # the wrapper's code in the decorator's module, where ``__course_reference__`` is unknown:
    # mark the function it wraps, defined here, and let the wrapper stand for it.
    while fn.__globals__ is not vars(module) and isinstance(getattr(fn, "__wrapped__", None),
                                                           types.FunctionType):
        fn = fn.__wrapped__
    if fn.__globals__ is not vars(module):
        return                   # made by code elsewhere: calling it cannot reach a trampoline
    if id(fn) in _MARKS.marked or fn.__code__.co_filename == "<course.integrity>":
        if id(fn) in _MARKS.marked:
            _MARKS.marked.setdefault(id(outer), _MARKS.marked[id(fn)])
        return
    code = fn.__code__
    original = types.FunctionType(code, fn.__globals__, fn.__name__, fn.__defaults__,
                                  fn.__closure__)
    original.__kwdefaults__ = dict(fn.__kwdefaults__) if fn.__kwdefaults__ else None
    original.__qualname__, original.__module__ = fn.__qualname__, fn.__module__
    original.__doc__ = fn.__doc__
    original.__dict__.update(fn.__dict__)
    try:
        signature = inspect.signature(fn)
    except (TypeError, ValueError):
        signature = None
    key = len(_MARKS.originals)
    template = _template(len(code.co_freevars))
    consts = tuple(key if c == _KEY else c for c in template.co_consts)
    trampoline = template.replace(co_consts=consts, co_name=code.co_name,
                                  co_qualname=getattr(code, "co_qualname", code.co_name),
                                  co_filename=code.co_filename,
                                  co_firstlineno=code.co_firstlineno,
                                  co_freevars=code.co_freevars)
    _MARKS.originals.append(original)
    _MARKS.names.append(name)
    _MARKS.owners.append(id(owner))
    _MARKS.marked[id(fn)] = key
    _MARKS.marked[id(outer)] = key
    _MARKS.files.append(getattr(module, "__file__", None))
    fn.__code__ = trampoline     # its defaults stay for introspection; the trampoline ignores them
    if signature is not None:
        fn.__signature__ = signature


def mark_module(module) -> None:
    """Mark the public functions and the methods of the public classes ``module`` defines."""
    if module.__name__ in _MARKS.modules:
        return
    _MARKS.modules.add(module.__name__)
    module.__dict__["__course_reference__"] = _dispatch
    for attr, value in list(vars(module).items()):
        if attr.startswith("_") or getattr(value, "__module__", None) != module.__name__:
            continue
        if isinstance(value, types.FunctionType):
            _mark_function(value, value.__name__, module, value)
        elif isinstance(value, type):
            _MARKS.classes[id(value)] = value.__name__
            for member in vars(value).values():
                fn = getattr(member, "__func__", member)
                if isinstance(fn, types.FunctionType) and fn.__module__ == module.__name__:
                    _mark_function(fn, value.__name__, module, value)


class _Finder(importlib.abc.MetaPathFinder):
    """Marks a reference module as soon as it is imported (before anything binds its names)."""

    def find_spec(self, fullname, path, target=None):
        if not is_reference_module(fullname):
            return None
        for finder in sys.meta_path:
            if finder is self or not hasattr(finder, "find_spec"):
                continue
            spec = finder.find_spec(fullname, path, target)
            if spec is not None:
                if spec.loader is not None and hasattr(spec.loader, "exec_module"):
                    spec.loader = _MarkingLoader(spec.loader)
                return spec
        return None


class _MarkingLoader(importlib.abc.Loader):
    def __init__(self, loader):
        self.loader = loader

    def create_module(self, spec):
        return self.loader.create_module(spec)

    def exec_module(self, module):
        self.loader.exec_module(module)
        mark_module(module)

    def __getattr__(self, name):
        return getattr(self.loader, name)


def mark(prints: bool = False) -> None:
    """Mark every reference module imported so far, and every one imported from now on; watch
    code compiled while a test runs (a copy of the reference made during the test). Idempotent.
    ``prints``: work out the fingerprints now (a fork server, once for all its kernels)."""
    if not any(isinstance(f, _Finder) for f in sys.meta_path):
        sys.meta_path.insert(0, _Finder())
        sys.addaudithook(_audit)
    for name, module in list(sys.modules.items()):
        if module is not None and is_reference_module(name):
            mark_module(module)
    if prints:
        _prints()


def reference_name(value) -> str | None:
    """The name of the reference ``value`` is (a marked function or class, or a partial or bound
    method of one); None when it is not reference code."""
    for _ in range(5):
        if isinstance(value, functools.partial):
            value = value.func
        elif isinstance(value, (types.MethodType, staticmethod, classmethod)):
            value = value.__func__
        else:
            break
    key = _MARKS.marked.get(id(value))
    if key is not None:
        return _MARKS.names[key]
    return _MARKS.classes.get(id(value))


def _audit(event, args):
    if event != "exec" or _STATE.watch is None or not args:
        return
    try:
        _STATE.watch.compiled(args[0], sys._getframe(1))
    except Exception:  # noqa: BLE001 (an audit hook must never break the code it watches)
        pass


