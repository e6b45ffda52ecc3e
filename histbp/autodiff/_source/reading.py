"""Reading a function's source: its syntax tree, and what its free names mean.

The compiler works on program text, as Speelpenning's did, so the function must
be a plain ``def`` whose source file is available. Line numbers in the tree are
those of the file, so that every error can point at the offending line.
"""

from __future__ import annotations

import ast
import builtins
import inspect
import textwrap
from dataclasses import dataclass
from typing import Any

from histbp.autodiff._source.errors import SourceTransformError, fail

__all__ = ["MISSING", "Scope", "read_function"]

MISSING = object()
"""What :meth:`Scope.lookup` returns for a name that is not defined."""


class Scope:
    """The values of a function's free names: closure cells, globals, builtins.

    Parameters
    ----------
    f
        A Python function.
    """

    def __init__(self, f: Any) -> None:
        self._closure: dict[str, Any] = {}
        for name, cell in zip(f.__code__.co_freevars, f.__closure__ or (), strict=True):
            try:
                self._closure[name] = cell.cell_contents
            except ValueError:  # a cell not yet filled
                continue
        self._globals = f.__globals__

    def lookup(self, name: str) -> Any:
        """Return the value ``name`` refers to, or :data:`MISSING`."""
        if name in self._closure:
            return self._closure[name]
        if name in self._globals:
            return self._globals[name]
        return getattr(builtins, name, MISSING)

    def resolve(self, node: ast.expr) -> Any:
        """Return the value of a dotted name such as ``np.sin``, or :data:`MISSING`."""
        if isinstance(node, ast.Name):
            return self.lookup(node.id)
        if isinstance(node, ast.Attribute):
            base = self.resolve(node.value)
            if base is MISSING:
                return MISSING
            return getattr(base, node.attr, MISSING)
        return MISSING


@dataclass(frozen=True)
class Function:
    """A function's definition, with file line numbers, and its scope."""

    tree: ast.FunctionDef
    name: str
    scope: Scope


def _describe(f: Any) -> str:
    return getattr(f, "__qualname__", None) or getattr(f, "__name__", None) or repr(f)


def read_function(f: Any) -> Function:
    """Return the syntax tree of ``f``'s definition and its scope.

    Raises
    ------
    TypeError
        If ``f`` is not callable.
    SourceTransformError
        If ``f`` is not a plain Python function defined with ``def`` in a file
        (a lambda, a built-in or C function, a bound method, a decorated
        wrapper, a function typed at the interactive prompt).
    """
    if not callable(f):
        raise TypeError(f"compile_gradient needs a function, got {type(f).__name__}")
    name = _describe(f)
    if inspect.ismethod(f):
        raise SourceTransformError(
            f"`{name}` is a bound method; pass a plain function defined with `def`"
        )
    if not inspect.isfunction(f):
        raise SourceTransformError(
            f"`{name}` ({type(f).__name__}) has no Python source to transform: "
            "pass a function defined with `def`"
        )
    code = f.__code__
    if f.__name__ == "<lambda>":
        raise SourceTransformError(
            "lambda functions are not supported: define the function with `def`",
            code.co_firstlineno,
        )
    if hasattr(f, "__wrapped__"):
        raise SourceTransformError(
            f"`{name}` is a wrapper made by a decorator; pass the undecorated function"
        )
    try:
        lines, start = inspect.getsourcelines(f)
    except (OSError, TypeError) as exc:
        raise SourceTransformError(
            f"the source of `{name}` is not available ({exc}); define it in a file"
        ) from exc
    try:
        module = ast.parse(textwrap.dedent("".join(lines)))
    except SyntaxError as exc:
        raise SourceTransformError(
            f"the source of `{name}` does not parse on its own ({exc.msg})",
            start + (exc.lineno or 1) - 1,
        ) from exc
    ast.increment_lineno(module, start - 1)
    tree = module.body[0] if len(module.body) == 1 else None
    if isinstance(tree, ast.AsyncFunctionDef):
        raise fail(tree, "async functions are not supported")
    if not isinstance(tree, ast.FunctionDef) or tree.name != code.co_name:
        raise SourceTransformError(
            f"could not isolate the definition of `{name}` in its source", start
        )
    for decorator in tree.decorator_list:
        target = decorator.func if isinstance(decorator, ast.Call) else decorator
        if not (
            (isinstance(target, ast.Name) and target.id == "compile_gradient")
            or (isinstance(target, ast.Attribute) and target.attr == "compile_gradient")
        ):
            raise fail(decorator, "decorators are not supported")
    return Function(tree=tree, name=f.__name__, scope=Scope(f))
