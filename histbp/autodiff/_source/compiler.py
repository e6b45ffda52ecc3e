"""Speelpenning's compiler: a gradient program written from a function's source.

Speelpenning (1980) took a function given as an algorithm, as program text, and
compiled it into a second program that computes the function together with all
its partial derivatives by the reverse mode. :func:`compile_gradient` does the
same for a small subset of Python. It reads the function's source with
:mod:`inspect`, breaks every expression into elementary operations (one
assignment each, with temporaries ``t1``, ``t2``, ...), and writes a new
function in two parts:

* the *forward sweep*: the original operations in order, which, before an
  assignment overwrites a value that the reverse sweep will need, saves that
  value on a tape (inside a loop, every iteration overwrites the loop-carried
  variables: this is the storage problem Speelpenning had to solve);
* the *reverse sweep*: the statements in reverse order, loops running
  backwards, each adding the adjoint of its result times the local partial
  derivatives into the adjoints ``v_bar`` of its operands, and popping the
  overwritten values back.

The new function is ordinary, readable Python (see
:attr:`CompiledGradient.source`); it is compiled once with :func:`compile`
into a fresh namespace holding only :mod:`math` and numpy, and then called like
any function. For Speelpenning's example, the product of ``n`` numbers, the
reverse sweep costs ``2n`` multiplications and ``n`` additions against the
``n`` multiplications of the product, and no division.

The supported subset:

* a ``def`` with positional parameters: floats, 1-D arrays read as ``x[i]``
  (or measured with ``len(x)``), and integers used as loop bounds or indices
  (or annotated ``int``), which are not differentiated;
* assignments and augmented assignments (``s += x[i] * y``) to plain names,
  with ``+ - * / **``, unary minus, numeric constants, and the functions
  ``sin``, ``cos``, ``exp``, ``log``, ``sqrt``, ``tanh`` of :mod:`math` or numpy;
* ``for i in range(...)`` loops, whose bounds do not depend on differentiated
  values; ``if`` statements whose tests do not either;
* a single ``return`` of a scalar expression, as the last statement.

Anything else raises :class:`SourceTransformError`, with the line number in the
function's file.
"""

from __future__ import annotations

import linecache
import math
from collections.abc import Callable
from typing import Any

import numpy as np

from histbp.autodiff._source.activity import analyze
from histbp.autodiff._source.counting import SLOTS, OperationCounts
from histbp.autodiff._source.emitting import emit
from histbp.autodiff._source.errors import SourceTransformError
from histbp.autodiff._source.lowering import lower
from histbp.autodiff._source.planning import plan
from histbp.autodiff._source.reading import read_function
from histbp.autodiff._source.subset import check_structure

__all__ = [
    "CompiledGradient",
    "OperationCounts",
    "SourceTransformError",
    "compile_gradient",
]

_BUILTINS = {"len": len, "range": range, "reversed": reversed}


def _compile(text: str, name: str, filename: str) -> Callable[..., Any]:
    """Compile one function definition into a fresh namespace and return it."""
    namespace: dict[str, Any] = {"__builtins__": _BUILTINS, "math": math, "np": np}
    linecache.cache[filename] = (len(text), None, text.splitlines(True), filename)
    exec(compile(text, filename, "exec"), namespace)
    return namespace[name]


