"""Rules for matrix products: ``matmul`` (the ``@`` operator) and ``dot``.

For ``C = A @ B`` the VJPs are ``G @ B.T`` and ``A.T @ G``: the backward pass of
a layer costs two matrix products, the forward one. ``matmul`` promotes a 1-D
operand to a row (left) or column (right) and broadcasts leading "batch" axes; the
rules undo both. Products are bilinear, so their JVPs are the product with one
factor replaced by its tangent.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from histbp.autodiff.broadcasting import unbroadcast
from histbp.autodiff.registry import defprimitive, unsupported

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
