"""Credit only for the learner's own work: an exercise whose answer uses the course's reference
implementation of what it asks for does not pass.

The course ships the reference code of what learners build (``course.nn``, ``course.training``,
``course.diagnosis``, ``course.vision``, ...) so that later days can use it. A Day 05 answer may
call Day 04's layers; a Day 04 answer may not call them. The rule is per exercise:

- *What an exercise asks for* is derived from the notebook, never written down: the names its
  answer cells bind that its visible test uses (`exercise_names`). The reference implementation
  of a name is the reference function (or class) of that name.
- *Marking.* Every public function and method of the reference modules is marked in place (its
  code becomes a one-line trampoline into `_dispatch`; its signature, source and behaviour stay
  the same), so a call is seen however the function was reached: an import, ``importlib``,
  ``sys.modules``, ``getattr``, an alias made before the marking.
- *Watching.* While a test cell runs (the cell that ends with ``progress.passed(day, grade_id)``),
  a call of a marked function from inside the learner's function under test is checked: it is
  delegation when the function has a name the exercise asks for, or when the learner's function
  passed its own inputs on and returned what the reference returned (a renamed reference, such
  as ``cross_entropy_cost`` for ``compute_cost``). A name bound to the reference itself, a class
  derived from it, and a copy of its code (``exec(inspect.getsource(...))``, before the test or
  during it) count too. Test cells themselves may call the reference code as a referee.
- *Verdict.* ``progress.passed`` raises `DelegationError` instead of recording a pass: the test
  cell fails with one sentence, the progress widget does not count it, and the grader (whose
  kernels run the same check, with the exercise map derived from the released source) scores
  the exercise 0 with the same reason.

Limits: code written against this module's internals can get past it, as can a reference
function's code copied by hand and changed; the grader's guard and sandbox stand behind it.
"""
from __future__ import annotations

from .exercises import (BEGIN_HIDDEN, END_HIDDEN, bound, exercise_names, notebook_cells,
                        use_exercises, used, visible)
from .marks import (REFERENCE_MODULES, REFERENCE_PACKAGES, fingerprint, is_reference_module,
                    mark, mark_module, reference_name)
from .watch import DelegationError, Watch, begin, end, install, sentence, verdict

__all__ = ["BEGIN_HIDDEN", "END_HIDDEN", "REFERENCE_MODULES", "REFERENCE_PACKAGES",
           "DelegationError", "Watch", "begin", "bound", "end", "exercise_names", "fingerprint",
           "install", "is_reference_module", "mark", "mark_module", "notebook_cells",
           "reference_name", "sentence", "use_exercises", "used", "verdict", "visible"]
