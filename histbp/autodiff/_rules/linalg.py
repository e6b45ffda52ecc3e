"""Rules for products: ``matmul`` (``@``), ``dot``, ``outer``.

For ``C = A @ B`` the VJPs are ``G @ B.T`` and ``A.T @ G``: the backward pass of
a layer costs two matrix products, the forward one. ``matmul`` promotes a 1-D
operand to a row (left) or column (right) and broadcasts leading "batch" axes; the
rules undo both. ``dot`` with an operand of more than two dimensions is a
contraction and uses the rules of :mod:`~histbp.autodiff._rules.contractions`.
Products are bilinear, so their JVPs are the product with one
factor replaced by its tangent. ``outer`` flattens its operands first, as numpy.

(``numpy.linalg.norm`` has its rules in :mod:`~histbp.autodiff._rules.norms`.)
"""

from __future__ import annotations

from typing import Any

import numpy as np

from histbp.autodiff._broadcasting import unbroadcast
from histbp.autodiff._registry import defprimitive
from histbp.autodiff._rules.contractions import DOT_RULES

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


def _dot_vjp_a(g, ans, a, b):
    if np.ndim(a) == 0 or np.ndim(b) == 0:  # dot with a scalar is a product
        return unbroadcast(np.multiply(g, b), np.shape(a))
    if np.ndim(a) > 2 or np.ndim(b) > 2:  # a contraction, as einsum
        return DOT_RULES[0][0](g, ans, a, b)
    return _matmul_vjp_a(g, ans, a, b)


def _dot_vjp_b(g, ans, a, b):
    if np.ndim(a) == 0 or np.ndim(b) == 0:
        return unbroadcast(np.multiply(g, a), np.shape(b))
    if np.ndim(a) > 2 or np.ndim(b) > 2:
        return DOT_RULES[0][1](g, ans, a, b)
    return _matmul_vjp_b(g, ans, a, b)


defprimitive(
    np.dot,
    (_dot_vjp_a, _dot_vjp_b),
    (lambda t, ans, a, b: np.dot(t, b), lambda t, ans, a, b: np.dot(a, t)),
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
