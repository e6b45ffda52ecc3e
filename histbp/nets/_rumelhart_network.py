"""Layered networks of logistic units trained by batch backpropagation with momentum.

:class:`BackpropNet` is one network; :class:`BackpropEnsemble` is several networks of
the same shape, each from its own seed, trained side by side with the same
arithmetic (their weights carry a leading axis). Both use the passes of
:mod:`histbp.nets._rumelhart_passes` and the loop of
:mod:`histbp.nets._rumelhart_sweeps`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from histbp._validation import check_positive_int, check_real
from histbp.nets._rumelhart_checks import (
    as_connections,
    as_layer_sizes,
    as_patterns,
    as_seed,
    as_seeds,
    as_weights,
)
from histbp.nets._rumelhart_passes import backward, forward
from histbp.nets._rumelhart_results import EnsembleHistory, TrainingHistory
from histbp.nets._rumelhart_sweeps import SweepLog, run_sweeps

__all__ = ["BackpropEnsemble", "BackpropNet"]


def _initial_weights(
    seed: int | None, init_range: float, masks: tuple[np.ndarray, ...]
) -> list[np.ndarray]:
    """Draw every weight (biases included) uniformly from ``(-r, r)``."""
    rng = np.random.default_rng(seed)
    return [rng.uniform(-init_range, init_range, mask.shape) * mask for mask in masks]


class _Layered:
    """What the single network and the ensemble share.

    ``_lead`` is ``()`` or ``(copies,)``, the leading axis of every weight array.
    """

    def __init__(
        self,
        layer_sizes: Sequence[int],
        seeds: tuple[int | None, ...],
        *,
        learning_rate: float,
        momentum: float,
        init_range: float,
        connections: Sequence[Any] | None,
        margin: float,
        weight_decay: float,
        single: bool,
    ) -> None:
        self.layer_sizes = as_layer_sizes(layer_sizes)
        self.learning_rate = check_real(
            learning_rate, "learning_rate", low=0.0, low_open=True
        )
        self.momentum = check_real(
            momentum, "momentum", low=0.0, high=1.0, high_open=True
        )
        self.init_range = check_real(init_range, "init_range", low=0.0)
        self.margin = check_real(margin, "margin", low=0.0, high=1.0, high_open=True)
        self.weight_decay = check_real(
            weight_decay, "weight_decay", low=0.0, high=1.0, high_open=True
        )
        self._masks = as_connections(connections, self.layer_sizes)
        drawn = [_initial_weights(s, self.init_range, self._masks) for s in seeds]
        if single:
            self._lead: tuple[int, ...] = ()
            self._weights = drawn[0]
        else:
            self._lead = (len(seeds),)
            self._weights = [np.stack(ws) for ws in zip(*drawn, strict=True)]
        self._steps = [np.zeros_like(w) for w in self._weights]

    @property
    def weights(self) -> tuple[np.ndarray, ...]:
        """Copies of the weight matrices, one per layer of connections.

        Matrix ``k`` has shape ``(n_{k+1}, n_k + 1)`` (with a leading axis of
        networks for an ensemble): row ``j`` holds the weights into unit ``j`` of
        layer ``k + 1``, and its last entry is the weight from the unit that is
        always on, the bias.
        """
        return tuple(w.copy() for w in self._weights)

    @property
    def connections(self) -> tuple[np.ndarray, ...]:
        """Boolean masks, one per layer of weights, of which weights exist."""
        return tuple(m[:, :-1].astype(bool) for m in self._masks)

    def set_weights(self, weights: Sequence[Any]) -> None:
        """Replace the weights (copied) and forget the previous weight changes.

        Raises
        ------
        ValueError
            If the number or shapes of the matrices do not match the network, if
            an entry is not finite, or if a weight is non-zero where
            ``connections`` leaves two units unconnected.
        """
        self._weights = as_weights(weights, self._masks, self._lead)
        self._steps = [np.zeros_like(w) for w in self._weights]

    def _inputs(self, X: Any) -> np.ndarray:
        return as_patterns(X, "X", self.layer_sizes[0])

    def _targets(self, Y: Any, rows: int) -> np.ndarray:
        arr = as_patterns(Y, "Y", self.layer_sizes[-1], rows)
        if np.any((arr < 0.0) | (arr > 1.0)):
            raise ValueError(
                "Y must lie in [0, 1]: logistic output units cannot reach targets "
                f"outside it (got values from {arr.min()} to {arr.max()})"
            )
        return arr

    def activities(self, X: Any) -> tuple[np.ndarray, ...]:
        """Return the activity of every layer for the patterns ``X``.

        Parameters
        ----------
        X
            Input patterns, shape ``(patterns, layer_sizes[0])``.

        Returns
        -------
        tuple of numpy.ndarray
            ``(X, y_1, ..., y_L)``, layer ``k`` of shape ``(patterns, n_k)``
            (preceded by the networks axis for an ensemble, except ``X``).
        """
        return tuple(forward(self._weights, self._inputs(X)))

    def predict(self, X: Any) -> np.ndarray:
        """Return the output units' activities for the patterns ``X``."""
        return forward(self._weights, self._inputs(X))[-1]

    def _error_and_gradient(
        self, X: Any, Y: Any
    ) -> tuple[np.ndarray, list[np.ndarray]]:
        inputs = self._inputs(X)
        targets = self._targets(Y, inputs.shape[0])
        error, grads = backward(
            self._weights, forward(self._weights, inputs), targets, self.margin
        )
        return error, [g * m for g, m in zip(grads, self._masks, strict=True)]

    def _train(
        self,
        X: Any,
        Y: Any,
        sweeps: int,
        tol: float,
        until_converged: bool,
        learning_rate: float | None,
        momentum: float | None,
    ) -> SweepLog:
        inputs = self._inputs(X)
        targets = self._targets(Y, inputs.shape[0])
        sweeps = check_positive_int(sweeps, "sweeps")
        tol = check_real(tol, "tol", low=0.0, low_open=True)
        rate = self.learning_rate
        if learning_rate is not None:
            rate = check_real(learning_rate, "learning_rate", low=0.0, low_open=True)
        mom = self.momentum
        if momentum is not None:
            mom = check_real(momentum, "momentum", low=0.0, high=1.0, high_open=True)
        return run_sweeps(
            self._weights,
            self._steps,
            self._masks,
            inputs,
            targets,
            learning_rate=rate,
            momentum=mom,
            margin=self.margin,
            weight_decay=self.weight_decay,
            sweeps=sweeps,
            tol=tol,
            stop=bool(until_converged),
        )


