"""Reading the learned weights: mirror symmetry, and the family-trees network.

The symmetry network of the 1986 paper is judged by the input weights of its
hidden units (mirror-image inputs get weights of equal size and opposite sign, in
the ratio 1:2:4 across the three pairs). The family-trees network has its first
layer split into two groups; this module builds that architecture and reads out
the six features it learns for each person.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from histbp.nets._rumelhart_network import BackpropEnsemble, BackpropNet

__all__ = [
    "FAMILY_TREES_LAYERS",
    "MirrorWeights",
    "family_trees_connections",
    "family_trees_net",
    "mirror_weights",
    "person_features",
]

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
