"""Restricted Boltzmann machines trained by one step of contrastive divergence.

An RBM has visible units ``v`` and hidden units ``h``, all binary and logistic,
with weights ``W`` between the layers and none within a layer, so that
``p(h_j = 1 | v) = sigma(c_j + (v W)_j)`` and ``p(v_i = 1 | h) = sigma(b_i +
(h W^T)_i)``. CD-1 (:func:`train_rbm`) samples ``h`` from a data vector,
reconstructs ``v'`` from it (probabilities, not samples), recomputes the hidden
probabilities ``h'`` and moves ``W`` by the difference of the data and
reconstruction correlations. :func:`train_rbm_stack` trains RBMs one on top of
the other, each on the hidden probabilities of the one below, and
:func:`classifier_from_stack` turns a stack into the first layers of a
classifier.

References
----------
Hinton and Salakhutdinov (2006) [hinton2006].
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from histbp._validation import check_positive_int, check_real
from histbp.nets.deep_mlp import DeepMLP

__all__ = [
    "RBM",
    "classifier_from_stack",
    "sigmoid",
    "train_rbm",
    "train_rbm_stack",
]


def sigmoid(a: Any) -> np.ndarray:
    """The logistic function ``1 / (1 + exp(-a))``, without overflow warnings."""
    return 0.5 * (1.0 + np.tanh(0.5 * np.asarray(a)))


def _as_unit_data(value: Any, name: str) -> np.ndarray:
    """A non-empty 2-D float array with every entry in ``[0, 1]``."""
    try:
        arr = np.array(value, dtype=float)
    except (TypeError, ValueError):
        raise TypeError(f"{name} must be a numeric 2-D array") from None
    if arr.ndim != 2 or arr.shape[0] == 0 or arr.shape[1] == 0:
        raise ValueError(f"{name} must be a non-empty 2-D array, got shape {arr.shape}")
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} contains non-finite values")
    if arr.min() < 0.0 or arr.max() > 1.0:
        raise ValueError(
            f"{name} must hold probabilities in [0, 1] (scale the data first), "
            f"got values from {arr.min()} to {arr.max()}"
        )
    return arr


@dataclass(frozen=True, slots=True)
class RBM:
    """A trained restricted Boltzmann machine.

    Attributes
    ----------
    weights
        Shape ``(n_visible, n_hidden)``.
    visible_bias, hidden_bias
        Shapes ``(n_visible,)`` and ``(n_hidden,)``.
    reconstruction_errors
        Mean squared reconstruction error ``|v - v'|^2`` per data vector, over
        the training data, before training and after each epoch.
    """

    weights: np.ndarray
    visible_bias: np.ndarray
    hidden_bias: np.ndarray
    reconstruction_errors: np.ndarray

    def hidden_probs(self, v: Any) -> np.ndarray:
        """``p(h = 1 | v)`` for each row of ``v``."""
        return sigmoid(np.asarray(v, dtype=float) @ self.weights + self.hidden_bias)

    def visible_probs(self, h: Any) -> np.ndarray:
        """``p(v = 1 | h)`` for each row of ``h``."""
        return sigmoid(np.asarray(h, dtype=float) @ self.weights.T + self.visible_bias)

    def reconstruct(self, v: Any) -> np.ndarray:
        """Visible probabilities given the hidden probabilities of ``v``."""
        return self.visible_probs(self.hidden_probs(v))

    def reconstruction_error(self, v: Any) -> float:
        """Mean over rows of the squared distance from ``v`` to its reconstruction."""
        v = _as_unit_data(v, "v")
        if v.shape[1] != self.weights.shape[0]:
            raise ValueError(
                f"v has {v.shape[1]} columns but the RBM has "
                f"{self.weights.shape[0]} visible units"
            )
        return float(np.mean(np.sum((v - self.reconstruct(v)) ** 2, axis=1)))


def _cd1_error(W: np.ndarray, b: np.ndarray, c: np.ndarray, v: np.ndarray) -> float:
    recon = sigmoid(sigmoid(v @ W + c) @ W.T + b)
    return float(np.mean(np.sum((v - recon) ** 2, axis=1)))


def train_rbm(
    data: Any,
    n_hidden: int,
    *,
    epochs: int = 10,
    learning_rate: float = 0.1,
    batch_size: int = 100,
    momentum: float = 0.5,
    weight_decay: float = 0.0002,
    seed: int | None = 0,
) -> RBM:
    """Train an RBM on ``data`` by CD-1 on mini-batches.

    For a batch ``v`` (rows in ``[0, 1]``, read as probabilities): hidden
    probabilities ``p = sigma(c + v W)``, binary states ``h`` sampled from them,
    reconstruction ``v' = sigma(b + h W^T)``, and ``p' = sigma(c + v' W)``. The
    update is ``dW = lr (<v p> - <v' p'>) - lr weight_decay W`` (averaged over
    the batch), ``db = lr <v - v'>``, ``dc = lr <p - p'>``, each with momentum.

    Parameters
    ----------
    data
        Training vectors, shape ``(n, n_visible)``, entries in ``[0, 1]``.
    n_hidden
        Number of hidden units.
    epochs, learning_rate, batch_size
        Passes over the data, step size, rows per update.
    momentum
        Fraction of the previous update added to each update, in ``[0, 1)``.
    weight_decay
        L2 penalty on the weights, non-negative.
    seed
        Seed of the initial weights (normal, standard deviation 0.01), the batch
        order and the hidden samples.

    Returns
    -------
    RBM

    References
    ----------
    Hinton and Salakhutdinov (2006) [hinton2006].

    Examples
    --------
    >>> import numpy as np
    >>> data = np.repeat(np.eye(4), 25, axis=0)
    >>> rbm = train_rbm(data, 3, epochs=50, batch_size=10)
    >>> bool(rbm.reconstruction_errors[-1] < rbm.reconstruction_errors[0])
    True
    """
    v_all = _as_unit_data(data, "data")
    n_hidden = check_positive_int(n_hidden, "n_hidden")
    epochs = check_positive_int(epochs, "epochs")
    batch_size = check_positive_int(batch_size, "batch_size")
    lr = check_real(learning_rate, "learning_rate", low=0.0, low_open=True)
    momentum = check_real(momentum, "momentum", low=0.0, high=1.0, high_open=True)
    decay = check_real(weight_decay, "weight_decay", low=0.0)

    rng = np.random.default_rng(seed)
    n, n_visible = v_all.shape
    W = 0.01 * rng.standard_normal((n_visible, n_hidden))
    b = np.zeros(n_visible)
    c = np.zeros(n_hidden)
    dW, db, dc = np.zeros_like(W), np.zeros_like(b), np.zeros_like(c)
    errors = [_cd1_error(W, b, c, v_all)]
    for _ in range(epochs):
        order = rng.permutation(n)
        for start in range(0, n, batch_size):
            v = v_all[order[start : start + batch_size]]
            m = v.shape[0]
            p = sigmoid(v @ W + c)
            h = (rng.random(p.shape) < p).astype(float)
            v1 = sigmoid(h @ W.T + b)
            p1 = sigmoid(v1 @ W + c)
            dW = momentum * dW + lr * ((v.T @ p - v1.T @ p1) / m - decay * W)
            db = momentum * db + lr * np.mean(v - v1, axis=0)
            dc = momentum * dc + lr * np.mean(p - p1, axis=0)
            W += dW
            b += db
            c += dc
        errors.append(_cd1_error(W, b, c, v_all))
    return RBM(W, b, c, np.array(errors))


def train_rbm_stack(
    data: Any, hidden_sizes: Sequence[int], **options: Any
) -> tuple[RBM, ...]:
    """Train RBMs layer by layer: each on the hidden probabilities of the last.

    Parameters
    ----------
    data
        Training vectors in ``[0, 1]``, shape ``(n, n_visible)``.
    hidden_sizes
        Hidden units of each RBM, bottom first, e.g. ``(100, 50)``.
    **options
        Passed to :func:`train_rbm` for every layer (``seed`` is offset by the
        layer's index so that the layers draw different random numbers).

    Returns
    -------
    tuple of RBM
        Bottom first.

    References
    ----------
    Hinton and Salakhutdinov (2006) [hinton2006].
    """
    v = _as_unit_data(data, "data")
    sizes = tuple(hidden_sizes)
    if not sizes:
        raise ValueError("hidden_sizes must name at least one layer")
    seed = options.pop("seed", 0)
    stack = []
    for layer, n_hidden in enumerate(sizes):
        layer_seed = None if seed is None else seed + layer
        rbm = train_rbm(v, n_hidden, seed=layer_seed, **options)
        stack.append(rbm)
        v = rbm.hidden_probs(v)
    return tuple(stack)


def classifier_from_stack(
    stack: Sequence[RBM], n_classes: int, *, seed: int | None = 0
) -> DeepMLP:
    """A logistic-unit classifier whose hidden layers are the stack's RBMs.

    The RBMs' weights and hidden biases become the hidden layers; a softmax
    layer with ``n_classes`` outputs and small random weights (uniform in
    ``+-sqrt(3 / fan_in)``) is put on top. Fine-tune it with
    :func:`histbp.nets.deep_mlp.train_deep_mlp` (``init=``).

    References
    ----------
    Hinton and Salakhutdinov (2006) [hinton2006].
    """
    stack = tuple(stack)
    if not stack or not all(isinstance(r, RBM) for r in stack):
        raise TypeError("stack must be a non-empty sequence of RBM")
    for lower, upper in itertools.pairwise(stack):
        if lower.weights.shape[1] != upper.weights.shape[0]:
            raise ValueError(
                f"stack layers do not fit: {lower.weights.shape[1]} hidden units "
                f"below, {upper.weights.shape[0]} visible units above"
            )
    n_classes = check_positive_int(n_classes, "n_classes")
    rng = np.random.default_rng(seed)
    top_in = stack[-1].weights.shape[1]
    bound = np.sqrt(3.0 / top_in)
    weights = [r.weights.copy() for r in stack]
    biases = [r.hidden_bias.copy() for r in stack]
    weights.append(rng.uniform(-bound, bound, (top_in, n_classes)))
    biases.append(np.zeros(n_classes))
    return DeepMLP(tuple(weights), tuple(biases), "logistic")
