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

The continuous trajectories: Euler's calculus of variations (1744) on the
brachistochrone (:func:`brachistochrone`, descending on
:func:`discrete_travel_time`, against the exact :func:`cycloid`),
Kelley's gradient method in function space (1960) on a solar-sail transfer from
Earth's orbit to Mars's (:func:`sail_transfer`), and Bryson and Ho's maximum-radius
orbit raising (1969, :func:`orbit_raising`), all with the discrete adjoint of a
Runge-Kutta integration (:func:`rk4_forward`, :func:`rk4_adjoint`) and Bryson
and Denham's step projected on the terminal constraints
(:func:`projected_gradient_step`).

Every module inside this package is private; this namespace is the one public
surface.

References
----------
Bellman (1953) [bellman1953]; Bellman (1957) [bellman1957];
Bryson (1961) [bryson1961]; Bryson and Denham (1962) [bryson1962steepest];
Bryson, Denham and Dreyfus (1963) [bryson1963inequality];
Pontryagin et al. (1962) [pontryagin1962]; Dreyfus (1962) [dreyfus1962];
Dreyfus (1973) [dreyfus1973]; Euler (1744) [euler1744]; Kelley (1960)
[kelley1960]; Bryson and Ho (1969) [brysonho1969].
"""

from histbp.control._dynamic_programming import (
    GridDPResult,
    LQRResult,
    TabularDPResult,
    grid_dynamic_programming,
    lqr_dynamic_programming,
    riccati_recursion,
    tabular_dynamic_programming,
)
from histbp.control._feedback import (
    FeedbackAdaptationResult,
    FeedbackGradientResult,
    LaggedLinearSystem,
    adapt_feedback,
    feedback_cost,
    feedback_gradient,
)
from histbp.control._gradient_projection import projected_gradient_step
from histbp.control._kelley import (
    MARS_RADIUS,
    SAIL_ACCELERATION,
    YEAR,
    SailTransferResult,
    sail_terminal,
    sail_transfer,
)
from histbp.control._maximum_principle import (
    BangBangResult,
    discrete_minimum_time,
    minimum_time_double_integrator,
    simulate_double_integrator,
    switching_curve,
)
from histbp.control._multistage import (
    MultistageProcess,
    linear_quadratic_process,
    process_cost,
    simulate_process,
)
from histbp.control._orbit_raising import (
    FINAL_TIME,
    MASS_RATE,
    THRUST,
    OrbitRaisingResult,
    orbit_raising,
    orbit_raising_terminal,
)
from histbp.control._planar_orbit import OrbitPath
from histbp.control._rk4 import (
    AdjointResult,
    Trajectory,
    rk4_adjoint,
    rk4_forward,
    step_jacobians,
)
from histbp.control._stage_gradients import (
    ChainRuleGradientResult,
    ControlDescentResult,
    MultiplierGradientResult,
    bryson_gradient,
    bryson_steepest_descent,
    dreyfus_gradient,
)
from histbp.control._state_constraint import BrysonDenhamResult, bryson_denham
from histbp.control._variations import (
    BrachistochroneResult,
    Cycloid,
    brachistochrone,
    cycloid,
    discrete_travel_time,
    polygon_travel_time,
)

__all__ = [
    "FINAL_TIME",
    "MARS_RADIUS",
    "MASS_RATE",
    "SAIL_ACCELERATION",
    "THRUST",
    "YEAR",
    "AdjointResult",
    "BangBangResult",
    "BrachistochroneResult",
    "BrysonDenhamResult",
    "ChainRuleGradientResult",
    "ControlDescentResult",
    "Cycloid",
    "FeedbackAdaptationResult",
    "FeedbackGradientResult",
    "GridDPResult",
    "LQRResult",
    "LaggedLinearSystem",
    "MultiplierGradientResult",
    "MultistageProcess",
    "OrbitPath",
    "OrbitRaisingResult",
    "SailTransferResult",
    "TabularDPResult",
    "Trajectory",
    "adapt_feedback",
    "brachistochrone",
    "bryson_denham",
    "bryson_gradient",
    "bryson_steepest_descent",
    "cycloid",
    "discrete_minimum_time",
    "discrete_travel_time",
    "dreyfus_gradient",
    "feedback_cost",
    "feedback_gradient",
    "grid_dynamic_programming",
    "linear_quadratic_process",
    "lqr_dynamic_programming",
    "minimum_time_double_integrator",
    "orbit_raising",
    "orbit_raising_terminal",
    "polygon_travel_time",
    "process_cost",
    "projected_gradient_step",
    "riccati_recursion",
    "rk4_adjoint",
    "rk4_forward",
    "sail_terminal",
    "sail_transfer",
    "simulate_double_integrator",
    "simulate_process",
    "step_jacobians",
    "switching_curve",
    "tabular_dynamic_programming",
]
