"""Complex numbers: ``real``, ``imag``, ``conj``, ``angle``, and which rules hold.

The engine follows HIPS autograd's convention (the "Complex numbers" section of
its tutorial). A complex input ``z = x + iy`` of a real-valued function ``L`` gets the
gradient

    ``grad(L)(z) = dL/dx - i dL/dy``,

which is the ordinary derivative ``L'(z)`` when ``L`` is holomorphic, the
conjugate of the direction of steepest ascent when ``L`` is a real loss (step
along ``-conj(grad)`` to descend), and, for a real function that passes through
complex intermediates (an FFT, ``exp(1j * x)``), exactly the gradient a real
implementation would give. Every cotangent in the backward sweep has that
meaning, so a holomorphic operation ``w = f(z)`` passes ``g -> g * f'(z)`` (no
conjugate), and a real operand of a complex operation gets the real part of its
cotangent. Tangents in forward mode are the plain complex differentials
``dx + i dy``.

This module registers the four functions that leave the holomorphic world, with
autograd's rules:

* ``real(z)``: cotangent ``g``, tangent ``Re(t)``;
* ``imag(z)``: cotangent ``-i g``, tangent ``Im(t)``;
* ``conj(z)``: cotangent ``conj(g)``, tangent ``conj(t)``;
* ``angle(z)``: cotangent ``g conj(iz) / |z|^2``, tangent ``Re(t conj(iz)) / |z|^2``
  (``nan`` at 0, where the angle jumps);

and ``abs`` (in :mod:`~histbp.autodiff._rules.elementwise`) has cotangent
``g conj(z) / |z|``. It then lists in :data:`~histbp.autodiff._registry.COMPLEX_SAFE`
the primitives whose rules were checked to hold for complex values; the engine
refuses a complex value anywhere else (``maximum``, ``clip``, ``norm``, ``max``:
numpy orders complex numbers lexicographically, which has no derivative worth
the name; ``sigmoid`` and ``norm`` have rules written for real numbers only).
"""

from __future__ import annotations

import operator
from typing import Any

import numpy as np

from histbp.autodiff._registry import defcomplex, defprimitive

# The rules declared complex-safe below must be registered first.
from histbp.autodiff._rules import (  # noqa: F401
    elementwise,
    linalg,
    reductions,
    sequences,
    structure,
)

__all__: list[str] = []


def _zeros(x: Any) -> Any:
    """A real zero cotangent of the shape of ``x`` (a float for a scalar)."""
    shape = np.shape(x)
    return np.zeros(shape) if shape else 0.0


def _real_vjp(g: Any, ans: Any, x: Any) -> Any:
    return g


def _real_jvp(t: Any, ans: Any, x: Any) -> Any:
    return np.real(t)


def _imag_vjp(g: Any, ans: Any, x: Any) -> Any:
    return -1j * g if np.iscomplexobj(x) else _zeros(x)


def _imag_jvp(t: Any, ans: Any, x: Any) -> Any:
    return np.imag(t) if np.iscomplexobj(t) else _zeros(x)


def _conj_vjp(g: Any, ans: Any, x: Any) -> Any:
    return np.conj(g)


def _conj_jvp(t: Any, ans: Any, x: Any) -> Any:
    return np.conj(t)


def _angle_factor(x: Any, deg: bool) -> Any:
    """``conj(i x) / |x|^2``, times ``180 / pi`` for degrees."""
    factor = np.conj(1j * x) / (np.abs(x) ** 2)
    return factor * (180.0 / np.pi) if deg else factor


def _angle_vjp(g: Any, ans: Any, x: Any, deg: bool = False) -> Any:
    if not np.iscomplexobj(x):  # 0 or pi: piecewise constant on the reals
        return _zeros(x)
    return g * _angle_factor(x, deg)


def _angle_jvp(t: Any, ans: Any, x: Any, deg: bool = False) -> Any:
    if not np.iscomplexobj(x):
        return _zeros(ans)
    return np.real(t * _angle_factor(x, deg))


def _attribute(name: str) -> Any:
    """``x.real`` or ``x.imag`` of a plain value (an ndarray or a number)."""
    getter = operator.attrgetter(name)

    def attribute(x: Any) -> Any:
        return getter(np.asarray(x))[()] if np.ndim(x) == 0 else getter(x)

    return attribute


defprimitive(np.real, (_real_vjp,), (_real_jvp,), impl=_attribute("real"))
defprimitive(np.imag, (_imag_vjp,), (_imag_jvp,), impl=_attribute("imag"))
defprimitive(np.conjugate, (_conj_vjp,), (_conj_jvp,))
defprimitive(np.angle, (_angle_vjp,), (_angle_jvp,), kwargs=("deg",))

# The rules below were audited for complex operands under the convention above:
# they multiply by the holomorphic derivative (add ... matmul), move entries
# without changing them (reshape ... hstack, getitem, where), or are the
# non-holomorphic functions of this module and abs. Tests compare each with
# HIPS autograd and with central differences on the real and imaginary parts.
defcomplex(
    [
        np.add,
        np.subtract,
        np.multiply,
        np.divide,
        np.power,
        np.negative,
        np.positive,
        np.exp,
        np.expm1,
        np.log,
        np.log1p,
        np.sqrt,
        np.square,
        np.reciprocal,
        np.sin,
        np.cos,
        np.tan,
        np.tanh,
        np.sinh,
        np.cosh,
        np.arctan,
        np.absolute,
        np.real,
        np.imag,
        np.conjugate,
        np.angle,
        np.sum,
        np.mean,
        np.prod,
        np.cumsum,
        np.matmul,
        np.dot,
        np.outer,
        np.reshape,
        np.ravel,
        np.squeeze,
        np.expand_dims,
        np.transpose,
        np.swapaxes,
        np.moveaxis,
        np.copy,
        operator.getitem,
        np.where,
        np.stack,
        np.concatenate,
        np.vstack,
        np.hstack,
    ]
)
