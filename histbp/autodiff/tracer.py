"""The base class of traced values: plain numpy syntax, recorded derivatives.

A :class:`Tracer` wraps a float or an ndarray in ``value``. It implements numpy's
dispatch protocols, ``__array_ufunc__`` for ufuncs and ``__array_function__`` for
functions such as ``np.sum`` or ``np.where``, and Python's operators, so that user
code written for arrays runs unchanged on it. Every such call is routed to the
registry (:mod:`histbp.autodiff.registry`) and then to ``_apply``, which each mode
defines: reverse mode (:class:`~histbp.autodiff.traced.Traced`) records the call
on a tape, forward mode (:class:`~histbp.autodiff.dual.Dual`) pushes a tangent
through it. Anything without a derivative rule raises
:class:`~histbp.autodiff.errors.UnsupportedOperationError` naming it, and
conversions to a plain array or number raise
:class:`~histbp.autodiff.errors.TracerConversionError` rather than silently drop
the derivative.
"""

from __future__ import annotations

import operator
from collections.abc import Iterator
from typing import Any

import numpy as np

from histbp.autodiff.errors import TracerConversionError
from histbp.autodiff.registry import REGISTRY, Primitive, lookup, unsupported

__all__ = ["Tracer", "raw"]

_INPLACE = "writing into an existing array (out=..., or an in-place operator, +=)"


def raw(x: Any) -> Any:
    """Return the plain value of ``x``: its ``value`` if traced, else ``x``."""
    return x.value if isinstance(x, Tracer) else x


def _sequence_arguments(
    prim: Primitive, args: tuple[Any, ...], kwargs: dict
) -> tuple[tuple[Any, ...], dict]:
    """Split a sequence primitive's call into its arrays and named arguments.

    ``numpy.stack(arrays, -1)`` becomes ``(tuple(arrays), {"axis": -1})``; the
    named arguments are checked against the primitive's allowed keywords.
    """
    names = prim.sequence
    if len(args) > 1:
        if len(args) - 1 > len(names):
            raise TypeError(
                f"{prim.name} takes at most {len(names) + 1} positional "
                f"argument(s) but {len(args)} were given"
            )
        kwargs = dict(kwargs)
        for name, value in zip(names, args[1:], strict=False):
            if name in kwargs:
                raise TypeError(f"{prim.name} got multiple values for {name!r}")
            kwargs[name] = value
    if kwargs:
        prim.check_kwargs(kwargs)
    return tuple(args[0]), kwargs


def _shape_arg(args: tuple[Any, ...]) -> Any:
    """Accept ``f(2, 3)`` as well as ``f((2, 3))`` for reshape/transpose methods."""
    if len(args) == 1 and not isinstance(args[0], int | np.integer):
        return args[0]
    return args


