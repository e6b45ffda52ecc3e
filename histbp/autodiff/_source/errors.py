"""The error raised for a function outside the compiler's subset of Python."""

from __future__ import annotations

import ast

__all__ = ["SourceTransformError", "fail"]


class SourceTransformError(ValueError):
    """A function cannot be compiled into a gradient program.

    Raised by :func:`~histbp.autodiff.compile_gradient` when the
    function's source is unavailable or uses a construct outside the supported
    subset. When the construct has a place in the source, the message starts
    with ``line N:``, the line number in the file that defines the function.

    Parameters
    ----------
    message
        What is not supported, and what is.
    lineno
        Line in the function's file, or ``None``.

    Attributes
    ----------
    lineno : int or None
        The line number, also given at the start of the message.
    """

    def __init__(self, message: str, lineno: int | None = None) -> None:
        self.lineno = lineno
        super().__init__(message if lineno is None else f"line {lineno}: {message}")


def fail(node: ast.AST, message: str) -> SourceTransformError:
    """Return the error for ``message`` at the line of ``node`` (to be raised)."""
    return SourceTransformError(message, getattr(node, "lineno", None))
