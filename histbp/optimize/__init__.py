"""Cauchy (1847): gradient descent.

Cauchy proposed to solve a system of equations ``f_i(x) = 0`` by descending on the
sum of squares ``u = sum_i f_i(x)^2`` along its negative gradient, with a step that
minimises ``u`` along that line or at least decreases it. This package implements
the method three ways: on a quadratic with the exact step
(:func:`steepest_descent_quadratic`), on a general smooth function with Armijo's
backtracking step (:func:`steepest_descent`), and in Cauchy's own setting of a
system of equations (:func:`solve_system`). :func:`kantorovich_rate` and
:func:`worst_case_start` give the sharp bound on its speed and the start that
attains it.

The same package holds the descent and stochastic-approximation entries that
followed: Hadamard's descent on the energy of a clamped plate
(:func:`clamped_plate_descent`), Robbins and Monro's root finding and Kiefer and
Wolfowitz's maximum finding from noisy observations (:func:`robbins_monro`,
:func:`kiefer_wolfowitz`), and Tsypkin's on-line gradient learning with its
least-mean-squares case (:func:`tsypkin_learning`, :func:`lms`).

References
----------
Cauchy (1847) [cauchy1847]; Lemaréchal (2012) [lemarechal2012];
Armijo (1966) [armijo1966]; Kantorovich (1948) [kantorovich1948];
Nocedal and Wright (2006) [nocedal2006]; Hadamard (1908) [hadamard1908];
Robbins and Monro (1951) [robbins1951]; Kiefer and Wolfowitz (1952) [kiefer1952];
Tsypkin (1966) [tsypkin1966]; Tsypkin (1971) [tsypkin1971].
"""

from histbp.optimize._descent import armijo_backtracking, steepest_descent
from histbp.optimize._kantorovich import (
    contraction_factors,
    kantorovich_rate,
    optimality_gaps,
    worst_case_start,
)
from histbp.optimize._lms import (
    LearningResult,
    WienerResult,
    lms,
    tsypkin_learning,
    wiener_solution,
)
from histbp.optimize._plate import (
    PlateResult,
    clamped_plate_descent,
    clamped_plate_energy,
    clamped_plate_matrix,
)
from histbp.optimize._quadratic import quadratic_value, steepest_descent_quadratic
from histbp.optimize._result import DescentResult, SystemResult
from histbp.optimize._stochastic import (
    ApproximationResult,
    kiefer_wolfowitz,
    robbins_monro,
    step_sizes,
)
from histbp.optimize._system import solve_system

__all__ = [
    "ApproximationResult",
    "DescentResult",
    "LearningResult",
    "PlateResult",
    "SystemResult",
    "WienerResult",
    "armijo_backtracking",
    "clamped_plate_descent",
    "clamped_plate_energy",
    "clamped_plate_matrix",
    "contraction_factors",
    "kantorovich_rate",
    "kiefer_wolfowitz",
    "lms",
    "optimality_gaps",
    "quadratic_value",
    "robbins_monro",
    "solve_system",
    "steepest_descent",
    "steepest_descent_quadratic",
    "step_sizes",
    "tsypkin_learning",
    "wiener_solution",
    "worst_case_start",
]