class BackpropNet(_Layered):
    """A layered network of logistic units, trained as in the 1986 paper.

    Unit ``j`` takes the net input ``x_j = sum_i y_i w_ji`` (a bias is a weight
    from a unit that is always on) and outputs ``y_j = 1 / (1 + exp(-x_j))``. The
    error over all training patterns ``c`` and output units ``j`` is
    ``E = 1/2 sum_c sum_j (y_jc - d_jc)^2``; its derivatives come from the
    backward pass (:func:`~histbp.nets.rumelhart.backward`), accumulated over
    the whole training set, and every weight changes once per sweep by
    ``dw(t) = -eps dE/dw + alpha dw(t-1)``.

    Parameters
    ----------
    layer_sizes
        Units per layer, inputs first, e.g. ``(6, 2, 1)``.
    learning_rate
        ``eps`` in ``dw(t) = -eps dE/dw + alpha dw(t-1)``; positive.
    momentum
        ``alpha`` in the same rule, in ``[0, 1)``.
    init_range
        Initial weights (biases included) are drawn uniformly from
        ``(-init_range, init_range)``.
    connections
        ``None`` for full connections between consecutive layers, or one entry
        per layer of weights: ``None`` or a boolean array of shape
        ``(n_out, n_in)`` marking which weights exist (the others stay zero).
        Every unit keeps its bias.
    margin
        Outputs within ``margin`` of their target count as correct and send back
        no error (0 keeps every term of ``E``).
    weight_decay
        After every update each weight is multiplied by ``1 - weight_decay``.
    seed
        Seed of the generator for the initial weights (``None`` for fresh
        entropy).

    Raises
    ------
    TypeError, ValueError
        For a bad option, naming it.

    References
    ----------
    Rumelhart, Hinton and Williams (1985) [rumelhart1985];
    Rumelhart, Hinton and Williams (1986) [rumelhart1986].

    Examples
    --------
    >>> from histbp.data import xor
    >>> X, Y = xor()
    >>> net = BackpropNet((2, 2, 1), learning_rate=0.5, init_range=1.0, seed=3)
    >>> history = net.fit(X, Y, sweeps=5000)
    >>> history.converged, (net.predict(X) > 0.5).ravel().tolist()
    (True, [False, True, True, False])
    """

    def __init__(
        self,
        layer_sizes: Sequence[int],
        *,
        learning_rate: float = 0.1,
        momentum: float = 0.9,
        init_range: float = 0.3,
        seed: int | None = None,
        connections: Sequence[Any] | None = None,
        margin: float = 0.0,
        weight_decay: float = 0.0,
    ) -> None:
        super().__init__(
            layer_sizes,
            (as_seed(seed),),
            learning_rate=learning_rate,
            momentum=momentum,
            init_range=init_range,
            connections=connections,
            margin=margin,
            weight_decay=weight_decay,
            single=True,
        )
        self.seed = seed

    def error(self, X: Any, Y: Any) -> float:
        """Return ``E`` on the patterns ``X`` with targets ``Y``."""
        return float(self._error_and_gradient(X, Y)[0])

    def gradient(self, X: Any, Y: Any) -> tuple[np.ndarray, ...]:
        """Return ``dE/dw`` for every weight matrix, by the backward pass.

        Parameters
        ----------
        X
            Input patterns, shape ``(patterns, layer_sizes[0])``.
        Y
            Targets in ``[0, 1]``, shape ``(patterns, layer_sizes[-1])``.

        Returns
        -------
        tuple of numpy.ndarray
            One array per weight matrix, of its shape, summed over all patterns
            (zero where there is no connection).
        """
        return tuple(self._error_and_gradient(X, Y)[1])

    def fit(
        self,
        X: Any,
        Y: Any,
        *,
        sweeps: int = 1000,
        tol: float = 0.5,
        until_converged: bool = True,
        learning_rate: float | None = None,
        momentum: float | None = None,
    ) -> TrainingHistory:
        """Train by batch updates with momentum, one update per sweep.

        The previous weight change (the momentum term) carries over from one call
        to the next, so a schedule can be run as successive calls.

        Parameters
        ----------
        X
            Input patterns, shape ``(patterns, layer_sizes[0])``.
        Y
            Targets in ``[0, 1]``, shape ``(patterns, layer_sizes[-1])``.
        sweeps
            Largest number of sweeps (weight updates); a positive integer.
        tol
            The convergence criterion is ``max |y - d| < tol`` over all patterns and
            output units; ``0.5`` (the default) means every output is on the
            correct side of 0.5 for 0/1 targets.
        until_converged
            Stop as soon as the criterion holds (else run all ``sweeps``).
        learning_rate, momentum
            Use these instead of the network's own values for this call.

        Returns
        -------
        TrainingHistory
            Errors per sweep, sweeps made, and sweeps to convergence.
        """
        log = self._train(X, Y, sweeps, tol, until_converged, learning_rate, momentum)
        first = int(log.first)
        return TrainingHistory(
            errors=log.errors,
            max_deviation=log.worst,
            sweeps=log.updates,
            tol=float(tol),
            sweeps_to_converge=None if first < 0 else first,
            converged=bool(log.worst[-1] < tol),
        )


