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
- :func:`sparse_network`, :func:`stagewise_gradient` and :func:`graph_gradient`:
  a network whose links skip layers, its gradient stage by stage with dense
  Jacobians (as in the 1960s) and edge by edge on its graph, each counted.
- :func:`train_history_compressor`: the 1991 chunker stacked into a hierarchy of
  predictors (Schmidhuber 1993), against :func:`train_plain_bptt`.

References
----------
Ivakhnenko and Lapa (1965) [ivakhnenko1965]; Ivakhnenko (1971) [ivakhnenko1971];
Amari (1967) [amari1967]; Saito (1967) [saito1967]; Werbos (1974) [werbos1974];
Amari (1977) [amari1977]; Werbos (1982) [werbos1982]; Parker (1985) [parker1985];
LeCun (1985) [lecun1985]; Schmidhuber (1993) [schmidhuber1993habilitation].
"""

from histbp.nets._sparse_networks import (
    SparseGradientResult,
    SparseNetwork,
    graph_gradient,
    network_loss,
    sparse_network,
    stagewise_gradient,
)
from histbp.nets.backprop import backprop
from histbp.nets.chain_rule import chain_rule_gradients
from histbp.nets.errors import NotFittedError
from histbp.nets.gmdh import GMDH, GMDHUnit
from histbp.nets.gradient import NetworkGradient
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
from histbp.nets.layers import init_layers
from histbp.nets.ordered import OrderedDerivatives, ordered_derivatives
from histbp.nets.sgd_classifier import (
    SGDClassifierRun,
    train_multilayer_sgd,
    xor_clusters,
)
from histbp.nets.training import TrainingRun, train_mlp
from histbp.nets.units import (
    UnitGradient,
    UnitNetwork,
    unit_backprop,
    unit_gradients,
    units_from_layers,
)

__all__ = [
    "GMDH",
    "DeepTimeLagTask",
    "GMDHUnit",
    "HistoryCompressorRun",
    "NetworkGradient",
    "NotFittedError",
    "OrderedDerivatives",
    "PlainBPTTRun",
    "SGDClassifierRun",
    "TrainingRun",
    "UnitGradient",
    "UnitNetwork",
    "backprop",
    "chain_rule_gradients",
    "deep_time_lag_task",
    "init_layers",
    "level_gradient",
    "one_step_compression",
    "ordered_derivatives",
    "pass_up",
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
