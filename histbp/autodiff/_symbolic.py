"""Textbook symbolic differentiation on expression trees, to measure expression swell.

A function is turned into a formula by running it on symbolic variables: every
operation builds a node of an expression tree. The tree is *written out*: a value
used twice appears twice, as it does when the computation is written as one
formula on paper. :func:`symbolic_derivative` then applies the rules of the calculus to
the tree, one node at a time, as a textbook (or a first computer-algebra program)
does::

    d(u + v) = du + dv          d(u v) = du v + u dv
    d(u / v) = (du v - u dv) / (v v)
    d(g(u))  = g'(u) du         (chain rule, for exp, log, sin, cos, tanh, sqrt)

Each rule copies the subtrees it needs (``u`` and ``v`` above): no node is shared
between two places of a tree, and no common subexpression is detected. The only
simplifications are the trivial ones on numbers, folded as the tree is built:
``0 + u = u``, ``0 u = 0``, ``1 u = u``, ``u / 1 = u``, ``u ** 1 = u``, and an
operation on numbers alone becomes its result. The number of nodes of the
derivative (:attr:`SymbolicExpr.size`) measures what the chain rule costs when the
derivative is written out as a formula; Baydin et al. (2018) call its growth
*expression swell*.

>>> x, y = symbolic_variables(2)
>>> f = x * y + np.sin(x)
>>> print(f)
((x0 * x1) + sin(x0))
>>> print(symbolic_derivative(f, 0))
(x1 + cos(x0))
"""

from __future__ import annotations

import gc
import math
import numbers
import operator
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

import numpy as np

from histbp._validation import as_finite_number, check_callable, check_positive_int

__all__ = [
    "FUNCTIONS",
    "SymbolicExpr",
    "evaluate_expression",
    "symbolic_constant",
    "symbolic_derivative",
    "symbolic_expression",
    "symbolic_variables",
]

#: The elementary functions an expression may contain, by their numpy names.
FUNCTIONS = ("exp", "log", "sin", "cos", "tanh", "sqrt")

_BINARY = {"add": "+", "sub": "-", "mul": "*", "div": "/", "pow": "**"}
_UFUNC_BINARY = {
    "add": "add",
    "subtract": "sub",
    "multiply": "mul",
    "divide": "div",
    "true_divide": "div",
    "power": "pow",
}


