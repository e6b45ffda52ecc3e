"""Exact operation counts of the ways to compute a gradient, measured by running them.

Every count here is taken by doing the arithmetic and tallying each operation as it
happens, never by a formula. The instrument is :class:`CountingFloat`, a float
that records every ``+ - * / **`` and every elementary function it takes part in
(``exp``, ``log``, ``sin``, ``cos``, ``tanh``, ``sqrt``, as numpy functions) in the
tallies opened by :func:`counting`. The kinds are those of
:class:`histbp.autodiff.source.OperationCounts`: ``add`` (with subtraction and
negation), ``mul``, ``div``, ``pow`` and ``call``. An operation between two plain
numbers is not seen, so counts cover the operations on values that depend on the
counted inputs.

:func:`gradient_cost` computes the gradient of ``f : R^n -> R`` in one of five ways
and counts all the arithmetic each way takes:

``"forward-difference"``, ``"central-difference"``
    finite differences: ``n + 1`` or ``2 n`` evaluations of ``f`` on counting
    floats, plus the differences and quotients;
``"forward-mode"``
    forward accumulation of the chain rule: ``n`` passes of dual numbers (value
    and tangent, both counting floats), one per input direction;
``"symbolic"``
    the chain rule written out: ``f`` as one formula, its ``n`` partial
    derivatives by textbook rules (:mod:`histbp.autodiff.symbolic`), each
    evaluated on counting floats;
``"reverse-mode"``
    reverse accumulation in the manner of Linnainmaa's Algorithm L: one forward
    sweep records every operation on a tape, one reverse sweep accumulates the
    adjoints, all on counting floats.

:func:`stagewise_gradient` and :func:`graph_gradient` compare two ways of running
the chain rule backwards through a network with links that skip layers (built by
:func:`sparse_network`): stage to stage with dense Jacobian matrices, as in the
gradient methods of the early 1960s, and edge by edge on the network's graph.
"""

from __future__ import annotations

import math
import numbers
import operator
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

import numpy as np

from histbp._checks import as_finite_vector, check_callable, check_positive_int
from histbp.autodiff.symbolic import FUNCTIONS, differentiate, evaluate, expression

__all__ = [
    "KINDS",
    "METHODS",
    "Counted",
    "CountingFloat",
    "GradientCost",
    "NetworkGradient",
    "Operations",
    "SparseNetwork",
    "Tally",
    "count_operations",
    "counting",
    "gradient_cost",
    "graph_gradient",
    "network_loss",
    "sparse_network",
    "stagewise_gradient",
]

KINDS = ("add", "mul", "div", "pow", "call")
"""The kinds of operation counted, as in :mod:`histbp.autodiff.source`."""

METHODS = (
    "forward-difference",
    "central-difference",
    "forward-mode",
    "symbolic",
    "reverse-mode",
)
"""The ways :func:`gradient_cost` can compute a gradient."""


# -- tallies -------------------------------------------------------------------------


@dataclass(frozen=True)
class Operations:
    """Numbers of operations by kind.

    Attributes
    ----------
    add, mul, div, pow, call : int
        Additions (with subtractions and negations), multiplications, divisions,
        powers and calls of elementary functions.
    """

    add: int = 0
    mul: int = 0
    div: int = 0
    pow: int = 0
    call: int = 0

    @property
    def total(self) -> int:
        """All operations."""
        return sum(getattr(self, k) for k in KINDS)

    def as_dict(self) -> dict[str, int]:
        """The counts as a dictionary, by kind."""
        return {k: getattr(self, k) for k in KINDS}

    def __add__(self, other: Operations) -> Operations:
        if not isinstance(other, Operations):
            return NotImplemented
        return Operations(*(getattr(self, k) + getattr(other, k) for k in KINDS))

    def __str__(self) -> str:
        parts = ", ".join(f"{getattr(self, k)} {k}" for k in KINDS if getattr(self, k))
        return f"{self.total} operations ({parts or 'none'})"


