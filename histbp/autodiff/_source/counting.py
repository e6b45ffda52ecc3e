"""Counting the arithmetic of the emitted code, per sweep and per kind.

Each line of the emitted forward and reverse sweeps is counted from its own
text: additions (``+``, ``-``, negation and ``+=``/``-=``), multiplications,
divisions, powers, and calls of math functions. Index arithmetic (inside
``x[...]``), loop bounds, ``if`` tests, copies, literals folded by the Python
compiler (``-1.0``, ``1.1 - 1``) and the passive bookkeeping of integers are
not counted; values saved on and restored from tapes are counted
apart. Running an instrumented copy of the program, with a counter update after
each counted line, gives the counts for particular inputs.
"""

from __future__ import annotations

import ast
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

__all__ = ["KINDS", "OperationCounts", "count_statement", "counter_updates"]

KINDS = ("add", "mul", "div", "pow", "call")
"""The kinds of operation counted."""

_KIND = {
    ast.Add: "add",
    ast.Sub: "add",
    ast.Mult: "mul",
    ast.Div: "div",
    ast.FloorDiv: "div",
    ast.Mod: "div",
    ast.Pow: "pow",
}
_MODULES = ("math", "np")

SLOTS = {
    **{("forward", k): i for i, k in enumerate(KINDS)},
    **{("reverse", k): len(KINDS) + i for i, k in enumerate(KINDS)},
    ("push", ""): 2 * len(KINDS),
    ("pop", ""): 2 * len(KINDS) + 1,
}
"""Where each count lives in the counter list of an instrumented run."""


def _constant(node: ast.AST) -> bool:
    """Whether ``node`` is made of literals only (Python folds it when compiling)."""
    if isinstance(node, ast.BinOp):
        return _constant(node.left) and _constant(node.right)
    if isinstance(node, ast.UnaryOp):
        return _constant(node.operand)
    return isinstance(node, ast.Constant)


def _count(node: ast.AST, counts: Counter[str]) -> None:
    if _constant(node):
        return
    if isinstance(node, ast.Subscript):
        _count(node.value, counts)
        return
    if isinstance(node, ast.Call):
        func = node.func
        if (
            isinstance(func, ast.Attribute)
            and isinstance(func.value, ast.Name)
            and func.value.id in _MODULES
        ):
            counts["call"] += 1
            for arg in node.args:
                _count(arg, counts)
        return
    if isinstance(node, ast.BinOp | ast.AugAssign) and type(node.op) in _KIND:
        counts[_KIND[type(node.op)]] += 1
    elif isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        counts["add"] += 1
    for child in ast.iter_child_nodes(node):
        _count(child, counts)


def count_statement(text: str) -> Counter[str]:
    """The operations in one line of emitted code, by kind."""
    counts: Counter[str] = Counter()
    _count(ast.parse(text.strip()), counts)
    return counts


def counter_updates(part: str, text: str, counter: str) -> list[str]:
    """The statements that add one line's operations to ``counter``."""
    if part in ("push", "pop"):
        return [f"{counter}[{SLOTS[part, '']}] += 1"]
    counts = count_statement(text)
    return [f"{counter}[{SLOTS[part, k]}] += {counts[k]}" for k in KINDS if counts[k]]


@dataclass(frozen=True)
class OperationCounts:
    """Operations performed by one run of a compiled gradient program.

    Attributes
    ----------
    forward : Mapping[str, int]
        Operations of the forward sweep by kind (``add``, ``mul``, ``div``,
        ``pow``, ``call``): the operations of the original function.
    reverse : Mapping[str, int]
        Operations of the reverse sweep by kind.
    saved : int
        Values saved on tapes by the forward sweep (and restored by the reverse
        sweep).
    """

    forward: Mapping[str, int]
    reverse: Mapping[str, int]
    saved: int

    @classmethod
    def from_slots(cls, slots: list[int]) -> OperationCounts:
        """Read the counter list of an instrumented run."""
        forward = {k: slots[SLOTS["forward", k]] for k in KINDS}
        reverse = {k: slots[SLOTS["reverse", k]] for k in KINDS}
        return cls(
            MappingProxyType(forward),
            MappingProxyType(reverse),
            slots[SLOTS["push", ""]],
        )

    @property
    def forward_total(self) -> int:
        """All arithmetic operations of the forward sweep."""
        return sum(self.forward.values())

    @property
    def reverse_total(self) -> int:
        """All arithmetic operations of the reverse sweep."""
        return sum(self.reverse.values())

    @property
    def ratio(self) -> float:
        """``reverse_total / forward_total`` (``inf`` for an empty forward sweep)."""
        if self.forward_total == 0:
            return float("inf")
        return self.reverse_total / self.forward_total

    def __str__(self) -> str:
        head = "         " + " ".join(f"{k:>6}" for k in (*KINDS, "total"))
        rows = [
            f"{name:<9}"
            + " ".join(f"{counts[k]:>6}" for k in KINDS)
            + f" {sum(counts.values()):>6}"
            for name, counts in (("forward", self.forward), ("reverse", self.reverse))
        ]
        return "\n".join([head, *rows, f"saved on tapes: {self.saved}"])
