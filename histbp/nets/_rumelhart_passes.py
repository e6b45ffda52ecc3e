"""The forward and backward passes of Rumelhart, Hinton and Williams, written out.

Every layer's weights are one matrix of shape ``(n_out, n_in + 1)``: the last column
holds the weights from a unit that is always on, that is the biases. Both passes
accept an optional leading axis on the weights, ``(copies, n_out, n_in + 1)``, so that
several independent networks can be run side by side with the same arithmetic.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

__all__ = ["backward", "forward", "logistic"]


def logistic(x: np.ndarray) -> np.ndarray:
    """Return ``1 / (1 + exp(-x))``, elementwise.

    Net inputs below -700 are treated as -700 (the result is then about
    ``1e-304`` instead of a smaller number), so ``exp`` never overflows; elsewhere
    the formula is used as it stands, accurate to rounding in both tails.

    Parameters
    ----------
    x
        Net inputs, any shape.

    Returns
    -------
    numpy.ndarray
        The logistic function of ``x``, in ``(0, 1]``.
    """
    y = np.maximum(x, -700.0)
    np.negative(y, out=y)
    np.exp(y, out=y)
    y += 1.0
    np.reciprocal(y, out=y)
    return y


def _net_input(weights: np.ndarray, below: np.ndarray) -> np.ndarray:
    """``x_j = sum_i y_i w_ji`` plus the weight from the always-on unit."""
    x = below @ weights[..., :-1].swapaxes(-1, -2)
    x += weights[..., None, :, -1]
    return x


def forward(weights: Sequence[np.ndarray], inputs: np.ndarray) -> list[np.ndarray]:
    """Run the forward pass and return the activity of every layer.

    Parameters
    ----------
    weights
        One matrix per layer of connections, shape ``(n_out, n_in + 1)`` (or with a
        leading axis of independent copies); the last column is the bias.
    inputs
        Input patterns, one per row, shape ``(patterns, n_in)``.

    Returns
    -------
    list of numpy.ndarray
        ``[inputs, y_1, ..., y_L]``: the input patterns and then the logistic
        activities of each layer, shape ``(patterns, n_k)`` (with the leading copies
        axis after the first layer if the weights have one).

    References
    ----------
    Rumelhart, Hinton and Williams (1986) [rumelhart1986].
    """
    activities = [inputs]
    for w in weights:
        activities.append(logistic(_net_input(w, activities[-1])))
    return activities


def backward(
    weights: Sequence[np.ndarray],
    activities: Sequence[np.ndarray],
    targets: np.ndarray,
    margin: float = 0.0,
) -> tuple[np.ndarray, list[np.ndarray]]:
    """Propagate the error derivatives back and return ``E`` and ``dE/dw``.

    With ``E = 1/2 sum_c sum_j (y_jc - d_jc)^2`` over patterns ``c`` and output units
    ``j``, the pass computes, from the output layer down,

    - ``delta = dE/dx = (y - d) y (1 - y)`` at the output units,
    - ``dE/dw_ji = sum_c delta_jc y_ic`` for the weights into layer ``k``, with
      ``y_i = 1`` for the bias,
    - ``delta_below = y (1 - y) * (W^T delta)``, the weights taken without their
      bias column, for the layer below.

    Parameters
    ----------
    weights
        The weights used in the forward pass.
    activities
        The list returned by :func:`forward` for the same weights.
    targets
        Desired outputs ``d``, shape ``(patterns, n_L)``.
    margin
        Outputs within ``margin`` of their target count as correct: their term
        is left out of ``E`` and sends back no error. Zero (the default) keeps
        every term.

    Returns
    -------
    error : numpy.ndarray
        ``E`` summed over all patterns: a 0-d array, or one value per copy.
    gradients : list of numpy.ndarray
        ``dE/dw`` for each weight matrix, of the same shape as the weights.

    References
    ----------
    Rumelhart, Hinton and Williams (1985) [rumelhart1985];
    Rumelhart, Hinton and Williams (1986) [rumelhart1986].
    """
    y = activities[-1]
    diff = y - targets
    if margin > 0.0:
        diff[np.abs(diff) < margin] = 0.0
    error = 0.5 * (diff * diff).sum(axis=(-2, -1))
    delta = diff * y * (1.0 - y)
    ones = np.ones(delta.shape[-2])  # the always-on unit, once per pattern
    gradients: list[np.ndarray] = [np.empty(0)] * len(weights)
    for k in range(len(weights) - 1, -1, -1):
        below = activities[k]
        grad = np.empty_like(weights[k])
        grad[..., :-1] = delta.swapaxes(-1, -2) @ below
        grad[..., -1] = ones @ delta
        gradients[k] = grad
        if k > 0:
            delta = delta @ weights[k][..., :-1]
            delta *= below * (1.0 - below)
    return error, gradients
