"""Pontryagin's maximum principle on the minimum-time double integrator.

Bring ``x'' = u``, ``|u| <= 1``, from the state ``(x0, v0)`` to rest at the origin
in the least time. With ``L = 1`` the Hamiltonian is
``H = 1 + lambda_1 v + lambda_2 u``. The costate equations
``lambda_1' = -dH/dx = 0`` and ``lambda_2' = -dH/dv = -lambda_1`` make the
switching function ``lambda_2(t) = lambda_2(0) - lambda_1 t`` linear in time,
and ``u = argmin_u H = -sign(lambda_2)``: full thrust one way, then (at most
once) full thrust the other way.

:func:`minimum_time_double_integrator` finds the extremal by shooting on the
switch time: for each first control ``s = +1`` or ``-1`` it applies ``s`` up to a
trial switch time ``t_s`` and ``-s`` until the velocity reaches zero, and
bisects on ``t_s`` until that stop is at the origin. The costate is then fixed
by ``lambda_2(t_s) = 0`` and by ``H = 0`` (the condition for a free final time).

The checks are independent of the principle: :func:`discrete_minimum_time` finds
the least time in which *any* control held constant on ``n`` equal intervals can
reach the origin, from the exact reachable set, and
:func:`simulate_double_integrator` integrates the dynamics numerically.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from histbp._validation import (
    as_finite_vector,
    check_callable,
    check_positive_int,
    check_real,
)

__all__ = [
    "BangBangResult",
    "discrete_minimum_time",
    "minimum_time_double_integrator",
    "simulate_double_integrator",
    "switching_curve",
]


@dataclass(frozen=True, slots=True)
class BangBangResult:
    """The time-optimal control of the double integrator, from the maximum principle.

    Attributes
    ----------
    initial_state
        ``(x0, v0)``.
    time
        The minimum time ``T``.
    switch_time
        The instant ``t_s`` at which the control changes sign (0 if the start lies
        on the switching curve).
    first_control
        The control on ``[0, t_s)``, ``+1`` or ``-1``; it is ``-first_control``
        on ``[t_s, T]``. A start on the switching curve needs no switch; it is
        reported with ``t_s = 0``, so that ``-first_control`` acts throughout.
    costate
        ``(lambda_1, lambda_2(0))``, normalised so that ``H = 0``.
    """

    initial_state: tuple[float, float]
    time: float
    switch_time: float
    first_control: float
    costate: tuple[float, float]

    def control(self, t: Any) -> np.ndarray:
        """The optimal control at times ``t`` in ``[0, T]``."""
        t = np.asarray(t, dtype=float)
        return np.where(t < self.switch_time, self.first_control, -self.first_control)

    def switching_function(self, t: Any) -> np.ndarray:
        """``lambda_2(t) = lambda_2(0) - lambda_1 t``; the control is its -sign."""
        lam1, lam2 = self.costate
        return lam2 - lam1 * np.asarray(t, dtype=float)

    def state(self, t: Any) -> tuple[np.ndarray, np.ndarray]:
        """Position and velocity at times ``t`` in ``[0, T]``, integrated exactly."""
        t = np.asarray(t, dtype=float)
        x0, v0 = self.initial_state
        s, ts = self.first_control, self.switch_time
        first = np.minimum(t, ts)
        second = np.maximum(t - ts, 0.0)
        x1, v1 = x0 + v0 * first + 0.5 * s * first**2, v0 + s * first
        return x1 + v1 * second - 0.5 * s * second**2, v1 - s * second

    def hamiltonian(self, t: Any) -> np.ndarray:
        """``H = 1 + lambda_1 v + lambda_2 u`` along the path; zero when optimal."""
        lam1, _ = self.costate
        _, v = self.state(t)
        return 1.0 + lam1 * v + self.switching_function(t) * self.control(t)


def switching_curve(velocity: Any) -> np.ndarray:
    """The positions ``x = -v |v| / 2`` from which full thrust reaches the origin.

    Above the curve the optimal control starts at ``-1``, below it at ``+1``; on
    it the control needs no switch.
    """
    v = np.asarray(velocity, dtype=float)
    return -0.5 * v * np.abs(v)


def minimum_time_double_integrator(
    position: float, velocity: float = 0.0
) -> BangBangResult:
    """Solve the minimum-time problem for ``x'' = u``, ``|u| <= 1``, to the origin.

    Parameters
    ----------
    position
        Initial position ``x0``.
    velocity
        Initial velocity ``v0`` (default: start from rest).

    Returns
    -------
    BangBangResult
        Minimum time, switch time, first control and costate. From rest at
        ``x0`` the time is ``2 sqrt(|x0|)`` with the switch half-way.

    Raises
    ------
    TypeError
        If ``position`` or ``velocity`` is not a real number.
    ValueError
        If either is not finite, or the start is already the origin.

    References
    ----------
    Pontryagin, Boltyanskii, Gamkrelidze and Mishchenko (1962) [pontryagin1962].

    Examples
    --------
    >>> sol = minimum_time_double_integrator(4.0)
    >>> round(sol.time, 12), round(sol.switch_time, 12), sol.first_control
    (4.0, 2.0, -1.0)
    """
    x0 = check_real(position, "position")
    v0 = check_real(velocity, "velocity")
    if x0 == 0.0 and v0 == 0.0:
        raise ValueError("the initial state (0, 0) is already the target")
    # The principle leaves two candidates: u = s up to t_s, then u = -s.
    best = None
    for s in (1.0, -1.0):
        found = _shoot(x0, v0, s)  # (t_s, T) that end at rest at 0, or None
        if found is not None and (best is None or found[1] < best[1]):
            best = (s, *found)
    if best is None:  # pragma: no cover - one of the two signs always reaches
        raise ValueError(f"no bang-bang path from ({x0}, {v0}) reaches the origin")
    s, switch, total = best
    if total - switch <= 0.0:
        # No arc after the switch: the same path is "-s from t = 0 on".
        s, switch = -s, 0.0
    # The costate: lambda_1 constant, lambda_2 linear and zero at the switch, so
    # lambda_2 = -s a (t_s - t), with the sign of -u on both arcs; H = 0 fixes a.
    a = 1.0 / (total - switch)
    return BangBangResult(
        initial_state=(x0, v0),
        time=total,
        switch_time=switch,
        first_control=s,
        costate=(-s * a, -s * a * switch),
    )


def _shoot(x0: float, v0: float, s: float) -> tuple[float, float] | None:
    """Bisect on the switch time for first control ``s``; ``None`` if no root.

    After ``u = s`` for ``t_s`` and ``u = -s`` until the velocity is zero, the
    stop is at ``m(t_s) = x(t_s) + s v(t_s)^2 / 2``, increasing in ``t_s`` for
    ``s = 1`` and decreasing for ``s = -1``, over ``t_s >= max(0, -s v0)``.
    """

    def miss(ts: float) -> float:
        x1, v1 = x0 + v0 * ts + 0.5 * s * ts * ts, v0 + s * ts
        return s * (x1 + 0.5 * s * v1 * v1)

    low = max(0.0, -s * v0)
    if miss(low) > 0.0:
        return None
    high = low + 1.0
    while miss(high) < 0.0:
        high = low + 2.0 * (high - low)
    for _ in range(200):
        mid = 0.5 * (low + high)
        if mid in (low, high):
            break
        if miss(mid) < 0.0:
            low = mid
        else:
            high = mid
    ts = low if abs(miss(low)) <= abs(miss(high)) else high
    return ts, ts + s * (v0 + s * ts)


def discrete_minimum_time(position: float, n_steps: int) -> float:
    """Least time to bring ``x'' = u`` from rest at ``position`` to rest at 0.

    The controls allowed are those constant on each of ``n_steps`` equal
    intervals, with ``|u| <= 1``; nothing about switching is assumed. With
    ``h = T / n``, the final state is ``(x0, 0) + sum_k u_k g_k`` with
    ``g_k = h (T - t_k - h/2, 1)``, so the origin can be reached in time ``T``
    exactly when ``-(x0, 0)`` lies in the zonotope ``sum_k [-1, 1] g_k``. That
    membership is decided exactly by the zonotope's facet normals (one normal per
    generator), and ``T`` is found by bisection; reachability is monotone in
    ``T`` from rest, because slowing a feasible control down in time and scaling
    it by the square of the factor keeps it feasible.

    Parameters
    ----------
    position
        The initial position ``x0``, a finite real number other than 0.
    n_steps
        The number of intervals, an integer of at least 2.

    Returns
    -------
    float
        The least time, to within a relative ``1e-14``; it is at least
        ``2 sqrt(|x0|)``, the minimum over all bounded controls.

    Raises
    ------
    TypeError
        If ``position`` is not a real number or ``n_steps`` not an integer.
    ValueError
        If ``position`` is 0 or not finite, or ``n_steps`` is less than 2.

    References
    ----------
    Pontryagin, Boltyanskii, Gamkrelidze and Mishchenko (1962) [pontryagin1962].

    Examples
    --------
    >>> round(discrete_minimum_time(1.0, 2), 12)
    2.0
    """
    x0 = check_real(position, "position")
    if x0 == 0.0:
        raise ValueError("position must not be 0: the start is already the target")
    n_steps = check_positive_int(n_steps, "n_steps")
    if n_steps < 2:
        raise ValueError(f"n_steps must be at least 2, got {n_steps}")

    def reachable(total: float) -> bool:
        h = total / n_steps
        lever = total - (np.arange(n_steps) + 0.5) * h  # g_k = h (lever_k, 1)
        # normal to g_k: (1, -lever_k); support of the zonotope along it
        support = h * np.abs(lever[None, :] - lever[:, None]).sum(axis=1)
        return bool(np.all(np.abs(x0) <= support * (1.0 + 1e-15)))

    low, high = 0.0, 1.0
    while not reachable(high):
        low, high = high, 2.0 * high
    while high - low > 1e-14 * high:
        mid = 0.5 * (low + high)
        if reachable(mid):
            high = mid
        else:
            low = mid
    return high


def simulate_double_integrator(
    control: Callable[[float], Any],
    initial_state: Any,
    duration: float,
    n_steps: int,
) -> np.ndarray:
    """Integrate ``x'' = u(t)`` with the classical Runge-Kutta method.

    Parameters
    ----------
    control
        ``u(t)``, returning a real number.
    initial_state
        ``(x0, v0)``.
    duration
        The length of the run, positive.
    n_steps
        The number of equal steps, a positive integer.

    Returns
    -------
    numpy.ndarray
        Positions and velocities at the ``n_steps + 1`` step times, shape
        ``(n_steps + 1, 2)``.

    Raises
    ------
    TypeError
        If ``control`` is not callable or an argument has the wrong type.
    ValueError
        If ``initial_state`` is not a pair of finite numbers, ``duration`` is not
        positive or ``n_steps`` not positive.
    """
    check_callable(control, "control")
    state = as_finite_vector(
        initial_state, "initial_state", 2, "it must be a pair (position, velocity)"
    )
    duration = check_real(duration, "duration", low=0.0, low_open=True)
    n_steps = check_positive_int(n_steps, "n_steps")
    h = duration / n_steps

    def rate(t: float, y: np.ndarray) -> np.ndarray:
        return np.array([y[1], float(control(t))])

    path = np.empty((n_steps + 1, 2))
    path[0] = state
    for k in range(n_steps):
        t, y = k * h, path[k]
        k1 = rate(t, y)
        k2 = rate(t + h / 2, y + h / 2 * k1)
        k3 = rate(t + h / 2, y + h / 2 * k2)
        k4 = rate(t + h, y + h * k3)
        path[k + 1] = y + h / 6 * (k1 + 2 * k2 + 2 * k3 + k4)
    return path
