"""Wilkinson (1965): first-order perturbation of a simple eigenvalue, backward error.

Let ``lambda`` be a simple eigenvalue of ``A`` with right eigenvector ``x``
(``A x = lambda x``) and left eigenvector ``y`` (``y^H A = lambda y^H``).
Differentiating ``(A + eps E) x(eps) = lambda(eps) x(eps)`` at ``eps = 0`` and
multiplying on the left by ``y^H`` removes the unknown derivative of ``x``:

    ``lambda(eps) = lambda + eps (y^H E x) / (y^H x) + O(eps^2)``,

so the derivative of ``lambda`` with respect to the entry ``a_ij`` is
``conj(y_i) x_j / (y^H x)``: one left eigenvector gives the sensitivity to all
``n^2`` entries at once. With ``|x| = |y| = 1`` the number ``1 / |y^H x|``, the
condition number of ``lambda``, bounds how much a perturbation of the matrix is
amplified; it is 1 for normal matrices and can be enormous otherwise.

The backward view: a computed pair ``(mu, v)`` is an exact eigenpair of
``A + E`` with ``E = -r v^H / |v|^2``, ``r = A v - mu v``, and no smaller ``E``
(in the 2-norm) does this. A stable algorithm keeps ``|E|`` a modest multiple
of the unit roundoff times ``|A|``; the error in ``mu`` is then, to first order,
at most the condition number times ``|E|``.

:func:`dominant_eigenvalue` computes an eigenvalue by plain numpy operations
(power iteration), so that ``histbp.autodiff`` can differentiate it: reverse mode
then reproduces Wilkinson's ``conj(y) x^T / (y^H x)`` without being told it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from histbp._validation import (
    as_finite_number,
    as_square_matrix,
    check_positive_int,
)

__all__ = [
    "EigenSensitivity",
    "dominant_eigenvalue",
    "eigenpair_backward_error",
    "eigenvalue_sensitivity",
    "nearest_eigenvalue",
]


@dataclass(frozen=True, slots=True)
class EigenSensitivity:
    """A simple eigenvalue with what is needed to predict how it moves.

    Attributes
    ----------
    eigenvalue
        The eigenvalue ``lambda`` (a float if it and ``A`` are real, else
        complex).
    right
        The right eigenvector ``x``, unit length, shape ``(n,)``.
    left
        The left eigenvector ``y``, unit length, phased so that ``y^H x`` is real
        and positive, shape ``(n,)``.
    gradient
        ``d lambda / d a_ij = conj(y_i) x_j / (y^H x)``, shape ``(n, n)``; real
        when ``A`` and ``lambda`` are real.
    condition
        ``1 / |y^H x|``, at least 1.
    """

    eigenvalue: float | complex
    right: np.ndarray
    left: np.ndarray
    gradient: np.ndarray
    condition: float

    def first_order_shift(self, E: Any) -> float | complex:
        """Return ``(y^H E x) / (y^H x)``, the rate at which ``lambda`` moves.

        The eigenvalue of ``A + eps E`` is ``lambda + eps * shift + O(eps^2)``.

        Parameters
        ----------
        E
            Direction of the perturbation, shape ``(n, n)``.

        Returns
        -------
        float or complex
            The first-order shift; real when everything is real.

        Raises
        ------
        ValueError
            If ``E`` has the wrong shape or non-finite entries.

        References
        ----------
        Wilkinson (1965) [wilkinson1965].
        """
        E = as_square_matrix(E, "E")
        n = self.right.size
        if E.shape != (n, n):
            raise ValueError(f"E has shape {E.shape}; expected ({n}, {n}) like A")
        shift = np.sum(self.gradient * E)
        return float(shift) if np.isrealobj(shift) else complex(shift)


def eigenvalue_sensitivity(A: Any, near: complex) -> EigenSensitivity:
    """Return the eigenvalue of ``A`` nearest ``near``, its eigenvectors, gradient.

    The right eigenvector comes from ``numpy.linalg.eig(A)``, the left one from
    ``numpy.linalg.eig(A^H)`` (whose eigenvalues are the conjugates), each
    normalised to unit length; for a real ``A`` and a real eigenvalue both are
    made real.

    Parameters
    ----------
    A
        Square matrix, real or complex, shape ``(n, n)``.
    near
        A number closer to the wanted eigenvalue than to any other.

    Returns
    -------
    EigenSensitivity
        The eigenvalue, unit right and left eigenvectors, the gradient
        ``conj(y) x^T / (y^H x)`` and the condition number ``1 / |y^H x|``.

    Raises
    ------
    TypeError
        If ``A`` is not numeric or ``near`` is not a number.
    ValueError
        For the reasons :func:`nearest_eigenvalue` gives, or if the eigenvalue
        found is not simple (another one coincides with it to rounding) or its
        left and right eigenvectors are orthogonal (a defective eigenvalue has no
        first-order expansion).

    References
    ----------
    Wilkinson (1965) [wilkinson1965].

    Examples
    --------
    >>> import numpy as np
    >>> s = eigenvalue_sensitivity(np.array([[1.0, 3.0], [0.0, 2.0]]), 1.0)
    >>> s.eigenvalue, round(s.condition**2, 12)  # 1 / |y^H x| = sqrt(1 + 3^2)
    (1.0, 10.0)
    >>> s.gradient[:, 0].round(12).tolist(), bool(np.all(s.gradient[:, 1] == 0))
    ([1.0, -3.0], True)
    """
    A = as_square_matrix(A, "A")
    target = as_finite_number(near, "near")
    values, vectors = np.linalg.eig(A)
    k = _nearest_index(values, target)
    lam = values[k]
    others = np.delete(values, k)
    scale = max(float(np.linalg.norm(A)), np.finfo(float).tiny)
    if others.size and float(np.min(np.abs(others - lam))) <= 1e-10 * scale:
        raise ValueError(
            f"the eigenvalue {lam} nearest near={near} is not simple: another "
            "eigenvalue coincides with it to rounding"
        )
    x = vectors[:, k]
    left_values, left_vectors = np.linalg.eig(A.conj().T)
    y = left_vectors[:, _nearest_index(left_values, np.conj(lam), check=False)]
    real = np.isrealobj(A) and np.imag(lam) == 0
    if real:
        lam, x, y = float(np.real(lam)), _real(x), _real(y)
    x = x / np.linalg.norm(x)
    y = y / np.linalg.norm(y)
    overlap = np.vdot(y, x)  # y^H x
    if abs(overlap) <= np.finfo(float).eps:
        raise ValueError(
            f"the eigenvalue {lam} has left and right eigenvectors orthogonal to "
            "rounding: it is defective and has no first-order expansion"
        )
    y = y * (overlap / abs(overlap))  # now y^H x = |overlap| > 0
    overlap = abs(overlap)
    gradient = np.outer(y.conj(), x) / overlap
    return EigenSensitivity(
        eigenvalue=lam if real else complex(lam),
        right=x,
        left=y,
        gradient=gradient.real if real else gradient,
        condition=1.0 / float(overlap),
    )


def nearest_eigenvalue(A: Any, near: complex) -> float | complex:
    """Return the eigenvalue of ``A`` (by ``numpy.linalg.eig``) nearest ``near``.

    Used to follow one eigenvalue as the matrix is perturbed: for a small
    perturbation, the eigenvalue of ``A + eps E`` nearest ``lambda`` is the one
    that moved from ``lambda``.

    Parameters
    ----------
    A
        Square matrix, shape ``(n, n)``.
    near
        A number closer to the wanted eigenvalue than to any other.

    Returns
    -------
    float or complex
        The eigenvalue; a float when it is real and ``A`` is real.

    Raises
    ------
    TypeError
        If ``A`` is not numeric or ``near`` is not a number.
    ValueError
        If ``A`` is not square or not finite, or ``near`` is equally close to two
        different eigenvalues.

    References
    ----------
    Wilkinson (1965) [wilkinson1965].

    Examples
    --------
    >>> nearest_eigenvalue([[2.0, 1.0], [1.0, 2.0]], 2.9)
    3.0
    """
    A = as_square_matrix(A, "A")
    values = np.linalg.eigvals(A)
    lam = values[_nearest_index(values, as_finite_number(near, "near"))]
    if np.isrealobj(A) and np.imag(lam) == 0:
        return float(np.real(lam))
    return complex(lam)


def eigenpair_backward_error(A: Any, eigenvalue: complex, vector: Any) -> float:
    """Return ``|A v - mu v| / (|A| |v|)``, the relative backward error of a pair.

    ``(mu, v)`` is an exact eigenpair of ``A + E`` for ``E = -r v^H / |v|^2``,
    ``r = A v - mu v``, whose 2-norm ``|r| / |v|`` is the smallest possible; the
    result is that norm relative to ``|A|`` (2-norms throughout).

    Parameters
    ----------
    A
        Square matrix, shape ``(n, n)``.
    eigenvalue
        The computed eigenvalue ``mu``.
    vector
        The computed eigenvector ``v``, shape ``(n,)``, not zero.

    Returns
    -------
    float
        ``|E| / |A|``; a stable method keeps it near the unit roundoff
        (about ``1.1e-16``).

    Raises
    ------
    TypeError
        If ``A`` is not numeric or ``eigenvalue`` is not a number.
    ValueError
        If ``A`` is not square or not finite or is zero, or ``vector`` has the
        wrong shape, is zero or is not finite.

    References
    ----------
    Wilkinson (1965) [wilkinson1965].

    Examples
    --------
    >>> A = [[1.0, 0.0], [0.0, 2.0]]
    >>> eigenpair_backward_error(A, 2.5, [0.0, 1.0])  # |E| = 0.5, |A| = 2
    0.25
    """
    A = as_square_matrix(A, "A")
    mu = as_finite_number(eigenvalue, "eigenvalue")
    v = np.array(vector)
    if v.dtype.kind not in "biufc":
        raise TypeError(f"vector must be numeric, got dtype {v.dtype}")
    if v.shape != (A.shape[0],):
        raise ValueError(f"vector has shape {v.shape}; expected ({A.shape[0]},)")
    if not np.all(np.isfinite(v)):
        raise ValueError("vector contains non-finite values")
    size = float(np.linalg.norm(v))
    if size == 0.0:
        raise ValueError("vector must not be zero")
    norm_a = float(np.linalg.norm(A, 2))
    if norm_a == 0.0:
        raise ValueError("A must not be the zero matrix")
    residual = float(np.linalg.norm(A @ v - mu * v))
    return residual / (norm_a * size)


def dominant_eigenvalue(A: Any, *, steps: int = 100, start: Any = None) -> Any:
    """Return the eigenvalue of largest modulus by power iteration.

    Iterates ``v <- A v / |A v|`` ``steps`` times from ``start`` and returns the
    Rayleigh quotient ``v.A v / v.v``, which tends to the dominant eigenvalue
    when it is real, simple and strictly larger in modulus than the others (the
    error shrinks like ``|lambda_2 / lambda_1|^steps``). Only ``@``, ``sqrt`` and
    arithmetic are used, so the function runs on ``histbp.autodiff``'s traced
    values: ``grad(dominant_eigenvalue)(A)`` differentiates through the whole
    iteration and approaches ``y x^T / (y.x)``, and ``jvp`` in a direction ``E``
    approaches ``y.E x / (y.x)``.

    Parameters
    ----------
    A
        Real square matrix, shape ``(n, n)`` (or a traced value of that shape).
    steps
        Number of power steps; a positive integer.
    start
        Starting vector, shape ``(n,)``; ``(1, ..., 1) / sqrt(n)`` if omitted. It
        must not be orthogonal to the dominant left eigenvector.

    Returns
    -------
    float
        The estimate (traced when ``A`` is).

    Raises
    ------
    TypeError
        If ``steps`` is not an integer.
    ValueError
        If ``A`` is not a real square matrix of finite values, or ``start`` has
        the wrong shape, non-finite values, or is zero.

    References
    ----------
    Wilkinson (1965) [wilkinson1965].

    Examples
    --------
    >>> round(dominant_eigenvalue([[2.0, 1.0], [0.0, 1.0]]), 12)
    2.0
    """
    from histbp.autodiff import Tracer  # the engine, loaded with the package

    steps = check_positive_int(steps, "steps")
    if isinstance(A, Tracer):
        shape = np.shape(A)
        if len(shape) != 2 or shape[0] != shape[1] or shape[0] == 0:
            raise ValueError(f"A must be a non-empty square matrix, got shape {shape}")
    else:
        A = as_square_matrix(A, "A")
        if not np.isrealobj(A):
            raise ValueError("A must be real for power iteration")
        shape = A.shape
    n = shape[0]
    if start is None:
        v = np.full(n, 1.0 / np.sqrt(n))
    else:
        v = np.array(start, dtype=float)
        if v.shape != (n,):
            raise ValueError(f"start has shape {v.shape}; expected ({n},)")
        if not np.all(np.isfinite(v)) or not np.any(v):
            raise ValueError("start must be finite and not zero")
    for _ in range(steps):
        w = A @ v
        v = w / np.sqrt(w @ w)
    estimate = (v @ (A @ v)) / (v @ v)
    return estimate if isinstance(estimate, Tracer) else float(estimate)


def _nearest_index(values: np.ndarray, target: complex, *, check: bool = True) -> int:
    """Index of the entry of ``values`` nearest ``target``, refusing a tie."""
    distances = np.abs(values - target)
    order = np.argsort(distances)
    k = int(order[0])
    if check and values.size > 1:
        j = int(order[1])
        tie = distances[j] - distances[k] <= 1e-12 * (1.0 + abs(target))
        if tie and values[j] != values[k]:
            raise ValueError(
                f"near={target} is equally close to the eigenvalues {values[k]} and "
                f"{values[j]}; give a number closer to the one meant"
            )
    return k


def _real(v: np.ndarray) -> np.ndarray:
    """Rotate a complex vector that is real up to a phase onto the real axis."""
    if not np.iscomplexobj(v):
        return v
    k = int(np.argmax(np.abs(v)))
    return (v * (abs(v[k]) / v[k])).real
