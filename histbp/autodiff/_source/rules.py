"""The local partial derivatives of the elementary operations, as code templates.

Each operation has a forward template, such as ``a * b``, and for each operand
a template of its contribution to that operand's adjoint: the adjoint ``g`` of
the result times the local partial derivative, written with the operands ``a``
and ``b``, the result ``r`` and ``M``, the module of a math function (``math``
or ``np``). A contribution of the form ``-(...)`` is subtracted. Reusing the
result ``r`` (for ``exp``, ``sqrt``, ``tanh``, division) instead of evaluating
the function again is what makes the reverse sweep cheap.
"""

from __future__ import annotations

import ast
import copy
import functools
from dataclasses import dataclass

from histbp.autodiff._source.ir import Operand, Passive

__all__ = [
    "BINARY",
    "FUNCTIONS",
    "RULES",
    "Rule",
    "constant_value",
    "instantiate",
    "letters",
    "partial",
    "split_sign",
]


@dataclass(frozen=True)
class Rule:
    """An elementary operation: its value and each operand's contribution."""

    value: str
    partials: tuple[str, ...]


RULES = {
    "copy": Rule("a", ("g",)),
    "add": Rule("a + b", ("g", "g")),
    "sub": Rule("a - b", ("g", "-g")),
    "mul": Rule("a * b", ("g * b", "g * a")),
    "div": Rule("a / b", ("g / b", "-(g * r / b)")),
    "pow": Rule("a ** b", ("g * b * a ** (b - 1)", "g * r * math.log(a)")),
    "neg": Rule("-a", ("-g",)),
    "sin": Rule("M.sin(a)", ("g * M.cos(a)",)),
    "cos": Rule("M.cos(a)", ("-(g * M.sin(a))",)),
    "exp": Rule("M.exp(a)", ("g * r",)),
    "log": Rule("M.log(a)", ("g / a",)),
    "sqrt": Rule("M.sqrt(a)", ("0.5 * g / r",)),
    "tanh": Rule("M.tanh(a)", ("g * (1 - r * r)",)),
}
"""The rule of each operation, by name."""

FUNCTIONS = ("sin", "cos", "exp", "log", "sqrt", "tanh")
"""The math functions supported, from ``math`` or from numpy."""

BINARY = {
    ast.Add: "add",
    ast.Sub: "sub",
    ast.Mult: "mul",
    ast.Div: "div",
    ast.Pow: "pow",
}
"""The operation of each differentiable binary operator."""


def constant_value(operand: Operand) -> int | float | None:
    """The number an operand stands for, if it is a numeric literal."""
    if not isinstance(operand, Passive):
        return None
    node, sign = operand.node, 1
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub | ast.UAdd):
        sign = -1 if isinstance(node.op, ast.USub) else 1
        node = node.operand
    if (
        isinstance(node, ast.Constant)
        and isinstance(node.value, int | float)
        and not isinstance(node.value, bool)
    ):
        return sign * node.value
    return None


def _power_partial(c: int | float) -> str | None:
    """``g * d(a ** c)/da`` for a constant ``c``, with the numbers folded."""
    if c == 0:
        return None
    e = c - 1
    exponent = repr(e) if len(repr(e)) <= len(repr(c)) + 1 else f"({c!r} - 1)"
    text = "g" if abs(c) == 1 else f"g * {abs(c)!r}"
    if e == 1:
        text += " * a"
    elif e != 0:
        text += f" * a ** {exponent}"
    return f"-({text})" if c < 0 else text


def partial(op: str, position: int, args: tuple[Operand, ...]) -> str | None:
    """The contribution template for ``args[position]``, ``None`` if it is zero."""
    if op == "pow" and position == 0:
        c = constant_value(args[1])
        if c is not None:
            return _power_partial(c)
    return RULES[op].partials[position]


@functools.cache
def _parse(template: str) -> ast.expr:
    return ast.parse(template, mode="eval").body


def letters(template: str) -> set[str]:
    """Which of the operands ``a``, ``b`` and the result ``r`` a template reads."""
    used = {n.id for n in ast.walk(_parse(template)) if isinstance(n, ast.Name)}
    return used & {"a", "b", "r"}


class _Substitute(ast.NodeTransformer):
    def __init__(self, env: dict[str, ast.expr]) -> None:
        self.env = env

    def visit_Name(self, node: ast.Name) -> ast.expr:
        if node.id in self.env:
            return copy.deepcopy(self.env[node.id])
        return node


def instantiate(template: str, env: dict[str, ast.expr]) -> ast.expr:
    """The template with its letters replaced by the expressions in ``env``."""
    return _Substitute(env).visit(copy.deepcopy(_parse(template)))


def split_sign(node: ast.expr) -> tuple[int, ast.expr]:
    """``(-1, e)`` for ``-(e)``, else ``(1, node)``."""
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        return -1, node.operand
    return 1, node