class Tally:
    """A running count of operations, filled while a :func:`counting` block runs."""

    def __init__(self) -> None:
        self._counts = dict.fromkeys(KINDS, 0)

    @property
    def operations(self) -> Operations:
        """The counts so far."""
        return Operations(**self._counts)

    @property
    def total(self) -> int:
        """All operations so far."""
        return sum(self._counts.values())

    def __getitem__(self, kind: str) -> int:
        if kind not in self._counts:
            raise KeyError(f"unknown kind {kind!r}; the kinds are {', '.join(KINDS)}")
        return self._counts[kind]

    def __repr__(self) -> str:
        return f"Tally({self.operations})"


_OPEN: list[Tally] = []


@contextmanager
def counting(tally: Tally | None = None) -> Iterator[Tally]:
    """Count the operations of :class:`CountingFloat` values inside a ``with`` block.

    Parameters
    ----------
    tally
        A tally to add to; by default a new one.

    Yields
    ------
    Tally
        The tally. Blocks nest: an operation is counted in every open tally.

    Raises
    ------
    TypeError
        If ``tally`` is given and is not a :class:`Tally`.

    Examples
    --------
    >>> x, y, z = CountingFloat(2.0), CountingFloat(3.0), CountingFloat(4.0)
    >>> with counting() as tally:
    ...     w = x * y + z
    >>> tally.operations
    Operations(add=1, mul=1, div=0, pow=0, call=0)
    """
    if tally is None:
        tally = Tally()
    elif not isinstance(tally, Tally):
        raise TypeError(f"tally must be a Tally, got {type(tally).__name__}")
    _OPEN.append(tally)
    try:
        yield tally
    finally:
        _OPEN.remove(tally)


def _record(kind: str) -> None:
    for tally in _OPEN:
        tally._counts[kind] += 1


# -- numbers that count ----------------------------------------------------------------

_UFUNC_OPERATORS: dict[str, Callable[[Any, Any], Any]] = {
    "add": operator.add,
    "subtract": operator.sub,
    "multiply": operator.mul,
    "divide": operator.truediv,
    "true_divide": operator.truediv,
    "power": operator.pow,
}


class _Number:
    """numpy dispatch shared by the counting scalars: operators and FUNCTIONS."""

    __slots__ = ()

    def __array_ufunc__(self, ufunc: Any, method: str, *inputs: Any, **kw: Any) -> Any:
        name = ufunc.__name__
        if method != "__call__" or kw:
            raise TypeError(f"numpy.{name}.{method} is not supported on counted values")
        if any(isinstance(a, np.ndarray) for a in inputs):
            # An array operand: apply the ufunc elementwise on object arrays, which
            # calls the Python operators (and so counts) for every element.
            boxed = [_box(a) if isinstance(a, _Number) else a for a in inputs]
            return ufunc(*boxed)
        args = [a.item() if isinstance(a, np.generic) else a for a in inputs]
        if name in _UFUNC_OPERATORS and len(args) == 2:
            return _UFUNC_OPERATORS[name](*args)
        if name == "negative":
            return -args[0]
        if name in FUNCTIONS:
            return getattr(args[0], name)()
        raise TypeError(
            f"numpy.{name} is not supported on counted values; the elementary "
            f"functions are {', '.join(FUNCTIONS)}"
        )

    def __float__(self) -> float:
        raise TypeError(
            "converting a counted value to float would lose the count (math.tanh "
            "and float() do this); use numpy's functions, such as np.tanh"
        )


def _box(value: Any) -> np.ndarray:
    out = np.empty((), dtype=object)
    out[()] = value
    return out


def _real(x: Any) -> float | None:
    """``x`` as a float if it is a plain real number, else ``None``."""
    if type(x) is float:
        return x
    if isinstance(x, numbers.Real) and not isinstance(x, bool):
        return float(x)
    return None


