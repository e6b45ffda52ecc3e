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

from histbp.autodiff._floatops import div
from histbp.autodiff._registry import defprimitive

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


# -- var, std and cumprod ------------------------------------------------------------
# ``var`` is ``sum((x - mean)**2) / (n - ddof)``, whose gradient is
# ``2 (x - mean) / (n - ddof)``; ``std`` is its square root. Where ``std`` is 0
# (all entries equal) it is not differentiable and, as ``norm``, uses the
# subgradient 0. The derivative of ``cumprod`` is exact where entries are zero:
# without zeros it is computed by division, with them by the recurrences
# ``S[j] = g[j] + x[j+1] S[j+1]`` (reverse) and ``dy[k] = dy[k-1] x[k] + y[k-1] t[k]``
# (forward) along the axis.

_VAR_KWARGS = ("axis", "dtype", "ddof", "keepdims")


def _centred(x: Any, axis: Any, ddof: Any) -> tuple[Any, float]:
    """``x - mean(x, axis)`` (keeping dims) and the divisor ``n - ddof``."""
    return x - np.mean(x, axis=axis, keepdims=True), _count(x, axis) - ddof


def _var_vjp(g, ans, x, axis=None, dtype=None, out=None, ddof=0, keepdims=False):
    if type(x) is not np.ndarray:
        return 0.0 * g  # the variance of a number is 0 whatever the number
    centred, n = _centred(x, axis, ddof)
    return _reshape(g, _kept(x.shape, axis)) * (2.0 / n) * centred


def _var_jvp(t, ans, x, axis=None, dtype=None, out=None, ddof=0, keepdims=False):
    if type(x) is not np.ndarray:
        return 0.0 * t
    centred, n = _centred(x, axis, ddof)
    return np.sum(centred * t, axis=axis, keepdims=keepdims) * (2.0 / n)


def _std_scale(ans: Any, x: np.ndarray, axis: Any, ddof: Any) -> tuple[Any, Any]:
    """``(x - mean) / ((n - ddof) std)``, 0 where ``std`` is 0, and ``std`` kept."""
    centred, n = _centred(x, axis, ddof)
    std = _reshape(ans, _kept(x.shape, axis))
    return centred / (n * np.where(std == 0.0, 1.0, std)), std


def _std_vjp(g, ans, x, axis=None, dtype=None, out=None, ddof=0, keepdims=False):
    if type(x) is not np.ndarray:
        return 0.0 * g
    scale, _ = _std_scale(ans, x, axis, ddof)
    return _reshape(g, _kept(x.shape, axis)) * scale


def _std_jvp(t, ans, x, axis=None, dtype=None, out=None, ddof=0, keepdims=False):
    if type(x) is not np.ndarray:
        return 0.0 * t
    scale, _ = _std_scale(ans, x, axis, ddof)
    return np.sum(scale * t, axis=axis, keepdims=keepdims)


defprimitive(np.var, (_var_vjp,), (_var_jvp,), kwargs=_VAR_KWARGS)
defprimitive(np.std, (_std_vjp,), (_std_jvp,), kwargs=_VAR_KWARGS)


def _axis_first(x: Any, axis: Any, *arrays: Any) -> tuple[np.ndarray, int, list]:
    """``x`` as numpy's ``cumprod`` sees it, ``arrays`` shaped like it, axis first.

    ``x`` is flattened for ``axis=None``; returns it and ``arrays`` (reshaped to
    its shape) with the product's axis moved to the front, and that axis.
    """
    if axis is None:
        a, ax = np.ravel(x), 0
    else:
        a, ax = np.asarray(x), int(axis) % max(np.ndim(x), 1)
    moved = [np.moveaxis(np.reshape(v, a.shape), ax, 0) for v in arrays]
    return np.moveaxis(a, ax, 0), ax, moved


def _cumprod_vjp(g, ans, x, axis=None, dtype=None, out=None):
    a, ax, (g, y) = _axis_first(x, axis, g, ans)
    if a.size == 0:
        gx = np.zeros(a.shape)
    elif np.all(a != 0.0):  # sum over k >= j of g[k] y[k], divided by x[j]
        gx = np.flip(np.cumsum(np.flip(g * y, 0), 0), 0) / a
    else:
        s = np.empty(a.shape, dtype=np.result_type(g, a, 0.0))
        s[-1] = g[-1]
        for j in range(len(a) - 2, -1, -1):
            s[j] = g[j] + a[j + 1] * s[j + 1]
        before = np.ones_like(s)  # the product of the entries before j
        before[1:] = y[:-1]
        gx = before * s
    gx = np.moveaxis(gx, 0, ax)
    return float(gx.item()) if type(x) is float else np.reshape(gx, np.shape(x))


def _cumprod_jvp(t, ans, x, axis=None, dtype=None, out=None):
    a, ax, (tt, y) = _axis_first(x, axis, t, ans)
    if a.size == 0:
        dy = np.zeros(a.shape)
    elif np.all(a != 0.0):
        dy = y * np.cumsum(tt / a, 0)
    else:
        dy = np.empty(a.shape, dtype=np.result_type(tt, a, 0.0))
        dy[0] = tt[0]
        for k in range(1, len(a)):
            dy[k] = dy[k - 1] * a[k] + y[k - 1] * tt[k]
    return np.reshape(np.moveaxis(dy, 0, ax), np.shape(ans))


defprimitive(np.cumprod, (_cumprod_vjp,), (_cumprod_jvp,), kwargs=("axis", "dtype"))
