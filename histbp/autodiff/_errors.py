"""The exceptions raised by the automatic-differentiation engine."""

from __future__ import annotations

__all__ = [
    "EscapedTracerError",
    "NestedDifferentiationError",
    "TracerConversionError",
    "UnsupportedOperationError",
]


class UnsupportedOperationError(TypeError):
    """A numpy function, ufunc method or keyword argument has no derivative rule.

    Raised while the differentiated function runs, at the first operation that the
    engine cannot follow, so that a gradient is never silently wrong.
    """


class TracerConversionError(TypeError):
    """A traced value was converted to a plain array or Python number.

    ``np.asarray(x)``, ``np.array([x, y])``, ``float(x)`` and the like would
    return the bare value and drop its derivative without a trace, so they are
    refused while a function is being differentiated.
    """


class NestedDifferentiationError(NotImplementedError):
    """A derivative was requested inside a function that is being differentiated.

    The engine computes first derivatives only: ``grad(grad(f))`` and mixing
    forward and reverse mode are not supported.
    """


class EscapedTracerError(RuntimeError):
    """A traced value was used after the differentiation that made it had ended."""