class CountingFloat(_Number):
    """A float that counts the operations done with it.

    Every ``+ - * / **``, unary ``-`` and call of an elementary function
    (``np.exp``, ``np.log``, ``np.sin``, ``np.cos``, ``np.tanh``, ``np.sqrt``,
    also elementwise on object arrays) involving a counting float returns a new
    counting float and adds one to each open :func:`counting` tally. Comparisons
    work and are not counted (like the tests of branches). ``float(x)`` and
    :mod:`math` functions raise :class:`TypeError`, since their result would
    escape the count; read the number as ``value``.

    Parameters
    ----------
    value
        The number.
    """

    __slots__ = ("value",)

    def __init__(self, value: float) -> None:
        v = _real(value)
        if v is None:
            raise TypeError(f"value must be a real number, got {type(value).__name__}")
        self.value = v

    def __repr__(self) -> str:
        return f"CountingFloat({self.value!r})"

    def _apply(self, kind: str, fn: Callable[..., float], *operands: float) -> Any:
        _record(kind)
        result = fn(*operands)
        if isinstance(result, complex):
            raise ValueError(f"{kind} gave a complex result from {operands}")
        return CountingFloat(result)

    def _binary(self, other: Any, kind: str, fn: Callable, reflected: bool) -> Any:
        if isinstance(other, CountingFloat):
            o = other.value
        else:
            o = _real(other)
            if o is None:
                return NotImplemented
        if reflected:
            return self._apply(kind, fn, o, self.value)
        return self._apply(kind, fn, self.value, o)

    def __add__(self, other: Any) -> Any:
        return self._binary(other, "add", operator.add, False)

    def __radd__(self, other: Any) -> Any:
        return self._binary(other, "add", operator.add, True)

    def __sub__(self, other: Any) -> Any:
        return self._binary(other, "add", operator.sub, False)

    def __rsub__(self, other: Any) -> Any:
        return self._binary(other, "add", operator.sub, True)

    def __mul__(self, other: Any) -> Any:
        return self._binary(other, "mul", operator.mul, False)

    def __rmul__(self, other: Any) -> Any:
        return self._binary(other, "mul", operator.mul, True)

    def __truediv__(self, other: Any) -> Any:
        return self._binary(other, "div", operator.truediv, False)

    def __rtruediv__(self, other: Any) -> Any:
        return self._binary(other, "div", operator.truediv, True)

    def __pow__(self, other: Any) -> Any:
        return self._binary(other, "pow", operator.pow, False)

    def __rpow__(self, other: Any) -> Any:
        return self._binary(other, "pow", operator.pow, True)

    def __neg__(self) -> CountingFloat:
        return self._apply("add", operator.neg, self.value)

    def __pos__(self) -> CountingFloat:
        return self

    def _compare(self, other: Any, fn: Callable[[float, float], bool]) -> bool:
        o = other.value if isinstance(other, CountingFloat) else _real(other)
        if o is None:
            return NotImplemented
        return fn(self.value, o)

    def __lt__(self, other: Any) -> bool:
        return self._compare(other, operator.lt)

    def __le__(self, other: Any) -> bool:
        return self._compare(other, operator.le)

    def __gt__(self, other: Any) -> bool:
        return self._compare(other, operator.gt)

    def __ge__(self, other: Any) -> bool:
        return self._compare(other, operator.ge)


def _counting_function(name: str) -> Callable[[CountingFloat], CountingFloat]:
    fn = getattr(math, name)

    def method(self: CountingFloat) -> CountingFloat:
        return self._apply("call", fn, self.value)

    method.__name__ = name
    method.__doc__ = f"``{name}`` of the value, counted as one call."
    return method


for _name in FUNCTIONS:
    setattr(CountingFloat, _name, _counting_function(_name))


def _counting_array(x: np.ndarray) -> np.ndarray:
    """An object array of counting floats with the values and shape of ``x``."""
    out = np.empty(x.shape, dtype=object)
    for index, v in np.ndenumerate(x):
        out[index] = CountingFloat(v)
    return out


