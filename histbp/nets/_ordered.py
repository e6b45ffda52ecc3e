"""Werbos (1974): ordered derivatives of a target through an ordered system.

The variables ``z_1, ..., z_n`` are computed in order: the first ``m`` are given
inputs, and each later one is a function of all those before it,
``z_j = f_j(z_1, ..., z_{j-1})``. The target ``T`` is a function of all of them.
The ordered derivative ``dT+/dz_i`` lets every later variable respond to a change
in ``z_i``; it obeys

    dT+/dz_i = dT/dz_i + sum_{j > i} dT+/dz_j * df_j/dz_i,

where ``dT/dz_i`` and ``df_j/dz_i`` are the direct (explicit) partial derivatives,
taken with all other arguments held fixed. Evaluated from ``i = n`` down to
``i = 1``, every term on the right is already known.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from histbp._validation import as_finite_vector, as_scalar, check_callable
from histbp.autodiff import grad

__all__ = ["OrderedDerivativesResult", "ordered_derivatives"]


@dataclass(frozen=True, slots=True)
class OrderedDerivativesResult:
    """The result of :func:`ordered_derivatives`.

    Attributes
    ----------
    values
        ``z_1, ..., z_n``: the inputs followed by the computed variables.
    target
        The value of ``T``.
    ordered
        ``dT+/dz_i`` for every variable, shape ``(n,)``; its first ``n_inputs``
        entries are the gradient of ``T`` with respect to the inputs.
    direct
        The direct partials ``dT/dz_i``, shape ``(n,)``.
    local
        The direct partials of the system, ``local[j, i] = df_j/dz_i`` for
        ``i < j`` (zero elsewhere, and in the rows of the inputs), shape
        ``(n, n)``.
    n_inputs
        The number ``m`` of given inputs.
    """

    values: np.ndarray
    target: float
    ordered: np.ndarray
    direct: np.ndarray
    local: np.ndarray
    n_inputs: int


Partial = Callable[..., Any]


def ordered_derivatives(
    functions: Sequence[Callable[..., Any]],
    inputs: Any,
    *,
    target: Callable[..., Any] | None = None,
    partials: Sequence[Partial] | None = None,
    target_partials: Partial | None = None,
) -> OrderedDerivativesResult:
    """Ordered derivatives of a target with respect to every variable of a system.

    Parameters
    ----------
    functions
        ``f_{m+1}, ..., f_n``: ``functions[k]`` is called with the ``m + k``
        values computed so far as separate positional arguments,
        ``functions[k](z_1, ..., z_{m+k})``, and returns the next value, a real
        number. Write them with numpy operations if their partials are to be
        found by :func:`histbp.autodiff.grad`.
    inputs
        The given values ``z_1, ..., z_m``, a non-empty 1-D array.
    target
        ``T(z_1, ..., z_n)``, returning a real number. Default: ``T = z_n``.
    partials
        Optional hand-written direct partials, one callable per function:
        ``partials[k](z_1, ..., z_{m+k})`` returns the ``m + k`` numbers
        ``df/dz_1, ..., df/dz_{m+k}``. Default: reverse mode,
        :func:`histbp.autodiff.grad`, applied to each function separately.
    target_partials
        Optional hand-written ``dT/dz_1, ..., dT/dz_n``, called like ``target``.
        Default: :func:`histbp.autodiff.grad` of ``target`` (or the unit vector
        of ``z_n`` when ``target`` is not given).

    Returns
    -------
    OrderedDerivativesResult
        The values, the ordered and the direct derivatives, and the local partials.

    Raises
    ------
    TypeError
        If a function, a partial or the target is not callable, or returns a
        non-number.
    ValueError
        If ``inputs`` is not a finite 1-D array, ``partials`` has the wrong length,
        or a function, partial or target returns the wrong shape or a non-finite
        value (the message names which).

    References
    ----------
    Werbos (1974) [werbos1974].

    Examples
    --------
    With ``z_2 = z_1**2`` and ``T = z_1 z_2`` the direct derivative with respect to
    ``z_1`` is ``z_2``, the ordered one ``3 z_1**2``:

    >>> r = ordered_derivatives([lambda z1: z1**2], [2.0],
    ...                         target=lambda z1, z2: z1 * z2)
    >>> r.direct.tolist(), r.ordered.tolist()
    ([4.0, 2.0], [12.0, 2.0])
    """
    functions, partials = _check_system(functions, partials, target, target_partials)
    z = [float(v) for v in as_finite_vector(inputs, "inputs")]
    m = len(z)
    n = m + len(functions)

    # forward: the values z_j, and each function's direct partials df_j/dz_i
    local = np.zeros((n, n))
    for k, f in enumerate(functions):
        j = m + k
        value = _finite_scalar(f(*z), f"functions[{k}]")
        d_f = partials[k] if partials is not None else _partials_of(f, j)
        local[j, :j] = _vector(d_f(*z), j, f"partials of functions[{k}]")
        z.append(value)
    value_t, direct = _target(target, target_partials, z)

    # backward: dT+/dz_i = dT/dz_i + sum_{j > i} dT+/dz_j df_j/dz_i
    ordered = np.zeros(n)
    for i in range(n - 1, -1, -1):
        ordered[i] = direct[i] + ordered[i + 1 :] @ local[i + 1 :, i]
    return OrderedDerivativesResult(np.array(z), value_t, ordered, direct, local, m)


def _partials_of(f: Callable[..., Any], n_args: int) -> Callable[..., Any]:
    """The direct partials of ``f`` with respect to each of its ``n_args`` arguments."""
    return grad(f, argnum=tuple(range(n_args)))


def _vector(value: Any, size: int, name: str) -> np.ndarray:
    """Return ``value`` as a finite float vector of length ``size``."""
    try:
        arr = np.array(value, dtype=float).reshape(-1)
    except (TypeError, ValueError):
        raise TypeError(f"{name} must be {size} real numbers") from None
    if arr.shape != (size,):
        raise ValueError(f"{name} returned {arr.size} numbers; expected {size}")
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} returned non-finite values")
    return arr


def _check_system(
    functions: Sequence[Callable[..., Any]],
    partials: Sequence[Partial] | None,
    target: Callable[..., Any] | None,
    target_partials: Partial | None,
) -> tuple[tuple[Callable[..., Any], ...], tuple[Partial, ...] | None]:
    """Check that every function and partial is callable and they pair up."""
    functions = tuple(functions)
    for k, f in enumerate(functions):
        check_callable(f, f"functions[{k}]")
    if partials is not None:
        partials = tuple(partials)
        if len(partials) != len(functions):
            raise ValueError(
                f"partials has {len(partials)} entries but there are "
                f"{len(functions)} functions; give one per function"
            )
        for k, p in enumerate(partials):
            check_callable(p, f"partials[{k}]")
    if target is not None:
        check_callable(target, "target")
    if target_partials is not None:
        check_callable(target_partials, "target_partials")
    return functions, partials


def _finite_scalar(value: Any, name: str) -> float:
    """Return what ``name`` returned as a finite float."""
    value = as_scalar(value, name)
    if not np.isfinite(value):
        raise ValueError(f"{name} returned a non-finite value {value}")
    return value


def _target(
    target: Callable[..., Any] | None, target_partials: Partial | None, z: list[float]
) -> tuple[float, np.ndarray]:
    """``T`` and its direct partials ``dT/dz_i`` (``T = z_n`` when not given)."""
    n = len(z)
    if target is None:
        direct = np.zeros(n)
        direct[-1] = 1.0
        return z[-1], direct
    value = _finite_scalar(target(*z), "target")
    d_t = target_partials if target_partials is not None else _partials_of(target, n)
    return value, _vector(d_t(*z), n, "partials of target")
