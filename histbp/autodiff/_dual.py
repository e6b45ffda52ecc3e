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
from histbp.autodiff._tracer import Tracer, check_complex, lift

__all__ = ["Dual"]


def _nested() -> NestedDifferentiationError:
    return NestedDifferentiationError(
        "forward-mode (jvp) and reverse-mode (grad/vjp) traced values cannot be "
        "combined: nested differentiation is not supported"
    )


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
        values = list(args)
        duals = []
        for i, a in enumerate(args):
            if type(a) is np.ndarray and a.dtype.kind == "O":
                a = values[i] = lift(a)  # np.array([x, y]) of dual x, y
            if isinstance(a, Tracer):
                if type(a) is not Dual:
                    raise _nested()
                values[i] = a.value
                duals.append((i, a.tangent))
        for v in kwargs.values():
            if isinstance(v, Tracer):
                raise unsupported(prim.name, "a traced keyword argument")
        ans = prim.fun(*values, **kwargs)
        if type(ans) is np.float64:
            ans = float(ans)
        elif type(ans) is np.complex128:
            ans = complex(ans)
        if duals and prim.jvps:
            check_complex(prim, ans, [values[i] for i, _ in duals])
        tangent = None
        for i, t in duals:
            rule = prim.jvp(i)
            if rule is None:
                continue
            term = rule(t, ans, *values, **kwargs)
            tangent = term if tangent is None else tangent + term
        if tangent is None:
            return ans
        if prim.broadcasting and type(ans) is not float:
            shape = np.shape(ans)
            if np.shape(tangent) != shape:
                tangent = np.broadcast_to(tangent, shape)
        return Dual(ans, tangent)

    def _apply_sequence(
        self, prim: Primitive, arrays: tuple[Any, ...], kwargs: dict
    ) -> Any:
        arrays = tuple(
            lift(a) if type(a) is np.ndarray and a.dtype.kind == "O" else a
            for a in arrays
        )
        values = list(arrays)
        tangents: list[Any] = [None] * len(values)
        any_dual = False
        for i, a in enumerate(arrays):
            if isinstance(a, Tracer):
                if type(a) is not Dual:
                    raise _nested()
                values[i] = a.value
                tangents[i] = a.tangent
                any_dual = True
        for v in kwargs.values():
            if isinstance(v, Tracer):
                raise unsupported(prim.name, "a traced keyword argument")
        ans = prim.fun(values, **kwargs)
        if type(ans) is np.float64:
            ans = float(ans)
        elif type(ans) is np.complex128:
            ans = complex(ans)
        if not any_dual or not prim.jvps:
            return ans
        check_complex(
            prim,
            ans,
            [v for v, t in zip(values, tangents, strict=True) if t is not None],
        )
        return Dual(ans, prim.jvps[0](tangents, ans, values, **kwargs))
