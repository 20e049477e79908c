"""What test cells use: shape, dtype and value checks whose messages name the mistake, a
relative error, and a numeric gradient to check backward passes against.

Every check raises ``AssertionError`` with a sentence a learner can act on. Tests compare a
learner's result against a trusted reference (a numeric gradient, torch autograd, or values
written down in the test), never against a copy of the solution.
"""
from __future__ import annotations

import numpy as np


def rel_error(x, y, eps: float = 1e-12) -> float:
    """Largest elementwise relative error ``|x - y| / max(|x| + |y|, eps)`` (CS231n's)."""
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    if x.shape != y.shape:
        raise ValueError(f"rel_error needs equal shapes, got {x.shape} and {y.shape}")
    if x.size == 0:
        return 0.0
    with np.errstate(invalid="ignore", over="ignore"):
        errors = np.abs(x - y) / np.maximum(eps, np.abs(x) + np.abs(y))
    # inf or nan on one side only: infinitely wrong (not nan); the same infinity on both: exact.
    finite = np.isfinite(x) & np.isfinite(y)
    errors = np.where(finite, errors, np.where(x == y, 0.0, np.inf))
    return float(np.max(errors))


def _shape_of(value):
    return tuple(np.shape(value))


def check_type(name: str, value, expected) -> None:
    """``value`` is an instance of ``expected`` (a type or a tuple of types)."""
    if value is None:
        raise AssertionError(f"`{name}` is None: did the function forget to `return` it?")
    if not isinstance(value, expected):
        want = " or ".join(t.__name__ for t in np.atleast_1d(expected)) if isinstance(
            expected, tuple) else expected.__name__
        raise AssertionError(f"`{name}` should be a {want}, got {type(value).__name__}.")


def check_shape(name: str, value, shape) -> None:
    """``value`` has exactly ``shape``; say which axis is off when it does not."""
    if value is None:
        raise AssertionError(f"`{name}` is None: did the function forget to `return` it?")
    got = _shape_of(value)
    shape = tuple(shape)
    if got == shape:
        return
    if len(got) == len(shape) == 1:  # a list or vector: its length is what is off
        raise AssertionError(f"`{name}` should have {shape[0]} entries, got {got[0]}.")
    hint = ""
    if sorted(got) == sorted(shape) and got != shape:
        hint = " The same sizes in another order: is it transposed, or reshaped along the wrong axis?"
    elif len(got) + 1 == len(shape) and any(
            got == shape[:k] + (shape[k] * shape[k + 1],) + shape[k + 2:] for k in range(len(shape) - 1)):
        if 1 in shape:
            hint = (" One axis is missing: keep it with `keepdims=True` (NumPy) or `keepdim=True` (torch), "
                    "squeeze only the axis you mean, or reshape to the full shape.")
        else:
            hint = (" Two axes are merged into one: stack the pieces on a new axis (`np.stack`, "
                    "`torch.stack`) rather than concatenating them, or reshape to the full shape.")
    elif len(got) + 1 == len(shape) and np.prod(got) == np.prod(shape):
        hint = (" One axis is missing: keep it with `keepdims=True` (NumPy) or `keepdim=True` (torch), "
                "squeeze only the axis you mean, or reshape to the full shape.")
    elif np.prod(got) != np.prod(shape) and len(got) == len(shape):
        hint = " Check which axis you summed or broadcast over."
    raise AssertionError(f"`{name}` should have shape {shape}, got {got}.{hint}")


def check_dtype(name: str, value, kind: str = "f") -> None:
    """``value``'s dtype is of ``kind`` (numpy kind letters: 'f' float, 'i' int, 'b' bool)."""
    dtype = np.asarray(value).dtype
    names = {"f": "floating point", "i": "integer", "u": "unsigned integer", "b": "boolean"}
    if dtype.kind not in kind:
        raise AssertionError(
            f"`{name}` should hold {' or '.join(names.get(k, k) for k in kind)} numbers, "
            f"got dtype {dtype}.")


def check_close(name: str, value, expected, *, rtol: float = 1e-6, atol: float = 1e-8,
                hint: str = "", mistakes: dict | None = None) -> None:
    """``value`` has ``expected``'s shape and equals it to tolerance; name the first mismatch.

    ``mistakes`` maps a message to the value a known mistake produces (the sign flipped, the
    wrong axis summed): when ``value`` matches one, that message is the one the learner sees.
    """
    expected = np.asarray(expected, dtype=float)
    check_shape(name, value, expected.shape)
    value = np.asarray(value, dtype=float)
    if not np.allclose(value, expected, rtol=rtol, atol=atol, equal_nan=True):
        for message, wrong in (mistakes or {}).items():
            wrong = np.asarray(wrong, dtype=float)
            if wrong.shape == value.shape and np.allclose(value, wrong, rtol=rtol, atol=atol):
                raise AssertionError(f"`{name}` is wrong: {message}")
    if np.isnan(value).any() and not np.isnan(expected).any():
        raise AssertionError(f"`{name}` contains NaN. {hint}".strip())
    bad = ~np.isclose(value, expected, rtol=rtol, atol=atol, equal_nan=True)
    if not bad.any():
        return
    where = tuple(int(i) for i in np.argwhere(bad)[0])
    at = f" at index {where}" if where else ""
    want, got = _distinct(expected[where], value[where])
    raise AssertionError(
        f"`{name}` is wrong{at}: expected {want}, got {got}, relative error "
        f"{rel_error(value[where], expected[where]):.1e} ({int(bad.sum())} of {bad.size} values "
        f"differ). {hint}".rstrip())


