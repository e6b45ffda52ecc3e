"""Reverse mode's tracer: every operation on it becomes a node of a tape.

:class:`ReverseTracer` is a :class:`~histbp.autodiff.Tracer` whose
``_apply`` evaluates a primitive on plain values and records one node on the
:class:`~histbp.autodiff._tape.Tape`: the indices of its traced operands (the
parents) and a cotangent rule that applies the primitive's VJP rule for each of
them. Operands that are constants get no rule and no cotangent is ever computed
for them. Two adjustments are made here, once for every rule:

* an operand that broadcasting stretched gets its cotangent summed back to its
  shape (:func:`~histbp.autodiff._broadcasting.unbroadcast`);
* a real operand of a complex-valued operation gets the real part of its
  cotangent (HIPS autograd's convention, :mod:`histbp.autodiff._rules.complex`).

This is the generic path, written to be read with :mod:`histbp.autodiff._tape`.
:mod:`histbp.autodiff._fastpath` replaces ``_apply`` and the arithmetic operators
with faster versions recording the same derivatives.
"""

from __future__ import annotations

from typing import Any

import numpy as np

import histbp.autodiff._rules  # noqa: F401  (registers every primitive)
from histbp.autodiff._broadcasting import unbroadcast
from histbp.autodiff._errors import EscapedTracerError, NestedDifferentiationError
from histbp.autodiff._registry import Primitive, unsupported
from histbp.autodiff._tape import Tape
from histbp.autodiff._tracer import (
    Tracer,
    check_complex,
    is_complex,
    lift,
    plain_result,
)

__all__ = ["ReverseTracer", "operands", "record", "shape_of"]


def operand_vjps(g, rules, ans, values, kwargs, shapes, reals) -> tuple[Any, ...]:
    """Cotangent rule of a node: the cotangent ``g`` of the output, shared out.

    ``rules[k]`` is the VJP rule of the k-th traced operand; ``shapes[k]`` its
    shape if broadcasting stretched it (else ``None``), ``reals[k]`` whether it
    is real in a complex-valued computation.
    """
    out = []
    for rule, shape, real in zip(rules, shapes, reals, strict=True):
        share = rule(g, ans, *values, **kwargs)
        if shape is not None:
            share = unbroadcast(share, shape)
        if real and np.iscomplexobj(share):
            share = np.real(share)
        out.append(share)
    return tuple(out)


def sequence_vjps(g, rule, ans, values, kwargs, wanted, reals) -> tuple[Any, ...]:
    """Cotangent rule of a sequence node (``np.stack([...])``, ...).

    ``rule`` cuts ``g`` into one piece per array; ``wanted`` are the positions
    of the traced arrays. The pieces of real arrays are cut from ``Re(g)``,
    which is the real part of the piece, entries being copied unchanged.
    """
    pieces = real_pieces = None
    out = []
    for i, real in zip(wanted, reals, strict=True):
        if real and np.iscomplexobj(g):
            if real_pieces is None:
                real_pieces = rule(np.real(g), ans, values, **kwargs)
            out.append(real_pieces[i])
        else:
            if pieces is None:
                pieces = rule(g, ans, values, **kwargs)
            out.append(pieces[i])
    return tuple(out)


def shape_of(x: Any) -> tuple[int, ...]:
    """The shape of an array or a number (``()``), quickly for an ndarray."""
    return x.shape if type(x) is np.ndarray else np.shape(x)


def _mismatch(a: Tracer) -> Exception:
    if isinstance(a, ReverseTracer):
        return EscapedTracerError(
            "traced values from two different differentiations were combined; a "
            "traced value was kept after the call that created it had returned"
        )
    return NestedDifferentiationError(
        "forward-mode (jvp) and reverse-mode (grad/vjp) traced values cannot be "
        "combined: nested differentiation is not supported"
    )


def operands(
    prim: Primitive, args: tuple[Any, ...], kwargs: dict
) -> tuple[Tape | None, tuple[Any, ...], list[Any], list[int]]:
    """Sort a call's arguments: the tape, the arguments, their values, traced ones.

    An ``object`` array of traced values (``np.array([x, y])``) is first joined
    into one traced array. Returns the tape (``None`` if nothing is traced),
    the arguments so joined, their plain values, and the positions of the
    traced ones.

    Raises
    ------
    EscapedTracerError, NestedDifferentiationError
        For values of two tapes, or of reverse and forward mode, together.
    """
    tape = None
    values = list(args)
    traced = []
    for i, a in enumerate(args):
        if type(a) is np.ndarray and a.dtype.kind == "O":
            a = lift(a)
            args = (*args[:i], a, *args[i + 1 :])
        if type(a) is ReverseTracer:
            if tape is None:
                tape = a.tape
            elif a.tape is not tape:
                raise _mismatch(a)
            values[i] = a.value
            traced.append(i)
        elif isinstance(a, Tracer):
            raise _mismatch(a)
    for v in kwargs.values():
        if isinstance(v, Tracer):
            raise unsupported(prim.name, "a traced keyword argument")
    return tape, args, values, traced


def record(
    prim: Primitive,
    tape: Tape | None,
    args: tuple[Any, ...],
    values: list[Any],
    kwargs: dict,
    traced: list[int],
    ans: Any,
) -> Any:
    """Record the node of ``ans = prim(*values, **kwargs)``; return ``ans`` traced.

    ``traced`` are the positions of the traced arguments (see :func:`operands`);
    a plain ``ans`` is returned when no derivative flows from them.
    """
    diff = [i for i in traced if prim.vjp(i) is not None]
    if not diff:
        return ans
    complex_ = check_complex(prim, ans, [values[i] for i in diff])
    out_shape = shape_of(ans)
    shapes, reals = [], []
    for i in diff:
        shape = shape_of(values[i])
        stretched = prim.broadcasting and shape != out_shape
        shapes.append(shape if stretched else None)
        reals.append(complex_ and not is_complex(values[i]))
    rules = tuple(prim.vjps[i] for i in diff)
    data = (rules, ans, values, kwargs, tuple(shapes), tuple(reals))
    parents = tuple(args[i].idx for i in diff)
    return ReverseTracer(ans, tape.record(operand_vjps, parents, data), tape)


class ReverseTracer(Tracer):
    """A value on a reverse-mode tape.

    Parameters
    ----------
    value
        The plain value: a Python float or complex, or an ndarray.
    idx
        Index of the node that produced it on ``tape``.
    tape
        The tape of the differentiation in progress.
    """

    __slots__ = ("idx", "tape")

    def __init__(self, value: Any, idx: int, tape: Tape) -> None:
        self.value = value
        self.idx = idx
        self.tape = tape

    def _apply(self, prim: Primitive, args: tuple[Any, ...], kwargs: dict) -> Any:
        tape, args, values, traced = operands(prim, args, kwargs)
        ans = plain_result(prim.fun(*values, **kwargs))
        return record(prim, tape, args, values, kwargs, traced, ans)

    def _apply_sequence(
        self, prim: Primitive, arrays: tuple[Any, ...], kwargs: dict
    ) -> Any:
        tape, arrays, values, traced = operands(prim, tuple(arrays), kwargs)
        ans = plain_result(prim.fun(values, **kwargs))
        if not traced or not prim.vjps:
            return ans
        complex_ = check_complex(prim, ans, [values[i] for i in traced])
        reals = tuple(complex_ and not is_complex(values[i]) for i in traced)
        data = (prim.vjps[0], ans, values, kwargs, tuple(traced), reals)
        parents = tuple(arrays[i].idx for i in traced)
        return ReverseTracer(ans, tape.record(sequence_vjps, parents, data), tape)
