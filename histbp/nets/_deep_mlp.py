"""Deep multilayer perceptrons trained by plain backpropagation, as in 2010.

:func:`train_deep_mlp` trains a fully connected network by stochastic gradient
descent on small batches (``batch_size=1`` is on-line learning), with a
learning rate that shrinks by a constant factor every epoch, no pre-training
and no momentum. If a ``deform`` function is given, the whole training set is
deformed afresh at the start of every epoch, so the network never sees the same
pixels twice; a worker thread prepares the next epoch's images while the
current epoch trains. The gradient is the backward sweep written out in
:func:`mlp_gradients`, and the run can stop at a wall-clock budget.

The hidden units are LeCun's scaled hyperbolic tangent ``1.7159 tanh(2a/3)``
(or the logistic function), the output a softmax with the cross-entropy error.

References
----------
Ciresan, Meier, Gambardella and Schmidhuber (2010) [ciresan2010].
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import numpy as np

from histbp._validation import (
    as_numeric_array,
    check_callable,
    check_positive_int,
    check_random_state,
    check_real,
)
from histbp.nets._layers import ACTIVATIONS, Activation

__all__ = [
    "DeepMLP",
    "DeepMLPResult",
    "EpochRecord",
    "MLPGradientResult",
    "init_deep_mlp",
    "mlp_gradients",
    "train_deep_mlp",
]

#: The hidden-unit functions, by the names this module gives them, and their
#: entries in the one table (the logistic function is its ``"sigmoid"``).
_HIDDEN_UNITS = {"scaled_tanh": "scaled_tanh", "logistic": "sigmoid"}


def _activation(name: Any) -> Activation:
    if name not in _HIDDEN_UNITS:
        raise ValueError(
            f"activation must be one of {sorted(_HIDDEN_UNITS)}, got {name!r}"
        )
    return ACTIVATIONS[_HIDDEN_UNITS[name]]


@dataclass(frozen=True, slots=True)
class DeepMLP:
    """A fully connected network with a softmax output.

    Attributes
    ----------
    weights
        One matrix per layer, ``weights[l]`` of shape ``(n_in, n_out)``.
    biases
        One vector per layer, shape ``(n_out,)``.
    activation
        Name of the hidden-unit function: ``"scaled_tanh"`` or ``"logistic"``.
    """

    weights: tuple[np.ndarray, ...]
    biases: tuple[np.ndarray, ...]
    activation: str = "scaled_tanh"

    @property
    def sizes(self) -> tuple[int, ...]:
        """Units per layer, inputs first, e.g. ``(784, 500, 10)``."""
        return (self.weights[0].shape[0], *(w.shape[1] for w in self.weights))

    @property
    def n_parameters(self) -> int:
        """The number of weights and biases."""
        return sum(
            w.size + b.size for w, b in zip(self.weights, self.biases, strict=True)
        )

    def layer_outputs(self, X: Any) -> list[np.ndarray]:
        """The outputs of every layer for the rows of ``X``, inputs first."""
        X = self._check_inputs(X)
        f = _activation(self.activation).f
        outs = [X]
        for w, b in zip(self.weights[:-1], self.biases[:-1], strict=True):
            outs.append(f(outs[-1] @ w + b))
        logits = outs[-1] @ self.weights[-1] + self.biases[-1]
        outs.append(_softmax(logits))
        return outs

    def predict_proba(self, X: Any, batch_size: int = 2000) -> np.ndarray:
        """Class probabilities for the rows of ``X``, computed in batches."""
        X = self._check_inputs(X)
        return np.concatenate(
            [
                self.layer_outputs(X[i : i + batch_size])[-1]
                for i in range(0, X.shape[0], batch_size)
            ]
        )

    def predict(self, X: Any) -> np.ndarray:
        """The most probable class for each row of ``X``."""
        return np.argmax(self.predict_proba(X), axis=1)

    def error_rate(self, X: Any, labels: Any) -> float:
        """The fraction of rows of ``X`` whose predicted class is not the label."""
        X, labels = _as_batch(self, X, labels)
        return float(np.mean(self.predict(X) != labels))

    def _check_inputs(self, X: Any, name: str = "X") -> np.ndarray:
        X = np.asarray(X)
        if X.ndim != 2 or X.shape[1] != self.sizes[0]:
            raise ValueError(
                f"{name} must have shape (n, {self.sizes[0]}), got {X.shape}"
            )
        return X.astype(self.weights[0].dtype, copy=False)


def _softmax(logits: np.ndarray) -> np.ndarray:
    z = np.exp(logits - logits.max(axis=1, keepdims=True))
    return z / z.sum(axis=1, keepdims=True)


def _as_labels(labels: Any, n_classes: int, name: str) -> np.ndarray:
    arr = np.asarray(labels)
    if arr.ndim != 1 or arr.dtype.kind not in "iu":
        raise ValueError(f"{name} must be a 1-D array of integer class labels")
    if arr.size and (arr.min() < 0 or arr.max() >= n_classes):
        raise ValueError(
            f"{name} must lie in 0..{n_classes - 1}, got values "
            f"{arr.min()}..{arr.max()}"
        )
    return arr.astype(np.intp)


def _as_sizes(sizes: Any) -> tuple[int, ...]:
    try:
        out = tuple(sizes)
    except TypeError:
        raise TypeError(
            f"sizes must be a sequence of layer sizes, got {type(sizes).__name__}"
        ) from None
    if len(out) < 2:
        raise ValueError(f"sizes needs at least inputs and outputs, got {out}")
    return tuple(check_positive_int(s, "each layer size") for s in out)


def init_deep_mlp(
    sizes: Sequence[int],
    *,
    seed: int | np.random.Generator | None = 0,
    activation: str = "scaled_tanh",
    dtype: Any = np.float64,
) -> DeepMLP:
    """A network with weights uniform in ``+-sqrt(3 / fan_in)`` and zero biases.

    The range gives each weight the standard deviation ``fan_in ** -0.5``, so a
    unit's total input has about unit variance when its inputs do.

    Parameters
    ----------
    sizes
        Units per layer, inputs first and classes last, e.g. ``(784, 800, 10)``.
    seed
        Seed of the random weights.
    activation
        Hidden-unit function, ``"scaled_tanh"`` or ``"logistic"``.
    dtype
        ``numpy.float64`` or ``numpy.float32`` (faster matrix products).
    """
    sizes = _as_sizes(sizes)
    _activation(activation)
    dtype = np.dtype(dtype)
    if dtype not in (np.float32, np.float64):
        raise ValueError(f"dtype must be float32 or float64, got {dtype}")
    rng = check_random_state(seed)
    weights, biases = [], []
    for n_in, n_out in itertools.pairwise(sizes):
        bound = np.sqrt(3.0 / n_in)
        weights.append(rng.uniform(-bound, bound, (n_in, n_out)).astype(dtype))
        biases.append(np.zeros(n_out, dtype=dtype))
    return DeepMLP(tuple(weights), tuple(biases), activation)


@dataclass(frozen=True, slots=True)
class MLPGradientResult:
    """The outcome of :func:`mlp_gradients` on one batch.

    Attributes
    ----------
    loss
        Mean cross-entropy ``-mean log p[label]``.
    weight_grads, bias_grads
        Derivatives of ``loss``, shaped like the net's weights and biases.
    errors
        Rows of the batch whose most probable class is not the label.
    """

    loss: float
    weight_grads: tuple[np.ndarray, ...]
    bias_grads: tuple[np.ndarray, ...]
    errors: int


def mlp_gradients(net: DeepMLP, X: Any, labels: Any) -> MLPGradientResult:
    """Mean cross-entropy on a batch and its gradient, by one backward sweep.

    The forward pass keeps every layer's output. The error signal at the softmax
    output is ``(p - t) / n`` for one-hot targets ``t``; each layer passes
    ``delta W^T`` down, multiplied by the slope of the hidden units (written with
    their outputs), and each weight's derivative is the product of its input with
    the error signal at its output.

    Parameters
    ----------
    net
        The network.
    X
        Inputs, shape ``(n, sizes[0])``.
    labels
        Integer classes, shape ``(n,)``.

    Returns
    -------
    MLPGradientResult

    References
    ----------
    Ciresan, Meier, Gambardella and Schmidhuber (2010) [ciresan2010].
    """
    X, labels = _as_batch(net, X, labels)
    slope = _activation(net.activation).slope
    outs = net.layer_outputs(X)  # the input, every hidden layer, the softmax
    p, rows, n = outs[-1], np.arange(X.shape[0]), X.shape[0]
    loss = float(-np.mean(np.log(np.maximum(p[rows, labels], 1e-30))))
    errors = int(np.count_nonzero(np.argmax(p, axis=1) != labels))
    delta = p.copy()  # the error signal at the output: (p - t) / n
    delta[rows, labels] -= 1.0
    delta /= n
    weight_grads: list[np.ndarray] = []
    bias_grads: list[np.ndarray] = []
    for layer in range(len(net.weights) - 1, -1, -1):
        weight_grads.append(outs[layer].T @ delta)
        bias_grads.append(delta.sum(axis=0))
        if layer > 0:  # the signal one layer down
            delta = (delta @ net.weights[layer].T) * slope(outs[layer])
    return MLPGradientResult(
        loss, tuple(weight_grads[::-1]), tuple(bias_grads[::-1]), errors
    )


def _as_batch(
    net: DeepMLP, X: Any, labels: Any, x_name: str = "X", labels_name: str = "labels"
) -> tuple[np.ndarray, np.ndarray]:
    """Inputs and labels of one batch, checked against the net and each other."""
    if not isinstance(net, DeepMLP):
        raise TypeError(f"net must be a DeepMLP, got {type(net).__name__}")
    labels = _as_labels(labels, net.sizes[-1], labels_name)
    X = net._check_inputs(X, x_name)
    if labels.shape[0] != X.shape[0]:
        raise ValueError(
            f"{labels_name} has {labels.shape[0]} entries but {x_name} has "
            f"{X.shape[0]} rows"
        )
    return X, labels


@dataclass(frozen=True, slots=True)
class EpochRecord:
    """One point of the learning curve.

    Attributes
    ----------
    epoch
        The epoch just finished, counting from 1.
    seconds
        Wall-clock seconds since training started.
    learning_rate
        The step size used during this epoch.
    train_loss
        Mean cross-entropy over the epoch's (deformed) batches, before each step.
    train_error
        Fraction of the epoch's (deformed) training images misclassified, before
        each step.
    test_error
        Error on the test set after the epoch, or ``nan`` if none was given.
    """

    epoch: int
    seconds: float
    learning_rate: float
    train_loss: float
    train_error: float
    test_error: float


@dataclass(frozen=True, slots=True)
class DeepMLPResult:
    """The outcome of :func:`train_deep_mlp`.

    Attributes
    ----------
    net
        The trained network.
    curve
        One :class:`EpochRecord` per completed epoch.
    test_error
        Error on the test set at the end (``nan`` without a test set).
    wall_seconds
        Wall-clock time of the whole run, the final evaluation included.
    stopped_by_budget
        Whether the time budget ended the run before ``epochs`` epochs.
    """

    net: DeepMLP
    curve: tuple[EpochRecord, ...]
    test_error: float
    wall_seconds: float
    stopped_by_budget: bool

    @property
    def epochs(self) -> int:
        """The number of completed epochs."""
        return len(self.curve)


def train_deep_mlp(
    X: Any,
    labels: Any,
    hidden: Sequence[int] = (500, 300),
    *,
    epochs: int = 10,
    batch_size: int = 1,
    learning_rate: float = 0.01,
    decay: float = 1.0,
    min_learning_rate: float = 0.0,
    anneal_to: float | None = None,
    deform: Callable[[np.ndarray, np.random.Generator], np.ndarray] | None = None,
    X_test: Any = None,
    labels_test: Any = None,
    init: DeepMLP | None = None,
    activation: str = "scaled_tanh",
    dtype: Any = np.float64,
    seed: int | np.random.Generator | None = 0,
    budget_seconds: float | None = None,
    log: Callable[[EpochRecord], None] | None = None,
) -> DeepMLPResult:
    """Train a deep MLP by plain stochastic gradient descent on the cross-entropy.

    Each epoch visits the training rows in a fresh random order, in batches of
    ``batch_size``, and after each batch moves every weight by
    ``-learning_rate`` times the batch's mean gradient (:func:`mlp_gradients`).
    After each epoch the learning rate is multiplied by ``decay`` (not below
    ``min_learning_rate``).

    Parameters
    ----------
    X
        Training inputs, shape ``(n, d)``.
    labels
        Training classes, integers ``0..k-1``, shape ``(n,)``; ``k`` is
        ``max(labels) + 1`` unless ``init`` fixes it.
    hidden
        Hidden-layer sizes, ignored when ``init`` is given.
    epochs
        The most epochs to run.
    batch_size
        Rows per step; 1 is on-line backpropagation.
    learning_rate, decay, min_learning_rate
        Step size of the first epoch, factor applied after every epoch, floor.
    anneal_to
        With ``budget_seconds``: instead of ``decay``, each epoch uses
        ``learning_rate * anneal_to ** (elapsed / budget_seconds)``, so that the
        step size shrinks geometrically to ``learning_rate * anneal_to`` as the
        time budget runs out, however many epochs fit into it.
    deform
        Optional ``deform(X, rng)`` returning a deformed copy of the training
        inputs (same shape), applied to the whole set at the start of every
        epoch, with its own random generator.
    X_test, labels_test
        Optional test set, evaluated after every epoch.
    init
        Starting network (for instance one pre-trained layer by layer); by
        default :func:`init_deep_mlp` with ``seed``.
    activation, dtype
        Passed to :func:`init_deep_mlp` when ``init`` is not given.
    seed
        Seed of the initial weights, the order of the rows and the deformations.
    budget_seconds
        Stop when another epoch, as long as the last one, would end past this
        many seconds since the start; ``None`` for no limit. The test error is
        evaluated after every epoch, the last one included.
    log
        Called with each :class:`EpochRecord` as it is made.

    Returns
    -------
    DeepMLPResult

    References
    ----------
    Ciresan, Meier, Gambardella and Schmidhuber (2010) [ciresan2010].

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(200, 2)); y = (X[:, 0] * X[:, 1] > 0).astype(int)
    >>> run = train_deep_mlp(X, y, (16, 16), epochs=60, batch_size=10,
    ...                      learning_rate=0.1)
    >>> run.net.error_rate(X, y) < 0.05
    True
    """
    t0 = time.perf_counter()
    epochs = check_positive_int(epochs, "epochs")
    batch_size = check_positive_int(batch_size, "batch_size")
    lr = lr0 = check_real(learning_rate, "learning_rate", low=0.0, low_open=True)
    decay = check_real(decay, "decay", low=0.0, high=1.0, low_open=True)
    min_lr = check_real(min_learning_rate, "min_learning_rate", low=0.0)
    if budget_seconds is not None:
        budget_seconds = check_real(
            budget_seconds, "budget_seconds", low=0.0, low_open=True
        )
    if anneal_to is not None:
        anneal_to = check_real(anneal_to, "anneal_to", low=0.0, high=1.0, low_open=True)
        if budget_seconds is None:
            raise ValueError("anneal_to needs budget_seconds")
    if deform is not None:
        check_callable(deform, "deform")
    if log is not None:
        check_callable(log, "log")

    X = as_numeric_array(X, "X", 2)
    raw_labels = np.asarray(labels)
    if (
        raw_labels.ndim != 1
        or raw_labels.dtype.kind not in "iu"
        or raw_labels.size == 0
    ):
        raise ValueError("labels must be a non-empty 1-D array of integer classes")
    if init is None:
        n_classes = int(raw_labels.max()) + 1
        hidden = tuple(hidden)
        net = init_deep_mlp(
            (X.shape[1], *hidden, n_classes),
            seed=seed,
            activation=activation,
            dtype=dtype,
        )
    else:
        if not isinstance(init, DeepMLP):
            raise TypeError(f"init must be a DeepMLP, got {type(init).__name__}")
        net = DeepMLP(
            tuple(w.copy() for w in init.weights),
            tuple(b.copy() for b in init.biases),
            init.activation,
        )
    X, labels = _as_batch(net, X, raw_labels)
    test = _as_test_set(X_test, labels_test, net)

    rng = check_random_state(seed)
    # The deformations draw from a stream of their own, fixed by the seed.
    deform_rng = (
        seed.spawn(1)[0]
        if isinstance(seed, np.random.Generator)
        else np.random.default_rng([0 if seed is None else seed, 2010])
    )
    curve: list[EpochRecord] = []
    stopped = False
    pool = ThreadPoolExecutor(max_workers=1) if deform is not None else None
    pending: Future[np.ndarray] | None = None
    try:
        if pool is not None:
            pending = pool.submit(_deformed, deform, X, deform_rng)
        for epoch in range(1, epochs + 1):
            if pending is not None and pool is not None:
                inputs = pending.result()
                pending = (
                    pool.submit(_deformed, deform, X, deform_rng)
                    if epoch < epochs
                    else None
                )
            else:
                inputs = X
            if anneal_to is not None and budget_seconds is not None:
                elapsed = min(time.perf_counter() - t0, budget_seconds)
                lr = max(lr0 * anneal_to ** (elapsed / budget_seconds), min_lr)
            loss, wrong = _epoch(net, inputs, labels, rng, batch_size, lr)
            test_error = net.error_rate(*test) if test is not None else float("nan")
            record = EpochRecord(
                epoch,
                time.perf_counter() - t0,
                lr,
                loss / X.shape[0],
                wrong / X.shape[0],
                test_error,
            )
            curve.append(record)
            if log is not None:
                log(record)
            lr = max(lr * decay, min_lr)
            last = record.seconds - (curve[-2].seconds if len(curve) > 1 else 0.0)
            if budget_seconds is not None and record.seconds + last > budget_seconds:
                stopped = epoch < epochs
                break
    finally:
        if pending is not None:
            pending.cancel()
        if pool is not None:
            pool.shutdown(wait=True)
    final = curve[-1].test_error if curve else float("nan")
    return DeepMLPResult(net, tuple(curve), final, time.perf_counter() - t0, stopped)


def _deformed(
    deform: Callable[[np.ndarray, np.random.Generator], np.ndarray],
    X: np.ndarray,
    rng: np.random.Generator,
) -> np.ndarray:
    out = np.asarray(deform(X, rng))
    if out.shape != X.shape:
        raise ValueError(
            f"deform returned shape {out.shape}; expected the inputs' shape {X.shape}"
        )
    return out.astype(X.dtype, copy=False)


def _epoch(
    net: DeepMLP,
    X: np.ndarray,
    labels: np.ndarray,
    rng: np.random.Generator,
    batch_size: int,
    lr: float,
) -> tuple[float, int]:
    """One pass over ``X`` in random order; returns summed loss and errors."""
    order = rng.permutation(X.shape[0])
    total_loss = 0.0
    wrong = 0
    step = X.dtype.type(lr)
    for start in range(0, X.shape[0], batch_size):
        idx = order[start : start + batch_size]
        batch = mlp_gradients(net, X[idx], labels[idx])
        total_loss += batch.loss * idx.size
        wrong += batch.errors
        for w, b, dw, db in zip(
            net.weights, net.biases, batch.weight_grads, batch.bias_grads, strict=True
        ):
            w -= step * dw  # plain gradient descent: no momentum
            b -= step * db
    return total_loss, wrong


def _as_test_set(
    X_test: Any, labels_test: Any, net: DeepMLP
) -> tuple[np.ndarray, np.ndarray] | None:
    if X_test is None and labels_test is None:
        return None
    if X_test is None or labels_test is None:
        raise ValueError("give both X_test and labels_test, or neither")
    X_test = as_numeric_array(X_test, "X_test", 2)
    return _as_batch(net, X_test, labels_test, "X_test", "labels_test")
