"""Dreyfus (1973): controller parameters adapted along a backward-sweep gradient.

The plant is linear with a time lag,

    ``x_{k+1} = A x_k + A_lag x_{k-d} + B u_k``,  ``k = 0, ..., N - 1``,

with the history before the start held at the initial state (``x_j = x_0`` for
``j < 0``), and it is driven by a linear feedback controller ``u_k = -K_k x_k``
whose gains are the parameters: one gain matrix for every stage, or a single
matrix shared by all stages (as the weights of a recurrent network are). The cost
over a batch of initial states is
``J = sum (sum_k x_k^T Q x_k + u_k^T R u_k) + x_N^T Q_final x_N``.

The backward sweep carries ``g_k = dJ/dx_k`` (the later gains held fixed) from
the end. A state reaches the cost through the next state and, ``d + 1`` stages
later, through the lagged term, and the chain rule adds the two:

    ``g_N = 2 Q_final x_N``,
    ``g_k = 2 (Q + K_k^T R K_k) x_k + (A - B K_k)^T g_{k+1} + A_lag^T g_{k+d+1}``,

the last term only where ``k + d + 1 <= N`` (and, for ``k = 0``, once more for
every early stage that reads the history). Each gain then receives
``dJ/dK_k = 2 R K_k x_k x_k^T - B^T g_{k+1} x_k^T``, summed over the batch (and
over the stages, for a shared gain). This models the kind of problem in the title
of Dreyfus's paper, not the paper's own example.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from histbp._validation import (
    as_finite_array,
    as_lq_problem,
    check_positive_int,
    check_real,
)

__all__ = [
    "FeedbackAdaptationResult",
    "FeedbackGradientResult",
    "LaggedLinearSystem",
    "adapt_feedback",
    "feedback_cost",
    "feedback_gradient",
]


@dataclass(frozen=True, slots=True)
class LaggedLinearSystem:
    """A linear plant with an optional time lag, and a quadratic cost.

    Attributes
    ----------
    A, B
        ``x_{k+1} = A x_k + A_lag x_{k-lag} + B u_k``; shapes ``(n, n)`` and
        ``(n, m)``.
    Q, R, Q_final
        Cost weights: ``Q`` and ``Q_final`` symmetric positive semidefinite
        ``(n, n)``, ``R`` symmetric positive definite ``(m, m)``.
    n_stages
        The number of stages ``N``, a positive integer.
    A_lag
        The matrix acting on the lagged state, ``(n, n)``, or ``None`` for a plant
        without lag.
    lag
        The lag ``d`` in stages, a positive integer (ignored without ``A_lag``).
    """

    A: np.ndarray
    B: np.ndarray
    Q: np.ndarray
    R: np.ndarray
    Q_final: np.ndarray
    n_stages: int
    A_lag: np.ndarray | None = None
    lag: int = 1

    def __post_init__(self) -> None:
        A, B, Q, R, Q_final = as_lq_problem(
            self.A, self.B, self.Q, self.R, self.Q_final
        )
        for name, value in zip(
            ("A", "B", "Q", "R", "Q_final"), (A, B, Q, R, Q_final), strict=True
        ):
            object.__setattr__(self, name, value)
        object.__setattr__(
            self, "n_stages", check_positive_int(self.n_stages, "n_stages")
        )
        object.__setattr__(self, "lag", check_positive_int(self.lag, "lag"))
        if self.A_lag is not None:
            n = A.shape[0]
            object.__setattr__(
                self, "A_lag", as_finite_array(self.A_lag, "A_lag", 2, (n, n))
            )


@dataclass(frozen=True, slots=True)
class FeedbackGradientResult:
    """The cost of a set of gains and its gradient from the backward sweep.

    Attributes
    ----------
    cost
        ``J``, summed over the batch of initial states.
    gradient
        ``dJ/dK``, the shape of the gains.
    states
        ``x_k`` for every initial state, shape ``(S, N + 1, n)``.
    costates
        ``g_k = dJ/dx_k``, shape ``(S, N + 1, n)``; ``g_0`` counts the history,
        which is tied to ``x_0``.
    """

    cost: float
    gradient: np.ndarray
    states: np.ndarray
    costates: np.ndarray


@dataclass(frozen=True, slots=True)
class FeedbackAdaptationResult:
    """The course of gradient descent on the controller gains.

    Attributes
    ----------
    gains
        The gains after the last step.
    costs
        ``J`` before each step and after the last, shape ``(steps + 1,)``.
    gradient_norms
        The Frobenius norm of ``dJ/dK`` at the same points, shape ``(steps + 1,)``.
    """

    gains: np.ndarray
    costs: np.ndarray
    gradient_norms: np.ndarray


def feedback_cost(system: LaggedLinearSystem, gains: Any, initial_states: Any) -> float:
    """Return ``J`` for the controller ``u_k = -K_k x_k``.

    Parameters
    ----------
    system
        The plant and the cost weights.
    gains
        ``K``: shape ``(m, n)`` for one gain shared by all stages, or
        ``(N, m, n)`` for one gain per stage.
    initial_states
        One initial state, shape ``(n,)``, or a batch, shape ``(S, n)``.

    Returns
    -------
    float
        The cost, summed over the batch.

    Raises
    ------
    TypeError
        If ``system`` is not a :class:`LaggedLinearSystem`.
    ValueError
        If the gains or initial states have the wrong shape or non-finite values.

    References
    ----------
    Dreyfus (1973) [dreyfus1973].
    """
    gains, x0 = _check(system, gains, initial_states)
    states, controls = _forward(system, _per_stage(system, gains), x0)
    return _cost(system, states, controls)


def feedback_gradient(
    system: LaggedLinearSystem, gains: Any, initial_states: Any
) -> FeedbackGradientResult:
    """Return ``dJ/dK`` by one forward run and one backward sweep.

    Parameters
    ----------
    system, gains, initial_states
        As for :func:`feedback_cost`.

    Returns
    -------
    FeedbackGradientResult
        The cost, its gradient (the shape of ``gains``), the states and the
        costates ``dJ/dx_k``.

    Raises
    ------
    TypeError, ValueError
        As for :func:`feedback_cost`.

    References
    ----------
    Dreyfus (1973) [dreyfus1973]; Dreyfus (1962) [dreyfus1962].
    """
    gains, x0 = _check(system, gains, initial_states)
    per_stage = _per_stage(system, gains)
    states, controls = _forward(system, per_stage, x0)
    A, B, Q, R = system.A, system.B, system.Q, system.R
    N, d = system.n_stages, system.lag
    g = np.zeros_like(states)  # g[:, k] = dJ/dx_k, one row per initial state
    dK = np.zeros_like(per_stage)
    g[:, N] = 2.0 * states[:, N] @ system.Q_final
    for k in range(N - 1, -1, -1):
        K, x = per_stage[k], states[:, k]
        # through the stage cost and the closed loop x_{k+1} = (A - B K) x_k + ...
        g[:, k] = 2.0 * x @ (Q + K.T @ R @ K) + g[:, k + 1] @ (A - B @ K)
        if system.A_lag is not None:
            # stages j >= 0 whose lagged argument x_{j-d} is x_k (for k = 0 also
            # the stages that read the history, which is x_0)
            readers = [k + d] if k > 0 else list(range(d + 1))
            for j in readers:
                if j < N:
                    g[:, k] += g[:, j + 1] @ system.A_lag
        # the gain's own contribution, summed over the batch of initial states
        dK[k] = (2.0 * R @ K @ x.T - B.T @ g[:, k + 1].T) @ x
    gradient = dK if gains.ndim == 3 else dK.sum(axis=0)  # a shared gain: sum
    return FeedbackGradientResult(
        cost=_cost(system, states, controls),
        gradient=gradient,
        states=states,
        costates=g,
    )


def adapt_feedback(
    system: LaggedLinearSystem,
    gains: Any,
    initial_states: Any,
    *,
    learning_rate: float,
    steps: int,
) -> FeedbackAdaptationResult:
    """Adapt the gains by ``K <- K - learning_rate * dJ/dK``, ``steps`` times.

    Parameters
    ----------
    system, gains, initial_states
        As for :func:`feedback_cost`; ``gains`` is the starting point.
    learning_rate
        The fixed step, positive.
    steps
        The number of steps, a positive integer.

    Returns
    -------
    FeedbackAdaptationResult
        The final gains and the cost and gradient norm along the way.

    Raises
    ------
    TypeError, ValueError
        As for :func:`feedback_cost`; also ``ValueError`` if the cost stops being
        finite (the learning rate is too large).

    References
    ----------
    Dreyfus (1973) [dreyfus1973].
    """
    gains, x0 = _check(system, gains, initial_states)
    learning_rate = check_real(learning_rate, "learning_rate", low=0.0, low_open=True)
    steps = check_positive_int(steps, "steps")
    costs, norms = [], []
    with np.errstate(over="ignore", invalid="ignore"):
        for step in range(steps + 1):
            run = feedback_gradient(system, gains, x0)
            if not (np.isfinite(run.cost) and np.all(np.isfinite(run.gradient))):
                raise ValueError(
                    f"the cost diverged at step {step}; learning_rate "
                    f"{learning_rate} is too large"
                )
            costs.append(run.cost)
            norms.append(float(np.linalg.norm(run.gradient)))
            if step < steps:
                gains = gains - learning_rate * run.gradient
    return FeedbackAdaptationResult(
        gains=gains, costs=np.array(costs), gradient_norms=np.array(norms)
    )


def _check(
    system: Any, gains: Any, initial_states: Any
) -> tuple[np.ndarray, np.ndarray]:
    """Check the system, the gains' shape and the batch of initial states."""
    if not isinstance(system, LaggedLinearSystem):
        raise TypeError(
            f"system must be a LaggedLinearSystem, got {type(system).__name__}"
        )
    n, m = system.B.shape
    N = system.n_stages
    K = np.asarray(gains, dtype=float)
    if K.shape not in ((m, n), (N, m, n)):
        raise ValueError(
            f"gains has shape {K.shape}; expected ({m}, {n}) for a shared gain or "
            f"({N}, {m}, {n}) for one gain per stage"
        )
    K = as_finite_array(K, "gains", K.ndim)
    x0 = np.asarray(initial_states, dtype=float)
    if x0.ndim == 1:
        x0 = x0[None, :]
    if x0.ndim != 2 or x0.shape[1] != n or x0.shape[0] == 0:
        raise ValueError(
            f"initial_states has shape {np.shape(initial_states)}; expected ({n},) "
            f"or (S, {n})"
        )
    x0 = as_finite_array(x0, "initial_states", 2)
    return K, x0


