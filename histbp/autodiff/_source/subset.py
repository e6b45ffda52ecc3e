"""The supported subset of Python, checked statement by statement.

:func:`check_structure` rejects, in source order, every statement and
expression outside the subset, naming the construct and its line, before any
other analysis, so that the first error reported is the first in the source.
Whether a construct is used on differentiated values (a branch, an index, a
loop bound) is checked later, by the lowering.
"""

from __future__ import annotations

import ast

from histbp.autodiff._source.errors import fail

__all__ = ["RESERVED", "check_structure"]

_STATEMENTS = {
    ast.While: "while loops are not supported (only `for ... in range(...)`)",
    ast.FunctionDef: "nested function definitions are not supported",
    ast.AsyncFunctionDef: "nested function definitions are not supported",
    ast.ClassDef: "class definitions are not supported",
    ast.Break: "`break` is not supported",
    ast.Continue: "`continue` is not supported",
    ast.With: "`with` statements are not supported",
    ast.Try: "`try` statements are not supported",
    ast.Raise: "`raise` statements are not supported",
    ast.Import: "`import` statements are not supported",
    ast.ImportFrom: "`import` statements are not supported",
    ast.Global: "`global` statements are not supported",
    ast.Nonlocal: "`nonlocal` statements are not supported",
    ast.Delete: "`del` statements are not supported",
    ast.Assert: "`assert` statements are not supported",
    ast.Match: "`match` statements are not supported",
}

_EXPRESSIONS = {
    ast.Lambda: "lambda expressions are not supported",
    ast.IfExp: (
        "conditional expressions (`a if c else b`) are not supported; "
        "use an `if` statement on a loop index or integer argument"
    ),
    ast.ListComp: "comprehensions are not supported",
    ast.SetComp: "comprehensions are not supported",
    ast.DictComp: "comprehensions are not supported",
    ast.GeneratorExp: "generator expressions are not supported",
    ast.List: "lists are not supported",
    ast.Tuple: "tuples are not supported",
    ast.Dict: "dicts are not supported",
    ast.Set: "sets are not supported",
    ast.NamedExpr: "assignment expressions (`:=`) are not supported",
    ast.Await: "`await` is not supported",
    ast.Yield: "generators (`yield`) are not supported",
    ast.YieldFrom: "generators (`yield`) are not supported",
    ast.JoinedStr: "strings are not supported",
    ast.Starred: "starred arguments are not supported",
}

RESERVED = frozenset({"math", "np", "len", "range", "reversed"})
"""Names the emitted code relies on, which the function must not assign."""

_OPERATORS = (ast.Add, ast.Sub, ast.Mult, ast.Div, ast.Pow, ast.FloorDiv, ast.Mod)

_ARRAY_WRITE = (
    "assignment into an array element (`{}[...] = ...`) is not supported: "
    "array arguments are read-only"
)


def check_structure(tree: ast.FunctionDef) -> tuple[list[ast.stmt], ast.Return]:
    """Check the definition against the subset; return its body and ``return``.

    The body is returned without its docstring and without the final ``return``.

    Raises
    ------
    SourceTransformError
        At the first unsupported construct, in source order.
    """
    args = tree.args
    if args.vararg or args.kwarg or args.kwonlyargs:
        raise fail(tree, "only positional parameters are supported (no *args, **kw)")
    if args.defaults:
        raise fail(tree, "default values of parameters are not supported")
    body = list(tree.body)
    if (
        body
        and isinstance(body[0], ast.Expr)
        and isinstance(body[0].value, ast.Constant)
        and isinstance(body[0].value.value, str)
    ):
        body = body[1:]
    _check_block(body[:-1])
    last = body[-1] if body else tree
    if not isinstance(last, ast.Return) or last.value is None:
        if not isinstance(last, ast.Return):
            _check_block([last])
        raise fail(last, "the function must end with `return <expression>`")
    _check_expr(last.value)
    return body[:-1], last


def _check_block(stmts: list[ast.stmt]) -> None:
    for s in stmts:
        _check_statement(s)


def _check_target(target: ast.expr) -> None:
    if isinstance(target, ast.Subscript):
        base = ast.unparse(target.value)
        raise fail(target, _ARRAY_WRITE.format(base))
    if isinstance(target, ast.Tuple | ast.List):
        raise fail(target, "tuple assignment is not supported: assign one variable")
    if not isinstance(target, ast.Name):
        raise fail(target, f"assignment to `{ast.unparse(target)}` is not supported")