class Tracer:
    """A value whose derivative is being followed (abstract base).

    Subclasses set ``value`` and implement ``_apply(prim, args, kwargs)``, which
    evaluates ``prim`` on the plain values of ``args`` and returns the result,
    traced if it depends differentiably on a traced argument.
    """

    __slots__ = ("value",)

    value: Any

    def _apply(self, prim: Primitive, args: tuple[Any, ...], kwargs: dict) -> Any:
        raise NotImplementedError

    def _apply_sequence(
        self, prim: Primitive, arrays: tuple[Any, ...], kwargs: dict
    ) -> Any:
        """Evaluate a sequence primitive such as ``numpy.stack`` on ``arrays``.

        Any of ``arrays`` may be traced; otherwise as ``_apply``.
        """
        raise NotImplementedError

    def _call(self, func: Any, args: tuple[Any, ...], kwargs: dict | None = None):
        return self._apply(REGISTRY[func], args, kwargs or {})

    # -- numpy dispatch ---------------------------------------------------------

    def __array_ufunc__(self, ufunc: np.ufunc, method: str, *inputs, **kwargs):
        name = f"numpy.{ufunc.__name__}"
        if method != "__call__":
            raise unsupported(f"{name}.{method}")
        prim = lookup(ufunc)
        if kwargs:
            if kwargs.get("out") is not None and prim.vjps:
                raise unsupported(name, _INPLACE)
            prim.check_kwargs(kwargs)
        return self._apply(prim, inputs, kwargs)

    def __array_function__(self, func, types, args, kwargs):
        prim = lookup(func)
        if prim.expand is not None:  # a composite: run on the traced values
            return prim.expand(*args, **kwargs)
        if prim.sequence is not None:
            arrays, kwargs = _sequence_arguments(prim, args, kwargs)
            return self._apply_sequence(prim, arrays, kwargs)
        if kwargs:
            prim.check_kwargs(kwargs)
        return self._apply(prim, args, kwargs)

    def __array__(self, dtype=None, copy=None):
        raise TracerConversionError(
            "histbp cannot convert a traced value to a plain numpy array (as "
            "np.asarray, np.array or a list of traced values would): that would "
            "silently drop its derivative. Apply numpy functions to the traced "
            "value directly; build an array from traced values with np.stack or "
            "np.concatenate."
        )

    def _no_number(self, kind: str):
        raise TracerConversionError(
            f"histbp cannot convert a traced value to a Python {kind} inside a "
            "function being differentiated: that would silently drop its "
            "derivative. Keep computing with the traced value."
        )

    def __float__(self):
        self._no_number("float")

    def __int__(self):
        self._no_number("int")

    def __index__(self):
        self._no_number("int")

    def __complex__(self):
        self._no_number("complex")

    def __getattr__(self, name: str) -> Any:
        # Only reached for attributes the class lacks: name ndarray's others.
        if not name.startswith("_") and hasattr(np.ndarray, name):
            raise unsupported(f"the array method or attribute .{name}")
        raise AttributeError(
            f"{type(self).__name__!r} object has no attribute {name!r}"
        )

    # -- array attributes -------------------------------------------------------

    @property
    def shape(self) -> tuple[int, ...]:
        """Shape of the value, as ``numpy.shape``."""
        return np.shape(self.value)

    @property
    def ndim(self) -> int:
        """Number of dimensions of the value."""
        return np.ndim(self.value)

    @property
    def size(self) -> int:
        """Number of elements of the value."""
        return np.size(self.value)

    @property
    def dtype(self) -> np.dtype:
        """Data type of the value (``float64`` for a Python float)."""
        return np.result_type(self.value)

    @property
    def T(self) -> Any:
        """Transpose, as ``ndarray.T``."""
        return self._call(np.transpose, (self,))

    def __len__(self) -> int:
        return len(self.value)

    def __iter__(self) -> Iterator[Any]:
        for i in range(len(self.value)):
            yield self[i]

    def __bool__(self) -> bool:
        return bool(self.value)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.value!r})"

    # -- array methods ----------------------------------------------------------

    def __getitem__(self, index: Any) -> Any:
        return self._call(operator.getitem, (self, index))

    def __setitem__(self, index: Any, value: Any) -> None:
        raise unsupported(
            "item assignment (x[...] = ...)", "changing a traced array in place"
        )

    def sum(self, axis: Any = None, keepdims: bool = False) -> Any:
        """Sum, as ``numpy.sum``."""
        return self._call(np.sum, (self,), {"axis": axis, "keepdims": keepdims})

    def mean(self, axis: Any = None, keepdims: bool = False) -> Any:
        """Mean, as ``numpy.mean``."""
        return self._call(np.mean, (self,), {"axis": axis, "keepdims": keepdims})

    def max(self, axis: Any = None, keepdims: bool = False) -> Any:
        """Maximum, as ``numpy.max``."""
        return self._call(np.max, (self,), {"axis": axis, "keepdims": keepdims})

    def min(self, axis: Any = None, keepdims: bool = False) -> Any:
        """Minimum, as ``numpy.min``."""
        return self._call(np.min, (self,), {"axis": axis, "keepdims": keepdims})

    def prod(self, axis: Any = None, keepdims: bool = False) -> Any:
        """Product, as ``numpy.prod``."""
        return self._call(np.prod, (self,), {"axis": axis, "keepdims": keepdims})

    def clip(self, min: Any = None, max: Any = None) -> Any:
        """Limit the values to ``[min, max]``, as ``numpy.clip``."""
        return self._call(np.clip, (self, min, max))

    def reshape(self, *shape: Any, order: str = "C") -> Any:
        """Reshape, as ``ndarray.reshape``."""
        return self._call(np.reshape, (self, _shape_arg(shape)), {"order": order})

    def transpose(self, *axes: Any) -> Any:
        """Permute axes, as ``ndarray.transpose``."""
        return self._call(np.transpose, (self, _shape_arg(axes) if axes else None))

    def swapaxes(self, axis1: int, axis2: int) -> Any:
        """Swap two axes, as ``numpy.swapaxes``."""
        return self._call(np.swapaxes, (self, axis1, axis2))

    def ravel(self) -> Any:
        """Flatten, as ``numpy.ravel``."""
        return self._call(np.ravel, (self,))

    flatten = ravel

    def squeeze(self, axis: Any = None) -> Any:
        """Drop length-1 axes, as ``numpy.squeeze``."""
        return self._call(np.squeeze, (self, axis))

    def dot(self, other: Any) -> Any:
        """Dot product, as ``numpy.dot``."""
        return self._call(np.dot, (self, other))

    # -- operators --------------------------------------------------------------

    def __add__(self, other: Any) -> Any:
        return self._call(np.add, (self, other))

    def __radd__(self, other: Any) -> Any:
        return self._call(np.add, (other, self))

    def __sub__(self, other: Any) -> Any:
        return self._call(np.subtract, (self, other))

    def __rsub__(self, other: Any) -> Any:
        return self._call(np.subtract, (other, self))

    def __mul__(self, other: Any) -> Any:
        return self._call(np.multiply, (self, other))

    def __rmul__(self, other: Any) -> Any:
        return self._call(np.multiply, (other, self))

    def __truediv__(self, other: Any) -> Any:
        return self._call(np.divide, (self, other))

    def __rtruediv__(self, other: Any) -> Any:
        return self._call(np.divide, (other, self))

    def __pow__(self, other: Any) -> Any:
        return self._call(np.power, (self, other))

    def __rpow__(self, other: Any) -> Any:
        return self._call(np.power, (other, self))

    def __mod__(self, other: Any) -> Any:
        return self._call(np.remainder, (self, other))

    def __rmod__(self, other: Any) -> Any:
        return self._call(np.remainder, (other, self))

    def __matmul__(self, other: Any) -> Any:
        return self._call(np.matmul, (self, other))

    def __rmatmul__(self, other: Any) -> Any:
        return self._call(np.matmul, (other, self))

    def __neg__(self) -> Any:
        return self._call(np.negative, (self,))

    def __pos__(self) -> Any:
        return self

    def __abs__(self) -> Any:
        return self._call(np.absolute, (self,))

    # Comparisons are piecewise constant: they return plain values.

    def __lt__(self, other: Any) -> Any:
        return self.value < raw(other)

    def __le__(self, other: Any) -> Any:
        return self.value <= raw(other)

    def __gt__(self, other: Any) -> Any:
        return self.value > raw(other)

    def __ge__(self, other: Any) -> Any:
        return self.value >= raw(other)

    def __eq__(self, other: object) -> Any:
        return self.value == raw(other)

    def __ne__(self, other: object) -> Any:
        return self.value != raw(other)

    __hash__ = None  # type: ignore[assignment]
