"""Bryson and Ho (1969): the maximum-radius orbit transfer in a given time.

A spacecraft starts on a circular orbit of radius 1 (units with the gravitational
parameter, the initial radius and the initial mass all 1) and thrusts with
constant thrust ``T`` while losing mass at a constant rate, ``m(t) = 1 - mdot t``.
The control is the thrust direction ``phi``, measured from the local horizontal
(positive outwards). With ``u`` the radial and ``v`` the tangential velocity,

    ``r' = u``,
    ``u' = v^2 / r - 1 / r^2 + (T / m) sin(phi)``,
    ``v' = -u v / r + (T / m) cos(phi)``.

The task is to choose ``phi(t)`` on ``[0, tf]`` so that ``r(tf)`` is as large as
possible while the final orbit is circular: ``u(tf) = 0`` and ``v(tf) =
sqrt(1 / r(tf))``. It is solved here as the textbook solves it, by the gradient
method: the state is integrated forwards (classical Runge-Kutta on a uniform grid,
``phi`` constant over each step), one backward sweep of the discrete adjoint gives
the gradients of ``r(tf)`` and of both terminal constraints with respect to every
``phi_k``, and the control moves along the gradient projected so as to respect
the constraints, with a correction that restores them (Bryson and Denham's
steepest-ascent step).

References
----------
Bryson and Ho (1969) [brysonho1969].
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Final

import numpy as np

from histbp._validation import as_finite_vector, check_positive_int, check_real
from histbp.control._gradient_projection import project_descend, resample_controls
from histbp.control._planar_orbit import (
    CIRCULAR_START,
    OrbitPath,
    coast,
    coast_jacobian,
    path_of,
)
from histbp.control._rk4 import Trajectory, rk4_adjoint, rk4_forward

__all__ = [
    "FINAL_TIME",
    "MASS_RATE",
    "THRUST",
    "OrbitRaisingResult",
    "orbit_raising",
    "orbit_raising_terminal",
]

#: Thrust, in units of the initial weight at the initial radius.
THRUST: Final = 0.1405
#: Rate of mass loss, in initial masses per unit time.
MASS_RATE: Final = 0.0749
#: Duration of the transfer (about 0.53 of the initial orbit's period).
FINAL_TIME: Final = 3.32


@dataclass(frozen=True, slots=True)
class OrbitRaisingResult(OrbitPath):
    """The transfer found by :func:`orbit_raising`.

    Attributes
    ----------
    times, radius, radial_velocity, tangential_velocity, polar_angle
        The path, as in :class:`OrbitPath`.
    thrust_angle
        ``phi_k``, the thrust direction over each step (radians from the local
        horizontal, positive outwards), shape ``(N,)``; multiples of ``2 pi`` are
        chosen so that the history has no jumps and starts in ``(-pi, pi]``.
    final_radius
        ``r(tf)``, the maximised quantity.
    terminal_violation
        ``(u(tf), v(tf) - sqrt(1 / r(tf)))``, zero on a circular final orbit.
    projected_gradient_norm
        Norm of the gradient of ``r(tf)`` projected on the constraints, in the
        ``L2`` metric of the control history; zero at a stationary point.
    iterations
        Gradient steps taken.
    converged
        Whether the projected gradient and the violation fell to the tolerance.
    radius_history
        ``r(tf)`` after each iteration, shape ``(iterations + 1,)``.
    """

    thrust_angle: np.ndarray
    final_radius: float
    terminal_violation: np.ndarray
    projected_gradient_norm: float
    iterations: int
    converged: bool
    radius_history: np.ndarray


def _check_vehicle(
    thrust: float, mass_rate: float, final_time: float
) -> tuple[float, float, float]:
    thrust = check_real(thrust, "thrust", low=0.0, low_open=True)
    mass_rate = check_real(mass_rate, "mass_rate", low=0.0)
    final_time = check_real(final_time, "final_time", low=0.0, low_open=True)
    if mass_rate * final_time >= 1.0:
        raise ValueError(
            f"mass_rate * final_time = {mass_rate * final_time} must be below 1: "
            "the vehicle would run out of mass before the final time"
        )
    return thrust, mass_rate, final_time


def _model(thrust: float, mass_rate: float) -> tuple[Any, Any]:
    """The right-hand side and its vectorised Jacobians for one vehicle."""

    def f(x: np.ndarray, u: np.ndarray, t: float) -> np.ndarray:
        phi = float(u[0])
        a = thrust / (1.0 - mass_rate * t)
        dr, dvr, dvt = coast(*x.tolist())
        return np.array((dr, dvr + a * math.sin(phi), dvt + a * math.cos(phi)))

    def jac(x: np.ndarray, u: np.ndarray, t: np.ndarray) -> tuple[Any, Any]:
        phi = u[:, 0]
        a = thrust / (1.0 - mass_rate * t)
        dfdx = coast_jacobian(x[:, 0], x[:, 1], x[:, 2])
        dfdu = np.zeros((t.size, 3, 1))
        dfdu[:, 1, 0] = a * np.cos(phi)
        dfdu[:, 2, 0] = -a * np.sin(phi)
        return dfdx, dfdu

    return f, jac


def _continuous_angle(phi: np.ndarray) -> np.ndarray:
    """The same directions without jumps of 2 pi, starting in ``(-pi, pi]``."""
    unwrapped = np.unwrap(phi)
    return unwrapped - 2.0 * np.pi * np.round(unwrapped[0] / (2.0 * np.pi))


def _terminal(trajectory: Trajectory, jac: Any) -> tuple[np.ndarray, np.ndarray]:
    """``(r, u, v - r^-1/2)`` at the final time and their gradients, shape (3, N)."""
    r, vr, vt = trajectory.final_state
    values = np.array([r, vr, vt - r**-0.5])
    rows = np.array([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.5 * r**-1.5, 0.0, 1.0]])
    gradients = rk4_adjoint(trajectory, jac, rows).control_gradient[:, :, 0]
    return values, gradients


def orbit_raising_terminal(
    angles: Any,
    *,
    thrust: float = THRUST,
    mass_rate: float = MASS_RATE,
    final_time: float = FINAL_TIME,
) -> tuple[np.ndarray, np.ndarray]:
    """Final radius and terminal constraints for given thrust angles, with gradients.

    Parameters
    ----------
    angles
        The thrust angle over each of the ``N`` equal steps, shape ``(N,)``.
    thrust, mass_rate, final_time
        The vehicle and the duration, in the normalised units of the module.

    Returns
    -------
    values : numpy.ndarray
        ``(r(tf), u(tf), v(tf) - sqrt(1 / r(tf)))``, shape ``(3,)``.
    gradients : numpy.ndarray
        Their derivatives with respect to each angle, shape ``(3, N)``, from one
        backward sweep of the discrete adjoint of the Runge-Kutta integration.

    Raises
    ------
    ValueError
        If ``angles`` is not a non-empty 1-D finite array, or a vehicle parameter
        is out of range (including a mass that would reach zero).
    TypeError
        If a vehicle parameter is not a real number.

    References
    ----------
    Bryson and Ho (1969) [brysonho1969].

    Examples
    --------
    >>> import numpy as np
    >>> values, gradients = orbit_raising_terminal(np.zeros(40))
    >>> round(float(values[0]), 4), gradients.shape
    (1.9509, (3, 40))
    """
    thrust, mass_rate, final_time = _check_vehicle(thrust, mass_rate, final_time)
    phi = as_finite_vector(angles, "angles")
    f, jac = _model(thrust, mass_rate)
    return _terminal(rk4_forward(f, CIRCULAR_START, phi, tf=final_time), jac)


def orbit_raising(
    n_steps: int = 100,
    *,
    thrust: float = THRUST,
    mass_rate: float = MASS_RATE,
    final_time: float = FINAL_TIME,
    initial_angles: Any = None,
    max_iterations: int = 1000,
    tol: float = 1e-6,
) -> OrbitRaisingResult:
    """Maximise the final radius of a low-thrust transfer by the gradient method.

    Parameters
    ----------
    n_steps
        Number of equal steps of the grid; the thrust angle is constant over each.
    thrust, mass_rate, final_time
        The vehicle and the duration; the defaults are the textbook's problem.
    initial_angles
        Starting thrust-angle history, on any uniform grid (it is interpolated to
        ``n_steps`` steps); the default is tangential thrust, ``phi = 0``.
    max_iterations
        Largest number of gradient steps.
    tol
        Stop when the projected gradient norm and the largest terminal violation
        are both at most ``tol``.

    Returns
    -------
    OrbitRaisingResult
        The optimised control, the trajectory, ``r(tf)`` and how the run went.

    Raises
    ------
    TypeError
        If ``n_steps`` or ``max_iterations`` is not an integer, or a real
        parameter is not a real number.
    ValueError
        If a count is not positive, a parameter is out of range, the mass would
        reach zero, or ``initial_angles`` is not a finite 1-D array.

    References
    ----------
    Bryson and Ho (1969) [brysonho1969].

    Examples
    --------
    >>> result = orbit_raising(40)
    >>> result.converged, round(result.final_radius, 4)
    (True, 1.5251)
    """
    n_steps = check_positive_int(n_steps, "n_steps")
    max_iterations = check_positive_int(max_iterations, "max_iterations")
    tol = check_real(tol, "tol", low=0.0, low_open=True)
    thrust, mass_rate, final_time = _check_vehicle(thrust, mass_rate, final_time)
    if initial_angles is None:
        phi0 = np.zeros(n_steps)
    else:
        phi0 = resample_controls(initial_angles, n_steps, "initial_angles")
    f, jac = _model(thrust, mass_rate)

    def evaluate(phi: np.ndarray) -> tuple[float, Any, Any, Any]:
        values, gradients = _terminal(
            rk4_forward(f, CIRCULAR_START, phi, tf=final_time), jac
        )
        return -values[0], values[1:], -gradients[0], gradients[1:]

    h = final_time / n_steps
    run = project_descend(
        evaluate,
        phi0,
        np.full(n_steps, h),
        step=1.0,
        max_iterations=max_iterations,
        tol=tol,
    )
    traj = rk4_forward(f, CIRCULAR_START, run.z, tf=final_time)
    return OrbitRaisingResult(
        **path_of(traj),
        thrust_angle=_continuous_angle(run.z),
        final_radius=float(traj.states[-1, 0]),
        terminal_violation=np.array(run.violation),
        projected_gradient_norm=run.projected_gradient_norm,
        iterations=run.iterations,
        converged=run.converged,
        radius_history=-run.costs,
    )
