"""Rules for shape and indexing primitives, and ``numpy.where``.

These operations move entries without changing them, so their JVP is the same
operation applied to the tangent, and their VJP moves the cotangent back:
``reshape`` reshapes it to the operand's shape, ``transpose`` applies the
inverse permutation, and indexing scatters it into zeros. For integer-array
indices that repeat an entry, the scatter accumulates (``numpy.add.at``).
"""

from __future__ import annotations

import operator
from typing import Any

import numpy as np

from histbp.autodiff._registry import defprimitive

__all__: list[str] = []

_BASIC = (int, np.integer, slice, type(None), type(Ellipsis))


def _same_op(func):
    """JVP rule of a linear structural op: apply it to the tangent."""
    return lambda t, ans, x, *args, **kwargs: func(t, *args, **kwargs)


def _order(args: tuple[Any, ...], kwargs: dict, position: int) -> str:
    """The ``order`` argument (``'C'`` unless ``'F'`` was asked for)."""
    order = args[position] if len(args) > position else kwargs.get("order", "C")
    return "F" if order == "F" else "C"


def _reshape_vjp(g, ans, x, *args, **kwargs):
    return np.reshape(g, np.shape(x), order=_order(args, kwargs, 1))


def _ravel_vjp(g, ans, x, *args, **kwargs):
    return np.reshape(g, np.shape(x), order=_order(args, kwargs, 0))


def _back_to_shape(g, ans, x, *args, **kwargs):
    return np.reshape(g, np.shape(x))


def _transpose_vjp(g, ans, x, axes=None):
    if axes is None:
        return np.transpose(g)
    ndim = np.ndim(x)
    return np.transpose(g, np.argsort([a % ndim for a in axes]))


def _swapaxes_vjp(g, ans, x, axis1, axis2):
    return np.swapaxes(g, axis1, axis2)


def _moveaxis_vjp(g, ans, x, source, destination):
    return np.moveaxis(g, destination, source)


def _no_repeats(index: Any) -> bool:
    """Whether ``x[index]`` picks every entry of ``x`` at most once."""
    if isinstance(index, tuple):
        return all(isinstance(i, _BASIC) for i in index)
    if isinstance(index, np.ndarray) and index.dtype == bool:
        return True
    return isinstance(index, _BASIC)


def _getitem_vjp(g, ans, x, index):
    out = np.zeros(np.shape(x), dtype=np.result_type(g, 0.0))
    if _no_repeats(index):
        out[index] = g
    else:
        np.add.at(out, index, g)
    return out


def _where_x(g, ans, condition, x, y):
    return np.where(condition, g, 0.0)


def _where_y(g, ans, condition, x, y):
    return np.where(condition, 0.0, g)


defprimitive(
    np.reshape,
    (_reshape_vjp,),
    (_same_op(np.reshape),),
    kwargs=("shape", "newshape", "order"),
)
defprimitive(np.ravel, (_ravel_vjp,), (_same_op(np.ravel),), kwargs=("order",))
defprimitive(np.squeeze, (_back_to_shape,), (_same_op(np.squeeze),), kwargs=("axis",))
defprimitive(
    np.expand_dims, (_back_to_shape,), (_same_op(np.expand_dims),), kwargs=("axis",)
)
defprimitive(
    np.transpose, (_transpose_vjp,), (_same_op(np.transpose),), kwargs=("axes",)
)
defprimitive(
    np.swapaxes,
    (_swapaxes_vjp,),
    (_same_op(np.swapaxes),),
    kwargs=("axis1", "axis2"),
)
defprimitive(
    np.moveaxis,
    (_moveaxis_vjp,),
    (_same_op(np.moveaxis),),
    kwargs=("source", "destination"),
)
defprimitive(np.copy, (lambda g, ans, x: g,), (lambda t, ans, x: t,))
defprimitive(
    operator.getitem,
    (_getitem_vjp,),
    (_same_op(operator.getitem),),
    name="indexing (x[...])",
)
defprimitive(
    np.where, (None, _where_x, _where_y), (None, _where_x, _where_y), broadcasting=True
)
