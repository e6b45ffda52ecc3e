"""A deep autoencoder: a stack of RBMs unrolled, then fine-tuned by backpropagation.

:func:`unroll` lays the stack out as an encoder (each RBM's weights and hidden
biases, bottom up) followed by a mirror-image decoder (the transposed weights and
the visible biases, top down); after unrolling, encoder and decoder weights are
separate copies that fine-tuning changes independently. :func:`fine_tune_autoencoder`
trains every layer at once by mini-batch gradient descent on the cross-entropy
between each input and its reconstruction, with the gradient of
:func:`autoencoder_gradients`, a backward sweep written out. Every unit is
logistic.

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
from histbp.nets._layers import logistic as sigmoid
from histbp.nets._rbm import RBM, _as_stack

__all__ = [
    "Autoencoder",
    "AutoencoderResult",
    "autoencoder_gradients",
    "fine_tune_autoencoder",
    "random_autoencoder",
    "unroll",
]

_TINY = 1e-12


@dataclass(frozen=True, slots=True)
class Autoencoder:
    """A feedforward autoencoder of logistic units.

    Attributes
    ----------
    weights
        One matrix per layer, input side first, ``weights[l]`` of shape
        ``(n_in, n_out)``; the first half encode, the second half decode.
    biases
        One vector per layer.
    """

    weights: tuple[np.ndarray, ...]
    biases: tuple[np.ndarray, ...]

    @property
    def sizes(self) -> tuple[int, ...]:
        """Units per layer, e.g. ``(64, 32, 8, 32, 64)``."""
        return (self.weights[0].shape[0], *(w.shape[1] for w in self.weights))

    def activations(self, X: Any) -> list[np.ndarray]:
        """The output of every layer for the rows of ``X``, the input first."""
        X = self._check(X)
        outs = [X]
        for w, b in zip(self.weights, self.biases, strict=True):
            outs.append(sigmoid(outs[-1] @ w + b))
        return outs

    def encode(self, X: Any) -> np.ndarray:
        """The code: the output of the middle layer."""
        return self.activations(X)[len(self.weights) // 2]

    def reconstruct(self, X: Any) -> np.ndarray:
        """The output layer: the reconstruction of each row of ``X``."""
        return self.activations(X)[-1]

    def squared_error(self, X: Any) -> float:
        """Mean over rows of ``|x - reconstruction|^2``."""
        X = self._check(X)
        return float(np.mean(np.sum((X - self.reconstruct(X)) ** 2, axis=1)))

    def _check(self, X: Any) -> np.ndarray:
        n_in = self.sizes[0]
        return as_unit_interval_data(X, "X", n_in, f"the autoencoder has {n_in} inputs")


def unroll(stack: Sequence[RBM]) -> Autoencoder:
    """Unroll a stack of RBMs (bottom first) into a deep autoencoder.

    References
    ----------
    Hinton and Salakhutdinov (2006) [hinton2006].
    """
    stack = _as_stack(stack)
    weights = [r.weights.copy() for r in stack]
    biases = [r.hidden_bias.copy() for r in stack]
    for r in reversed(stack):
        weights.append(r.weights.T.copy())
        biases.append(r.visible_bias.copy())
    return Autoencoder(tuple(weights), tuple(biases))


def random_autoencoder(
    sizes: Sequence[int],
    *,
    scale: float = 0.1,
    seed: int | np.random.Generator | None = 0,
) -> Autoencoder:
    """An autoencoder with the layers ``sizes`` mirrored, from random weights.

    ``sizes`` runs from the input to the code, e.g. ``(64, 32, 8)`` gives the
    layers 64-32-8-32-64. Weights are normal with standard deviation ``scale``,
    biases zero: the starting point of training without pre-training.
    """
    sizes = tuple(check_positive_int(s, "each layer size") for s in sizes)
    if len(sizes) < 2:
        raise ValueError(f"sizes needs at least the input and the code, got {sizes}")
    scale = check_real(scale, "scale", low=0.0, low_open=True)
    rng = check_random_state(seed)
    full = sizes + sizes[-2::-1]
    weights = tuple(
        scale * rng.standard_normal((a, b)) for a, b in itertools.pairwise(full)
    )
    biases = tuple(np.zeros(b) for b in full[1:])
    return Autoencoder(weights, biases)


def autoencoder_gradients(
    ae: Autoencoder, X: Any
) -> tuple[float, list[np.ndarray], list[np.ndarray]]:
    """Mean cross-entropy of the reconstructions and its gradient, by backprop.

    The error is ``-mean over rows of sum_i [x_i log y_i + (1 - x_i) log(1 - y_i)]``
    for reconstructions ``y``. With logistic outputs the error signal at the
    output is ``(y - x) / n``; each layer below receives ``delta W^T`` times the
    logistic slope ``h (1 - h)``.

    Returns
    -------
    loss : float
    weight_grads, bias_grads : list of numpy.ndarray
        Shaped like ``ae.weights`` and ``ae.biases``.
    """
    return _gradients(ae.weights, ae.biases, ae._check(X))


def _gradients(
    weights: Sequence[np.ndarray], biases: Sequence[np.ndarray], x: np.ndarray
) -> tuple[float, list[np.ndarray], list[np.ndarray]]:
    """:func:`autoencoder_gradients` without input checks."""
    outs = [x]
    for w, b in zip(weights, biases, strict=True):
        outs.append(sigmoid(outs[-1] @ w + b))
    y = outs[-1]
    n = x.shape[0]
    y_safe = np.clip(y, _TINY, 1.0 - _TINY)
    loss = float(-np.sum(x * np.log(y_safe) + (1.0 - x) * np.log(1.0 - y_safe)) / n)
    delta = (y - x) / n
    weight_grads: list[np.ndarray] = []
    bias_grads: list[np.ndarray] = []
    for layer in range(len(weights) - 1, -1, -1):
        weight_grads.append(outs[layer].T @ delta)
        bias_grads.append(delta.sum(axis=0))
        if layer > 0:
            h = outs[layer]
            delta = (delta @ weights[layer].T) * h * (1.0 - h)
    return loss, weight_grads[::-1], bias_grads[::-1]


@dataclass(frozen=True, slots=True)
class AutoencoderResult:
    """The outcome of :func:`fine_tune_autoencoder`.

    Attributes
    ----------
    autoencoder
        The trained network.
    train_errors, test_errors
        Mean squared reconstruction error per image before training and after
        each epoch (``test_errors`` is empty without a test set).
    """

    autoencoder: Autoencoder
    train_errors: np.ndarray
    test_errors: np.ndarray


def fine_tune_autoencoder(
    ae: Autoencoder,
    X: Any,
    *,
    epochs: int = 50,
    learning_rate: float = 0.1,
    batch_size: int = 20,
    momentum: float = 0.9,
    X_test: Any = None,
    seed: int | np.random.Generator | None = 0,
) -> AutoencoderResult:
    """Train all layers of ``ae`` together by mini-batch backpropagation.

    Each step moves the weights along the negative gradient of the batch's mean
    cross-entropy (:func:`autoencoder_gradients`), with momentum.

    Parameters
    ----------
    ae
        The starting network: :func:`unroll` of a pre-trained stack, or
        :func:`random_autoencoder`.
    X
        Training data in ``[0, 1]``.
    epochs, learning_rate, batch_size, momentum
        Passes over the data, step size, rows per step, momentum in ``[0, 1)``.
    X_test
        Optional held-out data, measured after each epoch.
    seed
        Seed of the order of the rows.

    References
    ----------
    Hinton and Salakhutdinov (2006) [hinton2006].
    """
    if not isinstance(ae, Autoencoder):
        raise TypeError(f"ae must be an Autoencoder, got {type(ae).__name__}")
    X = ae._check(X)
    X_test = ae._check(X_test) if X_test is not None else None
    epochs = check_positive_int(epochs, "epochs")
    batch_size = check_positive_int(batch_size, "batch_size")
    lr = check_real(learning_rate, "learning_rate", low=0.0, low_open=True)
    momentum = check_real(momentum, "momentum", low=0.0, high=1.0, high_open=True)
    weights = [w.copy() for w in ae.weights]
    biases = [b.copy() for b in ae.biases]
    vel_w = [np.zeros_like(w) for w in weights]
    vel_b = [np.zeros_like(b) for b in biases]
    rng = check_random_state(seed)

    def current() -> Autoencoder:
        return Autoencoder(tuple(weights), tuple(biases))

    train_errors = [current().squared_error(X)]
    test_errors = [current().squared_error(X_test)] if X_test is not None else []
    for _ in range(epochs):
        order = rng.permutation(X.shape[0])
        for start in range(0, X.shape[0], batch_size):
            batch = X[order[start : start + batch_size]]
            _, gw, gb = _gradients(weights, biases, batch)
            for i in range(len(weights)):
                vel_w[i] = momentum * vel_w[i] - lr * gw[i]
                vel_b[i] = momentum * vel_b[i] - lr * gb[i]
                weights[i] += vel_w[i]
                biases[i] += vel_b[i]
        train_errors.append(current().squared_error(X))
        if X_test is not None:
            test_errors.append(current().squared_error(X_test))
    return AutoencoderResult(current(), np.array(train_errors), np.array(test_errors))
