"""course.integrity.marks: marked reference code behaves, reads and introspects as before."""
import inspect

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
