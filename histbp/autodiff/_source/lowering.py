"""Lowering: the syntax tree turned into one elementary operation per statement.

A differentiated expression such as ``s + x[i] * y`` becomes ``t1 = x[i] * y``
then ``s = s + t1``: each intermediate result gets a temporary, and the last
operation writes straight into the assigned variable. Augmented assignments
``s += e`` are read as ``s = s + e``. Expressions that do not depend on the
differentiated arguments stay whole (loop bounds, indices, ``if`` tests,
constant factors); their free names are checked and module-level numeric
constants are written in as literals.
"""

from __future__ import annotations

import ast
import builtins
import copy
import math
import numbers

import numpy as np

from histbp.autodiff._source import ir
from histbp.autodiff._source.activity import Facts, read_names, value_names
from histbp.autodiff._source.errors import fail
from histbp.autodiff._source.reading import MISSING, Function
from histbp.autodiff._source.rules import BINARY, FUNCTIONS

__all__ = ["lower"]

_MODULES = {"math": math, "np": np}
_CALLABLE = {
    id(getattr(module, fn)): (alias, fn)
    for alias, module in _MODULES.items()
    for fn in FUNCTIONS
}
_SUPPORTED_CALLS = (
    "only math.sin/cos/exp/log/sqrt/tanh, the same numpy functions, "
    "and len(x) of an array argument are supported"
)


def _dotted(module: str, name: str) -> ast.Attribute:
    return ast.Attribute(ast.Name(module, ast.Load()), name, ast.Load())


