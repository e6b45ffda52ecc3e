"""How the arguments of a numpy call reach a derivative rule.

Two adjustments are made before a primitive is applied to traced values:

* keyword arguments left at their default values (``np.vstack(xs, dtype=None)``,
  ``np.sum(x, out=None)``, ``np.exp(x, casting="same_kind")``) are dropped, so
  that they need no rule; a keyword without a rule at any other value still
  raises :class:`~histbp.autodiff.UnsupportedOperationError`;
* the call of a sequence primitive (``np.stack(arrays, -1)``) is split into its
  arrays and its named arguments.
"""

from __future__ import annotations

from typing import Any

from histbp.autodiff._registry import Primitive

__all__ = ["checked_kwargs", "sequence_arguments"]

# Values that mean "not given" whatever the signature says (numpy often shows
# ``where=<no value>``); every other default is the primitive's own
# (:attr:`Primitive.defaults`, read from the signature when it was registered).
_NEUTRAL = {"out": None, "where": True}


def checked_kwargs(prim: Primitive, kwargs: dict) -> dict:
    """``kwargs`` without keywords left at their defaults, checked against ``prim``.

    ``np.vstack(xs, dtype=None)`` or ``np.sum(x, out=None)`` name a keyword the
    rules do not handle, but at the value that means "not given": such keywords
    are dropped. Any other keyword without a rule raises
    :class:`~histbp.autodiff.UnsupportedOperationError`.
    """
    allowed = prim.kwargs
    if allowed is None or all(k in allowed for k in kwargs):
        return kwargs
    kept = {
        k: v
        for k, v in kwargs.items()
        if k in allowed or k not in _NEUTRAL or v is not _NEUTRAL[k]
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
        kwargs = checked_kwargs(prim, kwargs)
    return tuple(args[0]), kwargs
