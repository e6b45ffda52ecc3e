"""The records that training hands back: errors per sweep and sweeps to converge."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["EnsembleHistory", "TrainingHistory"]


@dataclass(frozen=True, slots=True)
class TrainingHistory:
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
class EnsembleHistory:
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
        :class:`TrainingHistory`.
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
