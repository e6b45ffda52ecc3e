"""Learning machines: networks grown by regression or trained by gradients.

The public surface of the network code; the modules behind it are private.

- :class:`GMDH`: Ivakhnenko and Lapa's group method of data handling (1965), a
  network of quadratic units grown layer by layer (:func:`fit_gmdh_layer`) and
  pruned on held-out data.
- :func:`train_multilayer_sgd`: Amari's stochastic gradient descent (1967) on a
  multilayer classifier whose last layers are modifiable, as in Saito's
  simulation of a five-layer network with two modifiable layers; one pass over the
  patterns is :func:`sgd_epoch`.
- :func:`ordered_derivatives`: Werbos's ordered derivatives (1974) through an
  ordered system of equations.
- :func:`backprop`: the backward sweep of error signals through a layered network
  (Werbos 1982), with :func:`train_mlp` to train by gradient descent.
- :func:`chain_rule_gradients`: each layer's gradient by the chain rule written
  out for that layer alone (gradient descent in multilayer networks, Amari 1977).
- :func:`unit_backprop` and :func:`unit_gradients`: the local rule for error
  signals, unit by unit, on any feedforward network of units (Parker 1985,
  LeCun 1985, in generic notation).
- :class:`BackpropNet` and :class:`BackpropEnsemble`: the networks of Rumelhart,
  Hinton and Williams (1985/86), trained by the backward pass of the generalized
  delta rule (:func:`generalized_delta_rule`) with momentum;
  :func:`mirror_weights`, :func:`family_trees_net` and :func:`person_features` read
  what the experiments' networks learn.
- :func:`logistic`: the one numpy logistic function of the layered networks.
- :func:`sparse_network`, :func:`stagewise_gradient` and :func:`graph_gradient`:
  a network whose links skip layers, its gradient stage by stage with dense
  Jacobians (as in the 1960s) and edge by edge on its graph, each counted.
- :func:`train_history_compressor`: the 1991 chunker stacked into a hierarchy of
  predictors (Schmidhuber 1993), against :func:`train_plain_bptt`.

Network formats, each the one its paper's notation needs: weight and bias lists per
layer (:func:`init_layers`; Werbos 1982, Amari 1977, Amari and Saito 1967); one
matrix per layer with the bias as the weight from an always-on unit (Rumelhart,
Hinton and Williams); a list of units with their sources (:class:`UnitNetwork`;
Parker, LeCun); an ordered system of equations (Werbos 1974); pairs of inputs of
quadratic units (:class:`GMDHUnit`; Ivakhnenko).

References
----------
Ivakhnenko and Lapa (1965) [ivakhnenko1965]; Ivakhnenko (1971) [ivakhnenko1971];
Amari (1967) [amari1967]; Saito (1967) [saito1967]; Werbos (1974) [werbos1974];
Amari (1977) [amari1977]; Werbos (1982) [werbos1982]; Parker (1985) [parker1985];
LeCun (1985) [lecun1985]; Rumelhart, Hinton and Williams (1985) [rumelhart1985];
Rumelhart, Hinton and Williams (1986) [rumelhart1986]; Schmidhuber (1993)
[schmidhuber1993habilitation].
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
from histbp.nets._sparse_networks import (
    SparseGradientResult,
    SparseNetwork,
    graph_gradient,
    network_loss,
    sparse_network,
    stagewise_gradient,
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

# A network whose links skip layers, differentiated stage-wise and on its graph.
__all__ += [
    "SparseGradientResult",
    "SparseNetwork",
    "graph_gradient",
    "network_loss",
    "sparse_network",
    "stagewise_gradient",
]
