"""A multi-stage decision process: its stages, their derivatives, its cost.

A process passes through stages ``x_{k+1} = f_k(x_k, u_k)``, ``k = 0, ..., N-1``,
from a given ``x_0``, and costs ``J = phi(x_N) + sum_k L_k(x_k, u_k)``. A
:class:`MultistageProcess` bundles the stage functions with their dense
Jacobians; the backward sweeps of Bryson (1961) and Dreyfus (1962) that
differentiate ``J`` run on it (``_stage_gradients.py``).

References
----------
Bryson (1961) [bryson1961]; Dreyfus (1962) [dreyfus1962].
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from histbp._validation import (
    as_finite_array,
    as_finite_vector,
    as_lq_problem,
    as_returned_array,
    as_scalar,
    check_callable,
)

__all__ = [
    "MultistageProcess",
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
    A, B, Q, R, Q_final = as_lq_problem(A, B, Q, R, Q_final)
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


def _check_run(process: Any, x0: Any, controls: Any) -> tuple[np.ndarray, np.ndarray]:
    """Check the process type, the initial state and the decision array."""
    if not isinstance(process, MultistageProcess):
        raise TypeError(
            f"process must be a MultistageProcess, got {type(process).__name__}"
        )
    x0 = as_finite_vector(x0, "x0")
    controls = as_finite_array(controls, "controls", 2)
    return x0, controls


def _forward(
    process: MultistageProcess, x0: np.ndarray, controls: np.ndarray
) -> np.ndarray:
    """The states ``x_0, ..., x_N`` under the decisions."""
    n_stages = controls.shape[0]
    states = np.empty((n_stages + 1, x0.size))
    states[0] = x0
    for k in range(n_stages):
        nxt = process.transition(k, states[k], controls[k])
        states[k + 1] = as_returned_array(
            nxt, "transition", (x0.size,), f" at stage {k}"
        )
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


def _final_gradient(process: MultistageProcess, x_final: np.ndarray) -> np.ndarray:
    """``dphi/dx_N``, checked."""
    value = process.final_gradient(x_final)
    return as_returned_array(value, "final_gradient", x_final.shape)


def _stage_derivatives(
    process: MultistageProcess, k: int, x: np.ndarray, u: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """``df_k/dx``, ``df_k/du``, ``dL_k/dx`` and ``dL_k/du`` at stage ``k``, checked.

    Without stage costs the last two are zero.
    """
    n, m = x.size, u.size
    f_x, f_u = _pair(
        process.jacobians(k, x, u), "jacobians", ("df/dx", "df/du"), [(n, n), (n, m)], k
    )
    if process.stage_cost is None:
        return f_x, f_u, np.zeros(n), np.zeros(m)
    l_x, l_u = _pair(
        process.stage_gradients(k, x, u),
        "stage_gradients",
        ("dL/dx", "dL/du"),
        [(n,), (m,)],
        k,
    )
    return f_x, f_u, l_x, l_u


def _pair(
    value: Any,
    name: str,
    labels: tuple[str, str],
    shapes: list[tuple[int, ...]],
    k: int,
) -> tuple[np.ndarray, np.ndarray]:
    """The two arrays a stage's derivative function returned, checked."""
    where = f" at stage {k}"
    if not isinstance(value, tuple | list) or len(value) != 2:
        raise ValueError(f"{name} must return a pair ({', '.join(labels)}){where}")
    first, second = (
        as_returned_array(part, f"{name} ({label})", shape, where)
        for part, label, shape in zip(value, labels, shapes, strict=True)
    )
    return first, second
