"""Steepest descent on a general smooth function, with Armijo backtracking.

Cauchy asked for the step that minimises the function along the descent direction,
"or at least decreases it"; Armijo's rule (:func:`armijo_backtracking`) makes
"decreases it enough" precise, and :func:`steepest_descent` takes that step at
every iterate.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from histbp._validation import (
    as_finite_vector,
    as_returned_array,
    as_scalar,
    check_callable,
    check_positive_int,
    check_real,
)
from histbp.optimize._result import DescentResult

__all__ = ["armijo_backtracking", "steepest_descent"]


def steepest_descent(
    f: Callable[[np.ndarray], Any],
    grad: Callable[[np.ndarray], Any],
    x0: Any,
    *,
    max_steps: int = 1000,
    tol: float = 1e-10,
    c1: float = 1e-4,
    shrink: float = 0.5,
    initial_step: float = 1.0,
) -> DescentResult:
    """Minimise ``f`` by stepping along ``-grad(x)`` with an Armijo line search.

    At each iterate the gradient ``g`` is evaluated; if ``|g| <= tol`` the run
    stops, otherwise :func:`armijo_backtracking` picks a step ``t`` (starting from
    ``initial_step`` each time) with ``f(x - t g) <= f(x) - c1 t |g|^2`` and the
    point moves to ``x - t g``. If the step shrinks until ``x - t g`` equals ``x``
    in floating point the run stops early with ``converged=False``.

    Parameters
    ----------
    f
        Objective, mapping a point of shape ``(n,)`` to a real scalar.
    grad
        Gradient of ``f``, mapping a point of shape ``(n,)`` to an array of shape
        ``(n,)``. Any callable will do, e.g. a hand-written gradient or one built
        by reverse-mode differentiation.
    x0
        Starting point, a 1-D array of shape ``(n,)``.
    max_steps
        Largest number of steps to take; a positive integer.
    tol
        Stop once the Euclidean norm of the gradient is at most ``tol``.
    c1
        Armijo's sufficient-decrease constant, in ``(0, 1)``.
    shrink
        Backtracking factor, in ``(0, 1)``.
    initial_step
        First step tried at every iterate, positive.

    Returns
    -------
    DescentResult
        Final point, the path of iterates, ``f`` along it, whether the gradient
        tolerance was met, and the number of steps.

    Raises
    ------
    TypeError
        If ``f`` or ``grad`` is not callable, or a numeric option has the wrong
        type.
    ValueError
        If ``x0`` is not a 1-D array or contains non-finite values, if an option is
        out of range, if ``f(x0)`` is not finite, or if ``grad`` returns the wrong
        shape or non-finite values (the message names the step).

    References
    ----------
    Cauchy (1847) [cauchy1847]; Armijo (1966) [armijo1966];
    Lemaréchal (2012) [lemarechal2012].

    Examples
    --------
    >>> import numpy as np
    >>> res = steepest_descent(lambda x: float(x @ x), lambda x: 2 * x, [3.0, -4.0])
    >>> res.steps, res.x.tolist()
    (1, [0.0, 0.0])
    """
    check_callable(f, "f")
    check_callable(grad, "grad")
    x = as_finite_vector(x0, "x0")
    return _descend(
        f,
        grad,
        x,
        max_steps=max_steps,
        tol=tol,
        c1=c1,
        shrink=shrink,
        initial_step=initial_step,
        grad_name="grad",
    )


def _descend(
    f: Callable[[np.ndarray], Any],
    grad: Callable[[np.ndarray], Any],
    x: np.ndarray,
    *,
    max_steps: int,
    tol: float,
    c1: float,
    shrink: float,
    initial_step: float,
    grad_name: str,
    stationary: Callable[[np.ndarray], bool] | None = None,
) -> DescentResult:
    """Run the descent loop; ``grad_name`` is how errors refer to the gradient.

    The run stops once ``|g| <= tol`` or, if given, once ``stationary(g)`` holds
    for the gradient ``g`` at the current iterate (a further, relative test).
    """
    max_steps = check_positive_int(max_steps, "max_steps")
    tol = check_real(tol, "tol", low=0.0)
    c1 = check_real(c1, "c1", low=0.0, high=1.0, low_open=True, high_open=True)
    shrink = check_real(
        shrink, "shrink", low=0.0, high=1.0, low_open=True, high_open=True
    )
    initial_step = check_real(initial_step, "initial_step", low=0.0, low_open=True)

    fx = as_scalar(f(x), "f")
    if not np.isfinite(fx):
        raise ValueError(f"f(x0) is not finite (got {fx})")

    def gradient(point: np.ndarray, step: int) -> np.ndarray:
        return as_returned_array(grad(point), grad_name, x.shape, f" at step {step}")

    def done(g: np.ndarray) -> bool:
        return bool(np.linalg.norm(g) <= tol) or (
            stationary is not None and stationary(g)
        )

    path = [x.copy()]
    values = [fx]
    g = gradient(x, 0)
    steps = 0
    while steps < max_steps and not done(g):
        found = armijo_backtracking(
            f, x, fx, g, c1=c1, shrink=shrink, initial_step=initial_step
        )
        if found is None:
            break
        _, x, fx = found
        steps += 1
        path.append(x.copy())
        values.append(fx)
        g = gradient(x, steps)
    return DescentResult(
        x=x,
        path=np.array(path),
        values=np.array(values),
        converged=done(g),
        steps=steps,
    )


def armijo_backtracking(
    f: Callable[[np.ndarray], Any],
    x: np.ndarray,
    fx: float,
    g: np.ndarray,
    *,
    c1: float = 1e-4,
    shrink: float = 0.5,
    initial_step: float = 1.0,
) -> tuple[float, np.ndarray, float] | None:
    """Find a step along ``-g`` that satisfies Armijo's sufficient-decrease test.

    Starting from ``t = initial_step``, the step is multiplied by ``shrink`` until

        ``f(x - t g) <= f(x) - c1 t |g|^2``,

    i.e. until the actual decrease is at least the fraction ``c1`` of the decrease
    the linear model predicts. Cauchy asked for the step that minimises ``f`` along
    the line, "or at least decreases it"; Armijo's rule makes "decreases it enough"
    precise and guarantees convergence for a gradient that is Lipschitz. A trial
    point where ``f`` is not finite (an overflow, say) counts as failing the test;
    numpy floating-point warnings raised while evaluating such trials are silenced.

    Parameters
    ----------
    f
        The objective, mapping a point of shape ``(n,)`` to a real scalar.
    x
        Current point, shape ``(n,)``.
    fx
        ``f(x)``, already computed.
    g
        Gradient of ``f`` at ``x``, shape ``(n,)``; the search runs along ``-g``.
    c1
        Sufficient-decrease constant, in ``(0, 1)``.
    shrink
        Factor by which a rejected step is reduced, in ``(0, 1)``.
    initial_step
        First step tried, positive.

    Returns
    -------
    tuple of (float, numpy.ndarray, float) or None
        The accepted step ``t``, the new point ``x - t g`` and ``f`` there; or
        ``None`` if the step became so small that ``x - t g`` equals ``x`` in
        floating point before the test was met, so no further progress is possible.

    References
    ----------
    Armijo (1966) [armijo1966]; Cauchy (1847) [cauchy1847].
    """
    t = initial_step
    with np.errstate(over="ignore"):  # |g|^2 beyond float range: nothing is accepted
        predicted = c1 * float(g @ g)
    while True:
        trial = x - t * g
        if np.array_equal(trial, x):
            return None
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            f_trial = as_scalar(f(trial), "f")
        if np.isfinite(f_trial) and f_trial <= fx - t * predicted:
            return t, trial, f_trial
        t *= shrink
