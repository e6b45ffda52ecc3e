"""Werbos (1982): backpropagation through a layered network, layer by layer.

The forward pass keeps every layer's output. The backward pass starts from the
error signal of the output layer and carries it down one layer at a time through
the transposed weights, scaling by each layer's slope; each layer's weight
gradient is then the product of its error signal and its input.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from histbp.nets._validate import as_layered_problem
from histbp.nets.gradient import NetworkGradient
from histbp.nets.layers import forward, get_activation

__all__ = ["backprop"]


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
