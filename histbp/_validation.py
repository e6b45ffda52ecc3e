"""The input checks of histbp, in one place; each error names the argument and fault.

Every public function of the package checks its arguments with these helpers (in the
manner of scikit-learn's ``utils.validation``), so the same mistake gets the same
message everywhere. The seeds of every random choice go through
:func:`check_random_state`.
"""

from __future__ import annotations

import numbers
from collections.abc import Sequence
from typing import Any

import numpy as np

__all__ = [
    "as_finite_array",
    "as_finite_vector",
    "as_lq_problem",
    "as_numeric_array",
    "as_position",
    "as_returned_array",
    "as_scalar",
    "as_spd_system",
    "as_symmetric",
    "as_unit_interval_data",
    "check_callable",
    "check_choice",
    "check_index",
    "check_int_or_int_tuple",
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


def as_finite_array(
    value: Any,
    name: str,
    ndim: int | None = None,
    shape: tuple[int, ...] | None = None,
) -> np.ndarray:
    """Return ``value`` as a finite float array, non-empty with ``ndim`` dimensions.

    ``shape``, if given, is the exact shape required. Data matrices, tables of
    costs, gain matrices and starting points all pass through here, e.g.
    ``as_finite_array(X, "X", 2)``; callers add their own checks of sizes.
    """
    try:
        arr = np.array(value, dtype=float)
    except (TypeError, ValueError):
        raise TypeError(
            f"{name} must be an array of real numbers, got {type(value).__name__}"
        ) from None
    if ndim is not None and (arr.ndim != ndim or arr.size == 0):
        raise ValueError(
            f"{name} must be a non-empty {ndim}-D array, got shape {arr.shape}"
        )
    if shape is not None and arr.shape != tuple(shape):
        raise ValueError(f"{name} has shape {arr.shape}; expected {tuple(shape)}")
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} contains non-finite values")
    return arr


def as_returned_array(
    value: Any,
    name: str,
    shape: tuple[int, ...],
    where: str = "",
    *,
    broadcast: bool = False,
) -> np.ndarray:
    """Return what a user's callable ``name`` returned as a finite array of ``shape``.

    ``where`` locates the call in the messages (e.g. ``" at stage 3"``); with
    ``broadcast`` a value that broadcasts to ``shape`` (a constant) is accepted.
    """
    arr = np.asarray(value, dtype=float)
    if broadcast and arr.shape != tuple(shape):
        try:
            arr = np.broadcast_to(arr, shape).copy()
        except ValueError:
            pass
    if arr.shape != tuple(shape):
        raise ValueError(
            f"{name} returned shape {arr.shape}{where}; expected {tuple(shape)}"
        )
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} returned non-finite values{where}")
    return arr


def check_index(value: Any, name: str, size: int) -> int:
    """Return ``value`` as an ``int`` in ``[0, size)``, or raise naming the range."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an integer, got {type(value).__name__}")
    if not 0 <= value < size:
        raise ValueError(f"{name} must lie in [0, {size - 1}], got {value}")
    return int(value)


def as_symmetric(
    value: Any, name: str, size: int, *, definite: bool = False
) -> np.ndarray:
    """Return a symmetric positive semidefinite (or definite) ``size x size`` matrix."""
    arr = as_finite_array(value, name, 2, (size, size))
    scale = max(float(np.max(np.abs(arr))), 1.0)
    if float(np.max(np.abs(arr - arr.T))) > 1e-12 * scale:
        raise ValueError(f"{name} must be symmetric")
    smallest = float(np.linalg.eigvalsh(arr)[0])
    if definite and smallest <= 0.0:
        raise ValueError(
            f"{name} must be positive definite; its smallest eigenvalue is {smallest}"
        )
    if smallest < -1e-12 * scale:
        raise ValueError(
            f"{name} must be positive semidefinite; its smallest eigenvalue is "
            f"{smallest}"
        )
    return arr


def as_lq_problem(
    A: Any, B: Any, Q: Any, R: Any, Q_final: Any
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Check and return the matrices of a linear-quadratic control problem.

    ``A`` is ``n x n``, ``B`` is ``n x m``, ``Q`` and ``Q_final`` are symmetric
    positive semidefinite ``n x n`` and ``R`` is symmetric positive definite
    ``m x m``.
    """
    A = as_finite_array(A, "A", 2)
    n = A.shape[0]
    if A.shape != (n, n):
        raise ValueError(f"A must be square, got shape {A.shape}")
    B = as_finite_array(B, "B", 2)
    if B.shape[0] != n:
        raise ValueError(
            f"B has shape {B.shape} but A has shape {A.shape}; expected B with {n} rows"
        )
    m = B.shape[1]
    Q = as_symmetric(Q, "Q", n)
    R = as_symmetric(R, "R", m, definite=True)
    Q_final = as_symmetric(Q_final, "Q_final", n)
    return A, B, Q, R, Q_final


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
    if columns is not None:
        check_columns(arr, name, columns, owner)
    return arr


def check_columns(arr: np.ndarray, name: str, columns: int, owner: str) -> np.ndarray:
    """Return the 2-D ``arr`` after checking that it has ``columns`` columns.

    ``owner`` completes the message ``"X has 3 columns but ..."``, e.g. ``"the
    network has 2 inputs"``.
    """
    if arr.shape[1] != columns:
        raise ValueError(f"{name} has {arr.shape[1]} columns but {owner}")
    return arr


