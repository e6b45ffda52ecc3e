"""Armijo's backtracking rule: halve the step until the decrease is sufficient."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from histbp._validation import as_scalar

__all__ = ["armijo_backtracking"]


def armijo_backtracking(
    f: Callable[[np.ndarray], Any],
    x: np.ndarray,
    fx: float,
    g: np.ndarray,
    *,
    c1: float = 1e-4,
    shrink: float = 0.5,
    initial_step: float = 1.0,
) -> tuple[float, np.ndarray, float] | None:
    """Find a step along ``-g`` that satisfies Armijo's sufficient-decrease test.

    Starting from ``t = initial_step``, the step is multiplied by ``shrink`` until

        ``f(x - t g) <= f(x) - c1 t |g|^2``,

    i.e. until the actual decrease is at least the fraction ``c1`` of the decrease
    the linear model predicts. Cauchy asked for the step that minimises ``f`` along
    the line, "or at least decreases it"; Armijo's rule makes "decreases it enough"
    precise and guarantees convergence for a gradient that is Lipschitz. A trial
    point where ``f`` is not finite (an overflow, say) counts as failing the test;
    numpy floating-point warnings raised while evaluating such trials are silenced.

    Parameters
    ----------
    f
        The objective, mapping a point of shape ``(n,)`` to a real scalar.
    x
        Current point, shape ``(n,)``.
    fx
        ``f(x)``, already computed.
    g
        Gradient of ``f`` at ``x``, shape ``(n,)``; the search runs along ``-g``.
    c1
        Sufficient-decrease constant, in ``(0, 1)``.
    shrink
        Factor by which a rejected step is reduced, in ``(0, 1)``.
    initial_step
        First step tried, positive.

    Returns
    -------
    tuple of (float, numpy.ndarray, float) or None
        The accepted step ``t``, the new point ``x - t g`` and ``f`` there; or
        ``None`` if the step became so small that ``x - t g`` equals ``x`` in
        floating point before the test was met, so no further progress is possible.

    References
    ----------
    Armijo (1966) [armijo1966]; Cauchy (1847) [cauchy1847].
    """
    t = initial_step
    with np.errstate(over="ignore"):  # |g|^2 beyond float range: nothing is accepted
        predicted = c1 * float(g @ g)
    while True:
        trial = x - t * g
        if np.array_equal(trial, x):
            return None
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            f_trial = as_scalar(f(trial), "f")
        if np.isfinite(f_trial) and f_trial <= fx - t * predicted:
            return t, trial, f_trial
        t *= shrink
