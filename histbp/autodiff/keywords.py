"""How the arguments of a numpy call reach a derivative rule.

Two adjustments are made before a primitive is applied to traced values:

* keyword arguments left at their default values (``np.vstack(xs, dtype=None)``,
  ``np.sum(x, out=None)``, ``np.exp(x, casting="same_kind")``) are dropped, so
  that they need no rule; a keyword without a rule at any other value still
  raises :class:`~histbp.autodiff.errors.UnsupportedOperationError`;
* the call of a sequence primitive (``np.stack(arrays, -1)``) is split into its
  arrays and its named arguments.
"""

from __future__ import annotations

import inspect
from typing import Any

import numpy as np

from histbp.autodiff.registry import Primitive

__all__ = ["checked_kwargs", "sequence_arguments"]

# The keyword arguments of every ufunc, at their default values.
_UFUNC_DEFAULTS = {
    "out": None,
    "where": True,
    "casting": "same_kind",
    "order": "K",
    "dtype": None,
    "subok": True,
    "signature": None,
}
_SIMPLE = (type(None), bool, int, float, str)
# Values that mean "not given" whatever the signature says (numpy often shows
# ``where=<no value>``).
_NEUTRAL = {"out": None, "where": True}


def _is_default(value: Any, default: Any) -> bool:
    """Whether a keyword's ``value`` is its ``default`` (for simple values)."""
    if value is default:
        return True
    return type(value) in _SIMPLE and type(value) is type(default) and value == default


def _defaults(func: Any) -> dict[str, Any]:
    """The default values of ``func``'s keyword parameters (empty if unknown)."""
    if isinstance(func, np.ufunc):
        return _UFUNC_DEFAULTS
    try:
        params = inspect.signature(func).parameters.values()
    except (TypeError, ValueError):
        return {}
    return {p.name: p.default for p in params if p.default is not p.empty}


def checked_kwargs(prim: Primitive, func: Any, kwargs: dict) -> dict:
    """``kwargs`` without keywords left at their defaults, checked against ``prim``.

    ``np.vstack(xs, dtype=None)`` or ``np.sum(x, out=None)`` name a keyword the
    rules do not handle, but at the value that means "not given": such keywords
    are dropped. Any other keyword without a rule raises
    :class:`~histbp.autodiff.errors.UnsupportedOperationError`.
    """
    allowed = prim.kwargs
    if allowed is None or all(k in allowed for k in kwargs):
        return kwargs
    defaults = {**_defaults(func), **_NEUTRAL}
    kept = {
        k: v
        for k, v in kwargs.items()
        if k in allowed or k not in defaults or not _is_default(v, defaults[k])
    }
    prim.check_kwargs(kept)
    return kept


def sequence_arguments(
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
        kwargs = checked_kwargs(prim, prim.fun, kwargs)
    return tuple(args[0]), kwargs
