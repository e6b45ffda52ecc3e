"""Kelley (1960): the gradient method in function space, on a solar-sail transfer.

Kelley's illustration of his gradient theory was the minimum-time transfer, in the
plane, from the orbit of Earth to the orbit of Mars by a solar sail. Here both
orbits are circular and coplanar; units are astronomical units, the Sun's
gravitational parameter is 1 (so Earth's orbital speed is 1 and a year is
``2 pi``), and Mars's orbit has radius 1.524. The state is the radius ``r``, the
radial velocity ``u`` and the tangential velocity ``v``; the control is the sail's
cone angle ``alpha`` between the sail normal and the Sun-sail line (positive
towards the direction of motion). A flat, perfectly reflecting sail is pushed
along its normal, away from the Sun, with acceleration ``a_c cos^2(alpha) / r^2``:

    ``r' = u``,
    ``u' = v^2 / r - 1 / r^2 + a_c |cos(alpha)|^3 / r^2``,
    ``v' = -u v / r + a_c |cos(alpha)| cos(alpha) sin(alpha) / r^2``.

The absolute values make the model hold for every angle: ``alpha`` and
``alpha + pi`` are the same plane, and light can only push (for
``|alpha| <= pi/2`` they are the textbook ``cos^3`` and ``cos^2 sin``). The
force is continuously differentiable in ``alpha`` and no angle makes it pull
towards the Sun, so the unconstrained gradient iteration cannot exploit an
unphysical sail.

The characteristic acceleration ``a_c`` (at 1 AU) defaults to 1 mm/s^2, a round
figure often used for a near-term sail; the Sun's gravity at 1 AU is 5.93 mm/s^2,
so ``a_c = 0.1686`` in these units (:data:`SAIL_ACCELERATION`).

Minimum time is handled by scaling time: with ``t = tf s``, ``s`` in ``[0, 1]``,
the equations become ``dx/ds = tf f(x, alpha)`` on a fixed grid in ``s``, and the
unknowns are the ``N`` cone angles and ``tf`` itself. Minimise ``tf`` subject to
``r(tf) = 1.524``, ``u(tf) = 0`` and ``v(tf) = sqrt(1 / 1.524)``. Each iteration
integrates the state forwards (classical Runge-Kutta), sweeps the adjoints (the
"influence functions" of the three terminal quantities, all in one sweep)
backwards through the discrete integrator, and steps the controls against the
gradient projected on the terminal constraints, with a correction that removes
their violation to first order.

References
----------
Kelley (1960) [kelley1960]; Bryson and Ho (1969) [brysonho1969].
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Final

import numpy as np

from histbp._validation import check_positive_int, check_real
from histbp.control import _planar_orbit as planar
from histbp.control._gradient_projection import project_descend, resample_controls
from histbp.control._rk4 import Trajectory, rk4_adjoint, rk4_forward

__all__ = [
    "MARS_RADIUS",
    "SAIL_ACCELERATION",
    "YEAR",
    "SailTransferResult",
    "sail_terminal",
    "sail_transfer",
]

#: Radius of Mars's orbit, in astronomical units (circular-orbit model).
MARS_RADIUS: Final = 1.524
#: Characteristic acceleration 1 mm/s^2 over the Sun's gravity at 1 AU.
SAIL_ACCELERATION: Final = 1.0e-3 / 5.93e-3
#: One year in the normalised time unit (a circular orbit at 1 AU takes 2 pi).
YEAR: Final = 2.0 * math.pi
#: Days per normalised time unit.
_DAYS: Final = 365.25 / YEAR
#: The locally best cone angle for raising the orbital energy, atan(1/sqrt 2).
_ENERGY_ANGLE: Final = math.atan(1.0 / math.sqrt(2.0))


@dataclass(frozen=True, slots=True)
class SailTransferResult(planar.OrbitPath):
    """The transfer found by :func:`sail_transfer`.

    Attributes
    ----------
    times, radius, radial_velocity, tangential_velocity, polar_angle
        The path, as in :class:`OrbitPath`; times in normalised units.
    transfer_time
        ``tf`` in normalised units (a year is ``2 pi``).
    transfer_days
        ``tf`` in days.
    cone_angle
        The sail's cone angle over each step, in radians, shape ``(N,)``, reduced
        to ``[-pi/2, pi/2)`` (``alpha`` and ``alpha + pi`` are the same sail).
    terminal_violation
        ``(r - r_target, u, v - sqrt(1 / r_target))`` at the final time.
    projected_gradient_norm
        Norm of the gradient of ``tf`` projected on the constraints.
    iterations
        Gradient steps taken.
    converged
        Whether the projected gradient and the violation fell to the tolerance.
    time_history
        ``tf`` after each iteration, shape ``(iterations + 1,)``.
    """

    transfer_time: float
    transfer_days: float
    cone_angle: np.ndarray
    terminal_violation: np.ndarray
    projected_gradient_norm: float
    iterations: int
    converged: bool
    time_history: np.ndarray


def _model(accel: float) -> tuple[Any, Any]:
    """Scaled right-hand side ``tf f(x, alpha)`` and its Jacobians.

    The control of each step is the pair ``(alpha, tf)``; ``tf`` is the same on
    every step, so its gradient is the sum over steps of the second column.
    """

    def f(x: np.ndarray, w: np.ndarray, s: float) -> np.ndarray:
        r, u, v = x.tolist()
        alpha, tf = w.tolist()
        c = math.cos(alpha)
        push = accel * abs(c) * c / (r * r)  # a cos^2, signed to face away
        dr, du, dv = planar.coast(r, u, v)
        return tf * np.array((dr, du + push * c, dv + push * math.sin(alpha)))

    def jac(x: np.ndarray, w: np.ndarray, s: np.ndarray) -> tuple[Any, Any]:
        r, u, v = x[:, 0], x[:, 1], x[:, 2]
        alpha, tf = w[:, 0], w[:, 1]
        c, sn = np.cos(alpha), np.sin(alpha)
        k = accel / (r * r)
        push = k * np.abs(c) * c
        a = planar.coast_jacobian(r, u, v)
        a[:, 1, 0] -= 2.0 * push * c / r
        a[:, 2, 0] -= 2.0 * push * sn / r
        b = np.zeros((s.size, 3, 2))
        b[:, 1, 0] = -3.0 * push * sn
        b[:, 2, 0] = k * np.abs(c) * (c * c - 2.0 * sn * sn)
        b[:, 0, 1] = u
        b[:, 1, 1] = v * v / r - 1.0 / (r * r) + push * c
        b[:, 2, 1] = -u * v / r + push * sn
        return tf[:, None, None] * a, b * np.stack([tf, np.ones_like(tf)], 1)[:, None]

    return f, jac


def _controls(angles: np.ndarray, tf: float) -> np.ndarray:
    return np.column_stack([angles, np.full(angles.size, tf)])


def _terminal(
    trajectory: Trajectory, jac: Any, target: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Constraint values, their angle gradients (3, N) and tf gradients (3,)."""
    r, u, v = trajectory.final_state
    values = np.array([r - target, u, v - target**-0.5])
    grads = rk4_adjoint(trajectory, jac, np.eye(3)).control_gradient
    return values, grads[:, :, 0], grads[:, :, 1].sum(axis=1)