class _Lowerer:
    """Turns a checked function into a :class:`~histbp.autodiff._source.ir.Program`."""

    def __init__(self, function: Function, facts: Facts) -> None:
        self.scope = function.scope
        self.facts = facts
        self.active = set(facts.active)
        self.names = ir.Names(set(facts.names))
        self.temps: set[str] = set()
        self.loops: list[str] = []
        self.out: list[ir.Stmt] = []

    # -- names ----------------------------------------------------------------

    def _is_local(self, name: str) -> bool:
        f = self.facts
        return name in f.params or name in f.locals or name in f.loop_vars

    def _check_read(self, node: ast.Name) -> None:
        if node.id in self.facts.loop_vars and node.id not in self.loops:
            raise fail(node, f"the loop variable `{node.id}` is read outside its loop")
        if node.id in self.facts.arrays:
            raise fail(
                node,
                f"the array argument `{node.id}` can only be read element by "
                f"element, as `{node.id}[i]`, or measured with `len({node.id})`",
            )

    def _constant(self, node: ast.Name | ast.Attribute) -> ast.expr:
        """A free name or attribute that must be a number: written as a literal."""
        value = self.scope.resolve(node)
        text = ast.unparse(node)
        if value is MISSING:
            raise fail(node, f"name `{text}` is not defined")
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
            module = self.scope.resolve(node.value)
            for alias, known in _MODULES.items():
                if module is known and isinstance(value, float):
                    return _dotted(alias, node.attr)
        if isinstance(value, bool) or not isinstance(value, numbers.Real):
            raise fail(
                node,
                f"`{text}` is a {type(value).__name__}, not a number: a function "
                "may read only numeric constants from outside",
            )
        number = int(value) if isinstance(value, numbers.Integral) else float(value)
        if number < 0:
            return ast.UnaryOp(ast.USub(), ast.Constant(-number))
        return ast.Constant(number)

    def _callee(self, node: ast.Call) -> tuple[str, str]:
        """``("math", "sin")``, ``("np", "sin")`` or ``("", "len")`` for a call."""
        func = node.func
        text = ast.unparse(func)
        root = func
        while isinstance(root, ast.Attribute):
            root = root.value
        value = MISSING if self._is_local(root.id) else self.scope.resolve(func)
        if value is builtins.len:
            return "", "len"
        if value is builtins.range:
            raise fail(node, "range() may appear only as `for ... in range(...)`")
        if id(value) in _CALLABLE:
            module, name = _CALLABLE[id(value)]
            if len(node.args) != 1:
                raise fail(node, f"`{text}` takes exactly one argument here")
            return module, name
        raise fail(node, f"the call `{text}(...)` is not supported: {_SUPPORTED_CALLS}")

    # -- passive expressions ----------------------------------------------------

    def passive(self, node: ast.expr) -> ast.expr:
        """A copy of a passive expression, checked, with constants written in."""
        if isinstance(node, ast.Name):
            if self._is_local(node.id):
                self._check_read(node)
                return ast.Name(node.id, ast.Load())
            return self._constant(node)
        if isinstance(node, ast.Attribute):
            return self._constant(node)
        if isinstance(node, ast.Call):
            module, name = self._callee(node)
            if name == "len":
                arg = node.args[0] if len(node.args) == 1 else None
                if not (isinstance(arg, ast.Name) and arg.id in self.facts.arrays):
                    raise fail(node, "len() is supported only of an array argument")
                return ast.Call(ast.Name("len", ast.Load()), [ast.Name(arg.id)], [])
            args = [self.passive(a) for a in node.args]
            return ast.Call(_dotted(module, name), args, [])
        if isinstance(node, ast.Subscript):
            array = node.value.id
            if array not in self.facts.arrays:
                raise fail(
                    node,
                    f"`{array}` is not an array argument: only array "
                    "arguments can be indexed",
                )
            index = self.passive_index(node)
            return ast.Subscript(ast.Name(array, ast.Load()), index, ast.Load())
        new = copy.copy(node)
        for field, value in ast.iter_fields(node):
            if isinstance(value, ast.expr):
                setattr(new, field, self.passive(value))
            elif isinstance(value, list):
                setattr(
                    new,
                    field,
                    [self.passive(v) if isinstance(v, ast.expr) else v for v in value],
                )
        return new

    def require_passive(self, node: ast.expr, message: str) -> ast.expr:
        """:meth:`passive`, after checking that ``node`` reads no active value.

        ``message`` is formatted with the first active name found.
        """
        found = sorted(value_names(node) & (self.active | self.facts.arrays))
        if found:
            name = found[0]
            hint = ""
            if name in self.facts.params and name not in self.facts.arrays:
                hint = f"; for an integer argument, annotate it `{name}: int`"
            raise fail(node, message.format(name) + hint)
        return self.passive(node)

    def passive_index(self, node: ast.Subscript) -> ast.expr:
        """The index of ``x[i]``, which must not depend on a differentiated value."""
        text = ast.unparse(node.slice)
        return self.require_passive(
            node.slice,
            f"the index `{text}` depends on a differentiated value (`{{}}`)",
        )

    def passive_operand(self, node: ast.expr) -> ir.Operand:
        new = self.passive(node)
        if isinstance(new, ast.Name):
            return ir.Var(new.id)
        return ir.Passive(new, frozenset(read_names(new)))

    # -- differentiated expressions -----------------------------------------------

    def _depends(self, node: ast.expr) -> bool:
        return bool(value_names(node) & (self.active | self.facts.arrays))

    def operation(
        self, node: ast.expr
    ) -> tuple[str, tuple[ir.Operand, ...], str] | None:
        """Lower the operands of an active ``node``; ``(op, args, module)``.

        Returns ``None`` when ``node`` is a variable or an element, not an operation.
        """
        if isinstance(node, ast.BinOp):
            if type(node.op) not in BINARY:
                symbol = "//" if isinstance(node.op, ast.FloorDiv) else "%"
                raise fail(
                    node,
                    f"the operator `{symbol}` cannot be applied to a "
                    "differentiated value",
                )
            args = (self.operand(node.left), self.operand(node.right))
            return BINARY[type(node.op)], args, ""
        if isinstance(node, ast.UnaryOp):
            if isinstance(node.op, ast.USub):
                return "neg", (self.operand(node.operand),), ""
            if isinstance(node.op, ast.UAdd):
                return self.operation(node.operand)
            raise fail(node, "`not` cannot be applied to a differentiated value")
        if isinstance(node, ast.Call):
            module, name = self._callee(node)
            return name, (self.operand(node.args[0]),), module
        if isinstance(node, ast.Compare | ast.BoolOp):
            raise fail(node, "comparisons of differentiated values are not supported")
        return None

    def operand(self, node: ast.expr) -> ir.Operand:
        """Lower an expression to an operand, emitting its operations."""
        if not self._depends(node):
            return self.passive_operand(node)
        if isinstance(node, ast.Name):
            self._check_read(node)
            return ir.Var(node.id)
        if isinstance(node, ast.Subscript):
            if node.value.id not in self.facts.arrays:
                raise fail(
                    node,
                    f"`{node.value.id}` is not an array argument: only "
                    "array arguments can be indexed",
                )
            index = self.passive_index(node)
            return ir.Elem(node.value.id, index, frozenset(read_names(index)))
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.UAdd):
            return self.operand(node.operand)
        op, args, module = self.operation(node)
        target = self.names.numbered("t")
        self.temps.add(target)
        self.active.add(target)
        self.out.append(ir.Assign(target, op, args, node.lineno, module or "math"))
        return ir.Var(target)

    def assign(self, target: str, node: ast.expr, line: int) -> None:
        """Lower ``target = node`` for an active ``target``."""
        while isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.UAdd):
            node = node.operand
        described = self.operation(node) if self._depends(node) else None
        if described is None:
            self.out.append(ir.Assign(target, "copy", (self.operand(node),), line))
        else:
            op, args, module = described
            self.out.append(ir.Assign(target, op, args, line, module or "math"))

    # -- statements ---------------------------------------------------------------

    def block(self, stmts: list[ast.stmt]) -> list[ir.Stmt]:
        saved, self.out = self.out, []
        for s in stmts:
            self.statement(s)
        block, self.out = self.out, saved
        return block

    def statement(self, s: ast.stmt) -> None:
        if isinstance(s, ast.Assign | ast.AnnAssign | ast.AugAssign):
            target = (s.targets[0] if isinstance(s, ast.Assign) else s.target).id
            value = s.value
            if value is None:
                return
            if isinstance(s, ast.AugAssign):
                value = ast.BinOp(ast.Name(target, ast.Load()), s.op, s.value)
                ast.copy_location(value, s)
            if target in self.active:
                self.assign(target, value, s.lineno)
            else:
                self.out.append(ir.Compute(target, self.passive(value), s.lineno))
        elif isinstance(s, ast.For):
            self.loop(s)
        elif isinstance(s, ast.If):
            test = self.require_passive(
                s.test,
                "branch on a differentiated value (`{}`): an `if` may test only "
                "loop indices, integer arguments and constants",
            )
            body, orelse = self.block(s.body), self.block(s.orelse)
            names = frozenset(read_names(test))
            if names & (ir.assigned(body) | ir.assigned(orelse)):
                flag = self.names.numbered("b")
                self.out.append(ir.Compute(flag, test, s.lineno))
                test, names = ast.Name(flag, ast.Load()), frozenset({flag})
            self.out.append(ir.Branch(test, names, body, orelse, s.lineno))

    def loop(self, s: ast.For) -> None:
        var = s.target.id
        if var in self.loops:
            raise fail(
                s, f"the loop variable `{var}` is already used by an enclosing loop"
            )
        if self._is_local("range") or self.scope.lookup("range") is not builtins.range:
            raise fail(s, "`range` is redefined")
        bounds = [
            self.require_passive(
                a,
                f"the loop bound `{ast.unparse(a)}` depends on a differentiated "
                "value (`{}`)",
            )
            for a in s.iter.args
        ]
        self.loops.append(var)
        body = self.block(s.body)
        self.loops.pop()
        iterable: ast.expr = ast.Call(ast.Name("range", ast.Load()), bounds, [])
        names = frozenset(read_names(iterable))
        if names & ir.assigned(body):
            stored = self.names.numbered("r")
            self.out.append(ir.Compute(stored, iterable, s.lineno))
            iterable, names = ast.Name(stored, ast.Load()), frozenset({stored})
        self.out.append(ir.Loop(var, iterable, names, body, s.lineno))


def lower(
    function: Function, facts: Facts, body: list[ast.stmt], ret: ast.Return
) -> ir.Program:
    """Lower a checked and analysed function."""
    lowerer = _Lowerer(function, facts)
    out = lowerer.block(body)
    lowerer.out = out
    value = lowerer.names.derived("value")
    node = ret.value
    result: ir.Operand | None
    if isinstance(node, ast.Name) and node.id in lowerer.active:
        lowerer._check_read(node)
        result, seed = ir.Var(node.id), node.id
    elif lowerer._depends(node):
        lowerer.assign(value, node, ret.lineno)
        lowerer.temps.add(value)
        lowerer.active.add(value)
        result, seed = None, value
    else:
        result, seed = lowerer.passive_operand(node), None
    kinds = {
        p: "array"
        if p in facts.arrays
        else ("passive" if p in facts.passive_params else "scalar")
        for p in facts.params
    }
    return ir.Program(
        name=function.name,
        params=facts.params,
        kinds=kinds,
        body=out,
        result=result,
        seed=seed,
        active=lowerer.active,
        temps=lowerer.temps,
        value=value,
        names=lowerer.names,
    )
