"""The 1986 networks of Rumelhart, Hinton and Williams, and reading what they learn.

:class:`BackpropNet` is one layered network of logistic units trained by batch
backpropagation with momentum; :class:`BackpropEnsemble` is several networks of
the same shape, each from its own seed, trained side by side with the same
arithmetic (their weights carry a leading axis). Both use the passes and the loop
of :mod:`histbp.nets._rumelhart`. The symmetry network is judged by the input
weights of its hidden units (:func:`mirror_weights`: mirror-image inputs get
weights of equal size and opposite sign, in the ratio 1:2:4 across the three
pairs); the family-trees network has its first layer split into two groups
(:func:`family_trees_net`), and :func:`person_features` reads out the six
features it learns for each person.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from histbp._validation import (
    check_layer_sizes,
    check_positive_int,
    check_random_state,
    check_real,
)
from histbp.nets._rumelhart import (
    BackpropFitResult,
    EnsembleFitResult,
    SweepLog,
    SweepOptions,
    as_connections,
    as_patterns,
    as_seeds,
    as_weights,
    forward_pass,
    generalized_delta_rule,
    run_sweeps,
)

__all__ = [
    "FAMILY_TREES_LAYERS",
    "BackpropEnsemble",
    "BackpropNet",
    "MirrorWeights",
    "family_trees_connections",
    "family_trees_net",
    "mirror_weights",
    "person_features",
]


def _check_rate(value: Any) -> float:
    return check_real(value, "learning_rate", low=0.0, low_open=True)


def _check_momentum(value: Any) -> float:
    return check_real(value, "momentum", low=0.0, high=1.0, high_open=True)


def _initial_weights(
    rng: np.random.Generator, init_range: float, masks: tuple[np.ndarray, ...]
) -> list[np.ndarray]:
    """Draw every weight (biases included) uniformly from ``(-r, r)``."""
    return [rng.uniform(-init_range, init_range, mask.shape) * mask for mask in masks]


class _Layered:
    """What the single network and the ensemble share.

    ``_lead`` is ``()`` or ``(copies,)``, the leading axis of every weight array.
    """

    def __init__(
        self,
        layer_sizes: Sequence[int],
        rngs: list[np.random.Generator],
        *,
        learning_rate: float,
        momentum: float,
        init_range: float,
        connections: Sequence[Any] | None,
        margin: float,
        weight_decay: float,
        single: bool,
    ) -> None:
        self.layer_sizes = check_layer_sizes(layer_sizes, "layer_sizes")
        self.learning_rate = _check_rate(learning_rate)
        self.momentum = _check_momentum(momentum)
        self.init_range = check_real(init_range, "init_range", low=0.0)
        self.margin = check_real(margin, "margin", low=0.0, high=1.0, high_open=True)
        self.weight_decay = check_real(
            weight_decay, "weight_decay", low=0.0, high=1.0, high_open=True
        )
        self._masks = as_connections(connections, self.layer_sizes)
        drawn = [_initial_weights(r, self.init_range, self._masks) for r in rngs]
        if single:
            self._lead: tuple[int, ...] = ()
            self._weights = drawn[0]
        else:
            self._lead = (len(rngs),)
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
        return tuple(forward_pass(self._weights, self._inputs(X)))

    def predict(self, X: Any) -> np.ndarray:
        """Return the output units' activities for the patterns ``X``."""
        return forward_pass(self._weights, self._inputs(X))[-1]

    def _error_and_gradient(
        self, X: Any, Y: Any
    ) -> tuple[np.ndarray, list[np.ndarray]]:
        inputs = self._inputs(X)
        targets = self._targets(Y, inputs.shape[0])
        error, grads = generalized_delta_rule(
            self._weights, forward_pass(self._weights, inputs), targets, self.margin
        )
        return error, [g * m for g, m in zip(grads, self._masks, strict=True)]

    def _train(self, X: Any, Y: Any, **options: Any) -> tuple[SweepLog, float]:
        """Check the options of ``fit``, train, and return the log and ``tol``."""
        inputs = self._inputs(X)
        targets = self._targets(Y, inputs.shape[0])
        sweeps = check_positive_int(options.pop("sweeps", 1000), "sweeps")
        tol = check_real(options.pop("tol", 0.5), "tol", low=0.0, low_open=True)
        until_converged = options.pop("until_converged", True)
        rate, mom = options.pop("learning_rate", None), options.pop("momentum", None)
        if options:
            raise TypeError(
                f"fit got unknown options {sorted(options)}; it takes sweeps, tol, "
                "until_converged, learning_rate and momentum"
            )
        settings = SweepOptions(
            learning_rate=self.learning_rate if rate is None else _check_rate(rate),
            momentum=self.momentum if mom is None else _check_momentum(mom),
            margin=self.margin,
            weight_decay=self.weight_decay,
            sweeps=sweeps,
            tol=tol,
            stop=bool(until_converged),
        )
        patterns = (inputs, targets)
        log = run_sweeps(self._weights, self._steps, self._masks, patterns, settings)
        return log, tol


