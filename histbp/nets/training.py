"""Batch gradient descent on a layered network, with any of the gradient methods."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from histbp._validation import check_callable, check_positive_int, check_real
from histbp.nets._validate import as_data_matrix, as_network, as_targets
from histbp.nets.backprop import backprop
from histbp.nets.gradient import NetworkGradient
from histbp.nets.layers import forward, get_activation, init_layers

__all__ = ["TrainingRun", "train_mlp"]

GradientMethod = Callable[..., NetworkGradient]


@dataclass(frozen=True, slots=True)
class TrainingRun:
    """The outcome of :func:`train_mlp`.

    Attributes
    ----------
    weights, biases
        The trained network.
    errors
        The squared error ``1/2 sum (y - d)^2`` before each step and after the
        last, shape ``(epochs + 1,)``.
    activation
        The squashing function's name.
    """

    weights: tuple[np.ndarray, ...]
    biases: tuple[np.ndarray, ...]
    errors: np.ndarray
    activation: str

    def predict(self, X: Any) -> np.ndarray:
        """The trained network's outputs for the patterns ``X``."""
        X = as_data_matrix(X, "X")
        if X.shape[1] != self.weights[0].shape[1]:
            raise ValueError(
                f"X has {X.shape[1]} columns but the network has "
                f"{self.weights[0].shape[1]} inputs"
            )
        act = get_activation(self.activation)
        return forward(self.weights, self.biases, X, act)[-1]


def train_mlp(
    X: Any,
    D: Any,
    hidden: Sequence[int] = (2,),
    *,
    epochs: int = 1000,
    learning_rate: float = 0.5,
    activation: str = "sigmoid",
    scale: float = 1.0,
    seed: Any = None,
    gradient: GradientMethod = backprop,
    initial: tuple[Sequence[Any], Sequence[Any]] | None = None,
) -> TrainingRun:
    """Train a layered network by gradient descent on its squared error.

    Each epoch computes the gradient over all patterns with ``gradient`` and moves
    every weight and bias by ``-learning_rate`` times its derivative.

    Parameters
    ----------
    X
        Input patterns, shape ``(n_patterns, n_in)``.
    D
        Desired outputs, shape ``(n_patterns, n_out)``.
    hidden
        Widths of the hidden layers (may be empty for a single layer).
    epochs
        Number of gradient steps, positive.
    learning_rate
        Step size, positive.
    activation
        ``"sigmoid"`` or ``"tanh"``.
    scale, seed
        Passed to :func:`~histbp.nets.init_layers` for the starting weights.
    gradient
        The gradient method: :func:`~histbp.nets.backprop` (default),
        :func:`~histbp.nets.chain_rule_gradients` or
        :func:`~histbp.nets.unit_gradients`, or any callable with their
        signature returning a :class:`~histbp.nets.NetworkGradient`.
    initial
        Optional ``(weights, biases)`` to start from instead of random ones;
        ``hidden``, ``scale`` and ``seed`` are then ignored.

    Returns
    -------
    TrainingRun
        The trained network and its error before every step.

    Raises
    ------
    ValueError
        If shapes do not fit, arrays hold NaN or infinity, an option is out of
        range, or the error becomes non-finite during training.
    TypeError
        If ``gradient`` is not callable or an option has the wrong type.

    References
    ----------
    Werbos (1982) [werbos1982]; Cauchy (1847) [cauchy1847].

    Examples
    --------
    >>> import numpy as np
    >>> X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    >>> D = np.array([[0.0], [1.0], [1.0], [0.0]])
    >>> run = train_mlp(X, D, hidden=(3,), epochs=200, learning_rate=2.0, seed=0)
    >>> bool(run.errors[-1] < run.errors[0])
    True
    """
    X = as_data_matrix(X, "X")
    D = as_targets(D, "D", X.shape[0], ndim=2)
    epochs = check_positive_int(epochs, "epochs")
    learning_rate = check_real(learning_rate, "learning_rate", low=0.0, low_open=True)
    get_activation(activation)
    check_callable(gradient, "gradient")
    if initial is None:
        hidden = tuple(hidden)
        sizes = (X.shape[1], *hidden, D.shape[1])
        weights, biases = init_layers(sizes, scale=scale, seed=seed)
    else:
        weights, biases = as_network(*initial, X.shape[1])
        if weights[-1].shape[0] != D.shape[1]:
            raise ValueError(
                f"D has {D.shape[1]} columns but the initial network has "
                f"{weights[-1].shape[0]} outputs"
            )
    weights = [w.copy() for w in weights]
    biases = [b.copy() for b in biases]

    errors = []
    for epoch in range(epochs + 1):
        g = gradient(weights, biases, X, D, activation=activation)
        if not np.isfinite(g.error):
            raise ValueError(
                f"the error became non-finite at epoch {epoch}; "
                "try a smaller learning_rate"
            )
        errors.append(g.error)
        if epoch == epochs:
            break
        for layer in range(len(weights)):
            weights[layer] -= learning_rate * g.weights[layer]
            biases[layer] -= learning_rate * g.biases[layer]
    return TrainingRun(tuple(weights), tuple(biases), np.array(errors), activation)
