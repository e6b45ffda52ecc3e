"""Carry a piecewise-constant control history over to a different grid."""

from __future__ import annotations

from typing import Any

import numpy as np

__all__ = ["resample_controls"]


def resample_controls(values: Any, n_steps: int, name: str) -> np.ndarray:
    """Return ``values`` (one per step of some uniform grid) on ``n_steps`` steps.

    The values are read as samples at the midpoints of their steps and linearly
    interpolated to the midpoints of the new grid, so that a solution found on a
    coarse grid can start the iteration on a finer one.
    """
    v = np.array(values, dtype=float)
    if v.ndim != 1 or v.size == 0:
        raise ValueError(f"{name} must be a non-empty 1-D array, got shape {v.shape}")
    if not np.all(np.isfinite(v)):
        raise ValueError(f"{name} contains non-finite values")
    if v.size == n_steps:
        return v
    old = (np.arange(v.size) + 0.5) / v.size
    new = (np.arange(n_steps) + 0.5) / n_steps
    return np.interp(new, old, v)
