"""Rules for products and norms: ``matmul`` (``@``), ``dot``, ``outer``, ``norm``.

For ``C = A @ B`` the VJPs are ``G @ B.T`` and ``A.T @ G``: the backward pass of
a layer costs two matrix products, the forward one. ``matmul`` promotes a 1-D
operand to a row (left) or column (right) and broadcasts leading "batch" axes; the
rules undo both. Products are bilinear, so their JVPs are the product with one
factor replaced by its tangent. ``outer`` flattens its operands first, as numpy.

``numpy.linalg.norm`` is supported with ``ord=None``: the Euclidean norm of the
flattened array (or along ``axis``, also with ``keepdims``), whose gradient is
``x / norm(x)``. At ``x = 0``, where the norm is not differentiable, the engine
uses the subgradient 0.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from histbp.autodiff.broadcasting import unbroadcast
from histbp.autodiff.registry import defprimitive, unsupported
from histbp.autodiff.rules.reductions import _kept, _reshape

__all__: list[str] = []


def _matrix_transpose(a: Any) -> Any:
    return np.swapaxes(a, -1, -2)


def _matmul_vjp_a(g, ans, a, b):
    a_nd, b_nd = np.ndim(a), np.ndim(b)
    if b_nd == 1:
        if a_nd == 1:  # inner product: g is a scalar
            return g * b
        return np.multiply.outer(g, b) if a_nd == 2 else g[..., None] * b
    if a_nd == 1:  # a is a row: g has b's batch axes and b's last axis
        if b_nd == 2:
            return b @ g
        return unbroadcast((b @ g[..., None])[..., 0], np.shape(a))
    if b_nd == 2 and a_nd == 2:
        return g @ b.T
    return unbroadcast(g @ _matrix_transpose(b), np.shape(a))


def _matmul_vjp_b(g, ans, a, b):
    a_nd, b_nd = np.ndim(a), np.ndim(b)
    if a_nd == 1:
        if b_nd == 1:  # inner product: g is a scalar
            return g * a
        return np.multiply.outer(a, g) if b_nd == 2 else a[:, None] * g[..., None, :]
    if b_nd == 1:  # b is a column: g has a's batch axes and a's row axis
        if a_nd == 2:
            return g @ a
        return unbroadcast((g[..., None, :] @ a)[..., 0, :], np.shape(b))
    if a_nd == 2 and b_nd == 2:
        return a.T @ g
    return unbroadcast(_matrix_transpose(a) @ g, np.shape(b))


defprimitive(
    np.matmul,
    (_matmul_vjp_a, _matmul_vjp_b),
    (lambda t, ans, a, b: np.matmul(t, b), lambda t, ans, a, b: np.matmul(a, t)),
)


def _dot(a: Any, b: Any) -> Any:
    """``numpy.dot`` restricted to operands of at most two dimensions."""
    if np.ndim(a) > 2 or np.ndim(b) > 2:
        raise unsupported(
            "numpy.dot", "an operand with more than 2 dimensions (use numpy.matmul)"
        )
    return np.dot(a, b)


def _dot_vjp_a(g, ans, a, b):
    if np.ndim(a) == 0 or np.ndim(b) == 0:  # dot with a scalar is a product
        return unbroadcast(np.multiply(g, b), np.shape(a))
    return _matmul_vjp_a(g, ans, a, b)


def _dot_vjp_b(g, ans, a, b):
    if np.ndim(a) == 0 or np.ndim(b) == 0:
        return unbroadcast(np.multiply(g, a), np.shape(b))
    return _matmul_vjp_b(g, ans, a, b)


defprimitive(
    np.dot,
    (_dot_vjp_a, _dot_vjp_b),
    (lambda t, ans, a, b: np.dot(t, b), lambda t, ans, a, b: np.dot(a, t)),
    impl=_dot,
)


def _flat_like(r: Any, x: Any) -> Any:
    """A flat cotangent ``r`` shaped as the operand ``x`` (a float for a float)."""
    if type(x) is float:
        return float(r.item())
    return r.reshape(np.shape(x))


defprimitive(
    np.outer,
    (
        lambda g, ans, a, b: _flat_like(g @ np.ravel(b), a),
        lambda g, ans, a, b: _flat_like(np.ravel(a) @ g, b),
    ),
    (lambda t, ans, a, b: np.outer(t, b), lambda t, ans, a, b: np.outer(a, t)),
)


def _norm(x: Any, ord: Any = None, axis: Any = None, keepdims: bool = False) -> Any:
    """``numpy.linalg.norm`` restricted to ``ord=None`` (the Euclidean norm)."""
    if ord is not None:
        raise unsupported(
            "numpy.linalg.norm", f"ord={ord!r} (any but the default ord=None)"
        )
    return np.linalg.norm(x, axis=axis, keepdims=keepdims)


def _nonzero(n: Any) -> Any:
    """The norm with zeros replaced by 1: where it is 0, so is ``x``."""
    if type(n) is float:
        return n if n != 0.0 else 1.0
    return np.where(n == 0.0, 1.0, n)


def _norm_vjp(g, ans, x, ord=None, axis=None, keepdims=False):
    if type(x) is not np.ndarray:
        return g * x / _nonzero(ans)
    kept = _kept(x.shape, axis)
    return x * (_reshape(g, kept) / _nonzero(_reshape(ans, kept)))


def _norm_jvp(t, ans, x, ord=None, axis=None, keepdims=False):
    if type(x) is not np.ndarray:
        return t * x / _nonzero(ans)
    return np.sum(t * x, axis=axis, keepdims=keepdims) / _nonzero(ans)


defprimitive(
    np.linalg.norm,
    (_norm_vjp,),
    (_norm_jvp,),
    impl=_norm,
    kwargs=("ord", "axis", "keepdims"),
)
