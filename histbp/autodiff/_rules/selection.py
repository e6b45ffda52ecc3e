"""Rules for operations that pick entries: take, sort, select, split.

Also ``take_along_axis`` and ``partition``; ``select`` and ``split`` are
composites.

``take`` and ``take_along_axis`` gather entries by index: their VJP scatters the
cotangent back, adding where an index repeats (``numpy.add.at``). ``sort`` and
``partition`` permute entries along an axis: their derivative moves each entry's
derivative with it. The permutation is recovered from the input and the output
(matching the two sorted orders), so it is the one numpy applied whatever its
algorithm; where entries tie, the output is the same whichever tied entry is
taken, and so is the derivative in any direction that keeps them tied.

``numpy.select`` and the ``split`` family are *composites*: on traced values
they run as ``numpy.where`` (select) and as one slice per piece (split), and
those operations' rules give the derivatives.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from histbp.autodiff._registry import defcomposite, defprimitive, unsupported
from histbp.autodiff._rules.shapes import _same_op, _shaped
from histbp.autodiff._tracer import Tracer, raw

__all__: list[str] = []


# -- take and take_along_axis ----------------------------------------------------------


def _take_indices(indices: Any, n: int, mode: str) -> Any:
    """The indices ``take`` really reads for ``mode`` ("raise", "wrap", "clip")."""
    if mode == "wrap":
        return np.mod(indices, n)
    if mode == "clip":
        return np.clip(indices, 0, n - 1)
    return indices


def _take_vjp(g, ans, a, indices, axis=None, out=None, mode="raise"):
    x = np.ravel(a) if axis is None else np.asarray(a)
    ax = 0 if axis is None else axis % x.ndim
    out_ = np.zeros(x.shape, dtype=np.result_type(g, 0.0))
    where = (slice(None),) * ax + (_take_indices(indices, x.shape[ax], mode),)
    np.add.at(out_, where, g)
    return _shaped(out_, a)


def _take_jvp(t, ans, a, indices, axis=None, out=None, mode="raise"):
    return np.take(t, indices, axis, mode=mode)


defprimitive(np.take, (_take_vjp,), (_take_jvp,), kwargs=("indices", "axis", "mode"))


def _along_axis_index(shape: tuple[int, ...], indices: Any, axis: int) -> tuple:
    """The fancy index into an array of ``shape`` that ``take_along_axis`` reads.

    ``indices`` has the output's shape; along the other axes the output's
    position is read, or 0 where the array has length 1 (it was broadcast).
    """
    index: list[Any] = []
    ndim = len(shape)
    for d in range(ndim):
        if d == axis:
            index.append(indices)
        else:
            positions = np.shape(indices)[d] if shape[d] != 1 else 1
            along = [1] * ndim
            along[d] = positions
            index.append(np.arange(positions).reshape(along))
    return tuple(index)


def _take_along_axis_vjp(g, ans, arr, indices, axis=-1):
    x = np.ravel(arr) if axis is None else np.asarray(arr)
    ax = 0 if axis is None else axis % x.ndim
    out = np.zeros(x.shape, dtype=np.result_type(g, 0.0))
    idx = np.broadcast_to(indices, np.shape(g))
    np.add.at(out, _along_axis_index(x.shape, idx, ax), g)
    return _shaped(out, arr)


defprimitive(
    np.take_along_axis,
    (_take_along_axis_vjp,),
    (_same_op(np.take_along_axis),),
    kwargs=("indices", "axis"),
)


# -- sort and partition ----------------------------------------------------------------


def _sources(x: Any, ans: Any, axis: Any) -> tuple[np.ndarray, int]:
    """The permutation ``p`` along ``axis`` with ``take_along_axis(x, p) == ans``.

    ``ans`` is a rearrangement of ``x`` along ``axis``: sorting both (stably)
    lines their entries up, entry ``r`` of ``ans``'s order coming from entry
    ``r`` of ``x``'s order. Returns the permutation and the axis (0 for the
    flattened array when ``axis`` is None).
    """
    if axis is None:
        x, axis = np.ravel(x), 0
    x = np.asarray(x)
    axis %= x.ndim
    order_x = np.argsort(x, axis=axis, kind="stable")
    order_ans = np.argsort(ans, axis=axis, kind="stable")
    perm = np.empty_like(order_x)
    np.put_along_axis(perm, order_ans, order_x, axis)
    return perm, axis


def _permuted_vjp(g: Any, ans: Any, a: Any, axis: Any) -> Any:
    perm, ax = _sources(a, ans, axis)
    out = np.zeros(perm.shape, dtype=np.result_type(g, 0.0))
    np.put_along_axis(out, perm, g, ax)
    return _shaped(out, a)


def _permuted_jvp(t: Any, ans: Any, a: Any, axis: Any) -> Any:
    perm, ax = _sources(a, ans, axis)
    return np.take_along_axis(np.ravel(t) if axis is None else t, perm, ax)


def _no_order(name: str, order: Any) -> None:
    if order is not None:
        raise unsupported(name, "order= (sorting structured arrays by field)")


def _sort(a, axis=-1, kind=None, order=None, **kwargs):
    _no_order("numpy.sort", order)
    return np.sort(a, axis, kind, **kwargs)


def _partition(a, kth, axis=-1, kind="introselect", order=None):
    _no_order("numpy.partition", order)
    return np.partition(a, kth, axis, kind)


defprimitive(
    np.sort,
    (lambda g, ans, a, axis=-1, *args, **kwargs: _permuted_vjp(g, ans, a, axis),),
    (lambda t, ans, a, axis=-1, *args, **kwargs: _permuted_jvp(t, ans, a, axis),),
    impl=_sort,
    kwargs=("axis", "kind", "order", "stable"),
)
defprimitive(
    np.partition,
    (lambda g, ans, a, kth, axis=-1, *args, **kw: _permuted_vjp(g, ans, a, axis),),
    (lambda t, ans, a, kth, axis=-1, *args, **kw: _permuted_jvp(t, ans, a, axis),),
    impl=_partition,
    kwargs=("kth", "axis", "kind", "order"),
)


# -- composites: select, and split and its family --------------------------------------


def _select(condlist: Any, choicelist: Any, default: Any = 0) -> Any:
    """``numpy.select`` as ``numpy.where``: the first condition that holds wins."""
    if len(condlist) != len(choicelist):
        raise ValueError("list of cases must be same length as list of conditions")
    result = default
    for condition, choice in reversed(list(zip(condlist, choicelist, strict=True))):
        if isinstance(condition, Tracer) or np.asarray(condition).dtype != bool:
            raise TypeError("numpy.select: each condition must be a boolean array")
        result = np.where(condition, choice, result)
    return result


defcomposite(np.select, _select)


def _split_axis(func: Any, ndim: int, args: tuple, kwargs: dict) -> int:
    """The axis along which ``func`` (split, array_split, h/v/dsplit) cuts."""
    if func is np.hsplit:
        return 1 if ndim > 1 else 0
    if func is np.vsplit:
        return 0
    if func is np.dsplit:
        return 2
    axis = args[0] if args else kwargs.get("axis", 0)
    return int(axis) % max(ndim, 1)


def _splitter(func: Any) -> Any:
    def expand(ary: Any, indices_or_sections: Any, *args: Any, **kwargs: Any) -> list:
        shape = np.shape(raw(ary))
        # Numpy cuts an array of this shape (a view of one byte): the sizes, and
        # numpy's own errors for bad arguments.
        pieces = func(
            np.broadcast_to(np.False_, shape), indices_or_sections, *args, **kwargs
        )
        axis = _split_axis(func, len(shape), args, kwargs)
        head = (slice(None),) * axis
        out, start = [], 0
        for piece in pieces:
            size = piece.shape[axis]
            out.append(ary[(*head, slice(start, start + size))])
            start += size
        return out

    return expand


for _func in (np.split, np.array_split, np.hsplit, np.vsplit, np.dsplit):
    defcomposite(_func, _splitter(_func))