class SymbolicExpr:
    """A node of an expression tree; build trees with operators and numpy functions.

    ``op`` is ``"var"`` (a variable, ``index`` is its number), ``"const"``
    (``value`` is the number), one of ``"add"``, ``"sub"``, ``"mul"``,
    ``"div"``, ``"pow"`` (two arguments), ``"neg"`` (one) or one of ``"exp"``,
    ``"log"``, ``"sin"``, ``"cos"``, ``"tanh"``, ``"sqrt"`` (one argument). Nodes
    are not modified after they are made.

    Operators between expressions and numbers (``+ - * / **``, unary ``-``) and
    the numpy functions ``exp``, ``log``, ``sin``, ``cos``, ``tanh``, ``sqrt``
    (``np.tanh(e)``, also elementwise on object arrays of expressions) return new
    trees holding *copies* of their
    operands, so no node is ever part of two trees. ``**`` needs a number as
    exponent. Anything else (comparisons, ``float()``, ``math.sin``) raises
    :class:`TypeError`, because a formula has no value to compare or convert.
    """

    __slots__ = ("args", "index", "op", "value")

    def __init__(
        self,
        op: str,
        args: tuple[SymbolicExpr, ...] = (),
        value: float | None = None,
        index: int | None = None,
    ) -> None:
        self.op = op
        self.args = args
        self.value = value
        self.index = index

    # -- structure ---------------------------------------------------------------

    @property
    def size(self) -> int:
        """The number of nodes of the tree, leaves included."""
        count, stack = 0, [self]
        while stack:
            node = stack.pop()
            count += 1
            stack.extend(node.args)
        return count

    @property
    def operations(self) -> int:
        """Count the operation nodes, that is the operations that evaluate the tree."""
        count, stack = 0, [self]
        while stack:
            node = stack.pop()
            count += bool(node.args)
            stack.extend(node.args)
        return count

    def copy(self) -> SymbolicExpr:
        """Return a copy of the tree made of new nodes."""
        return SymbolicExpr(
            self.op, tuple([a.copy() for a in self.args]), self.value, self.index
        )

    def is_number(self, value: float | None = None) -> bool:
        """Whether the node is a number (equal to ``value``, if given)."""
        return self.op == "const" and (value is None or self.value == value)

    def __str__(self) -> str:
        if self.op == "var":
            return f"x{self.index}"
        if self.op == "const":
            return f"{self.value:g}"
        if self.op == "neg":
            return f"(-{self.args[0]})"
        if self.op in _BINARY:
            left, right = self.args
            return f"({left} {_BINARY[self.op]} {right})"
        return f"{self.op}({self.args[0]})"

    def __repr__(self) -> str:
        return f"SymbolicExpr({self}, size={self.size})"

    # -- arithmetic --------------------------------------------------------------

    def __add__(self, other: SymbolicExpr | float) -> SymbolicExpr:
        return _node("add", self.copy(), _operand(other))

    def __radd__(self, other: float) -> SymbolicExpr:
        return _node("add", _operand(other), self.copy())

    def __sub__(self, other: SymbolicExpr | float) -> SymbolicExpr:
        return _node("sub", self.copy(), _operand(other))

    def __rsub__(self, other: float) -> SymbolicExpr:
        return _node("sub", _operand(other), self.copy())

    def __mul__(self, other: SymbolicExpr | float) -> SymbolicExpr:
        return _node("mul", self.copy(), _operand(other))

    def __rmul__(self, other: float) -> SymbolicExpr:
        return _node("mul", _operand(other), self.copy())

    def __truediv__(self, other: SymbolicExpr | float) -> SymbolicExpr:
        return _node("div", self.copy(), _operand(other))

    def __rtruediv__(self, other: float) -> SymbolicExpr:
        return _node("div", _operand(other), self.copy())

    def __pow__(self, other: float) -> SymbolicExpr:
        exponent = _operand(other)
        if not exponent.is_number():
            raise TypeError("the exponent of ** must be a number, not an expression")
        return _node("pow", self.copy(), exponent)

    def __rpow__(self, other: float) -> SymbolicExpr:
        raise TypeError("the exponent of ** must be a number, not an expression")

    def __neg__(self) -> SymbolicExpr:
        return _node("neg", self.copy())

    def __pos__(self) -> SymbolicExpr:
        return self.copy()

    def __bool__(self) -> bool:
        raise TypeError("an expression has no truth value: it cannot be compared")

    def _compare(self, other: Any) -> bool:
        raise TypeError("an expression has no value: it cannot be compared")

    def __float__(self) -> float:
        raise TypeError(
            "an expression is not a number; use numpy's functions (np.tanh), "
            "not math's, on expressions"
        )

    __lt__ = __le__ = __gt__ = __ge__ = _compare

    def __array_ufunc__(self, ufunc: Any, method: str, *inputs: Any, **kw: Any) -> Any:
        """Build a node for numpy's ``+ - * / **``, negation and ``FUNCTIONS``."""
        name = ufunc.__name__
        if method != "__call__" or kw:
            raise TypeError(f"numpy.{name}.{method} is not supported on expressions")
        if name in _UFUNC_BINARY and len(inputs) == 2:
            left, right = (_operand(a) for a in inputs)
            if name == "power" and not right.is_number():
                raise TypeError("the exponent of ** must be a number")
            return _node(_UFUNC_BINARY[name], left, right)
        if name == "negative":
            return _node("neg", _operand(inputs[0]))
        if name in FUNCTIONS:
            return _node(name, _operand(inputs[0]))
        raise TypeError(
            f"numpy.{name} is not supported on expressions; the functions are "
            f"{', '.join(FUNCTIONS)}"
        )

    # numpy applies a ufunc to an object array by calling these methods.
    def exp(self) -> SymbolicExpr:
        """``exp`` of the expression (what ``np.exp`` calls on object arrays)."""
        return _node("exp", self.copy())

    def log(self) -> SymbolicExpr:
        """``log`` of the expression."""
        return _node("log", self.copy())

    def sin(self) -> SymbolicExpr:
        """``sin`` of the expression."""
        return _node("sin", self.copy())

    def cos(self) -> SymbolicExpr:
        """``cos`` of the expression."""
        return _node("cos", self.copy())

    def tanh(self) -> SymbolicExpr:
        """``tanh`` of the expression."""
        return _node("tanh", self.copy())

    def sqrt(self) -> SymbolicExpr:
        """``sqrt`` of the expression."""
        return _node("sqrt", self.copy())


