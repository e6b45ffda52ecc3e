"""Bryson (1961): gradients of a multi-stage process by backward multipliers.

A process passes through stages ``x_{k+1} = f_k(x_k, u_k)``, ``k = 0, ..., N-1``,
from a given ``x_0``, and costs ``J = phi(x_N) + sum_k L_k(x_k, u_k)``. Bryson's
multipliers are row vectors handed from the last stage to the first through the
full (dense) Jacobian of each stage:

    ``lambda_N = dphi/dx_N``,
    ``lambda_k = dL_k/dx_k + lambda_{k+1} df_k/dx_k``,
    ``dJ/du_k = dL_k/du_k + lambda_{k+1} df_k/du_k``.

A :class:`MultistageProcess` bundles the stage functions with their Jacobians;
:func:`bryson_gradient` runs the process forwards and the multipliers backwards,
and :func:`bryson_steepest_descent` changes all the decisions along the negative
gradient until it vanishes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from histbp._validation import as_finite_vector, as_scalar, check_callable
from histbp.control._arrays import as_finite_array, check_lq_problem

__all__ = [
    "MultiplierGradient",
    "MultistageProcess",
    "bryson_gradient",
    "linear_quadratic_process",
    "process_cost",
    "simulate_process",
]


@dataclass(frozen=True, slots=True)
class MultistageProcess:
    """The stages of a multi-stage decision process and their derivatives.

    Attributes
    ----------
    transition
        ``transition(k, x, u)`` returns ``x_{k+1} = f_k(x, u)``, shape ``(n,)``,
        for a state of shape ``(n,)`` and a decision of shape ``(m,)``.
    jacobians
        ``jacobians(k, x, u)`` returns the pair ``(df_k/dx, df_k/du)`` as dense
        matrices of shapes ``(n, n)`` and ``(n, m)``.
    final_cost
        ``final_cost(x)`` returns ``phi(x_N)``, a real number.
    final_gradient
        ``final_gradient(x)`` returns ``dphi/dx``, shape ``(n,)``.
    stage_cost
        Optional ``stage_cost(k, x, u)`` returning ``L_k(x, u)``; ``None`` for a
        cost on the final state alone.
    stage_gradients
        ``stage_gradients(k, x, u)`` returning ``(dL_k/dx, dL_k/du)`` of shapes
        ``(n,)`` and ``(m,)``; required exactly when ``stage_cost`` is given.
    """

    transition: Callable[[int, np.ndarray, np.ndarray], Any]
    jacobians: Callable[[int, np.ndarray, np.ndarray], Any]
    final_cost: Callable[[np.ndarray], Any]
    final_gradient: Callable[[np.ndarray], Any]
    stage_cost: Callable[[int, np.ndarray, np.ndarray], Any] | None = None
    stage_gradients: Callable[[int, np.ndarray, np.ndarray], Any] | None = None

    def __post_init__(self) -> None:
        for name in ("transition", "jacobians", "final_cost", "final_gradient"):
            check_callable(getattr(self, name), name)
        if (self.stage_cost is None) != (self.stage_gradients is None):
            raise ValueError(
                "stage_cost and stage_gradients must be given together or not at all"
            )
        if self.stage_cost is not None:
            check_callable(self.stage_cost, "stage_cost")
            check_callable(self.stage_gradients, "stage_gradients")


@dataclass(frozen=True, slots=True)
class MultiplierGradient:
    """The cost of a decision sequence and its gradient by Bryson's multipliers.

    Attributes
    ----------
    cost
        ``J`` for the given decisions.
    states
        ``x_0, ..., x_N`` of the forward run, shape ``(N + 1, n)``.
    multipliers
        ``lambda_0, ..., lambda_N``, shape ``(N + 1, n)``.
    gradient
        ``dJ/du_k`` for every stage, shape ``(N, m)``.
    """

    cost: float
    states: np.ndarray
    multipliers: np.ndarray
    gradient: np.ndarray


def linear_quadratic_process(
    A: Any, B: Any, Q: Any, R: Any, Q_final: Any
) -> MultistageProcess:
    """Return the process ``x_{k+1} = A x_k + B u_k`` with quadratic costs.

    The stage cost is ``x^T Q x + u^T R u`` and the final cost ``x^T Q_final x``,
    as in :func:`histbp.control.riccati_recursion`, so that gradient methods on
    this process can be checked against the dynamic-programming solution.

    Parameters
    ----------
    A, B, Q, R, Q_final
        Shapes ``(n, n)``, ``(n, m)``, ``(n, n)``, ``(m, m)``, ``(n, n)``; ``Q``
        and ``Q_final`` symmetric positive semidefinite, ``R`` symmetric positive
        definite.

    Returns
    -------
    MultistageProcess
        The same process at every stage, with its exact Jacobians.

    References
    ----------
    Bryson (1961) [bryson1961].
    """
    A, B, Q, R, Q_final = check_lq_problem(A, B, Q, R, Q_final)
    return MultistageProcess(
        transition=lambda k, x, u: A @ x + B @ u,
        jacobians=lambda k, x, u: (A, B),
        final_cost=lambda x: float(x @ Q_final @ x),
        final_gradient=lambda x: 2.0 * Q_final @ x,
        stage_cost=lambda k, x, u: float(x @ Q @ x + u @ R @ u),
        stage_gradients=lambda k, x, u: (2.0 * Q @ x, 2.0 * R @ u),
    )


def simulate_process(process: MultistageProcess, x0: Any, controls: Any) -> np.ndarray:
    """Run the process forwards from ``x0`` under the decisions ``controls``.

    Parameters
    ----------
    process
        The stages.
    x0
        Initial state, shape ``(n,)``.
    controls
        Decisions ``u_0, ..., u_{N-1}``, shape ``(N, m)``.

    Returns
    -------
    numpy.ndarray
        The states ``x_0, ..., x_N``, shape ``(N + 1, n)``.

    Raises
    ------
    TypeError
        If ``process`` is not a :class:`MultistageProcess`.
    ValueError
        If ``x0`` or ``controls`` has the wrong shape or non-finite values, or a
        stage returns the wrong shape or non-finite values (the message names the
        stage).

    References
    ----------
    Bryson (1961) [bryson1961].
    """
    x0, controls = _check_run(process, x0, controls)
    return _forward(process, x0, controls)


def process_cost(process: MultistageProcess, x0: Any, controls: Any) -> float:
    """Return ``J = phi(x_N) + sum_k L_k(x_k, u_k)`` for the given decisions.

    Parameters
    ----------
    process, x0, controls
        As for :func:`simulate_process`.

    Returns
    -------
    float
        The cost.
    """
    x0, controls = _check_run(process, x0, controls)
    return _cost(process, _forward(process, x0, controls), controls)


def bryson_gradient(
    process: MultistageProcess, x0: Any, controls: Any
) -> MultiplierGradient:
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
    MultiplierGradient
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
    states = _forward(process, x0, controls)
    n_stages, m = controls.shape
    n = x0.size
    multipliers = np.empty((n_stages + 1, n))
    gradient = np.empty((n_stages, m))
    multipliers[n_stages] = _vector(
        process.final_gradient(states[n_stages]), "final_gradient", n
    )
    for k in range(n_stages - 1, -1, -1):
        f_x, f_u = _jacobians(process, k, states[k], controls[k], n, m)
        lam = multipliers[k + 1]
        multipliers[k] = lam @ f_x
        gradient[k] = lam @ f_u
        if process.stage_cost is not None:
            l_x, l_u = _stage_gradients(process, k, states[k], controls[k], n, m)
            multipliers[k] += l_x
            gradient[k] += l_u
    return MultiplierGradient(
        cost=_cost(process, states, controls),
        states=states,
        multipliers=multipliers,
        gradient=gradient,
    )


def _check_run(process: Any, x0: Any, controls: Any) -> tuple[np.ndarray, np.ndarray]:
    """Check the process type, the initial state and the decision array."""
    if not isinstance(process, MultistageProcess):
        raise TypeError(
            f"process must be a MultistageProcess, got {type(process).__name__}"
        )
    x0 = as_finite_vector(x0, "x0")
    controls = as_finite_array(controls, "controls", 2)
    return x0, controls


def _vector(value: Any, name: str, size: int, where: str = "") -> np.ndarray:
    """Return a callable's output as a finite vector of length ``size``."""
    arr = np.asarray(value, dtype=float)
    if arr.shape != (size,):
        raise ValueError(
            f"{name} returned shape {arr.shape}{where}; expected ({size},)"
        )
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} returned non-finite values{where}")
    return arr


