"""The ``.astype`` method between floating (and complex) types.

Casting ``float32 -> float64`` or back changes only the precision of each entry,
so its derivative is the identity: the VJP casts the cotangent back to the
operand's type, the JVP casts the tangent forward. Casts that would drop the
derivative raise :class:`~histbp.autodiff.UnsupportedOperationError`
naming the target: to an integer or boolean type (the result is piecewise
constant; use ``numpy.round`` or a comparison, which return plain values, to make
that explicit) and from complex to real (which discards the imaginary part; use
``numpy.real``).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from histbp.autodiff._registry import defcomplex, defprimitive, unsupported

__all__: list[str] = []

NAME = "the array method .astype"


def astype(x: Any, dtype: Any) -> Any:
    """``x.astype(dtype)`` for a float or complex ``dtype``, on plain values."""
    target = np.dtype(dtype)
    source = np.result_type(x)
    if target.kind not in "fc":
        raise unsupported(
            NAME,
            f"a cast to {target} (only float and complex types carry a derivative; "
            "use numpy.round, numpy.floor or a comparison for a piecewise-constant "
            "result)",
        )
    if source.kind == "c" and target.kind != "c":
        raise unsupported(
            NAME,
            f"a cast from {source} to {target}, which drops the imaginary part "
            "(take numpy.real first)",
        )
    return np.asarray(x).astype(target)[()]


def _astype_vjp(g: Any, ans: Any, x: Any, dtype: Any) -> Any:
    source = np.result_type(x)
    if source.kind != "c":
        g = np.real(g)
    out = np.asarray(g).astype(source)
    return out if out.ndim else out[()]


def _astype_jvp(t: Any, ans: Any, x: Any, dtype: Any) -> Any:
    return np.asarray(t).astype(np.dtype(dtype))[()]


defprimitive(astype, (_astype_vjp,), (_astype_jvp,), name=NAME)
defcomplex([astype])
