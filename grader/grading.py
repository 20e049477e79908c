"""Autograding a class: many submissions at once, into nbgrader's gradebook, safely.

`course grade` grades every submission of a day with ``jobs`` kernels at a time from ONE process
(no `nbgrader` start-up per student), writes nbgrader's autograded/ folder and gradebook rows
(so formgrader and `nbgrader export` see the grades), and always finishes the batch: a
submission that cannot be graded gets a recorded zero and a reason, never a stale score.

How a submission is graded
--------------------------
1. The notebook is rebuilt from the released source (nbgrader's OverwriteCells, done
   thoroughly): locked and test cells come from the source, matched by ``grade_id``, so an
   edited, deleted, duplicated or reordered test cell cannot change the score; the student's
   answer cells (and any cells they added) are put back in the source's order.
2. A kernel is warmed before any timed cell (the day's heavy imports: numpy, matplotlib,
   torch, course), then gets a memory limit (``resource.setrlimit`` in the kernel) and a guard.
   On Linux and macOS one "zygote" process per batch does the imports once and forks a fresh
   kernel process for each submission (no start-up or import cost per student); elsewhere, or
   if forking fails, kernels start the usual way, ``jobs`` of them warmed ahead.
3. Cells run one by one with a per-cell time limit; ``fast = True`` is set after the
   parameters cell. A cell that times out is interrupted; a kernel that dies (or ignores the
   interrupt) is restarted and the notebook replayed without the cell that killed it, so one
   bad answer costs only the exercises that depend on it. Huge outputs are cut.
4. Before every trusted (source) cell the guard puts back what student code changed in
   ``course.*``, numpy, torch, builtins, the check functions the tests use and IPython's
   execution machinery, and reports it; after a test cell it checks again: a test during which
   the code under test changed any of those scores zero. A test passes only when it ran to
   its end without an error.

Threat model: this stops a student who redefines check helpers, monkey-patches
``course.checks``/``course.progress``/numpy, swaps function code or hooks IPython to skip or
swallow tests. Code that studies the grader's own internals (it runs in the same process as
the student's code) could still get past it; such submissions show up as "tampered" in most
cases, and every tampered test is flagged for manual grading in formgrader.
"""
from __future__ import annotations

import ast
import copy
import hashlib
import json
import os
import queue
import secrets
import shutil
import sys
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import nbformat

from course.authoring import notebook as nbtools
from course.device import thread_env
from course.errors import CourseError
from .classroom import Course, find_notebook, read_timestamp

MAX_OUTPUT_CHARS = 20_000      # stream text kept per cell
MAX_DATA_BYTES = 2_000_000     # a single display output (a figure) kept up to this size
MAX_RESTARTS = 3               # kernel deaths tolerated per submission
INTERRUPT_GRACE = 5.0          # seconds a timed-out cell gets to stop after the interrupt
WARM_TIMEOUT = 600             # seconds for the untimed warm-up imports

STATUSES = ("graded", "failed", "timed out", "tampered", "kernel died")

# --- the template: what a submission is graded against ----------------------------------------


@dataclass
class TemplateCell:
    kind: str            # "answer", "locked" (incl. tests), "plain" (untagged source cell)
    cell: dict           # the source cell (solutions cleared, hidden tests kept)
    grade_id: str = ""
    points: float = 0.0

    @property
    def is_test(self) -> bool:
        return self.kind == "locked" and bool(nbtools.nbgrader_meta(self.cell).get("grade"))

    @property
    def is_code(self) -> bool:
        return self.cell["cell_type"] == "code"


@dataclass
class Template:
    assignment: str
    notebook: str
    cells: list[TemplateCell]
    imports: list[str]                       # modules the locked cells import: warmed up
    groups: dict[str, list[str]]             # test grade_id -> answer grade_ids it checks

    @property
    def tests(self) -> list[TemplateCell]:
        return [c for c in self.cells if c.is_test]

    @property
    def max_score(self) -> float:
        return sum(c.points for c in self.tests)


def _ipython_to_python(source: str) -> str:
    from IPython.core.inputtransformer2 import TransformerManager

    return TransformerManager().transform_cell(source)


def _parse(source: str):
    try:
        return ast.parse(_ipython_to_python(source))
    except SyntaxError:
        return None


