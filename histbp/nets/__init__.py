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
- :func:`train_chunker`: the neural sequence chunker (Schmidhuber 1991), two
  recurrent nets trained by truncated :func:`bptt`, the upper one reading only
  what the lower one failed to predict (:func:`chunker_input`);
  :func:`train_history_compressor` stacks it into levels (Schmidhuber 1993,
  :func:`climb_stack`); :func:`train_conventional` is the single net both are
  measured against.
- :func:`train_rbm_stack`, :func:`unroll` and :func:`fine_tune_autoencoder`:
  restricted Boltzmann machines trained by contrastive divergence
  (:func:`cd1_gradient`), stacked, unrolled and fine-tuned by backpropagation
  (Hinton and Salakhutdinov 2006).
- :func:`train_deep_mlp`: deep MLPs trained by plain on-line backpropagation
  (:func:`mlp_gradients`) on images deformed afresh every epoch (:func:`deform`)
  (Ciresan et al. 2010).

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
Rumelhart, Hinton and Williams (1986) [rumelhart1986]; Schmidhuber (1992)
[schmidhuber1992]; Schmidhuber (1993) [schmidhuber1993habilitation]; Hinton and
Salakhutdinov (2006) [hinton2006]; Ciresan, Meier, Gambardella and Schmidhuber (2010)
[ciresan2010].
"""

from histbp.nets._autoencoder import (
    Autoencoder,
    AutoencoderResult,
    autoencoder_gradients,
    fine_tune_autoencoder,
    random_autoencoder,
    unroll,
)
from histbp.nets._backprop import (
    TrainingResult,
    backprop,
    chain_rule_gradients,
    train_mlp,
)
from histbp.nets._bptt import RecurrentNet, bptt, init_recurrent_net
from histbp.nets._chunker import (
    ChunkerResult,
    chunker_input,
    compress,
    surprises,
    train_chunker,
)
from histbp.nets._conventional import (
    ConventionalResult,
    train_conventional,
    train_plain_bptt,
)
from histbp.nets._deep_mlp import (
    DeepMLP,
    DeepMLPResult,
    EpochRecord,
    MLPGradientResult,
    init_deep_mlp,
    mlp_gradients,
    train_deep_mlp,
)
from histbp.nets._deformations import (
    affine_field,
    bilinear_resample,
    deform,
    elastic_field,
    gaussian_kernel,
    gaussian_smooth,
)
from histbp.nets._gmdh import GMDH, GMDHUnit, NotFittedError, fit_gmdh_layer
from histbp.nets._history_compressor import (
    HistoryCompressorResult,
    LevelInput,
    climb_stack,
    level_gradient,
    one_step_compression,
    pass_up,
    train_history_compressor,
)
from histbp.nets._layers import NetworkGradient, init_layers, logistic
from histbp.nets._ordered import OrderedDerivativesResult, ordered_derivatives
from histbp.nets._rbm import (
    RBM,
    cd1_gradient,
    classifier_from_stack,
    train_rbm,
    train_rbm_stack,
)
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
from histbp.nets._time_lag_tasks import (
    DeepTimeLagTask,
    TimeLagTask,
    deep_time_lag_task,
    time_lag_task,
)
from histbp.nets._units import (
    UnitGradient,
    UnitNetwork,
    unit_backprop,
    unit_gradients,
    units_from_layers,
)

__all__ = [
    "FAMILY_TREES_LAYERS",
    "GMDH",
    "RBM",
    "Autoencoder",
    "AutoencoderResult",
    "BackpropEnsemble",
    "BackpropFitResult",
    "BackpropNet",
    "ChunkerResult",
    "ConventionalResult",
    "DeepMLP",
    "DeepMLPResult",
    "DeepTimeLagTask",
    "EnsembleFitResult",
    "EpochRecord",
    "GMDHUnit",
    "HistoryCompressorResult",
    "LevelInput",
    "MLPGradientResult",
    "MirrorWeights",
    "NetworkGradient",
    "NotFittedError",
    "OrderedDerivativesResult",
    "RecurrentNet",
    "SGDClassifierResult",
    "SparseGradientResult",
    "SparseNetwork",
    "TimeLagTask",
    "TrainingResult",
    "UnitGradient",
    "UnitNetwork",
    "affine_field",
    "autoencoder_gradients",
    "backprop",
    "bilinear_resample",
    "bptt",
    "cd1_gradient",
    "chain_rule_gradients",
    "chunker_input",
    "classifier_from_stack",
    "climb_stack",
    "compress",
    "deep_time_lag_task",
    "deform",
    "elastic_field",
    "family_trees_connections",
    "family_trees_net",
    "fine_tune_autoencoder",
    "fit_gmdh_layer",
    "gaussian_kernel",
    "gaussian_smooth",
    "generalized_delta_rule",
    "graph_gradient",
    "init_deep_mlp",
    "init_layers",
    "init_recurrent_net",
    "level_gradient",
    "logistic",
    "mirror_weights",
    "mlp_gradients",
    "network_loss",
    "one_step_compression",
    "ordered_derivatives",
    "pass_up",
    "person_features",
    "random_autoencoder",
    "sgd_epoch",
    "sparse_network",
    "stagewise_gradient",
    "surprises",
    "time_lag_task",
    "train_chunker",
    "train_conventional",
    "train_deep_mlp",
    "train_history_compressor",
    "train_mlp",
    "train_multilayer_sgd",
    "train_plain_bptt",
    "train_rbm",
    "train_rbm_stack",
    "unit_backprop",
    "unit_gradients",
    "units_from_layers",
    "unroll",
    "xor_clusters",
]
