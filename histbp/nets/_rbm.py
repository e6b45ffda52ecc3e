"""Restricted Boltzmann machines trained by one step of contrastive divergence.

An RBM has visible units ``v`` and hidden units ``h``, all binary and logistic,
with weights ``W`` between the layers and none within a layer, so that
``p(h_j = 1 | v) = sigma(c_j + (v W)_j)`` and ``p(v_i = 1 | h) = sigma(b_i +
(h W^T)_i)``. CD-1 (:func:`cd1_gradient`, used by :func:`train_rbm`) samples
``h`` from a data vector, reconstructs ``v'`` from it (probabilities, not
samples), recomputes the hidden probabilities ``h'`` and moves ``W`` by the
difference of the data and reconstruction correlations. :func:`train_rbm_stack`
trains RBMs one on top of the other, each on the hidden probabilities of the one
below, and :func:`classifier_from_stack` turns a stack into the first layers of a
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

from histbp._validation import (
    as_unit_interval_data,
    check_positive_int,
    check_random_state,
    check_real,
)
from histbp.nets._deep_mlp import DeepMLP
from histbp.nets._layers import logistic as sigmoid

__all__ = [
    "RBM",
    "cd1_gradient",
    "classifier_from_stack",
    "train_rbm",
    "train_rbm_stack",
]


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
        n_visible = self.weights.shape[0]
        v = as_unit_interval_data(
            v, "v", n_visible, f"the RBM has {n_visible} visible units"
        )
        return float(np.mean(np.sum((v - self.reconstruct(v)) ** 2, axis=1)))


def _cd1_error(W: np.ndarray, b: np.ndarray, c: np.ndarray, v: np.ndarray) -> float:
    recon = sigmoid(sigmoid(v @ W + c) @ W.T + b)
    return float(np.mean(np.sum((v - recon) ** 2, axis=1)))


def cd1_gradient(
    weights: np.ndarray,
    visible_bias: np.ndarray,
    hidden_bias: np.ndarray,
    v: Any,
    rng: np.random.Generator | int | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """One step of contrastive divergence (CD-1) on a batch: the update directions.

    For a batch ``v`` (rows in ``[0, 1]``, read as probabilities): hidden
    probabilities ``p = sigma(c + v W)``, binary hidden states ``h`` sampled from
    them, the reconstruction ``v' = sigma(b + h W^T)`` and its hidden
    probabilities ``p' = sigma(c + v' W)``. The directions are the data
    correlations minus the reconstruction correlations, averaged over the batch.

    Parameters
    ----------
    weights, visible_bias, hidden_bias
        ``W`` of shape ``(n_visible, n_hidden)``, ``b`` and ``c``.
    v
        The batch, shape ``(m, n_visible)``, entries in ``[0, 1]``.
    rng
        Generator (or seed) of the hidden samples.

    Returns
    -------
    tuple of numpy.ndarray
        ``(<v p> - <v' p'>, <v - v'>, <p - p'>)``, shaped like ``W``, ``b``, ``c``:
        ascend them to raise the likelihood of the data (approximately).

    References
    ----------
    Hinton and Salakhutdinov (2006) [hinton2006].
    """
    W, b, c = _as_rbm_parameters(weights, visible_bias, hidden_bias)
    v = as_unit_interval_data(
        v, "v", W.shape[0], f"weights has {W.shape[0]} rows (visible units)"
    )
    rng = check_random_state(rng, "rng")
    p = sigmoid(v @ W + c)  # p(h = 1 | v), the data
    h = (rng.random(p.shape) < p).astype(float)  # binary hidden states
    v1 = sigmoid(h @ W.T + b)  # the reconstruction, as probabilities
    p1 = sigmoid(v1 @ W + c)  # p(h = 1 | v'), the reconstruction
    m = v.shape[0]
    return (v.T @ p - v1.T @ p1) / m, np.mean(v - v1, axis=0), np.mean(p - p1, axis=0)


def _as_rbm_parameters(
    weights: Any, visible_bias: Any, hidden_bias: Any
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``W``, ``b`` and ``c`` as finite float arrays of matching shapes."""
    W = np.asarray(weights, dtype=float)
    if W.ndim != 2 or not np.all(np.isfinite(W)):
        raise ValueError(f"weights must be a finite 2-D array, got shape {W.shape}")
    b = np.asarray(visible_bias, dtype=float)
    c = np.asarray(hidden_bias, dtype=float)
    for name, bias, size in (
        ("visible_bias", b, W.shape[0]),
        ("hidden_bias", c, W.shape[1]),
    ):
        if bias.shape != (size,) or not np.all(np.isfinite(bias)):
            raise ValueError(
                f"{name} must be a finite vector of shape ({size},) to match "
                f"weights of shape {W.shape}, got shape {bias.shape}"
            )
    return W, b, c


