"""Reverse mode's traced value: every operation on it is appended to a tape.

:class:`Traced` is a :class:`~histbp.autodiff.tracer.Tracer` whose ``_apply``
evaluates a primitive on plain values and records one tape node: the primitive's
VJP rule for each traced operand and what the rule needs (the output, the
operands, the keyword arguments). Operands that are constants get no rule and no
cotangent is ever computed for them.

Scalar fast path: when a traced Python float meets a Python float or int, or
another traced Python float, through ``+ - * / **`` or unary minus, the operation
is done in Python float arithmetic and recorded directly with the same registry
rules, skipping numpy dispatch entirely (no 0-d arrays, no broadcasting checks).
"""

from __future__ import annotations

import operator
from typing import Any

import numpy as np

import histbp.autodiff.rules  # noqa: F401  (registers every primitive)
from histbp.autodiff.broadcasting import unbroadcast
from histbp.autodiff.errors import EscapedTracerError, NestedDifferentiationError
from histbp.autodiff.floatops import div, pow_
from histbp.autodiff.registry import REGISTRY, Primitive, unsupported
from histbp.autodiff.tape import Tape
from histbp.autodiff.tracer import Tracer, check_complex, is_complex, lift

__all__ = ["Traced"]


def _one(g: Any, rule, ans, args, kwargs, shape) -> Any:
    """Cotangent rule of a node with one traced operand (general case)."""
    gi = rule(g, ans, *args, **kwargs)
    return gi if shape is None else unbroadcast(gi, shape)


def _many(g: Any, rules, ans, args, kwargs, shapes) -> tuple[Any, ...]:
    """Cotangent rule of a node with several traced operands (general case)."""
    out = []
    for rule, shape in zip(rules, shapes, strict=True):
        gi = rule(g, ans, *args, **kwargs)
        out.append(gi if shape is None else unbroadcast(gi, shape))
    return tuple(out)


def _piece(g: Any, rule, ans, values, kwargs, i) -> Any:
    """Cotangent rule of a sequence node with one traced array, at ``i``."""
    return rule(g, ans, values, **kwargs)[i]


def _pieces(g: Any, rule, ans, values, kwargs, wanted) -> tuple[Any, ...]:
    """Cotangent rule of a sequence node with several traced arrays."""
    cts = rule(g, ans, values, **kwargs)
    return tuple(cts[i] for i in wanted)


def _many_complex(g, rules, ans, args, kwargs, shapes, reals) -> tuple[Any, ...]:
    """Cotangent rule of a node where complex values are involved.

    A real operand of a complex operation gets the real part of its cotangent:
    under autograd's convention the cotangent of ``z = x + iy`` is
    ``dL/dx - i dL/dy``, and a real ``x`` is ``z`` with ``y`` held at 0.
    """
    out = []
    for rule, shape, real in zip(rules, shapes, reals, strict=True):
        gi = rule(g, ans, *args, **kwargs)
        if shape is not None:
            gi = unbroadcast(gi, shape)
        out.append(np.real(gi) if real and np.iscomplexobj(gi) else gi)
    return tuple(out)


def _pieces_complex(g, rule, ans, values, kwargs, wanted, reals) -> tuple[Any, ...]:
    """Cotangent rule of a sequence node where complex values are involved.

    The pieces of real arrays are cut from the real part of ``g`` (the same as
    the real part of the piece, entries being copied unchanged).
    """
    cts = real_cts = None
    out = []
    for i, real in zip(wanted, reals, strict=True):
        if real:
            if real_cts is None:
                real_cts = rule(np.real(g), ans, values, **kwargs)
            out.append(real_cts[i])
        else:
            if cts is None:
                cts = rule(g, ans, values, **kwargs)
            out.append(cts[i])
    return tuple(out)


def _shape(x: Any) -> tuple[int, ...]:
    return x.shape if type(x) is np.ndarray else np.shape(x)


def _mismatch(a: Tracer) -> Exception:
    if isinstance(a, Traced):
        return EscapedTracerError(
            "traced values from two different differentiations were combined; a "
            "traced value was kept after the call that created it had returned"
        )
    return NestedDifferentiationError(
        "forward-mode (jvp) and reverse-mode (grad/vjp) traced values cannot be "
        "combined: nested differentiation is not supported"
    )