def as_data_matrix(value: Any, name: str, min_columns: int = 1) -> np.ndarray:
    """Return ``value`` as a finite 2-D float array with at least ``min_columns``."""
    arr = _as_float_array(value, name, "a numeric 2-D array")
    if arr.ndim != 2 or arr.shape[0] == 0:
        raise ValueError(
            f"{name} must be a non-empty 2-D array (samples x features), "
            f"got shape {arr.shape}"
        )
    if arr.shape[1] < min_columns:
        raise ValueError(
            f"{name} must have at least {min_columns} columns, got {arr.shape[1]}"
        )
    return _finite(arr, name)


def as_targets(value: Any, name: str, n_samples: int, ndim: int = 1) -> np.ndarray:
    """Return finite float targets with ``n_samples`` rows and ``ndim`` dimensions."""
    arr = _as_float_array(value, name, "a numeric array")
    if arr.ndim != ndim:
        raise ValueError(f"{name} must be a {ndim}-D array, got shape {arr.shape}")
    if arr.shape[0] != n_samples:
        raise ValueError(
            f"{name} has {arr.shape[0]} samples but X has {n_samples}; "
            "they must have the same length"
        )
    return _finite(arr, name)


def as_labels(value: Any, name: str, n_samples: int) -> np.ndarray:
    """Return class labels as an int array of 0s and 1s with ``n_samples`` entries."""
    arr = as_targets(value, name, n_samples)
    if not np.all((arr == 0) | (arr == 1)):
        raise ValueError(f"{name} must hold class labels 0 and 1 only")
    return arr.astype(int)


def check_layer_sizes(value: Any, name: str) -> tuple[int, ...]:
    """Return the units per layer, inputs first, as positive ints (at least two)."""
    if isinstance(value, str | bytes) or not isinstance(value, Sequence):
        raise TypeError(
            f"{name} must be a sequence of positive integers, e.g. (6, 2, 1); "
            f"got {type(value).__name__}"
        )
    if len(value) < 2:
        raise ValueError(
            f"{name} needs at least an input and an output layer, "
            f"got {len(value)} entr{'y' if len(value) == 1 else 'ies'}"
        )
    return tuple(check_positive_int(n, f"{name}[{k}]") for k, n in enumerate(value))


def _as_float_array(value: Any, name: str, what: str) -> np.ndarray:
    try:
        return np.array(value, dtype=float)
    except (TypeError, ValueError):
        raise TypeError(f"{name} must be {what}, got {type(value).__name__}") from None


def _finite(arr: np.ndarray, name: str) -> np.ndarray:
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} contains non-finite values (NaN or infinity)")
    return arr


# ---------------------------------------------------------------------------
# Automatic differentiation
# ---------------------------------------------------------------------------


def check_choice(value: Any, name: str, choices: tuple[str, ...]) -> str:
    """Return ``value`` if it is one of ``choices``, or raise ``ValueError``."""
    if value not in choices:
        options = ", ".join(repr(c) for c in choices[:-1]) + f" or {choices[-1]!r}"
        raise ValueError(f"{name} must be {options}, got {value!r}")
    return value


def check_int_or_int_tuple(value: Any, name: str) -> tuple[tuple[int, ...], bool]:
    """Return ``value`` as a tuple of ints and whether it was a single int.

    Raises ``TypeError`` unless ``value`` is an int or a tuple of ints (``bool`` is
    refused), ``ValueError`` for an empty tuple.
    """
    single = not isinstance(value, tuple)
    values = (value,) if single else value
    if not values:
        raise ValueError(f"{name} is an empty tuple: name at least one argument")
    for v in values:
        if isinstance(v, bool) or not isinstance(v, numbers.Integral):
            got = f"{type(v).__name__} {v!r}"
            raise TypeError(f"{name} must be an int or a tuple of ints, got {got}")
    return tuple(int(v) for v in values), single


def as_position(index: int, size: int, name: str, what: str) -> int:
    """Return ``index`` (negative counts from the end) as a position in ``range(size)``.

    ``what`` says what ``size`` counts, for the message of the ``ValueError``
    raised when ``index`` is out of range.
    """
    if not -size <= index < size:
        raise ValueError(f"{name} {index} is out of range: {what}")
    return index % size


def as_finite_number(value: Any, name: str, *, real: bool = False) -> Any:
    """Return ``value`` as a finite ``complex`` (a finite ``float`` if ``real``)."""
    kind = numbers.Real if real else numbers.Number
    if isinstance(value, bool) or not isinstance(value, kind):
        what = "a real number" if real else "a number"
        raise TypeError(f"{name} must be {what}, got {type(value).__name__}")
    z = float(value) if real else complex(value)
    if not np.isfinite(z):
        raise ValueError(f"{name} must be finite, got {value!r}")
    return z


def as_square_matrix(value: Any, name: str) -> np.ndarray:
    """Return ``value`` as a finite, non-empty square float (or complex) array."""
    arr = np.array(value)
    if arr.dtype.kind in "biuf":
        arr = arr.astype(float)
    elif arr.dtype.kind != "c":
        raise TypeError(f"{name} must be a numeric matrix, got dtype {arr.dtype}")
    if arr.ndim != 2 or arr.shape[0] != arr.shape[1] or arr.size == 0:
        raise ValueError(
            f"{name} must be a non-empty square matrix, got shape {arr.shape}"
        )
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} contains non-finite values")
    return arr
