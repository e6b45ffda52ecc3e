"""Gradient descent's derivative for every layer, by the chain rule layer by layer.

Each layer's gradient is computed on its own: the Jacobian of the network's output
with respect to that layer's output is built as the product of the Jacobians of
the layers above it, accumulated upwards from the layer to the output, and the
output error is then pulled back through it. No quantity is shared between the
layers, so the cost grows with the square of the depth; the numbers are those of
the backward sweep of :func:`~histbp.nets.backprop`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from histbp.nets._validate import as_layered_problem
from histbp.nets.gradient import NetworkGradient
from histbp.nets.layers import forward, get_activation

__all__ = ["chain_rule_gradients"]


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
    weights, biases
        The network, as from :func:`~histbp.nets.init_layers`.
    X
        Input patterns, shape ``(n_patterns, n_0)``.
    D
        Desired outputs, shape ``(n_patterns, n_L)``.
    activation
        ``"sigmoid"`` or ``"tanh"``, used by every layer.

    Returns
    -------
    NetworkGradient
        The error ``1/2 sum (h_L - D)^2`` and its gradient.

    Raises
    ------
    ValueError
        If shapes do not fit together, an array holds NaN or infinity, or the
        activation is unknown.
    TypeError
        If an argument has the wrong type.

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
