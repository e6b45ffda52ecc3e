"""Automatic differentiation: Linnainmaa's reverse mode (1970) as an array engine.

Write a function with ordinary numpy operations; :func:`grad` returns its
gradient by recording the operations on a tape and sweeping the tape backwards
once (reverse mode), and :func:`jvp` pushes a tangent through it (forward mode).

Supported: ``+ - * / ** @``, unary minus and ``abs``; the ufuncs ``exp``,
``log``, ``log1p``, ``expm1``, ``sqrt``, ``square``, ``reciprocal``, ``sin``,
``cos``, ``tan``, ``tanh``, ``sinh``, ``cosh``, ``arctan``, ``absolute``,
``maximum``, ``minimum``; :func:`sigmoid`; ``matmul``, ``dot`` and ``outer``;
``sum``, ``mean``, ``prod``, ``max``, ``min`` with ``axis``/``keepdims``;
``cumsum``; ``clip``; ``numpy.linalg.norm`` (``ord=None``); ``stack``,
``concatenate``, ``vstack`` and ``hstack`` of lists mixing traced and plain
arrays; ``reshape``, ``ravel``, ``squeeze``, ``expand_dims``, ``transpose``/``.T``,
``swapaxes``, ``moveaxis``, ``copy``; indexing and slicing (basic, integer-array
and boolean); ``where``. Comparisons, ``sign``, rounding and ``argmax`` return
plain values. Anything else raises :class:`UnsupportedOperationError` naming the
function.

Conventions at kinks: ``abs`` has derivative 0 at 0; ``maximum``/``minimum`` split
the cotangent equally at a tie (so relu has derivative 0.5 at 0); ``clip`` has
derivative 1 wherever it leaves ``x`` unchanged, bounds included, and 0 where it
returns a bound; ``norm`` has gradient 0 at 0; the gradient of ``prod`` is exact
where entries are zero.

Conventions: the derivative with respect to a Python float (or int) is a Python
float, with respect to an array an array of its shape and dtype. Where a function
is not differentiable the engine picks a subgradient: ``abs`` has derivative 0 at
0; ``maximum``/``minimum`` (hence ``relu = maximum(x, 0)``) and ``max``/``min``
reductions split the cotangent equally between tied arguments. Elsewhere numpy's
values are kept: the derivative of ``sqrt`` or ``log`` at 0 is ``inf``, with
numpy's warning. Derivatives are first order: nesting ``grad`` raises
:class:`NestedDifferentiationError`.
"""

from histbp.autodiff.api import grad, jacobian, jvp, value_and_grad, vjp
from histbp.autodiff.dual import Dual
from histbp.autodiff.errors import (
    EscapedTracerError,
    NestedDifferentiationError,
    TracerConversionError,
    UnsupportedOperationError,
)
from histbp.autodiff.functions import sigmoid
from histbp.autodiff.registry import defprimitive
from histbp.autodiff.reverse import ReverseTracer
from histbp.autodiff.tracer import Tracer

__all__ = [
    "Dual",
    "EscapedTracerError",
    "NestedDifferentiationError",
    "ReverseTracer",
    "Tracer",
    "TracerConversionError",
    "UnsupportedOperationError",
    "defprimitive",
    "grad",
    "jacobian",
    "jvp",
    "sigmoid",
    "value_and_grad",
    "vjp",
]
