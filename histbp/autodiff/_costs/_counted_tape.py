"""Reverse mode on counting floats: Linnainmaa's tape, swept at the least cost.

The gradient-cost comparison records ``f`` on :class:`~histbp.autodiff.LinnainmaaTape`
itself, with two additions the comparison needs and Algorithm L does not have:
powers with a numeric exponent and the elementary functions ``exp``, ``log``,
``sin``, ``cos``, ``tanh``, ``sqrt`` (one row each), and values that are counting
floats, so that recording ``f`` counts exactly the operations of ``f``.

Its reverse sweep is Linnainmaa's, ``COEFF(OPER_j) += D_j COEFF(K)`` from the last
row to the first, written so as to count what a careful implementation does and
nothing more: each product ``COEFF(K) D_j`` is formed directly (``COEFF(K) / v2``
for a quotient, not ``1 / v2`` and then a product), a partial of 1 or -1 costs no
multiplication, no term is formed for a ``CONST`` operand or from a row that no path
joins to the output, and the first term reaching a row is stored, not added to zero.
:meth:`LinnainmaaTape.reverse <histbp.autodiff.LinnainmaaTape.reverse>` is the plain
sweep of the 1970 listing; on floats both give the same derivatives.
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from typing import Any, ClassVar

from histbp.autodiff._costs._counting import CountingFloat, _Number, _real
from histbp.autodiff._linnainmaa import OPERATIONS, LinnainmaaTape, LinnainmaaVariable
from histbp.autodiff._symbolic import FUNCTIONS

__all__ = ["CountedTape", "counted_reverse_sweep"]


def _call(name: str) -> Callable[[CountingFloat], CountingFloat]:
    return lambda v: getattr(v, name)()


class CountedTape(LinnainmaaTape):
    """Linnainmaa's tape over counting floats, with powers and elementary functions.

    ``INPUT`` rows hold :class:`~histbp.autodiff.CountingFloat` values; ``CONST``
    rows hold the program's plain numbers, so that operations among constants and
    exponents are not counted.
    """

    operations: ClassVar = {
        **OPERATIONS,
        "POW": operator.pow,
        **{name.upper(): _call(name) for name in FUNCTIONS},
    }

    def input(self, value: float) -> CountedVariable:
        """Append an ``INPUT`` row holding ``value`` as a counting float."""
        return self._push(CountingFloat(value), "INPUT")

    def _stored(self, value: Any, kind: str) -> Any:
        return value  # counting floats are stored as they are

    def _variable(self, index: int) -> CountedVariable:
        return CountedVariable(self, index)


class CountedVariable(_Number, LinnainmaaVariable):
    """A value on a :class:`CountedTape`.

    It has Algorithm L's operators, ``**`` with a numeric exponent and numpy's
    ``exp``, ``log``, ``sin``, ``cos``, ``tanh``, ``sqrt`` (also elementwise on
    object arrays).
    """

    __slots__ = ()

    def __pow__(self, other: Any) -> CountedVariable:
        if _real(other) is None:
            raise TypeError("reverse mode here supports ** with a number as exponent")
        return self.tape.operate("POW", self, other)

    def __rpow__(self, other: Any) -> Any:
        raise TypeError("reverse mode here supports ** with a number as exponent")


def _function_row(name: str) -> Callable[[CountedVariable], CountedVariable]:
    kind = name.upper()

    def method(self: CountedVariable) -> CountedVariable:
        return self.tape.operate(kind, self)

    method.__name__ = name
    return method


for _name in FUNCTIONS:
    setattr(CountedVariable, _name, _function_row(_name))


def counted_reverse_sweep(tape: CountedTape, output: int) -> list[Any]:
    """Return ``COEFF`` of every row of ``tape`` (``None`` where it is zero).

    ``COEFF(output) = 1``; for ``K = output, ..., 0`` every operand row ``j`` of
    row ``K`` that is not a constant gets ``COEFF(j) += D_j COEFF(K)``, each
    product formed by :func:`_adjoint_terms`.
    """
    rows = tape.rows
    coeff: list[Any] = [None] * len(rows)
    coeff[output] = CountingFloat(1.0)
    for k in range(output, -1, -1):
        row = rows[k]
        if coeff[k] is None or not row.operands:
            continue
        values = [rows[j].value for j in row.operands]
        terms = _adjoint_terms(row.type, coeff[k], values, row.value)
        for j, term in zip(row.operands, terms, strict=True):
            if rows[j].type != "CONST":
                term = term.fn() if isinstance(term, _Lazy) else term
                coeff[j] = term if coeff[j] is None else coeff[j] + term
    return coeff


class _Lazy:
    """A term formed only if its operand is not a constant."""

    __slots__ = ("fn",)

    def __init__(self, fn: Callable[[], Any]) -> None:
        self.fn = fn


def _adjoint_terms(kind: str, bar: Any, v: list[Any], q: Any) -> list[Any]:
    """The products ``bar * D_j`` of a row: its type, operand values and value.

    A partial of 1 passes ``bar`` on, one of -1 its negation; the other products
    are formed from ``bar`` and the values at hand in the fewest operations.
    """
    match kind:
        case "ADD":
            return [bar, bar]
        case "SUB":
            return [bar, _Lazy(lambda: -bar)]
        case "NEG":
            return [-bar]
        case "MUL":
            return [_Lazy(lambda: bar * v[1]), _Lazy(lambda: bar * v[0])]
        case "DIV":
            g = bar / v[1]
            return [g, _Lazy(lambda: -(g * q))]
        case "POW":
            return [bar * (v[1] * v[0] ** (v[1] - 1.0)), None]
        case "EXP":
            return [bar * q]
        case "LOG":
            return [bar / v[0]]
        case "SIN":
            return [bar * v[0].cos()]
        case "COS":
            return [-(bar * v[0].sin())]
        case "TANH":
            return [bar * (1.0 - q * q)]
        case "SQRT":
            return [bar / (2.0 * q)]
    raise ValueError(f"unknown operation {kind!r}")  # pragma: no cover