@contextmanager
def _gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while large trees are built.

    Trees hold no reference cycles, so nothing is lost; without the pause, the
    collector's passes over millions of live nodes take most of the time.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def symbolic_constant(value: float) -> SymbolicExpr:
    """Return the leaf holding the number ``value``."""
    value = as_finite_number(value, "a constant", real=True)
    return SymbolicExpr("const", value=value)


def _const(value: float) -> SymbolicExpr:
    """The leaf of a number already known to be a finite float."""
    return SymbolicExpr("const", value=value)


def _operand(x: SymbolicExpr | float) -> SymbolicExpr:
    """Return a fresh copy of an expression operand, or the leaf of a number."""
    if isinstance(x, SymbolicExpr):
        return x.copy()
    return symbolic_constant(x)


_FOLD: dict[str, Callable[..., float]] = {
    "add": operator.add,
    "sub": operator.sub,
    "mul": operator.mul,
    "div": operator.truediv,
    "pow": operator.pow,
    "neg": operator.neg,
    **{name: getattr(math, name) for name in FUNCTIONS},
}


def _node(op: str, *args: SymbolicExpr) -> SymbolicExpr:
    """Make the node ``op(args)``, folding numbers and the trivial 0/1 cases.

    ``args`` must be fresh subtrees: they become part of the new node.
    """
    if all(a.is_number() for a in args):
        return symbolic_constant(_FOLD[op](*(a.value for a in args)))
    if op in ("add", "sub") and args[1].is_number(0.0):
        return args[0]
    if op == "add" and args[0].is_number(0.0):
        return args[1]
    if op == "sub" and args[0].is_number(0.0):
        return _node("neg", args[1])
    if op == "mul":
        if args[0].is_number(0.0) or args[1].is_number(0.0):
            return _const(0.0)
        if args[0].is_number(1.0):
            return args[1]
        if args[1].is_number(1.0):
            return args[0]
    if op == "div":
        if args[0].is_number(0.0):
            return _const(0.0)
        if args[1].is_number(1.0):
            return args[0]
    if op == "pow":
        if args[1].is_number(1.0):
            return args[0]
        if args[1].is_number(0.0):
            return _const(1.0)
    return SymbolicExpr(op, args)


def symbolic_variables(n: int) -> np.ndarray:
    """Return an object array of ``n`` variables ``x0, ..., x(n-1)``.

    Parameters
    ----------
    n
        The number of variables, positive.

    Returns
    -------
    numpy.ndarray
        Shape ``(n,)``, dtype object: a function reading ``x[i]`` or using
        ``len(x)``, elementwise numpy functions or ``@`` runs on it unchanged.
    """
    n = check_positive_int(n, "n")
    out = np.empty(int(n), dtype=object)
    for i in range(int(n)):
        out[i] = SymbolicExpr("var", index=i)
    return out


def symbolic_expression(f: Callable[..., Any], n: int, *args: Any) -> SymbolicExpr:
    """Write out ``f(x, *args)`` as one expression tree in ``n`` variables.

    Parameters
    ----------
    f
        A function of a vector ``x`` (and of ``args``, passed unchanged) built
        from ``+ - * / **`` and numpy's functions of ``FUNCTIONS``.
    n
        The length of ``x``.
    *args
        Further arguments of ``f``: numbers and loop bounds, constants of the
        formula.

    Returns
    -------
    SymbolicExpr
        The written-out formula of ``f``'s value.

    Raises
    ------
    TypeError
        If ``f`` is not callable or does not return an expression or a number.
    ValueError
        If ``n`` is not positive.
    """
    check_callable(f, "f")
    with _gc_paused():
        out = f(symbolic_variables(n), *args)
    if isinstance(out, SymbolicExpr):
        return out
    if isinstance(out, numbers.Real) and not isinstance(out, bool):
        return symbolic_constant(out)
    raise TypeError(f"f must return a scalar, got {type(out).__name__}")


