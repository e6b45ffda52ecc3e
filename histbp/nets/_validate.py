"""Private input checks for histbp.nets: data matrices, targets, labels, networks."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

__all__ = [
    "as_data_matrix",
    "as_labels",
    "as_network",
    "as_targets",
    "make_rng",
]


def as_data_matrix(value: Any, name: str, min_columns: int = 1) -> np.ndarray:
    """Return ``value`` as a finite 2-D float array with at least ``min_columns``."""
    try:
        arr = np.array(value, dtype=float)
    except (TypeError, ValueError):
        raise TypeError(
            f"{name} must be a numeric 2-D array, got {type(value).__name__}"
        ) from None
    if arr.ndim != 2 or arr.shape[0] == 0:
        raise ValueError(
            f"{name} must be a non-empty 2-D array (samples x features), "
            f"got shape {arr.shape}"
        )
    if arr.shape[1] < min_columns:
        raise ValueError(
            f"{name} must have at least {min_columns} columns, got {arr.shape[1]}"
        )
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} contains non-finite values (NaN or infinity)")
    return arr


def as_targets(value: Any, name: str, n_samples: int, ndim: int = 1) -> np.ndarray:
    """Return finite float targets with ``n_samples`` rows and ``ndim`` dimensions."""
    try:
        arr = np.array(value, dtype=float)
    except (TypeError, ValueError):
        raise TypeError(
            f"{name} must be a numeric array, got {type(value).__name__}"
        ) from None
    if arr.ndim != ndim:
        raise ValueError(f"{name} must be a {ndim}-D array, got shape {arr.shape}")
    if arr.shape[0] != n_samples:
        raise ValueError(
            f"{name} has {arr.shape[0]} samples but X has {n_samples}; "
            "they must have the same length"
        )
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} contains non-finite values (NaN or infinity)")
    return arr


def as_labels(value: Any, name: str, n_samples: int) -> np.ndarray:
    """Return class labels as an int array of 0s and 1s with ``n_samples`` entries."""
    arr = as_targets(value, name, n_samples)
    if not np.all((arr == 0) | (arr == 1)):
        raise ValueError(f"{name} must hold class labels 0 and 1 only")
    return arr.astype(int)


def as_network(
    weights: Sequence[Any], biases: Sequence[Any], n_inputs: int | None = None
) -> tuple[tuple[np.ndarray, ...], tuple[np.ndarray, ...]]:
    """Check a layered network's weights and biases and return them as float arrays.

    ``weights[l]`` has shape ``(n_{l+1}, n_l)`` and ``biases[l]`` shape
    ``(n_{l+1},)``; consecutive layers must fit together, and the first must take
    ``n_inputs`` inputs when that is given.
    """
    if isinstance(weights, np.ndarray) or isinstance(biases, np.ndarray):
        raise TypeError("weights and biases must be sequences of arrays, one per layer")
    ws = tuple(np.array(w, dtype=float) for w in weights)
    bs = tuple(np.array(b, dtype=float) for b in biases)
    if not ws:
        raise ValueError("weights must hold at least one layer")
    if len(ws) != len(bs):
        raise ValueError(
            f"weights has {len(ws)} layers but biases has {len(bs)}; "
            "give one bias vector per weight matrix"
        )
    width = n_inputs
    for layer, (w, b) in enumerate(zip(ws, bs, strict=True)):
        if w.ndim != 2 or w.size == 0:
            raise ValueError(
                f"weights[{layer}] must be a non-empty 2-D array, got shape {w.shape}"
            )
        if width is not None and w.shape[1] != width:
            what = "X has" if layer == 0 else f"layer {layer - 1} has"
            unit = "columns" if layer == 0 else "outputs"
            raise ValueError(
                f"weights[{layer}] has shape {w.shape} but {what} {width} {unit}; "
                f"expected {width} columns"
            )
        if b.shape != (w.shape[0],):
            raise ValueError(
                f"biases[{layer}] has shape {b.shape}; expected ({w.shape[0]},) "
                f"to match weights[{layer}] of shape {w.shape}"
            )
        if not (np.all(np.isfinite(w)) and np.all(np.isfinite(b))):
            raise ValueError(f"layer {layer} contains non-finite weights or biases")
        width = w.shape[0]
    return ws, bs


def as_layered_problem(
    weights: Sequence[Any], biases: Sequence[Any], X: Any, D: Any
) -> tuple[tuple[np.ndarray, ...], tuple[np.ndarray, ...], np.ndarray, np.ndarray]:
    """Check a layered network with its patterns ``X`` and targets ``D``.

    Returns the weights, biases, ``X`` and ``D`` as float arrays; ``D`` must have
    one row per pattern and one column per output of the network.
    """
    X = as_data_matrix(X, "X")
    ws, bs = as_network(weights, biases, X.shape[1])
    D = as_targets(D, "D", X.shape[0], ndim=2)
    if D.shape[1] != ws[-1].shape[0]:
        raise ValueError(
            f"D has {D.shape[1]} columns but the network has {ws[-1].shape[0]} outputs"
        )
    return ws, bs, X, D


def make_rng(seed: Any, name: str = "seed") -> np.random.Generator:
    """Return a numpy Generator from ``None``, an integer or a Generator."""
    if isinstance(seed, np.random.Generator):
        return seed
    if seed is None or (
        isinstance(seed, (int, np.integer)) and not isinstance(seed, bool)
    ):
        if seed is not None and seed < 0:
            raise ValueError(f"{name} must be a non-negative integer, got {seed}")
        return np.random.default_rng(seed)
    raise TypeError(
        f"{name} must be None, a non-negative integer or a numpy Generator, "
        f"got {type(seed).__name__}"
    )
