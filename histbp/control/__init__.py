"""Optimal control: the discrete-stage methods from which backpropagation grew.

Bellman's dynamic programming (1953/1957) computes optimal decisions backwards
from the last stage (:func:`tabular_dynamic_programming`,
:func:`grid_dynamic_programming`; for linear dynamics and quadratic costs
:func:`lqr_dynamic_programming`, checked against :func:`riccati_recursion`).
Bryson (1961) obtained the gradient of a multi-stage cost with respect to every
decision by passing multipliers backwards through dense stage Jacobians
(:func:`bryson_gradient`, :func:`bryson_steepest_descent`); Dreyfus (1962)
derived the same numbers from the chain rule alone (:func:`dreyfus_gradient`).
:func:`bryson_denham` solves the state-constrained Bryson-Denham problem on a
fine grid. Pontryagin's maximum principle (1961) is worked out on the
minimum-time double integrator (:func:`minimum_time_double_integrator`), and
Dreyfus (1973) adapts the gains of a feedback controller for a plant with a time
lag along a backward-sweep gradient (:func:`feedback_gradient`,
:func:`adapt_feedback`).

References
----------
Bellman (1953) [bellman1953]; Bellman (1957) [bellman1957];
Bryson (1961) [bryson1961]; Bryson and Denham (1962) [bryson1962steepest];
Pontryagin et al. (1962) [pontryagin1962]; Dreyfus (1962) [dreyfus1962];
Dreyfus (1973) [dreyfus1973].
"""

from histbp.control.chain_rule import ChainRuleGradient, dreyfus_gradient
from histbp.control.dynamic_programming import (
    GridDPResult,
    TabularDPResult,
    grid_dynamic_programming,
    tabular_dynamic_programming,
)
from histbp.control.feedback import (
    FeedbackAdaptation,
    FeedbackGradient,
    LaggedLinearSystem,
    adapt_feedback,
    feedback_cost,
    feedback_gradient,
)
from histbp.control.lqr import LQRSolution, lqr_dynamic_programming, riccati_recursion
from histbp.control.maximum_principle import (
    BangBangSolution,
    discrete_minimum_time,
    minimum_time_double_integrator,
    simulate_double_integrator,
    switching_curve,
)
from histbp.control.multistage import (
    MultiplierGradient,
    MultistageProcess,
    bryson_gradient,
    linear_quadratic_process,
    process_cost,
    simulate_process,
)
from histbp.control.state_constraint import BrysonDenhamSolution, bryson_denham
from histbp.control.steepest import ControlDescentResult, bryson_steepest_descent

__all__ = [
    "BangBangSolution",
    "BrysonDenhamSolution",
    "ChainRuleGradient",
    "ControlDescentResult",
    "FeedbackAdaptation",
    "FeedbackGradient",
    "GridDPResult",
    "LQRSolution",
    "LaggedLinearSystem",
    "MultiplierGradient",
    "MultistageProcess",
    "TabularDPResult",
    "adapt_feedback",
    "bryson_denham",
    "bryson_gradient",
    "bryson_steepest_descent",
    "discrete_minimum_time",
    "dreyfus_gradient",
    "feedback_cost",
    "feedback_gradient",
    "grid_dynamic_programming",
    "linear_quadratic_process",
    "lqr_dynamic_programming",
    "minimum_time_double_integrator",
    "process_cost",
    "riccati_recursion",
    "simulate_double_integrator",
    "simulate_process",
    "switching_curve",
    "tabular_dynamic_programming",
]
