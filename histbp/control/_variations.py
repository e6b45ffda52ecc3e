"""Euler (1744): the brachistochrone, as a curve found by descent on its travel time.

A bead slides without friction, from rest at the origin, along a curve to a
point ``(X, Y)``; ``y`` is measured downwards and gravity is ``g``. Euler's
calculus of variations finds the curve of least travel time by setting the
functional derivative of the time to zero; the answer is a cycloid. Here the
curve is discretised instead: ``n`` straight segments over equal steps of ``x``,
the heights of the ``n - 1`` interior nodes are the unknowns, and the travel time
is minimised by Cauchy's gradient descent (:func:`histbp.optimize.steepest_descent`),
with the gradient computed by :func:`histbp.autodiff.grad` (reverse mode).

On a straight segment the bead's acceleration is constant, so the time over the
segment is its length over the mean of its end speeds, and by conservation of
energy the speed at depth ``y`` is ``sqrt(2 g y)``:

    ``t_i = 2 L_i / (sqrt(2 g y_i) + sqrt(2 g y_{i+1}))``.

This is exact for the polygon, so the discrete time is the true travel time along
a piecewise-linear track; it converges to the cycloid's time as ``n`` grows.

Reachability. The bead starts from rest, so it can never rise above its start: a
point is reachable when ``X > 0`` and ``Y >= 0`` (with ``Y = 0`` reached at zero
speed, after one full arch of the cycloid). Every interior node of a track must
lie strictly below the start; the descent keeps it there because the time is
infinite (not a number) otherwise and the line search rejects such steps.

References
----------
Euler (1744) [euler1744]; Cauchy (1847) [cauchy1847].
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from histbp._validation import (
    as_finite_array,
    as_finite_vector,
    check_positive_int,
    check_real,
)
from histbp.autodiff import grad
from histbp.optimize import steepest_descent

__all__ = [
    "BrachistochroneResult",
    "Cycloid",
    "brachistochrone",
    "cycloid",
    "discrete_travel_time",
    "polygon_travel_time",
]


@dataclass(frozen=True, slots=True)
class BrachistochroneResult:
    """A discretised brachistochrone found by :func:`brachistochrone`.

    Attributes
    ----------
    x
        Abscissae of the ``n + 1`` nodes, equally spaced from 0 to ``X``.
    y
        Depths of the nodes (``y`` measured downwards): 0 at the start, ``Y`` at
        the end.
    time
        Travel time along the track, in seconds.
    steps
        Descent steps taken.
    converged
        Whether the gradient norm fell to the tolerance.
    times
        Travel time at each descent iterate, shape ``(steps + 1,)``.
    """

    x: np.ndarray
    y: np.ndarray
    time: float
    steps: int
    converged: bool
    times: np.ndarray


@dataclass(frozen=True, slots=True)
class Cycloid:
    """The cycloid from the origin through an end point, from :func:`cycloid`.

    The curve is ``x = R (theta - sin theta)``, ``y = R (1 - cos theta)`` for
    ``0 <= theta <= theta_end``.

    Attributes
    ----------
    radius
        ``R``, the radius of the rolling circle.
    theta_end
        The parameter at the end point, in ``(0, 2 pi]``.
    time
        Travel time from rest at the origin, ``theta_end sqrt(R / g)``.
    gravity
        ``g``.
    """

    radius: float
    theta_end: float
    time: float
    gravity: float

    def points(self, count: int = 200) -> tuple[np.ndarray, np.ndarray]:
        """Return ``count`` points ``(x, y)`` along the curve, equal in ``theta``."""
        count = check_positive_int(count, "count")
        theta = np.linspace(0.0, self.theta_end, max(count, 2))
        return (
            self.radius * (theta - np.sin(theta)),
            self.radius * (1.0 - np.cos(theta)),
        )

    def height(self, x: Any) -> np.ndarray:
        """Return the depth ``y`` of the curve above each abscissa in ``x``.

        ``x`` must lie in ``[0, R (theta_end - sin theta_end)]``; ``theta`` is
        found by bisection, ``x(theta)`` being increasing.
        """
        xs = np.array(x, dtype=float)
        x_end = self.radius * (self.theta_end - math.sin(self.theta_end))
        if (
            not np.all(np.isfinite(xs))
            or np.any(xs < 0)
            or np.any(xs > x_end * 1.0000001)
        ):
            raise ValueError(f"x must lie in [0, {x_end}], the span of the cycloid")
        lo = np.zeros_like(xs)
        hi = np.full_like(xs, self.theta_end)
        for _ in range(80):
            mid = 0.5 * (lo + hi)
            below = self.radius * (mid - np.sin(mid)) < xs
            lo = np.where(below, mid, lo)
            hi = np.where(below, hi, mid)
        theta = 0.5 * (lo + hi)
        return self.radius * (1.0 - np.cos(theta))


def _check_end(end: Any) -> tuple[float, float]:
    """Return the end point as two floats, or raise unless it is reachable."""
    try:
        x_end, y_end = end
    except (TypeError, ValueError):
        raise ValueError(f"end must be a pair (x, y), got {end!r}") from None
    x_end = check_real(x_end, "end[0] (x)")
    y_end = check_real(y_end, "end[1] (y, measured downwards)")
    if x_end <= 0.0:
        raise ValueError(
            f"end is unreachable: x must be positive (the track runs from x = 0 "
            f"towards positive x), got x = {x_end}"
        )
    if y_end < 0.0:
        raise ValueError(
            f"end is unreachable: y must be >= 0 (y is measured downwards and a "
            f"bead starting from rest cannot rise above its start), got y = {y_end}"
        )
    return x_end, y_end


def discrete_travel_time(heights: Any, end: Any, g: float = 9.81) -> Any:
    """The travel time along a polygon track: Euler's functional, discretised.

    The track has ``n`` straight segments over equal steps of ``x`` from the start
    (the origin) to ``end``, and ``heights`` are the depths of its ``n - 1``
    interior nodes. On segment ``i`` the bead's acceleration is constant, so it
    takes ``t_i = 2 L_i / (v_i + v_{i+1})``, its length over the mean of its end
    speeds, with ``v = sqrt(2 g y)`` by the conservation of energy. The sum is
    written in numpy operations only, so that :func:`histbp.autodiff.grad` can
    trace it: its gradient is the discrete counterpart of the functional
    derivative that the Euler-Lagrange equation sets to zero.

    Parameters
    ----------
    heights
        Depths of the ``n - 1 >= 1`` interior nodes (``y`` downwards), a 1-D array
        or a tracer of one; every depth must be positive (a node at or above the
        start gives ``nan``). :func:`polygon_travel_time` checks its input and
        covers the straight track.
    end
        The end point ``(X, Y)``, reachable: ``X > 0`` and ``Y >= 0``.
    g
        Acceleration of gravity, positive.

    Returns
    -------
    float or tracer
        The travel time along the polygon.

    Raises
    ------
    ValueError
        If ``heights`` is not a non-empty 1-D array, ``end`` is unreachable or
        malformed, or ``g`` is not positive.

    References
    ----------
    Euler (1744) [euler1744].

    Examples
    --------
    One node on the straight line to ``(2, 2)``: the straight track's ``2 L / v_end``.

    >>> round(float(discrete_travel_time([1.0], (2.0, 2.0), g=10.0)), 6)
    0.894427
    """
    x_end, y_end = _check_end(end)
    g = check_real(g, "g", low=0.0, low_open=True)
    if isinstance(heights, list | tuple):
        heights = np.asarray(heights, dtype=float)
    if np.ndim(heights) != 1 or len(heights) == 0:
        raise ValueError(
            f"heights must be a non-empty 1-D array, got shape {np.shape(heights)}"
        )
    n = len(heights) + 1  # segments
    dx2 = (x_end / n) ** 2  # squared horizontal step
    root = np.sqrt(heights)  # sqrt(y) at the interior nodes
    c = math.sqrt(2.0 * g)  # v = c sqrt(y)
    first = 2.0 * np.sqrt(dx2 + heights[0] ** 2) / (c * root[0])  # from rest
    last_drop = y_end - heights[n - 2]
    last = 2.0 * np.sqrt(dx2 + last_drop**2) / (c * (root[n - 2] + math.sqrt(y_end)))
    total = first + last
    if n > 2:  # the segments between interior nodes
        drops = heights[1:] - heights[:-1]
        lengths = np.sqrt(dx2 + drops**2)
        total = total + np.sum(2.0 * lengths / (c * (root[1:] + root[:-1])))
    return total


def polygon_travel_time(heights: Any, end: Any, g: float = 9.81) -> float:
    """Travel time from rest along a polygon with equally spaced nodes.

    Parameters
    ----------
    heights
        Depths of the ``n - 1`` interior nodes (``y`` downwards), shape
        ``(n - 1,)``; the nodes sit at ``x = k X / n``. An empty array means the
        straight track.
    end
        The end point ``(X, Y)``, reachable: ``X > 0`` and ``Y >= 0``.
    g
        Acceleration of gravity, positive.

    Returns
    -------
    float
        The exact travel time along the polygon (``inf`` if a node lies at or
        above the start, where the bead cannot get).

    Raises
    ------
    ValueError
        If ``end`` is unreachable or malformed, ``g`` is not positive, or
        ``heights`` is not a finite 1-D array.
    TypeError
        If ``g`` is not a real number.

    References
    ----------
    Euler (1744) [euler1744].

    Examples
    --------
    >>> round(polygon_travel_time([], (3.0, 4.0), g=10.0), 6)  # 2 L / v_end
    1.118034
    """
    x_end, y_end = _check_end(end)
    g = check_real(g, "g", low=0.0, low_open=True)
    y = as_finite_array(heights, "heights")
    if y.ndim != 1:
        raise ValueError(f"heights must be a finite 1-D array, got shape {y.shape}")
    if y.size == 0:
        if y_end == 0.0:
            return math.inf
        return 2.0 * math.hypot(x_end, y_end) / math.sqrt(2.0 * g * y_end)
    if np.any(y <= 0.0):
        return math.inf
    return float(discrete_travel_time(y, (x_end, y_end), g))


def brachistochrone(
    end: Any = (math.pi, 2.0),
    n: int = 16,
    g: float = 9.81,
    *,
    initial_heights: Any = None,
    max_steps: int = 20000,
    tol: float = 1e-6,
) -> BrachistochroneResult:
    """Minimise the travel time over a polygon of ``n`` segments by gradient descent.

    Parameters
    ----------
    end
        The end point ``(X, Y)``, ``y`` measured downwards; reachable means
        ``X > 0`` and ``Y >= 0``.
    n
        Number of segments (equal steps in ``x``); ``n - 1`` heights are free.
    g
        Acceleration of gravity, positive.
    initial_heights
        Starting track: ``n - 1`` interior depths, or the depths of a track with
        any number of nodes (it is interpolated linearly to the new nodes), e.g.
        the solution for a coarser ``n``. The default is the straight line
        bowed downwards by a parabola, ``y = Y s + max(Y, 0.001) s (1 - s)``
        with ``s = x / X``, which lies below the start.
    max_steps
        Largest number of descent steps.
    tol
        Stop when the gradient norm is at most ``tol``.

    Returns
    -------
    BrachistochroneResult
        The track, its travel time and how the descent went.

    Raises
    ------
    ValueError
        If ``end`` is unreachable, ``n`` is not positive, ``g`` is not positive,
        or ``initial_heights`` is malformed or not strictly below the start.
    TypeError
        If ``n`` is not an integer or ``g`` not a real number.

    References
    ----------
    Euler (1744) [euler1744]; Cauchy (1847) [cauchy1847].

    Examples
    --------
    >>> result = brachistochrone((math.pi, 2.0), n=8)
    >>> result.converged, round(result.time, 4)
    (True, 1.0145)
    """
    x_end, y_end = _check_end(end)
    n = check_positive_int(n, "n")
    g = check_real(g, "g", low=0.0, low_open=True)
    x = np.linspace(0.0, x_end, n + 1)
    if n == 1:
        if y_end == 0.0:
            raise ValueError("end is unreachable along a single horizontal segment")
        t = polygon_travel_time([], (x_end, y_end), g)
        return BrachistochroneResult(
            x=x,
            y=np.array([0.0, y_end]),
            time=t,
            steps=0,
            converged=True,
            times=np.array([t]),
        )
    y0 = _initial(initial_heights, x / x_end, y_end)

    def time(heights: np.ndarray) -> Any:
        return discrete_travel_time(heights, (x_end, y_end), g)

    with np.errstate(invalid="ignore", divide="ignore"):
        run = steepest_descent(
            time, grad(time), y0, max_steps=max_steps, tol=tol, initial_step=1.0
        )
    y = np.concatenate(([0.0], run.x, [y_end]))
    return BrachistochroneResult(
        x=x,
        y=y,
        time=float(run.values[-1]),
        steps=run.steps,
        converged=run.converged,
        times=run.values,
    )


def _initial(initial: Any, s: np.ndarray, y_end: float) -> np.ndarray:
    """Interior starting depths at the fractions ``s`` of the span."""
    interior = s[1:-1]
    if initial is None:
        return y_end * interior + max(y_end, 1e-3) * interior * (1.0 - interior)
    y = as_finite_vector(initial, "initial_heights")
    if np.any(y <= 0.0):
        raise ValueError("initial_heights must lie strictly below the start (y > 0)")
    if y.size != interior.size:
        nodes = np.concatenate(([0.0], y, [y_end]))
        y = np.interp(interior, np.linspace(0.0, 1.0, nodes.size), nodes)
    return y


def cycloid(end: Any = (math.pi, 2.0), g: float = 9.81) -> Cycloid:
    """Return the cycloid from the origin through ``end``, and its travel time.

    The cycloid ``x = R (theta - sin theta)``, ``y = R (1 - cos theta)`` passes
    through ``(X, Y)`` when ``(theta - sin theta) / (1 - cos theta) = X / Y``;
    the left side increases from 0 to infinity on ``(0, 2 pi)``, so the root is
    unique and is found by bisection. Then ``R = Y / (1 - cos theta)`` and the
    time is ``theta sqrt(R / g)``. For ``Y = 0`` the end is the cusp after one
    arch, ``theta = 2 pi`` and ``R = X / (2 pi)``.

    Parameters
    ----------
    end, g
        The end point ``(X, Y)`` and the acceleration of gravity, as in
        :func:`polygon_travel_time`.

    Returns
    -------
    Cycloid
        ``R``, ``theta_end``, the time, and methods to sample the curve.

    Raises
    ------
    TypeError, ValueError
        For a bad ``end`` or ``g``, as in :func:`polygon_travel_time`.

    References
    ----------
    Euler (1744) [euler1744].

    Examples
    --------
    >>> c = cycloid((math.pi, 2.0), g=9.81)
    >>> round(c.radius, 12), round(c.theta_end, 12), round(c.time, 6)
    (1.0, 3.14159265359, 1.003033)
    """
    x_end, y_end = _check_end(end)
    g = check_real(g, "g", low=0.0, low_open=True)
    if y_end == 0.0:
        theta = 2.0 * math.pi
        radius = x_end / theta
    else:
        ratio = x_end / y_end
        lo, hi = 0.0, 2.0 * math.pi
        for _ in range(200):
            mid = 0.5 * (lo + hi)
            if mid - math.sin(mid) < ratio * (1.0 - math.cos(mid)):
                lo = mid
            else:
                hi = mid
            if hi - lo <= 4e-16 * hi:
                break
        theta = 0.5 * (lo + hi)
        radius = y_end / (1.0 - math.cos(theta))
    return Cycloid(
        radius=radius, theta_end=theta, time=theta * math.sqrt(radius / g), gravity=g
    )
