"""Checking what users pass in and shaping what they get back.

Inputs to differentiate with respect to may be Python floats and ints, numpy
floating scalars, and numpy arrays of a floating or integer dtype; ints become
float64. A Python float input keeps the fast scalar path and gets a Python float
derivative; an array input gets an array of its shape and dtype (a 0-d array
gets a 0-d array).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from histbp.autodiff.tracer import Tracer

__all__ = [
    "as_input",
    "as_output",
    "check_argnum",
    "finalize",
    "normalize_argnum",
    "zeros_like",
]


def check_argnum(argnum: Any) -> None:
    """Raise ``TypeError`` unless ``argnum`` is an int or a non-empty int tuple."""
    nums = argnum if isinstance(argnum, tuple) else (argnum,)
    if not nums:
        raise ValueError("argnum is an empty tuple: name at least one argument")
    for n in nums:
        if isinstance(n, bool) or not isinstance(n, int | np.integer):
            raise TypeError(
                "argnum must be an int or a tuple of ints, got "
                f"{type(n).__name__} {n!r}"
            )


def normalize_argnum(argnum: Any, nargs: int) -> tuple[tuple[int, ...], bool]:
    """Return the argument positions (non-negative) and whether one was asked.

    Raises
    ------
    ValueError
        If a position is out of range for ``nargs`` positional arguments.
    """
    check_argnum(argnum)
    single = not isinstance(argnum, tuple)
    nums = (argnum,) if single else argnum
    for n in nums:
        if not -nargs <= n < nargs:
            raise ValueError(
                f"argnum {n} is out of range: the function was called with "
                f"{nargs} positional argument(s)"
            )
    return tuple(int(n) % nargs for n in nums), single


def as_input(x: Any, where: str) -> Any:
    """Convert an input to a Python float or a float ndarray.

    Raises
    ------
    TypeError
        Naming the type (or dtype), for anything else.
    """
    kind = type(x)
    if kind is float:
        return x
    if kind is int:
        return float(x)
    if isinstance(x, np.ndarray):
        if x.dtype.kind == "f":
            return x
        if x.dtype.kind in "iu":
            return x.astype(np.float64)
        raise TypeError(
            f"histbp cannot differentiate with respect to {where}, a numpy array "
            f"of dtype {x.dtype}: use a float (or integer) array"
        )
    if not isinstance(x, bool | np.bool_):
        if isinstance(x, np.floating):
            return float(x) if x.dtype == np.float64 else np.asarray(x)
        if isinstance(x, float | int | np.integer):
            return float(x)
    hint = ""
    if isinstance(x, list | tuple):
        hint = (
            "; convert a list of numbers with numpy.asarray, or pass several "
            "arrays as separate arguments with argnum=(0, 1, ...)"
        )
    raise TypeError(
        f"histbp can differentiate with respect to floats, ints and numpy float "
        f"arrays, but {where} is of type {type(x).__name__}{hint}"
    )


def as_output(out: Any, who: str) -> Any:
    """Return the plain value of a function's output, checking its type."""
    value = out.value if isinstance(out, Tracer) else out
    if isinstance(value, np.ndarray | float | int | np.number):
        return value
    raise TypeError(
        f"{who} needs the function to return a float or a numpy array, but it "
        f"returned {type(value).__name__}"
    )


def zeros_like(x: Any) -> Any:
    """Zero derivative for an input the output does not depend on."""
    if isinstance(x, np.ndarray):
        return np.zeros(x.shape, dtype=x.dtype if x.dtype.kind == "f" else np.float64)
    return 0.0


def finalize(g: Any, x: Any) -> Any:
    """Shape a cotangent or tangent like the input or output ``x`` it belongs to.

    ``None`` (no dependence) becomes zeros; a Python float ``x`` gets a Python
    float; an array ``x`` gets a fresh writable array of its shape and dtype.
    """
    if g is None:
        return zeros_like(x)
    if type(x) is float or not isinstance(x, np.ndarray):
        return float(g)
    out = np.asarray(g, dtype=x.dtype if x.dtype.kind == "f" else np.float64)
    if out.shape != x.shape:
        out = np.broadcast_to(out, x.shape)
    if not (out.flags.owndata and out.flags.writeable):
        out = out.copy()
    return out
