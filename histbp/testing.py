r"""Gradient checks: derivatives held to central differences.

:func:`check_grads` compares the derivatives of a function, taken by the engine's
forward mode (:func:`histbp.autodiff.jvp`), its reverse mode
(:func:`histbp.autodiff.vjp`) or a hand-written gradient, with central differences
along random directions, in the spirit of HIPS autograd's ``test_util.check_grads``.
One checker serves the engine and the written-out backward passes of
:mod:`histbp.nets` and :mod:`histbp.control`.

The central difference along a direction ``v`` with step ``h``,

.. math:: \frac{f(x + h v) - f(x - h v)}{2 h} = D f(x)[v] + O(h^2),

has a truncation error of order ``h**2`` and a rounding error of order
``eps * |f| / h`` (``eps`` the float64 unit roundoff, about ``1.1e-16``); the
default step ``1e-6`` balances them near ``1e-10`` for functions of moderate size,
well inside the default tolerances of ``1e-6``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Any, Literal

import numpy as np

from histbp._validation import check_callable, check_positive_int, check_real
from histbp.autodiff import jvp, vjp

__all__ = ["DEFAULT_ATOL", "DEFAULT_RTOL", "DEFAULT_STEP", "MODES", "check_grads"]

#: The engine's two modes that :func:`check_grads` can check.
MODES = ("forward", "reverse")
#: Default step ``h`` of the central differences.
DEFAULT_STEP = 1e-6
#: Default relative tolerance, against the size of the central difference.
DEFAULT_RTOL = 1e-6
#: Default absolute tolerance.
DEFAULT_ATOL = 1e-6


def check_grads(
    f: Callable[..., Any],
    args: Sequence[Any],
    *,
    modes: Sequence[str] | None = None,
    grad_fn: Callable[..., Any] | None = None,
    argnums: int | Sequence[int] | None = None,
    directions: int | Literal["coordinates"] = 1,
    step: float = DEFAULT_STEP,
    order: Literal[2, 4] = 2,
    rtol: float = DEFAULT_RTOL,
    atol: float = DEFAULT_ATOL,
    seed: int | np.random.Generator | None = 0,
) -> None:
    """Check the derivatives of ``f`` at ``args`` against central differences.

    For each checked argument ``x_i`` and each direction ``v`` (the other arguments
    held fixed), the central difference ``d = (f(.., x_i + h v, ..) - f(.., x_i - h
    v, ..)) / (2 h)`` is compared with

    - ``"forward"``: the engine's forward mode, ``jvp(f, ..)`` with tangent ``v``
      (the whole output-shaped directional derivative, entry by entry);
    - ``"reverse"``: the engine's reverse mode, ``<vjp(u)_i, v>`` against
      ``<u, d>`` for one random cotangent ``u`` of the output's shape;
    - ``grad_fn``: a gradient (or Jacobian) written by hand, ``<grad_fn(*args)_i,
      v>`` against ``d`` (contracting the Jacobian's trailing axes, those of the
      argument, with ``v``).

    A value passes where ``|computed - d| <= max(atol, rtol * |d|)``.

    Parameters
    ----------
    f
        Function of ``len(args)`` positional arguments returning a real float or a
        real array. For the engine's modes it must be traceable by
        :mod:`histbp.autodiff`.
    args
        The point, a tuple or list. Each checked argument is a real float, int or
        numeric array with finite entries; it is converted to float64.
    modes
        Which of the engine's modes to check, a subset of ``("forward",
        "reverse")``. By default both when ``grad_fn`` is not given, and none
        when it is (hand-written code is often not traceable by the engine).
    grad_fn
        A hand-written derivative: called as ``grad_fn(*args)``, it returns one
        derivative per checked argument (a tuple or list in the order of
        ``argnums``), or a single array when one argument is checked. For scalar
        ``f`` each is a gradient of its argument's shape; for array-valued ``f``,
        a Jacobian of shape ``f``'s output shape followed by the argument's.
    argnums
        The positions of the arguments to check; by default all of them. The
        others are passed to ``f`` unchanged (integer sizes, flags, data).
    directions
        How many random directions (standard normal) to try per argument, or
        ``"coordinates"`` for every coordinate axis, which checks every partial
        derivative one by one (a full finite-difference gradient).
    step
        The step ``h`` of the central differences, positive.
    order
        The order of the central differences' truncation error: ``2`` for
        ``(f(x + h v) - f(x - h v)) / (2 h)``, ``4`` for the five-point formula
        ``(8 (f(x + h v) - f(x - h v)) - (f(x + 2 h v) - f(x - 2 h v))) / (12 h)``,
        which allows a larger step (say ``1e-3``) and a smaller tolerance.
    rtol, atol
        Relative and absolute tolerances, non-negative.
    seed
        Seed or generator of the random directions and cotangent.

    Returns
    -------
    None
        When every check passes.

    Raises
    ------
    AssertionError
        When a derivative disagrees with central differences; the message names
        the argument, the mode, the direction, both values and the discrepancy.
    TypeError
        When ``f`` or ``grad_fn`` is not callable, ``args`` is not a sequence, a
        checked argument is not real and numeric, or ``f`` returns something
        other than a real number or array.
    ValueError
        When a mode is unknown, nothing is asked to be checked, an argument
        position is out of range, a checked argument or ``f``'s value is not
        finite, ``grad_fn`` returns gradients of the wrong number or shapes, or
        ``step``, ``order``, ``rtol``, ``atol`` or ``directions`` is out of range.

    Examples
    --------
    Both modes of the engine, on a vector-valued function:

    >>> import numpy as np
    >>> from histbp.testing import check_grads
    >>> check_grads(lambda W, x: np.tanh(W @ x), (np.ones((2, 3)), np.arange(3.0)))

    A hand-written gradient, and a wrong one:

    >>> f = lambda x: np.sum(np.sin(x))
    >>> check_grads(f, (np.arange(3.0),), grad_fn=np.cos)
    >>> check_grads(f, (np.arange(3.0),), grad_fn=lambda x: -np.cos(x))
    Traceback (most recent call last):
    ...
    AssertionError: grad_fn disagrees with central differences for argument 0 ...
    """
    check_callable(f, "f")
    if grad_fn is not None:
        check_callable(grad_fn, "grad_fn")
    if not isinstance(args, tuple | list):
        raise TypeError(
            f"args must be a tuple or list of f's arguments, got {type(args).__name__}"
        )
    positions = _as_argnums(argnums, len(args))
    modes = _as_modes(modes, grad_fn)
    if order not in (2, 4):
        raise ValueError(f"order must be 2 or 4, got {order!r}")
    checker = _Checker(
        step=check_real(step, "step", low=0.0, low_open=True),
        order=order,
        rtol=check_real(rtol, "rtol", low=0.0),
        atol=check_real(atol, "atol", low=0.0),
    )
    if directions != "coordinates":
        directions = check_positive_int(directions, "directions")
    rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)

    point = list(args)
    for i in positions:
        point[i] = _as_real_point(args[i], i)
    value = _as_real_output(f(*point), "f")

    def along(i: int) -> Callable[[Any], Any]:
        """``f`` as a function of argument ``i`` alone."""
        return lambda x: f(*point[:i], x, *point[i + 1 :])

    hand_written = None
    if grad_fn is not None:
        hand_written = _as_gradients(grad_fn(*point), point, positions, value.shape)
    if "reverse" in modes:
        cotangent = rng.standard_normal(value.shape)
        checked = [point[i] for i in positions]

        def of_checked(*xs: Any) -> Any:
            full = list(point)
            for i, x in zip(positions, xs, strict=True):
                full[i] = x
            return f(*full)

        _, pullback = vjp(of_checked, *checked)
        reverse = dict(zip(positions, pullback(_scalar_if_0d(cotangent)), strict=True))

    for k, i in enumerate(positions):
        for label, v in _directions(point[i], directions, rng):
            fd = checker.central_difference(along(i), point[i], v)
            where = f"argument {i} along {label}"
            if "forward" in modes:
                _, tangent = jvp(along(i), (point[i],), (v,))
                checker.compare(
                    _as_real_output(tangent, "jvp"), fd, "forward mode", where
                )
            if "reverse" in modes:
                checker.compare(
                    np.sum(np.asarray(reverse[i]) * v),
                    np.sum(cotangent * fd),
                    "reverse mode",
                    f"{where} (cotangent-weighted)",
                )
            if hand_written is not None:
                along_v = np.tensordot(hand_written[k], v, axes=np.ndim(v))
                checker.compare(along_v, fd, "grad_fn", where)


class _Checker:
    """Central differences and the comparison, with one step and tolerance."""

    def __init__(self, step: float, order: int, rtol: float, atol: float) -> None:
        self.step, self.order, self.rtol, self.atol = step, order, rtol, atol

    def central_difference(self, g: Callable[[Any], Any], x: Any, v: Any) -> np.ndarray:
        h = self.step

        def across(s: float) -> np.ndarray:  # g(x + s v) - g(x - s v)
            return _as_real_output(g(x + s * v), "f") - _as_real_output(
                g(x - s * v), "f"
            )

        if self.order == 2:
            return across(h) / (2 * h)
        return (8 * across(h) - across(2 * h)) / (12 * h)

    def compare(self, computed: Any, reference: Any, mode: str, where: str) -> None:
        c = np.asarray(computed, dtype=float)
        r = np.asarray(reference, dtype=float)
        if c.shape != r.shape:
            raise AssertionError(
                f"{mode} gives shape {c.shape} for {where} but central differences "
                f"give shape {r.shape}"
            )
        allowed = np.maximum(self.atol, self.rtol * np.abs(r))
        excess = np.where(np.isfinite(c), np.abs(c - r) - allowed, np.inf)
        if not np.any(excess > 0):
            return
        at = np.unravel_index(np.argmax(excess), excess.shape)
        entry = f" at output index {tuple(map(int, at))}" if c.ndim else ""
        raise AssertionError(
            f"{mode} disagrees with central differences for {where}{entry}: "
            f"{mode} gives {float(c[at])!r}, central differences (step {self.step:g}, "
            f"order {self.order}) "
            f"give {float(r[at])!r}; discrepancy {abs(c[at] - r[at]):.3g} exceeds "
            f"the allowed {allowed[at]:.3g} (atol={self.atol:g}, rtol={self.rtol:g})"
        )


def _as_argnums(argnums: int | Sequence[int] | None, n: int) -> tuple[int, ...]:
    if argnums is None:
        positions = tuple(range(n))
    elif isinstance(argnums, int) and not isinstance(argnums, bool):
        positions = (argnums,)
    elif isinstance(argnums, tuple | list) and all(
        isinstance(i, int) and not isinstance(i, bool) for i in argnums
    ):
        positions = tuple(argnums)
    else:
        raise TypeError(f"argnums must be an int or a tuple of ints, got {argnums!r}")
    if not positions:
        raise ValueError("there is no argument to check: args or argnums is empty")
    for i in positions:
        if not 0 <= i < n:
            raise ValueError(f"argnums names argument {i} but f gets {n} arguments")
    if len(set(positions)) != len(positions):
        raise ValueError(f"argnums repeats an argument: {positions}")
    return positions


def _as_modes(modes: Sequence[str] | None, grad_fn: Any) -> tuple[str, ...]:
    if modes is None:
        return () if grad_fn is not None else MODES
    if isinstance(modes, str):
        modes = (modes,)
    unknown = [m for m in modes if m not in MODES]
    if unknown:
        raise ValueError(f"unknown mode {unknown[0]!r}: modes are chosen from {MODES}")
    if not modes and grad_fn is None:
        raise ValueError("nothing to check: give modes, grad_fn or both")
    return tuple(modes)


def _as_real_point(x: Any, i: int) -> Any:
    """A checked argument as a float (a Python scalar) or a float64 array copy."""
    try:
        arr = np.asarray(x)
    except ValueError as err:  # ragged lists and the like
        raise TypeError(f"argument {i} is not a numeric array: {err}") from err
    if arr.dtype == bool or not np.issubdtype(arr.dtype, np.number):
        raise TypeError(f"argument {i} must be real and numeric, got dtype {arr.dtype}")
    if np.issubdtype(arr.dtype, np.complexfloating):
        raise TypeError(f"argument {i} is complex; check_grads takes real arguments")
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"argument {i} has non-finite entries")
    if arr.ndim == 0 and not isinstance(x, np.ndarray):
        return float(arr)
    return arr.astype(np.float64)


def _as_real_output(value: Any, who: str) -> np.ndarray:
    try:
        out = np.asarray(value)
    except Exception as err:
        raise TypeError(f"{who} must return a real number or array: {err}") from err
    if out.dtype == bool or not np.issubdtype(out.dtype, np.number):
        raise TypeError(f"{who} must return a real number or array, got {out.dtype}")
    if np.issubdtype(out.dtype, np.complexfloating):
        raise TypeError(f"{who} returns complex values; check_grads checks real ones")
    out = out.astype(np.float64)
    if not np.all(np.isfinite(out)):
        raise ValueError(f"{who} returns non-finite values at the point checked")
    return out


def _scalar_if_0d(array: np.ndarray) -> Any:
    """A 0-d array as a Python float (the engine's scalar convention), else as is."""
    return float(array) if array.ndim == 0 else array


def _as_gradients(
    grads: Any, point: list[Any], positions: tuple[int, ...], out_shape: tuple
) -> list[np.ndarray]:
    if len(positions) == 1 and not isinstance(grads, tuple | list):
        grads = (grads,)
    if not isinstance(grads, tuple | list) or len(grads) != len(positions):
        raise ValueError(
            f"grad_fn must return {len(positions)} gradient(s), one per checked "
            f"argument {positions}, got {type(grads).__name__}"
            + (f" of length {len(grads)}" if isinstance(grads, tuple | list) else "")
        )
    out = []
    for i, g in zip(positions, grads, strict=True):
        g = np.asarray(g, dtype=float)
        expected = out_shape + np.shape(point[i])
        if g.shape != expected:
            raise ValueError(
                f"grad_fn's derivative for argument {i} has shape {g.shape}, "
                f"expected {expected} (f's output shape {out_shape}, then the "
                f"argument's {np.shape(point[i])})"
            )
        out.append(g)
    return out


def _directions(
    x: Any, directions: int | str, rng: np.random.Generator
) -> Iterator[tuple[str, Any]]:
    """Labelled directions for argument ``x``: random ones or the coordinate axes."""
    shape = np.shape(x)
    if directions == "coordinates":
        for idx in np.ndindex(shape):
            e = np.zeros(shape)
            e[idx] = 1.0
            yield f"coordinate {idx}", _scalar_if_0d(e)
        return
    for k in range(directions):
        yield f"random direction {k}", _scalar_if_0d(rng.standard_normal(shape))
