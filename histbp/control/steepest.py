"""Bryson's gradient method: steepest descent on the whole decision sequence."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from histbp.control.multistage import (
    MultistageProcess,
    _check_run,
    _cost,
    _forward,
    bryson_gradient,
)
from histbp.optimize import steepest_descent

__all__ = ["ControlDescentResult", "bryson_steepest_descent"]


@dataclass(frozen=True, slots=True)
class ControlDescentResult:
    """The outcome of steepest descent on the decisions of a multi-stage process.

    Attributes
    ----------
    controls
        The final decisions, shape ``(N, m)``.
    costs
        ``J`` after each step, starting with the initial decisions, shape
        ``(steps + 1,)``.
    gradient_norm
        The Euclidean norm of ``dJ/du`` at the final decisions.
    converged
        Whether the gradient norm fell to the tolerance.
    steps
        The number of steps taken.
    """

    controls: np.ndarray
    costs: np.ndarray
    gradient_norm: float
    converged: bool
    steps: int


def bryson_steepest_descent(
    process: MultistageProcess,
    x0: Any,
    controls: Any,
    *,
    max_steps: int = 500,
    tol: float = 1e-8,
    initial_step: float = 1.0,
) -> ControlDescentResult:
    """Improve a decision sequence by steepest descent along Bryson's gradient.

    Each step runs the process forwards, the multipliers backwards
    (:func:`bryson_gradient`), and moves every decision against its component of
    the gradient. The step length is chosen by Armijo backtracking
    (:func:`histbp.optimize.steepest_descent`), which stands in for the step-size
    rules of Bryson and Denham, who fixed the size of the change in the decisions
    in advance.

    Parameters
    ----------
    process
        The stages, with their Jacobians.
    x0
        Initial state, shape ``(n,)``.
    controls
        The first guess of the decisions, shape ``(N, m)``.
    max_steps
        Largest number of steps; a positive integer.
    tol
        Stop once the norm of the gradient is at most ``tol``.
    initial_step
        The first step length tried at every iterate, positive.

    Returns
    -------
    ControlDescentResult
        The final decisions and the cost after every step.

    Raises
    ------
    TypeError
        If ``process`` is not a :class:`MultistageProcess`, or an option has the
        wrong type.
    ValueError
        If an input has the wrong shape or non-finite values, or an option is out
        of range.

    References
    ----------
    Bryson (1961) [bryson1961]; Bryson and Denham (1962) [bryson1962steepest];
    Cauchy (1847) [cauchy1847].
    """
    x0, controls = _check_run(process, x0, controls)
    shape = controls.shape
    # A first evaluation at the guess raises any error in the stage functions.
    bryson_gradient(process, x0, controls)

    def cost(flat: np.ndarray) -> float:
        # A trial step that overflows is rejected by the line search.
        u = flat.reshape(shape)
        with np.errstate(over="ignore", invalid="ignore"):
            try:
                return _cost(process, _forward(process, x0, u), u)
            except ValueError:
                return np.inf

    def gradient(flat: np.ndarray) -> np.ndarray:
        return bryson_gradient(process, x0, flat.reshape(shape)).gradient.ravel()

    run = steepest_descent(
        cost,
        gradient,
        controls.ravel(),
        max_steps=max_steps,
        tol=tol,
        initial_step=initial_step,
    )
    return ControlDescentResult(
        controls=run.x.reshape(shape),
        costs=run.values,
        gradient_norm=float(np.linalg.norm(gradient(run.x))),
        converged=run.converged,
        steps=run.steps,
    )
