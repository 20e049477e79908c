"""course.integrity.watch: test cells run in an IPython shell as in a kernel. Honest answers
pass; answers that hand the exercise to the course's reference code fail with one sentence,
plainly or hidden, and the progress widget does not count them; later days still use earlier
days' functions, and test cells may call the reference as a referee."""
import json
import sys
import types

import pytest

from course import integrity
from course.syllabus import get_day


# --- test cells in an IPython shell, as in the learner's kernel -----------------------------------

@pytest.fixture
def shell(tmp_path, monkeypatch):
    from IPython.core.interactiveshell import InteractiveShell
    from traitlets.config import Config

    monkeypatch.setenv("IPYTHONDIR", str(tmp_path / "ipython"))
    monkeypatch.setenv("COURSE_PROGRESS", "off")
    monkeypatch.setenv("MPLBACKEND", "agg")
    main, hooks = sys.modules["__main__"], (sys.displayhook, sys.excepthook)
    sh = InteractiveShell.instance(config=Config({"HistoryManager": {"enabled": False}}))
    sh.showtraceback = lambda *a, **k: None
    from course.progress import widget

    widget._forget()                      # this "kernel" starts with no progress recorded
    yield sh
    integrity.end()
    InteractiveShell.clear_instance()
    sys.modules["__main__"] = main
    sys.displayhook, sys.excepthook = hooks


def run(shell, source):
    """Run a cell; its error (None when it succeeded)."""
    return shell.run_cell(source).error_in_exec


class Day:
    """A day's notebook cells in order: set-up, answers and tests, as the learner runs them."""

    def __init__(self, number, shell):
        self.shell = shell
        with open(get_day(number).notebook, encoding="utf-8") as fh:
            self.cells = json.load(fh)["cells"]

    def code(self):
        for cell in self.cells:
            if cell["cell_type"] == "code":
                meta = cell["metadata"].get("nbgrader", {})
                yield meta, "".join(cell["source"]), cell["metadata"].get("tags", [])

    def run_all(self, answers=None):
        """Every code cell in fast mode, answers replaced by ``answers`` ({grade_id: code});
        returns {test grade_id: its error or None}."""
        outcome = {}
        for meta, source, tags in self.code():
            if meta.get("solution") and answers and meta["grade_id"] in answers:
                source = answers[meta["grade_id"]]
            if meta.get("grade"):
                outcome[meta["grade_id"]] = run(self.shell, integrity.visible(source))
                continue
            error = run(self.shell, source)
            assert error is None, (meta.get("grade_id"), error)
            if "parameters" in tags:
                run(self.shell, "fast = True")
        return outcome


DELEGATING = {   # Day 04 answers that hand each exercise to the course, each a different way
    "init_params": ("from course.layers import init_params as _init\n"
                    "def init_params(layer_dims, seed=0):\n"
                    "    return _init(layer_dims, seed=seed, scale='lecun')"),
    "layer_forward": ("import importlib\n"
                      "_m = importlib.import_module('course.' + 'lay' + 'ers')\n"
                      "def linear_forward(A_prev, W, b):\n"
                      "    return getattr(_m, 'linear_' + 'forward')(A_prev, W, b)\n"
                      "def layer_forward(A_prev, W, b, activation):\n"
                      "    import sys\n"
                      "    dense = sys.modules['course.nn.dense']\n"
                      "    return dense.layer_forward(A_prev, W, b, activation)"),
    "model_forward": ("import importlib, inspect\n"
                      "_d = importlib.import_module('course.nn.dense')\n"
                      "exec(inspect.getsource(_d.model_forward),\n"
                      "     vars(_d).copy() | {'__name__': 'x'}, _copies := {})\n"
                      "model_forward = _copies['model_forward']"),
    "compute_cost": ("from course.nn.dense import cross_entropy_cost\n"
                     "def compute_cost(AL, Y):\n"
                     "    return cross_entropy_cost(AL, Y)"),
    "linear_backward": "from course.nn import dense\nlinear_backward = dense.linear_backward",
    "layer_backward": ("def layer_backward(dA, cache, activation):\n"
                       "    import inspect, course.nn.dense as d\n"
                       "    scope = dict(vars(d))\n"
                       "    exec(inspect.getsource(d.layer_backward), scope)\n"
                       "    return scope['layer_backward'](dA, cache, activation)"),
    "model_backward": ("from functools import partial\nfrom course.nn import dense\n"
                       "model_backward = partial(dense.model_backward)"),
    "update_params": ("def update_params(params, grads, lr):\n"
                      "    return getattr(__import__('course.nn.dense').nn.dense,\n"
                      "                   'update_params')(params, grads, lr)"),
}
NAMED = {"init_params_shapes_and_scale": "init_params",
         "layer_forward_values": "layer_forward and linear_forward",
         "model_forward_values": "model_forward", "cost_value": "cross_entropy_cost",
         "linear_backward_autograd": "linear_backward", "layer_backward_autograd": "layer_backward",
         "model_backward_autograd": "model_backward", "update_params_step": "update_params"}