def _per_stage(system: LaggedLinearSystem, gains: np.ndarray) -> np.ndarray:
    """The gains as an ``(N, m, n)`` array."""
    if gains.ndim == 3:
        return gains
    return np.broadcast_to(gains, (system.n_stages, *gains.shape)).copy()


def _forward(
    system: LaggedLinearSystem, gains: np.ndarray, x0: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """States ``(S, N + 1, n)`` and controls ``(S, N, m)`` of the closed loop."""
    N, d = system.n_stages, system.lag
    S, n = x0.shape
    states = np.empty((S, N + 1, n))
    controls = np.empty((S, N, system.B.shape[1]))
    states[:, 0] = x0
    for k in range(N):
        x = states[:, k]
        controls[:, k] = -x @ gains[k].T
        nxt = x @ system.A.T + controls[:, k] @ system.B.T
        if system.A_lag is not None:
            nxt = nxt + states[:, max(k - d, 0)] @ system.A_lag.T
        states[:, k + 1] = nxt
    return states, controls


def _cost(
    system: LaggedLinearSystem, states: np.ndarray, controls: np.ndarray
) -> float:
    """The quadratic cost of a closed-loop run, summed over the batch."""
    x, u, xN = states[:, :-1], controls, states[:, -1]
    total = (
        np.einsum("skn,nm,skm->", x, system.Q, x)
        + np.einsum("skn,nm,skm->", u, system.R, u)
        + np.einsum("sn,nm,sm->", xN, system.Q_final, xN)
    )
    return float(total)