def _plain(out: Any, what: str) -> float:
    """The float value of a scalar result, counted or not."""
    if isinstance(out, np.ndarray) and out.shape == () and out.dtype == object:
        out = out[()]
    if isinstance(out, CountingFloat):
        return out.value
    v = _real(out)
    if v is None:
        raise TypeError(f"{what} must return a scalar, got {type(out).__name__}")
    return v


# -- counting a function -------------------------------------------------------------


@dataclass(frozen=True)
class Counted:
    """The value of a function and the operations it took.

    Attributes
    ----------
    value : float
        The function's value.
    operations : Operations
        The operations counted.
    """

    value: float
    operations: Operations


def count_operations(f: Callable[..., Any], *args: Any) -> Counted:
    """Run ``f(*args)`` on counting floats and count its operations.

    Parameters
    ----------
    f
        A function returning a scalar, built from ``+ - * / **`` and numpy's
        ``exp``, ``log``, ``sin``, ``cos``, ``tanh``, ``sqrt``; arrays may be
        read elementwise (``x[i]``) or used with numpy (``x @ w``, ``np.tanh(x)``,
        ``.sum()``), which work elementwise on the object arrays given to ``f``.
    *args
        Floats become counting floats, float arrays object arrays of counting
        floats; integers (loop bounds, sizes) are passed unchanged.

    Returns
    -------
    Counted
        ``f``'s value and its operations.

    Raises
    ------
    TypeError
        If ``f`` is not callable, an argument is neither a number nor an array,
        or ``f`` does not return a scalar.

    Examples
    --------
    >>> count_operations(lambda x, y, z: x * y + z, 2.0, 3.0, 4.0).operations
    Operations(add=1, mul=1, div=0, pow=0, call=0)
    """
    check_callable(f, "f")
    counted = [_counting_argument(a, f"argument {k}") for k, a in enumerate(args)]
    with counting() as tally:
        out = f(*counted)
    return Counted(_plain(out, "f"), tally.operations)


def _counting_argument(a: Any, name: str) -> Any:
    if isinstance(a, numbers.Integral) and not isinstance(a, bool):
        return a
    if _real(a) is not None:
        return CountingFloat(a)
    if isinstance(a, np.ndarray | list | tuple):
        return _counting_array(np.asarray(a, dtype=float))
    raise TypeError(f"{name} must be a number or an array, got {type(a).__name__}")


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
    operations : Operations
        Every operation the method performed, evaluations of ``f`` included.
    parts : Mapping[str, Operations]
        The same operations split by phase (they add up to ``operations``).
    function_operations : Operations
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
    operations: Operations
    parts: Mapping[str, Operations]
    function_operations: Operations
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
    total = Operations()
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


_Result = tuple[np.ndarray, dict[str, Operations], int, int | None]


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
    evaluations, arithmetic = Tally(), Tally()
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
    passes = Tally()
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
    formula = expression(f, n, *args)
    derivatives = [differentiate(formula, i) for i in range(n)]
    point = _counting_array(x)
    gradient = np.empty(n)
    with counting() as tally:
        for i, d in enumerate(derivatives):
            gradient[i] = _plain(evaluate(d, point), "a derivative")
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


# -- a network whose links skip layers: dense stages against the sparse graph ---------


