"""Tsypkin (1966, 1971): learning on line by stochastic gradient steps.

A system with parameters ``c`` should minimise an expected loss
``J(c) = E Q(x, c)`` over observations ``x`` whose distribution it does not know.
Each observation gives the gradient of its own loss, an unbiased sample of
``grad J``, and the parameters follow it:

    ``c_n = c_{n-1} - gamma_n grad_c Q(x_n, c_{n-1})``,

with ``sum gamma_n = inf`` and ``sum gamma_n^2 < inf``, the conditions of Robbins
and Monro; the algorithm is their stochastic approximation applied to the root of
``grad J = 0``. For a linear predictor and squared error,
``Q = 1/2 (y - c.x)^2``, the step is the least-mean-squares (LMS) rule
``c_n = c_{n-1} + gamma_n (y_n - c_{n-1}.x_n) x_n``, and the expected step vanishes
at the Wiener solution ``c* = R^-1 p``, ``R = E[x x^T]``, ``p = E[y x]``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np

from histbp._validation import (
    as_finite_array,
    as_finite_vector,
    as_returned_array,
    check_callable,
)
from histbp.optimize._stochastic import _check_gain_exponent, step_sizes

__all__ = [
    "LearningResult",
    "WienerResult",
    "lms",
    "tsypkin_learning",
    "wiener_solution",
]


@dataclass(frozen=True, slots=True)
class LearningResult:
    """The outcome of on-line learning by stochastic gradient steps.

    Attributes
    ----------
    c
        The final parameters, shape ``(d,)``.
    path
        The parameters after each observation, from ``c_0`` on, shape
        ``(steps + 1, d)``.
    gains
        The step sizes ``gamma_1 .. gamma_steps``, shape ``(steps,)``.
    """

    c: np.ndarray
    path: np.ndarray
    gains: np.ndarray


@dataclass(frozen=True, slots=True)
class WienerResult:
    """The best linear predictor of ``y`` from ``x`` under a known distribution.

    Attributes
    ----------
    c
        ``R^-1 p``, shape ``(d,)``.
    R
        ``E[x x^T]``, shape ``(d, d)``.
    p
        ``E[y x]``, shape ``(d,)``.
    """

    c: np.ndarray
    R: np.ndarray
    p: np.ndarray


def tsypkin_learning(
    gradient: Callable[[Any, np.ndarray], Any],
    c0: Any,
    observations: Iterable[Any],
    *,
    gain: float = 1.0,
    exponent: float = 1.0,
    offset: float = 0.0,
) -> LearningResult:
    """Adapt parameters on line: ``c_n = c_{n-1} - gamma_n grad_c Q(x_n, c_{n-1})``.

    Each observation is used once, in the order given, and then forgotten; the
    gains are ``gamma_n = gain / (n + offset)^exponent``.

    Parameters
    ----------
    gradient
        ``gradient(x, c)`` returns ``grad_c Q(x, c)``, shape ``(d,)``, for one
        observation ``x`` (anything: a vector, a pair ``(x, y)``, ...). It may be
        hand-written or built with ``histbp.autodiff.grad(Q, argnum=1)``.
    c0
        Initial parameters, a 1-D array of shape ``(d,)``.
    observations
        The stream ``x_1, x_2, ...``; its length is the number of steps.
    gain
        Positive constant of ``gamma_n``.
    exponent
        In ``(1/2, 1]``, so that ``sum gamma_n = inf`` and
        ``sum gamma_n^2 < inf``.
    offset
        Shift of the counter in ``gamma_n``, ``>= 0``; a positive offset keeps the
        first steps from overshooting.

    Returns
    -------
    LearningResult
        The final parameters, their path and the gains.

    Raises
    ------
    TypeError
        If ``gradient`` is not callable or a number has the wrong type.
    ValueError
        If ``c0`` is not a finite non-empty 1-D array, there are no
        observations, an option is out of range, or ``gradient`` returns the
        wrong shape or non-finite values (naming the step).

    References
    ----------
    Tsypkin (1966) [tsypkin1966]; Tsypkin (1971) [tsypkin1971];
    Robbins and Monro (1951) [robbins1951].

    Examples
    --------
    The mean of a stream, as the minimiser of ``E 1/2 (x - c)^2``:

    >>> import numpy as np
    >>> res = tsypkin_learning(lambda x, c: c - x, [0.0], [[1.0], [3.0], [2.0]])
    >>> res.c.tolist()  # gamma_n = 1/n gives the running mean
    [2.0]
    """
    check_callable(gradient, "gradient")
    c = as_finite_vector(c0, "c0")
    stream = list(observations)
    if not stream:
        raise ValueError("observations must contain at least one observation")
    exponent = _check_gain_exponent(exponent, "gamma_n")
    gains = step_sizes(len(stream), gain, exponent, offset)

    path = [c]
    for n, (x_n, gamma_n) in enumerate(zip(stream, gains, strict=True), start=1):
        g = as_returned_array(
            gradient(x_n, c.copy()), "gradient", c.shape, f" at step {n}"
        )
        c = c - gamma_n * g
        path.append(c)
    return LearningResult(c=c, path=np.array(path), gains=gains)


def lms(
    inputs: Any,
    targets: Any,
    c0: Any = None,
    *,
    gain: float = 1.0,
    exponent: float = 1.0,
    offset: float = 0.0,
) -> LearningResult:
    """Least mean squares: Tsypkin's algorithm for ``Q = 1/2 (y - c.x)^2``.

    Runs ``c_n = c_{n-1} + gamma_n (y_n - c_{n-1}.x_n) x_n`` over the rows
    ``x_n`` of ``inputs`` and the entries ``y_n`` of ``targets``, in order, with
    ``gamma_n = gain / (n + offset)^exponent``. For observations drawn
    independently from one distribution, ``c_n`` converges to the Wiener
    solution ``R^-1 p`` (see :func:`wiener_solution`).

    Parameters
    ----------
    inputs
        The inputs ``x_n``, shape ``(steps, d)``.
    targets
        The targets ``y_n``, shape ``(steps,)``.
    c0
        Initial coefficients, shape ``(d,)``; zeros if omitted.
    gain, exponent, offset
        As for :func:`tsypkin_learning`. A large first gain makes the first
        steps overshoot: LMS is stable only while ``gamma_n`` stays below about
        ``2 / |x_n|^2``.

    Returns
    -------
    LearningResult
        The final coefficients, their path and the gains.

    Raises
    ------
    TypeError
        If a number has the wrong type.
    ValueError
        If the arrays have the wrong shapes or non-finite values, or an option
        is out of range.

    References
    ----------
    Tsypkin (1966) [tsypkin1966]; Tsypkin (1971) [tsypkin1971].

    Examples
    --------
    With a constant input and ``gamma_n = 1/n``, LMS is the running mean:

    >>> res = lms([[1.0], [1.0], [1.0], [1.0]], [1.0, 3.0, 2.0, 6.0])
    >>> res.path[:, 0].tolist()
    [0.0, 1.0, 2.0, 2.0, 3.0]
    """
    X, y = _as_samples(inputs, targets)
    d = X.shape[1]
    c = (
        np.zeros(d)
        if c0 is None
        else as_finite_vector(c0, "c0", d, f"inputs has {d} columns")
    )

    def squared_error_gradient(sample: tuple[np.ndarray, float], c: np.ndarray):
        x, target = sample
        return -(target - c @ x) * x

    return tsypkin_learning(
        squared_error_gradient,
        c,
        zip(X, y, strict=True),
        gain=gain,
        exponent=exponent,
        offset=offset,
    )


def wiener_solution(inputs: Any, targets: Any, weights: Any = None) -> WienerResult:
    """Return ``R^-1 p`` for a distribution on finitely many points, exactly.

    The distribution puts probability ``weights[k]`` on the pair
    ``(inputs[k], targets[k])`` (uniform if ``weights`` is omitted), so that
    ``R = sum_k w_k x_k x_k^T`` and ``p = sum_k w_k y_k x_k`` are finite sums. A
    target with zero-mean noise added independently has the same ``p``.

    Parameters
    ----------
    inputs
        The support points ``x_k``, shape ``(m, d)``.
    targets
        The (mean) targets ``y_k``, shape ``(m,)``.
    weights
        Probabilities ``w_k >= 0`` summing to 1, shape ``(m,)``.

    Returns
    -------
    WienerResult
        ``c* = R^-1 p`` with ``R`` and ``p``.

    Raises
    ------
    ValueError
        If shapes do not match, values are not finite, the weights are negative
        or do not sum to 1, or ``R`` is singular (the inputs do not span the
        space).

    References
    ----------
    Tsypkin (1971) [tsypkin1971].

    Examples
    --------
    >>> sol = wiener_solution([[1.0, 0.0], [1.0, 1.0]], [1.0, 3.0])
    >>> sol.c.tolist()
    [1.0, 2.0]
    """
    X, y = _as_samples(inputs, targets)
    m, d = X.shape
    w = (
        np.full(m, 1.0 / m)
        if weights is None
        else as_finite_vector(weights, "weights", m)
    )
    if np.any(w < 0) or abs(float(w.sum()) - 1.0) > 1e-12:
        raise ValueError("weights must be non-negative and sum to 1")
    R = (X * w[:, None]).T @ X
    p = X.T @ (w * y)
    if np.linalg.matrix_rank(R) < d:
        raise ValueError(
            "R = E[x x^T] is singular: the inputs with positive weight do not "
            f"span all {d} directions, so the Wiener solution is not unique"
        )
    return WienerResult(c=np.linalg.solve(R, p), R=R, p=p)


def _as_samples(inputs: Any, targets: Any) -> tuple[np.ndarray, np.ndarray]:
    """Return the inputs as a finite ``(m, d)`` array and the targets as ``(m,)``."""
    X = as_finite_array(inputs, "inputs", 2)
    y = as_finite_vector(targets, "targets", X.shape[0], f"inputs has shape {X.shape}")
    return X, y
