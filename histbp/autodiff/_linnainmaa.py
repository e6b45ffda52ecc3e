"""Linnainmaa's Algorithm L (1970): the reverse mode on a tape of scalar operations.

In his master's thesis (University of Helsinki, 1970; FORTRAN code on pp. 58-60)
Seppo Linnainmaa records a computation as a table with one row per input and per
operation. Each row holds the columns

``VALUE``
    the number computed,
``TYPE``
    the kind of row: ``INPUT``, or one of the operations ``NEG``, ``ADD``, ``SUB``,
    ``MUL`` and ``DIV`` (negation, +, -, * and /),
``OPER1``, ``OPER2``
    the row numbers of the operands (``OPER2`` is empty for negation).

The reverse sweep then gives the derivative of the last value with respect to every
row at once::

    COEFF(N) = 1, all other COEFF(K) = 0
    for K = N, N-1, ..., 1:
        for each operand j of row K:
            COEFF(OPER_j) += D_j * COEFF(K)

with the local partial derivatives ``D`` of row ``K``, whose operands have the
values ``v1`` and ``v2``::

    NEG: -1     ADD: 1, 1     SUB: 1, -1     MUL: v2, v1     DIV: 1/v2, -v1/v2**2

Each row is visited once, so the sweep costs a small multiple of the computation.

Two choices of this implementation differ from the FORTRAN listing in form only.
Rows are numbered from 0, as Python lists are, where FORTRAN numbers them from 1.
A number written in the program, such as the ``2.0`` in ``2.0 * x``, becomes a row
of its own with ``TYPE`` ``CONST``, so that every operand is a row of the table, as
in the thesis, where all data of the computation are rows; a ``CONST`` row is an
input that is not differentiated.

>>> tape, y = linnainmaa_record(lambda x1, x2: (x1 * x2 + x1) / x2, 3.0, 2.0)
>>> tape.reverse(y)
[1.5, -0.75, 0.5, 0.5, 1.0]
"""

from __future__ import annotations

import math
import numbers
import operator
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

from histbp._validation import as_finite_number

__all__ = [
    "OPERATIONS",
    "LinnainmaaRow",
    "LinnainmaaTape",
    "LinnainmaaVariable",
    "linnainmaa_gradient",
    "linnainmaa_record",
    "linnainmaa_table",
]

#: The arithmetic of each operation row, usable on floats and on fractions alike.
OPERATIONS: dict[str, Callable[..., Any]] = {
    "NEG": operator.neg,
    "ADD": operator.add,
    "SUB": operator.sub,
    "MUL": operator.mul,
    "DIV": operator.truediv,
}


@dataclass(frozen=True, slots=True)
class LinnainmaaRow:
    """One row of the tape: ``VALUE``, ``TYPE``, ``OPER1`` and ``OPER2``.

    ``type`` is ``"INPUT"``, ``"CONST"`` or an operation (``"NEG"``, ``"ADD"``,
    ``"SUB"``, ``"MUL"``, ``"DIV"``); ``oper1`` and ``oper2`` are the row numbers
    of the operands, or ``None``.
    """

    value: float
    type: str
    oper1: int | None = None
    oper2: int | None = None

    @property
    def operands(self) -> tuple[int, ...]:
        """The row numbers of the operands, in order."""
        return tuple(j for j in (self.oper1, self.oper2) if j is not None)


def _partials(rows: list[LinnainmaaRow], row: LinnainmaaRow) -> tuple[float, ...]:
    """Return the local partial derivatives ``D`` of ``row`` w.r.t. its operands."""
    v = [rows[j].value for j in row.operands]
    match row.type:
        case "NEG":
            return (-1.0,)
        case "ADD":
            return (1.0, 1.0)
        case "SUB":
            return (1.0, -1.0)
        case "MUL":
            return (v[1], v[0])
        case "DIV":
            return (1.0 / v[1], -v[0] / v[1] ** 2)
    return ()  # INPUT and CONST rows have no operands


# numpy ufuncs that are operations of Algorithm L ("true_divide" in numpy 1)
_UFUNCS = {
    "negative": "NEG",
    "add": "ADD",
    "subtract": "SUB",
    "multiply": "MUL",
    "divide": "DIV",
    "true_divide": "DIV",
}


def _not_in_algorithm_l(name: str) -> TypeError:
    """Return the error for an operation that Algorithm L does not have."""
    return TypeError(
        f"{name} is not an operation of Algorithm L, which has only "
        "negation, +, -, * and /"
    )


def _refuse(name: str) -> Callable[..., Any]:
    """Return a method that refuses the operation ``name``."""

    def refuse(self: LinnainmaaVariable, *args: Any) -> Any:
        raise _not_in_algorithm_l(name)

    return refuse


