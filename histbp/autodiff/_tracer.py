"""The base class of traced values: plain numpy syntax, recorded derivatives.

A :class:`Tracer` wraps a float or an ndarray in ``value``. It implements numpy's
dispatch protocols, ``__array_ufunc__`` for ufuncs and ``__array_function__`` for
functions such as ``np.sum`` or ``np.where``, and Python's operators, so that user
code written for arrays runs unchanged on it. Every such call is routed to the
registry (:mod:`histbp.autodiff._registry`) and then to ``_apply``, which each mode
defines: reverse mode (:class:`~histbp.autodiff.ReverseTracer`) records the call
on a tape, forward mode (:class:`~histbp.autodiff.Dual`) pushes a tangent
through it. Anything without a derivative rule raises
:class:`~histbp.autodiff.UnsupportedOperationError` naming it, and
conversions to a plain number or a numeric array raise
:class:`~histbp.autodiff.TracerConversionError` rather than silently drop
the derivative.

Arrays built from lists of traced values (``np.array([x, y])``, ``np.r_[x, y]``,
``np.mean([x, y])``): numpy asks each element for ``__array__``, which gives an
array of ``object`` dtype holding traced scalars. numpy then computes on those
elements one by one, each operation recorded as usual, so the result is exact
(if slow for long lists); an object array reaching a traced operation is first
joined into one traced array (:func:`lift`), and converting an element to a
number still raises. Like a Python float, a traced scalar has no ``dtype``
attribute (numpy's ``mean`` of an object array relies on that).
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np

from histbp.autodiff._errors import TracerConversionError
from histbp.autodiff._keywords import checked_kwargs, sequence_arguments
from histbp.autodiff._registry import (
    COMPLEX_SAFE,
    REGISTRY,
    Primitive,
    lookup,
    unsupported,
)
from histbp.autodiff._rules.casting import astype as _astype

__all__ = ["Tracer", "check_complex", "is_complex", "lift", "plain_result", "raw"]

_INPLACE = "writing into an existing array (out=..., or an in-place operator, +=)"


def raw(x: Any) -> Any:
    """Return the plain value of ``x``: its ``value`` if traced, else ``x``."""
    return x.value if isinstance(x, Tracer) else x


def is_complex(v: Any) -> bool:
    """Whether the plain value ``v`` is complex (a complex array or number)."""
    kind = type(v)
    if kind is float:
        return False
    if kind is np.ndarray:
        return v.dtype.kind == "c"
    return np.iscomplexobj(v)


def check_complex(prim: Primitive, ans: Any, values: Any) -> bool:
    """Whether complex values are involved; raise if ``prim``'s rules are real-only.

    ``values`` are the plain values of the traced operands, ``ans`` the output.
    """
    if not (is_complex(ans) or any(map(is_complex, values))):
        return False
    if prim not in COMPLEX_SAFE:
        raise unsupported(
            prim.name,
            "a complex operand or result (its derivative rule holds for real "
            "numbers only)",
        )
    return True


def plain_result(ans: Any) -> Any:
    """A numpy float64 or complex128 scalar as a Python float or complex."""
    if type(ans) is np.float64:
        return float(ans)
    if type(ans) is np.complex128:
        return complex(ans)
    return ans


def lift(array: np.ndarray) -> Any:
    """Join an ``object`` array of traced and plain numbers into one traced array.

    ``np.array([x, y])`` of traced ``x``, ``y`` is such an array; the join is
    ``np.stack`` of its elements (a recorded operation), reshaped. An object
    array without traced elements is returned as it is.
    """
    items = list(array.flat)
    if not any(isinstance(item, Tracer) for item in items):
        return array
    return np.reshape(np.stack(items), array.shape)


def _shape_arg(args: tuple[Any, ...]) -> Any:
    """Accept ``f(2, 3)`` as well as ``f((2, 3))`` for reshape/transpose methods."""
    if len(args) == 1 and not isinstance(args[0], int | np.integer):
        return args[0]
    return args


def _method(func: Callable[..., Any]) -> Callable[..., Any]:
    """The array method ``x.name(...)``, calling ``numpy.name(x, ...)``."""

    def method(self: Any, *args: Any, **kwargs: Any) -> Any:
        return func(self, *args, **kwargs)

    method.__name__ = func.__name__
    method.__doc__ = f"As ``numpy.{func.__name__}``."
    return method


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
            kwargs = checked_kwargs(prim, kwargs)
        return self._apply(prim, inputs, kwargs)

    def __array_function__(self, func, types, args, kwargs):
        prim = lookup(func)
        if prim.expand is not None:  # a composite: run on the traced values
            return prim.expand(*args, **kwargs)
        if prim.sequence is not None:
            arrays, kwargs = sequence_arguments(prim, args, kwargs)
            return self._apply_sequence(prim, arrays, kwargs)
        if kwargs:
            kwargs = checked_kwargs(prim, kwargs)
        return self._apply(prim, args, kwargs)

    def __array__(self, dtype=None, copy=None):
        # numpy asks this of each element of np.array([x, y]), np.r_[x, y],
        # np.mean([x, y]): an object array of traced scalars keeps every
        # derivative. A numeric dtype would drop them.
        if dtype is not None and np.dtype(dtype) != object:
            raise TracerConversionError(
                f"histbp cannot convert a traced value to a numpy array of dtype "
                f"{np.dtype(dtype)}: that would silently drop its derivative. "
                "Apply numpy functions to the traced value directly; build an "
                "array from traced values with np.stack, np.concatenate or "
                "np.array([...]) without a dtype."
            )
        if copy is False:
            raise ValueError("a traced value cannot be viewed as an array (copy=False)")
        out = np.empty(self.shape, dtype=object)
        if out.ndim == 0:
            out[()] = self
        else:
            for index in np.ndindex(out.shape):
                out[index] = self[index]
        return out

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
        # Only reached for attributes the class lacks. numpy's loops over object
        # arrays call a ufunc as a method of each element (``x.exp()``):
        # provide those of the ufuncs with rules. Name ndarray's other methods.
        ufunc = getattr(np, name, None)
        if isinstance(ufunc, np.ufunc) and ufunc in REGISTRY:
            return lambda *args: ufunc(self, *args)
        if name == "dtype":  # the property found a traced Python number
            raise AttributeError(
                f"a traced Python {type(self.value).__name__} has no dtype, as a "
                f"Python {type(self.value).__name__} has none"
            )
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
        """Data type of an array value; a Python float (or complex) has none."""
        value = self.value
        if type(value) is float or type(value) is complex:
            raise AttributeError("dtype")  # __getattr__ then explains
        return np.result_type(value)

    @property
    def real(self) -> Any:
        """Real part, as ``numpy.real``."""
        return np.real(self)

    @property
    def imag(self) -> Any:
        """Imaginary part, as ``numpy.imag``."""
        return np.imag(self)

    def conj(self) -> Any:
        """Complex conjugate, as ``numpy.conj``."""
        return np.conjugate(self)

    conjugate = conj

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

    # ``x.sum(axis=0)`` and the like: numpy's functions, called as methods.
    sum = _method(np.sum)
    mean = _method(np.mean)
    max = _method(np.max)
    min = _method(np.min)
    prod = _method(np.prod)
    clip = _method(np.clip)

    def astype(
        self,
        dtype: Any,
        order: str = "K",
        casting: str = "unsafe",
        subok: bool = True,
        copy: bool = True,
    ) -> Any:
        """Cast to a float or complex ``dtype``; other types raise.

        Only the default ``order``, ``casting`` and ``subok`` are accepted;
        ``copy`` is ignored (traced values are never modified in place).
        """
        if (order, casting, subok) != ("K", "unsafe", True):
            raise unsupported(
                "the array method .astype",
                "order, casting or subok other than the default",
            )
        return self._call(_astype, (self, dtype))

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
