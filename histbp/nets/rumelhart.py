"""Rumelhart, Hinton and Williams (1985/86): learning internal representations.

Layered networks of logistic units, the squared error
``E = 1/2 sum (y - d)^2`` over all patterns, its derivatives from a backward pass
written out layer by layer (:func:`backward`), and one batch update per sweep with
momentum, ``dw(t) = -eps dE/dw + alpha dw(t-1)`` (:class:`BackpropNet`;
:class:`BackpropEnsemble` trains many seeds at once). The experiments' tasks are in
:mod:`histbp.data`; :func:`mirror_weights` reads the code learned for symmetry and
:func:`family_trees_net` builds the family-trees network.

References
----------
Rumelhart, Hinton and Williams (1985) [rumelhart1985];
Rumelhart, Hinton and Williams (1986) [rumelhart1986].
"""

from histbp.nets._rumelhart_analysis import (
    FAMILY_TREES_LAYERS,
    MirrorWeights,
    family_trees_connections,
    family_trees_net,
    mirror_weights,
    person_features,
)
from histbp.nets._rumelhart_network import BackpropEnsemble, BackpropNet
from histbp.nets._rumelhart_passes import backward, forward, logistic
from histbp.nets._rumelhart_results import EnsembleHistory, TrainingHistory

__all__ = [
    "FAMILY_TREES_LAYERS",
    "BackpropEnsemble",
    "BackpropNet",
    "EnsembleHistory",
    "MirrorWeights",
    "TrainingHistory",
    "backward",
    "family_trees_connections",
    "family_trees_net",
    "forward",
    "logistic",
    "mirror_weights",
    "person_features",
]
