"""Gradient projection with terminal constraints, for the trajectory problems.

This is the steepest-descent step of Bryson and Denham (1962) as presented by
Bryson and Ho (1969). The controls ``z`` move against the gradient of the cost
``J`` projected onto the controls that leave the terminal constraints ``psi``
unchanged to first order, plus a minimum-norm correction that removes the
constraint violation to first order. Both are measured in a weighted metric
``sum_i w_i dz_i^2`` (for a control history ``w_i`` is the time step, so that the
metric approximates the ``L2`` norm of a function and the iteration hardly
depends on the grid):

    ``nu = -(G W^-1 G^T)^-1 G W^-1 g``   (the multipliers of the constraints),
    ``dz = -eta W^-1 (g + G^T nu) - W^-1 G^T (G W^-1 G^T)^-1 psi``,

with ``g = dJ/dz`` and ``G = dpsi/dz``, all from one adjoint sweep. The step is
halved until the merit ``J + nu.psi + rho/2 |psi|^2`` decreases (``dz`` is a
descent direction for it whatever ``rho > 0``); ``eta`` grows by half after a
full step and shrinks with the line search otherwise. While the constraints are
violated by more than a threshold, the step is the correction alone and only the
violation has to decrease (a restoration phase, as in Miele's later
gradient-restoration algorithms).

The merit is computed with a rounding error of some units in the last place of
its value, so a decrease smaller than that cannot be told from noise: once the
decrease the linear model predicts for the trial step is below ``16 eps |merit|``
(``eps`` the machine epsilon), no further progress can be resolved, and the run
stops there, not converged, instead of taking ever smaller steps on rounding
noise. The projected-gradient tolerance must therefore leave
room above that level: a projected gradient ``p`` lowers the merit by about
``eta |p|^2`` per step.

References
----------
Bryson and Denham (1962) [bryson1962steepest]; Bryson and Ho (1969)
[brysonho1969]; Kelley (1960) [kelley1960].
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

#: Below this many machine epsilons of the merit's size, a predicted decrease of
#: the merit is lost in the rounding of the merit itself.
_RESOLVABLE: float = 16.0 * float(np.finfo(float).eps)

__all__ = ["ProjectionRun", "project_descend"]

Evaluation = tuple[float, np.ndarray, np.ndarray, np.ndarray]


@dataclass(frozen=True, slots=True)
class ProjectionRun:
    """The end point of :func:`project_descend` and how it got there."""

    z: np.ndarray
    cost: float
    violation: np.ndarray
    multipliers: np.ndarray
    projected_gradient_norm: float
    iterations: int
    converged: bool
    costs: np.ndarray
    violation_norms: np.ndarray
    gradient_norms: np.ndarray


def _merit(
    nu: np.ndarray, rho: float, *, with_cost: bool
) -> Callable[[float, np.ndarray], float]:
    """The merit ``[J] + nu.psi + rho/2 |psi|^2`` as a function of ``(J, psi)``."""

    def merit(cost: float, psi: np.ndarray) -> float:
        base = cost if with_cost else 0.0
        return float(base + nu @ psi + 0.5 * rho * (psi @ psi))

    return merit


def project_descend(
    evaluate: Callable[[np.ndarray], Evaluation],
    z0: np.ndarray,
    weights: np.ndarray,
    *,
    step: float,
    max_iterations: int,
    tol: float,
    violation_tol: float | None = None,
    rho: float = 10.0,
    max_step: float = np.inf,
    restore_above: float = 1e-5,
) -> ProjectionRun:
    """Minimise ``J(z)`` subject to ``psi(z) = 0`` by projected steepest descent.

    ``evaluate(z)`` returns ``(J, psi, g, G)``. The run stops when the projected
    gradient (in the metric's norm) falls to ``tol`` and the largest constraint
    violation to ``violation_tol`` (default ``tol``), after ``max_iterations``
    iterations, or when the line search can no longer resolve a decrease of the
    merit (see the module's docstring). While the largest violation exceeds
    ``restore_above`` the step is the restoring correction alone, and the line
    search asks only that ``|psi|`` decrease.
    """
    violation_tol = tol if violation_tol is None else violation_tol
    z = np.array(z0, dtype=float)
    w_inv = 1.0 / np.asarray(weights, dtype=float)
    eta = float(step)
    cost, psi, g, gmat = evaluate(z)
    costs, violations = [cost], [float(np.max(np.abs(psi)))]
    pnorms: list[float] = []
    iterations = 0
    while True:
        gw = gmat * w_inv
        m = gw @ gmat.T
        nu = -np.linalg.solve(m, gw @ g)
        p = g + gmat.T @ nu
        pnorm = float(np.sqrt(p @ (w_inv * p)))
        pnorms.append(pnorm)
        met = pnorm <= tol and violations[-1] <= violation_tol
        if met or iterations >= max_iterations:
            break
        d_rest = -gw.T @ np.linalg.solve(m, psi)
        restoring = violations[-1] > restore_above
        if restoring:  # far from the constraints: restore only (Gauss-Newton)
            d, merit_of = d_rest, _merit(np.zeros_like(nu), 1.0, with_cost=False)
            slope = -float(psi @ psi)
        else:
            d, merit_of = d_rest - eta * (w_inv * p), _merit(nu, rho, with_cost=True)
            slope = -(eta * pnorm**2) - rho * float(psi @ psi)
        merit = merit_of(cost, psi)
        stalled = False
        s = 1.0
        while True:
            if not restoring and s * -slope < _RESOLVABLE * abs(merit):
                stalled = True  # no decrease left that the merit can resolve
                break
            trial = z + s * d
            try:
                with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
                    t_cost, t_psi, t_g, t_gmat = evaluate(trial)
            except (ValueError, ArithmeticError):  # the trial trajectory blew up
                t_merit = np.inf
            else:
                t_merit = merit_of(t_cost, t_psi)
            if np.isfinite(t_merit) and t_merit <= merit + 1e-4 * s * slope:
                break
            s *= 0.5
            if s < 1e-12:
                raise RuntimeError("the line search failed to decrease the merit")
        if stalled:
            break  # the current point stands, with its projected gradient
        if not restoring:
            eta = min(eta * 1.5, max_step) if s == 1.0 else eta * s
        z, cost, psi, g, gmat = trial, t_cost, t_psi, t_g, t_gmat
        iterations += 1
        costs.append(cost)
        violations.append(float(np.max(np.abs(psi))))
    return ProjectionRun(
        z=z,
        cost=float(cost),
        violation=psi,
        multipliers=nu,
        projected_gradient_norm=pnorm,
        iterations=iterations,
        converged=bool(pnorm <= tol and violations[-1] <= violation_tol),
        costs=np.array(costs),
        violation_norms=np.array(violations),
        gradient_norms=np.array(pnorms),
    )
