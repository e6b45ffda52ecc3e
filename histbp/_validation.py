"""The input checks of histbp, in one place; each error names the argument and fault.

Every public function of the package checks its arguments with these helpers (in the
manner of scikit-learn's ``utils.validation``), so the same mistake gets the same
message everywhere. The seeds of every random choice go through
:func:`check_random_state`.
"""

from __future__ import annotations

import numbers
from typing import Any

import numpy as np

__all__ = [
    "as_finite_vector",
    "as_numeric_array",
    "as_scalar",
    "as_spd_system",
    "as_unit_interval_data",
    "check_callable",
    "check_positive_int",
    "check_random_state",
    "check_real",
]


def check_callable(obj: Any, name: str) -> None:
    """Raise ``TypeError`` unless ``obj`` can be called."""
    if not callable(obj):
        raise TypeError(f"{name} must be callable, got {type(obj).__name__}")


def check_positive_int(value: Any, name: str) -> int:
    """Return ``value`` as an ``int``, or raise unless it is a positive integer."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an integer, got {type(value).__name__}")
    if value <= 0:
        raise ValueError(f"{name} must be a positive integer, got {value}")
    return int(value)


def check_real(
    value: Any,
    name: str,
    *,
    low: float = -np.inf,
    high: float = np.inf,
    low_open: bool = False,
    high_open: bool = False,
) -> float:
    """Return ``value`` as a finite ``float`` lying in the given interval."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a real number, got {type(value).__name__}")
    v = float(value)
    too_low = v <= low if low_open else v < low
    too_high = v >= high if high_open else v > high
    if not np.isfinite(v) or too_low or too_high:
        left = "(" if low_open else "["
        right = ")" if high_open else "]"
        raise ValueError(f"{name} must lie in {left}{low}, {high}{right}, got {v}")
    return v


def as_finite_vector(
    value: Any, name: str, size: int | None = None, context: str = ""
) -> np.ndarray:
    """Return ``value`` as a finite 1-D float array, of length ``size`` if given.

    ``context`` is appended to the shape-mismatch message, e.g. ``"A has shape
    (2, 2)"``, so that the error names both shapes involved.
    """
    arr = np.array(value, dtype=float)
    if arr.ndim != 1 or arr.size == 0:
        raise ValueError(f"{name} must be a non-empty 1-D array, got shape {arr.shape}")
    if size is not None and arr.shape != (size,):
        but = f" but {context}" if context else ""
        raise ValueError(
            f"{name} has shape {arr.shape}{but}; expected {name} of shape ({size},)"
        )
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} contains non-finite values")
    return arr


def as_spd_system(A: Any, b: Any) -> tuple[np.ndarray, np.ndarray]:
    """Return ``A`` and ``b`` as float arrays after checking ``A`` is SPD.

    ``A`` must be a square, finite, symmetric positive-definite matrix and ``b`` a
    finite vector with one entry per row of ``A``.
    """
    A = np.array(A, dtype=float)
    if A.ndim != 2 or A.shape[0] != A.shape[1] or A.shape[0] == 0:
        raise ValueError(f"A must be a non-empty square matrix, got shape {A.shape}")
    if not np.all(np.isfinite(A)):
        raise ValueError("A contains non-finite values")
    b = np.array(b, dtype=float)
    if b.shape != (A.shape[0],):
        raise ValueError(
            f"b has shape {b.shape} but A has shape {A.shape}; "
            f"expected b of shape ({A.shape[0]},)"
        )
    if not np.all(np.isfinite(b)):
        raise ValueError("b contains non-finite values")
    scale = float(np.max(np.abs(A)))
    if float(np.max(np.abs(A - A.T))) > 1e-10 * scale:
        raise ValueError("A must be symmetric positive definite; it is not symmetric")
    try:
        np.linalg.cholesky(A)
    except np.linalg.LinAlgError:
        raise ValueError(
            "A must be symmetric positive definite; it is not positive definite"
        ) from None
    return A, b


def as_scalar(value: Any, name: str) -> float:
    """Return ``value`` as a ``float``, or raise unless it is a real scalar."""
    if np.ndim(value) != 0:
        raise ValueError(f"{name} must return a scalar, got shape {np.shape(value)}")
    try:
        return float(value)
    except (TypeError, ValueError):
        raise TypeError(
            f"{name} must return a real number, got {type(value).__name__}"
        ) from None


def check_random_state(seed: Any, name: str = "seed") -> np.random.Generator:
    """Return a numpy ``Generator`` for ``seed``: ``None``, an integer or a Generator.

    A Generator is returned as it is, so that a caller can thread one stream of
    random numbers through several functions; ``None`` gives fresh entropy, and a
    non-negative integer a reproducible stream.
    """
    if isinstance(seed, np.random.Generator):
        return seed
    if seed is None:
        return np.random.default_rng()
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral):
        raise TypeError(
            f"{name} must be None, a non-negative integer or a numpy Generator, "
            f"got {type(seed).__name__}"
        )
    if seed < 0:
        raise ValueError(f"{name} must be a non-negative integer, got {seed}")
    return np.random.default_rng(int(seed))


# ---------------------------------------------------------------------------
# Arrays and matrices (optimal control, optimisation)
# ---------------------------------------------------------------------------


# ---------------------------------------------------------------------------
# Data, targets and networks (neural networks)
# ---------------------------------------------------------------------------

# The 1991-2010 networks (chunker, RBMs, deep MLPs, deformations).


def as_numeric_array(
    value: Any, name: str, ndim: int, shape_hint: str = ""
) -> np.ndarray:
    """Return ``value`` as a non-empty ``ndim``-D numeric array with finite entries.

    Boolean and integer arrays keep their dtype; ``shape_hint`` names the axes in the
    message, e.g. ``" (images x rows x columns)"``.
    """
    arr = np.asarray(value)
    if arr.dtype.kind not in "biuf":
        raise TypeError(f"{name} must be a numeric array, got dtype {arr.dtype}")
    if arr.ndim != ndim or min(arr.shape, default=0) == 0:
        raise ValueError(
            f"{name} must be a non-empty {ndim}-D array{shape_hint}, "
            f"got shape {arr.shape}"
        )
    if arr.dtype.kind == "f" and not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} contains non-finite values")
    return arr


def as_unit_interval_data(
    value: Any, name: str, columns: int | None = None, owner: str = ""
) -> np.ndarray:
    """Return ``value`` as a non-empty 2-D float array with entries in ``[0, 1]``.

    With ``columns``, the array must have that many columns; ``owner`` then says
    whose inputs they are in the message (e.g. ``"the RBM has 4 visible units"``).
    """
    try:
        arr = np.array(value, dtype=float)
    except (TypeError, ValueError):
        raise TypeError(f"{name} must be a numeric 2-D array") from None
    arr = as_numeric_array(arr, name, 2)
    if arr.min() < 0.0 or arr.max() > 1.0:
        raise ValueError(
            f"{name} must hold probabilities in [0, 1] (scale the data first), "
            f"got values from {arr.min()} to {arr.max()}"
        )
    if columns is not None and arr.shape[1] != columns:
        raise ValueError(f"{name} has {arr.shape[1]} columns but {owner}")
    return arr


# ---------------------------------------------------------------------------
# Automatic differentiation
# ---------------------------------------------------------------------------
