"""Planar motion about a central body, shared by the two trajectory problems.

Units make the gravitational parameter 1. The state is the radius ``r``, the
radial velocity ``u`` and the tangential velocity ``v``; without thrust

    ``r' = u``,   ``u' = v^2 / r - 1 / r^2``,   ``v' = -u v / r``,

and a thrust (a solar sail's push, a rocket engine's) adds its radial and
tangential accelerations to ``u'`` and ``v'``. Kelley's sail transfer and Bryson
and Ho's orbit raising both start on the circular orbit ``(1, 0, 1)`` and report
their path as an :class:`OrbitPath`.

References
----------
Kelley (1960) [kelley1960]; Bryson and Ho (1969) [brysonho1969].
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Final

import numpy as np

from histbp.control._rk4 import Trajectory

__all__ = ["CIRCULAR_START", "OrbitPath", "coast", "coast_jacobian", "path_of"]

#: The state ``(r, u, v)`` on the circular orbit of radius 1.
CIRCULAR_START: Final = (1.0, 0.0, 1.0)


@dataclass(frozen=True, slots=True)
class OrbitPath:
    """A planar path about a central body, on the grid of the integration.

    Attributes
    ----------
    times
        The grid, shape ``(N + 1,)``.
    radius
        ``r`` at the grid times, shape ``(N + 1,)``.
    radial_velocity
        ``u`` at the grid times, shape ``(N + 1,)``.
    tangential_velocity
        ``v`` at the grid times, shape ``(N + 1,)``.
    polar_angle
        The angle travelled round the centre since the start, in radians, at the
        grid times, shape ``(N + 1,)``.
    """

    times: np.ndarray
    radius: np.ndarray
    radial_velocity: np.ndarray
    tangential_velocity: np.ndarray
    polar_angle: np.ndarray


def coast(r: float, u: float, v: float) -> tuple[float, float, float]:
    """``(r', u', v')`` under gravity alone, at one state."""
    return u, v * v / r - 1.0 / (r * r), -u * v / r


def coast_jacobian(r: np.ndarray, u: np.ndarray, v: np.ndarray) -> np.ndarray:
    """``d(r', u', v')/d(r, u, v)`` under gravity alone, shape ``(S, 3, 3)``."""
    a = np.zeros((r.size, 3, 3))
    a[:, 0, 1] = 1.0
    a[:, 1, 0] = -(v * v) / (r * r) + 2.0 / r**3
    a[:, 1, 2] = 2.0 * v / r
    a[:, 2, 0] = u * v / (r * r)
    a[:, 2, 1] = -v / r
    a[:, 2, 2] = -u / r
    return a


def path_of(trajectory: Trajectory, time_scale: float = 1.0) -> dict[str, Any]:
    """The fields of an :class:`OrbitPath` from a Runge-Kutta trajectory.

    ``time_scale`` converts the integration's time to physical time (for a
    problem integrated on ``[0, 1]`` with the final time as a factor). The polar
    angle is integrated from ``theta' = v / r`` with the Runge-Kutta weights.
    """
    r, v = trajectory.stages[:, :, 0], trajectory.stages[:, :, 2]
    return {
        "times": time_scale * trajectory.times,
        "radius": trajectory.states[:, 0],
        "radial_velocity": trajectory.states[:, 1],
        "tangential_velocity": trajectory.states[:, 2],
        "polar_angle": time_scale * trajectory.quadrature(v / r),
    }
