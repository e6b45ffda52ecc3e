"""The gradient of ``f : R^n -> R`` five ways, each counted on counting floats.

Finite differences, forward mode (the engine's :class:`~histbp.autodiff.Dual`
numbers, on counting floats), the symbolic chain rule and reverse mode (Linnainmaa's
tape, :class:`~histbp.autodiff.LinnainmaaTape`, on counting floats):
:func:`gradient_cost`, exported by :mod:`histbp.autodiff`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

import numpy as np

from histbp._validation import (
    as_finite_vector,
    check_callable,
    check_choice,
    check_real,
)
from histbp.autodiff._costs._counted_tape import (
    CountedTape,
    CountedVariable,
    counted_reverse_sweep,
)
from histbp.autodiff._costs._counting import (
    CountedOperations,
    CountingFloat,
    OperationTally,
    _counting_array,
    _plain,
    counting,
)
from histbp.autodiff._symbolic import (
    evaluate_expression,
    symbolic_derivative,
    symbolic_expression,
)

METHODS = (
    "forward-difference",
    "central-difference",
    "forward-mode",
    "symbolic",
    "reverse-mode",
)
"""The ways :func:`gradient_cost` can compute a gradient."""

# -- the gradient by each method -------------------------------------------------------


@dataclass(frozen=True)
class GradientCost:
    """A gradient and the operations one method took to compute it.

    Attributes
    ----------
    method : str
        One of :data:`METHODS`.
    value : float
        ``f(x)``.
    gradient : numpy.ndarray
        The gradient, shape ``(n,)``.
    operations : CountedOperations
        Every operation the method performed, evaluations of ``f`` included.
    parts : Mapping[str, CountedOperations]
        The same operations split by phase (they add up to ``operations``).
    function_operations : CountedOperations
        The operations of one evaluation of ``f``, for scale.
    passes : int
        Evaluations of ``f`` (finite differences), forward passes (forward
        mode), derivative formulas evaluated (symbolic) or sweep pairs (reverse).
    expression_nodes : int or None
        For ``"symbolic"``: the nodes of the ``n`` derivative formulas together.
    """

    method: str
    value: float
    gradient: np.ndarray
    operations: CountedOperations
    parts: Mapping[str, CountedOperations]
    function_operations: CountedOperations
    passes: int
    expression_nodes: int | None = None

    @property
    def total(self) -> int:
        """All operations of the method."""
        return self.operations.total

    @property
    def ratio(self) -> float:
        """Operations of the method per operation of ``f``."""
        return self.total / max(self.function_operations.total, 1)


def gradient_cost(
    f: Callable[..., Any],
    x: Any,
    *args: Any,
    method: str = "reverse-mode",
    step: float | None = None,
) -> GradientCost:
    """Compute the gradient of ``f`` at ``x`` by ``method`` and count its operations.

    Parameters
    ----------
    f
        ``f(x, *args)``, a scalar function of the vector ``x`` built from
        ``+ - * / **`` and numpy's ``exp``, ``log``, ``sin``, ``cos``, ``tanh``,
        ``sqrt``; exponents must be numbers, except in forward mode. It receives
        ``x`` as an object array (read ``x[i]``, ``len(x)``, or use numpy
        elementwise and ``@``).
    x
        The point, a finite 1-D array of length ``n >= 1``.
    *args
        Further arguments, passed unchanged (loop bounds, constant data).
        Operations among constants alone are not counted by any method.
    method
        One of :data:`METHODS`.
    step
        The finite-difference step; by default ``sqrt(eps) max(1, |x_i|)`` for
        forward and ``eps ** (1/3) max(1, |x_i|)`` for central differences.

    Returns
    -------
    GradientCost
        The gradient and its counted operations.

    Raises
    ------
    TypeError
        If ``f`` is not callable or does not return a scalar.
    ValueError
        If ``method`` is unknown, ``x`` is not a finite non-empty 1-D array, or
        ``step`` is not positive.

    References
    ----------
    Linnainmaa (1970) [linnainmaa1970] for the reverse sweep; Griewank and
    Walther (2008) [griewank2008] for the costs of the modes; Baydin et al.
    (2018) [baydin2018] on symbolic and numerical differentiation.

    Examples
    --------
    >>> import numpy as np
    >>> def product(x):
    ...     p = x[0]
    ...     for i in range(1, len(x)):
    ...         p = p * x[i]
    ...     return p
    >>> cost = gradient_cost(product, np.arange(1.0, 5.0), method="reverse-mode")
    >>> cost.gradient
    array([24., 12.,  8.,  6.])
    >>> cost.parts["reverse sweep"].mul, cost.function_operations.mul
    (6, 3)
    """
    check_callable(f, "f")
    check_choice(method, "method", METHODS)
    x = as_finite_vector(x, "x")
    if step is not None:
        step = check_real(step, "step", low=0, low_open=True)
    with counting() as tally:
        value = _plain(f(_counting_array(x), *args), "f")
    function_operations = tally.operations
    run = _RUNNERS[method]
    gradient, parts, passes, nodes = run(f, x, args, step)
    total = CountedOperations()
    for part in parts.values():
        total = total + part
    return GradientCost(
        method=method,
        value=value,
        gradient=gradient,
        operations=total,
        parts=MappingProxyType(dict(parts)),
        function_operations=function_operations,
        passes=passes,
        expression_nodes=nodes,
    )


_Result = tuple[np.ndarray, dict[str, CountedOperations], int, int | None]


def _differences(
    f: Callable, x: np.ndarray, args: tuple, step: float | None, *, central: bool
) -> _Result:
    n = x.size
    power = 1.0 / 3.0 if central else 0.5
    h = (
        np.full(n, step)
        if step
        else np.finfo(float).eps ** power * np.maximum(1.0, np.abs(x))
    )
    evaluations, arithmetic = OperationTally(), OperationTally()
    gradient = np.empty(n)
    if not central:
        with counting(evaluations):
            base = f(_counting_array(x), *args)
    for i in range(n):
        signs = (1.0, -1.0) if central else (1.0,)
        values = []
        for sign in signs:
            point = _counting_array(x)
            with counting(arithmetic):
                point[i] = point[i] + sign * h[i]
            with counting(evaluations):
                values.append(f(point, *args))
        with counting(arithmetic):
            if central:
                quotient = (values[0] - values[1]) / (2.0 * h[i])
            else:
                quotient = (values[0] - base) / h[i]
        gradient[i] = _plain(quotient, "f")
    parts = {
        "evaluations of f": evaluations.operations,
        "differences": arithmetic.operations,
    }
    return gradient, parts, n * len(signs) + (0 if central else 1), None


def _forward_mode(
    f: Callable, x: np.ndarray, args: tuple, step: float | None
) -> _Result:
    from histbp.autodiff import Dual  # the engine's dual number, on counting floats

    n = x.size
    passes = OperationTally()
    gradient = np.empty(n)
    for i in range(n):
        duals = np.empty(n, dtype=object)
        for j in range(n):
            duals[j] = Dual(CountingFloat(x[j]), CountingFloat(float(i == j)))
        with counting(passes):
            out = _scalar(f(duals, *args))
        gradient[i] = _plain(out.tangent, "f") if isinstance(out, Dual) else 0.0
    return gradient, {"forward passes": passes.operations}, n, None


def _symbolic(f: Callable, x: np.ndarray, args: tuple, step: float | None) -> _Result:
    n = x.size
    formula = symbolic_expression(f, n, *args)
    derivatives = [symbolic_derivative(formula, i) for i in range(n)]
    point = _counting_array(x)
    gradient = np.empty(n)
    with counting() as tally:
        for i, d in enumerate(derivatives):
            gradient[i] = _plain(evaluate_expression(d, point), "a derivative")
    nodes = sum(d.size for d in derivatives)
    return gradient, {"derivative formulas": tally.operations}, n, nodes


def _reverse_mode(
    f: Callable, x: np.ndarray, args: tuple, step: float | None
) -> _Result:
    n = x.size
    tape = CountedTape()
    inputs = np.empty(n, dtype=object)
    for i in range(n):
        inputs[i] = tape.input(x[i])
    with counting() as forward:
        out = _scalar(f(inputs, *args))
    gradient = np.zeros(n)
    with counting() as reverse:
        if isinstance(out, CountedVariable):
            coeff = counted_reverse_sweep(tape, out.index)
            for i in range(n):
                if coeff[i] is not None:
                    gradient[i] = _plain(coeff[i], "f")
        else:
            _plain(out, "f")
    parts = {"forward sweep": forward.operations, "reverse sweep": reverse.operations}
    return gradient, parts, 1, None


def _scalar(out: Any) -> Any:
    """Unwrap a 0-d object array returned by ``f``."""
    if isinstance(out, np.ndarray) and out.shape == () and out.dtype == object:
        return out[()]
    return out


def _forward_differences(
    f: Callable, x: np.ndarray, args: tuple, step: float | None
) -> _Result:
    return _differences(f, x, args, step, central=False)


def _central_differences(
    f: Callable, x: np.ndarray, args: tuple, step: float | None
) -> _Result:
    return _differences(f, x, args, step, central=True)


_RUNNERS: dict[str, Callable[..., _Result]] = {
    "forward-difference": _forward_differences,
    "central-difference": _central_differences,
    "forward-mode": _forward_mode,
    "symbolic": _symbolic,
    "reverse-mode": _reverse_mode,
}