class BackpropEnsemble(_Layered):
    """Several networks of one shape, each from its own seed, trained together.

    Network ``i`` starts from exactly the weights of
    ``BackpropNet(..., seed=seeds[i])`` and follows the same updates; running them
    side by side (weights with a leading axis of networks) only saves the loop
    overhead, which dominates for small networks. The stacked products may round
    differently from the single network's, and a long run on a deep network can
    amplify those last-bit differences into a visibly different result.

    Parameters
    ----------
    layer_sizes
        Units per layer, inputs first, e.g. ``(6, 2, 1)``.
    learning_rate
        ``eps`` in ``dw(t) = -eps dE/dw + alpha dw(t-1)``; positive.
    momentum
        ``alpha`` in the same rule, in ``[0, 1)``.
    init_range
        Initial weights (biases included) are drawn uniformly from
        ``(-init_range, init_range)``.
    connections
        ``None`` for full connections between consecutive layers, or one entry
        per layer of weights: ``None`` or a boolean array of shape
        ``(n_out, n_in)`` marking which weights exist (the others stay zero).
        Every unit keeps its bias.
    margin
        Outputs within ``margin`` of their target count as correct and send back
        no error (0 keeps every term of ``E``).
    weight_decay
        After every update each weight is multiplied by ``1 - weight_decay``.
    seeds
        One seed per network, distinct non-negative integers.

    References
    ----------
    Rumelhart, Hinton and Williams (1986) [rumelhart1986].
    """

    def __init__(
        self,
        layer_sizes: Sequence[int],
        seeds: Sequence[int],
        *,
        learning_rate: float = 0.1,
        momentum: float = 0.9,
        init_range: float = 0.3,
        connections: Sequence[Any] | None = None,
        margin: float = 0.0,
        weight_decay: float = 0.0,
    ) -> None:
        self.seeds = as_seeds(seeds)
        super().__init__(
            layer_sizes,
            self.seeds,
            learning_rate=learning_rate,
            momentum=momentum,
            init_range=init_range,
            connections=connections,
            margin=margin,
            weight_decay=weight_decay,
            single=False,
        )

    def errors(self, X: Any, Y: Any) -> np.ndarray:
        """Return ``E`` of every network on the patterns ``X`` with targets ``Y``."""
        return self._error_and_gradient(X, Y)[0]

    def fit(
        self,
        X: Any,
        Y: Any,
        *,
        sweeps: int = 1000,
        tol: float = 0.5,
        until_converged: bool = True,
        learning_rate: float | None = None,
        momentum: float | None = None,
    ) -> EnsembleHistory:
        """Train every network as :meth:`BackpropNet.fit` would.

        With ``until_converged`` a network stops changing once it meets the
        criterion, and the call returns when all have met it or ``sweeps`` have
        run. The parameters are those of :meth:`BackpropNet.fit`.

        Returns
        -------
        EnsembleHistory
            Per-network errors and sweeps to convergence.
        """
        log = self._train(X, Y, sweeps, tol, until_converged, learning_rate, momentum)
        return EnsembleHistory(
            seeds=self.seeds,
            errors=log.errors,
            max_deviation=log.worst,
            sweeps=log.updates,
            tol=float(tol),
            sweeps_to_converge=log.first,
            converged=log.worst[-1] < tol,
        )
