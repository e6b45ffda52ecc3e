"""Rules for reductions: ``sum``, ``mean``, ``prod``, ``max``, ``min``; ``cumsum``.

The adjoint of a reduction spreads the output's cotangent back over the reduced
axes: evenly for ``sum`` (and divided by the count for ``mean``), and onto the
entries attaining the extremum for ``max``/``min``, split equally among ties.
``axis`` may be ``None``, an int or a tuple of ints, ``keepdims`` either value.

The derivative of ``prod`` with respect to an entry is the product of the other
entries. It is computed as the product of the entries before it times the
product of those after it (two cumulative products), never as ``prod / x``: it
is exact, and correct where entries are zero. The adjoint of ``cumsum`` is the
cumulative sum taken in reverse order.
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


def _others(x: Any, axis: Any) -> Any:
    """``d prod(x, axis) / d x``: for each entry, the product of the others.

    Exclusive products, the products before an entry times those after it
    along the reduced axes; no division, so zero entries are handled exactly.
    """
    if type(x) is not np.ndarray:  # the product of a number is the number
        return 1.0
    axes = _axes(axis, x.ndim)
    dtype = np.result_type(x, 0.0)
    if not axes or x.size == 0:
        return np.ones(x.shape, dtype=dtype)
    k = len(axes)
    last = tuple(range(x.ndim - k, x.ndim))
    moved = np.moveaxis(x, axes, last)  # the reduced axes, flattened, at the end
    flat = moved.reshape((*moved.shape[: x.ndim - k], -1))
    out = np.ones(flat.shape, dtype=dtype)
    if flat.shape[-1] > 1:
        np.cumprod(flat[..., :-1], axis=-1, out=out[..., 1:])  # before each entry
        out[..., :-1] *= np.cumprod(flat[..., :0:-1], axis=-1)[..., ::-1]  # after
    return np.moveaxis(out.reshape(moved.shape), last, axes)


def _prod_vjp(g, ans, x, axis=None, dtype=None, out=None, keepdims=False):
    if type(x) is not np.ndarray:
        return g
    return _reshape(g, _kept(x.shape, axis)) * _others(x, axis)


def _prod_jvp(t, ans, x, axis=None, dtype=None, out=None, keepdims=False):
    if type(x) is not np.ndarray:
        return t
    return np.sum(t * _others(x, axis), axis=axis, keepdims=keepdims)


def _cumsum_vjp(g, ans, x, axis=None, dtype=None, out=None):
    if axis is None:  # numpy flattens x first
        flat = np.cumsum(g[::-1])[::-1]
        return float(flat[0]) if type(x) is float else flat.reshape(np.shape(x))
    return np.flip(np.cumsum(np.flip(g, axis), axis=axis), axis)


def _cumsum_jvp(t, ans, x, axis=None, dtype=None, out=None):
    return np.cumsum(t, axis=axis)


defprimitive(np.sum, (_sum_vjp,), (_sum_jvp,), kwargs=_KWARGS)
defprimitive(np.mean, (_mean_vjp,), (_mean_jvp,), kwargs=_KWARGS)
defprimitive(np.prod, (_prod_vjp,), (_prod_jvp,), kwargs=_KWARGS)
defprimitive(np.cumsum, (_cumsum_vjp,), (_cumsum_jvp,), kwargs=("axis", "dtype"))
for _func in {np.max, np.amax, np.min, np.amin}:
    defprimitive(_func, (_extremum_vjp,), (_extremum_jvp,), kwargs=("axis", "keepdims"))
