"""Division, power and logarithm with numpy semantics that keep Python floats fast.

The engine keeps traced scalars as Python floats, whose arithmetic is several
times faster than numpy's 0-d arrays. Addition, subtraction and multiplication of
floats agree with numpy (``inf``/``nan`` propagate), but Python raises where numpy
returns ``inf`` or ``nan``: ``1.0 / 0.0``, ``0.0 ** -1.0``, ``10.0 ** 400`` and
``(-8.0) ** 0.5`` (which Python even turns complex). These helpers do the fast
Python operation and fall back to numpy, with its warnings, in those cases; on
arrays they are the plain numpy operation.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

__all__ = ["div", "log_or_zero", "pow_"]


def div(a: Any, b: Any) -> Any:
    """Return ``a / b``, giving ``inf``/``nan`` like numpy on division by zero."""
    try:
        return a / b
    except ZeroDivisionError:
        return _number(np.divide(a, b))


def pow_(a: Any, b: Any) -> Any:
    """Return ``a ** b`` with numpy's semantics (real for real operands)."""
    try:
        out = a**b
    except (ZeroDivisionError, OverflowError):
        return _number(np.power(a, b))
    if type(out) is complex and type(a) is not complex and type(b) is not complex:
        return float(np.power(float(a), float(b)))
    return out


def _number(x: Any) -> Any:
    """A numpy scalar as a Python float or complex."""
    return complex(x) if np.iscomplexobj(x) else float(x)


def log_or_zero(x: Any) -> Any:
    """Return ``log(x)``, with 0 where ``x == 0``.

    This is the factor ``log(x)`` in the derivative of ``x ** y`` with respect
    to ``y``; at ``x == 0`` the term it multiplies, ``x ** y``, vanishes for
    ``y > 0``, and 0 is the value that makes ``0 ** y`` behave as a constant.
    """
    if type(x) is float:
        if x > 0.0:
            return math.log(x)
        if x == 0.0:
            return 0.0
        return float(np.log(x))
    x = np.asarray(x)
    return np.log(np.where(x == 0.0, 1.0, x))
