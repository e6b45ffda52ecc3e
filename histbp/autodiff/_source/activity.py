"""Which names are arrays, integers, or differentiated: activity analysis.

Parameters indexed as ``x[i]`` (or measured with ``len``) are arrays. A scalar
parameter annotated ``int``, or used (directly or through other variables) as a
loop bound or an index, is a *passive* integer argument and is not
differentiated; every other parameter is. A variable is *active* when its value
depends on a differentiated parameter; the analysis is flow-insensitive (a
variable is active everywhere if it is active anywhere).
"""

from __future__ import annotations

import ast
from dataclasses import dataclass

from histbp.autodiff._source.errors import fail
from histbp.autodiff._source.subset import RESERVED

__all__ = ["Facts", "analyze", "read_names", "value_names"]


def value_names(node: ast.expr) -> set[str]:
    """Names whose values flow into the value of ``node``.

    Indices and the arguments of ``len`` contribute no value, only a position
    or a length; an indexed array ``x[i]`` contributes ``x``.
    """
    if isinstance(node, ast.Name):
        return {node.id}
    if isinstance(node, ast.Subscript):
        return value_names(node.value)
    if isinstance(node, ast.Attribute):
        return set()
    if isinstance(node, ast.Call):
        if isinstance(node.func, ast.Name) and node.func.id == "len":
            return set()
        return set().union(*(value_names(a) for a in node.args))
    return set().union(
        *(value_names(c) for c in ast.iter_child_nodes(node) if isinstance(c, ast.expr))
    )


def read_names(node: ast.expr) -> set[str]:
    """All variable names that evaluating ``node`` reads (not function names)."""
    if isinstance(node, ast.Name):
        return {node.id}
    if isinstance(node, ast.Attribute):
        return set()
    if isinstance(node, ast.Call):
        return set().union(*(read_names(a) for a in node.args))
    return set().union(
        *(read_names(c) for c in ast.iter_child_nodes(node) if isinstance(c, ast.expr))
    )


def _index_names(node: ast.expr) -> set[str]:
    found = set()
    for sub in ast.walk(node):
        if isinstance(sub, ast.Subscript):
            found |= read_names(sub.slice)
    return found


@dataclass(frozen=True)
class Facts:
    """What :func:`analyze` found out about the function's names.

    Attributes
    ----------
    params
        The parameters, in order.
    arrays
        The parameters used as arrays.
    passive_params
        The scalar parameters that are not differentiated.
    locals
        The names assigned in the body (not loop variables).
    loop_vars
        The loop variables.
    active
        The parameters and variables that depend on a differentiated parameter.
    names
        Every name that appears in the function.
    """

    params: tuple[str, ...]
    arrays: frozenset[str]
    passive_params: frozenset[str]
    locals: frozenset[str]
    loop_vars: frozenset[str]
    active: frozenset[str]
    names: frozenset[str]


def _assignments(stmts: list[ast.stmt], out: list, loops: list[ast.For]) -> None:
    for s in stmts:
        if isinstance(s, ast.Assign | ast.AnnAssign | ast.AugAssign):
            target = s.targets[0] if isinstance(s, ast.Assign) else s.target
            if s.value is None:
                continue
            value = s.value
            if isinstance(s, ast.AugAssign):
                value = ast.BinOp(ast.Name(target.id, ast.Load()), s.op, s.value)
            out.append((target.id, value, s))
        elif isinstance(s, ast.For):
            loops.append(s)
            _assignments(s.body, out, loops)
        elif isinstance(s, ast.If):
            _assignments(s.body, out, loops)
            _assignments(s.orelse, out, loops)


def analyze(tree: ast.FunctionDef, body: list[ast.stmt], ret: ast.Return) -> Facts:
    """Sort the names of a checked function (see the module docstring)."""
    params = tuple(a.arg for a in (*tree.args.posonlyargs, *tree.args.args))
    if len(set(params)) != len(params):
        raise fail(tree, "repeated parameter names")
    assigns: list[tuple[str, ast.expr, ast.stmt]] = []
    loops: list[ast.For] = []
    _assignments(body, assigns, loops)
    exprs = [value for _, value, _ in assigns] + [ret.value]
    exprs += [a for loop in loops for a in loop.iter.args]
    exprs += [s.test for s in ast.walk(ast.Module(body, [])) if isinstance(s, ast.If)]
    arrays = set()
    for node in (n for e in exprs for n in ast.walk(e)):
        if isinstance(node, ast.Subscript) and node.value.id in params:
            arrays.add(node.value.id)
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id == "len"
            and len(node.args) == 1
            and isinstance(node.args[0], ast.Name)
            and node.args[0].id in params
        ):
            arrays.add(node.args[0].id)
    # Names needed as integers (loop bounds, indices), and what they come from.
    demand = set().union(*(_index_names(e) for e in exprs))
    demand |= set().union(*(read_names(a) for loop in loops for a in loop.iter.args))
    changed = True
    while changed:
        changed = False
        for target, value, _ in assigns:
            if target in demand and not value_names(value) <= demand:
                demand |= value_names(value)
                changed = True
    annotations = {
        a.arg: ast.unparse(a.annotation)
        for a in (*tree.args.posonlyargs, *tree.args.args)
        if a.annotation is not None
    }
    passive = {
        p
        for p in params
        if p not in arrays
        and (
            annotations.get(p) == "int"
            or (p in demand and annotations.get(p) != "float")
        )
    }
    active = set(params) - passive
    changed = True
    while changed:
        changed = False
        for target, value, _ in assigns:
            if target not in active and value_names(value) & active:
                active.add(target)
                changed = True
    loop_vars = {loop.target.id for loop in loops}
    local_names = {target for target, _, _ in assigns}
    definitions = [(p, tree) for p in params]
    definitions += [(t, stmt) for t, _, stmt in assigns]
    definitions += [(loop.target.id, loop) for loop in loops]
    for name, where in definitions:
        if name in RESERVED:
            raise fail(
                where,
                f"the name `{name}` is reserved for the emitted code; rename it",
            )
    for target, _, stmt in assigns:
        if target in arrays:
            raise fail(
                stmt,
                f"cannot assign to the array argument `{target}`: "
                "array arguments are read-only",
            )
        if target in loop_vars:
            raise fail(stmt, f"the loop variable `{target}` cannot be assigned")
    for loop in loops:
        if loop.target.id in params:
            raise fail(
                loop, f"the loop variable `{loop.target.id}` shadows a parameter"
            )
    names = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)}
    return Facts(
        params=params,
        arrays=frozenset(arrays),
        passive_params=frozenset(passive),
        locals=frozenset(local_names),
        loop_vars=frozenset(loop_vars),
        active=frozenset(active),
        names=frozenset(names | set(params)),
    )
