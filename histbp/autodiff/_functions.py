"""Differentiable functions that numpy lacks: the logistic sigmoid."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from histbp.autodiff._registry import defprimitive
from histbp.autodiff._tracer import Tracer

__all__ = ["sigmoid"]


def _sigmoid_values(x: Any) -> Any:
    """Logistic sigmoid of plain values, computed without overflow."""
    if type(x) is float or type(x) is int:
        if x >= 0:
            return 1.0 / (1.0 + math.exp(-x))
        e = math.exp(x)
        return e / (1.0 + e)
    x = np.asarray(x, dtype=np.result_type(x, 1.0))
    e = np.exp(-np.abs(x))  # exp(-|x|) <= 1 never overflows
    out = np.where(x >= 0, 1.0, e) / (1.0 + e)
    return out[()] if out.ndim == 0 else out


def sigmoid(x: Any) -> Any:
    """Logistic sigmoid ``1 / (1 + exp(-x))``, elementwise.

    Works on plain values (floats, ints, arrays) and on traced values inside
    :func:`~histbp.autodiff.grad` and friends, where its derivative is
    ``sigmoid(x) * (1 - sigmoid(x))``. Large ``|x|`` neither overflows nor warns.

    Parameters
    ----------
    x
        A number, an array, or a traced value.

    Returns
    -------
    Any
        A float for a Python float or int, else an array (traced when ``x`` is).
    """
    if isinstance(x, Tracer):
        return x._apply(_SIGMOID, (x,), {})
    return _sigmoid_values(x)


def _sigmoid_rule(g: Any, ans: Any, x: Any) -> Any:
    """``g * ans * (1 - ans)``, the derivative being ``sigmoid (1 - sigmoid)``."""
    if type(ans) is np.ndarray and ans.shape == np.shape(g):  # one buffer
        d = np.subtract(1.0, ans)
        d *= ans
        return np.multiply(g, d, out=d)
    return g * (ans * (1.0 - ans))


_SIGMOID = defprimitive(
    sigmoid,
    (_sigmoid_rule,),
    (_sigmoid_rule,),
    impl=_sigmoid_values,
    name="histbp.autodiff.sigmoid",
)
