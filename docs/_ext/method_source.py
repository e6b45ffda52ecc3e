"""The source of a ``histbp`` callable as an entry page shows it.

:func:`method_source` imports the object a dotted name points to (a function, a
class, or a method of a class) and returns its code without the docstring: the page
around it explains the method, and the API page keeps the docstring. This module
imports nothing from Sphinx, so the site's directive and the notebook downloads
share it, and it is tested on its own.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import textwrap
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class MethodSource:
    """The code of one object, where it lives, and which lines of the file it spans."""

    name: str
    code: str
    filename: str
    first_line: int
    last_line: int
    module: str
    qualname: str


def resolve(name: str) -> Any:
    """Import the object ``name`` names (``pkg.mod.func`` or ``pkg.mod.Class.meth``)."""
    parts = name.split(".")
    for split in range(len(parts) - 1, 0, -1):
        try:
            obj = importlib.import_module(".".join(parts[:split]))
        except ImportError:
            continue
        for attr in parts[split:]:
            if not hasattr(obj, attr):
                raise LookupError(
                    f"{name!r}: {'.'.join(parts[:split])!r} has no attribute {attr!r}"
                )
            obj = getattr(obj, attr)
        return obj
    raise LookupError(f"{name!r}: no module of that name can be imported")


def _without_docstring(code: str) -> str:
    tree = ast.parse(code)
    node = tree.body[0]
    body = getattr(node, "body", [])
    if not (
        body
        and isinstance(body[0], ast.Expr)
        and isinstance(body[0].value, ast.Constant)
        and isinstance(body[0].value.value, str)
    ):
        return code
    lines = code.split("\n")
    start, end = body[0].lineno - 1, body[0].end_lineno
    if len(body) == 1:  # only a docstring: keep the definition line valid
        return "\n".join([*lines[:start], lines[start].split('"""')[0] + "..."])
    kept = lines[:start] + lines[end:]
    return "\n".join(kept)


def method_source(name: str) -> MethodSource:
    """Return the code of the object ``name`` names, its docstring left out."""
    obj = resolve(name)
    target = inspect.unwrap(obj)
    if isinstance(target, property):
        target = target.fget
    try:
        lines, first = inspect.getsourcelines(target)
        filename = inspect.getsourcefile(target) or "?"
    except (OSError, TypeError) as err:
        raise LookupError(f"{name!r}: its source cannot be read ({err})") from None
    code = textwrap.dedent("".join(lines)).rstrip("\n")
    return MethodSource(
        name=name,
        code=_without_docstring(code),
        filename=filename,
        first_line=first,
        last_line=first + len(lines) - 1,
        module=getattr(target, "__module__", "") or "",
        qualname=getattr(target, "__qualname__", name.rsplit(".", 1)[-1]),
    )
