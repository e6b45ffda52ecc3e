"""Private input checks for the discrete-stage control methods (matrices, tables)."""

from __future__ import annotations

from typing import Any

import numpy as np

__all__ = ["as_finite_array", "as_matrix", "as_symmetric", "check_lq_problem"]


def as_finite_array(value: Any, name: str, ndim: int) -> np.ndarray:
    """Return ``value`` as a finite float array with ``ndim`` dimensions."""
    try:
        arr = np.array(value, dtype=float)
    except (TypeError, ValueError):
        raise TypeError(
            f"{name} must be an array of real numbers, got {type(value).__name__}"
        ) from None
    if arr.ndim != ndim or arr.size == 0:
        raise ValueError(
            f"{name} must be a non-empty {ndim}-D array, got shape {arr.shape}"
        )
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} contains non-finite values")
    return arr


def as_matrix(
    value: Any, name: str, shape: tuple[int, int] | None = None
) -> np.ndarray:
    """Return ``value`` as a finite 2-D float array, of ``shape`` if given."""
    arr = as_finite_array(value, name, 2)
    if shape is not None and arr.shape != shape:
        raise ValueError(f"{name} has shape {arr.shape}; expected {shape}")
    return arr


def as_symmetric(
    value: Any, name: str, size: int, *, definite: bool = False
) -> np.ndarray:
    """Return a symmetric positive semidefinite (or definite) ``size x size`` matrix."""
    arr = as_matrix(value, name, (size, size))
    scale = max(float(np.max(np.abs(arr))), 1.0)
    if float(np.max(np.abs(arr - arr.T))) > 1e-12 * scale:
        raise ValueError(f"{name} must be symmetric")
    smallest = float(np.linalg.eigvalsh(arr)[0])
    if definite and smallest <= 0.0:
        raise ValueError(
            f"{name} must be positive definite; its smallest eigenvalue is {smallest}"
        )
    if smallest < -1e-12 * scale:
        raise ValueError(
            f"{name} must be positive semidefinite; its smallest eigenvalue is "
            f"{smallest}"
        )
    return arr


def check_lq_problem(
    A: Any, B: Any, Q: Any, R: Any, Q_final: Any
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Check and return the matrices of a linear-quadratic problem.

    ``A`` is ``n x n``, ``B`` is ``n x m``, ``Q`` and ``Q_final`` are symmetric
    positive semidefinite ``n x n`` and ``R`` is symmetric positive definite
    ``m x m``.
    """
    A = as_matrix(A, "A")
    n = A.shape[0]
    if A.shape != (n, n):
        raise ValueError(f"A must be square, got shape {A.shape}")
    B = as_matrix(B, "B")
    if B.shape[0] != n:
        raise ValueError(
            f"B has shape {B.shape} but A has shape {A.shape}; expected B with {n} rows"
        )
    m = B.shape[1]
    Q = as_symmetric(Q, "Q", n)
    R = as_symmetric(R, "R", m, definite=True)
    Q_final = as_symmetric(Q_final, "Q_final", n)
    return A, B, Q, R, Q_final
