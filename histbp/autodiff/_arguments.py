"""Checking what users pass in and shaping what they get back.

Inputs to differentiate with respect to may be Python floats, ints and complex
numbers, numpy floating and complex scalars, and numpy arrays of a floating,
complex or integer dtype; ints become float64. A Python float input keeps the
fast scalar path and gets a Python float derivative (a Python complex a Python
complex); an array input gets an array of its shape and dtype (a 0-d array gets
a 0-d array). A traced value passed in means a derivative was asked for inside
a function being differentiated, which raises
:class:`~histbp.autodiff.NestedDifferentiationError`.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from histbp._validation import as_position, check_int_or_int_tuple
from histbp.autodiff._errors import NestedDifferentiationError
from histbp.autodiff._tracer import Tracer, is_complex, lift

__all__ = [
    "as_input",
    "as_output",
    "finalize",
    "lift_output",
    "normalize_argnum",
    "refuse_traced",
    "zeros_like",
]


def normalize_argnum(argnum: Any, nargs: int) -> tuple[tuple[int, ...], bool]:
    """Return the argument positions (non-negative) and whether one was asked.

    Raises
    ------
    TypeError
        If ``argnum`` is not an int or a non-empty tuple of ints.
    ValueError
        If a position is out of range for ``nargs`` positional arguments.
    """
    nums, single = check_int_or_int_tuple(argnum, "argnum")
    called = f"the function was called with {nargs} positional argument(s)"
    return tuple(as_position(n, nargs, "argnum", called) for n in nums), single


def refuse_traced(x: Any, where: str) -> None:
    """Raise :class:`NestedDifferentiationError` if ``x`` is or holds a traced value."""
    if isinstance(x, Tracer) or (
        isinstance(x, np.ndarray)
        and x.dtype.kind == "O"
        and any(isinstance(v, Tracer) for v in x.flat)
    ):
        raise NestedDifferentiationError(
            f"{where} is a traced value: a derivative was asked for inside a "
            "function that is being differentiated, and higher-order (nested) "
            "derivatives are not supported"
        )


def as_input(x: Any, where: str) -> Any:
    """Convert an input to a Python float or complex, or a float or complex ndarray.

    Raises
    ------
    NestedDifferentiationError
        If ``x`` is a traced value (a derivative inside a derivative).
    TypeError
        Naming the type (or dtype), for anything else.
    """
    kind = type(x)
    if kind is float or kind is complex:
        return x
    if kind is int:
        return float(x)
    refuse_traced(x, where)
    if isinstance(x, np.ndarray):
        if x.dtype.kind in "fc":
            return x
        if x.dtype.kind in "iu":
            return x.astype(np.float64)
        raise TypeError(
            f"histbp cannot differentiate with respect to {where}, a numpy array "
            f"of dtype {x.dtype}: use a float, complex (or integer) array"
        )
    if not isinstance(x, bool | np.bool_):
        if isinstance(x, np.floating):
            return float(x) if x.dtype == np.float64 else np.asarray(x)
        if isinstance(x, np.complexfloating):
            return complex(x) if x.dtype == np.complex128 else np.asarray(x)
        if isinstance(x, float | int | np.integer):
            return float(x)
    hint = ""
    if isinstance(x, list | tuple):
        hint = (
            "; convert a list of numbers with numpy.asarray, or pass several "
            "arrays as separate arguments with argnum=(0, 1, ...)"
        )
    raise TypeError(
        f"histbp can differentiate with respect to floats, ints, complex numbers "
        f"and numpy float or complex arrays, but {where} is of type "
        f"{type(x).__name__}{hint}"
    )


def as_output(out: Any, who: str) -> Any:
    """Return the plain value of a function's output, checking its type.

    ``out`` has been through :func:`lift_output`.
    """
    value = out.value if isinstance(out, Tracer) else out
    if isinstance(value, np.ndarray | float | int | complex | np.number):
        return value
    raise TypeError(
        f"{who} needs the function to return a float or a numpy array, but it "
        f"returned {type(value).__name__}"
    )


def lift_output(out: Any) -> Any:
    """A function's output, with an object array of traced values joined into one.

    ``return np.array([x, y])`` of traced ``x``, ``y`` returns an object array
    (see :func:`~histbp.autodiff._tracer.lift`).
    """
    if type(out) is np.ndarray and out.dtype.kind == "O":
        return lift(out)
    return out


def _float_dtype(x: np.ndarray) -> np.dtype:
    return x.dtype if x.dtype.kind in "fc" else np.dtype(np.float64)


def zeros_like(x: Any) -> Any:
    """Zero derivative for an input the output does not depend on."""
    if isinstance(x, np.ndarray):
        return np.zeros(x.shape, dtype=_float_dtype(x))
    return 0j if type(x) is complex else 0.0


def where_of(x: Any) -> str:
    """A short description of a value for error messages."""
    return f"of shape {np.shape(x)}" if isinstance(x, np.ndarray) else "(a number)"


def finalize(g: Any, x: Any) -> Any:
    """Shape a cotangent or tangent like the input or output ``x`` it belongs to.

    ``None`` (no dependence) becomes zeros; a Python float ``x`` gets a Python
    float (a Python complex a Python complex); an array ``x`` gets a fresh
    writable array of its shape and dtype. A complex ``g`` for a real ``x``
    would lose its imaginary part: that never happens when every rule holds,
    and raises ``RuntimeError`` rather than give a wrong number.
    """
    if g is None:
        return zeros_like(x)
    if is_complex(g) and not is_complex(x):
        raise RuntimeError(
            "histbp internal error: a complex derivative reached the real value "
            f"{where_of(x)}; please report it"
        )
    if not isinstance(x, np.ndarray):
        return complex(g) if type(x) is complex else float(g)
    out = np.asarray(g, dtype=_float_dtype(x))
    if out.shape != x.shape:
        out = np.broadcast_to(out, x.shape)
    if not (out.flags.owndata and out.flags.writeable):
        out = out.copy()
    return out