@dataclass(frozen=True)
class SparseNetwork:
    """A layered network of ``tanh`` units whose links may skip layers.

    Layer 0 holds the inputs; unit ``j`` of layer ``k >= 1`` computes
    ``h_kj = tanh(sum of w_e h_source(e))`` over its incoming links ``e``, which
    come from the layers ``k - 1``, ..., ``k - span``. The loss is
    ``E = 1/2 sum_j (h_Lj - t_j)^2`` on the last layer. Made by
    :func:`sparse_network`.

    Attributes
    ----------
    widths : tuple of int
        Units per layer, inputs first.
    span : int
        The longest link, in layers (1: links only between neighbouring layers).
    density : float
        The probability of each possible link.
    target_layer, target, source_layer, source : numpy.ndarray
        For every link, the layer and unit (numbered within its layer) it feeds,
        and the layer and unit it comes from. Links are ordered by target
        layer, then source layer (nearest first), then target and source unit.
    weights : numpy.ndarray
        The weight of every link.
    """

    widths: tuple[int, ...]
    span: int
    density: float
    target_layer: np.ndarray
    target: np.ndarray
    source_layer: np.ndarray
    source: np.ndarray
    weights: np.ndarray

    @property
    def depth(self) -> int:
        """The number of layers of units after the inputs."""
        return len(self.widths) - 1

    @property
    def edges(self) -> int:
        """The number of links (weights)."""
        return int(self.weights.size)

    def state_layers(self, k: int) -> tuple[int, ...]:
        """The layers a stage-wise method carries as its state after stage ``k``.

        Stage ``k`` must pass on every layer that a later stage still reads:
        layers ``k, k - 1, ..., k - span + 1`` (those that exist).
        """
        return tuple(range(k, max(k - self.span, -1), -1))

    @property
    def state_sizes(self) -> tuple[int, ...]:
        """The size of the stage-wise state after each stage ``0, ..., L``."""
        return tuple(
            sum(self.widths[m] for m in self.state_layers(k))
            for k in range(self.depth + 1)
        )

    def blocks(self, k: int) -> list[tuple[int, slice]]:
        """The links into layer ``k``, as ``(source layer, slice of links)`` pairs."""
        out = []
        for m in range(k - 1, max(k - self.span, 0) - 1, -1):
            (where,) = np.nonzero((self.target_layer == k) & (self.source_layer == m))
            if where.size:
                out.append((m, slice(int(where[0]), int(where[-1]) + 1)))
        return out


def sparse_network(
    widths: Sequence[int], density: float, *, span: int = 2, seed: int = 0
) -> SparseNetwork:
    """Draw a random layered network with links that may skip layers.

    Each possible link from layer ``k - d`` to layer ``k``, ``1 <= d <= span``,
    is present with probability ``density``; every unit gets at least one link
    from the layer just below it. Weights are normal with variance
    ``1 / fan-in``.

    Parameters
    ----------
    widths
        Units per layer, the inputs first; at least two layers, all positive.
    density
        The probability of a link, in ``(0, 1]``.
    span
        The longest link, in layers, positive.
    seed
        Seed of the random generator.

    Returns
    -------
    SparseNetwork
        The network.

    Raises
    ------
    TypeError
        If a width or ``span`` is not an integer, or ``density`` not a number.
    ValueError
        If fewer than two widths are given or a value is out of range.
    """
    widths = tuple(check_positive_int(w, "each width") for w in widths)
    if len(widths) < 2:
        raise ValueError(f"widths must list at least two layers, got {len(widths)}")
    if isinstance(density, bool) or not isinstance(density, numbers.Real):
        raise TypeError(f"density must be a number, got {type(density).__name__}")
    if not 0.0 < density <= 1.0:
        raise ValueError(f"density must lie in (0, 1], got {density}")
    span = check_positive_int(span, "span")
    rng = np.random.default_rng(seed)
    columns: dict[str, list[np.ndarray]] = {
        "target_layer": [],
        "target": [],
        "source_layer": [],
        "source": [],
        "weights": [],
    }
    for k in range(1, len(widths)):
        masks = {}
        for m in range(k - 1, max(k - span, 0) - 1, -1):
            mask = rng.random((widths[k], widths[m])) < density
            if m == k - 1:
                empty = ~mask.any(axis=1)
                mask[empty, rng.integers(widths[m], size=int(empty.sum()))] = True
            masks[m] = mask
        fan_in = sum(mask.sum(axis=1) for mask in masks.values())
        for m, mask in masks.items():
            target, source = np.nonzero(mask)
            columns["target_layer"].append(np.full(target.size, k))
            columns["target"].append(target)
            columns["source_layer"].append(np.full(target.size, m))
            columns["source"].append(source)
            columns["weights"].append(
                rng.standard_normal(target.size) / np.sqrt(fan_in[target])
            )
    arrays = {name: np.concatenate(parts) for name, parts in columns.items()}
    return SparseNetwork(widths, span, float(density), **arrays)


