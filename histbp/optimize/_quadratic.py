"""Steepest descent with exact line search on a quadratic: the step is closed form.

On ``f(x) = 1/2 x^T A x - b^T x`` with ``A`` symmetric positive definite the gradient
is ``g = A x - b`` and ``f(x - t g)`` is a parabola in ``t`` with its minimum at
``t = (g . g) / (g . A g)``. This is the step Cauchy asked for: the one that makes the
function as small as possible along the descent direction.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from histbp._validation import (
    as_finite_vector,
    as_spd_system,
    check_positive_int,
    check_real,
)
from histbp.optimize._result import DescentResult

__all__ = ["quadratic_value", "steepest_descent_quadratic"]


def quadratic_value(A: np.ndarray, b: np.ndarray, x: np.ndarray) -> float:
    """Return ``1/2 x^T A x - b^T x``.

    Parameters
    ----------
    A
        Square matrix, shape ``(n, n)``.
    b
        Vector, shape ``(n,)``.
    x
        Point, shape ``(n,)``.

    Returns
    -------
    float
        The value of the quadratic at ``x``.
    """
    return float(0.5 * x @ (A @ x) - b @ x)


def steepest_descent_quadratic(
    A: Any,
    b: Any,
    x0: Any,
    *,
    max_steps: int = 100,
    tol: float = 1e-12,
) -> DescentResult:
    """Minimise ``1/2 x^T A x - b^T x`` by steepest descent with exact line search.

    Each step moves from ``x`` along ``-g``, ``g = A x - b``, by the step
    ``t = (g . g) / (g . A g)`` that minimises the quadratic along that line. The
    minimiser is the solution of ``A x = b``. Consecutive gradients are orthogonal
    (the line search stops where the new gradient is perpendicular to the old
    direction), which produces the characteristic zig-zag path, and the error
    ``f - f*`` shrinks by at most ``((k - 1) / (k + 1))^2`` per step, ``k`` the
    condition number of ``A`` (see :func:`kantorovich_rate`).

    Parameters
    ----------
    A
        Symmetric positive-definite matrix, shape ``(n, n)``.
    b
        Right-hand side, shape ``(n,)``.
    x0
        Starting point, shape ``(n,)``.
    max_steps
        Largest number of steps to take; a positive integer.
    tol
        Stop once the Euclidean norm of the gradient is at most ``tol``.

    Returns
    -------
    DescentResult
        Final point, the path of iterates, the values of the quadratic along it,
        whether the gradient tolerance was met, and the number of steps.

    Raises
    ------
    ValueError
        If ``A`` is not square or not symmetric positive definite, if ``b`` or
        ``x0`` does not match ``A`` in length, if any input contains non-finite
        values, if ``max_steps`` is not positive or ``tol`` is negative.
    TypeError
        If ``max_steps`` is not an integer or ``tol`` not a real number.

    References
    ----------
    Cauchy (1847) [cauchy1847]; Lemaréchal (2012) [lemarechal2012];
    Kantorovich (1948) [kantorovich1948]; Nocedal and Wright (2006), Theorem 3.3
    [nocedal2006].

    Examples
    --------
    >>> import numpy as np
    >>> A, b = np.diag([1.0, 10.0]), np.array([1.0, 1.0])
    >>> res = steepest_descent_quadratic(A, b, [0.0, 1.0])
    >>> bool(res.converged), res.steps, np.round(res.x, 10).tolist()
    (True, 25, [1.0, 0.1])
    """
    A, b = as_spd_system(A, b)
    n = A.shape[0]
    x = as_finite_vector(x0, "x0", n, f"A has shape {A.shape}")
    max_steps = check_positive_int(max_steps, "max_steps")
    tol = check_real(tol, "tol", low=0.0)

    path = [x.copy()]
    values = [quadratic_value(A, b, x)]
    g = A @ x - b
    steps = 0
    while steps < max_steps and np.linalg.norm(g) > tol:
        curvature = float(g @ (A @ g))
        if not curvature > 0.0:  # g too small for its curvature to be representable
            break
        x = x - (float(g @ g) / curvature) * g
        steps += 1
        path.append(x.copy())
        values.append(quadratic_value(A, b, x))
        g = A @ x - b
    return DescentResult(
        x=x,
        path=np.array(path),
        values=np.array(values),
        converged=bool(np.linalg.norm(g) <= tol),
        steps=steps,
    )