def _check_sail(accel: float, target: float) -> tuple[float, float]:
    accel = check_real(accel, "accel", low=0.0, low_open=True)
    target = check_real(target, "target", low=1.0, low_open=True)
    return accel, target


def sail_terminal(
    angles: Any,
    transfer_time: float,
    *,
    accel: float = SAIL_ACCELERATION,
    target: float = MARS_RADIUS,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Terminal constraints of a sail trajectory, with their adjoint gradients.

    Parameters
    ----------
    angles
        The cone angle over each of ``N`` equal steps, radians, shape ``(N,)``.
    transfer_time
        The duration ``tf``, positive.
    accel
        Characteristic acceleration at 1 AU, in units of the Sun's gravity there.
    target
        Radius of the target orbit, above 1.

    Returns
    -------
    values : numpy.ndarray
        ``(r(tf) - target, u(tf), v(tf) - sqrt(1 / target))``, shape ``(3,)``.
    angle_gradients : numpy.ndarray
        Their derivatives with respect to each angle, shape ``(3, N)``.
    time_gradients : numpy.ndarray
        Their derivatives with respect to ``tf``, shape ``(3,)``.

    Raises
    ------
    ValueError
        If ``angles`` is not a non-empty finite 1-D array or a parameter is out of
        range.
    TypeError
        If a parameter is not a real number.

    References
    ----------
    Kelley (1960) [kelley1960].

    Examples
    --------
    >>> values, dangles, dtime = sail_terminal([0.6] * 50, 7.0)
    >>> dangles.shape, dtime.shape
    ((3, 50), (3,))
    """
    accel, target = _check_sail(accel, target)
    tf = check_real(transfer_time, "transfer_time", low=0.0, low_open=True)
    alpha = resample_controls(angles, np.size(angles), "angles")
    f, jac = _model(accel)
    traj = rk4_forward(f, planar.CIRCULAR_START, _controls(alpha, tf))
    return _terminal(traj, jac, target)


def sail_transfer(
    n_steps: int = 100,
    *,
    accel: float = SAIL_ACCELERATION,
    target: float = MARS_RADIUS,
    initial_angles: Any = None,
    initial_time: float | None = None,
    max_iterations: int = 2000,
    tol: float = 1e-5,
    violation_tol: float = 1e-10,
) -> SailTransferResult:
    """Find the minimum-time sail transfer from Earth's orbit to a larger one.

    Parameters
    ----------
    n_steps
        Number of equal steps of the grid; the cone angle is constant over each.
    accel
        Characteristic acceleration at 1 AU, in units of the Sun's gravity there
        (default 1 mm/s^2).
    target
        Radius of the target circular orbit in AU, above 1 (default Mars).
    initial_angles
        Starting cone-angle history on any uniform grid (interpolated to
        ``n_steps``); the default is the constant ``atan(1/sqrt 2)`` that raises
        the orbital energy fastest.
    initial_time
        Starting guess of ``tf``; the default is the time at which the constant
        default angle first reaches the orbital energy of the target orbit.
    max_iterations
        Largest number of gradient steps.
    tol
        Stop when the norm of the projected gradient of ``tf`` (in the metric
        ``sum_k h dalpha_k^2 + dtf^2``, ``h = 1 / n_steps``, in which the gradient
        of ``tf`` itself has norm 1) is at most ``tol`` and the largest terminal
        violation at most ``violation_tol``. A step lowers ``tf`` by about
        ``eta |p|^2`` for a projected gradient ``p`` and a step length ``eta`` of
        order 0.1, and ``tf`` (about 7) is computed to about ``1e-15``, so ``|p|``
        of ``1e-6`` is near where that decrease is lost in rounding; the default
        ``1e-5`` leaves a hundredfold margin. ``tf`` is stationary at the
        optimum, so the stop moves it by an amount of second order in ``|p|``.
    violation_tol
        The tolerance on the terminal violation; the correction step removes the
        violation to first order each iteration, so it falls quadratically to its
        rounding level (about ``1e-13``), well below the default ``1e-10``.

    Returns
    -------
    SailTransferResult
        The transfer time, the trajectory, the cone-angle history and how the
        iteration went.

    Raises
    ------
    TypeError
        If a count is not an integer or a real parameter not a real number.
    ValueError
        If a count is not positive, a parameter is out of range,
        ``initial_angles`` is not a finite 1-D array, or the default initial
        time cannot be found (the sail is too weak to reach the target orbit's
        energy within ten years at the constant angle).

    References
    ----------
    Kelley (1960) [kelley1960].

    Examples
    --------
    >>> result = sail_transfer(40)
    >>> result.converged, round(result.transfer_days)
    (True, 408)
    """
    n_steps = check_positive_int(n_steps, "n_steps")
    max_iterations = check_positive_int(max_iterations, "max_iterations")
    tol = check_real(tol, "tol", low=0.0, low_open=True)
    violation_tol = check_real(violation_tol, "violation_tol", low=0.0, low_open=True)
    accel, target = _check_sail(accel, target)
    if initial_angles is None:
        alpha0 = np.full(n_steps, _ENERGY_ANGLE)
    else:
        alpha0 = resample_controls(initial_angles, n_steps, "initial_angles")
    f, jac = _model(accel)
    if initial_time is None:
        tf0 = _time_to_reach(f, target)
    else:
        tf0 = check_real(initial_time, "initial_time", low=0.0, low_open=True)

    def evaluate(z: np.ndarray) -> tuple[float, Any, Any, Any]:
        if z[-1] <= 0.0:
            raise ValueError("non-positive transfer time")
        traj = rk4_forward(f, planar.CIRCULAR_START, _controls(z[:-1], z[-1]))
        values, d_angles, d_time = _terminal(traj, jac, target)
        gradient = np.zeros(n_steps + 1)
        gradient[-1] = 1.0
        return float(z[-1]), values, gradient, np.column_stack([d_angles, d_time])

    z0 = np.append(alpha0, tf0)
    weights = np.append(np.full(n_steps, 1.0 / n_steps), 1.0)
    run = project_descend(
        evaluate,
        z0,
        weights,
        step=1.0,
        max_iterations=max_iterations,
        tol=tol,
        violation_tol=violation_tol,
    )
    tf = float(run.z[-1])
    traj = rk4_forward(f, planar.CIRCULAR_START, _controls(run.z[:-1], tf))
    return SailTransferResult(
        **planar.path_of(traj, tf),
        transfer_time=tf,
        transfer_days=tf * _DAYS,
        cone_angle=(run.z[:-1] + 0.5 * np.pi) % np.pi - 0.5 * np.pi,
        terminal_violation=np.array(run.violation),
        projected_gradient_norm=run.projected_gradient_norm,
        iterations=run.iterations,
        converged=run.converged,
        time_history=run.costs,
    )


def _time_to_reach(f: Any, target: float) -> float:
    """Time for the constant energy-raising angle to reach the target's energy.

    The specific orbital energy ``(u^2 + v^2) / 2 - 1 / r`` of the circular
    target orbit is ``-1 / (2 target)``; reaching it is a fair first guess of
    the transfer time (reaching the target *radius* comes far too early, on an
    eccentric orbit).
    """
    h = 0.05
    steps = int(10 * YEAR / h)
    controls = np.tile([_ENERGY_ANGLE, 1.0], (steps, 1))
    states = rk4_forward(f, planar.CIRCULAR_START, controls, tf=steps * h).states
    energy = 0.5 * (states[:, 1] ** 2 + states[:, 2] ** 2) - 1.0 / states[:, 0]
    above = np.nonzero(energy >= -0.5 / target)[0]
    if above.size == 0:
        raise ValueError(
            "the sail does not reach the target orbit's energy within ten years at "
            "the constant energy-raising angle; raise accel or lower target"
        )
    return float(h * above[0])