def _check_statement(s: ast.stmt) -> None:
    if type(s) in _STATEMENTS:
        raise fail(s, _STATEMENTS[type(s)])
    if isinstance(s, ast.Assign):
        if len(s.targets) != 1:
            raise fail(s, "chained assignment (`a = b = ...`) is not supported")
        _check_target(s.targets[0])
        _check_expr(s.value)
    elif isinstance(s, ast.AugAssign):
        _check_target(s.target)
        if not isinstance(s.op, _OPERATORS):
            raise fail(s, f"the operator `{_symbol(s.op)}=` is not supported")
        _check_expr(s.value)
    elif isinstance(s, ast.AnnAssign):
        _check_target(s.target)
        if s.value is not None:
            _check_expr(s.value)
    elif isinstance(s, ast.For):
        _check_for(s)
    elif isinstance(s, ast.If):
        _check_expr(s.test)
        _check_block(s.body)
        _check_block(s.orelse)
    elif isinstance(s, ast.Return):
        raise fail(
            s,
            "only a single `return`, as the last statement of the function, "
            "is supported",
        )
    elif isinstance(s, ast.Expr):
        _check_expr(s.value)
        raise fail(
            s, "expression statements (e.g. calls for their effect) are not supported"
        )
    elif not isinstance(s, ast.Pass):
        raise fail(s, f"`{type(s).__name__}` statements are not supported")


def _check_for(s: ast.For) -> None:
    it = s.iter
    if not (
        isinstance(it, ast.Call)
        and isinstance(it.func, ast.Name)
        and it.func.id == "range"
    ):
        raise fail(s, "only `for ... in range(...)` loops are supported")
    if it.keywords or not 1 <= len(it.args) <= 3:
        raise fail(s, "range() takes one to three positional arguments here")
    if not isinstance(s.target, ast.Name):
        raise fail(s, "the loop variable must be a single name")
    if s.orelse:
        raise fail(s, "`for ... else` is not supported")
    for a in it.args:
        _check_expr(a)
    _check_block(s.body)


def _symbol(op: ast.operator | ast.unaryop) -> str:
    return {
        ast.MatMult: "@",
        ast.BitAnd: "&",
        ast.BitOr: "|",
        ast.BitXor: "^",
        ast.LShift: "<<",
        ast.RShift: ">>",
        ast.Invert: "~",
    }.get(type(op), type(op).__name__)


def _check_expr(node: ast.expr) -> None:
    if type(node) in _EXPRESSIONS:
        raise fail(node, _EXPRESSIONS[type(node)])
    if isinstance(node, ast.Constant):
        if isinstance(node.value, str | bytes | complex) or node.value in (None, ...):
            raise fail(node, f"the constant {node.value!r} is not a real number")
    elif isinstance(node, ast.BinOp) and not isinstance(node.op, _OPERATORS):
        raise fail(node, f"the operator `{_symbol(node.op)}` is not supported")
    elif isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Invert):
        raise fail(node, "the operator `~` is not supported")
    elif isinstance(node, ast.Call):
        if node.keywords:
            raise fail(node, "keyword arguments in calls are not supported")
        if not _is_dotted(node.func):
            raise fail(node, f"the call `{ast.unparse(node)}` is not supported")
        for a in node.args:
            _check_expr(a)
        return
    elif isinstance(node, ast.Attribute):
        if not _is_dotted(node):
            raise fail(node, f"`{ast.unparse(node)}` is not supported")
        return
    elif isinstance(node, ast.Subscript):
        if isinstance(node.slice, ast.Slice):
            raise fail(node, "slices are not supported: index one element, `x[i]`")
        if isinstance(node.slice, ast.Tuple):
            raise fail(node, "only 1-D arrays, indexed as `x[i]`, are supported")
        if not isinstance(node.value, ast.Name):
            raise fail(node, "only array arguments can be indexed, as `x[i]`")
    elif not isinstance(
        node, ast.Name | ast.BinOp | ast.UnaryOp | ast.Compare | ast.BoolOp
    ):
        raise fail(node, f"`{type(node).__name__}` expressions are not supported")
    for child in ast.iter_child_nodes(node):
        if isinstance(child, ast.expr):
            _check_expr(child)


def _is_dotted(node: ast.expr) -> bool:
    while isinstance(node, ast.Attribute):
        node = node.value
    return isinstance(node, ast.Name)
