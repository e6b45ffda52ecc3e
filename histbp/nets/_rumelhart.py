"""Rumelhart, Hinton and Williams (1985/86): the passes and the training loop.

Every layer's weights are one matrix of shape ``(n_out, n_in + 1)``: the last column
holds the weights from a unit that is always on, that is the biases, as in the
paper's notation. The forward pass computes every layer's logistic activities, the
backward pass (:func:`generalized_delta_rule`) the error and its derivatives, and
:func:`run_sweeps` makes one batch update with momentum per sweep. All three accept
an optional leading axis on the weights, ``(copies, n_out, n_in + 1)``, so that
several independent networks run side by side with the same arithmetic.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from histbp._validation import as_data_matrix, check_columns, check_random_state
from histbp.nets._layers import logistic

__all__ = [
    "BackpropFitResult",
    "EnsembleFitResult",
    "SweepLog",
    "SweepOptions",
    "as_connections",
    "as_patterns",
    "as_seeds",
    "as_weights",
    "forward_pass",
    "generalized_delta_rule",
    "run_sweeps",
]


def _net_input(weights: np.ndarray, below: np.ndarray) -> np.ndarray:
    """``x_j = sum_i y_i w_ji`` plus the weight from the always-on unit."""
    x = below @ weights[..., :-1].swapaxes(-1, -2)
    x += weights[..., None, :, -1]
    return x


def forward_pass(weights: Sequence[np.ndarray], inputs: np.ndarray) -> list[np.ndarray]:
    """Run the forward pass and return the activity of every layer.

    Parameters
    ----------
    weights
        One matrix per layer of connections, shape ``(n_out, n_in + 1)`` (or with a
        leading axis of independent copies); the last column is the bias.
    inputs
        Input patterns, one per row, shape ``(patterns, n_in)``.

    Returns
    -------
    list of numpy.ndarray
        ``[inputs, y_1, ..., y_L]``: the input patterns and then the logistic
        activities of each layer, shape ``(patterns, n_k)`` (with the leading copies
        axis after the first layer if the weights have one).

    References
    ----------
    Rumelhart, Hinton and Williams (1986) [rumelhart1986].
    """
    activities = [inputs]
    for w in weights:
        activities.append(logistic(_net_input(w, activities[-1])))
    return activities


def generalized_delta_rule(
    weights: Sequence[np.ndarray],
    activities: Sequence[np.ndarray],
    targets: np.ndarray,
    margin: float = 0.0,
) -> tuple[np.ndarray, list[np.ndarray]]:
    """The backward pass of the generalized delta rule: ``E`` and ``dE/dw``.

    With ``E = 1/2 sum_c sum_j (y_jc - d_jc)^2`` over patterns ``c`` and output units
    ``j``, the pass computes, from the output layer down,

    - ``delta = dE/dx = (y - d) y (1 - y)`` at the output units,
    - ``dE/dw_ji = sum_c delta_jc y_ic`` for the weights into layer ``k``, with
      ``y_i = 1`` for the bias,
    - ``delta_below = y (1 - y) * (W^T delta)``, the weights taken without their
      bias column, for the layer below.

    The arguments are not checked (the training loop calls this once per sweep);
    :meth:`BackpropNet.gradient` is the checked way in.

    Parameters
    ----------
    weights
        The weights used in the forward pass.
    activities
        ``[inputs, y_1, ..., y_L]``, every layer's activities from the forward
        pass with the same weights (as ``BackpropNet.activities`` returns them).
    targets
        Desired outputs ``d``, shape ``(patterns, n_L)``.
    margin
        Outputs within ``margin`` of their target count as correct: their term
        is left out of ``E`` and sends back no error. Zero (the default) keeps
        every term.

    Returns
    -------
    error : numpy.ndarray
        ``E`` summed over all patterns: a 0-d array, or one value per copy.
    gradients : list of numpy.ndarray
        ``dE/dw`` for each weight matrix, of the same shape as the weights.

    References
    ----------
    Rumelhart, Hinton and Williams (1985) [rumelhart1985];
    Rumelhart, Hinton and Williams (1986) [rumelhart1986].
    """
    y = activities[-1]
    diff = y - targets
    if margin > 0.0:
        diff[np.abs(diff) < margin] = 0.0
    error = 0.5 * (diff * diff).sum(axis=(-2, -1))
    delta = diff * y * (1.0 - y)
    ones = np.ones(delta.shape[-2])  # the always-on unit, once per pattern
    gradients: list[np.ndarray] = [np.empty(0)] * len(weights)
    for k in range(len(weights) - 1, -1, -1):
        below = activities[k]
        grad = np.empty_like(weights[k])
        grad[..., :-1] = delta.swapaxes(-1, -2) @ below
        grad[..., -1] = ones @ delta
        gradients[k] = grad
        if k > 0:
            delta = delta @ weights[k][..., :-1]
            delta *= below * (1.0 - below)
    return error, gradients


@dataclass(frozen=True, slots=True)
class BackpropFitResult:
    """How one network's training went.

    Attributes
    ----------
    errors
        ``E = 1/2 sum (y - d)^2`` over all patterns and output units, before each
        weight update and after the last one: shape ``(sweeps + 1,)``.
    max_deviation
        The largest ``|y - d|`` over all patterns and outputs at the same moments.
    sweeps
        The number of sweeps (batch weight updates) made.
    tol
        The convergence criterion: every output within ``tol`` of its target,
        ``max |y - d| < tol``. With 0/1 targets, ``tol = 0.5`` means every output
        lies on the correct side of 0.5.
    sweeps_to_converge
        The number of sweeps after which the criterion first held, or ``None`` if
        it never did.
    converged
        Whether the criterion holds for the final weights.
    """

    errors: np.ndarray
    max_deviation: np.ndarray
    sweeps: int
    tol: float
    sweeps_to_converge: int | None
    converged: bool


@dataclass(frozen=True, slots=True)
class EnsembleFitResult:
    """How the training of several independently seeded networks went.

    Attributes
    ----------
    seeds
        The seeds of the networks, in the order of the second axis below.
    errors
        ``E`` for each network before each sweep and after the last, shape
        ``(sweeps + 1, networks)``. A network that stopped early keeps its value.
    max_deviation
        The largest ``|y - d|`` for each network at the same moments.
    sweeps
        The number of sweeps run (the slowest network's count).
    tol
        The convergence criterion ``max |y - d| < tol``, as in
        :class:`BackpropFitResult`.
    sweeps_to_converge
        For each network the number of sweeps after which the criterion first
        held, ``-1`` where it never did; integer array of shape ``(networks,)``.
    converged
        For each network, whether the criterion holds for its final weights.
    """

    seeds: tuple[int, ...]
    errors: np.ndarray
    max_deviation: np.ndarray
    sweeps: int
    tol: float
    sweeps_to_converge: np.ndarray
    converged: np.ndarray

    def converged_sweeps(self) -> np.ndarray:
        """Return the sweeps to convergence of the networks that converged."""
        return self.sweeps_to_converge[self.sweeps_to_converge >= 0]


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


@dataclass(frozen=True, slots=True)
class SweepOptions:
    """The settings of :func:`run_sweeps`, checked by the caller."""

    learning_rate: float
    momentum: float
    margin: float
    weight_decay: float
    sweeps: int
    tol: float
    stop: bool


def run_sweeps(
    weights: list[np.ndarray],
    steps: list[np.ndarray],
    masks: Sequence[np.ndarray],
    patterns: tuple[np.ndarray, np.ndarray],
    options: SweepOptions,
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
        return _run_one((weights, steps, masks), patterns, options)
    inputs, targets = patterns
    learning_rate, momentum, margin = (
        options.learning_rate,
        options.momentum,
        options.margin,
    )
    weight_decay, sweeps, tol, stop = (
        options.weight_decay,
        options.sweeps,
        options.tol,
        options.stop,
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
        activities = forward_pass(work, inputs)
        error, gradients = generalized_delta_rule(work, activities, targets, margin)
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
    net: tuple[list[np.ndarray], list[np.ndarray], Sequence[np.ndarray]],
    patterns: tuple[np.ndarray, np.ndarray],
    o: SweepOptions,
) -> SweepLog:
    """The same loop for a single network, with scalar bookkeeping."""
    weights, steps, masks = net
    inputs, targets = patterns
    learning_rate, momentum, margin, weight_decay = (
        o.learning_rate,
        o.momentum,
        o.margin,
        o.weight_decay,
    )
    sweeps, tol, stop = o.sweeps, o.tol, o.stop
    first = -1
    errors: list[float] = []
    worst: list[float] = []
    updates = 0
    full = [bool(m.all()) for m in masks]
    for t in range(sweeps + 1):
        activities = forward_pass(weights, inputs)
        error, gradients = generalized_delta_rule(weights, activities, targets, margin)
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


# ----- checks of the augmented-matrix format and its options ---------------------


def _check_one_per_layer(
    value: Any, name: str, what: str, layers: int, owner: str
) -> None:
    """Check that ``value`` is a sequence (not an array) of ``layers`` entries."""
    if isinstance(value, np.ndarray) or not isinstance(value, Sequence):
        raise TypeError(f"{name} must be {what}, got {type(value).__name__}")
    if len(value) != layers:
        raise ValueError(
            f"{name} has {len(value)} entries but {owner} has {layers} "
            "layers of weights"
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
    _check_one_per_layer(
        value,
        "connections",
        "None or a sequence with one entry per layer of weights",
        len(pairs),
        f"layer_sizes {sizes}",
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


def as_seeds(value: Any) -> tuple[Any, ...]:
    """Return the seeds as a non-empty tuple of distinct values (each checked later)."""
    if isinstance(value, str | bytes) or not isinstance(value, Sequence | range):
        raise TypeError(
            f"seeds must be a sequence of integers, got {type(value).__name__}"
        )
    if len(value) == 0:
        raise ValueError("seeds must not be empty")
    for k, s in enumerate(value):
        check_random_state(s, f"seeds[{k}]")
    seeds = tuple(int(s) if s is not None else None for s in value)
    if len(set(seeds)) != len(seeds):
        raise ValueError("seeds must be distinct")
    return seeds


def as_patterns(
    value: Any, name: str, columns: int, rows: int | None = None
) -> np.ndarray:
    """Return a finite 2-D float array with ``columns`` columns (and ``rows`` rows)."""
    arr = as_data_matrix(value, name)
    kind = "input" if name == "X" else "output"
    check_columns(arr, name, columns, f"the network has {columns} {kind} units")
    if rows is not None and arr.shape[0] != rows:
        raise ValueError(f"{name} has {arr.shape[0]} rows but X has {rows}")
    return arr


def as_weights(
    value: Any, masks: tuple[np.ndarray, ...], lead: tuple[int, ...]
) -> list[np.ndarray]:
    """Return new weights as float copies after checking their shapes and masks."""
    _check_one_per_layer(
        value,
        "weights",
        "a sequence of arrays, one per layer of weights",
        len(masks),
        "the network",
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