class BackpropNet(_Layered):
    """A layered network of logistic units, trained as in the 1986 paper.

    Unit ``j`` takes the net input ``x_j = sum_i y_i w_ji`` (a bias is a weight
    from a unit that is always on) and outputs ``y_j = 1 / (1 + exp(-x_j))``. The
    error over all training patterns ``c`` and output units ``j`` is
    ``E = 1/2 sum_c sum_j (y_jc - d_jc)^2``; its derivatives come from the
    backward pass (:func:`~histbp.nets.generalized_delta_rule`), accumulated over
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
            [check_random_state(seed)],
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
    ) -> BackpropFitResult:
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
        BackpropFitResult
            Errors per sweep, sweeps made, and sweeps to convergence.
        """
        log, tol = self._train(
            X,
            Y,
            sweeps=sweeps,
            tol=tol,
            until_converged=until_converged,
            learning_rate=learning_rate,
            momentum=momentum,
        )
        first = int(log.first)
        return BackpropFitResult(
            errors=log.errors,
            max_deviation=log.worst,
            sweeps=log.updates,
            tol=tol,
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
    layer_sizes, learning_rate, momentum, init_range, connections, margin, weight_decay
        As for :class:`BackpropNet`.
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
            [check_random_state(s, f"seeds[{k}]") for k, s in enumerate(self.seeds)],
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

    def fit(self, X: Any, Y: Any, **options: Any) -> EnsembleFitResult:
        """Train every network as :meth:`BackpropNet.fit` would.

        With ``until_converged`` a network stops changing once it meets the
        criterion, and the call returns when all have met it or ``sweeps`` have
        run. The parameters (keywords only) are those of :meth:`BackpropNet.fit`.

        Returns
        -------
        EnsembleFitResult
            Per-network errors and sweeps to convergence.
        """
        log, tol = self._train(X, Y, **options)
        return EnsembleFitResult(
            seeds=self.seeds,
            errors=log.errors,
            max_deviation=log.worst,
            sweeps=log.updates,
            tol=tol,
            sweeps_to_converge=log.first,
            converged=log.worst[-1] < tol,
        )


FAMILY_TREES_LAYERS: tuple[int, ...] = (36, 12, 12, 6, 24)
"""Units per layer of the family-trees network: 24 person + 12 relation inputs,
6 + 6 encoding units, 12 central units, 6 units, 24 output people."""


@dataclass(frozen=True, slots=True)
class MirrorWeights:
    """How close the input weights of each hidden unit are to a mirror code.

    Attributes
    ----------
    antisymmetry
        For each hidden unit, ``max_i |w_i + w_(n-1-i)| / max_i |w_i|``: 0 when
        every weight is exactly minus the weight of the mirror-image input.
    magnitudes
        For each hidden unit, the mean of ``|w_i|`` and ``|w_(n-1-i)|`` for every
        mirrored pair, from the centre pair outwards; shape ``(hidden, n // 2)``.
    ratios
        The same magnitudes sorted in increasing order and divided by the
        smallest: ``[1, 2, 4]`` for the code the paper describes.
    """

    antisymmetry: np.ndarray
    magnitudes: np.ndarray
    ratios: np.ndarray


def mirror_weights(input_weights: Any) -> MirrorWeights:
    """Measure mirror antisymmetry and the size ratios of hidden-unit weights.

    Parameters
    ----------
    input_weights
        The weights into the hidden units, shape ``(hidden, n + 1)`` with the bias
        in the last column, as in ``BackpropNet.weights[0]``; ``n`` at least 2.
        With odd ``n`` the weight of the centre input is ignored.

    Returns
    -------
    MirrorWeights
        Antisymmetry, pair magnitudes and sorted ratios per hidden unit.

    Raises
    ------
    ValueError
        If the array is not 2-D with at least three columns, or not finite.

    References
    ----------
    Rumelhart, Hinton and Williams (1986) [rumelhart1986].
    """
    w = np.array(input_weights, dtype=float)
    if w.ndim != 2 or w.shape[1] < 3:
        raise ValueError(
            "input_weights must have shape (hidden, n + 1) with n >= 2 inputs and "
            f"the bias last, got shape {w.shape}"
        )
    if not np.all(np.isfinite(w)):
        raise ValueError("input_weights contains non-finite values")
    w = w[:, :-1]
    n = w.shape[1]
    half = n // 2
    inner = np.arange(half - 1, -1, -1)  # left member of each pair, centre first
    left, right = w[:, inner], w[:, n - 1 - inner]
    scale = np.max(np.abs(w), axis=1)
    scale = np.where(scale > 0.0, scale, 1.0)
    antisymmetry = np.max(np.abs(left + right), axis=1) / scale
    magnitudes = 0.5 * (np.abs(left) + np.abs(right))
    ordered = np.sort(magnitudes, axis=1)
    smallest = np.where(ordered[:, :1] > 0.0, ordered[:, :1], np.nan)
    return MirrorWeights(antisymmetry, magnitudes, ordered / smallest)


def family_trees_connections() -> list[np.ndarray | None]:
    """Return the connections of the family-trees network, for ``connections=``.

    The first layer of weights is split in two: the 24 person inputs feed only
    units 0-5 and the 12 relation inputs feed only units 6-11. The later layers
    are fully connected.
    """
    first = np.zeros((12, 36), dtype=bool)
    first[:6, :24] = True
    first[6:, 24:] = True
    return [first, None, None, None]


def family_trees_net(
    *,
    seed: int | None = None,
    learning_rate: float = 0.05,
    momentum: float = 0.9,
    init_range: float = 1.0,
    margin: float = 0.2,
    weight_decay: float = 0.001,
) -> BackpropNet:
    """Return the family-trees network 36 -> 6 + 6 -> 12 -> 6 -> 24, untrained.

    The defaults are the settings chosen here (the paper's own learning details
    are not verified); see the timeline page for how they were chosen.

    Parameters
    ----------
    seed, learning_rate, momentum, init_range, margin, weight_decay
        As for :class:`BackpropNet`.

    Returns
    -------
    BackpropNet
        Layer sizes ``FAMILY_TREES_LAYERS``, with the first layer split as
        :func:`family_trees_connections` describes.

    References
    ----------
    Rumelhart, Hinton and Williams (1986) [rumelhart1986].
    """
    return BackpropNet(
        FAMILY_TREES_LAYERS,
        learning_rate=learning_rate,
        momentum=momentum,
        init_range=init_range,
        seed=seed,
        connections=family_trees_connections(),
        margin=margin,
        weight_decay=weight_decay,
    )


def person_features(net: BackpropNet | BackpropEnsemble) -> np.ndarray:
    """Return the weights from the 24 person inputs to the 6 person-encoding units.

    Parameters
    ----------
    net
        A network with the family-trees architecture.

    Returns
    -------
    numpy.ndarray
        Shape ``(24, 6)``, row ``p`` the six weights of person ``p`` (order of
        :data:`histbp.data.FAMILY_PEOPLE`); ``(networks, 24, 6)`` for an ensemble.

    Raises
    ------
    TypeError
        If ``net`` is not a network.
    ValueError
        If it does not have the family-trees layer sizes.
    """
    if not isinstance(net, BackpropNet | BackpropEnsemble):
        raise TypeError(
            f"net must be a BackpropNet or BackpropEnsemble, got {type(net).__name__}"
        )
    if net.layer_sizes != FAMILY_TREES_LAYERS:
        raise ValueError(
            f"net has layer sizes {net.layer_sizes}; the family-trees network has "
            f"{FAMILY_TREES_LAYERS}"
        )
    return np.swapaxes(net.weights[0][..., :6, :24], -1, -2)
