"""Hadamard (1908): steepest descent on the energy of a clamped plate, discretised.

A thin plate over the unit square, clamped along its edge (``w = 0`` and
``dw/dn = 0`` there), bends under a load ``f`` into the deflection ``w`` that
minimises

    ``E(w) = 1/2 int (Laplacian w)^2 - int f w``

(flexural rigidity 1). Its gradient is ``Laplacian^2 w - f``, so the minimiser
solves the biharmonic equation with the clamped conditions.

Discretisation. The grid has spacing ``h = 1 / (n + 1)`` and nodes ``(i h, j h)``,
``i, j = 0 .. n + 1``; the unknowns are the ``n x n`` interior values, the boundary
values are 0 (``w = 0``), and the normal-derivative condition is imposed by ghost
nodes one step outside the square that mirror the first interior row
(``w_{-1,j} = w_{1,j}``: the central difference of ``w`` across the edge vanishes).
With the 5-point Laplacian ``Lap_h``, the discrete energy is the trapezoidal rule
applied to both integrals:

    ``E_h(w) = h^2 [ 1/2 sum_interior (Lap_h w)^2 + 1/4 sum_edges (Lap_h w)^2
    - sum_interior f w ]``,

where at an edge node (away from the corners) the ghost makes
``Lap_h w = 2 w_adjacent / h^2`` and at a corner ``Lap_h w = 0``. Its gradient is
``h^2 (K w - f)`` with

    ``K = L^2 + (2 / h^4) diag(number of clamped edges next to the node)``,

``L`` the 5-point Laplacian with zero boundary values. ``K w = f`` is exactly the
13-point biharmonic stencil with the ghost reflection: at a node next to one edge
the stencil's centre weight 20 becomes 21, next to a corner 22.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from histbp._validation import as_finite_array, check_positive_int, check_real

__all__ = [
    "PlateResult",
    "clamped_plate_descent",
    "clamped_plate_energy",
    "clamped_plate_matrix",
]


@dataclass(frozen=True, slots=True)
class PlateResult:
    """The outcome of steepest descent on the discretised clamped plate.

    Attributes
    ----------
    deflection
        The final deflection at the interior nodes, shape ``(n, n)``; row ``i``
        holds the nodes with first coordinate ``(i + 1) h``.
    h
        The grid spacing ``1 / (n + 1)``.
    steps
        The number of descent steps taken.
    converged
        Whether the relative residual fell to the tolerance within the budget.
    residuals
        The relative residual ``|K w - f| / |f|`` at the start and after each
        step, shape ``(steps + 1,)``.
    energies
        The discrete energy ``E_h`` at the start and after each step, shape
        ``(steps + 1,)``; it decreases at every step.
    """

    deflection: np.ndarray
    h: float
    steps: int
    converged: bool
    residuals: np.ndarray
    energies: np.ndarray


def clamped_plate_matrix(n: int) -> np.ndarray:
    """Return the matrix ``K`` of the discrete clamped-plate problem ``K w = f``.

    ``K = L^2 + (2 / h^4) D`` on an ``n x n`` interior grid of the unit square,
    ``h = 1 / (n + 1)``, where ``L`` is the 5-point Laplacian with zero boundary
    values and ``D`` is diagonal, counting for each node the clamped edges it is
    next to (0, 1 or 2). Unknowns are ordered row by row, as
    ``deflection.ravel()``. ``K`` is symmetric positive definite and its
    condition number grows like ``h^-4``.

    Parameters
    ----------
    n
        Number of interior nodes along each side; a positive integer.

    Returns
    -------
    numpy.ndarray
        ``K``, shape ``(n * n, n * n)``.

    Raises
    ------
    TypeError
        If ``n`` is not an integer.
    ValueError
        If ``n`` is not positive.

    References
    ----------
    Hadamard (1908) [hadamard1908].

    Examples
    --------
    >>> K = clamped_plate_matrix(1)  # one node, next to all four edges
    >>> K.tolist()  # (4^2 + 2 * 4) / h^4 with h = 1/2
    [[384.0]]
    """
    n = check_positive_int(n, "n")
    h = 1.0 / (n + 1)
    second = -2.0 * np.eye(n) + np.eye(n, k=1) + np.eye(n, k=-1)
    identity = np.eye(n)
    # L = (T x I + I x T) / h^2 with T the 1-D second difference, so
    # L^2 = (T^2 x I + 2 T x T + I x T^2) / h^4 (x: Kronecker product)
    square = second @ second
    K = np.kron(square, identity) + 2.0 * np.kron(second, second)
    K += np.kron(identity, square)
    K[np.diag_indices(n * n)] += 2.0 * _edge_counts(n).ravel()
    return K / h**4


def clamped_plate_energy(deflection: Any, load: Any) -> float:
    """Return the discrete energy ``E_h`` of a deflection of the clamped plate.

    The energy is computed from its definition, independently of
    :func:`clamped_plate_matrix`: the 5-point Laplacian is taken at every node of
    the closed grid, using zero boundary values and ghost nodes that mirror the
    first interior row across each edge, and the trapezoidal rule sums
    ``1/2 (Lap_h w)^2 - f w`` (weight ``h^2`` inside, ``h^2 / 2`` on the edges,
    ``h^2 / 4`` at the corners, where ``w = 0``).

    Parameters
    ----------
    deflection
        Deflection at the interior nodes, shape ``(n, n)``.
    load
        Load at the interior nodes, shape ``(n, n)``.

    Returns
    -------
    float
        ``E_h(w)``, which equals ``h^2 (1/2 w.K w - f.w)``.

    Raises
    ------
    ValueError
        If either array is not square and 2-D, the shapes differ, or a value is
        not finite.

    References
    ----------
    Hadamard (1908) [hadamard1908].
    """
    w = _as_grid(deflection, "deflection")
    f = _as_grid(load, "load", w.shape[0])
    n = w.shape[0]
    h = 1.0 / (n + 1)
    # closed grid 0 .. n+1 plus one ghost layer on each side
    padded = np.zeros((n + 4, n + 4))
    padded[2:-2, 2:-2] = w
    padded[0, :] = padded[2, :]
    padded[-1, :] = padded[-3, :]
    padded[:, 0] = padded[:, 2]
    padded[:, -1] = padded[:, -3]
    centre = padded[1:-1, 1:-1]
    lap = (
        padded[2:, 1:-1]
        + padded[:-2, 1:-1]
        + padded[1:-1, 2:]
        + padded[1:-1, :-2]
        - 4.0 * centre
    ) / h**2
    weights = np.ones((n + 2, n + 2))
    weights[0, :] *= 0.5
    weights[-1, :] *= 0.5
    weights[:, 0] *= 0.5
    weights[:, -1] *= 0.5
    bending = 0.5 * float(np.sum(weights * lap**2))
    return h**2 * (bending - float(np.sum(f * w)))


def clamped_plate_descent(
    load: Any,
    *,
    tol: float = 1e-10,
    max_steps: int = 100_000,
) -> PlateResult:
    """Minimise the discrete clamped-plate energy by steepest descent.

    Starting from the flat plate ``w = 0``, each step moves against the gradient
    ``g = K w - f`` of the energy (scaled by ``1 / h^2``) by the step
    ``t = (g . g) / (g . K g)`` that minimises the quadratic energy along that
    line, with ``K`` from :func:`clamped_plate_matrix`. The run stops once
    ``|K w - f| <= tol |f|``. Each step costs one product with ``K``; the
    residual is updated recursively and recomputed from ``w`` every 100 steps so
    that rounding does not drift. The number of steps grows like the condition
    number of ``K``, that is like ``h^-4``.

    Parameters
    ----------
    load
        The load ``f`` at the interior nodes, shape ``(n, n)``; not all zero.
    tol
        Relative residual at which to stop, positive.
    max_steps
        Largest number of steps; a positive integer.

    Returns
    -------
    PlateResult
        The deflection, the grid spacing, the step count, whether the tolerance
        was met, and the residual and energy after each step.

    Raises
    ------
    TypeError
        If ``tol`` is not a real number or ``max_steps`` not an integer.
    ValueError
        If ``load`` is not a square 2-D array of finite values, is zero
        everywhere, or an option is out of range.

    References
    ----------
    Hadamard (1908) [hadamard1908]; Cauchy (1847) [cauchy1847].

    Examples
    --------
    >>> import numpy as np
    >>> res = clamped_plate_descent(np.ones((3, 3)))
    >>> bool(res.converged), res.steps
    (True, 135)
    """
    f = _as_grid(load, "load")
    tol = check_real(tol, "tol", low=0.0, low_open=True)
    max_steps = check_positive_int(max_steps, "max_steps")
    n = f.shape[0]
    h = 1.0 / (n + 1)
    K = clamped_plate_matrix(n)
    b = f.ravel()
    scale = float(np.linalg.norm(b))
    if scale == 0.0:
        raise ValueError("load must not be zero everywhere (the plate stays flat)")

    w = np.zeros_like(b)
    g = -b
    residuals = [1.0]
    energies = [0.0]
    steps = 0
    while steps < max_steps and residuals[-1] > tol:
        Kg = K @ g
        curvature = float(g @ Kg)
        if not curvature > 0.0:  # gradient too small to carry a representable step
            break
        t = float(g @ g) / curvature
        w -= t * g
        steps += 1
        g = K @ w - b if steps % 100 == 0 else g - t * Kg
        residuals.append(float(np.linalg.norm(g)) / scale)
        energies.append(0.5 * h**2 * float(w @ (g - b)))  # h^2 (1/2 w.Kw - f.w)
    return PlateResult(
        deflection=w.reshape(n, n),
        h=h,
        steps=steps,
        converged=bool(residuals[-1] <= tol),
        residuals=np.array(residuals),
        energies=np.array(energies),
    )


def _edge_counts(n: int) -> np.ndarray:
    """For each interior node, how many clamped edges it is next to."""
    counts = np.zeros((n, n))
    counts[0, :] += 1
    counts[-1, :] += 1
    counts[:, 0] += 1
    counts[:, -1] += 1
    return counts


def _as_grid(value: Any, name: str, size: int | None = None) -> np.ndarray:
    """Return ``value`` as a finite square 2-D float array (of side ``size``)."""
    arr = as_finite_array(value, name, 2)
    if arr.shape[0] != arr.shape[1]:
        raise ValueError(
            f"{name} must be a square 2-D array of interior values, got shape "
            f"{arr.shape}"
        )
    if size is not None and arr.shape != (size, size):
        raise ValueError(
            f"{name} has shape {arr.shape} but deflection has shape "
            f"{(size, size)}; they must match"
        )
    return arr
