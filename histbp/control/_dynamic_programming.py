"""Bellman's backward recursion: on a finite table, on a grid, on quadratic forms.

``V_N(x) = c_N(x)`` and ``V_t(x) = min_u [c_t(x, u) + V_{t+1}(f_t(x, u))]``: one
sweep from the last stage to the first gives the least cost-to-go of every state
at every stage, and the decision that attains it.
:func:`tabular_dynamic_programming` runs the recursion on a process with finitely
many states and decisions. :func:`grid_dynamic_programming` applies it to a process
with one continuous state by tabulating ``V_t`` on a grid and reading
``V_{t+1}(f(x, u))`` between grid points by linear interpolation, the way
dynamic programming was used on the computers of the 1950s.

For ``x_{t+1} = A x_t + B u_t`` with stage cost ``x^T Q x + u^T R u`` and final
cost ``x^T Q_final x`` the value functions stay quadratic, ``V_t(x) = x^T P_t x``,
and the best decision linear, ``u = -K_t x``. :func:`lqr_dynamic_programming`
carries out Bellman's step literally on quadratic forms: it writes
``c(x, u) + V_{t+1}(A x + B u)`` as one quadratic form in the stacked vector
``(x, u)`` and minimises it over ``u`` by completing the square, which leaves a
Schur complement as the new value function. :func:`riccati_recursion` evaluates
the discrete Riccati difference equation as it is usually written, from the
formula alone. The two agree to rounding error, which is the check of the entry.

References
----------
Bellman (1953) [bellman1953]; Bellman (1957) [bellman1957].
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from histbp._validation import (
    as_finite_array,
    as_finite_vector,
    as_lq_problem,
    as_returned_array,
    check_callable,
    check_index,
    check_positive_int,
    check_real,
)

__all__ = [
    "GridDPResult",
    "LQRResult",
    "TabularDPResult",
    "grid_dynamic_programming",
    "lqr_dynamic_programming",
    "riccati_recursion",
    "tabular_dynamic_programming",
]


@dataclass(frozen=True, slots=True)
class TabularDPResult:
    """Least costs-to-go and best decisions of a finite multi-stage process.

    Attributes
    ----------
    values
        ``V_t(s)``, shape ``(N + 1, S)``; ``values[N]`` is the final cost.
    policy
        The index of a best decision in each state at each stage, shape ``(N, S)``.
    transitions
        The next-state table the recursion was run on, shape ``(N, S, U)``.
    """

    values: np.ndarray
    policy: np.ndarray
    transitions: np.ndarray

    def path(self, start: int) -> tuple[np.ndarray, np.ndarray]:
        """Follow the best decisions from state ``start``.

        Returns
        -------
        tuple of numpy.ndarray
            The visited states, shape ``(N + 1,)``, and the decisions taken,
            shape ``(N,)``, both as integer indices.
        """
        states = [check_index(start, "start", self.values.shape[1])]
        decisions = []
        for t in range(self.policy.shape[0]):
            u = int(self.policy[t, states[-1]])
            decisions.append(u)
            states.append(int(self.transitions[t, states[-1], u]))
        return np.array(states), np.array(decisions, dtype=int)


def tabular_dynamic_programming(
    stage_costs: Any, transitions: Any, final_costs: Any
) -> TabularDPResult:
    """Run Bellman's recursion on a process with finitely many states and decisions.

    Parameters
    ----------
    stage_costs
        ``c_t(s, u)``, shape ``(N, S, U)``: the cost of decision ``u`` in state
        ``s`` at stage ``t``.
    transitions
        ``f_t(s, u)``, integer array of shape ``(N, S, U)`` with entries in
        ``[0, S)``: the state that decision ``u`` leads to from ``s`` at stage
        ``t``.
    final_costs
        ``c_N(s)``, shape ``(S,)``.

    Returns
    -------
    TabularDPResult
        The value table ``V_t(s)``, a best decision for every stage and state (the
        lowest index among ties) and the transition table.

    Raises
    ------
    ValueError
        If the shapes disagree, a cost is not finite, or a transition is not an
        integer state index.

    References
    ----------
    Bellman (1953) [bellman1953]; Bellman (1957) [bellman1957].

    Examples
    --------
    Two states, two decisions (stay or switch), two stages; staying in state 1
    costs nothing, everything else costs 1:

    >>> import numpy as np
    >>> costs = np.array([[[1.0, 1.0], [0.0, 1.0]]] * 2)
    >>> moves = np.array([[[0, 1], [1, 0]]] * 2)
    >>> res = tabular_dynamic_programming(costs, moves, [0.0, 0.0])
    >>> res.values[0].tolist(), res.path(0)[0].tolist()
    ([1.0, 0.0], [0, 1, 1])
    """
    costs = as_finite_array(stage_costs, "stage_costs", 3)
    n_stages, n_states, _ = costs.shape
    final = as_finite_array(final_costs, "final_costs", 1)
    if final.shape != (n_states,):
        raise ValueError(
            f"final_costs has shape {final.shape} but stage_costs has shape "
            f"{costs.shape}; expected final_costs of shape ({n_states},)"
        )
    moves = np.asarray(transitions)
    if moves.shape != costs.shape:
        raise ValueError(
            f"transitions has shape {moves.shape}; expected {costs.shape}, the "
            "shape of stage_costs"
        )
    if not np.issubdtype(moves.dtype, np.integer):
        raise ValueError(
            f"transitions must hold integer state indices, got dtype {moves.dtype}"
        )
    if moves.min() < 0 or moves.max() >= n_states:
        raise ValueError(
            f"transitions must lie in [0, {n_states - 1}], got values from "
            f"{moves.min()} to {moves.max()}"
        )
    values = np.empty((n_stages + 1, n_states))
    policy = np.empty((n_stages, n_states), dtype=int)
    values[n_stages] = final
    for t in range(n_stages - 1, -1, -1):
        totals = costs[t] + values[t + 1][moves[t]]
        policy[t] = np.argmin(totals, axis=1)
        values[t] = np.take_along_axis(totals, policy[t][:, None], axis=1)[:, 0]
    return TabularDPResult(values=values, policy=policy, transitions=moves.copy())


@dataclass(frozen=True, slots=True)
class GridDPResult:
    """Costs-to-go tabulated on a grid of a scalar state, and the best decisions.

    Attributes
    ----------
    grid
        The state grid, shape ``(S,)``, increasing.
    controls
        The candidate decisions, shape ``(U,)``.
    values
        ``V_t`` at the grid points, shape ``(N + 1, S)``.
    policy
        The best decision (a value from ``controls``) at each grid point and
        stage, shape ``(N, S)``.
    """

    grid: np.ndarray
    controls: np.ndarray
    values: np.ndarray
    policy: np.ndarray

    def value(self, x: float, stage: int = 0) -> float:
        """Return ``V_stage(x)``, linearly interpolated between grid points."""
        x = check_real(x, "x")
        stage = check_index(stage, "stage", self.values.shape[0])
        return float(np.interp(x, self.grid, self.values[stage]))


def grid_dynamic_programming(
    grid: Any,
    controls: Any,
    stage_cost: Callable[[np.ndarray, np.ndarray], Any],
    dynamics: Callable[[np.ndarray, np.ndarray], Any],
    final_cost: Callable[[np.ndarray], Any],
    n_stages: int,
) -> GridDPResult:
    """Run Bellman's recursion for a scalar state tabulated on a grid.

    The same ``c`` and ``f`` act at every stage. At every stage and grid point
    ``x_i``, every candidate decision ``u_j`` is tried: the next state
    ``f(x_i, u_j)`` generally falls between grid points, and ``V_{t+1}`` there is
    read off by linear interpolation of the table (beyond the ends of the grid
    the end values are used, so the grid should be wide enough to hold the
    states that matter).

    Parameters
    ----------
    grid
        The state grid, a strictly increasing 1-D array of at least two points.
    controls
        The candidate decisions, a 1-D array.
    stage_cost
        ``c(x, u)``, evaluated elementwise on broadcast arrays ``x`` of shape
        ``(S, 1)`` and ``u`` of shape ``(1, U)``; must return shape ``(S, U)``.
    dynamics
        ``f(x, u)``, the next state, called like ``stage_cost``.
    final_cost
        ``c_N(x)``, evaluated on the grid, shape ``(S,)``.
    n_stages
        The number of decisions ``N``; a positive integer.

    Returns
    -------
    GridDPResult
        The tabulated values ``V_t`` and a best decision at every grid point.

    Raises
    ------
    TypeError
        If a cost or the dynamics is not callable, or ``n_stages`` is not an
        integer.
    ValueError
        If the grid is not strictly increasing, an array is empty or non-finite,
        or a callable returns the wrong shape or non-finite values.

    References
    ----------
    Bellman (1953) [bellman1953]; Bellman (1957) [bellman1957].
    """
    grid = as_finite_array(grid, "grid", 1)
    if grid.size < 2 or np.any(np.diff(grid) <= 0):
        raise ValueError("grid must be strictly increasing with at least two points")
    controls = as_finite_array(controls, "controls", 1)
    check_callable(stage_cost, "stage_cost")
    check_callable(dynamics, "dynamics")
    check_callable(final_cost, "final_cost")
    n_stages = check_positive_int(n_stages, "n_stages")
    x, u = grid[:, None], controls[None, :]
    shape = (grid.size, controls.size)
    costs = as_returned_array(stage_cost(x, u), "stage_cost", shape, broadcast=True)
    nexts = as_returned_array(dynamics(x, u), "dynamics", shape, broadcast=True)
    values = np.empty((n_stages + 1, grid.size))
    policy = np.empty((n_stages, grid.size))
    values[n_stages] = as_returned_array(
        final_cost(grid), "final_cost", grid.shape, broadcast=True
    )
    for t in range(n_stages - 1, -1, -1):
        totals = costs + np.interp(nexts, grid, values[t + 1])
        best = np.argmin(totals, axis=1)
        policy[t] = controls[best]
        values[t] = totals[np.arange(grid.size), best]
    return GridDPResult(grid=grid, controls=controls, values=values, policy=policy)


@dataclass(frozen=True, slots=True)
class LQRResult:
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
) -> LQRResult:
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
    LQRResult
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
    A, B, Q, R, Q_final = as_lq_problem(A, B, Q, R, Q_final)
    n_stages = check_positive_int(n_stages, "n_stages")
    n, m = B.shape
    AB = np.hstack([A, B])  # the next state is AB @ (x, u)
    stage = np.zeros((n + m, n + m))  # the stage cost diag(Q, R) in (x, u)
    stage[:n, :n] = Q
    stage[n:, n:] = R
    P = np.empty((n_stages + 1, n, n))
    K = np.empty((n_stages, m, n))
    P[n_stages] = Q_final  # V_N(x) = x^T Q_final x
    for t in range(n_stages - 1, -1, -1):
        # c(x, u) + V_{t+1}(A x + B u) as one quadratic form in (x, u)
        M = stage + AB.T @ P[t + 1] @ AB
        # its minimum over u: u = -M_uu^-1 M_ux x = -K_t x
        K[t] = np.linalg.solve(M[n:, n:], M[n:, :n])
        # what is left is V_t(x) = x^T (M_xx - M_xu K_t) x, a Schur complement
        value = M[:n, :n] - M[:n, n:] @ K[t]
        P[t] = 0.5 * (value + value.T)  # symmetric up to rounding; make it exact
    return LQRResult(cost_to_go=P, gains=K)


def riccati_recursion(
    A: Any, B: Any, Q: Any, R: Any, Q_final: Any, n_stages: int
) -> LQRResult:
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
    LQRResult
        The Riccati matrices ``P_t`` and gains ``K_t``.

    Raises
    ------
    ValueError, TypeError
        As for :func:`lqr_dynamic_programming`.

    References
    ----------
    Bellman (1957) [bellman1957].
    """
    A, B, Q, R, Q_final = as_lq_problem(A, B, Q, R, Q_final)
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
    return LQRResult(cost_to_go=P, gains=K)
