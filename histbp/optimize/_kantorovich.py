"""Kantorovich's bound on steepest descent, and the start that attains it.

With exact line search on ``f(x) = 1/2 x^T A x - b^T x``, ``A`` symmetric positive
definite with extreme eigenvalues ``lam_min <= lam_max`` and condition number
``k = lam_max / lam_min``, one step satisfies

    ``f(x_{j+1}) - f* <= ((k - 1) / (k + 1))^2 (f(x_j) - f*)``.

The bound is sharp. Writing ``g = A (x - x*)`` for the gradient, the step reduces
``f - f*`` by the factor ``1 - (g.g)^2 / ((g.A g)(g.A^{-1} g))``, and Kantorovich's
inequality says this is largest when ``g`` has equal components along a unit
eigenvector ``v_min`` of ``lam_min`` and a unit eigenvector ``v_max`` of ``lam_max``
and none elsewhere. For ``g = v_min + v_max``: ``g.g = 2``,
``g.A g = lam_min + lam_max`` and ``g.A^{-1} g = (lam_min + lam_max) /
(lam_min lam_max)``, so the factor is ``(lam_max - lam_min)^2 / (lam_max +
lam_min)^2``, exactly the bound. The start is therefore

    ``x0 = x* + s (v_min / lam_min + v_max / lam_max)``,

for any scale ``s != 0``. The next gradient is orthogonal to ``g`` within the plane
of ``v_min`` and ``v_max``, i.e. proportional to ``v_min - v_max``, again with equal
components, so the bound is attained at every step and the path zig-zags forever.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from histbp._validation import as_spd_system, check_real

__all__ = [
    "contraction_factors",
    "kantorovich_rate",
    "optimality_gaps",
    "worst_case_start",
]


def kantorovich_rate(condition_number: float) -> float:
    """Return ``((k - 1) / (k + 1))^2``, the worst per-step contraction of ``f - f*``.

    Parameters
    ----------
    condition_number
        ``k = lam_max / lam_min`` of the symmetric positive-definite matrix; a
        finite real number at least 1.

    Returns
    -------
    float
        The factor by which steepest descent with exact line search is guaranteed
        to shrink ``f - f*`` at each step on a quadratic of condition ``k``.

    Raises
    ------
    TypeError
        If ``condition_number`` is not a real number.
    ValueError
        If ``condition_number`` is less than 1 or not finite (the message gives
        the interval ``[1.0, inf]``).

    References
    ----------
    Kantorovich (1948) [kantorovich1948]; Nocedal and Wright (2006), Theorem 3.3
    [nocedal2006].

    Examples
    --------
    >>> round(kantorovich_rate(10.0), 6)
    0.669421
    """
    k = check_real(condition_number, "condition_number", low=1.0)
    return ((k - 1.0) / (k + 1.0)) ** 2


def worst_case_start(A: Any, b: Any, *, radius: float = 1.0) -> np.ndarray:
    """Return a start from which steepest descent attains Kantorovich's bound.

    The start is ``x* + s (v_min / lam_min + v_max / lam_max)``, with ``x*`` the
    solution of ``A x = b``, ``v_min`` and ``v_max`` unit eigenvectors of the
    smallest and largest eigenvalues, and ``s`` chosen so that
    ``|x0 - x*| = radius``. Its gradient ``A (x0 - x*)`` is proportional to
    ``v_min + v_max``, which makes every step of exact-line-search descent shrink
    ``f - f*`` by exactly ``((k - 1) / (k + 1))^2`` (see the module notes for the
    derivation). For ``A = diag(1, 10)`` the offset is proportional to ``(10, 1)``.

    Parameters
    ----------
    A
        Symmetric positive-definite matrix, shape ``(n, n)``.
    b
        Right-hand side, shape ``(n,)``.
    radius
        Euclidean distance of the start from the minimiser, positive.

    Returns
    -------
    numpy.ndarray
        The starting point, shape ``(n,)``.

    Raises
    ------
    ValueError
        If ``A`` is not square and symmetric positive definite, ``b`` does not
        match it, an input is non-finite, or ``radius`` is not positive.

    References
    ----------
    Kantorovich (1948) [kantorovich1948], whose inequality holds with equality
    for this gradient; the bound it attains is Theorem 3.3 of Nocedal and Wright
    (2006) [nocedal2006].

    Examples
    --------
    >>> import numpy as np
    >>> x0 = worst_case_start(np.diag([1.0, 10.0]), [0.0, 0.0])
    >>> np.round(x0 / x0[1], 12).tolist()
    [10.0, 1.0]
    """
    A, b = as_spd_system(A, b)
    radius = check_real(radius, "radius", low=0.0, low_open=True)
    eigenvalues, eigenvectors = np.linalg.eigh(A)
    offset = eigenvectors[:, 0] / eigenvalues[0] + eigenvectors[:, -1] / eigenvalues[-1]
    offset *= radius / np.linalg.norm(offset)
    return np.linalg.solve(A, b) + offset


def optimality_gaps(A: Any, b: Any, path: Any) -> np.ndarray:
    """Return ``f(x) - f*`` for each row ``x`` of ``path``, without cancellation.

    The gap is computed as ``1/2 (x - x*)^T A (x - x*)``, which equals
    ``f(x) - f*`` for ``f(x) = 1/2 x^T A x - b^T x`` but stays accurate when the
    gap is far smaller than ``|f*|``.

    Parameters
    ----------
    A
        Symmetric positive-definite matrix, shape ``(n, n)``.
    b
        Right-hand side, shape ``(n,)``.
    path
        Points, shape ``(m, n)``, e.g. :attr:`DescentResult.path`.

    Returns
    -------
    numpy.ndarray
        The gaps, shape ``(m,)``.
    """
    A, b = as_spd_system(A, b)
    path = np.asarray(path, dtype=float)
    if path.ndim != 2 or path.shape[1] != A.shape[0]:
        raise ValueError(
            f"path has shape {path.shape} but A has shape {A.shape}; "
            f"expected path of shape (m, {A.shape[0]})"
        )
    errors = path - np.linalg.solve(A, b)
    return 0.5 * np.einsum("ij,jk,ik->i", errors, A, errors)


def contraction_factors(A: Any, b: Any, path: Any) -> np.ndarray:
    """Return the per-step ratios ``(f(x_{j+1}) - f*) / (f(x_j) - f*)``.

    Parameters
    ----------
    A
        Symmetric positive-definite matrix, shape ``(n, n)``.
    b
        Right-hand side, shape ``(n,)``.
    path
        Iterates, shape ``(m, n)``.

    Returns
    -------
    numpy.ndarray
        The ratios, shape ``(m - 1,)``; ``nan`` where the earlier gap is zero.

    References
    ----------
    Kantorovich (1948) [kantorovich1948].
    """
    gaps = optimality_gaps(A, b, path)
    before, after = gaps[:-1], gaps[1:]
    ratios = np.full(before.shape, np.nan)
    np.divide(after, before, out=ratios, where=before > 0)
    return ratios