def test_day04_honest_answers_pass(shell):
    outcome = Day(4, shell).run_all()
    assert outcome and all(e is None for e in outcome.values()), outcome


def test_day04_every_exercise_handed_to_the_course_fails_with_one_sentence(shell):
    outcome = Day(4, shell).run_all(DELEGATING)
    assert sorted(outcome) == sorted(NAMED)
    for grade_id, error in outcome.items():
        assert isinstance(error, integrity.DelegationError), (grade_id, error)
        assert str(error) == (f"{grade_id}: used the course's reference implementation of "
                              f"{NAMED[grade_id]}: write it yourself.")
    from course.progress import widget

    events = widget._session_store().events()                # what the progress widget counts
    assert [e.outcome for e in events if e.day == 4] == ["failed"] * len(NAMED)


@pytest.mark.parametrize("number", [5, 7, 9])
def test_later_days_use_earlier_days_functions_and_pass(shell, number):
    """Day 05 trains with Day 04's layers, Day 07 builds on model_backward and Day 09's tests
    call the course's optimisers as a referee: none of it is delegation."""
    outcome = Day(number, shell).run_all()
    assert outcome and all(e is None for e in outcome.values()), outcome


def test_a_test_cell_may_call_the_reference_itself(shell):
    run(shell, "from course import progress\nfrom course.nn import dense\nimport numpy as np\n"
               "progress.watch_failures()")
    integrity.use_exercises(4, {"referee": ["linear_forward"]})
    run(shell, "def linear_forward(A_prev, W, b):\n    return W @ A_prev + b, (A_prev, W, b)")
    error = run(shell, "A, W, b = np.ones((2, 3)), np.ones((4, 2)), np.zeros((4, 1))\n"
                       "check = lambda: dense.linear_forward(A, W, b)\n"
                       "assert (linear_forward(A, W, b)[0] == check()[0]).all()\n"
                       "ours = dense.linear_forward(A, W, b)[0]\n"
                       "assert (linear_forward(A, W, b)[0] == ours).all()\n"
                       'progress.passed(4, "referee")')
    assert error is None


def test_a_copy_of_the_reference_made_before_the_test_is_delegation(shell):
    run(shell, "from course import progress\nprogress.watch_failures()\nimport numpy as np")
    integrity.use_exercises(1, {"copied": ["sigmoid"]})
    assert run(shell, "import importlib, inspect\n"
                      "_ns = dict(vars(importlib.import_module('course.nn.activations')))\n"
                      "exec(inspect.getsource(_ns['sigmoid']), _ns)\n"
                      "def sigmoid(z):\n"
                      "    return _ns['sigmoid'](np.asarray(z, dtype=float))[0]") is None
    error = run(shell, 'sigmoid(np.zeros(3))\nprogress.passed(1, "copied")')
    assert isinstance(error, integrity.DelegationError) and "of sigmoid" in str(error)


def test_a_class_derived_from_the_reference_class_is_delegation(shell):
    module = types.ModuleType("course.vision.example")     # a reference module's class
    exec("class IdentityBlock:\n    def __init__(self, n):\n        self.n = n\n"
         "    def forward(self, x):\n        return x", vars(module))
    integrity.mark_module(module)
    shell.user_ns["ex"] = module
    assert run(shell, "from course import progress\nprogress.watch_failures()") is None
    integrity.use_exercises(16, {"block": ["IdentityBlock"], "own": ["OwnBlock"]})
    assert run(shell, "class IdentityBlock(ex.IdentityBlock):\n    pass\n\n"
                      "class OwnBlock:\n    def __init__(self, n):\n"
                      "        self.inner = ex.IdentityBlock(n)\n") is None   # a part of it
    error = run(shell, 'IdentityBlock(3).forward(1)\nprogress.passed(16, "block")')
    assert isinstance(error, integrity.DelegationError)
    assert "reference implementation of IdentityBlock" in str(error)
    assert run(shell, 'OwnBlock(3)\nprogress.passed(16, "own")') is None


def test_without_the_set_up_nothing_is_watched(shell):
    """A test cell run before course.start (no hooks): progress.passed records as before."""
    run(shell, "from course import progress\nfrom course.nn import dense\n"
               "linear_forward = dense.linear_forward")
    integrity.end()
    error = run(shell, 'progress.passed(4, "layer_forward_values")')
    assert error is None


def test_modules_imported_from_python_s_folders_are_not_fingerprinted_but_the_course_s_files_are():
    """Importing an installed module while a test runs is not a copy of reference code (skipping
    them keeps a test that first touches torch's meta device at 1-2 s instead of 15); compiling
    the course's own files, or a string, is watched as before."""
    import json as stdlib_module

    from course.integrity import watch
    from course.nn import activations

    assert watch._imported_module(compile("x = 1", stdlib_module.__file__, "exec"))
    assert not watch._imported_module(compile("x = 1", activations.__file__, "exec"))
    assert not watch._imported_module(compile("x = 1", "<string>", "exec"))