def imported_modules(source: str) -> list[str]:
    """Absolute modules a cell imports (``import a.b``, ``from a.b import c``)."""
    tree = _parse(source)
    found = []
    for node in ast.walk(tree) if tree else ():
        if isinstance(node, ast.Import):
            found += [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.append(node.module)
            found += [f"{node.module}.{a.name}" for a in node.names if a.name != "*"]
    return found


def bound_names(source: str) -> list[str]:
    """Names a cell binds at top level by import, def or class (what the guard protects)."""
    tree = _parse(source)
    names = []
    for node in tree.body if tree else ():
        if isinstance(node, ast.Import):
            names += [(a.asname or a.name).split(".")[0] for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            names += [a.asname or a.name for a in node.names if a.name != "*"]
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.append(node.name)
        elif isinstance(node, ast.Try):
            for sub in node.body:
                if isinstance(sub, (ast.Import, ast.ImportFrom)):
                    names += [(a.asname or a.name).split(".")[0] for a in sub.names]
    return names


def build_template(course: Course, assignment: str, notebook: str) -> Template:
    """The grading version of a released notebook: solutions cleared, hidden tests kept, and
    every locked cell exactly as the gradebook recorded it at release."""
    from nbgrader import preprocessors as pp
    from nbgrader.api import MissingEntry

    path = course.source / assignment / f"{notebook}.ipynb"
    if not path.exists():
        raise GradingError(f"No source notebook {path}: release the day first "
                           f"(`course release DAY --course-dir {course.root}`).")
    nb = nbtools.read(path)
    resources = {"language": "python"}
    for step in (pp.LockCells, pp.ClearSolutions, pp.ClearOutput):
        nb, resources = step().preprocess(nb, resources)
    with course.gradebook() as gb:
        try:
            gb_nb = gb.find_notebook(notebook, assignment)
        except MissingEntry:
            raise GradingError(f"The gradebook does not know {assignment}/{notebook}: release "
                               f"it with `course release {assignment} --course-dir "
                               f"{course.root}`.") from None
        recorded = {c.name: (c.source, c.cell_type) for c in gb_nb.source_cells}
        checksums = {c.name: c.checksum for c in gb_nb.source_cells}
        points = {c.name: float(c.max_score) for c in gb_nb.grade_cells}
    cells, imports, groups = [], [], {}
    group, fresh = [], False
    for cell in nb.cells:
        meta = nbtools.nbgrader_meta(cell)
        gid = meta.get("grade_id", "")
        if meta.get("solution"):
            kind = "answer"
        elif gid:
            kind = "locked"
            if gid in recorded and recorded[gid][1] == cell.cell_type:
                cell.source = recorded[gid][0]
        else:
            kind = "plain"
        if gid in checksums:   # as nbgrader's OverwriteCells leaves them, for formgrader
            cell.metadata["nbgrader"]["checksum"] = checksums[gid]
        tc = TemplateCell(kind, cell, gid, points.get(gid, float(meta.get("points", 0) or 0)))
        cells.append(tc)
        if kind == "answer" and cell.cell_type == "code":
            if not fresh:
                group, fresh = [], True
            group.append(gid)
        if tc.is_test:
            fresh = False
            groups[gid] = list(group)
        if kind != "answer" and cell.cell_type == "code":
            imports += [m for m in imported_modules(cell.source) if m not in imports]
    return Template(assignment, notebook, cells, imports, groups)


def visible_source(source: str, note: str | None = "# (hidden tests: not shown)") -> str:
    """A test cell as students see it: the hidden block replaced by a one-line note."""
    out, hidden = [], False
    for line in source.splitlines():
        if nbtools.BEGIN_HIDDEN in line:
            hidden = True
            if note:
                out.append(note)
            continue
        if nbtools.END_HIDDEN in line:
            hidden = False
            continue
        if not hidden:
            out.append(line)
    return "\n".join(out)


# --- the submission: read it, whatever state it is in --------------------------------------------


class GradingError(CourseError):
    """A problem with the course folder (not with a submission); the message says what to do."""


class Unreadable(Exception):
    """A submitted file that is not a notebook; the message is the reason a student sees."""


def read_submission(path: Path) -> nbformat.NotebookNode:
    raw = path.read_bytes()
    if not raw.strip():
        raise Unreadable("the submitted file is empty")
    try:
        data = json.loads(raw.decode("utf-8", errors="replace"))
    except json.JSONDecodeError as err:
        raise Unreadable(f"the file is not valid notebook JSON (line {err.lineno}, column "
                         f"{err.colno}: {err.msg}); it may have been damaged when saved or "
                         "uploaded") from None
    if not isinstance(data, dict) or ("cells" not in data and "worksheets" not in data):
        raise Unreadable("the file is JSON but not a Jupyter notebook")
    import warnings

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")     # duplicate cell ids and the like: repaired
            nb = nbformat.reads(json.dumps(data), as_version=4)
    except Exception as err:
        raise Unreadable(f"the notebook could not be read ({type(err).__name__}: {err})") from None
    if not isinstance(nb.get("cells"), list):
        raise Unreadable("the notebook has no cells")
    return nb


def _norm(source) -> str:
    if isinstance(source, list):
        source = "".join(source)
    return "\n".join(line.rstrip() for line in str(source).strip().splitlines())


@dataclass
class Slot:
    """One cell of the notebook that is run: where it came from and how to treat it."""

    cell: dict
    origin: str            # "source" (trusted), "student" (answer or added cell), "injected"
    grade_id: str = ""
    test: bool = False
    points: float = 0.0


def assemble(template: Template, student_nb) -> tuple[list[Slot], list[str], set[str]]:
    """The notebook to run: the template's cells in the source's order, with the student's
    answer cells (all copies of a duplicated one, in their order) and added cells in place.

    Returns ``(slots, notes, unanswered)``: notes on what was repaired, and the answer cells
    left as released (not attempted)."""
    template_ids = {c.grade_id for c in template.cells if c.grade_id}
    plain_sources = {_norm(c.cell["source"]) for c in template.cells if c.kind == "plain"}
    answers: dict[str, list[dict]] = {}
    extras_after: dict[str | None, list[dict]] = {}
    anchor = None
    locked_seen, tests_seen, edited, order = {}, {}, [], []
    for cell in student_nb.cells:
        meta = nbtools.nbgrader_meta(cell)
        gid = meta.get("grade_id")
        tags = cell.get("metadata", {}).get("tags", [])
        if gid in template_ids:
            tc = next(c for c in template.cells if c.grade_id == gid)
            if tc.kind == "answer":
                answers.setdefault(gid, []).append(cell)
            else:
                locked_seen[gid] = locked_seen.get(gid, 0) + 1
                if tc.is_test:
                    tests_seen[gid] = tests_seen.get(gid, 0) + 1
                    order.append(gid)
                    if _norm(cell.source) != _norm(tc.cell["source"]) and \
                            _norm(cell.source) != _norm(visible_source(tc.cell["source"], None)):
                        edited.append(gid)
            anchor = gid
            continue
        if "parameters" in tags or "injected-parameters" in tags:
            continue
        if _norm(cell.get("source", "")) in plain_sources or not _norm(cell.get("source", "")):
            continue
        extras_after.setdefault(anchor, []).append(cell)
    notes = []
    if edited:
        notes.append(f"test cell(s) edited, graded with the original: {', '.join(edited)}")
    missing_tests = [c.grade_id for c in template.tests if c.grade_id not in tests_seen]
    if missing_tests:
        notes.append(f"test cell(s) deleted, put back: {', '.join(missing_tests)}")
    dup = sorted({g for g, n in tests_seen.items() if n > 1} |
                 {g for g, cs in answers.items() if len(cs) > 1})
    if dup:
        notes.append(f"duplicated cell(s): {', '.join(dup)}")
    expected_order = [c.grade_id for c in template.tests if c.grade_id in tests_seen]
    seen_order = list(dict.fromkeys(order))
    if seen_order != expected_order:
        notes.append("cells reordered: run in the released order")
    missing_answers = [c.grade_id for c in template.cells
                       if c.kind == "answer" and c.grade_id not in answers]
    if missing_answers:
        notes.append(f"answer cell(s) deleted: {', '.join(missing_answers)}")

    slots: list[Slot] = []   # cells the student added at the very top go after the parameters
    unanswered = set()
    for tc in template.cells:
        if tc.kind == "answer":
            copies = answers.get(tc.grade_id, [])
            for cell in copies:
                fresh = copy.deepcopy(tc.cell)
                fresh["source"] = cell.get("source", "")
                fresh["cell_type"] = tc.cell["cell_type"]
                slots.append(Slot(fresh, "student", tc.grade_id))
            if not copies or all(_norm(c.get("source", "")) == _norm(tc.cell["source"])
                                 for c in copies):
                unanswered.add(tc.grade_id)
        else:
            slots.append(Slot(copy.deepcopy(tc.cell), "source", tc.grade_id, tc.is_test, tc.points))
            if "parameters" in tc.cell.get("metadata", {}).get("tags", []):
                slots.append(Slot(nbformat.v4.new_code_cell(
                    "# Injected by the grader\nfast = True",
                    metadata={"tags": ["injected-parameters"]}), "injected"))
                for cell in extras_after.get(None, []):
                    slots.append(Slot(_extra(cell), "student"))
        for cell in extras_after.get(tc.grade_id, []) if tc.grade_id else []:
            slots.append(Slot(_extra(cell), "student"))
    if not any("parameters" in c.cell.get("metadata", {}).get("tags", []) for c in template.cells):
        for cell in extras_after.get(None, []):
            slots.append(Slot(_extra(cell), "student"))
    return slots, notes, unanswered


def _extra(cell) -> dict:
    if cell.get("cell_type") == "code":
        return nbformat.v4.new_code_cell(cell.get("source", ""))
    if cell.get("cell_type") == "markdown":
        return nbformat.v4.new_markdown_cell(cell.get("source", ""))
    return nbformat.v4.new_raw_cell(cell.get("source", ""))


# --- the guard: runs inside the grading kernel ---------------------------------------------------

GUARD_SOURCE = r'''
import builtins, json, sys, types

_MISSING = object()
_PREFIXES = ("course", "numpy", "torch")
_TORCH = ("torch", "torch.nn", "torch.nn.functional", "torch.autograd", "torch.testing",
          "torch.optim", "torch.linalg")


def _protected_name(name):
    if name in ("builtins", "math"):
        return True
    if name.startswith("torch"):
        return name in _TORCH
    return name == "course" or name.startswith(("course.", "numpy"))


_VOLATILE = ("input", "raw_input", "_", "__", "___", "display", "get_ipython")


_LIBRARIES = ("IPython", "ipykernel", "matplotlib", "matplotlib_inline", "ipywidgets", "tqdm",
              "torch", "numpy", "course", "jupyter_client", "comm")


def _library_hooks(now, saved):
    """True when the hooks only changed by what installed libraries registered."""
    added = [h for h in now if h not in saved]
    return all((getattr(h, "__module__", None) or "").split(".")[0] in _LIBRARIES for h in added)


def _sensitive(value):
    return value is not _MISSING and (callable(value) or isinstance(value, types.ModuleType))


def _is_ours(value):
    mod = getattr(value, "__module__", None) or getattr(value, "__name__", "") or ""
    return isinstance(mod, str) and mod.split(".")[0] in _PREFIXES


class Guard:
    def __init__(self):
        self.shell = get_ipython()
        self.kernel = getattr(self.shell, "kernel", None)
        self.modules, self.codes, self.names = {}, {}, {}
        self.blocked = []
        self.snapshot([])
        self.classes = {}
        for obj in (self.shell, self.kernel):
            for cls in type(obj).__mro__ if obj is not None else ():
                if cls is not object:
                    self.classes[cls] = dict(vars(cls))
        self.instance_keys = {id(o): set(vars(o)) for o in (self.shell, self.kernel) if o}
        sys.addaudithook(self._audit)

    def _audit(self, event, args):
        if event == "object.__setattr__" and len(args) >= 3:
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
        for name, mod in list(sys.modules.items()):
            if mod is None or not _protected_name(name):
                continue
            d = dict(vars(mod))
            self.modules[name] = (mod, d)
            for value in d.values():
                for fn in (value, getattr(value, "_implementation", None)):
                    if isinstance(fn, types.FunctionType) and id(fn) not in self.codes:
                        self.codes[id(fn)] = (fn, fn.__code__, fn.__defaults__, fn.__kwdefaults__)
        ns = self.shell.user_ns
        for n in names:
            v = ns.get(n, _MISSING)
            if v is not _MISSING and (isinstance(v, types.ModuleType) and _protected_name(v.__name__)
                                      or (callable(v) and _is_ours(v))):
                self.names[n] = v
                if isinstance(v, types.FunctionType):
                    self.codes.setdefault(id(v), (v, v.__code__, v.__defaults__, v.__kwdefaults__))
        sh = self.shell
        self.hooks = {
            "input_transformers_cleanup": list(sh.input_transformers_cleanup),
            "input_transformers_post": list(sh.input_transformers_post),
            "ast_transformers": list(sh.ast_transformers),
            "events": {k: list(v) for k, v in sh.events.callbacks.items()},
            "custom_exceptions": sh.custom_exceptions,
            "stdout": sys.stdout, "stderr": sys.stderr,
        }

    def check(self, restore=True, loose=False):
        """What changed since the snapshot; restore it. ``loose``: accept data (non-callable)
        changes of library modules (a trusted cell setting a flag)."""
        found, serious = list(self.blocked), bool(self.blocked)
        self.blocked.clear()
        for name, (mod, saved) in self.modules.items():
            if sys.modules.get(name, mod) is not mod:
                found.append(f"sys.modules[{name!r}] replaced")
                serious = True
                if restore:
                    sys.modules[name] = mod
            cur = vars(mod)
            for k, v in saved.items():
                now = cur.get(k, _MISSING)
                if now is v or (name == "builtins" and k in _VOLATILE):
                    continue
                if not (_sensitive(v) or _sensitive(now)) or (loose and _is_ours(now)):
                    saved[k] = now          # data (a cache, a flag), or a library's own rebinding
                    continue
                found.append(f"{name}.{k} replaced")
                serious = True
                if restore:
                    cur[k] = v
        for fn, code, defaults, kwdefaults in list(self.codes.values()):
            if fn.__code__ is not code or fn.__defaults__ is not defaults \
                    or fn.__kwdefaults__ is not kwdefaults:
                found.append(f"the code of {getattr(fn, '__qualname__', fn)} changed")
                serious = True
                if restore:
                    fn.__code__, fn.__defaults__, fn.__kwdefaults__ = code, defaults, kwdefaults
        ns = self.shell.user_ns
        for n, v in self.names.items():
            if ns.get(n, _MISSING) is not v:
                found.append(f"`{n}` redefined")
                serious = True
                if restore:
                    ns[n] = v
        if ns.get("__builtins__", builtins) not in (builtins, vars(builtins)):
            found.append("`__builtins__` replaced")
            serious = True
            if restore:
                ns["__builtins__"] = builtins
        sh = self.shell
        for key in ("input_transformers_cleanup", "input_transformers_post", "ast_transformers"):
            now = list(getattr(sh, key))
            if now != self.hooks[key]:
                if _library_hooks(now, self.hooks[key]):
                    self.hooks[key] = now   # an extension or magic (%load_ext) added it
                    continue
                found.append(f"IPython {key} changed")
                serious = True
                if restore:
                    getattr(sh, key)[:] = self.hooks[key]
        for k, v in self.hooks["events"].items():
            now = list(sh.events.callbacks.get(k, []))
            if now != v:
                if _library_hooks(now, v):
                    self.hooks["events"][k] = now   # %matplotlib inline, %autoreload, ...
                    continue
                found.append(f"IPython event {k} hooked")
                serious = True
                if restore:
                    sh.events.callbacks[k][:] = v
        if sh.custom_exceptions != self.hooks["custom_exceptions"]:
            found.append("IPython custom exception handler set")
            serious = True
            if restore:
                sh.set_custom_exc((), None)
        for key in ("stdout", "stderr"):
            if getattr(sys, key) is not self.hooks[key]:
                found.append(f"sys.{key} replaced")
                if restore:
                    setattr(sys, key, self.hooks[key])
        if sys.gettrace() is not None or sys.getprofile() is not None:
            found.append("a trace or profile function was set")
            serious = True
            if restore:
                sys.settrace(None)
                sys.setprofile(None)
        for cls, saved in self.classes.items():
            for k, v in saved.items():
                if callable(v) and vars(cls).get(k, _MISSING) is not v:
                    found.append(f"{cls.__name__}.{k} replaced")
                    serious = True
                    if restore:
                        setattr(cls, k, v)
        for obj in (self.shell, self.kernel):
            if obj is None:
                continue
            for k in set(vars(obj)) - self.instance_keys[id(obj)]:
                if callable(vars(obj)[k]) and hasattr(type(obj), k):
                    found.append(f"{type(obj).__name__}.{k} overridden")
                    serious = True
                    if restore:
                        delattr(obj, k)
        return found, serious

    def run(self, nonce, names=(), when="before", loose=False):
        found, serious = self.check(restore=True, loose=loose)
        if when == "after":
            self.snapshot(names)
        print(nonce + json.dumps({"found": found, "serious": serious}))
'''


# --- running a notebook in a kernel --------------------------------------------------------------


@dataclass
class Run:
    """The outcome of one cell."""

    status: str                       # "ok", "error", "timeout", "dead"
    outputs: list = field(default_factory=list)
    ename: str = ""
    evalue: str = ""
    stdout: str = ""
    truncated: bool = False
    voided: str = ""                  # why a test's result cannot count (tampering)
    why: str = ""                     # why the kernel died or the cell was skipped


class GradingKernel:
    """A warmed kernel: imports done, memory limited, guard installed (course.verification.Kernel
    starts and stops it)."""

    def __init__(self, imports, env, memory_mb: int, cwd, zygote: "Zygote | None" = None):
        self.kernel = None
        if zygote is not None:
            self.km, self.kc = zygote.spawn(cwd)
        else:
            from course.authoring.verification import Kernel

            self.kernel = Kernel(cwd, env=env, timeout=WARM_TIMEOUT)
            self.km, self.kc = self.kernel.km, self.kernel.kc
        self.key = "_g" + secrets.token_hex(8)
        mods = [m for m in dict.fromkeys(["numpy", "course", "course.checks", "course.progress"]
                                         + list(imports))]
        warm = (
            "import importlib as _il, os as _os, sys as _sys, types as _ty\n"
            f"for _m in {mods!r}:\n"
            "    try:\n        _il.import_module(_m)\n    except Exception:\n        pass\n"
            f"_mod = _ty.ModuleType({self.key!r})\n"
            f"exec({GUARD_SOURCE!r}, _mod.__dict__)\n"
            f"_sys.modules[{self.key!r}] = _mod\n"
            "_mod.guard = _mod.Guard()\n"
            f"if {int(memory_mb)} > 0:\n"
            "    try:  # Linux: the address space now, plus the allowance\n"
            "        import resource as _rs\n"
            "        _vm = [int(l.split()[1]) * 1024 for l in open('/proc/self/status')"
            " if l.startswith('VmSize')][0]\n"
            "        _soft, _hard = _rs.getrlimit(_rs.RLIMIT_AS)\n"
            f"        _lim = _vm + {int(memory_mb)} * 1024 * 1024\n"
            "        _rs.setrlimit(_rs.RLIMIT_AS, (_lim if _hard < 0 else min(_lim, _hard), "
            "_hard))\n"
            "    except (ImportError, OSError, ValueError, IndexError):\n"
            "        pass\n"
            "del _m, _mod\n")
        run = self.execute(warm, WARM_TIMEOUT, store_history=False)
        if run.status != "ok":
            self.close()
            raise GradingError(f"The grading kernel could not start: {run.ename}: {run.evalue}")

    def chdir(self, cwd) -> None:
        self.execute(f"import os as _os; _os.chdir({str(cwd)!r}); del _os", 60,
                     store_history=False)

    def guard(self, names=(), when="before", loose=False):
        """Run the guard; ``(changes, serious)`` or None when it could not run (tampering)."""
        nonce = "\x02" + secrets.token_hex(8)
        code = (f"__import__('sys').modules[{self.key!r}].guard.run({nonce!r}, {list(names)!r}, "
                f"{when!r}, {bool(loose)!r})")
        run = self.execute(code, 60, store_history=False)
        for line in run.stdout.splitlines():
            if line.startswith(nonce):
                data = json.loads(line[len(nonce):])
                return data["found"], data["serious"]
        return None

    def execute(self, code: str, timeout: float, store_history: bool = True) -> Run:
        msg_id = self.kc.execute(code, store_history=store_history, allow_stdin=False,
                                 stop_on_error=False)
        run = Run("ok")
        chars = 0
        deadline = time.monotonic() + timeout
        interrupted_at = None
        while True:
            now = time.monotonic()
            if interrupted_at is None and now > deadline:
                try:
                    self.km.interrupt_kernel()
                except Exception:
                    pass
                interrupted_at = now
            if interrupted_at is not None and now > interrupted_at + INTERRUPT_GRACE:
                run.status = "dead"   # the cell ignored the interrupt: the kernel must go
                run.why = f"timed out after {timeout:g} s and ignored the interrupt"
                self.close()
                return run
            try:
                msg = self.kc.get_iopub_msg(timeout=0.2)
            except queue.Empty:
                if not self.km.is_alive():
                    run.status = "dead"
                    run.why = _death()
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
            run.status = "timeout"
            return run
        try:
            while True:
                reply = self.kc.get_shell_msg(timeout=10)
                if reply.get("parent_header", {}).get("msg_id") == msg_id:
                    break
            if reply["content"].get("status") != "ok":
                run.status = "error"
                run.ename = run.ename or reply["content"].get("ename", "Error")
                run.evalue = run.evalue or reply["content"].get("evalue", "")
        except queue.Empty:
            if not self.km.is_alive():
                run.status = "dead"
                run.why = _death()
        if run.ename and run.status == "ok":
            run.status = "error"
        return run

    def close(self) -> None:
        try:
            if self.kernel is not None:
                self.kernel.close()
            else:
                self.kc.stop_channels()
                self.km.shutdown_kernel(now=True)
        except Exception:
            pass


# --- a fork server: kernels without paying for the imports each time ----------------------------

ZYGOTE_SOURCE = r'''
import importlib, json, os, signal, sys
for _m in json.loads(sys.argv[1]):
    try:
        importlib.import_module(_m)
    except Exception:
        pass
import ipykernel.kernelapp
signal.signal(signal.SIGCHLD, signal.SIG_IGN)   # children are reaped by the system
sys.stdout.write("ready\n")
sys.stdout.flush()
for line in sys.stdin:
    req = json.loads(line)
    pid = os.fork()
    if pid == 0:
        try:
            os.setsid()
            null = os.open(os.devnull, os.O_RDWR)
            for fd in (0, 1, 2):
                os.dup2(null, fd)
            signal.signal(signal.SIGCHLD, signal.SIG_DFL)
            os.chdir(req["cwd"])
            app = ipykernel.kernelapp.IPKernelApp.instance()
            app.initialize(["-f", req["connection_file"], "--HistoryManager.enabled=False"])
            app.start()
        finally:
            os._exit(0)
    sys.stdout.write(json.dumps({"pid": pid}) + "\n")
    sys.stdout.flush()
'''


class _ForkedKernel:
    """What GradingKernel needs of a kernel manager, for a kernel forked by the zygote."""

    def __init__(self, pid: int, connection_file: Path):
        self.pid, self.connection_file = pid, connection_file

    def is_alive(self) -> bool:
        try:
            os.kill(self.pid, 0)
            return True
        except OSError:
            return False

    def interrupt_kernel(self) -> None:
        os.kill(self.pid, 2)

    def shutdown_kernel(self, now: bool = True) -> None:
        import signal

        try:
            os.killpg(self.pid, signal.SIGKILL)   # the kernel and anything it started
        except OSError:
            pass
        self.connection_file.unlink(missing_ok=True)


class Zygote:
    """One process that imports the day's modules once and forks a fresh kernel for each
    submission: the start-up and imports are paid once per batch instead of once per student.
    Every kernel is still a separate process, started clean from the same warm state."""

    def __init__(self, imports, env: dict, scratch: Path):
        import subprocess

        self.scratch = scratch
        self.lock = threading.Lock()
        mods = list(dict.fromkeys(["numpy", "course", "course.checks", "course.progress"]
                                  + list(imports)))
        self.proc = subprocess.Popen(
            [sys.executable, "-c", ZYGOTE_SOURCE, json.dumps(mods)], cwd=str(scratch),
            env={**os.environ, **env}, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL, text=True, bufsize=1)
        if self.proc.stdout.readline().strip() != "ready":
            self.close()
            raise GradingError("The grading fork server did not start.")

    def spawn(self, cwd):
        from jupyter_client import BlockingKernelClient
        from jupyter_client.connect import write_connection_file

        cf = self.scratch / f"kernel-{secrets.token_hex(6)}.json"
        write_connection_file(str(cf), ip="127.0.0.1", key=secrets.token_hex(16).encode())
        with self.lock:
            self.proc.stdin.write(json.dumps({"connection_file": str(cf), "cwd": str(cwd)}) + "\n")
            self.proc.stdin.flush()
            reply = self.proc.stdout.readline()
        if not reply:
            raise GradingError("The grading fork server stopped.")
        km = _ForkedKernel(json.loads(reply)["pid"], cf)
        kc = BlockingKernelClient()
        kc.load_connection_file(str(cf))
        kc.start_channels()
        try:
            kc.wait_for_ready(timeout=60)
        except RuntimeError:
            kc.stop_channels()
            km.shutdown_kernel()
            raise GradingError("A forked grading kernel did not answer.") from None
        return km, kc

    def close(self) -> None:
        try:
            self.proc.stdin.close()
            self.proc.kill()
            self.proc.wait(timeout=10)
        except Exception:
            pass


def _death() -> str:
    return "the kernel died here (the code crashed Python, exited, or ran out of memory)"


def _add_stream(outputs, name, text) -> None:
    if outputs and outputs[-1].get("output_type") == "stream" and outputs[-1].get("name") == name:
        outputs[-1]["text"] += text
    else:
        outputs.append(nbformat.v4.new_output("stream", name=name, text=text))


# --- grading one submission ---------------------------------------------------------------------


@dataclass
class TestResult:
    grade_id: str
    points: float
    max_points: float
    status: str          # passed, failed, not attempted, timed out, kernel died, tampered, not run
    message: str = ""


@dataclass
class Result:
    student: str
    assignment: str
    notebook: str
    status: str = "graded"                   # one of STATUSES
    reasons: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    tests: list[TestResult] = field(default_factory=list)
    unanswered: list[str] = field(default_factory=list)
    tampering: list[str] = field(default_factory=list)
    seconds: float = 0.0
    digest: str = ""
    timestamp: str = ""

    @property
    def score(self) -> float:
        return sum(t.points for t in self.tests)

    @property
    def max_score(self) -> float:
        return sum(t.max_points for t in self.tests)

    @property
    def reason(self) -> str:
        return "; ".join(self.reasons + self.notes)

    def to_json(self) -> dict:
        data = asdict(self)
        data.update(score=self.score, max_score=self.max_score)
        return data

    @classmethod
    def from_json(cls, data: dict) -> "Result":
        data = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        data["tests"] = [TestResult(**t) for t in data.get("tests", [])]
        return cls(**data)


def _message(run: Run) -> str:
    value = (run.evalue or "").strip().splitlines()
    return f"{run.ename}: {value[0] if value else ''}".strip().rstrip(":")


@dataclass
class Settings:
    timeout: float = 60
    memory_mb: int = 2048
    run_all: bool = False          # also run the cells after the last test (plots, training)
    fork: bool = True              # fork kernels from one warm process (Linux, macOS)
    env: dict = field(default_factory=dict)


class KernelSource:
    """Warm kernels for one assignment, started ahead of need by ``ahead`` threads."""

    def __init__(self, template: Template, settings: Settings, cwd, ahead: int, total: int):
        self.template, self.settings, self.cwd = template, settings, cwd
        self.queue: queue.Queue = queue.Queue()
        self.left = total
        self.lock = threading.Lock()
        self.closed = False
        if settings.fork:
            try:
                self.zygote = Zygote(template.imports, settings.env, Path(cwd))
            except Exception:  # noqa: BLE001 (plain kernels work everywhere)
                self.zygote = None
        self.threads = [threading.Thread(target=self._fill, daemon=True) for _ in range(ahead)]
        self.room = threading.Semaphore(ahead)
        for t in self.threads:
            t.start()

    zygote: "Zygote | None" = None

    def new(self) -> GradingKernel:
        return new_kernel(self.template, self.settings, self.cwd, self.zygote)

    def _fill(self):
        while True:
            self.room.acquire()
            with self.lock:
                if self.left <= 0 or self.closed:
                    return
                self.left -= 1
            try:
                self.queue.put(self.new())
            except Exception as err:  # noqa: BLE001 (handed to the worker that takes it)
                self.queue.put(err)

    def get(self) -> GradingKernel:
        item = self.queue.get()
        self.room.release()
        if isinstance(item, Exception):
            raise item
        return item

    def close(self):
        self.closed = True
        for _ in self.threads:
            self.room.release()
        while not self.queue.empty():
            item = self.queue.get_nowait()
            if isinstance(item, GradingKernel):
                item.close()
        if self.zygote is not None:
            self.zygote.close()


def new_kernel(template, settings, cwd, zygote=None) -> GradingKernel:
    """A warm kernel, forked from the zygote when there is one (else started the usual way)."""
    if zygote is not None:
        try:
            return GradingKernel(template.imports, settings.env, settings.memory_mb, cwd, zygote)
        except Exception:  # noqa: BLE001
            pass
    return GradingKernel(template.imports, settings.env, settings.memory_mb, cwd)


def grade_one(course: Course, template: Template, student: str, settings: Settings,
              kernels: KernelSource | None = None) -> tuple[Result, object]:
    """Grade one student's notebook; returns the result and the executed notebook (or None)."""
    start = time.perf_counter()
    result = Result(student, template.assignment, template.notebook)
    ts = read_timestamp(course, student, template.assignment)
    result.timestamp = str(ts) if ts else ""
    path, note = find_notebook(course, student, template.assignment, template.notebook)
    if note and path is not None:
        result.notes.append(note)
    tests = template.tests

    def fail(reason):
        result.status = "failed"
        result.reasons.append(reason)
        result.tests = [TestResult(t.grade_id, 0.0, t.points, "not run", reason) for t in tests]
        result.seconds = time.perf_counter() - start
        return result, None

    if path is None:
        return fail(f"no notebook submitted ({template.notebook}.ipynb not found in "
                    f"submitted/{student}/{template.assignment}/)")
    result.digest = hashlib.sha256(path.read_bytes()).hexdigest()
    try:
        student_nb = read_submission(path)
    except Unreadable as err:
        return fail(str(err))
    slots, notes, unanswered = assemble(template, student_nb)
    result.notes += notes
    result.unanswered = sorted(unanswered)
    out_dir = course.autograded / student / template.assignment
    out_dir.mkdir(parents=True, exist_ok=True)
    runs, tampering = execute_slots(slots, template, settings, out_dir, kernels)
    result.tampering = tampering

    for i, slot in enumerate(slots):
        run = runs.get(i)
        if slot.cell["cell_type"] == "code":
            slot.cell["outputs"] = run.outputs if run else []
            slot.cell["execution_count"] = None
    dead_answers = {s.grade_id: runs[i].why for i, s in enumerate(slots)
                    if s.origin == "student" and s.grade_id and i in runs
                    and runs[i].status == "dead"}
    for i, slot in enumerate(slots):
        run = runs.get(i)
        where = f"cell {i} ({slot.grade_id or 'added by the student'})"
        if slot.origin == "student" and run and run.status in ("dead", "timeout"):
            result.reasons.append(f"{where}: "
                                  + (run.why or f"timed out after {settings.timeout:g} s"))
        elif slot.origin == "student" and run and run.status == "error" and slot.grade_id \
                and slot.grade_id not in unanswered:
            dead_answers.setdefault(slot.grade_id, f"it raised {_message(run)}")
            result.notes.append(f"{where} raised {_message(run)}")
    by_id = {}
    for i, slot in enumerate(slots):
        if not slot.test:
            continue
        run = runs.get(i)
        by_id[slot.grade_id] = _score(slot, run, template, unanswered, settings, dead_answers)
    result.tests = [by_id.get(t.grade_id) or TestResult(t.grade_id, 0.0, t.points, "not run")
                    for t in tests]
    result.notes += [f"{t.grade_id}: {t.message}" for t in result.tests
                     if t.message.startswith("MemoryError")]
    kinds = {t.status for t in result.tests}
    deaths = [r for r in runs.values() if r.status == "dead"]
    if any(t.status == "tampered" for t in result.tests) or \
            any(x.startswith("!") for x in tampering):
        result.status = "tampered"
    elif "timed out" in kinds or any(r.status == "timeout" for r in runs.values()):
        result.status = "timed out"
    elif "kernel died" in kinds or deaths:
        result.status = "kernel died"
    for t in result.tests:
        if t.status in ("timed out", "kernel died", "tampered") and t.message not in result.reasons:
            result.reasons.append(f"{t.grade_id}: {t.message}")
    if tampering:
        result.reasons.append("changed by the student's code and put back before the tests: "
                              + ", ".join(x.lstrip("!") for x in tampering[:6])
                              + (" ..." if len(tampering) > 6 else ""))
    seen = set()
    for slot in slots:   # a duplicated answer cell must not duplicate a cell id
        if slot.cell.get("id") in seen or "id" not in slot.cell:
            slot.cell["id"] = secrets.token_hex(4)
        seen.add(slot.cell["id"])
    nb = nbformat.v4.new_notebook(cells=[s.cell for s in slots],
                                  metadata=copy.deepcopy(student_nb.metadata))
    nb.metadata["kernelspec"] = {"display_name": "Python 3", "language": "python",
                                 "name": "python3"}
    result.seconds = time.perf_counter() - start
    return result, nb


def _score(slot: Slot, run: Run | None, template: Template, unanswered, settings,
           dead_answers: dict) -> TestResult:
    gid, points = slot.grade_id, slot.points
    if run is None:
        return TestResult(gid, 0.0, points, "not run", "not run: the kernel died too often")
    if run.voided:
        return TestResult(gid, 0.0, points, "tampered", run.voided)
    if run.status == "timeout":
        return TestResult(gid, 0.0, points, "timed out",
                          f"timed out after {settings.timeout:g} s (an endless loop?)")
    if run.status == "dead":
        status = "timed out" if "timed out" in run.why else "kernel died"
        return TestResult(gid, 0.0, points, status, run.why or _death())
    group = template.groups.get(gid, [])
    crashed = [g for g in group if g in dead_answers]
    if run.status == "error" or any(o.get("output_type") == "error" for o in run.outputs):
        if group and all(g in unanswered for g in group) and run.ename in (
                "NotImplementedError", "NameError"):
            return TestResult(gid, 0.0, points, "not attempted", "not attempted")
        if crashed and run.ename in ("NameError", "NotImplementedError"):
            return TestResult(gid, 0.0, points, "failed",
                              f"answer cell {crashed[0]} could not run: {dead_answers[crashed[0]]}")
        if run.ename == "MemoryError":
            return TestResult(gid, 0.0, points, "failed",
                              f"MemoryError: used more than {settings.memory_mb} MB of memory")
        return TestResult(gid, 0.0, points, "failed", _message(run))
    from nbgrader.utils import determine_grade

    cell = copy.deepcopy(slot.cell)
    cell["outputs"] = [o for o in run.outputs if o.get("output_type") == "execute_result"]
    score, _ = determine_grade(nbformat.from_dict(cell))
    score = points if score is None else float(score)
    return TestResult(gid, score, points, "passed" if score >= points else "partial")


def execute_slots(slots, template, settings: Settings, cwd, kernels: KernelSource | None):
    """Run the slots with restarts after kernel deaths; ``({index: Run}, tampering notes)``."""
    skip: dict[int, Run] = {}       # cells left out of a replay, and the result they keep
    tampering: list[str] = []
    last_test = max((i for i, s in enumerate(slots) if s.test), default=len(slots) - 1)
    stop = len(slots) - 1 if settings.run_all else last_test
    restarts = 0
    while True:
        runs: dict[int, Run] = {}
        kernel = kernels.get() if kernels and restarts == 0 else new_kernel(
            template, settings, cwd, kernels.zygote if kernels else None)
        died_at = None
        clean = True    # nothing but trusted cells (each checked after it ran) so far
        try:
            kernel.chdir(cwd)
            for i, slot in enumerate(slots[:stop + 1]):
                if slot.cell["cell_type"] != "code":
                    continue
                if i in skip:
                    runs[i] = skip[i]
                    continue
                trusted = slot.origin != "student"
                if trusted and not clean:
                    check = kernel.guard(when="before")
                    if check is None:
                        tampering.append("!the grader's checks could not run (the kernel's "
                                         "execution machinery was changed)")
                        runs[i] = Run("error", ename="Tampered", evalue="grader blocked",
                                      voided="the grader's checks could not run: the notebook "
                                             "changed how cells are executed")
                        continue
                    found, serious = check
                    for f in found:
                        tag = ("!" if serious else "") + f
                        if tag not in tampering:
                            tampering.append(tag)
                run = kernel.execute(slot.cell["source"], settings.timeout)
                runs[i] = run
                clean = trusted
                if run.status == "dead":
                    died_at = i
                    break
                if trusted:
                    names = bound_names(slot.cell["source"])
                    check = kernel.guard(names, when="after", loose=not slot.test)
                    if check is None:
                        clean = False
                        tampering.append("!the grader's checks could not run (the kernel's "
                                         "execution machinery was changed)")
                        if slot.test:
                            run.voided = "the grader's checks could not run after this test"
                    elif slot.test and check[1]:
                        run.voided = ("the code under test changed " + ", ".join(check[0][:3])
                                      + " while the test ran")
                        for f in check[0]:
                            if "!" + f not in tampering:
                                tampering.append("!" + f)
        finally:
            kernel.close()
        if died_at is None:
            return runs, tampering
        # The kernel died: replay without the cell that killed it.
        restarts += 1
        # Running out of memory can break the kernel's own threads, which then dies a little
        # later: blame the cell that hit the limit first, then the cell it died in.
        hog = next((j for j in sorted(runs) if j < died_at and j not in skip
                    and runs[j].ename == "MemoryError"), None)
        if hog is not None:
            skip[hog] = runs[hog]
        else:
            skip[died_at] = Run("dead", why=runs[died_at].why or _death())
        if restarts > MAX_RESTARTS:
            for i in range(died_at + 1, stop + 1):
                runs.pop(i, None)
            return runs, tampering


# --- a batch: many submissions, one process ------------------------------------------------------


def kernel_env(course: Course, scratch: Path, jobs: int) -> dict:
    """The grading kernels' environment: progress off, and every home and cache folder inside a
    throwaway folder of the course, so grading writes nothing outside it."""
    home = scratch / "home"
    env = {"COURSE_PROGRESS": "off", "COURSE_HOME": str(home / "course"), "HOME": str(home),
           "IPYTHONDIR": str(scratch / "ipython"), "MPLCONFIGDIR": str(scratch / "matplotlib"),
           "XDG_CACHE_HOME": str(home / ".cache"), "XDG_CONFIG_HOME": str(home / ".config"),
           "TORCH_HOME": str(home / "torch"), "MPLBACKEND": "agg",
           "PYTHONDONTWRITEBYTECODE": "1", "NBGRADER_EXECUTION": "autograde",
           "JUPYTER_PLATFORM_DIRS": "1"}
    env.update(thread_env(jobs))
    for folder in ("home/course", "ipython", "matplotlib"):
        (scratch / folder).mkdir(parents=True, exist_ok=True)
    # matplotlib's font cache, copied in (read only) so that kernels do not rebuild it.
    for cache in (Path(os.environ.get("MPLCONFIGDIR", "")), Path.home() / ".cache" / "matplotlib"):
        if str(cache) and cache.is_dir():
            for f in cache.glob("fontlist-*.json"):
                shutil.copy(f, scratch / "matplotlib" / f.name)
            break
    return env


def plan(course: Course, assignment: str, students=None, *, only_changed: bool = False):
    """The students to grade for ``assignment`` (folders found, plus any named explicitly)."""
    from .classroom import submissions

    found = submissions(course, assignment, students)
    if students:
        found += [s for s in students if s not in found]
    if only_changed:
        keep = []
        for student in found:
            old = load_result(course, student, assignment)
            path, _ = find_notebook(course, student, assignment, course.notebooks(assignment)[0])
            digest = hashlib.sha256(path.read_bytes()).hexdigest() if path else ""
            if old is None or old.digest != digest or not digest:
                keep.append(student)
        found = keep
    return found


def grade(course: Course, assignment: str, students=None, *, jobs: int | None = None,
          settings: Settings | None = None, progress: bool = True, only_changed: bool = False,
          on_result=None) -> list[Result]:
    """Grade every submission of ``assignment`` with ``jobs`` kernels at a time, recording each
    result in the gradebook as it arrives. Returns the results (in the order of the students)."""
    from concurrent.futures import ThreadPoolExecutor, as_completed

    _quiet_gradebook()

    jobs = max(1, jobs or os.cpu_count() or 1)
    settings = settings or Settings(timeout=course.timeout, memory_mb=course.memory_mb)
    notebooks = course.notebooks(assignment)
    if not notebooks:
        raise GradingError(f"{assignment} has no source notebook in {course.source}: release it "
                           f"with `course release DAY --course-dir {course.root}`.")
    templates = [build_template(course, assignment, nb) for nb in notebooks]
    todo = plan(course, assignment, students, only_changed=only_changed)
    results: dict[tuple, Result] = {}
    if not todo:
        return []
    scratch = course.root / ".grading" / secrets.token_hex(4)
    scratch.mkdir(parents=True)
    old_runtime = os.environ.get("JUPYTER_RUNTIME_DIR")
    os.environ["JUPYTER_RUNTIME_DIR"] = str(scratch / "runtime")
    settings.env = {**kernel_env(course, scratch, jobs), **settings.env}
    bar = None
    if progress:
        from tqdm import tqdm

        bar = tqdm(total=len(todo) * len(templates), desc=f"grading {assignment}", unit="nb",
                   dynamic_ncols=True)
    try:
        with course.gradebook() as gb:
            for template in templates:
                kernels = KernelSource(template, settings, scratch, ahead=jobs, total=len(todo))
                try:
                    with ThreadPoolExecutor(max_workers=jobs) as pool:
                        futures = {pool.submit(_grade_safely, course, template, s, settings,
                                               kernels): s for s in todo}
                        for future in as_completed(futures):
                            result, nb = future.result()
                            save(course, template, result, nb)
                            record(gb, course, template, result)
                            results[(result.student, template.notebook)] = result
                            if bar is not None:
                                bar.update(1)
                                if result.status != "graded":
                                    bar.set_postfix_str(f"{result.student}: {result.status}")
                            if on_result:
                                on_result(result)
                finally:
                    kernels.close()
    finally:
        if bar is not None:
            bar.close()
        if old_runtime is None:
            os.environ.pop("JUPYTER_RUNTIME_DIR", None)
        else:
            os.environ["JUPYTER_RUNTIME_DIR"] = old_runtime
        shutil.rmtree(scratch, ignore_errors=True)
        try:
            (course.root / ".grading").rmdir()
        except OSError:
            pass
    return [results[(s, t.notebook)] for t in templates for s in todo if (s, t.notebook) in results]


def _grade_safely(course, template, student, settings, kernels):
    """grade_one, with any failure of the grader itself turned into a recorded, explained zero."""
    try:
        return grade_one(course, template, student, settings, kernels)
    except Exception as err:  # noqa: BLE001 (the batch must finish)
        result = Result(student, template.assignment, template.notebook, status="failed")
        result.reasons.append(f"the grader failed on this submission ({type(err).__name__}: "
                              f"{err}); grade it again or look at it by hand")
        result.tests = [TestResult(t.grade_id, 0.0, t.points, "not run") for t in template.tests]
        return result, None


def result_path(course: Course, student: str, assignment: str) -> Path:
    return course.autograded / student / assignment / "grading.json"


def load_result(course: Course, student: str, assignment: str) -> Result | None:
    path = result_path(course, student, assignment)
    if not path.exists():
        return None
    return Result.from_json(json.loads(path.read_text()))


def save(course: Course, template: Template, result: Result, nb) -> None:
    """autograded/<student>/<assignment>/: the executed notebook, grading.json, timestamp.txt and
    the assignment's other source files (as nbgrader's autograde leaves them)."""
    out = course.autograded / result.student / result.assignment
    out.mkdir(parents=True, exist_ok=True)
    if nb is None:
        nb = nbformat.v4.new_notebook(cells=[copy.deepcopy(c.cell) for c in template.cells])
        nb.cells.insert(0, nbformat.v4.new_markdown_cell(
            f"**This submission could not be graded:** {result.reason}. Score: 0."))
    target = out / f"{template.notebook}.ipynb"
    if target.exists():
        target.chmod(0o644)
        target.unlink()
    nbformat.write(nb, str(target))
    stamp = course.submitted / result.student / result.assignment / "timestamp.txt"
    if stamp.exists():
        shutil.copy(stamp, out / "timestamp.txt")
    src = course.source / result.assignment
    for f in src.rglob("*"):
        if f.is_file() and f.suffix != ".ipynb" and ".ipynb_checkpoints" not in f.parts:
            dest = out / f.relative_to(src)
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(f, dest)
    result_path(course, result.student, result.assignment).write_text(
        json.dumps(result.to_json(), indent=1))


def record(gb, course: Course, template: Template, result: Result) -> None:
    """Write a result into nbgrader's gradebook: the submission, every grade (auto score) and
    comment, and the late penalty, replacing what an earlier grading recorded."""
    _quiet_gradebook()  # also when called on its own, outside grade()
    _record(gb, course, template, result)


def _quiet_gradebook() -> None:
    """Silence SQLAlchemy's autoflush notes that nbgrader's api raises on every submission.

    A process-wide filter: ``warnings.catch_warnings`` is not safe across the grading threads."""
    import warnings

    from sqlalchemy.exc import SAWarning

    warnings.filterwarnings("ignore", category=SAWarning, message=r"Object of type <Submitted")


def _record(gb, course: Course, template: Template, result: Result) -> None:
    from nbgrader.api import MissingEntry
    from nbgrader.plugins import LateSubmissionPlugin

    a, s, n = result.assignment, result.student, template.notebook
    gb.update_or_create_student(s)
    ts = result.timestamp or None
    sub = gb.update_or_create_submission(a, s, timestamp=ts) if ts else \
        gb.update_or_create_submission(a, s)
    try:
        grades = {t.grade_id: gb.find_grade(t.grade_id, n, a, s) for t in result.tests}
    except MissingEntry:  # the assignment changed since this submission was first recorded
        gb.remove_submission(a, s)
        sub = gb.update_or_create_submission(a, s, timestamp=ts) if ts else \
            gb.update_or_create_submission(a, s)
        grades = {t.grade_id: gb.find_grade(t.grade_id, n, a, s) for t in result.tests}
    for t in result.tests:
        grade = grades[t.grade_id]
        grade.auto_score = t.points
        grade.needs_manual_grade = grade.manual_score is not None or t.status == "tampered"
    for tc in template.cells:
        if tc.kind != "answer":
            continue
        try:
            comment = gb.find_comment(tc.grade_id, n, a, s)
        except MissingEntry:
            continue
        if result.status == "failed":
            comment.auto_comment = f"Not graded: {result.reason}."
        elif tc.grade_id in result.unanswered:
            comment.auto_comment = "No response."
        else:
            comment.auto_comment = None
    notebook = gb.find_submission_notebook(n, a, s)
    notebook.late_submission_penalty = None
    if sub.total_seconds_late > 0:
        plugin = LateSubmissionPlugin(config=course.config)
        penalty = plugin.late_submission_penalty(s, notebook.score, sub.total_seconds_late)
        if penalty is not None:
            notebook.late_submission_penalty = min(max(0.0, penalty), notebook.score)
    gb.db.commit()


def summary(results: list[Result]) -> tuple[list[tuple], list[tuple]]:
    """Two tables: counts per assignment, and one row per submission that needs a look."""
    counts, problems = [], []
    for assignment in dict.fromkeys(r.assignment for r in results):
        rs = [r for r in results if r.assignment == assignment]
        mean = sum(r.score for r in rs) / len(rs)
        counts.append((assignment, len(rs), *[sum(r.status == k for r in rs) for k in STATUSES],
                       f"{mean:.1f} / {rs[0].max_score:g}"))
        for r in sorted(rs, key=lambda r: r.student):
            if r.status != "graded" or r.notes:
                problems.append((r.student, r.assignment, f"{r.score:g}", r.status,
                                 _shorten(r.reason, 110)))
    return counts, problems


def _shorten(text: str, n: int) -> str:
    return text if len(text) <= n else text[:n - 1] + "…"


# --- feedback: scores and messages, never hidden test code ---------------------------------------

try:
    from nbconvert.preprocessors import Preprocessor as _Preprocessor
except ImportError:  # pragma: no cover
    _Preprocessor = object


def hide_hidden_tests(nb) -> None:
    """Remove hidden test code from a graded notebook, in place: the hidden blocks of test cells
    and the tracebacks of their failures (which quote the failing line); the error message
    itself stays, since it tells the student what is wrong."""
    for cell in nb.cells:
        meta = nbtools.nbgrader_meta(cell)
        source = cell.get("source", "")
        is_test = bool(meta.get("grade")) and cell.get("cell_type") == "code"
        if is_test or nbtools.BEGIN_HIDDEN in source:
            cell["source"] = visible_source(source)
        if cell.get("cell_type") != "code":
            continue
        for out in cell.get("outputs", []):
            if out.get("output_type") == "error":
                out["traceback"] = [f"{out.get('ename', 'Error')}: {out.get('evalue', '')}"]


class HideHiddenTests(_Preprocessor):
    """nbconvert preprocessor (for nbgrader's own feedback and formgrader's button):
    ``c.GenerateFeedback.preprocessors`` in the course's nbgrader_config.py lists it."""

    try:
        from traitlets import Bool

        enabled = Bool(True).tag(config=True)   # nbconvert registers preprocessors disabled
    except ImportError:  # pragma: no cover
        enabled = True

    def preprocess(self, nb, resources):
        hide_hidden_tests(nb)
        return nb, resources


def feedback_notebook(result: Result, nb) -> nbformat.NotebookNode:
    """The student's graded notebook with a score table on top and a verdict under each test."""
    nb = copy.deepcopy(nb)
    hide_hidden_tests(nb)
    rows = ["| exercise | points | result |", "|---|---|---|"]
    for t in result.tests:
        mark = "✔ passed" if t.status == "passed" else f"✘ {t.status}"
        detail = f": {t.message}" if t.message and t.status not in ("passed",) else ""
        rows.append(f"| `{t.grade_id}` | {t.points:g} / {t.max_points:g} | "
                    f"{mark}{_md(detail)} |")
    head = [f"# Feedback: {result.assignment}",
            f"**Student:** {result.student}  \n**Score:** {result.score:g} / {result.max_score:g}"]
    if result.status != "graded":
        head.append(f"**Grading:** {result.status}: {_md(result.reason)}")
    elif result.notes:
        head.append(f"**Notes:** {_md('; '.join(result.notes))}")
    cells = [nbformat.v4.new_markdown_cell("\n\n".join(head) + "\n\n" + "\n".join(rows))]
    by_id = {t.grade_id: t for t in result.tests}
    for cell in nb.cells:
        cells.append(cell)
        gid = nbtools.nbgrader_meta(cell).get("grade_id")
        if gid in by_id and nbtools.nbgrader_meta(cell).get("grade"):
            t = by_id[gid]
            verdict = "✔ passed" if t.status == "passed" else f"✘ {t.status}"
            msg = f" — {_md(t.message)}" if t.message and t.status != "passed" else ""
            cells.append(nbformat.v4.new_markdown_cell(
                f"**{gid}: {t.points:g} / {t.max_points:g}** {verdict}{msg}"))
    nb.cells = cells
    return nb


def _md(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def feedback(course: Course, assignment: str, students=None, *, progress: bool = False) -> list[Path]:
    """HTML feedback for every graded submission: feedback/<student>/<assignment>/<nb>.html."""
    from nbconvert import HTMLExporter

    exporter = HTMLExporter(template_name="lab")
    written = []
    graded = sorted(p.parent.parent.name for p in course.autograded.glob(f"*/{assignment}/grading.json"))
    if students:
        graded = [s for s in graded if s in students]
    if not graded:
        raise GradingError(f"Nothing graded for {assignment} yet: run `course grade {assignment} "
                           f"--course-dir {course.root}` first.")
    iterator = graded
    if progress:
        from tqdm import tqdm

        iterator = tqdm(graded, desc=f"feedback {assignment}", unit="student", dynamic_ncols=True)
    for student in iterator:
        result = load_result(course, student, assignment)
        src = course.autograded / student / assignment / f"{result.notebook}.ipynb"
        nb = nbtools.read(src)
        html, _ = exporter.from_notebook_node(feedback_notebook(result, nb),
                                              resources={"metadata": {"name": f"{assignment} "
                                                                              f"feedback"}})
        out = course.feedback / student / assignment
        out.mkdir(parents=True, exist_ok=True)
        target = out / f"{result.notebook}.html"
        target.write_text(html, encoding="utf-8")
        stamp = course.autograded / student / assignment / "timestamp.txt"
        if stamp.exists():
            shutil.copy(stamp, out / "timestamp.txt")
        written.append(target)
    return written


# --- export: nbgrader's CSV, optionally wide ------------------------------------------------------

CSV_COLUMNS = ("assignment", "duedate", "timestamp", "student_id", "last_name", "first_name",
               "email", "raw_score", "late_submission_penalty", "score", "max_score")


def export_csv(course: Course, to, *, wide: bool = False, assignments=None) -> int:
    """nbgrader's CSV export (same columns, same values); ``wide`` adds one column of points per
    exercise, named ``<assignment>:<grade_id>``. Returns the number of rows."""
    import csv

    from nbgrader.api import MissingEntry

    rows = 0
    with course.gradebook() as gb, open(to, "w", newline="") as fh:
        chosen = [a for a in gb.assignments if not assignments or a.name in assignments]
        extra = []
        if wide:
            for a in chosen:
                for nb in a.notebooks:
                    extra += [f"{a.name}:{gc.name}" for gc in nb.grade_cells]
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(list(CSV_COLUMNS) + extra)
        for a in chosen:
            for student in gb.students:
                row = {"assignment": a.name, "duedate": a.duedate, "student_id": student.id,
                       "last_name": student.last_name, "first_name": student.first_name,
                       "email": student.email, "max_score": a.max_score}
                points = {}
                try:
                    sub = gb.find_submission(a.name, student.id)
                except MissingEntry:
                    row.update(timestamp="", raw_score=0.0, late_submission_penalty=0.0, score=0.0)
                else:
                    penalty = sub.late_submission_penalty
                    row.update(timestamp=sub.timestamp, raw_score=sub.score,
                               late_submission_penalty=penalty,
                               score=max(0.0, sub.score - penalty))
                    if wide:
                        for nb in sub.notebooks:
                            for g in nb.grades:
                                points[f"{a.name}:{g.name}"] = g.score
                values = ["" if row[k] is None else str(row[k]) for k in CSV_COLUMNS]
                values += ["" if points.get(k) is None else str(points.get(k, "")) for k in extra]
                writer.writerow(values)
                rows += 1
    return rows