def symbolic_derivative(expr: SymbolicExpr, index: int) -> SymbolicExpr:
    """Return the derivative of ``expr`` with respect to variable ``index``.

    The rules of the module docstring are applied recursively; every subtree
    that a rule needs is copied, so the result shares no node with ``expr`` or
    with itself.

    Parameters
    ----------
    expr
        The expression.
    index
        The number of the variable, non-negative.

    Returns
    -------
    SymbolicExpr
        The derivative, written out.

    Raises
    ------
    TypeError
        If ``expr`` is not an :class:`SymbolicExpr` or ``index`` not an integer.
    ValueError
        If ``index`` is negative.

    References
    ----------
    Baydin et al. (2018) [baydin2018], Sec. 2, on symbolic differentiation and
    expression swell.
    """
    if not isinstance(expr, SymbolicExpr):
        raise TypeError(f"expr must be a SymbolicExpr, got {type(expr).__name__}")
    if isinstance(index, bool) or not isinstance(index, numbers.Integral):
        raise TypeError(f"index must be an integer, got {type(index).__name__}")
    if index < 0:
        raise ValueError(f"index must be non-negative, got {index}")
    with _gc_paused():
        return _derivative(expr, int(index))


def _derivative(e: SymbolicExpr, i: int) -> SymbolicExpr:
    """The derivative of ``e`` with respect to variable ``i`` (new nodes only)."""
    if e.op == "var":
        return _const(1.0 if e.index == i else 0.0)
    if e.op == "const":
        return _const(0.0)
    u = e.args[0]
    du = _derivative(u, i)
    if e.op == "neg":
        return _node("neg", du)
    if e.op in _BINARY:
        v = e.args[1]
        if e.op == "pow":  # u ** c, c a number: c u ** (c - 1) du
            if du.is_number(0.0):
                return du
            c = v.value
            power = _node("pow", u.copy(), _const(c - 1.0))
            return _node("mul", _node("mul", _const(c), power), du)
        dv = _derivative(v, i)
        if e.op in ("add", "sub"):
            return _node(e.op, du, dv)
        # A term with a zero factor folds to 0: skip copying its other factor.
        left = du if du.is_number(0.0) else _node("mul", du, v.copy())
        right = dv if dv.is_number(0.0) else _node("mul", u.copy(), dv)
        if e.op == "mul":
            return _node("add", left, right)
        numerator = _node("sub", left, right)
        if numerator.is_number(0.0):
            return numerator
        return _node("div", numerator, _node("mul", v.copy(), v.copy()))
    if du.is_number(0.0):
        return du
    return _node("mul", _outer_derivative(e.op, u), du)


def _outer_derivative(name: str, u: SymbolicExpr) -> SymbolicExpr:
    """``g'(u)`` for the elementary function ``g`` called ``name``, as a new tree."""
    match name:
        case "exp":
            return _node("exp", u.copy())
        case "log":
            return _node("div", _const(1.0), u.copy())
        case "sin":
            return _node("cos", u.copy())
        case "cos":
            return _node("neg", _node("sin", u.copy()))
        case "tanh":
            t1, t2 = _node("tanh", u.copy()), _node("tanh", u.copy())
            return _node("sub", _const(1.0), _node("mul", t1, t2))
        case "sqrt":
            return _node("div", _const(0.5), _node("sqrt", u.copy()))
    raise ValueError(f"unknown function {name!r}")  # pragma: no cover


def evaluate_expression(
    expr: SymbolicExpr, values: Sequence[Any] | Mapping[int, Any]
) -> Any:
    """Evaluate ``expr`` with ``values[i]`` in place of variable ``i``.

    The values may be floats or any numbers with ``+ - * / **`` and methods
    named as ``FUNCTIONS`` (such as
    :class:`~histbp.autodiff.CountingFloat`, which counts the operations).
    Each operation node is evaluated once, each time it appears in the tree.

    Parameters
    ----------
    expr
        The expression.
    values
        The value of each variable, indexed by the variable's number.

    Returns
    -------
    The value (a float for float inputs).

    Raises
    ------
    TypeError
        If ``expr`` is not an :class:`SymbolicExpr`.
    ValueError
        If a variable has no value.
    """
    if not isinstance(expr, SymbolicExpr):
        raise TypeError(f"expr must be a SymbolicExpr, got {type(expr).__name__}")
    with _gc_paused():
        return _evaluate(expr, values)


def _evaluate(e: SymbolicExpr, values: Sequence[Any] | Mapping[int, Any]) -> Any:
    if e.op == "var":
        try:
            return values[e.index]
        except (IndexError, KeyError):
            raise ValueError(f"no value given for variable x{e.index}") from None
    if e.op == "const":
        return e.value
    args = [_evaluate(a, values) for a in e.args]
    if e.op in _BINARY or e.op == "neg":
        return _FOLD[e.op](*args)
    (arg,) = args
    method = getattr(arg, e.op, None)
    return method() if callable(method) else getattr(math, e.op)(arg)
