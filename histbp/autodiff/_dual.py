"""Forward mode's traced value: a dual number carrying its tangent.

Forward mode, the older of the two modes (Wengert 1964), pairs
every value ``x`` with a tangent ``dx`` (a directional derivative) and, at every
operation, applies the operation's Jacobian to the tangents of its operands: a
*Jacobian-vector product*. Nothing is recorded; one pass gives the derivative of
every output along one input direction, where reverse mode gives the derivative
of one output with respect to every input. :class:`Dual` shares numpy dispatch
with reverse mode's :class:`~histbp.autodiff.ReverseTracer` and uses the JVP
rules of the same registry.
"""

from __future__ import annotations

from typing import Any

import numpy as np

import histbp.autodiff._rules  # noqa: F401  (registers every primitive)
from histbp.autodiff._errors import NestedDifferentiationError
from histbp.autodiff._registry import Primitive, unsupported
from histbp.autodiff._tracer import Tracer, check_complex, lift, plain_result

__all__ = ["Dual"]


def _nested() -> NestedDifferentiationError:
    return NestedDifferentiationError(
        "forward-mode (jvp) and reverse-mode (grad/vjp) traced values cannot be "
        "combined: nested differentiation is not supported"
    )


def _operands(
    prim: Primitive, args: tuple[Any, ...], kwargs: dict
) -> tuple[list[Any], list[Any]]:
    """A call's arguments as plain values, and their tangents (``None``: a constant).

    An ``object`` array of dual numbers (``np.array([x, y])``) is first joined
    into one dual array.
    """
    values = list(args)
    tangents: list[Any] = [None] * len(args)
    for i, a in enumerate(args):
        if type(a) is np.ndarray and a.dtype.kind == "O":
            a = values[i] = lift(a)
        if isinstance(a, Tracer):
            if type(a) is not Dual:
                raise _nested()
            values[i], tangents[i] = a.value, a.tangent
    for v in kwargs.values():
        if isinstance(v, Tracer):
            raise unsupported(prim.name, "a traced keyword argument")
    return values, tangents


class Dual(Tracer):
    """A value paired with its tangent.

    Parameters
    ----------
    value
        The plain value: a Python float or an ndarray.
    tangent
        Its tangent, of the same shape.
    """

    __slots__ = ("tangent",)

    def __init__(self, value: Any, tangent: Any) -> None:
        self.value = value
        self.tangent = tangent

    def _apply(self, prim: Primitive, args: tuple[Any, ...], kwargs: dict) -> Any:
        """Evaluate ``prim`` on plain values and push the tangents through it."""
        values, tangents = _operands(prim, args, kwargs)
        ans = plain_result(prim.fun(*values, **kwargs))
        duals = [i for i, t in enumerate(tangents) if t is not None]
        if duals and prim.jvps:
            check_complex(prim, ans, [values[i] for i in duals])
        tangent = None
        for i in duals:  # d ans = sum over the operands of (d ans / d x_i) dx_i
            rule = prim.jvp(i)
            if rule is not None:
                term = rule(tangents[i], ans, *values, **kwargs)
                tangent = term if tangent is None else tangent + term
        if tangent is None:
            return ans
        if prim.broadcasting and np.shape(tangent) != np.shape(ans):  # spread it
            tangent = np.broadcast_to(tangent, np.shape(ans))
        return Dual(ans, tangent)

    def _apply_sequence(
        self, prim: Primitive, arrays: tuple[Any, ...], kwargs: dict
    ) -> Any:
        values, tangents = _operands(prim, tuple(arrays), kwargs)
        ans = plain_result(prim.fun(values, **kwargs))
        traced = [v for v, t in zip(values, tangents, strict=True) if t is not None]
        if not traced or not prim.jvps:
            return ans
        check_complex(prim, ans, traced)
        return Dual(ans, prim.jvps[0](tangents, ans, values, **kwargs))