class CompiledGradient:
    """A function's value-and-gradient program, compiled from its source.

    Made by :func:`compile_gradient`; call it with the arguments of the
    original function.

    Attributes
    ----------
    name : str
        The original function's name.
    parameters : tuple of str
        Its parameters.
    wrt : tuple of str
        The parameters differentiated: every float and array parameter. Integer
        parameters (loop bounds, indices, or annotated ``int``) are not.
    source : str
        The emitted Python source of the gradient program.
    function : callable
        The compiled gradient program itself. It takes arrays as Python lists
        (or arrays) and returns ``(value, gradients)`` with lists for arrays.
    """

    def __init__(
        self,
        name: str,
        kinds: dict[str, str],
        source: str,
        function: Callable[..., Any],
        counting: Callable[..., Any],
    ) -> None:
        self.name = name
        self.parameters = tuple(kinds)
        self.wrt = tuple(p for p, kind in kinds.items() if kind != "passive")
        self.source = source
        self.function = function
        self._kinds = tuple(kinds.values())
        self._counting = counting

    def _arguments(self, args: tuple[Any, ...]) -> list[Any]:
        if len(args) != len(self._kinds):
            raise TypeError(
                f"{self.name} takes {len(self._kinds)} positional argument(s) "
                f"({', '.join(self.parameters)}), got {len(args)}"
            )
        out = []
        for name, kind, arg in zip(self.parameters, self._kinds, args, strict=True):
            if kind == "array":
                array = np.asarray(arg, dtype=float)
                if array.ndim != 1:
                    raise ValueError(
                        f"argument `{name}` must be a 1-D array, got shape "
                        f"{array.shape}"
                    )
                out.append(array.tolist())
            elif kind == "scalar":
                if np.ndim(arg) != 0:
                    raise TypeError(
                        f"argument `{name}` is used as a scalar, got an array of "
                        f"shape {np.shape(arg)}"
                    )
                out.append(float(arg))
            else:
                out.append(arg)
        return out

    def __call__(self, *args: Any) -> tuple[float, tuple[Any, ...]]:
        """Return the function's value and its gradient at ``args``.

        Parameters
        ----------
        *args
            The original function's arguments, positionally.

        Returns
        -------
        value : float
            The function's value.
        gradient : tuple
            One entry per parameter: a float for a float parameter, a 1-D
            float array for an array parameter, ``None`` for an integer
            parameter that is not differentiated.

        Raises
        ------
        TypeError
            For the wrong number of arguments, or an array where a float is used.
        ValueError
            For an array argument that is not 1-D.
        """
        value, grads = self.function(*self._arguments(args))
        return float(value), self._gradients(grads)

    def _gradients(self, grads: tuple[Any, ...]) -> tuple[Any, ...]:
        return tuple(
            None
            if kind == "passive"
            else (np.array(g, dtype=float) if kind == "array" else float(g))
            for kind, g in zip(self._kinds, grads, strict=True)
        )

    def count_operations(self, *args: Any) -> OperationCounts:
        """Count the operations of both sweeps when run at ``args``.

        Runs an instrumented copy of the program. Counted are additions
        (with subtractions, negations and ``+=``), multiplications, divisions,
        powers and math-function calls, separately for the forward sweep (the
        operations of the original function) and the reverse sweep, and the
        values saved on tapes; index arithmetic and loop control are not.

        Parameters
        ----------
        *args
            The original function's arguments.

        Returns
        -------
        OperationCounts
            The counts, with totals and the ratio reverse/forward.
        """
        slots = [0] * len(SLOTS)
        self._counting(*self._arguments(args), slots)
        return OperationCounts.from_slots(slots)

    def __repr__(self) -> str:
        return f"<CompiledGradient of {self.name}({', '.join(self.parameters)})>"


def compile_gradient(f: Callable[..., Any]) -> CompiledGradient:
    """Compile ``f``'s source into a program for its value and gradient.

    Parameters
    ----------
    f
        A function defined with ``def`` in a file, in the supported subset (see
        the module docstring), returning a scalar.

    Returns
    -------
    CompiledGradient
        Called with ``f``'s arguments, returns ``(value, gradient)``; its
        ``source`` is the emitted program.

    Raises
    ------
    SourceTransformError
        If ``f``'s source is unavailable (a lambda, a built-in) or uses a
        construct outside the subset; the message names the construct and its
        line in ``f``'s file.
    TypeError
        If ``f`` is not callable.

    References
    ----------
    Speelpenning (1980) [speelpenning1980].

    Examples
    --------
    >>> from histbp.autodiff import compile_gradient
    >>> def speelpenning(x):
    ...     p = 1.0
    ...     for i in range(len(x)):
    ...         p = p * x[i]
    ...     return p
    >>> g = compile_gradient(speelpenning)
    >>> g([1.0, 2.0, 3.0, 4.0])
    (24.0, (array([24., 12.,  8.,  6.]),))
    >>> g.count_operations([1.0, 2.0, 3.0, 4.0]).ratio
    3.0
    """
    function = read_function(f)
    body, ret = check_structure(function.tree)
    facts = analyze(function.tree, body, ret)
    program = lower(function, facts, body, ret)
    emitted = emit(program, plan(program))
    filename = f"<histbp.autodiff.compile_gradient: gradient of {function.name}>"
    compiled = _compile(emitted.source, emitted.name, filename)
    counting = _compile(emitted.instrumented, emitted.name, filename + " (counting)")
    return CompiledGradient(
        function.name, program.kinds, emitted.source, compiled, counting
    )