def _check_network_inputs(
    net: SparseNetwork, x: Any, target: Any
) -> tuple[np.ndarray, np.ndarray]:
    if not isinstance(net, SparseNetwork):
        raise TypeError(f"net must be a SparseNetwork, got {type(net).__name__}")
    x = as_finite_vector(
        x, "x", net.widths[0], f"the network has {net.widths[0]} inputs"
    )
    target = as_finite_vector(
        target, "target", net.widths[-1], f"the last layer has {net.widths[-1]} units"
    )
    return x, target


def network_loss(net: SparseNetwork, x: Any, target: Any, weights: Any = None) -> Any:
    """Return the loss ``E`` of ``net`` on input ``x``, written with numpy arrays.

    Written so that :func:`histbp.autodiff.grad` can differentiate it with
    respect to ``weights`` (and ``x``): links are gathered by integer indexing
    and summed into their target units by a 0/1 matrix product.

    Parameters
    ----------
    net
        The network.
    x
        The input, shape ``(widths[0],)``.
    target
        The target of the last layer, shape ``(widths[-1],)``.
    weights
        The link weights in ``net``'s order; by default ``net.weights``.

    Returns
    -------
    float
        ``E`` (a traced value when called under :func:`histbp.autodiff.grad`).

    Raises
    ------
    TypeError
        If ``net`` is not a :class:`SparseNetwork`.
    ValueError
        If ``x``, ``target`` or ``weights`` has the wrong shape.
    """
    if not isinstance(net, SparseNetwork):
        raise TypeError(f"net must be a SparseNetwork, got {type(net).__name__}")
    if weights is None:
        weights = net.weights
    if np.shape(weights) != net.weights.shape:
        raise ValueError(
            f"weights has shape {np.shape(weights)}; the network has {net.edges} links"
        )
    if np.shape(x) != (net.widths[0],) or np.shape(target) != (net.widths[-1],):
        raise ValueError(
            f"x and target must have shapes ({net.widths[0]},) and "
            f"({net.widths[-1]},), got {np.shape(x)} and {np.shape(target)}"
        )
    layers = [x]
    for k in range(1, net.depth + 1):
        a = 0.0
        for m, links in net.blocks(k):
            scatter = np.zeros((net.widths[k], links.stop - links.start))
            scatter[net.target[links], np.arange(links.stop - links.start)] = 1.0
            a = a + scatter @ (weights[links] * layers[m][net.source[links]])
        layers.append(np.tanh(a))
    return 0.5 * np.sum((layers[-1] - target) ** 2)


def _forward_values(net: SparseNetwork, x: np.ndarray) -> list[np.ndarray]:
    """The values of every layer, in plain floats (not counted)."""
    layers = [x]
    for k in range(1, net.depth + 1):
        a = np.zeros(net.widths[k])
        for m, links in net.blocks(k):
            np.add.at(
                a, net.target[links], net.weights[links] * layers[m][net.source[links]]
            )
        layers.append(np.tanh(a))
    return layers


