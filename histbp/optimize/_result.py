"""The record a descent method hands back: where it ended and how it got there."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["DescentResult", "SystemResult"]


@dataclass(frozen=True, slots=True)
class DescentResult:
    """The outcome of a run of steepest descent.

    Attributes
    ----------
    x
        The final iterate, shape ``(n,)``.
    path
        Every iterate from the start onwards, shape ``(steps + 1, n)``; ``path[0]``
        is the starting point and ``path[-1]`` equals ``x``.
    values
        The objective at each iterate, shape ``(steps + 1,)``.
    converged
        Whether the gradient norm fell to the tolerance before the step budget ran
        out (or before the line search could no longer move the point).
    steps
        The number of steps taken.
    """

    x: np.ndarray
    path: np.ndarray
    values: np.ndarray
    converged: bool
    steps: int


@dataclass(frozen=True, slots=True)
class SystemResult(DescentResult):
    """The outcome of solving a system of equations by descent on its squares.

    Attributes
    ----------
    residual_norm
        The Euclidean norm of the residuals ``f_i(x)`` at the final iterate, that
        is the square root of ``values[-1]``.
    """

    residual_norm: float
