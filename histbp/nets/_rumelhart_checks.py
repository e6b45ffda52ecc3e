"""Input checks for the 1986 network; every message names the argument."""

from __future__ import annotations

import itertools
import numbers
from collections.abc import Sequence
from typing import Any

import numpy as np

from histbp._validation import check_positive_int

__all__ = [
    "as_connections",
    "as_layer_sizes",
    "as_patterns",
    "as_seed",
    "as_seeds",
    "as_weights",
]


def as_layer_sizes(value: Any) -> tuple[int, ...]:
    """Return the unit counts per layer, inputs first, at least two layers."""
    if isinstance(value, str | bytes) or not isinstance(value, Sequence):
        raise TypeError(
            "layer_sizes must be a sequence of positive integers, e.g. (6, 2, 1); "
            f"got {type(value).__name__}"
        )
    if len(value) < 2:
        raise ValueError(
            "layer_sizes needs at least an input and an output layer, "
            f"got {len(value)} entr{'y' if len(value) == 1 else 'ies'}"
        )
    return tuple(
        check_positive_int(n, f"layer_sizes[{k}]") for k, n in enumerate(value)
    )


def as_connections(value: Any, sizes: tuple[int, ...]) -> tuple[np.ndarray, ...]:
    """Return one 0/1 mask per layer of weights, shape ``(n_out, n_in + 1)``.

    ``value`` is ``None`` (everything connected) or a sequence with one entry per
    layer of weights, each ``None`` or a boolean array of shape ``(n_out, n_in)``.
    The bias column is always connected.
    """
    pairs = list(itertools.pairwise(sizes))
    if value is None:
        value = [None] * len(pairs)
    if isinstance(value, np.ndarray) or not isinstance(value, Sequence):
        raise TypeError(
            "connections must be None or a sequence with one entry per layer of "
            f"weights, got {type(value).__name__}"
        )
    if len(value) != len(pairs):
        raise ValueError(
            f"connections has {len(value)} entries but layer_sizes {sizes} has "
            f"{len(pairs)} layers of weights"
        )
    masks = []
    for k, ((n_in, n_out), entry) in enumerate(zip(pairs, value, strict=True)):
        mask = np.ones((n_out, n_in + 1))
        if entry is not None:
            arr = np.asarray(entry)
            if arr.dtype != bool:
                raise TypeError(
                    f"connections[{k}] must be a boolean array, got dtype {arr.dtype}"
                )
            if arr.shape != (n_out, n_in):
                raise ValueError(
                    f"connections[{k}] has shape {arr.shape}; expected "
                    f"({n_out}, {n_in}) for {n_in} units feeding {n_out}"
                )
            mask[:, :-1] = arr
        masks.append(mask)
    return tuple(masks)


def as_seed(value: Any, name: str = "seed") -> int | None:
    """Return ``value`` unless it is neither ``None`` nor a non-negative integer."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(
            f"{name} must be None or an integer, got {type(value).__name__}"
        )
    if value < 0:
        raise ValueError(f"{name} must be non-negative, got {value}")
    return int(value)


def as_seeds(value: Any) -> tuple[int, ...]:
    """Return a non-empty tuple of distinct non-negative integer seeds."""
    if isinstance(value, str | bytes) or not isinstance(value, Sequence | range):
        raise TypeError(
            f"seeds must be a sequence of integers, got {type(value).__name__}"
        )
    if len(value) == 0:
        raise ValueError("seeds must not be empty")
    seeds = tuple(as_seed(s, f"seeds[{k}]") for k, s in enumerate(value))
    if len(set(seeds)) != len(seeds):
        raise ValueError("seeds must be distinct")
    return seeds  # type: ignore[return-value]


def as_patterns(
    value: Any, name: str, columns: int, rows: int | None = None
) -> np.ndarray:
    """Return a finite 2-D float array with ``columns`` columns (and ``rows`` rows)."""
    try:
        arr = np.array(value, dtype=float)
    except (TypeError, ValueError):
        raise TypeError(
            f"{name} must be a numeric 2-D array, got {type(value).__name__}"
        ) from None
    if arr.ndim != 2 or arr.shape[0] == 0:
        raise ValueError(
            f"{name} must be a non-empty 2-D array (patterns x units), "
            f"got shape {arr.shape}"
        )
    if arr.shape[1] != columns:
        raise ValueError(
            f"{name} has {arr.shape[1]} columns but the network has {columns} "
            f"{'input' if name == 'X' else 'output'} units"
        )
    if rows is not None and arr.shape[0] != rows:
        raise ValueError(f"{name} has {arr.shape[0]} rows but X has {rows}")
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} contains non-finite values")
    return arr


def as_weights(
    value: Any, masks: tuple[np.ndarray, ...], lead: tuple[int, ...]
) -> list[np.ndarray]:
    """Return new weights as float copies after checking their shapes and masks."""
    if isinstance(value, np.ndarray) or not isinstance(value, Sequence):
        raise TypeError(
            "weights must be a sequence of arrays, one per layer of weights, "
            f"got {type(value).__name__}"
        )
    if len(value) != len(masks):
        raise ValueError(
            f"weights has {len(value)} entries; the network has {len(masks)} "
            "layers of weights"
        )
    out = []
    for k, (w, mask) in enumerate(zip(value, masks, strict=True)):
        arr = np.array(w, dtype=float)
        if arr.shape != lead + mask.shape:
            raise ValueError(
                f"weights[{k}] has shape {arr.shape}; expected {lead + mask.shape}"
            )
        if not np.all(np.isfinite(arr)):
            raise ValueError(f"weights[{k}] contains non-finite values")
        if np.any(arr * (1.0 - mask) != 0.0):
            raise ValueError(
                f"weights[{k}] is non-zero where connections leaves units unconnected"
            )
        out.append(arr)
    return out
