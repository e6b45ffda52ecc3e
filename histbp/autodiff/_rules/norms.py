"""Rules for ``numpy.linalg.norm``: vector norms of every order, matrix norms.

A norm ``N(x)`` reduces ``x`` (whole, along ``axis``, or over two axes for a
matrix norm) and its derivative is an array ``D`` of ``x``'s shape with
``dN = sum(D * dx)`` over the reduced axes: the VJP is ``g * D`` and the JVP that
sum. ``D`` for each order:

* Euclidean (``ord=None``, ``2`` for vectors, ``"fro"`` for matrices): ``x / N``.
* Vector ``ord=p`` (any other nonzero number): ``sign(x) |x|**(p-1) / N**(p-1)``;
  ``ord=1`` gives ``sign(x)`` (0 at 0, as ``abs``); for ``p < 1`` the
  derivative is infinite at a zero entry, which raises. ``ord=0``, the count of
  nonzero entries, is piecewise constant: ``D = 0``.
* Vector ``ord=inf``/``-inf`` (the largest/smallest ``|x_i|``) and matrix
  ``ord=1``/``-1``/``inf``/``-inf`` (the largest/smallest column or row sum of
  ``|x|``): ``sign(x)`` on the entries (or columns, rows) attaining the extremum,
  the cotangent split equally among ties, as ``max``.
* Matrix ``ord="nuc"`` (the sum of the singular values): ``U @ Vh`` of the
  reduced SVD, which needs every singular value to be nonzero.
* Matrix ``ord=2``/``-2`` (the largest/smallest singular value): ``u v^T`` of its
  singular vectors, which needs that singular value to be simple (and nonzero).

Where a singular value is zero or repeated as those cases need, the norm is not
differentiable, and the rule raises :class:`UnsupportedOperationError` naming
the case. Where the norm itself is zero the subgradient 0 is used.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from histbp.autodiff._registry import defprimitive, unsupported
from histbp.autodiff._rules.reductions import _kept, _reshape

__all__: list[str] = []

_NAME = "numpy.linalg.norm"
_EPS = float(np.finfo(np.float64).eps)


def _nonzero(n: Any) -> Any:
    return np.where(n == 0.0, 1.0, n)


def _is_matrix_norm(ndim: int, ord: Any, axis: Any) -> bool:
    if axis is None:
        return ord is not None and ndim == 2
    return not isinstance(axis, int | np.integer) and len(axis) == 2


def _extremum_weights(values: Any, axis: int, largest: bool) -> Any:
    """1 / (number of ties) where ``values`` attains its max (min) along axis."""
    best = (np.max if largest else np.min)(values, axis=axis, keepdims=True)
    hit = values == best
    return hit / hit.sum(axis=axis, keepdims=True)


def _vector_derivative(x: np.ndarray, n: Any, ord: Any, axes: tuple) -> Any:
    if ord is None or ord == 2:
        return x / _nonzero(n)
    if ord == 0:
        return np.zeros(x.shape)
    if ord == 1:
        return np.sign(x)
    if ord in (np.inf, -np.inf):
        return np.sign(x) * _extremum_weights(np.abs(x), axes[0], ord > 0)
    p = float(ord)
    if p < 1.0 and np.any(x == 0.0):
        raise unsupported(
            _NAME, f"ord={ord} at a zero entry (the derivative is infinite there)"
        )
    scale = np.where(n == 0.0, 0.0, _nonzero(n) ** (1.0 - p))
    return np.sign(x) * np.abs(x) ** (p - 1.0) * scale


def _singular(y: np.ndarray, ord: Any) -> tuple[Any, Any, Any]:
    """The reduced SVD of ``y``, after checking ``ord``'s derivative exists."""
    u, s, vh = np.linalg.svd(y, full_matrices=False)
    tol = 100.0 * _EPS * max(y.shape[-2:]) * np.max(s, axis=-1, keepdims=True)
    k = s.shape[-1]
    if ord == "nuc" and np.any(s <= tol):
        raise unsupported(
            _NAME,
            "ord='nuc' at a matrix with a zero singular value (not differentiable)",
        )
    if ord in (2, -2):
        i = 0 if ord == 2 else k - 1
        if np.any(s[..., i] <= tol[..., 0]):
            raise unsupported(
                _NAME, f"ord={ord} where that singular value is 0 (not differentiable)"
            )
        j = 1 if ord == 2 else k - 2
        if k > 1 and np.any(np.abs(s[..., i] - s[..., j]) <= tol[..., 0]):
            raise unsupported(
                _NAME,
                f"ord={ord} where that singular value is repeated (not differentiable)",
            )
    return u, s, vh


def _matrix_derivative(x: np.ndarray, n: Any, ord: Any, axes: tuple) -> Any:
    if ord is None or ord == "fro":
        return x / _nonzero(n)
    y = np.moveaxis(x, axes, (-2, -1))
    if ord in ("nuc", 2, -2):
        u, s, vh = _singular(y, ord)
        if ord == "nuc":
            d = u @ vh
        else:
            i = 0 if ord == 2 else s.shape[-1] - 1
            d = u[..., :, i, None] * vh[..., None, i, :]
    elif ord in (1, -1):  # column sums
        d = np.sign(y) * _extremum_weights(
            np.abs(y).sum(axis=-2, keepdims=True), -1, ord > 0
        )
    elif ord in (np.inf, -np.inf):  # row sums
        d = np.sign(y) * _extremum_weights(
            np.abs(y).sum(axis=-1, keepdims=True), -2, ord > 0
        )
    else:
        raise unsupported(_NAME, f"the matrix norm ord={ord!r}")
    return np.moveaxis(d, (-2, -1), axes)


def _derivative(x: Any, ans: Any, ord: Any, axis: Any) -> tuple[Any, Any]:
    """``D`` (see the module docstring) and the shape of ``ans`` with kept axes."""
    x = np.asarray(x)
    if axis is None:
        axes = tuple(range(x.ndim))
    elif isinstance(axis, int | np.integer):
        axes = (int(axis) % x.ndim,)
    else:
        axes = tuple(int(a) % x.ndim for a in axis)
    kept = _kept(x.shape, axes)
    n = _reshape(ans, kept)
    if _is_matrix_norm(x.ndim, ord, axis):
        return _matrix_derivative(x, n, ord, axes), axes
    return _vector_derivative(x, n, ord, axes), axes


def _norm_vjp(g, ans, x, ord=None, axis=None, keepdims=False):
    d, axes = _derivative(x, ans, ord, axis)
    out = _reshape(g, _kept(np.shape(x), axes)) * d
    return float(out) if type(x) is float else out


def _norm_jvp(t, ans, x, ord=None, axis=None, keepdims=False):
    d, axes = _derivative(x, ans, ord, axis)
    return np.sum(d * t, axis=axes, keepdims=keepdims)


defprimitive(
    np.linalg.norm, (_norm_vjp,), (_norm_jvp,), kwargs=("ord", "axis", "keepdims")
)
