"""The intermediate form: a function as a sequence of elementary operations.

Every differentiated expression of the source is broken into three-address
statements, one elementary operation each (:class:`Assign`), whose operands
are variables, elements ``x[i]`` of array arguments, or expressions that do
not depend on the differentiated arguments (:class:`Passive`: constants, loop
indices, integer arguments). Statements that compute only such passive values
(:class:`Compute`), ``for ... in range(...)`` loops (:class:`Loop`) and ``if``
statements on passive tests (:class:`Branch`) keep their structure.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field

__all__ = [
    "Assign",
    "Branch",
    "Compute",
    "Definition",
    "Elem",
    "Loop",
    "Names",
    "Operand",
    "Passive",
    "Program",
    "Stmt",
    "Var",
    "assigned",
]


class Names:
    """Fresh names for generated variables, distinct from every name in use.

    Parameters
    ----------
    taken
        The names already in use; the set is extended as names are handed out.
    """

    def __init__(self, taken: set[str]) -> None:
        self.taken = taken

    def numbered(self, prefix: str) -> str:
        """Return the first free name among ``prefix1``, ``prefix2``, ...."""
        k = 1
        while f"{prefix}{k}" in self.taken:
            k += 1
        self.taken.add(f"{prefix}{k}")
        return f"{prefix}{k}"

    def derived(self, base: str) -> str:
        """Return ``base`` if free, else the first free ``base_2``, ``base_3``, ...."""
        name, k = base, 1
        while name in self.taken:
            k += 1
            name = f"{base}_{k}"
        self.taken.add(name)
        return name


@dataclass(frozen=True)
class Var:
    """A variable: a parameter, a variable of the source, or a temporary."""

    name: str


@dataclass(frozen=True, eq=False)
class Elem:
    """The element ``array[index]`` of an array argument; ``names`` are read."""

    array: str
    index: ast.expr
    names: frozenset[str]


@dataclass(frozen=True, eq=False)
class Passive:
    """An expression independent of the differentiated arguments."""

    node: ast.expr
    names: frozenset[str]


Operand = Var | Elem | Passive


@dataclass(eq=False)
class Definition:
    """A statement giving ``target`` a new value (:class:`Assign`, :class:`Compute`).

    ``save`` (set by the planner) says that the old value of ``target`` is
    needed by the reverse sweep and must be saved before it is overwritten;
    ``overwrites`` that ``target`` may hold an earlier value here. Both are
    keyword-only, so that the subclasses' own fields come first.
    """

    target: str
    save: bool = field(default=False, kw_only=True)
    overwrites: bool = field(default=False, kw_only=True)


@dataclass(eq=False)
class Assign(Definition):
    """``target = op(*args)``, one elementary operation on differentiated values."""

    op: str
    args: tuple[Operand, ...]
    line: int
    module: str = "math"


@dataclass(eq=False)
class Compute(Definition):
    """``target = value`` for a value independent of the differentiated arguments."""

    value: ast.expr
    line: int


@dataclass(eq=False)
class Loop:
    """``for var in iterable:``, where ``iterable`` is a ``range`` or holds one."""

    var: str
    iterable: ast.expr
    names: frozenset[str]
    body: list[Stmt]
    line: int


@dataclass(eq=False)
class Branch:
    """``if test: body else: orelse`` with a test on passive values only."""

    test: ast.expr
    names: frozenset[str]
    body: list[Stmt]
    orelse: list[Stmt]
    line: int


Stmt = Assign | Compute | Loop | Branch


@dataclass(eq=False)
class Program:
    """A lowered function.

    Attributes
    ----------
    name
        The source function's name.
    params
        Its parameters, in order.
    kinds
        ``"array"``, ``"scalar"`` or ``"passive"`` for each parameter.
    body
        The statements.
    result
        The returned value, a variable or a passive expression, or ``None``
        when the last operations of the body compute it into ``value``.
    seed
        The variable whose adjoint starts at 1 (the returned one), if any.
    active
        The variables that depend on the differentiated arguments.
    temps
        The temporaries among them (each assigned once and used once).
    value
        The name under which the forward sweep keeps the returned value.
    names
        The allocator of fresh names, which knows every name in use.
    """

    name: str
    params: tuple[str, ...]
    kinds: dict[str, str]
    body: list[Stmt]
    result: Operand | None
    seed: str | None
    active: set[str]
    temps: set[str]
    value: str
    names: Names

    def is_active(self, operand: Operand) -> bool:
        """Whether an operand depends on the differentiated arguments."""
        if isinstance(operand, Elem):
            return True
        return isinstance(operand, Var) and operand.name in self.active


def assigned(stmts: list[Stmt]) -> set[str]:
    """Every name a list of statements may assign, loop variables included."""
    found: set[str] = set()
    for s in stmts:
        if isinstance(s, Assign | Compute):
            found.add(s.target)
        elif isinstance(s, Loop):
            found |= {s.var} | assigned(s.body)
        elif isinstance(s, Branch):
            found |= assigned(s.body) | assigned(s.orelse)
    return found