def _forward(
    process: MultistageProcess, x0: np.ndarray, controls: np.ndarray
) -> np.ndarray:
    """The states ``x_0, ..., x_N`` under the decisions."""
    n_stages = controls.shape[0]
    states = np.empty((n_stages + 1, x0.size))
    states[0] = x0
    for k in range(n_stages):
        nxt = process.transition(k, states[k], controls[k])
        states[k + 1] = _vector(nxt, "transition", x0.size, f" at stage {k}")
    return states


def _cost(
    process: MultistageProcess, states: np.ndarray, controls: np.ndarray
) -> float:
    """``phi(x_N)`` plus the stage costs."""
    total = as_scalar(process.final_cost(states[-1]), "final_cost")
    if process.stage_cost is not None:
        for k in range(controls.shape[0]):
            total += as_scalar(
                process.stage_cost(k, states[k], controls[k]), "stage_cost"
            )
    if not np.isfinite(total):
        raise ValueError(f"the cost is not finite (got {total})")
    return total


def _jacobians(
    process: MultistageProcess,
    k: int,
    x: np.ndarray,
    u: np.ndarray,
    n: int,
    m: int,
) -> tuple[np.ndarray, np.ndarray]:
    """``df_k/dx`` and ``df_k/du`` at stage ``k``, checked."""
    pair = process.jacobians(k, x, u)
    if not isinstance(pair, tuple | list) or len(pair) != 2:
        raise ValueError(f"jacobians must return a pair (df/dx, df/du) at stage {k}")
    f_x = np.asarray(pair[0], dtype=float)
    f_u = np.asarray(pair[1], dtype=float)
    if f_x.shape != (n, n) or f_u.shape != (n, m):
        raise ValueError(
            f"jacobians returned shapes {f_x.shape} and {f_u.shape} at stage {k}; "
            f"expected ({n}, {n}) and ({n}, {m})"
        )
    if not (np.all(np.isfinite(f_x)) and np.all(np.isfinite(f_u))):
        raise ValueError(f"jacobians returned non-finite values at stage {k}")
    return f_x, f_u


def _stage_gradients(
    process: MultistageProcess,
    k: int,
    x: np.ndarray,
    u: np.ndarray,
    n: int,
    m: int,
) -> tuple[np.ndarray, np.ndarray]:
    """``dL_k/dx`` and ``dL_k/du`` at stage ``k``, checked."""
    pair = process.stage_gradients(k, x, u)
    if not isinstance(pair, tuple | list) or len(pair) != 2:
        raise ValueError(
            f"stage_gradients must return a pair (dL/dx, dL/du) at stage {k}"
        )
    where = f" at stage {k}"
    return (
        _vector(pair[0], "stage_gradients (dL/dx)", n, where),
        _vector(pair[1], "stage_gradients (dL/du)", m, where),
    )