def _distinct(a: float, b: float) -> tuple[str, str]:
    """``a`` and ``b`` with as few significant digits (at least 6) as tell them apart."""
    for digits in range(6, 18):
        sa, sb = f"{a:.{digits}g}", f"{b:.{digits}g}"
        if sa != sb:
            return sa, sb
    return repr(float(a)), repr(float(b))


def check_scalar(name: str, value, expected: float, *, rtol: float = 1e-6, atol: float = 1e-8,
                 hint: str = "", mistakes: dict | None = None) -> None:
    """``value`` is a plain number (not an array) close to ``expected``."""
    if value is None:
        raise AssertionError(f"`{name}` is None: did the function forget to `return` it?")
    if np.ndim(value) != 0:
        if np.size(value) == 1:
            raise AssertionError(
                f"`{name}` should be a single number, got an array of shape {np.shape(value)} "
                "holding one: turn it into a number with float(...).")
        raise AssertionError(
            f"`{name}` should be a single number, got an array of shape {np.shape(value)}. "
            "Did you forget to sum or average?")
    check_close(name, value, expected, rtol=rtol, atol=atol, hint=hint, mistakes=mistakes)


def check_unchanged(name: str, before, after) -> None:
    """An input array was not modified in place."""
    before, after = np.asarray(before), np.asarray(after)
    if np.array_equal(before, after):
        return
    if before.shape == after.shape and np.issubdtype(before.dtype, np.floating) and np.allclose(
            after, before, rtol=1e-12, atol=0.0):
        raise AssertionError(
            f"`{name}` comes back off by rounding: a value changed in place and then undone by "
            "arithmetic (+h, then -h) is not always the same number. Save it first "
            "(`old = x[i]`) and put it back (`x[i] = old`), or work on a copy.")
    raise AssertionError(
        f"`{name}` was modified in place; work on a copy so the caller's data stays as it was.")


def numeric_gradient(f, x: np.ndarray, h: float = 1e-5) -> np.ndarray:
    """Centred-difference gradient of the scalar function ``f`` at ``x`` (float64 array).

    ``f`` is called with ``x`` itself, perturbed in place one entry at a time and restored.
    """
    x = np.asarray(x)
    if x.dtype != np.float64:
        raise TypeError(f"numeric_gradient needs a float64 array, got {x.dtype}")
    grad = np.zeros_like(x)
    it = np.nditer(x, flags=["multi_index"], op_flags=["readwrite"])
    for _ in it:
        i = it.multi_index
        old = x[i]
        x[i] = old + h
        plus = float(f(x))
        x[i] = old - h
        minus = float(f(x))
        x[i] = old
        grad[i] = (plus - minus) / (2 * h)
    return grad


def numeric_gradient_array(f, x: np.ndarray, df: np.ndarray, h: float = 1e-5) -> np.ndarray:
    """Gradient of ``sum(f(x) * df)`` at ``x``: checks a backward pass given upstream ``df``."""
    return numeric_gradient(lambda z: np.sum(f(z) * df), x, h)


def check_gradient(name: str, grad, reference, *, tol: float = 1e-7, hint: str = "",
                   reference_name: str = "the numeric gradient") -> None:
    """A gradient matches a trusted ``reference`` (a numeric gradient, autograd, a backward
    pass: ``reference_name`` says which, for the message) to relative error ``tol``."""
    check_shape(name, grad, np.shape(reference))
    err = rel_error(grad, reference)
    if not err < tol:  # catches NaN too
        raise AssertionError(
            f"`{name}` does not match {reference_name}: relative error {err:.2e} "
            f"(should be below {tol:.0e}). {hint}".rstrip())


def check_costs(name: str, costs, expected, *, rtol: float = 1e-6, atol: float = 1e-9) -> None:
    """A training loop's recorded costs (one per epoch) match a reference run; the usual loop
    mistakes (recording after the update, no update, a step uphill, another start) are named."""
    if costs is None:
        raise AssertionError(f"`{name}` is None: did the function forget to `return` it?")
    try:
        costs = np.asarray(costs, dtype=float).ravel()
    except (TypeError, ValueError):
        raise AssertionError(f"`{name}` should be a list of numbers (one cost per epoch).") from None
    expected = np.asarray(expected, dtype=float).ravel()
    if len(costs) != len(expected):
        raise AssertionError(f"`{name}` should hold {len(expected)} costs, one per epoch, got {len(costs)}.")
    close = np.isclose(costs, expected, rtol=rtol, atol=atol)
    if close.all():
        return
    if len(costs) > 1 and np.allclose(costs[:-1], expected[1:], rtol=rtol, atol=atol):
        raise AssertionError(f"`{name}` is one epoch late: record the cost of each forward pass "
                             "before the parameters are updated.")
    if not close[0]:
        got, want = _distinct(costs[0], expected[0])
        raise AssertionError(f"`{name}` starts at {got}, expected {want}: start from "
                             "the initial parameters asked for (the same init function and seed).")
    if len(costs) > 1 and np.allclose(costs, costs[0], rtol=rtol, atol=atol):
        raise AssertionError(f"`{name}` never changes: update the parameters every epoch.")
    if len(costs) > 1 and costs[-1] > costs[0] > expected[-1]:
        raise AssertionError(f"`{name}` rises: step against the gradient, params - lr * grads.")
    i = int(np.argmin(close))
    want, got = _distinct(expected[i], costs[i])
    raise AssertionError(f"`{name}` follows the reference for {i} epoch(s), then drifts: at epoch {i} "
                         f"expected {want}, got {got}. Check the backward pass and "
                         "the update (which gradients go with which parameters, and lr).")
