"""Cauchy's own use of the method: solve ``f_i(x) = 0`` by descent on ``sum f_i^2``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from histbp._checks import as_finite_vector, check_callable
from histbp.optimize.descent import _descend
from histbp.optimize.result import SystemResult

__all__ = ["solve_system"]


def solve_system(
    residuals: Callable[[np.ndarray], Any],
    jacobian: Callable[[np.ndarray], Any],
    x0: Any,
    *,
    max_steps: int = 1000,
    tol: float = 1e-10,
    c1: float = 1e-4,
    shrink: float = 0.5,
    initial_step: float = 1.0,
) -> SystemResult:
    """Solve the system ``f_i(x) = 0`` by steepest descent on ``u = sum_i f_i(x)^2``.

    This is the method of Cauchy's 1847 note: the sum of squares ``u`` is zero
    exactly at a solution and positive elsewhere, so one descends on ``u`` along
    its negative gradient ``-2 J^T f``, with a step that decreases ``u`` (here
    chosen by Armijo backtracking, as in :func:`steepest_descent`). A run that
    ends with a positive ``residual_norm`` has found a local minimum of ``u`` that
    is not a solution, or has run out of steps.

    Parameters
    ----------
    residuals
        Maps a point of shape ``(n,)`` to the 1-D array ``(f_1(x), ..., f_m(x))``
        of shape ``(m,)``; ``m`` is fixed by the value at ``x0``.
    jacobian
        Maps a point of shape ``(n,)`` to the Jacobian of ``residuals``, shape
        ``(m, n)``, with entry ``(i, j)`` equal to ``d f_i / d x_j``.
    x0
        Starting point, a 1-D array of shape ``(n,)``.
    max_steps, tol, c1, shrink, initial_step
        As for :func:`steepest_descent`; ``tol`` bounds the norm of the gradient
        ``2 J^T f`` of ``u``.

    Returns
    -------
    SystemResult
        A :class:`DescentResult` whose ``values`` are ``u`` along the path,
        together with ``residual_norm``, the norm of ``f`` at the final point.

    Raises
    ------
    TypeError
        If ``residuals`` or ``jacobian`` is not callable.
    ValueError
        If ``x0`` is not a finite 1-D array, if ``residuals`` or ``jacobian``
        returns the wrong shape, if the residuals at ``x0`` or the Jacobian along
        the path are not finite, or if an option is out of range.

    References
    ----------
    Cauchy (1847) [cauchy1847]; Lemaréchal (2012) [lemarechal2012];
    Armijo (1966) [armijo1966].

    Examples
    --------
    >>> import numpy as np
    >>> res = solve_system(lambda x: x**2 - 2.0, lambda x: np.diag(2 * x), [1.0])
    >>> round(float(res.x[0]), 8), bool(res.residual_norm < 1e-9)
    (1.41421356, True)
    """
    check_callable(residuals, "residuals")
    check_callable(jacobian, "jacobian")
    x = as_finite_vector(x0, "x0")
    n = x.size
    r0 = np.asarray(residuals(x), dtype=float)
    if r0.ndim != 1 or r0.size == 0:
        raise ValueError(
            f"residuals must return a non-empty 1-D array, got shape {r0.shape}"
        )
    if not np.all(np.isfinite(r0)):
        raise ValueError("residuals at x0 contain non-finite values")
    m = r0.size

    def residual_vector(point: np.ndarray) -> np.ndarray:
        r = np.asarray(residuals(point), dtype=float)
        if r.shape != (m,):
            raise ValueError(f"residuals returned shape {r.shape}; expected ({m},)")
        return r

    def sum_of_squares(point: np.ndarray) -> float:
        r = residual_vector(point)
        return float(r @ r)

    def gradient(point: np.ndarray) -> np.ndarray:
        J = np.asarray(jacobian(point), dtype=float)
        if J.shape != (m, n):
            raise ValueError(f"jacobian returned shape {J.shape}; expected ({m}, {n})")
        return 2.0 * (J.T @ residual_vector(point))

    result = _descend(
        sum_of_squares,
        gradient,
        x,
        max_steps=max_steps,
        tol=tol,
        c1=c1,
        shrink=shrink,
        initial_step=initial_step,
        grad_name="the gradient 2 J^T f of the sum of squares",
    )
    return SystemResult(
        x=result.x,
        path=result.path,
        values=result.values,
        converged=result.converged,
        steps=result.steps,
        residual_norm=float(np.linalg.norm(residual_vector(result.x))),
    )
