"""The gradient of ``f : R^n -> R`` five ways, each counted on counting floats.

Finite differences, forward mode (dual numbers), the symbolic chain rule and
reverse mode (a tape in the manner of Linnainmaa's Algorithm L):
:func:`gradient_cost`, exported by :mod:`histbp.autodiff`.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

import numpy as np

from histbp._validation import as_finite_vector, check_callable
from histbp.autodiff._costs._counting import (
    CountedOperations,
    CountingFloat,
    OperationTally,
    _counting_array,
    _Number,
    _plain,
    _real,
    counting,
)
from histbp.autodiff._symbolic import (
    FUNCTIONS,
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

# -- forward mode: dual numbers over counting floats -----------------------------------


class _Dual(_Number):
    """A value and its tangent (both counting floats): one forward-mode pass."""

    __slots__ = ("tangent", "value")

    def __init__(self, value: Any, tangent: Any) -> None:
        self.value = value
        self.tangent = tangent

    def __add__(self, o: Any) -> Any:
        if isinstance(o, _Dual):
            return _Dual(self.value + o.value, self.tangent + o.tangent)
        return (
            NotImplemented if _real(o) is None else _Dual(self.value + o, self.tangent)
        )

    __radd__ = __add__

    def __sub__(self, o: Any) -> Any:
        if isinstance(o, _Dual):
            return _Dual(self.value - o.value, self.tangent - o.tangent)
        return (
            NotImplemented if _real(o) is None else _Dual(self.value - o, self.tangent)
        )

    def __rsub__(self, o: Any) -> Any:
        return (
            NotImplemented if _real(o) is None else _Dual(o - self.value, -self.tangent)
        )

    def __mul__(self, o: Any) -> Any:
        if isinstance(o, _Dual):
            tangent = self.tangent * o.value + self.value * o.tangent
            return _Dual(self.value * o.value, tangent)
        if _real(o) is None:
            return NotImplemented
        return _Dual(self.value * o, self.tangent * o)

    __rmul__ = __mul__

    def __truediv__(self, o: Any) -> Any:
        if isinstance(o, _Dual):
            q = self.value / o.value
            return _Dual(q, (self.tangent - q * o.tangent) / o.value)
        if _real(o) is None:
            return NotImplemented
        return _Dual(self.value / o, self.tangent / o)

    def __rtruediv__(self, o: Any) -> Any:
        if _real(o) is None:
            return NotImplemented
        q = o / self.value
        return _Dual(q, -(q * self.tangent) / self.value)

    def __pow__(self, o: Any) -> Any:
        p = _real(o)
        if p is None:
            raise TypeError("forward mode here supports ** with a number as exponent")
        return _Dual(self.value**p, p * self.value ** (p - 1.0) * self.tangent)

    def __rpow__(self, o: Any) -> Any:
        raise TypeError("forward mode here supports ** with a number as exponent")

    def __neg__(self) -> _Dual:
        return _Dual(-self.value, -self.tangent)

    def __pos__(self) -> _Dual:
        return self

    def exp(self) -> _Dual:
        e = self.value.exp()
        return _Dual(e, e * self.tangent)

    def log(self) -> _Dual:
        return _Dual(self.value.log(), self.tangent / self.value)

    def sin(self) -> _Dual:
        return _Dual(self.value.sin(), self.value.cos() * self.tangent)

    def cos(self) -> _Dual:
        return _Dual(self.value.cos(), -(self.value.sin() * self.tangent))

    def tanh(self) -> _Dual:
        t = self.value.tanh()
        return _Dual(t, (1.0 - t * t) * self.tangent)

    def sqrt(self) -> _Dual:
        s = self.value.sqrt()
        return _Dual(s, self.tangent / (2.0 * s))


# -- reverse mode: a tape of counted operations ----------------------------------------


class _Tape:
    """Rows of (operation, operand rows, operand values, result), as in Algorithm L.

    A constant operand has row ``None``. :meth:`sweep` runs Linnainmaa's reverse
    sweep with the local partial derivatives of each row, on counting floats.
    """

    def __init__(self) -> None:
        self.ops: list[str] = []
        self.rows: list[tuple[int | None, ...]] = []
        self.args: list[tuple[Any, ...]] = []
        self.results: list[Any] = []

    def push(self, op: str, operands: Sequence[Any], result: Any) -> _Active:
        self.ops.append(op)
        self.rows.append(
            tuple(a.index if isinstance(a, _Active) else None for a in operands)
        )
        self.args.append(
            tuple(a.value if isinstance(a, _Active) else a for a in operands)
        )
        self.results.append(result)
        return _Active(self, len(self.ops) - 1, result)

    def sweep(self, output: int) -> list[Any]:
        """Return the adjoint of every row (``None`` where it stays zero).

        ``COEFF(output) = 1``; for ``K = output, ..., 0``, every operand row ``j``
        of row ``K`` gets ``COEFF(j) += D_j COEFF(K)``; the first contribution to
        a row is stored, not added to zero.
        """
        adjoint: list[Any] = [None] * len(self.ops)
        adjoint[output] = CountingFloat(1.0)
        for k in range(output, -1, -1):
            bar = adjoint[k]
            if bar is None or self.ops[k] == "input":
                continue
            terms = _adjoint_terms(self.ops[k], bar, self.args[k], self.results[k])
            for j, term in zip(self.rows[k], terms, strict=True):
                if j is not None:
                    term = _force(term)
                    adjoint[j] = term if adjoint[j] is None else adjoint[j] + term
        return adjoint


def _adjoint_terms(op: str, bar: Any, args: tuple[Any, ...], result: Any) -> list[Any]:
    """The contributions ``bar * d(result)/d(operand)`` of one row, computed lazily.

    Multiplications by 1 and -1 are not performed (only negations), and no term is
    computed for a constant operand.
    """
    a = args[0]
    match op:
        case "add":
            return [bar, bar]
        case "sub":
            return [bar, _Lazy(lambda: -bar)]
        case "neg":
            return [-bar]
        case "mul":
            return [_Lazy(lambda: bar * args[1]), _Lazy(lambda: bar * a)]
        case "div":
            g = bar / args[1]
            return [g, _Lazy(lambda: -(g * result))]
        case "pow":
            p = args[1]
            return [bar * (p * a ** (p - 1.0)), None]
        case "exp":
            return [bar * result]
        case "log":
            return [bar / a]
        case "sin":
            return [bar * a.cos()]
        case "cos":
            return [-(bar * a.sin())]
        case "tanh":
            return [bar * (1.0 - result * result)]
        case "sqrt":
            return [bar / (2.0 * result)]
    raise ValueError(f"unknown operation {op!r}")  # pragma: no cover


class _Lazy:
    """A term computed only when its operand is a row, so constants cost nothing."""

    __slots__ = ("fn",)

    def __init__(self, fn: Callable[[], Any]) -> None:
        self.fn = fn


def _force(term: Any) -> Any:
    return term.fn() if isinstance(term, _Lazy) else term


class _Active(_Number):
    """A value recorded on a :class:`_Tape`."""

    __slots__ = ("index", "tape", "value")

    def __init__(self, tape: _Tape, index: int, value: Any) -> None:
        self.tape = tape
        self.index = index
        self.value = value

    def _op(self, op: str, fn: Callable, *operands: Any) -> Any:
        values = []
        for a in operands:
            if isinstance(a, _Active):
                values.append(a.value)
            elif _real(a) is not None:
                values.append(a)
            else:
                return NotImplemented
        return self.tape.push(op, operands, fn(*values))

    def __add__(self, o: Any) -> Any:
        return self._op("add", operator.add, self, o)

    def __radd__(self, o: Any) -> Any:
        return self._op("add", operator.add, o, self)

    def __sub__(self, o: Any) -> Any:
        return self._op("sub", operator.sub, self, o)

    def __rsub__(self, o: Any) -> Any:
        return self._op("sub", operator.sub, o, self)

    def __mul__(self, o: Any) -> Any:
        return self._op("mul", operator.mul, self, o)

    def __rmul__(self, o: Any) -> Any:
        return self._op("mul", operator.mul, o, self)

    def __truediv__(self, o: Any) -> Any:
        return self._op("div", operator.truediv, self, o)

    def __rtruediv__(self, o: Any) -> Any:
        return self._op("div", operator.truediv, o, self)

    def __pow__(self, o: Any) -> Any:
        if _real(o) is None:
            raise TypeError("reverse mode here supports ** with a number as exponent")
        return self._op("pow", operator.pow, self, o)

    def __rpow__(self, o: Any) -> Any:
        raise TypeError("reverse mode here supports ** with a number as exponent")

    def __neg__(self) -> Any:
        return self._op("neg", operator.neg, self)

    def __pos__(self) -> _Active:
        return self


def _active_function(name: str) -> Callable[[_Active], _Active]:
    def method(self: _Active) -> _Active:
        return self.tape.push(name, (self,), getattr(self.value, name)())

    method.__name__ = name
    return method


for _name in FUNCTIONS:
    setattr(_Active, _name, _active_function(_name))


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
        ``+ - * / **`` (numeric exponents) and numpy's ``exp``, ``log``, ``sin``,
        ``cos``, ``tanh``, ``sqrt``. It receives ``x`` as an object array (read
        ``x[i]``, ``len(x)``, or use numpy elementwise and ``@``).
    x
        The point, a finite 1-D array of length ``n >= 1``.
    *args
        Further arguments, passed unchanged (loop bounds, constant data).
        CountedOperations among constants alone are not counted by any method.
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
    if method not in METHODS:
        raise ValueError(
            f"unknown method {method!r}; choose one of {', '.join(METHODS)}"
        )
    x = as_finite_vector(x, "x")
    if step is not None:
        step = float(step)
        if not (math.isfinite(step) and step > 0):
            raise ValueError(f"step must be a positive number, got {step}")
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
    n = x.size
    passes = OperationTally()
    gradient = np.empty(n)
    for i in range(n):
        duals = np.empty(n, dtype=object)
        for j in range(n):
            duals[j] = _Dual(CountingFloat(x[j]), CountingFloat(float(i == j)))
        with counting(passes):
            out = f(duals, *args)
        if isinstance(out, np.ndarray) and out.shape == () and out.dtype == object:
            out = out[()]
        gradient[i] = _plain(out.tangent, "f") if isinstance(out, _Dual) else 0.0
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
    tape = _Tape()
    inputs = np.empty(n, dtype=object)
    for i in range(n):
        inputs[i] = tape.push("input", (), CountingFloat(x[i]))
    with counting() as forward:
        out = f(inputs, *args)
    if isinstance(out, np.ndarray) and out.shape == () and out.dtype == object:
        out = out[()]
    gradient = np.zeros(n)
    with counting() as reverse:
        if isinstance(out, _Active):
            adjoint = tape.sweep(out.index)
            for i in range(n):
                if adjoint[i] is not None:
                    gradient[i] = _plain(adjoint[i], "f")
        else:
            _plain(out, "f")
    parts = {"forward sweep": forward.operations, "reverse sweep": reverse.operations}
    return gradient, parts, 1, None


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