@dataclass(frozen=True)
class NetworkGradient:
    """The gradient of a :class:`SparseNetwork`'s loss and what it cost.

    Attributes
    ----------
    method : str
        ``"stagewise"`` or ``"graph"``.
    loss : float
        The loss ``E``.
    weight_gradient : numpy.ndarray
        ``dE/dw`` for every link, in the network's order.
    input_gradient : numpy.ndarray
        ``dE/dx``.
    operations : Operations
        The operations of the backward computation (the forward pass, the same
        for both methods, is not counted).
    parts : Mapping[str, Operations]
        The same operations by phase.
    """

    method: str
    loss: float
    weight_gradient: np.ndarray
    input_gradient: np.ndarray
    operations: Operations
    parts: Mapping[str, Operations]

    @property
    def multiplications(self) -> int:
        """The multiplications of the backward computation."""
        return self.operations.mul


def _result(
    method: str,
    layers: list[np.ndarray],
    target: np.ndarray,
    weight_gradient: np.ndarray,
    input_gradient: np.ndarray,
    parts: dict[str, Tally],
) -> NetworkGradient:
    total = Operations()
    for tally in parts.values():
        total = total + tally.operations
    return NetworkGradient(
        method=method,
        loss=float(0.5 * np.sum((layers[-1] - target) ** 2)),
        weight_gradient=weight_gradient,
        input_gradient=input_gradient,
        operations=total,
        parts=MappingProxyType({k: t.operations for k, t in parts.items()}),
    )


def _values(layer: np.ndarray) -> list[Any]:
    return [None if v is None else _plain(v, "the sweep") for v in layer]


def graph_gradient(net: SparseNetwork, x: Any, target: Any) -> NetworkGradient:
    """Backpropagate through the network's graph, one link at a time.

    Reverse accumulation on the computational graph: for the units of each
    layer, last layer first, ``abar_j = hbar_j (1 - h_j^2)``; then for each
    link ``e`` from ``i`` into ``j``, ``dE/dw_e = abar_j h_i`` and
    ``hbar_i += w_e abar_j``. A link that skips layers is just another link.

    Parameters
    ----------
    net
        The network.
    x
        The input, shape ``(widths[0],)``.
    target
        The target, shape ``(widths[-1],)``.

    Returns
    -------
    NetworkGradient
        The gradients and the operations of the backward sweep, with parts
        ``"terminal"`` (``h - t`` on the last layer), ``"units"`` (``abar``),
        ``"link adjoints"`` (``hbar_i += w_e abar_j``) and ``"weight
        gradients"`` (``abar_j h_i``).

    Raises
    ------
    TypeError
        If ``net`` is not a :class:`SparseNetwork`.
    ValueError
        If ``x`` or ``target`` has the wrong shape or non-finite values.

    References
    ----------
    Linnainmaa (1970) [linnainmaa1970]; Werbos (1982) [werbos1982] for networks.
    """
    x, target = _check_network_inputs(net, x, target)
    layers = _forward_values(net, x)
    h = [[CountingFloat(v) for v in layer] for layer in layers]
    hbar: list[list[Any]] = [[None] * w for w in net.widths]
    weight_gradient = np.zeros(net.edges)
    parts = {
        name: Tally()
        for name in ("terminal", "units", "link adjoints", "weight gradients")
    }
    with counting(parts["terminal"]):
        hbar[-1] = [h[-1][j] - target[j] for j in range(net.widths[-1])]
    for k in range(net.depth, 0, -1):
        with counting(parts["units"]):
            abar = [
                None if hbar[k][j] is None else hbar[k][j] * (1.0 - h[k][j] * h[k][j])
                for j in range(net.widths[k])
            ]
        for m, block in net.blocks(k):
            for e in range(block.start, block.stop):
                a = abar[net.target[e]]
                if a is None:
                    continue
                i = net.source[e]
                with counting(parts["weight gradients"]):
                    weight_gradient[e] = _plain(a * h[m][i], "the sweep")
                with counting(parts["link adjoints"]):
                    term = net.weights[e] * a
                    hbar[m][i] = term if hbar[m][i] is None else hbar[m][i] + term
    input_gradient = np.array([0.0 if v is None else v for v in _values(hbar[0])])
    return _result("graph", layers, target, weight_gradient, input_gradient, parts)


