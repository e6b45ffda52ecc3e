"""The discrete-time linear-quadratic regulator, two ways.

For ``x_{t+1} = A x_t + B u_t`` with stage cost ``x^T Q x + u^T R u`` and final
cost ``x^T Q_final x``, Bellman's backward recursion keeps the value functions
quadratic, ``V_t(x) = x^T P_t x``, and the best decision linear, ``u = -K_t x``.

:func:`lqr_dynamic_programming` carries out Bellman's step literally on quadratic
forms: it writes ``c(x, u) + V_{t+1}(A x + B u)`` as one quadratic form in the
stacked vector ``(x, u)`` and minimises it over ``u`` by completing the square,
which leaves a Schur complement as the new value function. :func:`riccati_recursion`
evaluates the discrete Riccati difference equation as it is usually written, from
the formula alone. The two agree to rounding error, which is the check of this
entry.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from histbp._validation import as_finite_vector, check_positive_int
from histbp.control._arrays import check_lq_problem

__all__ = ["LQRSolution", "lqr_dynamic_programming", "riccati_recursion"]


@dataclass(frozen=True, slots=True)
class LQRSolution:
    """Cost-to-go matrices and feedback gains of a finite-horizon LQR problem.

    Attributes
    ----------
    cost_to_go
        ``P_t`` for ``t = 0, ..., N``, shape ``(N + 1, n, n)``: the least cost from
        state ``x`` at stage ``t`` is ``x^T P_t x``; ``P_N = Q_final``.
    gains
        ``K_t`` for ``t = 0, ..., N - 1``, shape ``(N, m, n)``: the optimal
        decision at stage ``t`` is ``u_t = -K_t x_t``.
    """

    cost_to_go: np.ndarray
    gains: np.ndarray

    def cost(self, x0: Any) -> float:
        """Return the optimal cost ``x0^T P_0 x0`` from the initial state ``x0``."""
        n = self.cost_to_go.shape[1]
        x0 = as_finite_vector(x0, "x0", n, f"the problem has {n} states")
        return float(x0 @ self.cost_to_go[0] @ x0)


def lqr_dynamic_programming(
    A: Any, B: Any, Q: Any, R: Any, Q_final: Any, n_stages: int
) -> LQRSolution:
    """Solve the finite-horizon LQR problem by Bellman's backward recursion.

    With ``V_{t+1}(y) = y^T P y``, the quantity to minimise at stage ``t`` is

        ``x^T Q x + u^T R u + (A x + B u)^T P (A x + B u) = z^T M z``,

    ``z = (x, u)``, with the block matrix ``M = diag(Q, R) + [A B]^T P [A B]``.
    Setting its derivative with respect to ``u`` to zero gives
    ``u = -M_uu^{-1} M_ux x``, and substituting back leaves
    ``V_t(x) = x^T (M_xx - M_xu M_uu^{-1} M_ux) x``.

    Parameters
    ----------
    A, B
        Dynamics ``x_{t+1} = A x_t + B u_t``; shapes ``(n, n)`` and ``(n, m)``.
    Q, R
        Stage-cost weights, symmetric; ``Q`` positive semidefinite ``(n, n)``,
        ``R`` positive definite ``(m, m)``.
    Q_final
        Final-cost weight, symmetric positive semidefinite ``(n, n)``.
    n_stages
        The number of decisions ``N``; a positive integer.

    Returns
    -------
    LQRSolution
        The matrices ``P_t`` of the value functions and the gains ``K_t``.

    Raises
    ------
    ValueError
        If a matrix has the wrong shape, contains non-finite values, is not
        symmetric where it must be, or is not (semi)definite as required, or if
        ``n_stages`` is not positive.
    TypeError
        If ``n_stages`` is not an integer.

    References
    ----------
    Bellman (1953) [bellman1953]; Bellman (1957) [bellman1957].

    Examples
    --------
    >>> sol = lqr_dynamic_programming([[1.0]], [[1.0]], [[1.0]], [[1.0]], [[1.0]], 1)
    >>> sol.cost_to_go[:, 0, 0].tolist(), sol.gains[:, 0, 0].tolist()
    ([1.5, 1.0], [0.5])
    """
    A, B, Q, R, Q_final = check_lq_problem(A, B, Q, R, Q_final)
    n_stages = check_positive_int(n_stages, "n_stages")
    n, m = B.shape
    AB = np.hstack([A, B])
    stage = np.zeros((n + m, n + m))
    stage[:n, :n] = Q
    stage[n:, n:] = R
    P = np.empty((n_stages + 1, n, n))
    K = np.empty((n_stages, m, n))
    P[n_stages] = Q_final
    for t in range(n_stages - 1, -1, -1):
        M = stage + AB.T @ P[t + 1] @ AB
        K[t] = np.linalg.solve(M[n:, n:], M[n:, :n])
        value = M[:n, :n] - M[:n, n:] @ K[t]
        P[t] = 0.5 * (value + value.T)
    return LQRSolution(cost_to_go=P, gains=K)


def riccati_recursion(
    A: Any, B: Any, Q: Any, R: Any, Q_final: Any, n_stages: int
) -> LQRSolution:
    """Solve the finite-horizon LQR problem by the discrete Riccati equation.

    ``P_N = Q_final`` and, for ``t = N - 1, ..., 0``,

        ``K_t = (R + B^T P_{t+1} B)^{-1} B^T P_{t+1} A``,
        ``P_t = Q + A^T P_{t+1} A - A^T P_{t+1} B K_t``.

    Parameters
    ----------
    A, B, Q, R, Q_final, n_stages
        As for :func:`lqr_dynamic_programming`.

    Returns
    -------
    LQRSolution
        The Riccati matrices ``P_t`` and gains ``K_t``.

    Raises
    ------
    ValueError, TypeError
        As for :func:`lqr_dynamic_programming`.

    References
    ----------
    Bellman (1957) [bellman1957].
    """
    A, B, Q, R, Q_final = check_lq_problem(A, B, Q, R, Q_final)
    n_stages = check_positive_int(n_stages, "n_stages")
    n, m = B.shape
    P = np.empty((n_stages + 1, n, n))
    K = np.empty((n_stages, m, n))
    P[n_stages] = Q_final
    for t in range(n_stages - 1, -1, -1):
        Pn = P[t + 1]
        K[t] = np.linalg.solve(R + B.T @ Pn @ B, B.T @ Pn @ A)
        riccati = Q + A.T @ Pn @ A - A.T @ Pn @ B @ K[t]
        P[t] = 0.5 * (riccati + riccati.T)
    return LQRSolution(cost_to_go=P, gains=K)