class Traced(Tracer):
    """A value on a reverse-mode tape.

    Parameters
    ----------
    value
        The plain value: a Python float or an ndarray.
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
        tape = None
        values = list(args)
        traced = []
        for i, a in enumerate(args):
            if type(a) is np.ndarray and a.dtype.kind == "O":
                a = lift(a)  # np.array([x, y]) of traced x, y
                if type(a) is Traced:
                    args = (*args[:i], a, *args[i + 1 :])
            if type(a) is Traced:
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
        ans = prim.fun(*values, **kwargs)
        if type(ans) is np.float64:
            ans = float(ans)
        elif type(ans) is np.complex128:
            ans = complex(ans)
        vjps = prim.vjps
        diff = [i for i in traced if i < len(vjps) and vjps[i] is not None]
        if not diff:
            return ans
        if check_complex(prim, ans, [values[i] for i in diff]):
            return self._record_complex(prim, args, values, kwargs, diff, ans)
        # Operands that broadcasting stretched need their cotangent summed back.
        shapes = [None] * len(diff)
        if prim.broadcasting and type(ans) is not float:
            out_shape = _shape(ans)
            for k, i in enumerate(diff):
                shape = _shape(values[i])
                if shape != out_shape:
                    shapes[k] = shape
        if len(diff) == 1:
            i, shape = diff[0], shapes[0]
            if shape is None and not kwargs:  # call the rule directly
                node = (vjps[i], args[i].idx, (ans, *values))
            else:
                node = (_one, args[i].idx, (vjps[i], ans, values, kwargs, shape))
        elif len(values) == 2 and not kwargs and shapes == [None, None]:
            node = (prim.vjp_pair, (args[0].idx, args[1].idx), (ans, *values))
        else:
            rules = tuple(vjps[i] for i in diff)
            data = (rules, ans, values, kwargs, tuple(shapes))
            node = (_many, tuple(args[i].idx for i in diff), data)
        return Traced(ans, tape.record(*node), tape)

    def _record_complex(self, prim, args, values, kwargs, diff, ans) -> Traced:
        """Record a node where complex values are involved (the general path).

        Each traced operand's cotangent is summed back over broadcast axes and,
        for a real operand, reduced to its real part (autograd's convention).
        """
        tape = args[diff[0]].tape
        out_shape = _shape(ans)
        shapes, reals = [], []
        for i in diff:
            shape = _shape(values[i])
            shapes.append(shape if prim.broadcasting and shape != out_shape else None)
            reals.append(not is_complex(values[i]))
        rules = tuple(prim.vjps[i] for i in diff)
        data = (rules, ans, values, kwargs, tuple(shapes), tuple(reals))
        node = (_many_complex, tuple(args[i].idx for i in diff), data)
        return Traced(ans, tape.record(*node), tape)

    def _apply_sequence(
        self, prim: Primitive, arrays: tuple[Any, ...], kwargs: dict
    ) -> Any:
        tape = None
        arrays = tuple(
            lift(a) if type(a) is np.ndarray and a.dtype.kind == "O" else a
            for a in arrays
        )
        values = list(arrays)
        traced = []
        for i, a in enumerate(arrays):
            if type(a) is Traced:
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
        ans = prim.fun(values, **kwargs)
        if type(ans) is np.float64:
            ans = float(ans)
        elif type(ans) is np.complex128:
            ans = complex(ans)
        if not traced or not prim.vjps:
            return ans
        rule = prim.vjps[0]
        if check_complex(prim, ans, [values[i] for i in traced]):
            # Entries are copied unchanged: a real array's piece is the real
            # part of its cut of the cotangent.
            reals = tuple(not is_complex(values[i]) for i in traced)
            parents = tuple(arrays[i].idx for i in traced)
            data = (rule, ans, values, kwargs, tuple(traced), reals)
            return Traced(ans, tape.record(_pieces_complex, parents, data), tape)
        if len(traced) == 1:
            i = traced[0]
            node = (_piece, arrays[i].idx, (rule, ans, values, kwargs, i))
        else:
            parents = tuple(arrays[i].idx for i in traced)
            node = (_pieces, parents, (rule, ans, values, kwargs, tuple(traced)))
        return Traced(ans, tape.record(*node), tape)

    # -- scalar fast path: operators, defined below by _operator ---------------

    def __neg__(self) -> Any:
        v = self.value
        if type(v) is float:
            tape = self.tape
            return Traced(-v, tape.record(_NEG.vjps[0], self.idx, (-v, v)), tape)
        return self._apply(_NEG, (self,), {})


def _operator(name: str, func: Any, fast: Any, reflected: bool) -> Any:
    """Build ``Traced.__op__`` (or ``__rop__``) for the binary ufunc ``func``.

    ``fast`` computes the operation on two Python floats with numpy's semantics.
    A traced float meeting a float, an int or another traced float on the same
    tape is computed with ``fast`` and recorded with the registry's rules;
    anything else goes through the general ``_apply``.
    """
    prim = REGISTRY[func]
    rule_x, rule_y = prim.vjps
    pair = prim.vjp_pair

    def op(self: Traced, other: Any) -> Any:
        v = self.value
        if type(v) is not float:
            return self._apply(prim, (other, self) if reflected else (self, other), {})
        kind = type(other)
        tape = self.tape
        if kind is float or kind is int:
            rule, parents = (rule_y if reflected else rule_x), self.idx
        elif kind is Traced and type(other.value) is float and other.tape is tape:
            rule = pair
            parents = (other.idx, self.idx) if reflected else (self.idx, other.idx)
            other = other.value
        else:
            return self._apply(prim, (other, self) if reflected else (self, other), {})
        if reflected:
            ans = fast(other, v)
            data = (ans, other, v)
        else:
            ans = fast(v, other)
            data = (ans, v, other)
        # Record the node; Tape.record inlined, as this is the hottest path.
        if not tape.recording:
            raise tape.escaped()
        fns = tape.fns
        out = _new(Traced)
        out.value = ans
        out.idx = len(fns)
        out.tape = tape
        fns.append(rule)
        tape.parents.append(parents)
        tape.data.append(data)
        return out

    op.__name__ = name
    op.__qualname__ = f"Traced.{name}"
    return op


for _name, _func, _fast in [
    ("add", np.add, operator.add),
    ("sub", np.subtract, operator.sub),
    ("mul", np.multiply, operator.mul),
    ("truediv", np.divide, div),
    ("pow", np.power, pow_),
]:
    for _reflected, _dunder in ((False, f"__{_name}__"), (True, f"__r{_name}__")):
        setattr(Traced, _dunder, _operator(_dunder, _func, _fast, _reflected))

_NEG = REGISTRY[np.negative]
_new = object.__new__
