"""The least-norm point of a polyhedron, by an active-set method on the dual.

Solves ``min 1/2 |u|^2`` subject to ``E u = e`` and ``G u <= b`` (a few equality
rows, many inequality rows). Stationarity reads ``u = -(E^T nu + G^T z)`` with
``z >= 0``; for a given working set ``F`` of inequality rows held as equalities,
the minimiser is the least-norm solution of ``[E; G_F] u = [e; b_F]``. The loop is
Lawson and Hanson's active-set method for non-negative least squares, applied to
the multipliers ``z``: add the most violated row, re-solve, and, whenever a
multiplier would turn negative, move back to where it vanishes and release its row.
"""

from __future__ import annotations

import numpy as np

__all__ = ["least_norm_point"]


def least_norm_point(
    E: np.ndarray,
    e: np.ndarray,
    G: np.ndarray,
    b: np.ndarray,
    *,
    tol: float = 1e-12,
    max_iterations: int | None = None,
) -> tuple[np.ndarray, np.ndarray, int]:
    """Return ``u``, the multipliers ``z`` of the rows of ``G``, and the iterations.

    Raises ``ValueError`` if the iterations run out, which happens when the
    constraints cannot all be met.
    """
    limit = max_iterations if max_iterations is not None else 10 * (G.shape[0] + 2)
    z = np.zeros(G.shape[0])
    working: list[int] = []
    u, _ = _solve_on(E, e, G, b, working)
    iterations = 0
    while True:
        violation = G @ u - b
        violation[working] = -np.inf
        new = int(np.argmax(violation))
        if violation[new] <= tol * max(1.0, float(np.max(np.abs(b)))):
            return u, z, iterations
        working.append(new)
        while True:
            iterations += 1
            if iterations > limit:
                raise ValueError(
                    "the constraints could not be met: no feasible point found "
                    f"in {limit} iterations"
                )
            u_trial, z_trial = _solve_on(E, e, G, b, working)
            if np.all(z_trial > 0):
                u = u_trial
                z[:] = 0.0
                z[working] = z_trial
                break
            z_now = z[working]
            if z_trial[-1] <= 0 and np.all(z_trial[:-1] > 0) and z_now[-1] == 0:
                # Rounding has undone the row just added: it is satisfied already.
                working.pop()
                return u, z, iterations
            falling = z_trial <= 0
            alpha = float(np.min(z_now[falling] / (z_now[falling] - z_trial[falling])))
            z_now = z_now + alpha * (z_trial - z_now)
            u = u + alpha * (u_trial - u)
            z[:] = 0.0
            keep = z_now > 0
            working = [row for row, kept in zip(working, keep, strict=True) if kept]
            z[working] = z_now[keep]


def _solve_on(
    E: np.ndarray, e: np.ndarray, G: np.ndarray, b: np.ndarray, working: list[int]
) -> tuple[np.ndarray, np.ndarray]:
    """Least-norm solution of ``[E; G_F] u = [e; b_F]`` and the multipliers of F."""
    C = np.vstack([E, G[working]])
    d = np.concatenate([e, b[working]])
    try:
        y = np.linalg.solve(C @ C.T, d)
    except np.linalg.LinAlgError:
        raise ValueError(
            "the constraints could not be met: the active rows are dependent"
        ) from None
    return C.T @ y, -y[E.shape[0] :]
