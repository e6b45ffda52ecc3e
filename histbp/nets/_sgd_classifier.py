"""Amari (1967) and Saito: a multilayer classifier trained by stochastic gradients.

The classifier is a layered network of tanh units with one output ``z``; a pattern
is assigned to class 1 when ``z > 0``. Its loss on a pattern of class ``k`` is the
logistic loss ``log(1 + exp(-t z))`` with ``t = 2k - 1``, a differentiable
stand-in for the classification error. Only the last ``modifiable`` weight layers
learn; the layers below keep their random initial weights. Patterns are presented
one at a time, and after each one every modifiable weight moves against the
gradient of that pattern's loss, computed by :func:`histbp.autodiff.value_and_grad`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from histbp._validation import (
    as_data_matrix,
    as_labels,
    check_layer_sizes,
    check_positive_int,
    check_random_state,
    check_real,
)
from histbp.autodiff import sigmoid, value_and_grad
from histbp.nets._layers import init_layers

__all__ = [
    "SGDClassifierResult",
    "sgd_epoch",
    "train_multilayer_sgd",
    "xor_clusters",
]


@dataclass(frozen=True, slots=True)
class SGDClassifierResult:
    """The outcome of :func:`train_multilayer_sgd`.

    Attributes
    ----------
    weights, biases
        All layers, fixed and trained, ``weights[l]`` of shape ``(n_{l+1}, n_l)``.
    modifiable
        How many of the last weight layers were trained.
    losses
        Mean logistic loss over the training patterns before training and after
        each epoch, shape ``(epochs + 1,)``.
    accuracies
        Training accuracy at the same moments, shape ``(epochs + 1,)``.
    """

    weights: tuple[np.ndarray, ...]
    biases: tuple[np.ndarray, ...]
    modifiable: int
    losses: np.ndarray
    accuracies: np.ndarray

    def decision_function(self, X: Any) -> np.ndarray:
        """The output ``z`` for each pattern; positive means class 1."""
        X = as_data_matrix(X, "X")
        if X.shape[1] != self.weights[0].shape[1]:
            raise ValueError(
                f"X has {X.shape[1]} columns but the network has "
                f"{self.weights[0].shape[1]} inputs"
            )
        return _logits(self.weights, self.biases, X)

    def predict(self, X: Any) -> np.ndarray:
        """Class labels, 0 or 1, for the patterns ``X``."""
        return (self.decision_function(X) > 0).astype(int)

    def accuracy(self, X: Any, labels: Any) -> float:
        """Share of the patterns ``X`` whose predicted class equals ``labels``."""
        predicted = self.predict(X)
        labels = as_labels(labels, "labels", predicted.shape[0])
        return float(np.mean(predicted == labels))


def train_multilayer_sgd(
    X: Any,
    labels: Any,
    *,
    sizes: Sequence[int] = (2, 16, 16, 8, 1),
    modifiable: int = 2,
    epochs: int = 100,
    learning_rate: float = 0.3,
    scale: float = 4.0,
    fixed_scale: float = 0.5,
    seed: Any = None,
) -> SGDClassifierResult:
    """Train the last layers of a multilayer classifier, one pattern at a time.

    Parameters
    ----------
    X
        Patterns, shape ``(n_patterns, sizes[0])``.
    labels
        Their classes, 0 or 1, shape ``(n_patterns,)``.
    sizes
        Layer widths from the input to the single output unit; the default
        ``(2, 16, 16, 8, 1)`` has five layers of units and four of weights.
    modifiable
        Number of weight layers, counted from the output, that learn; between 1
        and ``len(sizes) - 1``. The others keep their random initial weights.
    epochs
        Number of passes through the patterns, each in a fresh random order.
    learning_rate
        The constant step size ``c`` of ``w <- w - c grad loss``, positive.
    scale
        Spread of the random initial weights of the modifiable layers (see
        :func:`~histbp.nets.init_layers`), positive.
    fixed_scale
        Spread of the random weights of the fixed layers, positive. The default
        keeps the fixed layers' units near the middle of their range, so that the
        fixed part is a smooth, nearly linear map of the input.
    seed
        ``None``, a non-negative integer or a :class:`numpy.random.Generator`; it
        draws the initial weights and the presentation order.

    Returns
    -------
    SGDClassifierResult
        The network, and its loss and training accuracy after every epoch.

    Raises
    ------
    ValueError
        If the data have the wrong shape or non-finite values, labels are not 0
        or 1, the last size is not 1, or an option is out of range.
    TypeError
        If an option has the wrong type.

    References
    ----------
    Amari (1967) [amari1967]; Amari (1968) [amari1968]; Saito (1967) [saito1967].

    Examples
    --------
    >>> import numpy as np
    >>> X = np.array([[-1.0, -1.0], [-1.0, 1.0], [1.0, -1.0], [1.0, 1.0]])
    >>> run = train_multilayer_sgd(X, [1, 0, 0, 1], epochs=300, learning_rate=0.1,
    ...                            seed=0)
    >>> run.accuracy(X, [1, 0, 0, 1])
    1.0
    """
    sizes = check_layer_sizes(sizes, "sizes")
    scale = check_real(scale, "scale", low=0.0, low_open=True)
    fixed_scale = check_real(fixed_scale, "fixed_scale", low=0.0, low_open=True)
    if sizes[-1] != 1:
        raise ValueError(f"the last of sizes must be 1 (one output), got {sizes[-1]}")
    n_layers = len(sizes) - 1
    modifiable = check_positive_int(modifiable, "modifiable")
    if modifiable > n_layers:
        raise ValueError(
            f"modifiable must lie between 1 and {n_layers} (the number of weight "
            f"layers in sizes={sizes}), got {modifiable}"
        )
    epochs = check_positive_int(epochs, "epochs")
    learning_rate = check_real(learning_rate, "learning_rate", low=0.0, low_open=True)
    X = as_data_matrix(X, "X")
    if X.shape[1] != sizes[0]:
        raise ValueError(f"X has {X.shape[1]} columns but sizes[0] = {sizes[0]} inputs")
    labels = as_labels(labels, "labels", X.shape[0])
    rng = check_random_state(seed)
    n_fixed = n_layers - modifiable
    weights: list[np.ndarray] = []
    biases: list[np.ndarray] = []
    for layer in range(n_layers):
        spread = fixed_scale if layer < n_fixed else scale
        w, b = init_layers(sizes[layer : layer + 2], scale=spread, seed=rng)
        weights.append(w[0].copy())
        biases.append(b[0].copy())

    features = X  # the fixed layers never change: run them once
    for w, b in zip(weights[:n_fixed], biases[:n_fixed], strict=True):
        features = np.tanh(features @ w.T + b)
    signs = 2.0 * labels - 1.0

    def record() -> None:
        z = _logits(weights, biases, X)
        losses.append(float(np.mean(np.logaddexp(0.0, -signs * z))))
        accuracies.append(float(np.mean((z > 0) == (labels == 1))))

    losses: list[float] = []
    accuracies: list[float] = []
    record()
    for _ in range(epochs):
        order = rng.permutation(X.shape[0])
        sgd_epoch(
            weights[n_fixed:], biases[n_fixed:], features[order], signs[order],
            learning_rate=learning_rate,
        )  # fmt: skip
        record()
    return SGDClassifierResult(
        tuple(weights),
        tuple(biases),
        modifiable,
        np.array(losses),
        np.array(accuracies),
    )


def sgd_epoch(
    weights: list[np.ndarray],
    biases: list[np.ndarray],
    features: np.ndarray,
    signs: np.ndarray,
    *,
    learning_rate: float,
) -> None:
    """One pass of Amari's stochastic gradient descent over the patterns, in place.

    The patterns are presented in the order given. For each, the gradient of its
    loss ``log(1 + exp(-t z))`` with respect to every modifiable weight and bias
    comes from :func:`histbp.autodiff.value_and_grad`, and each moves by
    ``-learning_rate`` times its derivative before the next pattern is shown.

    Parameters
    ----------
    weights, biases
        The modifiable layers, lists of arrays updated in place:
        ``weights[k]`` of shape ``(n_{k+1}, n_k)``, the last with one row (the
        output ``z``). Hidden units are tanh; the output is linear.
    features
        The patterns as the modifiable layers see them (the fixed layers'
        outputs), shape ``(n_patterns, n_0)``, in presentation order.
    signs
        ``t = +1`` for class 1 and ``-1`` for class 0, one per pattern.
    learning_rate
        The constant step size ``c`` of ``w <- w - c grad loss``.

    References
    ----------
    Amari (1967) [amari1967].

    Examples
    --------
    >>> import numpy as np
    >>> w, b = [np.array([[0.0, 0.0]])], [np.zeros(1)]
    >>> sgd_epoch(w, b, np.array([[1.0, 2.0]]), np.array([1.0]), learning_rate=1.0)
    >>> w[0].tolist(), b[0].tolist()
    ([[0.5, 1.0]], [0.5])
    """
    n = len(weights)
    step = value_and_grad(_pattern_loss, argnum=tuple(range(2 * n)))
    for x, t in zip(features, signs, strict=True):
        _, grads = step(*weights, *biases, x, t)
        for k in range(n):
            weights[k] -= learning_rate * grads[k]
            biases[k] -= learning_rate * grads[n + k]


def xor_clusters(
    n: int, *, radius: float = 0.25, seed: Any = None
) -> tuple[np.ndarray, np.ndarray]:
    """Patterns of an exclusive-or type: four round clusters, opposite ones alike.

    The clusters are discs of the given radius centred at ``(+-0.5, +-0.5)``,
    filled uniformly; the two on the diagonal ``x1 = x2`` form class 1 and the two
    on the other diagonal class 0. No straight line separates the classes. The
    patterns visit the clusters in turn, so each holds ``n // 4`` or one more.

    Parameters
    ----------
    n
        Number of patterns, positive.
    radius
        Radius of each cluster, in ``(0, 0.5)`` so the clusters do not touch
        the axes.
    seed
        ``None``, a non-negative integer or a :class:`numpy.random.Generator`.

    Returns
    -------
    tuple
        ``(X, labels)``: patterns of shape ``(n, 2)`` and labels 0 or 1.

    Raises
    ------
    ValueError
        If ``n`` is not positive or ``radius`` is out of range.

    Examples
    --------
    >>> X, labels = xor_clusters(8, seed=0)
    >>> X.shape, labels.tolist()
    ((8, 2), [1, 1, 0, 0, 1, 1, 0, 0])
    """
    n = check_positive_int(n, "n")
    radius = check_real(
        radius, "radius", low=0.0, high=0.5, low_open=True, high_open=True
    )
    rng = check_random_state(seed)
    centres = np.array([[0.5, 0.5], [-0.5, -0.5], [-0.5, 0.5], [0.5, -0.5]])
    cluster = np.arange(n) % 4
    r = radius * np.sqrt(rng.uniform(0.0, 1.0, n))
    angle = rng.uniform(0.0, 2.0 * np.pi, n)
    X = centres[cluster] + np.column_stack([r * np.cos(angle), r * np.sin(angle)])
    return X, (cluster < 2).astype(int)


def _pattern_loss(*args: Any) -> Any:
    """Logistic loss of one pattern; args are the modifiable weights, biases, x, t."""
    *params, x, t = args
    n = len(params) // 2
    h = x
    for k in range(n):
        a = params[k] @ h + params[n + k]
        h = np.tanh(a) if k < n - 1 else a
    # log(1 + exp(-t z)) = -log(sigmoid(t z))
    return -np.log(sigmoid(t * h[0]))


def _logits(
    weights: Sequence[np.ndarray], biases: Sequence[np.ndarray], X: np.ndarray
) -> np.ndarray:
    """The output ``z`` for every row of ``X``."""
    h = X
    for k, (w, b) in enumerate(zip(weights, biases, strict=True)):
        a = h @ w.T + b
        h = np.tanh(a) if k < len(weights) - 1 else a
    return h[:, 0]
