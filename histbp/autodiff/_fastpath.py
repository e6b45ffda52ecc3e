"""Hot paths of reverse mode: the generic engine, specialised for speed.

:mod:`histbp.autodiff._tape` and :mod:`histbp.autodiff._reverse` are the engine as
it is best read: every node has a tuple of parents and a rule returning a tuple
of cotangents, each built by one generic function. Most nodes of real programs
are simpler than that, and the generic form costs several times the arithmetic
on scalars. This module records the same derivatives in compact forms, and
:func:`~histbp.autodiff.backward_pass` sweeps them like the others:

* a node with one traced operand, not broadcast, without keyword arguments:
  the primitive's VJP rule itself is the node's rule, its parent a plain ``int``
  and its cotangent returned alone (no tuple, no wrapper call);
* a binary node with both operands traced and not broadcast: the primitive's
  ``vjp_pair`` rule giving both cotangents in one call;
* scalar arithmetic: a traced Python float meeting a Python float or int, or
  another traced Python float, through ``+ - * / **`` or unary minus, is
  computed in Python float arithmetic and recorded directly, skipping numpy
  dispatch entirely (no 0-d arrays, no broadcasting checks).

Anything else (broadcasting, keywords, complex values, sequences) is recorded by
the generic path. :func:`install` puts the fast versions on
:class:`~histbp.autodiff.ReverseTracer` (done on import);
:func:`generic_only` removes them for a block, which is how the tests hold both
paths to the same gradients.
"""

from __future__ import annotations

import operator
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import numpy as np

from histbp.autodiff._floatops import div, pow_
from histbp.autodiff._registry import REGISTRY, Primitive
from histbp.autodiff._reverse import (
    ReverseTracer,
    operands,
    record,
    shape_of,
)
from histbp.autodiff._tracer import Tracer, is_complex, plain_result

__all__ = ["generic_only", "install", "is_installed"]

_GENERIC = {"_apply": ReverseTracer._apply}
_FAST: dict[str, Any] = {}


def _one_kw(g: Any, rule, ans, values, kwargs) -> Any:
    """Rule of a node with one traced operand, called with keyword arguments."""
    return rule(g, ans, *values, **kwargs)


def _apply(self: ReverseTracer, prim: Primitive, args: tuple, kwargs: dict) -> Any:
    """``ReverseTracer._apply``, recording compact nodes where it can."""
    tape, args, values, traced = operands(prim, args, kwargs)
    ans = plain_result(prim.fun(*values, **kwargs))
    vjps = prim.vjps
    diff = [i for i in traced if i < len(vjps) and vjps[i] is not None]
    if not diff:
        return ans
    generic = len(diff) > 2 or (type(ans) is not float and is_complex(ans))
    for i in diff:
        generic = generic or is_complex(values[i])
    if not generic and prim.broadcasting and type(ans) is not float:
        out_shape = shape_of(ans)
        generic = any(shape_of(values[i]) != out_shape for i in diff)
    if generic:
        return record(prim, tape, args, values, kwargs, traced, ans)
    if len(diff) == 1:
        i = diff[0]
        if kwargs:
            node = (_one_kw, args[i].idx, (vjps[i], ans, values, kwargs))
        else:
            node = (vjps[i], args[i].idx, (ans, *values))
    elif len(values) == 2 and not kwargs:
        node = (prim.vjp_pair, (args[0].idx, args[1].idx), (ans, *values))
    else:
        return record(prim, tape, args, values, kwargs, traced, ans)
    return ReverseTracer(ans, tape.record(*node), tape)


def _neg(self: ReverseTracer) -> Any:
    v = self.value
    if type(v) is float:
        tape = self.tape
        return ReverseTracer(-v, tape.record(_NEG.vjps[0], self.idx, (-v, v)), tape)
    return self._apply(_NEG, (self,), {})


def _operator(name: str, func: Any, fast: Any, reflected: bool) -> Any:
    """Build ``ReverseTracer.__op__`` (or ``__rop__``) for the binary ufunc ``func``.

    ``fast`` computes the operation on two Python floats with numpy's semantics.
    A traced float meeting a float, an int or another traced float on the same
    tape is computed with ``fast`` and recorded with the registry's rules;
    anything else goes through ``_apply``.
    """
    prim = REGISTRY[func]
    rule_x, rule_y = prim.vjps
    pair = prim.vjp_pair

    def op(self: ReverseTracer, other: Any) -> Any:
        v = self.value
        if type(v) is not float:
            return self._apply(prim, (other, self) if reflected else (self, other), {})
        kind = type(other)
        tape = self.tape
        if kind is float or kind is int:
            rule, parents = (rule_y if reflected else rule_x), self.idx
        elif (
            kind is ReverseTracer and type(other.value) is float and other.tape is tape
        ):
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
        out = _new(ReverseTracer)
        out.value = ans
        out.idx = len(fns)
        out.tape = tape
        fns.append(rule)
        tape.parents.append(parents)
        tape.data.append(data)
        return out

    op.__name__ = name
    op.__qualname__ = f"ReverseTracer.{name}"
    return op


def install() -> None:
    """Put the fast ``_apply`` and operators on :class:`ReverseTracer`."""
    for name, method in _FAST.items():
        setattr(ReverseTracer, name, method)


def is_installed() -> bool:
    """Whether the fast paths are in use."""
    return ReverseTracer._apply is _apply


@contextmanager
def generic_only() -> Iterator[None]:
    """Record and sweep with the generic engine only, for the block.

    For tests and for reading: gradients must not change. Not thread-safe (it
    changes the class for every thread).
    """
    for name in _FAST:
        setattr(ReverseTracer, name, _GENERIC[name])
    try:
        yield
    finally:
        install()


_NEG = REGISTRY[np.negative]
_new = object.__new__

for _name, _func, _fast in [
    ("add", np.add, operator.add),
    ("sub", np.subtract, operator.sub),
    ("mul", np.multiply, operator.mul),
    ("truediv", np.divide, div),
    ("pow", np.power, pow_),
]:
    for _reflected, _dunder in ((False, f"__{_name}__"), (True, f"__r{_name}__")):
        _FAST[_dunder] = _operator(_dunder, _func, _fast, _reflected)
        _GENERIC[_dunder] = getattr(Tracer, _dunder)
_FAST["__neg__"] = _neg
_GENERIC["__neg__"] = Tracer.__neg__
_FAST["_apply"] = _apply

install()
