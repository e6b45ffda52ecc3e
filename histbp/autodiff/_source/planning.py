"""Saving overwritten values: what the reverse sweep needs from the forward one.

The reverse sweep undoes the statements in reverse order, and at each it needs
the values the forward sweep had there: the other factor of a product, the
result of ``exp``, the index of an element, the bounds of a loop. Inside a loop
a variable is overwritten at every iteration, so after the loop only its last
value is left. Speelpenning's remedy, kept here, is to save a value just before
an assignment overwrites it, on a tape (a Python list used as a stack), and to
pop it back when the reverse sweep undoes that assignment. Undoing every
statement in reverse order then restores, at every statement, exactly the
variables the forward sweep saw there, and the local derivatives are computed
from the variables themselves.

Only what is needed is saved. Walking forward, the planner keeps the set of
variables whose current values the reverse sweep will read when it undoes the
statements executed so far (a to-be-recorded analysis; a loop is walked until
this set stops growing, since the next iteration overwrites what the previous
one needed). An assignment saves its target only if the target is in that set.
A running sum ``s = s + t`` needs neither ``s`` nor ``t``, so it costs no
memory; a running product ``p = p * x[i]`` needs every intermediate ``p``; a
value needed only after a loop is not saved inside it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from histbp.autodiff._source import ir
from histbp.autodiff._source.rules import letters, partial

__all__ = ["Plan", "plan"]


@dataclass
class Plan:
    """What :func:`plan` decided.

    Attributes
    ----------
    tapes
        The variables that are saved somewhere, in order of first appearance.
    placeholders
        Saved variables that may be unset when first saved (a variable first
        assigned inside a loop); they get a dummy value before the sweep.
    """

    tapes: list[str] = field(default_factory=list)
    placeholders: list[str] = field(default_factory=list)


def _names(operand: ir.Operand) -> frozenset[str]:
    if isinstance(operand, ir.Var):
        return frozenset({operand.name})
    if isinstance(operand, ir.Elem | ir.Passive):
        return operand.names
    raise TypeError(operand)


def _reads(program: ir.Program, s: ir.Assign) -> tuple[set[str], bool]:
    """The variables undoing ``s`` reads (as before ``s``); does it read the result."""
    operands: set[str] = set()
    result = False
    for i, arg in enumerate(s.args):
        if not program.is_active(arg):
            continue
        if isinstance(arg, ir.Elem):
            operands |= arg.names
        template = partial(s.op, i, s.args)
        for letter in letters(template) if template else ():
            if letter == "r":
                result = True
            else:
                operands |= _names(s.args["ab".index(letter)])
    return operands, result


def _required(program: ir.Program, stmts: list[ir.Stmt], req: set[str]) -> set[str]:
    """Mark the assignments whose targets are required when overwritten.

    ``req`` holds the variables whose current values the reverse sweep reads;
    returns the set after ``stmts``.
    """
    for s in stmts:
        if isinstance(s, ir.Definition):
            reads, result = (
                _reads(program, s) if isinstance(s, ir.Assign) else (set(), False)
            )
            req = req | reads
            s.save = s.save or (s.overwrites and s.target in req)
            req = req - {s.target}
            if result:
                req = req | {s.target}
        elif isinstance(s, ir.Loop):
            req = req | s.names
            while not (out := _required(program, s.body, req)) <= req:
                req = req | out
        elif isinstance(s, ir.Branch):
            req = req | s.names
            req = _required(program, s.body, req) | _required(program, s.orelse, req)
    return req


def plan(program: ir.Program) -> Plan:
    """Mark the assignments that overwrite and that save; list the tapes.

    ``may`` holds the variables that may be set at a statement, ``must`` those
    that certainly are; a loop body starts with everything it assigns possibly
    set (by the previous iteration).
    """
    unset: set[int] = set()

    def defined(stmts: list[ir.Stmt], may: set[str], must: set[str]) -> None:
        for s in stmts:
            if isinstance(s, ir.Definition):
                s.overwrites = s.target in may
                s.save = False
                if s.target not in must:
                    unset.add(id(s))
                may.add(s.target)
                must.add(s.target)
            elif isinstance(s, ir.Loop):
                inner = ir.assigned(s.body) | {s.var}
                defined(s.body, may | inner, must | {s.var})
                may |= inner
            elif isinstance(s, ir.Branch):
                may1, must1 = set(may), set(must)
                defined(s.body, may1, must1)
                may2, must2 = set(may), set(must)
                defined(s.orelse, may2, must2)
                may |= may1 | may2
                must |= must1 & must2

    def collect(stmts: list[ir.Stmt]) -> None:
        for s in stmts:
            if isinstance(s, ir.Definition) and s.save:
                if s.target not in result.tapes:
                    result.tapes.append(s.target)
                if id(s) in unset and s.target not in result.placeholders:
                    result.placeholders.append(s.target)
            elif isinstance(s, ir.Loop):
                collect(s.body)
            elif isinstance(s, ir.Branch):
                collect(s.body)
                collect(s.orelse)

    params = set(program.params)
    defined(program.body, set(params), set(params))
    _required(program, program.body, set())
    result = Plan()
    collect(program.body)
    return result
