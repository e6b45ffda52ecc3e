"""Writing the gradient program: a forward sweep, then a reverse sweep.

The forward sweep is the lowered function, one elementary operation per line,
with a value pushed on its tape just before an assignment overwrites it (when
the plan says so). The reverse sweep walks the statements backwards; loops run
over ``reversed(range(...))``. For each assignment ``v = op(a, b)`` it adds the
adjoint of the result times each local partial derivative into the adjoints of
the operands, resets ``v_bar`` (the earlier value of ``v`` is a different
quantity), and pops the earlier value of ``v`` back. When ``v`` is also an
operand (``p = p * x[i]``), ``v``'s earlier value is restored first and its
adjoint is updated last, in one assignment: ``p_bar = p_bar * x[i]``.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass

from histbp.autodiff._source import ir
from histbp.autodiff._source.counting import counter_updates
from histbp.autodiff._source.planning import Plan
from histbp.autodiff._source.rules import (
    RULES,
    instantiate,
    letters,
    partial,
    split_sign,
)

__all__ = ["Emitted", "emit"]

_INDENT = "    "


@dataclass(frozen=True)
class Line:
    """One emitted line; ``part`` is forward, reverse, push, pop or empty."""

    depth: int
    text: str
    part: str = ""


@dataclass(frozen=True)
class Emitted:
    """The gradient program as text.

    Attributes
    ----------
    name
        The emitted function's name.
    source
        Its source: a comment header and the function.
    instrumented
        The same function with an extra last parameter, a list of counters
        that each counted line increments (see ``counting``).
    """

    name: str
    source: str
    instrumented: str


class _Emitter:
    def __init__(self, program: ir.Program, plan: Plan) -> None:
        self.p = program
        self.names = program.names
        self.adjoints: dict[str, str] = {}
        for param in program.params:
            if program.kinds[param] != "passive":
                self.adjoint(param)
        self.tapes = {v: self.names.derived(f"{v}_tape") for v in plan.tapes}
        self.plan = plan

    def adjoint(self, name: str) -> str:
        if name not in self.adjoints:
            self.adjoints[name] = self.names.derived(f"{name}_bar")
        return self.adjoints[name]

    @staticmethod
    def node(operand: ir.Operand) -> ast.expr:
        if isinstance(operand, ir.Var):
            return ast.Name(operand.name, ast.Load())
        if isinstance(operand, ir.Elem):
            return ast.Subscript(ast.Name(operand.array, ast.Load()), operand.index)
        return operand.node

    def env(self, s: ir.Assign) -> dict[str, ast.expr]:
        env = {"M": ast.Name(s.module, ast.Load())}
        env.update(zip("ab", map(self.node, s.args), strict=False))
        return env

    # -- forward sweep ------------------------------------------------------------

    def forward(self, stmts: list[ir.Stmt], depth: int) -> list[Line]:
        lines: list[Line] = []
        for s in stmts:
            if isinstance(s, ir.Definition) and s.save:
                lines.append(
                    Line(depth, f"{self.tapes[s.target]}.append({s.target})", "push")
                )
            if isinstance(s, ir.Assign):
                value = instantiate(RULES[s.op].value, self.env(s))
                lines.append(
                    Line(depth, f"{s.target} = {ast.unparse(value)}", "forward")
                )
            elif isinstance(s, ir.Compute):
                lines.append(Line(depth, f"{s.target} = {ast.unparse(s.value)}"))
            elif isinstance(s, ir.Loop):
                lines.append(Line(depth, f"for {s.var} in {ast.unparse(s.iterable)}:"))
                lines += self.forward(s.body, depth + 1) or [Line(depth + 1, "pass")]
            elif isinstance(s, ir.Branch):
                lines.append(Line(depth, f"if {ast.unparse(s.test)}:"))
                lines += self.forward(s.body, depth + 1) or [Line(depth + 1, "pass")]
                if s.orelse:
                    lines.append(Line(depth, "else:"))
                    lines += self.forward(s.orelse, depth + 1)
        return lines

    # -- reverse sweep ------------------------------------------------------------

    def reverse(self, stmts: list[ir.Stmt], depth: int) -> list[Line]:
        lines: list[Line] = []
        for s in reversed(stmts):
            if isinstance(s, ir.Assign):
                lines += self.reverse_assign(s, depth)
            elif isinstance(s, ir.Compute):
                if s.save:
                    lines.append(self.pop(s.target, depth))
            elif isinstance(s, ir.Loop):
                body = self.reverse(s.body, depth + 1)
                if body:
                    iterable = ast.unparse(s.iterable)
                    lines.append(Line(depth, f"for {s.var} in reversed({iterable}):"))
                    lines += body
            elif isinstance(s, ir.Branch):
                body = self.reverse(s.body, depth + 1)
                orelse = self.reverse(s.orelse, depth + 1)
                if body or orelse:
                    lines.append(Line(depth, f"if {ast.unparse(s.test)}:"))
                    lines += body or [Line(depth + 1, "pass")]
                    if orelse:
                        lines.append(Line(depth, "else:"))
                        lines += orelse
        return lines

    def pop(self, target: str, depth: int) -> Line:
        return Line(depth, f"{target} = {self.tapes[target]}.pop()", "pop")

    def reverse_assign(self, s: ir.Assign, depth: int) -> list[Line]:
        templates = {
            i: t
            for i, arg in enumerate(s.args)
            if self.p.is_active(arg) and (t := partial(s.op, i, s.args)) is not None
        }
        own = [i for i in templates if s.args[i] == ir.Var(s.target)]
        others = [i for i in templates if i not in own]
        g = ast.Name(self.adjoint(s.target), ast.Load())
        r = ast.Name(s.target, ast.Load())
        # A temporary's adjoint is assigned, not accumulated: set it even when
        # its partial derivative vanishes identically (as in t1 ** 0).
        lines = [
            Line(depth, f"{self.adjoint(arg.name)} = 0.0")
            for i, arg in enumerate(s.args)
            if isinstance(arg, ir.Var)
            and arg.name in self.p.temps
            and i not in templates
        ]
        if own:
            # The old value of the target is an operand: restore it first
            # (keeping the result if a derivative needs it), update v_bar last.
            if s.save:
                if any("r" in letters(templates[i]) for i in templates):
                    holder = self.names.derived(f"{s.target}_new")
                    lines.append(Line(depth, f"{holder} = {s.target}"))
                    r = ast.Name(holder, ast.Load())
                lines.append(self.pop(s.target, depth))
            lines += [
                self.contribution(s, i, templates[i], g, r, depth) for i in others
            ]
            update = None
            for i in own:
                env = {**self.env(s), "g": g, "r": r}
                sign, term = split_sign(instantiate(templates[i], env))
                if update is None:
                    update = term if sign > 0 else ast.UnaryOp(ast.USub(), term)
                else:
                    update = ast.BinOp(
                        update, ast.Add() if sign > 0 else ast.Sub(), term
                    )
            if not (isinstance(update, ast.Name) and update.id == g.id):
                lines.append(Line(depth, f"{g.id} = {ast.unparse(update)}", "reverse"))
        else:
            lines += [
                self.contribution(s, i, templates[i], g, r, depth) for i in others
            ]
            if s.overwrites and s.target not in self.p.temps:
                lines.append(Line(depth, f"{g.id} = 0.0"))
            if s.save:
                lines.append(self.pop(s.target, depth))
        return lines

    def contribution(
        self, s: ir.Assign, i: int, template: str, g: ast.expr, r: ast.expr, depth: int
    ) -> Line:
        sign, term = split_sign(instantiate(template, {**self.env(s), "g": g, "r": r}))
        arg = s.args[i]
        if isinstance(arg, ir.Var) and arg.name in self.p.temps:
            value = term if sign > 0 else ast.UnaryOp(ast.USub(), term)
            return Line(
                depth, f"{self.adjoint(arg.name)} = {ast.unparse(value)}", "reverse"
            )
        if isinstance(arg, ir.Elem):
            target = f"{self.adjoint(arg.array)}[{ast.unparse(arg.index)}]"
        else:
            target = self.adjoint(arg.name)
        op = "+=" if sign > 0 else "-="
        return Line(depth, f"{target} {op} {ast.unparse(term)}", "reverse")

    # -- the function -------------------------------------------------------------

    def locals_in_order(self, stmts: list[ir.Stmt], found: list[str]) -> list[str]:
        for s in stmts:
            if isinstance(s, ir.Assign) and s.target not in self.p.temps:
                if s.target not in found and s.target not in self.p.params:
                    found.append(s.target)
            elif isinstance(s, ir.Loop):
                self.locals_in_order(s.body, found)
            elif isinstance(s, ir.Branch):
                self.locals_in_order(s.body, found)
                self.locals_in_order(s.orelse, found)
        return found

    def body(self) -> list[Line]:
        p = self.p
        lines = [
            Line(
                1,
                "# forward sweep"
                + (
                    ": values about to be overwritten are saved on tapes"
                    if self.tapes
                    else ""
                ),
            )
        ]
        lines += [Line(1, f"{tape} = []") for tape in self.tapes.values()]
        if self.plan.placeholders:
            names = " = ".join(self.plan.placeholders)
            comment = "# placeholders, saved before first use"
            lines.append(Line(1, f"{names} = 0  {comment}"))
        lines += self.forward(p.body, 1)
        if p.result is not None:
            lines.append(Line(1, f"{p.value} = {ast.unparse(self.node(p.result))}"))
        lines.append(
            Line(
                1,
                "# reverse sweep: v_bar is the derivative of the value "
                "with respect to v",
            )
        )
        if p.seed is not None:
            lines.append(Line(1, f"{self.adjoint(p.seed)} = 1.0"))
        scalars = [q for q in p.params if p.kinds[q] == "scalar"]
        scalars += self.locals_in_order(p.body, [])
        zeros = [self.adjoint(v) for v in scalars if v != p.seed]
        for k in range(0, len(zeros), 4):
            lines.append(Line(1, " = ".join(zeros[k : k + 4]) + " = 0.0"))
        for q in p.params:
            if p.kinds[q] == "array":
                lines.append(Line(1, f"{self.adjoint(q)} = [0.0] * len({q})"))
        lines += self.reverse(p.body, 1)
        grads = [
            "None" if p.kinds[q] == "passive" else self.adjoint(q) for q in p.params
        ]
        grad_tuple = f"({grads[0]},)" if len(grads) == 1 else f"({', '.join(grads)})"
        lines.append(Line(1, f"return {p.value}, {grad_tuple}"))
        return lines


def _render(lines: list[Line]) -> str:
    return "".join(f"{_INDENT * line.depth}{line.text}\n" for line in lines)


def emit(program: ir.Program, plan: Plan) -> Emitted:
    """Write the gradient program of a lowered and planned function."""
    emitter = _Emitter(program, plan)
    body = emitter.body()
    name = program.names.derived(f"{program.name}_gradient")
    params = ", ".join(program.params)
    signature = f"{program.name}({params})"
    header = (
        f"# Value and gradient of {signature}, compiled from its source by\n"
        "# reverse accumulation (Speelpenning 1980).\n"
    )
    source = header + f"def {name}({params}):\n" + _render(body)
    counter = program.names.derived("counts")
    counted: list[Line] = []
    for line in body:
        counted.append(line)
        if line.part:
            updates = counter_updates(line.part, line.text, counter)
            counted += [Line(line.depth, u) for u in updates]
    every = ", ".join((*program.params, counter))
    instrumented = f"def {name}({every}):\n" + _render(counted)
    return Emitted(name=name, source=source, instrumented=instrumented)
