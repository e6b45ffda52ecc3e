"""The gradient of a multi-stage cost by one backward sweep, and descent along it.

For a :class:`~histbp.control.MultistageProcess` with stages
``x_{k+1} = f_k(x_k, u_k)`` and cost ``J = phi(x_N) + sum_k L_k(x_k, u_k)``:

- Bryson (1961) hands row-vector multipliers from the last stage to the first
  through the dense Jacobian of each stage,
  ``lambda_N = dphi/dx_N``, ``lambda_k = dL_k/dx_k + lambda_{k+1} df_k/dx_k``,
  ``dJ/du_k = dL_k/du_k + lambda_{k+1} df_k/du_k`` (:func:`bryson_gradient`), and
  improves all the decisions at once along the negative gradient
  (:func:`bryson_steepest_descent`).
- Dreyfus (1962) fixes the decisions, reads the cost from stage ``k`` on as a
  function of ``x_k`` alone, ``J_k(x) = L_k(x, u_k) + J_{k+1}(f_k(x, u_k))``, and
  differentiates that function of a function:
  ``dJ/dx_k = dL_k/dx_k + (df_k/dx_k)^T dJ/dx_{k+1}`` and
  ``dJ/du_k = dL_k/du_k + (df_k/du_k)^T dJ/dx_{k+1}`` (:func:`dreyfus_gradient`).
  No multipliers and no Lagrangian appear; the derivatives are column vectors,
  where Bryson's multipliers are row vectors, but they are the same numbers.

References
----------
Bryson (1961) [bryson1961]; Bryson and Denham (1962) [bryson1962steepest];
Dreyfus (1962) [dreyfus1962].
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from histbp.control._multistage import (
    MultistageProcess,
    _check_run,
    _cost,
    _final_gradient,
    _forward,
    _stage_derivatives,
)
from histbp.optimize import steepest_descent

__all__ = [
    "ChainRuleGradientResult",
    "ControlDescentResult",
    "MultiplierGradientResult",
    "bryson_gradient",
    "bryson_steepest_descent",
    "dreyfus_gradient",
]


@dataclass(frozen=True, slots=True)
class _StageGradientResult:
    """What both backward sweeps return: the cost, the states and ``dJ/du``.

    The fields are described in :class:`MultiplierGradientResult`.
    """

    cost: float
    states: np.ndarray
    gradient: np.ndarray


@dataclass(frozen=True, slots=True)
class MultiplierGradientResult(_StageGradientResult):
    """The cost of a decision sequence and its gradient by Bryson's multipliers.

    Attributes
    ----------
    cost
        ``J`` for the given decisions.
    states
        ``x_0, ..., x_N`` of the forward run, shape ``(N + 1, n)``.
    gradient
        ``dJ/du_k`` for every stage, shape ``(N, m)``.
    multipliers
        ``lambda_0, ..., lambda_N``, shape ``(N + 1, n)``.
    """

    multipliers: np.ndarray


@dataclass(frozen=True, slots=True)
class ChainRuleGradientResult(_StageGradientResult):
    """The cost of a decision sequence and its gradient by Dreyfus's chain rule.

    Attributes
    ----------
    cost, states, gradient
        As in :class:`MultiplierGradientResult`.
    state_derivatives
        ``dJ/dx_k`` for ``k = 0, ..., N``: the total derivative of the cost with
        respect to the state at stage ``k``, the later decisions held fixed,
        shape ``(N + 1, n)``; the same numbers as Bryson's multipliers.
    """

    state_derivatives: np.ndarray


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


def bryson_gradient(
    process: MultistageProcess, x0: Any, controls: Any
) -> MultiplierGradientResult:
    """Return ``dJ/du_k`` for every stage by Bryson's backward multipliers.

    The process is run forwards and the states stored; then, from
    ``lambda_N = dphi/dx_N``, each stage's dense Jacobians carry the multiplier
    back one stage, ``lambda_k = dL_k/dx_k + lambda_{k+1} df_k/dx_k``, and give
    that stage's gradient ``dJ/du_k = dL_k/du_k + lambda_{k+1} df_k/du_k``. The
    whole gradient costs one forward and one backward pass, however many
    decisions there are.

    Parameters
    ----------
    process
        The stages, with their Jacobians.
    x0
        Initial state, shape ``(n,)``.
    controls
        Decisions, shape ``(N, m)``.

    Returns
    -------
    MultiplierGradientResult
        Cost, states, multipliers and the gradient, shape ``(N, m)``.

    Raises
    ------
    TypeError
        If ``process`` is not a :class:`MultistageProcess`.
    ValueError
        If an input has the wrong shape or non-finite values, or a stage function
        or derivative returns the wrong shape or non-finite values.

    References
    ----------
    Bryson (1961) [bryson1961]; Bryson and Denham (1962) [bryson1962steepest].
    """
    x0, controls = _check_run(process, x0, controls)
    states = _forward(process, x0, controls)  # the forward run, stored
    n_stages = controls.shape[0]
    multipliers = np.empty_like(states)
    gradient = np.empty_like(controls)
    multipliers[n_stages] = _final_gradient(process, states[n_stages])
    for k in range(n_stages - 1, -1, -1):  # the backward run
        f_x, f_u, l_x, l_u = _stage_derivatives(process, k, states[k], controls[k])
        lam = multipliers[k + 1]  # a row vector: lam @ M is lambda M
        multipliers[k] = l_x + lam @ f_x
        gradient[k] = l_u + lam @ f_u
    cost = _cost(process, states, controls)
    return MultiplierGradientResult(
        cost=cost, states=states, multipliers=multipliers, gradient=gradient
    )


def dreyfus_gradient(
    process: MultistageProcess, x0: Any, controls: Any
) -> ChainRuleGradientResult:
    """Return ``dJ/du_k`` from the backward recursion of ``dJ/dx_k``.

    Fix the decisions; from stage ``k`` on the cost is a function of ``x_k``
    alone, ``J_k(x) = L_k(x, u_k) + J_{k+1}(f_k(x, u_k))`` with ``J_N = phi``, and
    the chain rule gives ``dJ/dx_k = dL_k/dx_k + (df_k/dx_k)^T dJ/dx_{k+1}`` and
    ``dJ/du_k = dL_k/du_k + (df_k/du_k)^T dJ/dx_{k+1}``, from the last stage back.

    Parameters
    ----------
    process, x0, controls
        As for :func:`bryson_gradient`.

    Returns
    -------
    ChainRuleGradientResult
        Cost, states, the total derivatives ``dJ/dx_k`` and the gradient.

    Raises
    ------
    TypeError, ValueError
        As for :func:`bryson_gradient`.

    References
    ----------
    Dreyfus (1962) [dreyfus1962].
    """
    x0, controls = _check_run(process, x0, controls)
    states = _forward(process, x0, controls)
    N = controls.shape[0]
    dJ_dx = np.empty_like(states)  # dJ/dx_k, the later decisions held fixed
    dJ_du = np.empty_like(controls)
    dJ_dx[N] = _final_gradient(process, states[N])  # J_N = phi
    for k in reversed(range(N)):
        # J_k(x) = L_k(x, u_k) + J_{k+1}(f_k(x, u_k)): differentiate, chain rule
        f_x, f_u, l_x, l_u = _stage_derivatives(process, k, states[k], controls[k])
        downstream = dJ_dx[k + 1]  # a column vector: M.T @ g is (dM)^T g
        dJ_dx[k] = l_x + f_x.T @ downstream
        dJ_du[k] = l_u + f_u.T @ downstream
    return ChainRuleGradientResult(
        cost=_cost(process, states, controls),
        states=states,
        state_derivatives=dJ_dx,
        gradient=dJ_du,
    )


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
    process, x0
        As in :func:`bryson_gradient`.
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
