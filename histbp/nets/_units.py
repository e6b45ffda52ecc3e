"""Error signals passed backwards unit by unit, on any feedforward network of units.

A unit ``j`` forms ``s_j = sum_i w_ji y_i + b_j`` over the nodes ``i`` feeding it
(inputs or earlier units) and outputs ``y_j = f(s_j)``. Its error signal
``delta_j = dE/ds_j`` is local: ``f'(s_j)`` times the sum, over the units ``k``
that it feeds, of ``w_kj delta_k``, plus ``y_j - d_j`` if ``j`` is an output. The
derivative for a weight is ``dE/dw_ji = delta_j y_i``. Nothing here needs layers:
the units only have to be listed so that every unit comes after those feeding it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from histbp._validation import as_data_matrix, as_targets, check_columns
from histbp.nets._layers import NetworkGradient, as_network, get_activation

__all__ = [
    "UnitGradient",
    "UnitNetwork",
    "unit_backprop",
    "unit_gradients",
    "units_from_layers",
]


@dataclass(frozen=True, slots=True)
class UnitNetwork:
    """A feedforward network described unit by unit.

    Nodes are numbered ``0 .. n_inputs - 1`` for the inputs and
    ``n_inputs + j`` for unit ``j``. Construction checks that every unit draws
    only on inputs and earlier units, so the network has no cycle.

    Attributes
    ----------
    n_inputs
        Number of input nodes, positive.
    sources
        For each unit, the node numbers feeding it (at least one, no repeats).
    weights
        For each unit, one weight per source, in the order of ``sources``.
    biases
        One bias per unit.
    outputs
        The units (numbered from 0 among the units) whose outputs are compared
        with the desired outputs, in the order of the columns of ``D``.
    activation
        ``"sigmoid"`` or ``"tanh"``, used by every unit.
    """

    n_inputs: int
    sources: tuple[tuple[int, ...], ...]
    weights: tuple[np.ndarray, ...]
    biases: np.ndarray
    outputs: tuple[int, ...]
    activation: str = "sigmoid"

    def __post_init__(self) -> None:
        get_activation(self.activation)
        n_in = self.n_inputs
        if isinstance(n_in, bool) or not isinstance(n_in, (int, np.integer)):
            raise TypeError(f"n_inputs must be an integer, got {type(n_in).__name__}")
        if n_in <= 0:
            raise ValueError(f"n_inputs must be a positive integer, got {n_in}")
        sources = tuple(tuple(int(i) for i in s) for s in self.sources)
        weights = tuple(np.array(w, dtype=float) for w in self.weights)
        biases = np.array(self.biases, dtype=float)
        n_units = len(sources)
        if n_units == 0:
            raise ValueError("sources must describe at least one unit")
        if len(weights) != n_units or biases.shape != (n_units,):
            raise ValueError(
                f"sources describe {n_units} units but weights has {len(weights)} "
                f"entries and biases has shape {biases.shape}; give one of each "
                "per unit"
            )
        for j, (src, w) in enumerate(zip(sources, weights, strict=True)):
            if not src:
                raise ValueError(f"unit {j} has no sources")
            if len(set(src)) != len(src):
                raise ValueError(f"unit {j} lists a source twice: {src}")
            if min(src) < 0 or max(src) >= n_in + j:
                raise ValueError(
                    f"unit {j} (node {n_in + j}) may only draw on nodes "
                    f"0..{n_in + j - 1} (inputs and earlier units), got {src}"
                )
            if w.shape != (len(src),):
                raise ValueError(
                    f"weights of unit {j} have shape {w.shape}; expected "
                    f"({len(src)},), one per source"
                )
            if not np.all(np.isfinite(w)):
                raise ValueError(f"weights of unit {j} contain non-finite values")
        if not np.all(np.isfinite(biases)):
            raise ValueError("biases contain non-finite values")
        outputs = tuple(int(k) for k in self.outputs)
        if not outputs:
            raise ValueError("outputs must name at least one unit")
        if len(set(outputs)) != len(outputs):
            raise ValueError(f"outputs lists a unit twice: {outputs}")
        if min(outputs) < 0 or max(outputs) >= n_units:
            raise ValueError(
                f"outputs must be unit numbers in 0..{n_units - 1}, got {outputs}"
            )
        object.__setattr__(self, "n_inputs", int(n_in))
        object.__setattr__(self, "sources", sources)
        object.__setattr__(self, "weights", weights)
        object.__setattr__(self, "biases", biases)
        object.__setattr__(self, "outputs", outputs)

    @property
    def n_units(self) -> int:
        """Number of units (not counting the inputs)."""
        return len(self.sources)


@dataclass(frozen=True, slots=True)
class UnitGradient:
    """The squared error of a :class:`UnitNetwork` and its gradient.

    Attributes
    ----------
    error
        ``E = 1/2 sum_p sum_k (y_pk - d_pk)^2`` over patterns and output units.
    weights
        For each unit, ``dE/dw`` for its incoming weights, in the order of its
        sources.
    biases
        ``dE/db`` for each unit.
    deltas
        The error signals ``dE/ds_j``, shape ``(n_patterns, n_units)``.
    activity
        The unit outputs ``y_j``, shape ``(n_patterns, n_units)``.
    """

    error: float
    weights: tuple[np.ndarray, ...]
    biases: np.ndarray
    deltas: np.ndarray
    activity: np.ndarray


def unit_backprop(network: UnitNetwork, X: Any, D: Any) -> UnitGradient:
    """Gradient of a unit network's squared error by local error signals.

    Forwards, the units fire in their listed order. Backwards, in reverse order,
    each unit turns the signal that has collected at it into
    ``delta_j = f'(s_j) (collected_j + [j is an output] (y_j - d_j))``, passes
    ``w_ji delta_j`` back along each incoming connection to its source ``i``, and
    records ``dE/dw_ji = sum_p delta_j y_i``. All patterns run side by side.

    Parameters
    ----------
    network
        The network.
    X
        Input patterns, shape ``(n_patterns, n_inputs)``.
    D
        Desired outputs, shape ``(n_patterns, len(network.outputs))``.

    Returns
    -------
    UnitGradient
        The error, the gradient for every weight and bias, and the error signals.

    Raises
    ------
    TypeError
        If ``network`` is not a :class:`UnitNetwork`.
    ValueError
        If ``X`` or ``D`` has the wrong shape or non-finite entries.

    References
    ----------
    Parker (1985) [parker1985]; LeCun (1985) [lecun1985]. The notation is
    generic; neither paper's own formulation is reproduced.

    Examples
    --------
    >>> import numpy as np
    >>> net = UnitNetwork(1, sources=((0,), (0, 1)), weights=([2.0], [1.0, -1.0]),
    ...                   biases=[0.0, 0.0], outputs=(1,), activation="tanh")
    >>> g = unit_backprop(net, [[0.5]], [[0.0]])
    >>> g.deltas.shape
    (1, 2)
    """
    X, D = _check_patterns(network, X, D)
    act = get_activation(network.activation)
    n_in = network.n_inputs
    n_patterns = X.shape[0]
    nodes = np.empty((n_patterns, n_in + network.n_units))
    nodes[:, :n_in] = X
    for j, (src, w) in enumerate(zip(network.sources, network.weights, strict=True)):
        s = nodes[:, list(src)] @ w + network.biases[j]
        nodes[:, n_in + j] = act.f(s)

    activity = nodes[:, n_in:]
    collected = np.zeros_like(nodes)
    residual = activity[:, list(network.outputs)] - D
    collected[:, [n_in + k for k in network.outputs]] += residual
    deltas = np.empty_like(activity)
    grad_w: list[np.ndarray] = [np.empty(0)] * network.n_units
    for j in range(network.n_units - 1, -1, -1):
        src = list(network.sources[j])
        delta = act.slope(activity[:, j]) * collected[:, n_in + j]
        deltas[:, j] = delta
        grad_w[j] = delta @ nodes[:, src]
        collected[:, src] += np.outer(delta, network.weights[j])
    error = 0.5 * float(np.sum(residual * residual))
    return UnitGradient(error, tuple(grad_w), deltas.sum(axis=0), deltas, activity)


def units_from_layers(
    weights: Sequence[Any], biases: Sequence[Any], *, activation: str = "sigmoid"
) -> UnitNetwork:
    """Describe a fully connected layered network unit by unit.

    Unit numbering runs through the layers in order: the units of the first
    hidden layer come first, those of the output layer last, and within a layer
    in the order of the rows of its weight matrix.

    Parameters
    ----------
    weights, biases
        The layered network, as from :func:`~histbp.nets.init_layers`.
    activation
        ``"sigmoid"`` or ``"tanh"``.

    Returns
    -------
    UnitNetwork
        The same network; its outputs are the units of the last layer.

    Raises
    ------
    ValueError
        If the layers do not fit together or hold non-finite values.
    """
    weights, biases = as_network(weights, biases)
    n_in = weights[0].shape[1]
    sources: list[tuple[int, ...]] = []
    unit_weights: list[np.ndarray] = []
    below = tuple(range(n_in))
    for w in weights:
        first = n_in + len(sources)
        for row in w:
            sources.append(below)
            unit_weights.append(row)
        below = tuple(range(first, first + w.shape[0]))
    n_units = len(sources)
    outputs = tuple(range(n_units - weights[-1].shape[0], n_units))
    return UnitNetwork(
        n_in,
        tuple(sources),
        tuple(unit_weights),
        np.concatenate(biases),
        outputs,
        activation,
    )


def unit_gradients(
    weights: Sequence[Any],
    biases: Sequence[Any],
    X: Any,
    D: Any,
    *,
    activation: str = "sigmoid",
) -> NetworkGradient:
    """:func:`unit_backprop` on a layered network, with the gradient in layer form.

    The network is described unit by unit with :func:`units_from_layers`, the
    local rule runs on it, and the per-unit gradients are stacked back into one
    matrix per layer, so the result can be compared with
    :func:`~histbp.nets.backprop` entry by entry (and the function can be handed
    to :func:`~histbp.nets.train_mlp` as its ``gradient``).

    Parameters
    ----------
    weights, biases, X, D, activation
        As for :func:`~histbp.nets.backprop`.

    Returns
    -------
    NetworkGradient
        The error and its gradient, shaped like the layers; the exceptions are
        those of :func:`~histbp.nets.backprop`.

    References
    ----------
    Parker (1985) [parker1985]; LeCun (1985) [lecun1985].
    """
    X = as_data_matrix(X, "X")
    weights, biases = as_network(weights, biases, X.shape[1])
    network = units_from_layers(weights, biases, activation=activation)
    g = unit_backprop(network, X, D)
    grad_w = []
    grad_b = []
    start = 0
    for w in weights:
        stop = start + w.shape[0]
        grad_w.append(np.vstack(g.weights[start:stop]))
        grad_b.append(g.biases[start:stop].copy())
        start = stop
    return NetworkGradient(g.error, tuple(grad_w), tuple(grad_b))


def _check_patterns(network: Any, X: Any, D: Any) -> tuple[np.ndarray, np.ndarray]:
    """Check that ``X`` and ``D`` fit the unit network; return them as arrays."""
    if not isinstance(network, UnitNetwork):
        raise TypeError(f"network must be a UnitNetwork, got {type(network).__name__}")
    X = as_data_matrix(X, "X")
    inputs, outputs = network.n_inputs, len(network.outputs)
    check_columns(X, "X", inputs, f"the network has {inputs} inputs")
    D = as_targets(D, "D", X.shape[0], ndim=2)
    return X, check_columns(D, "D", outputs, f"the network has {outputs} outputs")