class LinnainmaaTape:
    """Linnainmaa's table: one :class:`LinnainmaaRow` per input, constant and operation.

    Parameters
    ----------
    rounding
        Optional function applied to every ``VALUE`` before it is stored, to
        compute in a shorter floating-point format (see
        :func:`histbp.autodiff.accumulated_error`); by default values are Python floats.

    References
    ----------
    Linnainmaa (1970) [linnainmaa1970], the FORTRAN listing of pp. 58-60.

    Examples
    --------
    >>> tape = LinnainmaaTape()
    >>> x1, x2 = tape.input(3.0), tape.input(2.0)
    >>> y = (x1 * x2 + x1) / x2
    >>> tape.reverse(y)[:2]
    [1.5, -0.75]
    """

    #: The arithmetic of each ``TYPE`` of operation row. The gradient-cost
    #: comparison (:func:`histbp.autodiff.gradient_cost`) extends it in a subclass.
    operations: ClassVar[Mapping[str, Callable[..., Any]]] = OPERATIONS

    def __init__(self, rounding: Callable[[float], float] | None = None) -> None:
        self.rows: list[LinnainmaaRow] = []
        self.rounding = rounding

    def __len__(self) -> int:
        return len(self.rows)

    def input(self, value: float) -> LinnainmaaVariable:
        """Append an ``INPUT`` row holding ``value`` and return its variable."""
        return self._push(as_finite_number(value, "an input", real=True), "INPUT")

    def constant(self, value: float) -> LinnainmaaVariable:
        """Append a ``CONST`` row: a number of the program, not differentiated."""
        return self._push(as_finite_number(value, "a constant", real=True), "CONST")

    def operate(
        self, kind: str, *operands: LinnainmaaVariable | float
    ) -> LinnainmaaVariable:
        """Append the row of operation ``kind`` on ``operands`` and return it.

        Numbers among the operands are first appended as ``CONST`` rows.
        """
        rows = [self._row_of(x) for x in operands]
        values = [self.rows[j].value for j in rows]
        return self._push(self.operations[kind](*values), kind, *rows)

    def reverse(self, output: LinnainmaaVariable) -> list[float]:
        """Run the reverse sweep of Algorithm L from the row of ``output``.

        Parameters
        ----------
        output
            A variable of this tape, usually its last row ``N``.

        Returns
        -------
        list of float
            ``COEFF(K)``, the derivative of ``output`` with respect to the value
            of row ``K``, for every row; rows after ``output`` get 0.

        Raises
        ------
        ValueError
            If ``output`` is not a variable of this tape.
        """
        if not isinstance(output, LinnainmaaVariable) or output.tape is not self:
            raise ValueError(f"{output!r} is not a variable of this tape")
        coeff = [0.0] * len(self.rows)
        coeff[output.index] = 1.0
        for k in range(output.index, -1, -1):
            row = self.rows[k]
            for j, d in zip(row.operands, _partials(self.rows, row), strict=True):
                coeff[j] += d * coeff[k]
        return coeff

    def table(self, coeff: Sequence[float] | None = None) -> str:
        """Return the tape as a text table, with a ``COEFF`` column if given."""
        return linnainmaa_table(self, None if coeff is None else {"COEFF": coeff})

    def _row_of(self, x: LinnainmaaVariable | float) -> int:
        """Return the row number of an operand, appending numbers as constants."""
        if isinstance(x, LinnainmaaVariable):
            if x.tape is not self:
                raise ValueError("cannot combine variables of two different tapes")
            return x.index
        if isinstance(x, numbers.Real):
            return self.constant(x).index
        raise TypeError(f"an operand of type {type(x).__name__} is not a number")

    def _push(self, value: float, kind: str, *operands: int) -> LinnainmaaVariable:
        self.rows.append(LinnainmaaRow(self._stored(value, kind), kind, *operands))
        return self._variable(len(self.rows) - 1)

    def _stored(self, value: Any, kind: str) -> Any:
        """Return the ``VALUE`` to store: a float, rounded if asked, and finite."""
        value = float(value)
        if self.rounding is not None:
            value = float(self.rounding(value))
        if not math.isfinite(value):
            raise OverflowError(f"row {len(self.rows)} ({kind}) overflowed to {value}")
        return value

    def _variable(self, index: int) -> LinnainmaaVariable:
        """Return the handle of row ``index``."""
        return LinnainmaaVariable(self, index)


