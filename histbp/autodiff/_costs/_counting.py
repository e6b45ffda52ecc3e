"""Counting floats: the instrument of the gradient-cost comparison.

:class:`CountingFloat` is a float that records every ``+ - * / **`` and every
elementary function it takes part in (``exp``, ``log``, ``sin``, ``cos``, ``tanh``,
``sqrt``, as numpy functions) in the tallies opened by :func:`counting`;
:func:`count_operations` runs a function on them.
"""

from __future__ import annotations

import math
import numbers
import operator
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import numpy as np

from histbp._validation import check_callable
from histbp.autodiff._source.counting import KINDS
from histbp.autodiff._symbolic import FUNCTIONS

# -- tallies -------------------------------------------------------------------------


@dataclass(frozen=True)
class CountedOperations:
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

    def __add__(self, other: CountedOperations) -> CountedOperations:
        if not isinstance(other, CountedOperations):
            return NotImplemented
        return CountedOperations(*(getattr(self, k) + getattr(other, k) for k in KINDS))

    def __str__(self) -> str:
        parts = ", ".join(f"{getattr(self, k)} {k}" for k in KINDS if getattr(self, k))
        return f"{self.total} operations ({parts or 'none'})"


class OperationTally:
    """A running count of operations, filled while a :func:`counting` block runs."""

    def __init__(self) -> None:
        self._counts = dict.fromkeys(KINDS, 0)

    @property
    def operations(self) -> CountedOperations:
        """The counts so far."""
        return CountedOperations(**self._counts)

    @property
    def total(self) -> int:
        """All operations so far."""
        return sum(self._counts.values())

    def __getitem__(self, kind: str) -> int:
        if kind not in self._counts:
            raise KeyError(f"unknown kind {kind!r}; the kinds are {', '.join(KINDS)}")
        return self._counts[kind]

    def __repr__(self) -> str:
        return f"OperationTally({self.operations})"


_OPEN: list[OperationTally] = []


@contextmanager
def counting(tally: OperationTally | None = None) -> Iterator[OperationTally]:
    """Count the operations of :class:`CountingFloat` values inside a ``with`` block.

    Parameters
    ----------
    tally
        A tally to add to; by default a new one.

    Yields
    ------
    OperationTally
        The tally. Blocks nest: an operation is counted in every open tally.

    Raises
    ------
    TypeError
        If ``tally`` is given and is not an :class:`OperationTally`.

    Examples
    --------
    >>> x, y, z = CountingFloat(2.0), CountingFloat(3.0), CountingFloat(4.0)
    >>> with counting() as tally:
    ...     w = x * y + z
    >>> tally.operations
    CountedOperations(add=1, mul=1, div=0, pow=0, call=0)
    """
    if tally is None:
        tally = OperationTally()
    elif not isinstance(tally, OperationTally):
        raise TypeError(f"tally must be an OperationTally, got {type(tally).__name__}")
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

    def __neg__(self) -> CountingFloat:
        return self._apply("add", operator.neg, self.value)

    def __pos__(self) -> CountingFloat:
        return self

    def _compare(self, other: Any, fn: Callable[[float, float], bool]) -> bool:
        o = other.value if isinstance(other, CountingFloat) else _real(other)
        if o is None:
            return NotImplemented
        return fn(self.value, o)


# The arithmetic operators, each counted under its kind (subtraction as an
# addition), and the comparisons, which are not counted.
_ARITHMETIC = {
    "add": ("add", operator.add),
    "sub": ("add", operator.sub),
    "mul": ("mul", operator.mul),
    "truediv": ("div", operator.truediv),
    "pow": ("pow", operator.pow),
}


def _counting_operator(kind: str, fn: Callable, reflected: bool) -> Callable:
    def method(self: CountingFloat, other: Any) -> Any:
        return self._binary(other, kind, fn, reflected)

    return method


def _comparison(fn: Callable[[float, float], bool]) -> Callable:
    def method(self: CountingFloat, other: Any) -> bool:
        return self._compare(other, fn)

    return method


for _name, (_kind, _fn) in _ARITHMETIC.items():
    setattr(CountingFloat, f"__{_name}__", _counting_operator(_kind, _fn, False))
    setattr(CountingFloat, f"__r{_name}__", _counting_operator(_kind, _fn, True))
for _name in ("lt", "le", "gt", "ge"):
    setattr(CountingFloat, f"__{_name}__", _comparison(getattr(operator, _name)))


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
class CountedValue:
    """The value of a function and the operations it took.

    Attributes
    ----------
    value : float
        The function's value.
    operations : CountedOperations
        The operations counted.
    """

    value: float
    operations: CountedOperations


def count_operations(f: Callable[..., Any], *args: Any) -> CountedValue:
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
    CountedValue
        ``f``'s value and its operations.

    Raises
    ------
    TypeError
        If ``f`` is not callable, an argument is neither a number nor an array,
        or ``f`` does not return a scalar.

    Examples
    --------
    >>> count_operations(lambda x, y, z: x * y + z, 2.0, 3.0, 4.0).operations
    CountedOperations(add=1, mul=1, div=0, pow=0, call=0)
    """
    check_callable(f, "f")
    counted = [_counting_argument(a, f"argument {k}") for k, a in enumerate(args)]
    with counting() as tally:
        out = f(*counted)
    return CountedValue(_plain(out, "f"), tally.operations)


def _counting_argument(a: Any, name: str) -> Any:
    if isinstance(a, numbers.Integral) and not isinstance(a, bool):
        return a
    if _real(a) is not None:
        return CountingFloat(a)
    if isinstance(a, np.ndarray | list | tuple):
        return _counting_array(np.asarray(a, dtype=float))
    raise TypeError(f"{name} must be a number or an array, got {type(a).__name__}")
