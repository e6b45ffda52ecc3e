"""Fixed-step Runge-Kutta integration of a controlled ODE and its discrete adjoint.

The state obeys ``dx/dt = f(x, u, t)`` on a uniform grid of ``N`` steps from ``t0``
to ``tf``; the control ``u_k`` is held constant over step ``k``. The classical
fourth-order Runge-Kutta step maps ``x_k`` to ``x_{k+1}`` through four stage
states ``y_1 = x_k``, ``y_2 = x_k + h/2 k_1``, ``y_3 = x_k + h/2 k_2``,
``y_4 = x_k + h k_3`` with slopes ``k_i = f(y_i, u_k, t_k + c_i h)``.

The gradient of a terminal quantity ``phi(x_N)`` with respect to every control is
obtained as in Kelley (1960) and Bryson (1961): the state is integrated forwards
and stored, then an adjoint ("influence function") is carried backwards,

    ``lambda_N = dphi/dx_N``,   ``lambda_k = lambda_{k+1} Phi_k``,
    ``dphi/du_k = lambda_{k+1} Psi_k``,

where ``Phi_k = dx_{k+1}/dx_k`` and ``Psi_k = dx_{k+1}/du_k`` are the Jacobians of
one Runge-Kutta step. These are differentiated from the step itself, stage by
stage, so the adjoint is the exact derivative of the discrete map (the *discrete*
adjoint) and agrees with finite differences of the integrator to rounding error,
not merely to the truncation error of the continuous adjoint equation.

The stage Jacobians ``df/dx`` and ``df/du`` of all steps are evaluated in one
vectorised call after the forward pass, so the backward sweep is a loop of small
matrix-vector products.

References
----------
Kelley (1960) [kelley1960]; Bryson (1961) [bryson1961];
Bryson and Ho (1969) [brysonho1969].
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from histbp._validation import (
    as_finite_array,
    as_finite_vector,
    check_callable,
    check_real,
)

__all__ = [
    "AdjointResult",
    "Trajectory",
    "rk4_adjoint",
    "rk4_forward",
    "step_jacobians",
]

#: Offsets of the four Runge-Kutta stages inside a step, in units of the step.
_STAGE_OFFSETS = np.array([0.0, 0.5, 0.5, 1.0])


@dataclass(frozen=True, slots=True)
class Trajectory:
    """A state history computed by :func:`rk4_forward`.

    Attributes
    ----------
    times
        The grid ``t_0, ..., t_N``, shape ``(N + 1,)``.
    states
        The state at each grid time, shape ``(N + 1, n)``.
    controls
        The control held over each step, shape ``(N, m)``.
    stages
        The four stage states ``y_1..y_4`` of each step, shape ``(N, 4, n)``:
        the points where the backward sweep evaluates the Jacobians.
    step
        The step ``h = (tf - t0) / N``.
    """

    times: np.ndarray
    states: np.ndarray
    controls: np.ndarray
    stages: np.ndarray
    step: float

    @property
    def final_state(self) -> np.ndarray:
        """The state ``x_N`` at the final time."""
        return self.states[-1]

    def stage_times(self) -> np.ndarray:
        """The times at which the slopes were evaluated, shape ``(N, 4)``."""
        return self.times[:-1, None] + self.step * _STAGE_OFFSETS

    def quadrature(self, integrand: np.ndarray) -> np.ndarray:
        """Integrate a quantity given at the stages with the Runge-Kutta weights.

        ``integrand`` has shape ``(N, 4)``, its values at the stage states; the
        result, shape ``(N + 1,)``, is the running integral from ``t_0``, exactly
        what :func:`rk4_forward` would give for an extra state with that
        derivative (e.g. the polar angle, ``dtheta/dt = v / r``).
        """
        values = np.asarray(integrand, dtype=float)
        if values.shape != self.stages.shape[:2]:
            raise ValueError(
                f"integrand has shape {values.shape}; expected {self.stages.shape[:2]}"
            )
        increments = (self.step / 6.0) * (values @ np.array([1.0, 2.0, 2.0, 1.0]))
        return np.concatenate(([0.0], np.cumsum(increments)))


@dataclass(frozen=True, slots=True)
class AdjointResult:
    """The backward sweep of :func:`rk4_adjoint`.

    Attributes
    ----------
    costates
        The adjoint ``lambda_k = dphi/dx_k`` at each grid time, shape ``(N + 1, n)``
        for one terminal quantity or ``(q, N + 1, n)`` for ``q`` of them.
    control_gradient
        ``dphi/du_k`` for each step, shape ``(N, m)`` or ``(q, N, m)``.
    """

    costates: np.ndarray
    control_gradient: np.ndarray


def _as_controls(controls: Any) -> np.ndarray:
    """Return the controls as a finite float array of shape ``(N, m)``."""
    u = as_finite_array(controls, "controls")
    if u.ndim == 1:
        u = u[:, None]
    if u.ndim != 2 or u.shape[0] == 0 or u.shape[1] == 0:
        raise ValueError(
            "controls must have shape (N,) or (N, m) with N >= 1 steps, "
            f"got shape {np.shape(controls)}"
        )
    return u


def rk4_forward(
    f: Callable[[np.ndarray, np.ndarray, float], Any],
    x0: Any,
    controls: Any,
    *,
    t0: float = 0.0,
    tf: float = 1.0,
) -> Trajectory:
    """Integrate ``dx/dt = f(x, u, t)`` by classical Runge-Kutta, storing everything.

    Parameters
    ----------
    f
        Right-hand side: ``f(x, u, t)`` with ``x`` of shape ``(n,)``, ``u`` of shape
        ``(m,)`` and a float ``t`` returns the derivative, shape ``(n,)``.
    x0
        Initial state, shape ``(n,)``.
    controls
        The control over each of the ``N`` steps, shape ``(N,)`` (one control) or
        ``(N, m)``; the number of steps is ``N``.
    t0, tf
        Initial and final time, ``tf > t0``.

    Returns
    -------
    Trajectory
        The grid, the states, and the stage states of every step (what the
        backward sweep needs).

    Raises
    ------
    TypeError
        If ``f`` is not callable.
    ValueError
        If ``x0`` or ``controls`` has the wrong shape or non-finite values, if
        ``tf <= t0``, if ``f`` returns the wrong shape (checked on the first
        call), or if the states become non-finite.

    References
    ----------
    Kelley (1960) [kelley1960].

    Examples
    --------
    >>> import numpy as np
    >>> growth = lambda x, u, t: u * x  # dx/dt = u x
    >>> traj = rk4_forward(growth, [1.0], np.ones(10), tf=1.0)
    >>> round(float(traj.final_state[0]), 6), round(float(np.e), 6)
    (2.71828, 2.718282)
    """
    check_callable(f, "f")
    x = as_finite_vector(x0, "x0")
    u = _as_controls(controls)
    t0 = check_real(t0, "t0")
    tf = check_real(tf, "tf", low=t0, low_open=True)
    n_steps, n = u.shape[0], x.size
    h = (tf - t0) / n_steps
    times = t0 + h * np.arange(n_steps + 1)
    times[-1] = tf
    states = np.empty((n_steps + 1, n))
    stages = np.empty((n_steps, 4, n))
    states[0] = x

    k1 = np.asarray(f(x, u[0], t0), dtype=float)
    if k1.shape != (n,):
        raise ValueError(f"f returned shape {k1.shape}; expected ({n},)")
    half = 0.5 * h
    for k in range(n_steps):
        uk, t = u[k], t0 + k * h
        if k:
            k1 = f(x, uk, t)
        y2 = x + half * k1
        k2 = f(y2, uk, t + half)
        y3 = x + half * k2
        k3 = f(y3, uk, t + half)
        y4 = x + h * k3
        k4 = f(y4, uk, t + h)
        row = stages[k]
        row[0], row[1], row[2], row[3] = x, y2, y3, y4
        x = x + (h / 6.0) * (k1 + 2.0 * (k2 + k3) + k4)
        states[k + 1] = x
    if not np.all(np.isfinite(states)):
        raise ValueError("the integration produced non-finite states")
    return Trajectory(times=times, states=states, controls=u, stages=stages, step=h)


def step_jacobians(
    trajectory: Trajectory,
    jac: Callable[[np.ndarray, np.ndarray, np.ndarray], tuple[Any, Any]],
) -> tuple[np.ndarray, np.ndarray]:
    """Return the Jacobians of every Runge-Kutta step of ``trajectory``.

    Parameters
    ----------
    trajectory
        The output of :func:`rk4_forward`.
    jac
        Vectorised stage Jacobians: ``jac(y, u, t)`` with ``y`` of shape
        ``(S, n)``, ``u`` of shape ``(S, m)`` and ``t`` of shape ``(S,)`` returns
        ``(A, B)``, the arrays of ``df/dx`` (shape ``(S, n, n)``) and ``df/du``
        (shape ``(S, n, m)``) at the ``S`` points.

    Returns
    -------
    Phi : numpy.ndarray
        ``dx_{k+1}/dx_k``, shape ``(N, n, n)``.
    Psi : numpy.ndarray
        ``dx_{k+1}/du_k``, shape ``(N, n, m)``.

    Raises
    ------
    TypeError
        If ``jac`` is not callable.
    ValueError
        If ``jac`` returns arrays of the wrong shape or non-finite values.
    """
    check_callable(jac, "jac")
    n_steps, _, n = trajectory.stages.shape
    m = trajectory.controls.shape[1]
    s = 4 * n_steps
    y = trajectory.stages.reshape(s, n)
    u = np.repeat(trajectory.controls, 4, axis=0)
    t = trajectory.stage_times().reshape(s)
    out = jac(y, u, t)
    if not isinstance(out, tuple) or len(out) != 2:
        raise ValueError("jac must return a pair (df/dx, df/du)")
    a = np.asarray(out[0], dtype=float)
    b = np.asarray(out[1], dtype=float)
    if a.shape != (s, n, n) or b.shape != (s, n, m):
        raise ValueError(
            f"jac returned shapes {a.shape} and {b.shape} for {s} stage points; "
            f"expected ({s}, {n}, {n}) and ({s}, {n}, {m})"
        )
    if not (np.all(np.isfinite(a)) and np.all(np.isfinite(b))):
        raise ValueError("jac returned non-finite values")
    a = a.reshape(n_steps, 4, n, n)
    b = b.reshape(n_steps, 4, n, m)
    h = trajectory.step
    # Tangents of the slopes k_i with respect to x_k (dk) and u_k (ek), stage by
    # stage: k_i = f(x_k + c_i h k_{i-1}, u_k), so dk_i = A_i (I + c_i h dk_{i-1}).
    eye = np.eye(n)
    dk = a[:, 0]
    ek = b[:, 0]
    sum_dk, sum_ek = dk.copy(), ek.copy()
    for i, (c, w) in enumerate(((0.5, 2.0), (0.5, 2.0), (1.0, 1.0)), start=1):
        dk = a[:, i] @ (eye + (c * h) * dk)
        ek = b[:, i] + (c * h) * (a[:, i] @ ek)
        sum_dk += w * dk
        sum_ek += w * ek
    phi = eye + (h / 6.0) * sum_dk
    psi = (h / 6.0) * sum_ek
    return phi, psi


def rk4_adjoint(
    trajectory: Trajectory,
    jac: Callable[[np.ndarray, np.ndarray, np.ndarray], tuple[Any, Any]],
    terminal_gradient: Any,
) -> AdjointResult:
    """Sweep the discrete adjoint of :func:`rk4_forward` backwards.

    Parameters
    ----------
    trajectory
        The output of :func:`rk4_forward`.
    jac
        Vectorised stage Jacobians, as for :func:`step_jacobians`.
    terminal_gradient
        ``dphi/dx_N``, shape ``(n,)``; or shape ``(q, n)`` for ``q`` terminal
        quantities at once (one influence function each, one sweep for all).

    Returns
    -------
    AdjointResult
        The costates at every grid time and the gradient with respect to every
        control.

    Raises
    ------
    TypeError
        If ``jac`` is not callable.
    ValueError
        If ``terminal_gradient`` has the wrong shape or non-finite values, or
        ``jac`` misbehaves.

    References
    ----------
    Kelley (1960) [kelley1960]; Bryson (1961) [bryson1961].

    Examples
    --------
    >>> import numpy as np
    >>> f = lambda x, u, t: u * x
    >>> def jac(x, u, t):
    ...     return u[:, :, None] * np.ones((len(t), 1, 1)), x[:, :, None]
    >>> traj = rk4_forward(f, [1.0], np.ones(20), tf=1.0)
    >>> adj = rk4_adjoint(traj, jac, [1.0])  # d x(1) / d u_k = h x(1)
    >>> bool(np.allclose(adj.control_gradient[:, 0], np.e / 20, rtol=1e-4))
    True
    """
    n_steps, _, n = trajectory.stages.shape
    lam = as_finite_array(terminal_gradient, "terminal_gradient")
    if lam.ndim not in (1, 2) or lam.shape[-1] != n or lam.size == 0:
        raise ValueError(
            f"terminal_gradient must have shape ({n},) or (q, {n}), "
            f"got shape {lam.shape}"
        )
    single = lam.ndim == 1
    lam = np.atleast_2d(lam)  # one row per terminal quantity
    phi, psi = step_jacobians(trajectory, jac)  # dx_{k+1}/dx_k, dx_{k+1}/du_k
    costates = np.empty((n_steps + 1, *lam.shape))
    costates[n_steps] = lam  # lambda_N = dphi/dx_N
    for k in range(n_steps - 1, -1, -1):
        lam = lam @ phi[k]  # lambda_k = lambda_{k+1} Phi_k
        costates[k] = lam
    # dphi/du_k = lambda_{k+1} Psi_k, for every step and terminal quantity at once
    grads = np.einsum("kqn,knm->qkm", costates[1:], psi)
    costates = costates.transpose(1, 0, 2)
    if single:
        return AdjointResult(costates=costates[0], control_gradient=grads[0])
    return AdjointResult(costates=costates, control_gradient=grads)
