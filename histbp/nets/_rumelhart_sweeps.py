"""The training loop: one batch update per sweep, with momentum.

The loop works on a list of weight matrices that may carry a leading axis of
independent copies, so a single network and a whole ensemble of seeds share it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from histbp.nets._rumelhart_passes import backward, forward

__all__ = ["SweepLog", "run_sweeps"]


@dataclass(frozen=True, slots=True)
class SweepLog:
    """What :func:`run_sweeps` records; the public results repackage it.

    ``errors`` and ``worst`` have one row per forward pass (before each update and
    after the last); ``first`` holds the number of updates after which the
    criterion first held, ``-1`` where it never did; ``updates`` is the number of
    sweeps that changed the weights of at least one copy.
    """

    errors: np.ndarray
    worst: np.ndarray
    first: np.ndarray
    updates: int


def run_sweeps(
    weights: list[np.ndarray],
    steps: list[np.ndarray],
    masks: Sequence[np.ndarray],
    inputs: np.ndarray,
    targets: np.ndarray,
    *,
    learning_rate: float,
    momentum: float,
    margin: float,
    weight_decay: float,
    sweeps: int,
    tol: float,
    stop: bool,
) -> SweepLog:
    """Train in place for up to ``sweeps`` batch updates.

    Each sweep runs the forward pass on all patterns, checks the criterion
    ``max |y - d| < tol`` for every copy and, for the copies still training,
    changes every weight by ``dw(t) = -learning_rate dE/dw + momentum dw(t-1)``
    (``dw(t-1)`` is held in ``steps``, so it carries over between calls), then
    shrinks it by the factor ``1 - weight_decay``. Weights whose mask entry is
    zero get no gradient and stay at zero. With ``stop`` a copy freezes once it
    meets the criterion, and the loop ends when every copy has.
    """
    if weights[0].ndim == 2:
        return _run_one(
            weights,
            steps,
            masks,
            inputs,
            targets,
            rates=(learning_rate, momentum, margin, weight_decay),
            sweeps=sweeps,
            tol=tol,
            stop=stop,
        )
    copies = weights[0].shape[0]
    first = np.full(copies, -1, dtype=np.int64)
    # The working set: the copies still training, gathered so that converged
    # copies cost nothing; it is repacked when a quarter of it has converged.
    idx = np.arange(copies)
    work = [w.copy() for w in weights]
    work_steps = [dw.copy() for dw in steps]
    errors = [np.zeros(copies)]
    worst = [np.zeros(copies)]
    updates = 0
    for t in range(sweeps + 1):
        activities = forward(work, inputs)
        error, gradients = backward(work, activities, targets, margin)
        gap = np.abs(activities[-1] - targets).max(axis=(-2, -1))
        errors.append(errors[-1].copy())
        errors[-1][idx] = error
        worst.append(worst[-1].copy())
        worst[-1][idx] = gap
        first[idx[(first[idx] < 0) & (gap < tol)]] = t
        live = first[idx] < 0 if stop else np.ones(idx.size, dtype=bool)
        if t == sweeps or not live.any():
            break
        if not live.all() and live.sum() < 0.75 * idx.size:
            _scatter(weights, steps, work, work_steps, idx)
            idx = idx[live]
            work = [w[idx] for w in weights]
            work_steps = [dw[idx] for dw in steps]
            gradients = [g[live] for g in gradients]
            live = live[live]
        scale = live[:, None, None].astype(float)
        for w, dw, g, mask in zip(work, work_steps, gradients, masks, strict=True):
            g *= mask
            dw *= momentum
            g *= learning_rate
            dw -= g
            dw *= scale
            w += dw
            if weight_decay > 0.0:
                w -= (weight_decay * scale) * w
        updates += 1
    _scatter(weights, steps, work, work_steps, idx)
    return SweepLog(np.array(errors[1:]), np.array(worst[1:]), first, updates)


def _scatter(
    weights: list[np.ndarray],
    steps: list[np.ndarray],
    work: list[np.ndarray],
    work_steps: list[np.ndarray],
    idx: np.ndarray,
) -> None:
    """Write the working set back into the full arrays, in place."""
    for w, dw, ww, wdw in zip(weights, steps, work, work_steps, strict=True):
        w[idx] = ww
        dw[idx] = wdw


def _run_one(
    weights: list[np.ndarray],
    steps: list[np.ndarray],
    masks: Sequence[np.ndarray],
    inputs: np.ndarray,
    targets: np.ndarray,
    *,
    rates: tuple[float, float, float, float],
    sweeps: int,
    tol: float,
    stop: bool,
) -> SweepLog:
    """The same loop for a single network, with scalar bookkeeping."""
    learning_rate, momentum, margin, weight_decay = rates
    first = -1
    errors: list[float] = []
    worst: list[float] = []
    updates = 0
    full = [bool(m.all()) for m in masks]
    for t in range(sweeps + 1):
        activities = forward(weights, inputs)
        error, gradients = backward(weights, activities, targets, margin)
        gap = float(np.abs(activities[-1] - targets).max())
        errors.append(float(error))
        worst.append(gap)
        if first < 0 and gap < tol:
            first = t
        if t == sweeps or (stop and first >= 0):
            break
        for w, dw, g, mask, dense in zip(
            weights, steps, gradients, masks, full, strict=True
        ):
            if not dense:
                g *= mask
            dw *= momentum
            g *= learning_rate
            dw -= g
            w += dw
            if weight_decay > 0.0:
                w *= 1.0 - weight_decay
        updates += 1
    return SweepLog(np.array(errors), np.array(worst), np.array(first), updates)
