"""Rules for elementwise primitives: the arithmetic and transcendental ufuncs.

An elementwise operation has a diagonal Jacobian, so its VJP and its JVP are the
same map, multiplication by the partial derivative: one function per argument,
``rule(g, ans, x[, y])``, serves both modes. Broadcasting is left to the engine,
which sums a VJP back to its operand's shape and spreads a JVP to the output's.

Conventions where the derivative is not defined:

* ``absolute`` at 0 uses the subgradient 0 (``sign(0) == 0``), also for a
  complex operand, where its derivative elsewhere is ``conj(z) / |z|``.
* ``maximum``/``minimum`` at a tie give each argument half the cotangent, so
  ``relu(x) = maximum(x, 0)`` has derivative 0.5 at 0 (as HIPS autograd and JAX).
* ``clip(x, a_min, a_max)`` has derivative 1 with respect to ``x`` wherever it
  returns ``x`` unchanged, the bounds included (``a_min <= x <= a_max``), and 0
  where it returns a bound; the derivative with respect to a (traced) bound is 1
  where that bound is returned, so the three always sum to 1. At ``x == a_min``
  this is the one-sided derivative from inside the interval (as PyTorch's
  ``clamp``; HIPS autograd uses 0 there).
* ``sqrt`` and ``log`` at 0, ``reciprocal`` at 0, and ``x ** y`` with respect to
  ``y`` at negative ``x`` follow numpy: they give ``inf`` or ``nan`` (and numpy's
  warning), never an exception.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from histbp.autodiff._floatops import div, log_or_zero, pow_
from histbp.autodiff._registry import defprimitive

__all__: list[str] = []


def _elementwise(ufunc: Any, *rules: Callable[..., Any], pair=None) -> None:
    defprimitive(ufunc, rules, rules, broadcasting=len(rules) > 1, vjp_pair=pair)


def _tie(x: Any, y: Any) -> Any:
    """Weight of ``x`` in ``maximum(x, y)``: 1 if ``x > y``, 0.5 at a tie, else 0."""
    if type(x) is float and type(y) is float:
        return (x > y) + 0.5 * (x == y)
    tie = np.equal(x, y)
    if tie.any():
        return np.greater(x, y) + 0.5 * tie
    return np.greater(x, y)  # a boolean mask: no float temporaries


def _times(g: Any, factor: Any) -> Any:
    """``g * factor``, written into ``factor`` when it is a fresh array of g's shape.

    Rules call this with a ``factor`` they have just computed, so overwriting it
    saves an allocation on large arrays.
    """
    if type(factor) is np.ndarray and factor.shape == np.shape(g):
        return np.multiply(g, factor, out=factor)
    return g * factor


def _tanh_rule(g: Any, ans: Any, x: Any) -> Any:
    if type(ans) is np.ndarray:  # 1 - ans**2, computed in one buffer
        d = np.multiply(ans, ans)
        return _times(g, np.subtract(1.0, d, out=d))
    return g * (1.0 - ans * ans)


_elementwise(
    np.add,
    lambda g, ans, x, y: g,
    lambda g, ans, x, y: g,
    pair=lambda g, ans, x, y: (g, g),
)
_elementwise(
    np.subtract,
    lambda g, ans, x, y: g,
    lambda g, ans, x, y: -g,
    pair=lambda g, ans, x, y: (g, -g),
)
_elementwise(
    np.multiply,
    lambda g, ans, x, y: g * y,
    lambda g, ans, x, y: g * x,
    pair=lambda g, ans, x, y: (g * y, g * x),
)
_elementwise(
    np.divide,
    lambda g, ans, x, y: div(g, y),
    lambda g, ans, x, y: -div(g * ans, y),
)
_elementwise(
    np.power,
    lambda g, ans, x, y: g * y * pow_(x, y - 1),
    lambda g, ans, x, y: g * ans * log_or_zero(x),
)
_elementwise(
    np.maximum,
    lambda g, ans, x, y: g * _tie(x, y),
    lambda g, ans, x, y: g * _tie(y, x),
)
_elementwise(
    np.minimum,
    lambda g, ans, x, y: g * _tie(y, x),
    lambda g, ans, x, y: g * _tie(x, y),
)
_elementwise(np.negative, lambda g, ans, x: -g)
_elementwise(np.positive, lambda g, ans, x: g)
_elementwise(np.exp, lambda g, ans, x: g * ans)
_elementwise(np.expm1, lambda g, ans, x: g * (ans + 1.0))
_elementwise(np.log, lambda g, ans, x: div(g, x))
_elementwise(np.log1p, lambda g, ans, x: div(g, 1.0 + x))
_elementwise(np.sqrt, lambda g, ans, x: div(0.5 * g, ans))
_elementwise(np.square, lambda g, ans, x: g * (2.0 * x))
_elementwise(np.reciprocal, lambda g, ans, x: -g * (ans * ans))
_elementwise(np.sin, lambda g, ans, x: g * np.cos(x))
_elementwise(np.cos, lambda g, ans, x: -g * np.sin(x))
_elementwise(np.tan, lambda g, ans, x: g * (1.0 + ans * ans))
_elementwise(np.tanh, _tanh_rule)
_elementwise(np.sinh, lambda g, ans, x: g * np.cosh(x))
_elementwise(np.cosh, lambda g, ans, x: g * np.sinh(x))
_elementwise(np.arctan, lambda g, ans, x: div(g, 1.0 + x * x))


def _abs_vjp(g: Any, ans: Any, x: Any) -> Any:
    """``g * sign(x)``; for complex ``x``, ``g * conj(x) / |x|`` (0 at 0)."""
    if not np.iscomplexobj(x):
        return g * np.sign(x)
    return g * (np.conj(x) / np.where(ans == 0.0, 1.0, ans))


def _abs_jvp(t: Any, ans: Any, x: Any) -> Any:
    """``t * sign(x)``; for complex ``x``, ``Re(t * conj(x)) / |x|`` (0 at 0)."""
    if not np.iscomplexobj(x):
        return t * np.sign(x)
    return np.real(t * np.conj(x)) / np.where(ans == 0.0, 1.0, ans)


defprimitive(np.absolute, (_abs_vjp,), (_abs_jvp,))


def _clip_bounds(a_min: Any, a_max: Any, kwargs: dict) -> tuple[Any, Any]:
    """The bounds, whether passed as ``a_min``/``a_max`` or ``min``/``max``."""
    lo = kwargs.get("min") if a_min is None else a_min
    hi = kwargs.get("max") if a_max is None else a_max
    return lo, hi


def _clip_masks(x: Any, lo: Any, hi: Any) -> tuple[Any, Any]:
    """Where ``clip`` returns ``lo`` and where it returns ``hi``.

    numpy's ``clip`` is ``minimum(maximum(x, lo), hi)``: ``hi`` wins wherever
    ``maximum(x, lo) > hi``, then ``lo`` wherever ``x < lo``; ``x`` elsewhere.
    """
    if lo is None:
        low, kept = False, x
    else:
        low, kept = np.less(x, lo), np.maximum(x, lo)
    high = False if hi is None else np.greater(kept, hi)
    return np.logical_and(low, np.logical_not(high)), high


def _masked(g: Any, mask: Any) -> Any:
    """``g`` where ``mask`` holds, 0 elsewhere (a float stays a float)."""
    if type(g) is float and not isinstance(mask, np.ndarray):
        return g if mask else 0.0
    return g * mask


def _clip_x(g, ans, x, a_min=None, a_max=None, **kwargs):
    low, high = _clip_masks(x, *_clip_bounds(a_min, a_max, kwargs))
    return _masked(g, np.logical_not(np.logical_or(low, high)))


def _clip_min(g, ans, x, a_min=None, a_max=None, **kwargs):
    return _masked(g, _clip_masks(x, *_clip_bounds(a_min, a_max, kwargs))[0])


def _clip_max(g, ans, x, a_min=None, a_max=None, **kwargs):
    return _masked(g, _clip_masks(x, *_clip_bounds(a_min, a_max, kwargs))[1])


defprimitive(
    np.clip,
    (_clip_x, _clip_min, _clip_max),
    (_clip_x, _clip_min, _clip_max),
    broadcasting=True,
    kwargs=("a_min", "a_max", "min", "max"),
)


# -- more ufuncs: logarithms and exponentials in other bases, inverse trigonometric
# and hyperbolic functions, two-argument functions, angle units, remainders.
# ``hypot`` at (0, 0) uses the subgradient 0, as ``norm``; so does ``arctan2``
# there (it is not even continuous at the origin). ``remainder`` (``%``,
# ``mod``) is ``x - floor(x / y) * y`` and ``fmod`` is ``x - trunc(x / y) * y``:
# piecewise linear, with the derivative of their pieces (they jump where
# ``x / y`` is an integer). ``fmax``/``fmin`` pass the cotangent to the argument
# they return, the one that is not NaN, split equally at a tie.

_LN2 = float(np.log(2.0))
_LN10 = float(np.log(10.0))
_DEG = float(np.pi / 180.0)


def _nonzero_or_one(a: Any) -> Any:
    """``a`` with zeros replaced by 1 (a float stays a float)."""
    if type(a) is float:
        return a if a != 0.0 else 1.0
    return np.where(a == 0.0, 1.0, a)


def _returned(x: Any, y: Any, ans: Any) -> Any:
    """Weight of ``x`` in ``fmax``/``fmin``: 1 if returned, 0.5 at a tie, else 0."""
    return np.equal(x, ans) / (1.0 + np.equal(x, y))


_elementwise(np.log2, lambda g, ans, x: div(g, x * _LN2))
_elementwise(np.log10, lambda g, ans, x: div(g, x * _LN10))
_elementwise(np.exp2, lambda g, ans, x: g * (ans * _LN2))
_elementwise(np.arcsin, lambda g, ans, x: div(g, np.sqrt(1.0 - x * x)))
_elementwise(np.arccos, lambda g, ans, x: -div(g, np.sqrt(1.0 - x * x)))
_elementwise(np.arcsinh, lambda g, ans, x: div(g, np.sqrt(x * x + 1.0)))
_elementwise(np.arccosh, lambda g, ans, x: div(g, np.sqrt(x * x - 1.0)))
_elementwise(np.arctanh, lambda g, ans, x: div(g, 1.0 - x * x))
_elementwise(np.fabs, lambda g, ans, x: g * np.sign(x))
_elementwise(np.deg2rad, lambda g, ans, x: g * _DEG)
_elementwise(np.radians, lambda g, ans, x: g * _DEG)
_elementwise(np.rad2deg, lambda g, ans, x: g / _DEG)
_elementwise(np.degrees, lambda g, ans, x: g / _DEG)
_elementwise(
    np.logaddexp,
    lambda g, ans, x, y: g * np.exp(x - ans),
    lambda g, ans, x, y: g * np.exp(y - ans),
)
_elementwise(
    np.logaddexp2,
    lambda g, ans, x, y: g * np.exp2(x - ans),
    lambda g, ans, x, y: g * np.exp2(y - ans),
)
_elementwise(
    np.hypot,
    lambda g, ans, x, y: g * (x / _nonzero_or_one(ans)),
    lambda g, ans, x, y: g * (y / _nonzero_or_one(ans)),
)
_elementwise(
    np.arctan2,
    lambda g, ans, y, x: g * (x / _nonzero_or_one(x * x + y * y)),
    lambda g, ans, y, x: -g * (y / _nonzero_or_one(x * x + y * y)),
)
_elementwise(
    np.remainder,
    lambda g, ans, x, y: g,
    lambda g, ans, x, y: -g * np.floor_divide(x, y),
)
_elementwise(
    np.fmod,
    lambda g, ans, x, y: g,
    lambda g, ans, x, y: -g * np.trunc(np.divide(x, y)),
)
_elementwise(
    np.fmax,
    lambda g, ans, x, y: g * _returned(x, y, ans),
    lambda g, ans, x, y: g * _returned(y, x, ans),
)
_elementwise(
    np.fmin,
    lambda g, ans, x, y: g * _returned(x, y, ans),
    lambda g, ans, x, y: g * _returned(y, x, ans),
)


def _nan_to_num_rule(g, ans, x, copy=True, nan=0.0, posinf=None, neginf=None):
    """1 where ``x`` is finite and kept, 0 where a NaN or infinity was replaced."""
    return g * np.isfinite(x)


defprimitive(
    np.nan_to_num,
    (_nan_to_num_rule,),
    (_nan_to_num_rule,),
    kwargs=("nan", "posinf", "neginf"),  # copy=False would write into a saved value
)
