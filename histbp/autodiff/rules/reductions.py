"""Rules for reductions: ``sum``, ``mean``, ``max`` and ``min`` over axes.

The adjoint of a reduction spreads the output's cotangent back over the reduced
axes: evenly for ``sum`` (and divided by the count for ``mean``), and onto the
entries attaining the extremum for ``max``/``min``, split equally among ties.
``axis`` may be ``None``, an int or a tuple of ints, ``keepdims`` either value.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from histbp.autodiff.floatops import div
from histbp.autodiff.registry import defprimitive

__all__: list[str] = []

_KWARGS = ("axis", "keepdims", "dtype")


def _axes(axis: Any, ndim: int) -> tuple[int, ...]:
    """Normalise ``axis`` (None, int or tuple) to a tuple of non-negative axes."""
    if axis is None:
        return tuple(range(ndim))
    if isinstance(axis, int | np.integer):
        axis = (axis,)
    return tuple(int(a) % ndim if ndim else 0 for a in axis)


def _kept(shape: tuple[int, ...], axis: Any) -> tuple[int, ...]:
    """Shape of a reduction of ``shape`` over ``axis`` with ``keepdims=True``."""
    axes = _axes(axis, len(shape))
    return tuple(1 if i in axes else n for i, n in enumerate(shape))


def _reshape(a: Any, shape: tuple[int, ...]) -> Any:
    return a.reshape(shape) if type(a) is np.ndarray else np.reshape(a, shape)


def _spread(g: Any, x: Any, axis: Any) -> Any:
    """Broadcast a reduced cotangent back over the reduced axes of ``x``.

    Small results are materialised (cheaper than a broadcast view's overhead);
    large ones are read-only broadcast views, costing no memory.
    """
    if type(x) is not np.ndarray:
        return g
    g = _reshape(g, _kept(x.shape, axis))
    if x.size > 4096:
        return np.broadcast_to(g, x.shape)
    out = np.empty(x.shape, dtype=np.result_type(g, 0.0))
    out[...] = g
    return out


def _count(x: Any, axis: Any) -> int:
    shape = np.shape(x)
    return math.prod(shape[a] for a in _axes(axis, len(shape)))


def _sum_vjp(g, ans, x, axis=None, dtype=None, out=None, keepdims=False):
    return _spread(g, x, axis)


def _sum_jvp(t, ans, x, axis=None, dtype=None, out=None, keepdims=False):
    return np.sum(t, axis=axis, keepdims=keepdims)


def _mean_vjp(g, ans, x, axis=None, dtype=None, out=None, keepdims=False):
    return _spread(div(g, _count(x, axis)), x, axis)


def _mean_jvp(t, ans, x, axis=None, dtype=None, out=None, keepdims=False):
    return np.mean(t, axis=axis, keepdims=keepdims)


def _winners(ans: Any, x: np.ndarray, axis: Any) -> tuple[Any, Any, tuple[int, ...]]:
    """Indicator of the entries attaining the extremum, their count, kept shape."""
    kept = _kept(x.shape, axis)
    hit = x == _reshape(ans, kept)
    return hit, hit.sum(axis=_axes(axis, x.ndim), keepdims=True), kept


def _extremum_vjp(g, ans, x, axis=None, out=None, keepdims=False):
    if type(x) is not np.ndarray:  # the extremum of a number is the number
        return g
    hit, count, kept = _winners(ans, x, axis)
    return hit * (_reshape(g, kept) / count)


def _extremum_jvp(t, ans, x, axis=None, out=None, keepdims=False):
    if type(x) is not np.ndarray:
        return t
    hit, count, _ = _winners(ans, x, axis)
    return np.sum(t * hit / count, axis=axis, keepdims=keepdims)


defprimitive(np.sum, (_sum_vjp,), (_sum_jvp,), kwargs=_KWARGS)
defprimitive(np.mean, (_mean_vjp,), (_mean_jvp,), kwargs=_KWARGS)
for _func in {np.max, np.amax, np.min, np.amin}:
    defprimitive(_func, (_extremum_vjp,), (_extremum_jvp,), kwargs=("axis", "keepdims"))
