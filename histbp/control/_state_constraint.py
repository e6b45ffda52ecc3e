"""The Bryson-Denham problem: least control effort under a state constraint.

Minimise ``J = 1/2 int_0^1 u(t)^2 dt`` for ``x'' = u`` with ``x(0) = x(1) = 0``,
``x'(0) = 1``, ``x'(1) = -1`` and the path constraint ``x(t) <= l``. Without the
constraint the best path is ``x = t (1 - t)``, with ``u = -2``, ``J = 2`` and a
highest point of ``1/4``; a lower ceiling ``l`` forces the path to bend sooner and
the cost up.

:func:`bryson_denham` solves the problem discretised on ``N`` equal intervals,
with ``u`` constant on each interval, the dynamics integrated exactly, the cost
integrated exactly and the constraint imposed at every grid point. Every state is
then a linear function of the decisions, and the problem is a quadratic program:
the least-norm decision vector satisfying two end conditions and ``N - 1``
inequalities, solved exactly by an active-set method (no penalty parameter).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from histbp._validation import check_positive_int, check_real
from histbp.control._least_norm import least_norm_point

__all__ = ["BrysonDenhamResult", "bryson_denham"]


@dataclass(frozen=True, slots=True)
class BrysonDenhamResult:
    """The solution of the discretised Bryson-Denham problem.

    Attributes
    ----------
    limit
        The ceiling ``l`` on the position.
    times
        The grid ``t_k = k / N``, shape ``(N + 1,)``.
    position, velocity
        ``x(t_k)`` and ``x'(t_k)``, shape ``(N + 1,)`` each.
    control
        ``u`` on each interval, shape ``(N,)``.
    cost
        ``J = 1/2 sum_k u_k^2 / N``, the exact integral of ``u^2 / 2``.
    multipliers
        The multiplier of each constraint ``x(t_k) <= l``, ``k = 1, ..., N - 1``,
        scaled as derivatives of ``J`` with respect to ``l``, non-negative, shape
        ``(N - 1,)``; positive only where the constraint binds.
    iterations
        The number of linear solves the active-set method took.
    """

    limit: float
    times: np.ndarray
    position: np.ndarray
    velocity: np.ndarray
    control: np.ndarray
    cost: float
    multipliers: np.ndarray
    iterations: int

    @property
    def touching(self) -> np.ndarray:
        """The grid times at which the path lies on the ceiling (within 1e-9)."""
        on = np.abs(self.position - self.limit) <= 1e-9 * max(1.0, self.limit)
        return self.times[on]


def bryson_denham(limit: float, n_steps: int) -> BrysonDenhamResult:
    """Solve the Bryson-Denham problem on ``n_steps`` intervals exactly.

    With ``h = 1 / N`` and ``u_j`` the control on ``[t_j, t_{j+1})``,
    ``x(t_k) = t_k + sum_{j<k} h (t_k - t_j - h/2) u_j`` and
    ``x'(t_k) = 1 + h sum_{j<k} u_j``. The end conditions ``x(1) = 0`` and
    ``x'(1) = -1`` are two linear equations in ``u``, the ceiling gives
    ``N - 1`` linear inequalities, and ``J = h/2 |u|^2``.

    Parameters
    ----------
    limit
        The ceiling ``l``, a positive real number (for ``l >= 1/4`` it does not
        bind).
    n_steps
        The number of intervals ``N``; an integer of at least 4.

    Returns
    -------
    BrysonDenhamResult
        The optimal discrete path, its cost and the constraint multipliers.

    Raises
    ------
    TypeError
        If ``limit`` is not a real number or ``n_steps`` is not an integer.
    ValueError
        If ``limit`` is not positive or ``n_steps`` is less than 4.

    References
    ----------
    Bryson, Denham and Dreyfus (1963) [bryson1963inequality]; Bryson and Ho
    (1969) [brysonho1969].

    Examples
    --------
    >>> sol = bryson_denham(0.3, 10)   # the ceiling does not bind
    >>> round(sol.cost, 12), round(float(sol.position.max()), 12)
    (2.0, 0.25)
    """
    limit = check_real(limit, "limit", low=0.0, low_open=True)
    n_steps = check_positive_int(n_steps, "n_steps")
    if n_steps < 4:
        raise ValueError(f"n_steps must be at least 4, got {n_steps}")
    h = 1.0 / n_steps
    times = np.arange(n_steps + 1) * h
    starts = times[:-1]
    # position[k] = times[k] + (to_position @ u)[k]; velocity[k] = 1 + h sum_{j<k} u_j
    later = starts[None, :] < times[:, None] - 0.5 * h
    to_position = np.where(later, h * (times[:, None] - starts[None, :] - 0.5 * h), 0.0)
    to_velocity = np.where(later, h, 0.0)
    E = np.vstack([to_position[-1], to_velocity[-1]])
    e = np.array([0.0 - times[-1], -1.0 - 1.0])
    G = to_position[1:-1]
    b = limit - times[1:-1]
    u, z, iterations = least_norm_point(E, e, G, b)
    return BrysonDenhamResult(
        limit=limit,
        times=times,
        position=times + to_position @ u,
        velocity=1.0 + to_velocity @ u,
        control=u,
        cost=0.5 * h * float(u @ u),
        multipliers=h * z,
        iterations=iterations,
    )