def stagewise_gradient(net: SparseNetwork, x: Any, target: Any) -> NetworkGradient:
    """Backpropagate stage to stage with dense Jacobian matrices, as in the 1960s.

    The network is treated as a multi-stage process ``s_k = f_k(s_{k-1}, u_k)``
    whose state ``s_k`` holds every layer a later stage still reads (a link
    that skips layers forces the stage to carry copies of earlier layers) and
    whose controls ``u_k`` are the weights of the links into layer ``k``. With
    ``lambda_L = dE/ds_L``, the recursion of Kelley and Bryson,

    ``lambda_{k-1} = lambda_k J_k``  and  ``dE/du_k = lambda_k B_k``,

    runs with the full matrices ``J_k = ds_k/ds_{k-1}`` and
    ``B_k = ds_k/du_k``, zeros and the ones of the copied layers included. Their
    non-zero entries cost one multiplication each to form; the products cost
    every entry.

    Parameters
    ----------
    net
        The network.
    x
        The input, shape ``(widths[0],)``.
    target
        The target, shape ``(widths[-1],)``.

    Returns
    -------
    NetworkGradient
        The gradients and the operations, with parts ``"terminal"``
        (``lambda_L``), ``"state Jacobians"`` (forming the ``J_k``),
        ``"state products"`` (``lambda_k J_k``), ``"weight Jacobians"``
        (forming the ``B_k``) and ``"weight products"`` (``lambda_k B_k``).

    Raises
    ------
    TypeError
        If ``net`` is not a :class:`SparseNetwork`.
    ValueError
        If ``x`` or ``target`` has the wrong shape or non-finite values.

    References
    ----------
    Kelley (1960) [kelley1960]; Bryson (1961) [bryson1961].
    """
    x, target = _check_network_inputs(net, x, target)
    layers = _forward_values(net, x)
    h = [[CountingFloat(v) for v in layer] for layer in layers]
    parts = {
        name: Tally()
        for name in (
            "terminal",
            "state Jacobians",
            "state products",
            "weight Jacobians",
            "weight products",
        )
    }
    weight_gradient = np.zeros(net.edges)

    def offsets(k: int) -> dict[int, int]:
        out, start = {}, 0
        for m in net.state_layers(k):
            out[m] = start
            start += net.widths[m]
        return out

    sizes = net.state_sizes
    lam = np.empty(sizes[-1], dtype=object)
    with counting(parts["terminal"]):
        for j in range(sizes[-1]):
            last = j < net.widths[-1]
            lam[j] = h[-1][j] - target[j] if last else CountingFloat(0.0)
    for k in range(net.depth, 0, -1):
        here, below = offsets(k), offsets(k - 1)
        jacobian = np.full((sizes[k], sizes[k - 1]), 0.0, dtype=object)
        edges = [
            e for _, block in net.blocks(k) for e in range(block.start, block.stop)
        ]
        control = np.full((sizes[k], len(edges)), 0.0, dtype=object)
        with counting(parts["state Jacobians"]):
            slope = [1.0 - v * v for v in h[k]]
        for column, e in enumerate(edges):
            j, m, i = net.target[e], net.source_layer[e], net.source[e]
            with counting(parts["state Jacobians"]):
                jacobian[j, below[m] + i] = slope[j] * net.weights[e]
            with counting(parts["weight Jacobians"]):
                control[j, column] = slope[j] * h[m][i]
        for m in net.state_layers(k)[1:]:  # the copied layers
            for u in range(net.widths[m]):
                jacobian[here[m] + u, below[m] + u] = 1.0
        with counting(parts["weight products"]):
            gradient_k = lam @ control
        with counting(parts["state products"]):
            lam = lam @ jacobian
        weight_gradient[edges] = _values(gradient_k)
    input_gradient = np.array(_values(lam))
    return _result("stagewise", layers, target, weight_gradient, input_gradient, parts)