class LinnainmaaVariable:
    """A value on a :class:`LinnainmaaTape`: the handle that records operations on it.

    ``+``, ``-``, ``*``, ``/`` and unary ``-`` between variables and numbers append
    rows to the tape; anything else raises :class:`TypeError`.
    """

    __slots__ = ("index", "tape")

    def __init__(self, tape: LinnainmaaTape, index: int) -> None:
        self.tape = tape
        self.index = index

    @property
    def value(self) -> float:
        """The ``VALUE`` of the variable's row."""
        return self.tape.rows[self.index].value

    def __repr__(self) -> str:
        row = self.tape.rows[self.index]
        return (
            f"LinnainmaaVariable(K={self.index}, VALUE={row.value!r}, TYPE={row.type})"
        )

    def __neg__(self) -> LinnainmaaVariable:
        return self.tape.operate("NEG", self)

    def __pos__(self) -> LinnainmaaVariable:
        return self

    def __add__(self, other: LinnainmaaVariable | float) -> LinnainmaaVariable:
        return self.tape.operate("ADD", self, other)

    def __radd__(self, other: float) -> LinnainmaaVariable:
        return self.tape.operate("ADD", other, self)

    def __sub__(self, other: LinnainmaaVariable | float) -> LinnainmaaVariable:
        return self.tape.operate("SUB", self, other)

    def __rsub__(self, other: float) -> LinnainmaaVariable:
        return self.tape.operate("SUB", other, self)

    def __mul__(self, other: LinnainmaaVariable | float) -> LinnainmaaVariable:
        return self.tape.operate("MUL", self, other)

    def __rmul__(self, other: float) -> LinnainmaaVariable:
        return self.tape.operate("MUL", other, self)

    def __truediv__(self, other: LinnainmaaVariable | float) -> LinnainmaaVariable:
        return self.tape.operate("DIV", self, other)

    def __rtruediv__(self, other: float) -> LinnainmaaVariable:
        return self.tape.operate("DIV", other, self)

    __pow__ = __rpow__ = _refuse("** (power)")
    __floordiv__ = __rfloordiv__ = _refuse("// (floor division)")
    __mod__ = __rmod__ = _refuse("% (remainder)")
    __abs__ = _refuse("abs()")
    __lt__ = __le__ = __gt__ = __ge__ = _refuse("a comparison")
    __float__ = __int__ = _refuse(
        "converting a LinnainmaaVariable to a number, as float() or math.sin() do,"
    )

    def __array_ufunc__(self, ufunc: Any, method: str, *inputs: Any, **kw: Any) -> Any:
        """Let numpy scalars meet variables in ``+ - * /``; refuse other ufuncs."""
        kind = _UFUNCS.get(ufunc.__name__) if method == "__call__" and not kw else None
        if kind is None:
            raise _not_in_algorithm_l(f"numpy.{ufunc.__name__}")
        return self.tape.operate(kind, *inputs)


def linnainmaa_record(
    f: Callable[..., Any],
    *args: float,
    rounding: Callable[[float], float] | None = None,
) -> tuple[LinnainmaaTape, LinnainmaaVariable]:
    """Run ``f`` on fresh ``INPUT`` rows holding ``args`` and return the tape.

    Parameters
    ----------
    f
        A function of ``len(args)`` numbers built from ``+``, ``-``, ``*``, ``/``
        and unary ``-``.
    *args
        The values of the inputs; they become rows ``0 .. len(args) - 1``.
    rounding
        Passed to :class:`LinnainmaaTape`.

    Returns
    -------
    tape : LinnainmaaTape
        The recorded table.
    output : LinnainmaaVariable
        The result of ``f``; a plain number returned by ``f`` is appended as a
        ``CONST`` row.
    """
    tape = LinnainmaaTape(rounding)
    out = f(*[tape.input(a) for a in args])
    return tape, out if isinstance(out, LinnainmaaVariable) else tape.constant(out)


def linnainmaa_gradient(f: Callable[..., Any], *args: float) -> list[float]:
    """Return the derivatives of ``f`` at ``args`` with respect to each argument.

    Parameters
    ----------
    f
        As for :func:`linnainmaa_record`.
    *args
        The point.

    Returns
    -------
    list of float
        ``COEFF`` of the input rows after one reverse sweep.

    Examples
    --------
    >>> linnainmaa_gradient(lambda x, y: x * y - y / x, 2.0, 4.0)
    [5.0, 1.5]
    """
    tape, output = linnainmaa_record(f, *args)
    return tape.reverse(output)[: len(args)]


def linnainmaa_table(
    tape: LinnainmaaTape, columns: Mapping[str, Sequence[float]] | None = None
) -> str:
    """Return the rows of ``tape`` as a text table, like Linnainmaa's listing.

    Parameters
    ----------
    tape
        The tape.
    columns
        Extra numeric columns, one value per row, e.g. ``{"COEFF": coeff}``.

    Returns
    -------
    str
        A table with columns ``K``, ``VALUE``, ``TYPE``, ``OPER1``, ``OPER2`` and
        the extra columns.
    """
    columns = dict(columns or {})
    header = f"{'K':>4} {'VALUE':>16} {'TYPE':<5} {'OPER1':>5} {'OPER2':>5}"
    lines = [header + "".join(f" {name:>13}" for name in columns)]
    for k, row in enumerate(tape.rows):
        opers = [("" if j is None else str(j)) for j in (row.oper1, row.oper2)]
        line = f"{k:>4} {row.value:>16.9g} {row.type:<5} {opers[0]:>5} {opers[1]:>5}"
        lines.append(line + "".join(f" {c[k]:>13.6g}" for c in columns.values()))
    return "\n".join(lines)
