"""The gradient of a layered network's squared error, and gradient descent on it.

Two ways to the same numbers: :func:`backprop`, the backward sweep of error
signals through the layers (Werbos 1982), computes every layer's gradient from the
layer above in one pass; :func:`chain_rule_gradients` writes the chain rule out for
each layer on its own (gradient descent in multilayer networks, Amari 1977),
multiplying the Jacobians of the layers above it, so that nothing is shared between
layers and the cost grows with the square of the depth. :func:`train_mlp` runs
batch gradient descent with either (or with :func:`~histbp.nets.unit_gradients`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from histbp._validation import (
    as_data_matrix,
    as_targets,
    check_callable,
    check_columns,
    check_positive_int,
    check_real,
)
from histbp.nets._layers import (
    NetworkGradient,
    as_layered_problem,
    as_network,
    forward,
    get_activation,
    init_layers,
)

__all__ = ["TrainingResult", "backprop", "chain_rule_gradients", "train_mlp"]

GradientMethod = Callable[..., NetworkGradient]


def backprop(
    weights: Sequence[Any],
    biases: Sequence[Any],
    X: Any,
    D: Any,
    *,
    activation: str = "sigmoid",
) -> NetworkGradient:
    """Gradient of a layered network's squared error by the backward sweep of deltas.

    With ``a_l = h_{l-1} W_l^T + b_l`` and ``h_l = f(a_l)`` for ``l = 1..L``, and
    ``E = 1/2 sum (h_L - D)^2`` over all patterns and outputs, the sweep is

    ``delta_L = f'(a_L) * (h_L - D)``,
    ``delta_l = f'(a_l) * (delta_{l+1} W_{l+1})``,
    ``dE/dW_l = delta_l^T h_{l-1}``, ``dE/db_l = sum over patterns of delta_l``,

    all patterns at once (each row of ``delta_l`` belongs to one pattern).

    Parameters
    ----------
    weights, biases
        The network, as from :func:`~histbp.nets.init_layers`: ``weights[l]`` of
        shape ``(n_{l+1}, n_l)``, ``biases[l]`` of shape ``(n_{l+1},)``.
    X
        Input patterns, shape ``(n_patterns, n_0)``.
    D
        Desired outputs, shape ``(n_patterns, n_L)``.
    activation
        ``"sigmoid"`` (the logistic function) or ``"tanh"``, used by every layer.

    Returns
    -------
    NetworkGradient
        The error and its derivatives with respect to every weight and bias.

    Raises
    ------
    ValueError
        If shapes do not fit together, an array holds NaN or infinity, or the
        activation is unknown.
    TypeError
        If an argument has the wrong type.

    References
    ----------
    Werbos (1982) [werbos1982].

    Examples
    --------
    >>> import numpy as np
    >>> from histbp.nets import backprop, init_layers
    >>> weights, biases = init_layers([2, 2, 1], seed=0)
    >>> X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    >>> D = np.array([[0.0], [1.0], [1.0], [0.0]])
    >>> g = backprop(weights, biases, X, D)
    >>> [w.shape for w in g.weights]
    [(2, 2), (1, 2)]
    """
    act = get_activation(activation)
    weights, biases, X, D = as_layered_problem(weights, biases, X, D)
    outputs = forward(weights, biases, X, act)
    residual = outputs[-1] - D
    error = 0.5 * float(np.sum(residual * residual))

    n_layers = len(weights)
    grad_w: list[np.ndarray] = [np.empty(0)] * n_layers
    grad_b: list[np.ndarray] = [np.empty(0)] * n_layers
    delta = act.slope(outputs[-1]) * residual
    for layer in range(n_layers - 1, -1, -1):
        grad_w[layer] = delta.T @ outputs[layer]
        grad_b[layer] = delta.sum(axis=0)
        if layer > 0:
            delta = act.slope(outputs[layer]) * (delta @ weights[layer])
    return NetworkGradient(error, tuple(grad_w), tuple(grad_b))


def chain_rule_gradients(
    weights: Sequence[Any],
    biases: Sequence[Any],
    X: Any,
    D: Any,
    *,
    activation: str = "sigmoid",
) -> NetworkGradient:
    """Gradient of the squared error, one layer at a time, by Jacobian products.

    For layer ``l`` and each pattern, the layer Jacobians
    ``J_m = diag(f'(a_m)) W_m`` of the layers ``m = l+1, ..., L`` above it are
    multiplied together, starting at layer ``l`` and moving up, into
    ``P_l = dh_L/dh_l = J_L ... J_{l+1}``. The error's derivative with respect to
    the layer's net input is then ``((h_L - D) P_l) * f'(a_l)``, and its outer
    product with the layer's input ``h_{l-1}``, summed over patterns, is
    ``dE/dW_l``. This is the chain rule written out for each layer separately, in
    generic modern notation; it is not a transcription of any paper's formulas.

    Parameters
    ----------
    weights, biases, X, D, activation
        As for :func:`backprop`.

    Returns
    -------
    NetworkGradient
        The error ``1/2 sum (h_L - D)^2`` and its gradient; the exceptions are
        those of :func:`backprop`.

    References
    ----------
    Amari (1977) [amari1977], whose Section 3.1 treats gradient descent for
    learning in multilayer networks.

    Examples
    --------
    >>> import numpy as np
    >>> from histbp.nets import backprop, chain_rule_gradients, init_layers
    >>> weights, biases = init_layers([2, 3, 3, 1], seed=1)
    >>> X = np.array([[0.0, 1.0], [1.0, 1.0]])
    >>> D = np.array([[1.0], [0.0]])
    >>> a = chain_rule_gradients(weights, biases, X, D)
    >>> b = backprop(weights, biases, X, D)
    >>> a.max_abs_difference(b) < 1e-15
    True
    """
    act = get_activation(activation)
    weights, biases, X, D = as_layered_problem(weights, biases, X, D)
    outputs = forward(weights, biases, X, act)
    residual = outputs[-1] - D
    slopes = [act.slope(h) for h in outputs[1:]]  # f'(a_l) for l = 1..L
    # layer Jacobians J_m = diag(f'(a_m)) W_m, one per pattern: (p, n_m, n_{m-1})
    jacobians = [
        s[:, :, None] * w[None, :, :] for s, w in zip(slopes, weights, strict=True)
    ]

    grad_w = []
    grad_b = []
    n_patterns = X.shape[0]
    for layer in range(len(weights)):
        width = weights[layer].shape[0]
        product = np.broadcast_to(np.eye(width), (n_patterns, width, width))
        for above in jacobians[layer + 1 :]:
            product = above @ product  # dh_m/dh_layer, moving up one layer
        sensitivity = np.einsum("pk,pkj->pj", residual, product) * slopes[layer]
        grad_w.append(sensitivity.T @ outputs[layer])
        grad_b.append(sensitivity.sum(axis=0))
    error = 0.5 * float(np.sum(residual * residual))
    return NetworkGradient(error, tuple(grad_w), tuple(grad_b))


@dataclass(frozen=True, slots=True)
class TrainingResult:
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
        n_in = self.weights[0].shape[1]
        X = check_columns(
            as_data_matrix(X, "X"), "X", n_in, f"the network has {n_in} inputs"
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
) -> TrainingResult:
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
    TrainingResult
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
    return TrainingResult(tuple(weights), tuple(biases), np.array(errors), activation)
