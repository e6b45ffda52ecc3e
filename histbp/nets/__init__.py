"""Learning machines of 1965-1985: networks grown by regression, trained by gradients.

- :class:`GMDH`: Ivakhnenko and Lapa's group method of data handling (1965), a
  network of quadratic units grown layer by layer and pruned on held-out data.
- :func:`train_multilayer_sgd`: Amari's stochastic gradient descent (1967) on a
  multilayer classifier whose last layers are modifiable, as in Saito's
  simulation of a five-layer network with two modifiable layers.
- :func:`ordered_derivatives`: Werbos's ordered derivatives (1974) through an
  ordered system of equations.
- :func:`backprop`: the backward sweep of error signals through a layered network
  (Werbos 1982), with :func:`train_mlp` to train by gradient descent.
- :func:`chain_rule_gradients`: each layer's gradient by the chain rule written
  out for that layer alone (gradient descent in multilayer networks, Amari 1977).
- :func:`unit_backprop` and :func:`unit_gradients`: the local rule for error
  signals, unit by unit, on any feedforward network of units (Parker 1985,
  LeCun 1985, in generic notation).
- :func:`train_history_compressor`: the 1991 chunker stacked into a hierarchy of
  predictors (Schmidhuber 1993), against :func:`train_plain_bptt`.

References
----------
Ivakhnenko and Lapa (1965) [ivakhnenko1965]; Ivakhnenko (1971) [ivakhnenko1971];
Amari (1967) [amari1967]; Saito (1967) [saito1967]; Werbos (1974) [werbos1974];
Amari (1977) [amari1977]; Werbos (1982) [werbos1982]; Parker (1985) [parker1985];
LeCun (1985) [lecun1985]; Schmidhuber (1993) [schmidhuber1993habilitation].
"""

from histbp.nets._backprop import (
    TrainingResult,
    backprop,
    chain_rule_gradients,
    train_mlp,
)
from histbp.nets._gmdh import GMDH, GMDHUnit, NotFittedError, fit_gmdh_layer
from histbp.nets._layers import NetworkGradient, init_layers, logistic
from histbp.nets._ordered import OrderedDerivativesResult, ordered_derivatives
from histbp.nets._rumelhart import (
    BackpropFitResult,
    EnsembleFitResult,
    generalized_delta_rule,
)
from histbp.nets._rumelhart_net import (
    FAMILY_TREES_LAYERS,
    BackpropEnsemble,
    BackpropNet,
    MirrorWeights,
    family_trees_connections,
    family_trees_net,
    mirror_weights,
    person_features,
)
from histbp.nets._sgd_classifier import (
    SGDClassifierResult,
    sgd_epoch,
    train_multilayer_sgd,
    xor_clusters,
)
from histbp.nets._units import (
    UnitGradient,
    UnitNetwork,
    unit_backprop,
    unit_gradients,
    units_from_layers,
)
from histbp.nets.history_compressor import (
    DeepTimeLagTask,
    HistoryCompressorRun,
    PlainBPTTRun,
    deep_time_lag_task,
    level_gradient,
    one_step_compression,
    pass_up,
    train_history_compressor,
    train_plain_bptt,
)

__all__ = [
    "FAMILY_TREES_LAYERS",
    "GMDH",
    "BackpropEnsemble",
    "BackpropFitResult",
    "BackpropNet",
    "DeepTimeLagTask",
    "EnsembleFitResult",
    "GMDHUnit",
    "HistoryCompressorRun",
    "MirrorWeights",
    "NetworkGradient",
    "NotFittedError",
    "OrderedDerivativesResult",
    "PlainBPTTRun",
    "SGDClassifierResult",
    "TrainingResult",
    "UnitGradient",
    "UnitNetwork",
    "backprop",
    "chain_rule_gradients",
    "deep_time_lag_task",
    "family_trees_connections",
    "family_trees_net",
    "fit_gmdh_layer",
    "generalized_delta_rule",
    "init_layers",
    "level_gradient",
    "logistic",
    "mirror_weights",
    "one_step_compression",
    "ordered_derivatives",
    "pass_up",
    "person_features",
    "sgd_epoch",
    "train_history_compressor",
    "train_mlp",
    "train_multilayer_sgd",
    "train_plain_bptt",
    "unit_backprop",
    "unit_gradients",
    "units_from_layers",
    "xor_clusters",
]
