"""Cauchy's own use of the method: solve ``f_i(x) = 0`` by descent on ``sum f_i^2``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from histbp._validation import as_finite_vector, check_callable, check_real
from histbp.optimize._descent import _descend
from histbp.optimize._result import SystemResult

__all__ = ["solve_system"]


def solve_system(
    residuals: Callable[[np.ndarray], Any],
    jacobian: Callable[[np.ndarray], Any],
    x0: Any,
    *,
    max_steps: int = 1000,
    tol: float = 1e-10,
    gtol: float = 1e-6,
    c1: float = 1e-4,
    shrink: float = 0.5,
    initial_step: float = 1.0,
) -> SystemResult:
    """Solve the system ``f_i(x) = 0`` by steepest descent on ``u = sum_i f_i(x)^2``.

    This is the method of Cauchy's 1847 note: the sum of squares ``u`` is zero
    exactly at a solution and positive elsewhere, so one descends on ``u`` along
    its negative gradient ``-2 J^T f``, with a step that decreases ``u`` (here
    chosen by Armijo backtracking, as in :func:`steepest_descent`).

    The run stops at a solution, where the gradient ``2 J^T f`` vanishes with
    ``f``, or at a stationary point of ``u`` that is no solution, where ``f`` is
    nonzero but orthogonal to every column ``J_j`` of the Jacobian. An absolute
    test alone cannot detect the second kind: there ``|2 J^T f|`` is computed
    with an error of order ``eps |J| |f|``, and the line search stops moving once
    the decrease of ``u`` it could find falls below the rounding of ``u``, which
    happens at a gradient of order ``sqrt(eps) |J| |f|`` (``eps`` the machine
    epsilon), so whether ``|2 J^T f|`` ever gets below a fixed ``tol`` depends on
    the last bits of the arithmetic. The run therefore also stops when the
    cosine of the angle between ``f`` and each column of ``J`` is at most
    ``gtol`` in absolute value, the relative test of MINPACK's least-squares
    solvers [more1980minpack]; the default ``1e-6`` is well above that rounding
    level (``sqrt(eps)`` is about ``1.5e-8``), so the test is met by a decrease
    that floating point resolves. A run that ends with a positive
    ``residual_norm`` has stopped at such a stationary point (a local minimum of
    ``u``, or a saddle point approached along a line it cannot leave), or has
    run out of steps.

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
    gtol
        Stop also once ``|J_j . f| <= gtol |J_j| |f|`` for every column ``J_j`` of
        the Jacobian (columns of zeros pass); a real number in ``[0, 1)``, and
        ``0`` turns the relative test off. At such a point ``|2 J^T f|`` is at
        most ``2 gtol |J|_F |f|``.

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
    Armijo (1966) [armijo1966]; Moré, Garbow and Hillstrom (1980)
    [more1980minpack].

    Examples
    --------
    >>> import numpy as np
    >>> res = solve_system(lambda x: x**2 - 2.0, lambda x: np.diag(2 * x), [1.0])
    >>> round(float(res.x[0]), 8), bool(res.residual_norm < 1e-9)
    (1.41421356, True)
    """
    check_callable(residuals, "residuals")
    check_callable(jacobian, "jacobian")
    gtol = check_real(gtol, "gtol", low=0.0, high=1.0, high_open=True)
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

    # the Jacobian and residuals at the latest iterate, for the relative test
    latest: dict[str, np.ndarray] = {}

    def gradient(point: np.ndarray) -> np.ndarray:
        J = np.asarray(jacobian(point), dtype=float)
        if J.shape != (m, n):
            raise ValueError(f"jacobian returned shape {J.shape}; expected ({m}, {n})")
        latest["J"], latest["f"] = J, residual_vector(point)
        return 2.0 * (J.T @ latest["f"])

    def orthogonal(g: np.ndarray) -> bool:
        column_norms = np.linalg.norm(latest["J"], axis=0)
        return bool(
            np.all(np.abs(g) <= 2.0 * gtol * column_norms * np.linalg.norm(latest["f"]))
        )

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
        stationary=orthogonal if gtol > 0 else None,
    )
    return SystemResult(
        x=result.x,
        path=result.path,
        values=result.values,
        converged=result.converged,
        steps=result.steps,
        residual_norm=float(np.linalg.norm(residual_vector(result.x))),
    )
