"""Dreyfus (1962): the gradient of a multi-stage cost by the chain rule alone.

Fix the decisions. From stage ``k`` on, the cost is then a function of the state
``x_k`` alone, ``J_k(x) = L_k(x, u_k) + J_{k+1}(f_k(x, u_k))``, with
``J_N = phi``. Differentiating this function of a function gives the gradient of
the cost-to-go with respect to the state, stage by stage from the end,

    ``dJ/dx_N = dphi/dx_N``,
    ``dJ/dx_k = dL_k/dx_k + (df_k/dx_k)^T dJ/dx_{k+1}``,

and the same rule applied to ``u_k`` gives
``dJ/du_k = dL_k/du_k + (df_k/du_k)^T dJ/dx_{k+1}``. No multipliers and no
Lagrangian appear; the derivatives are column vectors (gradients) here, where
Bryson's multipliers are row vectors, but they are the same numbers.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from histbp.control.multistage import (
    MultistageProcess,
    _check_run,
    _cost,
    _forward,
    _jacobians,
    _stage_gradients,
    _vector,
)

__all__ = ["ChainRuleGradient", "dreyfus_gradient"]


@dataclass(frozen=True, slots=True)
class ChainRuleGradient:
    """The cost of a decision sequence and its gradient by Dreyfus's chain rule.

    Attributes
    ----------
    cost
        ``J`` for the given decisions.
    states
        ``x_0, ..., x_N`` of the forward run, shape ``(N + 1, n)``.
    state_derivatives
        ``dJ/dx_k`` for ``k = 0, ..., N``: the total derivative of the cost with
        respect to the state at stage ``k``, the later decisions held fixed,
        shape ``(N + 1, n)``.
    gradient
        ``dJ/du_k`` for every stage, shape ``(N, m)``.
    """

    cost: float
    states: np.ndarray
    state_derivatives: np.ndarray
    gradient: np.ndarray


def dreyfus_gradient(
    process: MultistageProcess, x0: Any, controls: Any
) -> ChainRuleGradient:
    """Return ``dJ/du_k`` from the backward recursion of ``dJ/dx_k``.

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
    ChainRuleGradient
        Cost, states, the total derivatives ``dJ/dx_k`` and the gradient.

    Raises
    ------
    TypeError
        If ``process`` is not a :class:`~histbp.control.MultistageProcess`.
    ValueError
        If an input has the wrong shape or non-finite values, or a stage function
        or derivative returns the wrong shape or non-finite values.

    References
    ----------
    Dreyfus (1962) [dreyfus1962].
    """
    x0, controls = _check_run(process, x0, controls)
    states = _forward(process, x0, controls)
    n_stages, m = controls.shape
    n = x0.size
    d_state = np.empty((n_stages + 1, n))
    d_control = np.empty((n_stages, m))
    d_state[n_stages] = _vector(
        process.final_gradient(states[n_stages]), "final_gradient", n
    )
    for k in range(n_stages - 1, -1, -1):
        f_x, f_u = _jacobians(process, k, states[k], controls[k], n, m)
        downstream = d_state[k + 1]
        d_state[k] = f_x.T @ downstream
        d_control[k] = f_u.T @ downstream
        if process.stage_cost is not None:
            l_x, l_u = _stage_gradients(process, k, states[k], controls[k], n, m)
            d_state[k] = l_x + d_state[k]
            d_control[k] = l_u + d_control[k]
    return ChainRuleGradient(
        cost=_cost(process, states, controls),
        states=states,
        state_derivatives=d_state,
        gradient=d_control,
    )
