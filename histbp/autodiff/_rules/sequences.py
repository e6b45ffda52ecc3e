"""Rules for primitives that join a sequence of arrays: stack and concatenate.

``numpy.stack``, ``numpy.concatenate``, ``numpy.vstack`` and ``numpy.hstack`` take
a list or tuple of arrays, any of which may be traced and the others plain, e.g.
``np.stack([1.0 - a, b])`` for traced scalars ``a``, ``b``, or
``np.concatenate([x, np.zeros(3)])``. They copy entries without changing them,
so the VJP cuts the output's cotangent back into one piece per array (views,
no copies) and the JVP joins the tangents the same way, with zeros for the
arrays that are not traced. ``axis`` may be negative; ``numpy.concatenate``
also accepts ``axis=None`` (flatten, then join).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from histbp.autodiff._registry import defsequence

__all__: list[str] = []


def _tangents(tangents: list[Any], arrays: list[Any]) -> list[Any]:
    """The tangents, with zeros of the array's shape for a constant array."""
    return [
        np.zeros(np.shape(a), dtype=np.result_type(a, 0.0)) if t is None else t
        for t, a in zip(tangents, arrays, strict=True)
    ]


def _like(g: Any, a: Any) -> Any:
    """Cotangent piece ``g`` shaped as the array ``a`` (a float for a float)."""
    if type(a) is float:
        return float(g) if np.ndim(g) == 0 else float(g.item())
    shape = np.shape(a)
    return g if np.shape(g) == shape else np.reshape(g, shape)


def _cut(g: Any, axis: int, sizes: list[int], arrays: list[Any]) -> list[Any]:
    """Slice ``g`` along ``axis`` into consecutive pieces of ``sizes``."""
    head = (slice(None),) * axis
    out = []
    start = 0
    for size, a in zip(sizes, arrays, strict=True):
        out.append(_like(g[(*head, slice(start, start + size))], a))
        start += size
    return out


def _stack_vjp(g, ans, arrays, axis=0):
    head = (slice(None),) * (axis % np.ndim(ans))
    return [_like(g[(*head, i)], a) for i, a in enumerate(arrays)]


def _stack_jvp(tangents, ans, arrays, axis=0):
    return np.stack(_tangents(tangents, arrays), axis=axis)


def _concatenate_vjp(g, ans, arrays, axis=0):
    if axis is None:
        return _cut(np.ravel(g), 0, [np.size(a) for a in arrays], arrays)
    axis %= np.ndim(ans)
    return _cut(g, axis, [np.shape(a)[axis] for a in arrays], arrays)


def _concatenate_jvp(tangents, ans, arrays, axis=0):
    return np.concatenate(_tangents(tangents, arrays), axis=axis)


def _vstack_vjp(g, ans, arrays):
    shapes = [np.shape(a) for a in arrays]  # atleast_2d makes () and (n,) one row
    return _cut(g, 0, [s[0] if len(s) > 1 else 1 for s in shapes], arrays)


def _vstack_jvp(tangents, ans, arrays):
    return np.vstack(_tangents(tangents, arrays))


def _hstack_vjp(g, ans, arrays):
    shapes = [np.shape(a) or (1,) for a in arrays]  # as numpy.atleast_1d
    axis = 0 if len(shapes[0]) == 1 else 1  # numpy's rule, from the first array
    return _cut(g, axis, [shape[axis] for shape in shapes], arrays)


def _hstack_jvp(tangents, ans, arrays):
    return np.hstack(_tangents(tangents, arrays))


defsequence(
    np.stack, _stack_vjp, _stack_jvp, positional=("axis", "out"), kwargs=("axis",)
)
defsequence(
    np.concatenate,
    _concatenate_vjp,
    _concatenate_jvp,
    positional=("axis", "out"),
    kwargs=("axis",),
)
defsequence(np.vstack, _vstack_vjp, _vstack_jvp)
defsequence(np.hstack, _hstack_vjp, _hstack_jvp)


def _column_stack_vjp(g, ans, arrays):
    shapes = [np.shape(a) for a in arrays]  # () and (n,) become one column
    return _cut(g, 1, [s[1] if len(s) == 2 else 1 for s in shapes], arrays)


def _column_stack_jvp(tangents, ans, arrays):
    return np.column_stack(_tangents(tangents, arrays))


defsequence(np.column_stack, _column_stack_vjp, _column_stack_jvp)
