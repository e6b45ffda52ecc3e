"""Stochastic approximation: Robbins and Monro (1951), Kiefer and Wolfowitz (1952).

Both methods look for a point defined by a function ``M`` that can only be
observed with random error, one or two observations per step, and move at once
by a step ``a_n`` that shrinks. Robbins and Monro find the root of
``M(x) = alpha``:

    ``x_{n+1} = x_n + a_n (alpha - y_n)``,  ``E[y_n | x_n] = M(x_n)``,

with ``sum a_n = inf`` (the iterates can travel any distance) and
``sum a_n^2 < inf`` (the noise they accumulate has finite variance). Kiefer and
Wolfowitz find the maximum of ``M`` from two observations ``c_n`` either side:

    ``x_{n+1} = x_n + a_n (y(x_n + c_n) - y(x_n - c_n)) / c_n``,

with ``c_n -> 0``, ``sum a_n = inf``, ``sum a_n c_n < inf`` and
``sum a_n^2 / c_n^2 < inf``.

Both are implemented for a scalar ``x``, as in the papers. A 1-D array ``x0``
runs that many independent copies side by side (one per entry), which is how the
spread of the estimates over repetitions is measured cheaply.

Steps here are powers, ``a_n = gain n^-p`` and ``c_n = width n^-q``; the
conditions above then read ``1/2 < p <= 1`` for Robbins-Monro and ``p <= 1``,
``q > 0``, ``p + q > 1``, ``p - q > 1/2`` for Kiefer-Wolfowitz, and the functions
refuse exponents that break them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from histbp._validation import (
    as_finite_array,
    as_returned_array,
    check_callable,
    check_positive_int,
    check_random_state,
    check_real,
)

__all__ = [
    "ApproximationResult",
    "kiefer_wolfowitz",
    "robbins_monro",
    "step_sizes",
]

Observe = Callable[[np.ndarray, np.random.Generator], Any]


@dataclass(frozen=True, slots=True)
class ApproximationResult:
    """The outcome of a run of stochastic approximation.

    Attributes
    ----------
    x
        The final estimate: a float for a scalar start, else an array of shape
        ``(k,)``, one estimate per independent run.
    path
        The estimates from the start on, shape ``(steps + 1,)`` for a scalar
        start, ``(steps + 1, k)`` for ``k`` runs.
    gains
        The step sizes ``a_1 .. a_steps``, shape ``(steps,)``.
    widths
        For Kiefer-Wolfowitz, the half-widths ``c_1 .. c_steps`` of the finite
        differences, shape ``(steps,)``; ``None`` for Robbins-Monro.
    """

    x: float | np.ndarray
    path: np.ndarray
    gains: np.ndarray
    widths: np.ndarray | None = None


def robbins_monro(
    observe: Observe,
    x0: Any,
    alpha: float,
    *,
    steps: int,
    gain: float = 1.0,
    exponent: float = 1.0,
    offset: float = 0.0,
    rng: Any = None,
) -> ApproximationResult:
    """Find the root of ``M(x) = alpha`` from noisy observations of ``M``.

    Runs ``x_{n+1} = x_n + a_n (alpha - y_n)`` for ``n = 1 .. steps`` with
    ``a_n = gain / (n + offset)^exponent`` and ``y_n = observe(x_n, rng)``, a
    random variable with mean ``M(x_n)``. For ``M`` increasing through its root
    ``theta`` (and bounded noise, as in the paper), ``x_n`` converges to
    ``theta``. With ``exponent = 1`` and ``gain > 1 / (2 M'(theta))`` the error
    shrinks like ``n^-1/2``. A positive ``offset`` tempers the first few steps
    and leaves the paper's conditions intact: a large first step can throw the
    estimate into a region where ``M`` is flat, from which steps ``~ 1/n``
    return only slowly.

    Parameters
    ----------
    observe
        ``observe(x, rng)`` returns one noisy observation of ``M`` at each entry
        of ``x`` (an array of the shape of ``x0``), drawing its randomness from
        the generator ``rng``.
    x0
        Starting point: a real number, or a 1-D array for independent runs.
    alpha
        The level whose root is sought; a finite real number.
    steps
        Number of steps; a positive integer.
    gain
        The constant ``c`` of ``a_n = c / (n + offset)^exponent``; positive.
    exponent
        In ``(1/2, 1]``, so that ``sum a_n = inf`` and ``sum a_n^2 < inf``.
    offset
        Shift of the step counter in ``a_n``; a real number ``>= 0``.
    rng
        ``None``, a non-negative integer seed or a ``numpy.random.Generator``
        from which all observations draw.

    Returns
    -------
    ApproximationResult
        The final estimate, the path and the step sizes.

    Raises
    ------
    TypeError
        If ``observe`` is not callable or a number has the wrong type.
    ValueError
        If ``x0`` is not a finite scalar or non-empty 1-D array, an option is out
        of range (naming the condition of the paper it breaks), or ``observe``
        returns the wrong shape or non-finite values (naming the step).

    References
    ----------
    Robbins and Monro (1951) [robbins1951].

    Examples
    --------
    Root of ``M(x) = x`` at level 2, observed without noise:

    >>> res = robbins_monro(lambda x, rng: x, 0.0, 2.0, steps=50)
    >>> round(res.x, 12)
    2.0
    """
    check_callable(observe, "observe")
    x, scalar = _as_start(x0)
    alpha = check_real(alpha, "alpha")
    gains = step_sizes(steps, gain, _check_gain_exponent(exponent), offset)
    rng = check_random_state(rng, "rng")

    path = [x]
    for n, a_n in enumerate(gains, start=1):
        y_n = _observe(observe, x, rng, f" at step {n}")
        x = x + a_n * (alpha - y_n)
        path.append(x)
    return _result(path, scalar, gains)


def kiefer_wolfowitz(
    observe: Observe,
    x0: Any,
    *,
    steps: int,
    gain: float = 1.0,
    width: float = 1.0,
    gain_exponent: float = 1.0,
    width_exponent: float = 1.0 / 6.0,
    rng: Any = None,
) -> ApproximationResult:
    """Find the maximiser of ``M`` from noisy observations of ``M`` alone.

    Runs ``x_{n+1} = x_n + a_n (y(x_n + c_n) - y(x_n - c_n)) / c_n`` for
    ``n = 1 .. steps``, with ``a_n = gain / n^gain_exponent``,
    ``c_n = width / n^width_exponent`` and ``y(z) = observe(z, rng)``, a random
    variable with mean ``M(z)``. The difference quotient estimates ``2 M'(x_n)``;
    its noise grows like ``1 / c_n`` and its bias like ``c_n^2``, which is why the
    rate is slower than Robbins-Monro's: with ``a_n ~ 1/n`` and
    ``c_n ~ n^-1/6`` (the defaults) the error shrinks like ``n^-1/3``.

    Parameters
    ----------
    observe
        ``observe(z, rng)`` returns one noisy observation of ``M`` at each entry
        of ``z`` (an array of the shape of ``x0``). It is called twice per step,
        first at ``x_n + c_n``, then at ``x_n - c_n``.
    x0, steps
        As for :func:`robbins_monro`.
    gain, width
        The constants of ``a_n`` and ``c_n``; positive.
    gain_exponent, width_exponent
        ``p`` and ``q`` in ``a_n = gain n^-p``, ``c_n = width n^-q``. The
        conditions of the paper require ``p <= 1`` (``sum a_n = inf``), ``q > 0``
        (``c_n -> 0``), ``p + q > 1`` (``sum a_n c_n < inf``) and
        ``p - q > 1/2`` (``sum a_n^2 / c_n^2 < inf``).
    rng
        As for :func:`robbins_monro`.

    Returns
    -------
    ApproximationResult
        The final estimate, the path, the step sizes and the half-widths.

    Raises
    ------
    TypeError
        If ``observe`` is not callable or a number has the wrong type.
    ValueError
        If ``x0`` is not a finite scalar or non-empty 1-D array, an exponent
        breaks one of the conditions (the message names it), a constant is not
        positive, or ``observe`` returns the wrong shape or non-finite values.

    References
    ----------
    Kiefer and Wolfowitz (1952) [kiefer1952].

    Examples
    --------
    Maximum of ``M(x) = -(x - 1)^2``, observed without noise:

    >>> res = kiefer_wolfowitz(lambda x, rng: -((x - 1.0) ** 2), 0.0, steps=200,
    ...                        gain=0.5)
    >>> round(res.x, 10)
    1.0
    """
    check_callable(observe, "observe")
    x, scalar = _as_start(x0)
    p = check_real(gain_exponent, "gain_exponent")
    q = check_real(width_exponent, "width_exponent")
    _check_kiefer_wolfowitz_exponents(p, q)
    gains, widths = step_sizes(steps, gain, p), step_sizes(steps, width, q)
    rng = check_random_state(rng, "rng")

    path = [x]
    for n, (a_n, c_n) in enumerate(zip(gains, widths, strict=True), start=1):
        upper = _observe(observe, x + c_n, rng, f" at step {n} at x_n + c_n")
        lower = _observe(observe, x - c_n, rng, f" at step {n} at x_n - c_n")
        x = x + a_n * (upper - lower) / c_n
        path.append(x)
    return _result(path, scalar, gains, widths)


def step_sizes(
    steps: int, gain: float, exponent: float, offset: float = 0.0
) -> np.ndarray:
    """Return the steps ``a_n = gain / (n + offset)^exponent``, n from 1 to ``steps``.

    Parameters
    ----------
    steps
        How many step sizes; a positive integer.
    gain
        Positive constant.
    exponent
        Decay exponent; for ``1/2 < exponent <= 1`` the steps satisfy Robbins and
        Monro's ``sum a_n = inf`` and ``sum a_n^2 < inf``.
    offset
        Shift of the counter, ``>= 0``.

    Returns
    -------
    numpy.ndarray
        The step sizes, shape ``(steps,)``.

    Raises
    ------
    TypeError
        If an argument has the wrong type.
    ValueError
        If ``steps`` or ``gain`` is not positive, ``offset`` is negative, or a
        value is not finite.

    References
    ----------
    Robbins and Monro (1951) [robbins1951].

    Examples
    --------
    >>> step_sizes(3, 6.0, 1.0, offset=1.0).tolist()
    [3.0, 2.0, 1.5]
    """
    steps = check_positive_int(steps, "steps")
    gain = check_real(gain, "gain", low=0.0, low_open=True)
    exponent = check_real(exponent, "exponent")
    offset = check_real(offset, "offset", low=0.0)
    return gain / (np.arange(1, steps + 1, dtype=float) + offset) ** exponent


def _check_kiefer_wolfowitz_exponents(p: float, q: float) -> None:
    """Raise unless ``a_n = n^-p``, ``c_n = n^-q`` meet Kiefer-Wolfowitz's terms."""
    if p > 1.0:
        raise ValueError(
            f"gain_exponent must be at most 1 so that sum a_n = inf, got {p}"
        )
    if q <= 0.0:
        raise ValueError(f"width_exponent must be positive so that c_n -> 0, got {q}")
    if p + q <= 1.0:
        raise ValueError(
            "gain_exponent + width_exponent must exceed 1 so that "
            f"sum a_n c_n < inf, got {p} + {q}"
        )
    if p - q <= 0.5:
        raise ValueError(
            "gain_exponent - width_exponent must exceed 1/2 so that "
            f"sum a_n^2 / c_n^2 < inf, got {p} - {q}"
        )


def _check_gain_exponent(exponent: float, gain: str = "a_n") -> float:
    """Return ``exponent`` if steps ``~ n^-exponent`` meet Robbins and Monro's terms.

    ``sum a_n = inf`` and ``sum a_n^2 < inf`` hold for ``a_n ~ n^-p`` exactly when
    ``1/2 < p <= 1``; ``gain`` is how the message names the steps.
    """
    p = check_real(exponent, "exponent")
    if not 0.5 < p <= 1.0:
        raise ValueError(
            f"exponent must lie in (0.5, 1] so that sum {gain} = inf and "
            f"sum {gain}^2 < inf, got {p}"
        )
    return p


def _as_start(x0: Any) -> tuple[np.ndarray, bool]:
    """Return the start as a float array and whether it was a scalar."""
    if np.ndim(x0) == 0:
        return np.array(check_real(x0, "x0")), True
    if np.ndim(x0) != 1:
        raise ValueError(
            f"x0 must be a real number or a non-empty 1-D array, "
            f"got shape {np.shape(x0)}"
        )
    return as_finite_array(x0, "x0", 1), False


def _observe(
    observe: Observe, x: np.ndarray, rng: np.random.Generator, where: str
) -> np.ndarray:
    """Call ``observe`` and check that it returned finite values of ``x``'s shape."""
    return as_returned_array(observe(x.copy(), rng), "observe", x.shape, where)


def _result(
    path: list[np.ndarray],
    scalar: bool,
    gains: np.ndarray,
    widths: np.ndarray | None = None,
) -> ApproximationResult:
    """Pack a run, with floats and 1-D paths for a scalar start."""
    x, trace = path[-1], np.array(path)
    if scalar:
        return ApproximationResult(float(x), trace.reshape(-1), gains, widths)
    return ApproximationResult(x, trace, gains, widths)
