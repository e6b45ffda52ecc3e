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
from typing import Any

import numpy as np

from histbp._validation import as_finite_array, as_finite_vector

#: Below this many machine epsilons of the merit's size, a predicted decrease of
#: the merit is lost in the rounding of the merit itself.
_RESOLVABLE: float = 16.0 * float(np.finfo(float).eps)

__all__ = [
    "ProjectionResult",
    "project_descend",
    "projected_gradient_step",
    "resample_controls",
]

Evaluation = tuple[float, np.ndarray, np.ndarray, np.ndarray]


@dataclass(frozen=True, slots=True)
class ProjectionResult:
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


def projected_gradient_step(
    gradient: Any, constraint_gradients: Any, violation: Any, weights: Any
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Project a gradient on the terminal constraints; find the restoring step.

    This is the core of Bryson and Denham's steepest-ascent step with terminal
    constraints, as Bryson and Ho (1969) present it. With ``g = dJ/dz``, the
    constraint gradients ``G = dpsi/dz`` (one row per constraint) and the metric
    ``W = diag(weights)``, the multipliers ``nu`` make the projected gradient
    ``p = g + G^T nu`` leave every constraint unchanged to first order
    (``G W^-1 p = 0``), and the restoring step ``-W^-1 G^T (G W^-1 G^T)^-1 psi``
    removes the violation ``psi`` to first order. A descent step of length
    ``eta`` is ``-eta W^-1 p`` plus the restoring step.

    Parameters
    ----------
    gradient
        ``dJ/dz``, shape ``(n,)``.
    constraint_gradients
        ``dpsi/dz``, shape ``(q, n)`` with ``q <= n`` independent rows.
    violation
        ``psi`` at ``z``, shape ``(q,)``.
    weights
        The positive diagonal of the metric ``W``, shape ``(n,)`` (for a control
        history, the time steps).

    Returns
    -------
    projected : numpy.ndarray
        ``p = g + G^T nu``, shape ``(n,)``.
    multipliers : numpy.ndarray
        ``nu = -(G W^-1 G^T)^-1 G W^-1 g``, shape ``(q,)``.
    restoring_step : numpy.ndarray
        ``-W^-1 G^T (G W^-1 G^T)^-1 psi``, shape ``(n,)``.

    Raises
    ------
    ValueError
        If a shape disagrees, a value is not finite, a weight is not positive,
        or the constraint gradients are dependent.

    References
    ----------
    Bryson and Denham (1962) [bryson1962steepest]; Bryson and Ho (1969)
    [brysonho1969].

    Examples
    --------
    One constraint on the first of two controls, violated by 0.5:

    >>> p, nu, rest = projected_gradient_step([1.0, 1.0], [[1.0, 0.0]], [0.5], [1, 1])
    >>> p.tolist(), nu.tolist(), rest.tolist()
    ([0.0, 1.0], [-1.0], [-0.5, 0.0])
    """
    g, gmat, psi, w_inv = _check_step(
        gradient, constraint_gradients, violation, weights
    )
    gw = gmat * w_inv  # G W^-1
    m = gw @ gmat.T  # G W^-1 G^T
    try:
        nu = -np.linalg.solve(m, gw @ g)
        restoring_step = -gw.T @ np.linalg.solve(m, psi)
    except np.linalg.LinAlgError:
        raise ValueError("the constraint gradients are linearly dependent") from None
    return g + gmat.T @ nu, nu, restoring_step


def _check_step(
    gradient: Any, constraint_gradients: Any, violation: Any, weights: Any
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The arguments of :func:`projected_gradient_step`, checked; ``W^-1``."""
    g = as_finite_vector(gradient, "gradient")
    n = g.size
    gmat = as_finite_array(constraint_gradients, "constraint_gradients", 2)
    if gmat.shape[1] != n:
        raise ValueError(
            f"constraint_gradients has shape {gmat.shape} but gradient has shape "
            f"{g.shape}; expected {n} columns"
        )
    psi = as_finite_vector(
        violation,
        "violation",
        gmat.shape[0],
        f"constraint_gradients has shape {gmat.shape}",
    )
    w = as_finite_vector(weights, "weights", n, f"gradient has shape {g.shape}")
    if np.any(w <= 0.0):
        raise ValueError("weights must be positive")
    return g, gmat, psi, 1.0 / w


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
) -> ProjectionResult:
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
    weights = np.asarray(weights, dtype=float)
    w_inv = 1.0 / weights
    eta = float(step)
    cost, psi, g, gmat = evaluate(z)
    costs, violations = [cost], [float(np.max(np.abs(psi)))]
    pnorms: list[float] = []
    iterations = 0
    while True:
        p, nu, d_rest = projected_gradient_step(g, gmat, psi, weights)
        pnorm = float(np.sqrt(p @ (w_inv * p)))
        pnorms.append(pnorm)
        met = pnorm <= tol and violations[-1] <= violation_tol
        if met or iterations >= max_iterations:
            break
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
    return ProjectionResult(
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


def resample_controls(values: Any, n_steps: int, name: str) -> np.ndarray:
    """Return ``values`` (one per step of some uniform grid) on ``n_steps`` steps.

    The values are read as samples at the midpoints of their steps and linearly
    interpolated to the midpoints of the new grid, so that a solution found on a
    coarse grid can start the iteration on a finer one.
    """
    v = as_finite_vector(values, name)
    if v.size == n_steps:
        return v
    old = (np.arange(v.size) + 0.5) / v.size
    new = (np.arange(n_steps) + 0.5) / n_steps
    return np.interp(new, old, v)
