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

References
----------
Cauchy (1847) [cauchy1847]; Lemaréchal (2012) [lemarechal2012];
Armijo (1966) [armijo1966]; Kantorovich (1948) [kantorovich1948];
Nocedal and Wright (2006) [nocedal2006].
"""

from histbp.optimize.descent import steepest_descent
from histbp.optimize.kantorovich import (
    contraction_factors,
    kantorovich_rate,
    optimality_gaps,
    worst_case_start,
)
from histbp.optimize.linesearch import armijo_backtracking
from histbp.optimize.quadratic import quadratic_value, steepest_descent_quadratic
from histbp.optimize.result import DescentResult, SystemResult
from histbp.optimize.system import solve_system

__all__ = [
    "DescentResult",
    "SystemResult",
    "armijo_backtracking",
    "contraction_factors",
    "kantorovich_rate",
    "optimality_gaps",
    "quadratic_value",
    "solve_system",
    "steepest_descent",
    "steepest_descent_quadratic",
    "worst_case_start",
]
