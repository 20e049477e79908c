"""course.integrity.marks: marked reference code behaves, reads and introspects as before."""
import inspect
import sys
import types

import numpy as np

from course import integrity


def test_marked_reference_code_behaves_reads_and_introspects_as_before():
    integrity.mark()
    from course import layers
    from course.nn import dense

    assert layers.linear_forward is dense.linear_forward
    Z, cache = dense.linear_forward(np.ones((2, 3)), np.ones((4, 2)), np.zeros((4, 1)))
    assert Z.shape == (4, 3) and len(cache) == 3
    assert "scale" in inspect.signature(dense.init_params).parameters
    assert inspect.getsource(dense.linear_forward).startswith("def linear_forward(A_prev, W, b):")
    assert integrity.reference_name(dense.linear_forward) == "linear_forward"
    assert integrity.reference_name(np.sum) is None
    assert "__wrapped__" not in vars(dense.linear_forward)   # no way around the mark


def test_functions_decorated_by_another_module_are_marked_through_what_they_wrap():
    """A wrapper made elsewhere (``@torch.no_grad()``) runs in the decorator's module: the
    function it wraps is marked, the wrapper still works and names the reference it stands for."""
    decorators = types.ModuleType("decorators_elsewhere")
    exec("import functools\n"
         "def twice(f):\n"
         "    @functools.wraps(f)\n"
         "    def wrapper(*args, **kwargs):\n"
         "        return 2 * f(*args, **kwargs)\n"
         "    return wrapper\n", vars(decorators))
    module = types.ModuleType("course.nn._decorated_for_test")
    module.__file__ = __file__
    vars(module)["twice"] = decorators.twice
    exec("@twice\ndef doubled_sum(a, b):\n    return a + b\n", vars(module))
    sys.modules[module.__name__] = module
    inner_code = module.doubled_sum.__wrapped__.__code__
    try:
        integrity.marks.mark_module(module)
        assert module.doubled_sum(1, 2) == 6
        assert integrity.reference_name(module.doubled_sum) == "doubled_sum"
        assert integrity.reference_name(module.doubled_sum.__wrapped__) == "doubled_sum"
        assert module.doubled_sum.__wrapped__.__code__ is not inner_code     # the trampoline
        assert decorators.twice(lambda: 1)() == 2                 # the decorator's module untouched
    finally:
        del sys.modules[module.__name__]
