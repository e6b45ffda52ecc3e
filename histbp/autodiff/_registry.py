"""The one registry of primitives and their derivative rules.

Every operation the engine can differentiate is a *primitive*: a numpy ufunc, a
numpy function or a function of this package, registered here once with a
vector-Jacobian product (VJP) rule per differentiable argument, for reverse mode,
and a Jacobian-vector product (JVP) rule per differentiable argument, for forward
mode. This is the scheme of HIPS autograd's ``defvjp``/``defjvp``.

Rules are plain functions of plain values (floats and ndarrays)::

    vjp(g, ans, *args, **kwargs)  # cotangent of the output -> of one argument
    jvp(t, ans, *args, **kwargs)  # tangent of one argument -> of the output

where ``ans`` is the primitive's output and ``args``/``kwargs`` its arguments as
the caller passed them. For primitives flagged ``broadcasting`` the engine itself
sums a VJP back to its argument's shape and broadcasts a JVP to the output's
shape, so those rules may ignore broadcasting.

*Sequence primitives* (``numpy.stack``, ``numpy.concatenate``, registered with
:func:`defsequence`) take a list or tuple of arrays as their first argument, any
of which may be traced. They have one rule per mode for the whole sequence::

    vjp(g, ans, arrays, **kwargs)       # -> one cotangent per array
    jvp(tangents, ans, arrays, **kwargs)  # tangents[i] is None for a constant

where ``arrays`` holds the plain values and ``kwargs`` every argument after the
sequence, by name (positional ones included).

*Complex values* reach a primitive's rules only if the primitive is listed in
:data:`COMPLEX_SAFE` (with :func:`defcomplex`): its rules were checked to hold
for complex operands under HIPS autograd's convention (see
:mod:`histbp.autodiff._rules.complex`). Any other primitive given a complex
operand, or returning a complex value, raises
:class:`~histbp.autodiff.UnsupportedOperationError`, so a rule written for
real numbers never silently returns a wrong complex derivative.
A keyword argument passed at its default value (``np.vstack(xs, dtype=None)``,
``np.exp(x, casting="same_kind")``) changes nothing, so it is accepted, and
dropped before the rules see it, even where that keyword is not otherwise
supported. The defaults are read from the function's signature (for ufuncs,
the ufunc keywords' defaults).

*Composite primitives* (registered with :func:`defcomposite`) have no rules of
their own: called on traced values they run an expansion, ordinary numpy code
built from other primitives. ``numpy.split`` returns a list of pieces, so it is
expanded into one indexing operation per piece.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import numpy as np

from histbp.autodiff._errors import UnsupportedOperationError

__all__ = [
    "COMPLEX_SAFE",
    "REGISTRY",
    "Primitive",
    "defcomplex",
    "defcomposite",
    "defnondiff",
    "defprimitive",
    "defsequence",
    "function_name",
    "lookup",
    "unsupported",
]

Rule = Callable[..., Any]

_UFUNC_DEFAULTS = {
    "out": None,
    "where": True,
    "casting": "same_kind",
    "order": "K",
    "dtype": None,
    "subok": True,
    "signature": None,
}
_SIMPLE = (bool, int, float, str, type(None))


def keyword_defaults(fun: Any) -> dict[str, Any]:
    """The keyword parameters of ``fun`` with a simple default value.

    Simple means ``None``, a bool, a number or a string; a ufunc gets the ufunc
    keywords' defaults. Empty where no signature can be read.
    """
    if isinstance(fun, np.ufunc):
        return dict(_UFUNC_DEFAULTS)
    try:
        params = inspect.signature(fun).parameters.values()
    except (TypeError, ValueError):
        return {}
    defaults = {}
    for p in params:
        if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY):
            if type(p.default) in _SIMPLE:
                defaults[p.name] = p.default
            elif p.name == "where":  # reductions: where=True keeps every entry
                defaults[p.name] = True
    return defaults


def _is_default(value: Any, default: Any) -> bool:
    return value is default or (
        type(value) is type(default) and type(value) in _SIMPLE and value == default
    )


class Primitive:
    """A differentiable operation and its derivative rules.

    Parameters
    ----------
    fun
        Computes the operation on plain values.
    name
        Name used in error messages, e.g. ``"numpy.sum"``.
    vjps, jvps
        One rule (or ``None`` for an argument that carries no derivative, such
        as the condition of ``numpy.where``) per positional argument; arguments
        past the end count as ``None``.
    broadcasting
        Whether the operation broadcasts its arguments elementwise.
    kwargs
        Names of keyword arguments allowed; any other raises
        :class:`UnsupportedOperationError`. ``None`` allows every keyword.
    vjp_pair
        For a primitive of two arguments: one rule ``(g, ans, x, y) -> (gx, gy)``
        giving both cotangents, used when both operands are traced and neither
        was broadcast. Built from the two rules when not given.
    sequence
        ``None`` for an ordinary primitive. For a sequence primitive (see
        :func:`defsequence`), the names of the positional parameters that may
        follow the sequence; ``vjps`` and ``jvps`` then hold one rule each, for
        the whole sequence.
    defaults
        Keyword arguments accepted (and dropped) at these values only.
    expand
        For a composite primitive (see :func:`defcomposite`), the function run
        on the traced arguments instead of rules; else ``None``.
    """

    __slots__ = (
        "broadcasting",
        "defaults",
        "expand",
        "fun",
        "jvps",
        "kwargs",
        "name",
        "sequence",
        "vjp_pair",
        "vjps",
    )

    def __init__(
        self,
        fun: Callable[..., Any],
        name: str,
        vjps: Sequence[Rule | None],
        jvps: Sequence[Rule | None],
        broadcasting: bool,
        kwargs: frozenset[str] | None,
        vjp_pair: Rule | None = None,
        sequence: tuple[str, ...] | None = None,
        defaults: dict[str, Any] | None = None,
        expand: Callable[..., Any] | None = None,
    ) -> None:
        if len(vjps) != len(jvps):
            raise ValueError(f"{name}: need as many JVP rules as VJP rules")
        self.fun = fun
        self.name = name
        self.vjps = tuple(vjps)
        self.jvps = tuple(jvps)
        self.broadcasting = broadcasting
        self.kwargs = kwargs
        self.sequence = sequence
        self.defaults = defaults or {}
        self.expand = expand
        if vjp_pair is None and len(vjps) == 2 and None not in vjps:
            rule_x, rule_y = vjps

            def vjp_pair(g: Any, ans: Any, x: Any, y: Any) -> tuple[Any, Any]:
                return rule_x(g, ans, x, y), rule_y(g, ans, x, y)

        self.vjp_pair = vjp_pair

    def vjp(self, position: int) -> Rule | None:
        """Return the VJP rule for argument ``position``, or ``None``."""
        return self.vjps[position] if position < len(self.vjps) else None

    def jvp(self, position: int) -> Rule | None:
        """Return the JVP rule for argument ``position``, or ``None``."""
        return self.jvps[position] if position < len(self.jvps) else None

    def check_kwargs(self, kwargs: dict[str, Any]) -> None:
        """Raise :class:`UnsupportedOperationError` for a keyword not allowed.

        A keyword outside the allowed ones but at its default value is removed
        from ``kwargs`` (in place): it changes nothing.
        """
        if self.kwargs is None:
            return
        bad = []
        for k in [k for k in kwargs if k not in self.kwargs]:
            if k in self.defaults and _is_default(kwargs[k], self.defaults[k]):
                del kwargs[k]
            else:
                bad.append(f"{k}={kwargs[k]!r}")
        if bad:
            raise unsupported(self.name, f"keyword argument(s) {', '.join(bad)}")

    def __repr__(self) -> str:
        return f"Primitive({self.name})"


REGISTRY: dict[Any, Primitive] = {}

#: The primitives whose rules hold for complex values (see :func:`defcomplex`).
COMPLEX_SAFE: set[Primitive] = set()


def function_name(func: Any) -> str:
    """Return a readable dotted name for a numpy function or ufunc."""
    name = getattr(func, "__name__", None) or repr(func)
    module = getattr(func, "__module__", None) or "numpy"
    return f"{module}.{name}"


def unsupported(name: str, what: str | None = None) -> UnsupportedOperationError:
    """Build the error for an operation without a derivative rule."""
    if what is None:
        why = "no derivative rule is registered for it"
    else:
        why = f"{what} is not supported"
    return UnsupportedOperationError(f"histbp cannot differentiate {name}: {why}")


def defprimitive(
    fun: Any,
    vjps: Sequence[Rule | None],
    jvps: Sequence[Rule | None],
    *,
    impl: Callable[..., Any] | None = None,
    broadcasting: bool = False,
    kwargs: Iterable[str] | None = (),
    name: str | None = None,
    vjp_pair: Rule | None = None,
    defaults: dict[str, Any] | None = None,
) -> Primitive:
    """Register ``fun`` with its derivative rules and return the primitive.

    Parameters
    ----------
    fun
        The key: a numpy ufunc or function, or any callable of this package.
    vjps, jvps
        The rules, one per positional argument (see
        :class:`~histbp.autodiff._registry.Primitive`).
    impl
        Computes the operation on plain values; defaults to ``fun``.
    broadcasting
        Whether ``fun`` broadcasts its arguments elementwise.
    kwargs
        Keyword arguments that may be passed through; ``None`` allows all.
    name
        Name for error messages; defaults to the dotted name of ``fun``.
    vjp_pair
        Optional combined rule for both operands of a binary primitive (see
        :class:`~histbp.autodiff._registry.Primitive`); a speed-up only.
    defaults
        Keywords accepted only at these values; read from ``fun``'s signature
        when not given.

    Returns
    -------
    ~histbp.autodiff._registry.Primitive
        The registered primitive.
    """
    prim = Primitive(
        impl if impl is not None else fun,
        name or function_name(fun),
        vjps,
        jvps,
        broadcasting,
        None if kwargs is None else frozenset(kwargs),
        vjp_pair,
        defaults=keyword_defaults(fun) if defaults is None else defaults,
    )
    REGISTRY[fun] = prim
    return prim


def defsequence(
    fun: Any,
    vjp: Rule,
    jvp: Rule,
    *,
    positional: Sequence[str] = (),
    kwargs: Iterable[str] = (),
    name: str | None = None,
) -> Primitive:
    """Register ``fun(arrays, ...)``, whose first argument is a sequence of arrays.

    Any of the arrays may be traced, the others plain; the operation is
    evaluated as ``fun(plain_arrays, **kwargs)``.

    Parameters
    ----------
    fun
        The key and the implementation, e.g. ``numpy.stack``.
    vjp
        ``vjp(g, ans, arrays, **kwargs)``: a list with one cotangent per array
        (only those of traced arrays are used; returning views of ``g`` is fine).
    jvp
        ``jvp(tangents, ans, arrays, **kwargs)``: the output's tangent, where
        ``tangents[i]`` is ``None`` for an array that is not traced.
    positional
        Names of the parameters that may be passed positionally after the
        sequence (``("axis", "out")`` for ``numpy.stack``); they reach the rules
        as keyword arguments.
    kwargs
        Keyword arguments allowed (after the positional ones are named).
    name
        Name for error messages; defaults to the dotted name of ``fun``.

    Returns
    -------
    Primitive
        The registered primitive.
    """
    prim = Primitive(
        fun,
        name or function_name(fun),
        (vjp,),
        (jvp,),
        False,
        frozenset(kwargs),
        sequence=tuple(positional),
        defaults=keyword_defaults(fun),
    )
    REGISTRY[fun] = prim
    return prim


def defcomposite(
    fun: Any, expand: Callable[..., Any], *, name: str | None = None
) -> Primitive:
    """Register ``fun`` as a composite: on traced values, ``expand`` runs instead.

    ``expand(*args, **kwargs)`` receives the arguments as the caller passed
    them, traced ones included, and computes ``fun`` from other primitives
    (indexing, ``numpy.where``, ...), whose rules then give the derivatives.
    It suits functions with several outputs, such as ``numpy.split``.

    Returns
    -------
    Primitive
        The registered primitive (without rules of its own).
    """
    prim = Primitive(
        fun, name or function_name(fun), (), (), False, None, expand=expand
    )
    REGISTRY[fun] = prim
    return prim


def defnondiff(funs: Iterable[Any]) -> None:
    """Register functions whose outputs carry no derivative.

    Comparisons, ``sign``, ``floor``, ``argmax``, ``shape`` and the like are
    piecewise constant or not numeric: called on traced values they return plain
    values, and gradients flow around them as through a constant.
    """
    for fun in funs:
        defprimitive(fun, (), (), kwargs=None)


def lookup(func: Any) -> Primitive:
    """Return the primitive registered for ``func``.

    Raises
    ------
    UnsupportedOperationError
        If no rule is registered for ``func``.
    """
    prim = REGISTRY.get(func)
    if prim is None:
        raise unsupported(function_name(func))
    return prim


def defcomplex(funs: Iterable[Any]) -> None:
    """Declare that the registered rules of ``funs`` hold for complex values.

    A rule holds when, for an operand ``z``, it maps the output's cotangent
    ``g`` to ``z``'s cotangent under HIPS autograd's convention (the cotangent
    of ``z = x + iy`` is ``dL/dx - i dL/dy``), and its JVP maps a complex tangent
    to the output's: a holomorphic operation multiplies by its derivative, not
    its conjugate. Real operands of a complex-valued operation get the real part
    of that cotangent from the engine itself.
    """
    for fun in funs:
        COMPLEX_SAFE.add(REGISTRY[fun])