def train_rbm(
    data: Any,
    n_hidden: int,
    *,
    epochs: int = 10,
    learning_rate: float = 0.1,
    batch_size: int = 100,
    momentum: float = 0.5,
    weight_decay: float = 0.0002,
    seed: int | np.random.Generator | None = 0,
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
    v_all = as_unit_interval_data(data, "data")
    n_hidden = check_positive_int(n_hidden, "n_hidden")
    epochs = check_positive_int(epochs, "epochs")
    batch_size = check_positive_int(batch_size, "batch_size")
    lr = check_real(learning_rate, "learning_rate", low=0.0, low_open=True)
    momentum = check_real(momentum, "momentum", low=0.0, high=1.0, high_open=True)
    decay = check_real(weight_decay, "weight_decay", low=0.0)

    rng = check_random_state(seed)
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
            gW, gb, gc = cd1_gradient(W, b, c, v, rng)
            dW = momentum * dW + lr * (gW - decay * W)
            db = momentum * db + lr * gb
            dc = momentum * dc + lr * gc
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
    v = as_unit_interval_data(data, "data")
    sizes = tuple(hidden_sizes)
    if not sizes:
        raise ValueError("hidden_sizes must name at least one layer")
    seed = options.pop("seed", 0)
    stack = []
    for layer, n_hidden in enumerate(sizes):
        # An integer seed is offset per layer; a Generator's stream runs on.
        layer_seed = seed + layer if isinstance(seed, int | np.integer) else seed
        rbm = train_rbm(v, n_hidden, seed=layer_seed, **options)
        stack.append(rbm)
        v = rbm.hidden_probs(v)
    return tuple(stack)


def _as_stack(stack: Any) -> tuple[RBM, ...]:
    """The RBMs of a stack, bottom first, each fitting the hidden units below."""
    stack = tuple(stack)
    if not stack or not all(isinstance(r, RBM) for r in stack):
        raise TypeError("stack must be a non-empty sequence of RBM")
    for lower, upper in itertools.pairwise(stack):
        if lower.weights.shape[1] != upper.weights.shape[0]:
            raise ValueError(
                f"stack layers do not fit: {lower.weights.shape[1]} hidden units "
                f"below, {upper.weights.shape[0]} visible units above"
            )
    return stack


def classifier_from_stack(
    stack: Sequence[RBM], n_classes: int, *, seed: int | np.random.Generator | None = 0
) -> DeepMLP:
    """A logistic-unit classifier whose hidden layers are the stack's RBMs.

    The RBMs' weights and hidden biases become the hidden layers; a softmax
    layer with ``n_classes`` outputs and small random weights (uniform in
    ``+-sqrt(3 / fan_in)``) is put on top. Fine-tune it with
    :func:`histbp.nets.train_deep_mlp` (``init=``).

    References
    ----------
    Hinton and Salakhutdinov (2006) [hinton2006].
    """
    stack = _as_stack(stack)
    n_classes = check_positive_int(n_classes, "n_classes")
    rng = check_random_state(seed)
    top_in = stack[-1].weights.shape[1]
    bound = np.sqrt(3.0 / top_in)
    weights = [r.weights.copy() for r in stack]
    biases = [r.hidden_bias.copy() for r in stack]
    weights.append(rng.uniform(-bound, bound, (top_in, n_classes)))
    biases.append(np.zeros(n_classes))
    return DeepMLP(tuple(weights), tuple(biases), "logistic")
