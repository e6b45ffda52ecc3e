"""Layered networks of squashing units: weights, activations and the forward pass.

A network with layer widths ``n_0, n_1, ..., n_L`` is held as two tuples, one
weight matrix ``W[l]`` of shape ``(n_{l+1}, n_l)`` and one bias vector ``b[l]`` of
shape ``(n_{l+1},)`` per layer. Patterns are the rows of ``X``; a layer maps its
input ``h`` to ``f(h @ W.T + b)``, every layer including the last passing through
the same squashing function ``f``. The gradient methods of this package
(:func:`~histbp.nets.backprop`, :func:`~histbp.nets.chain_rule_gradients`,
:func:`~histbp.nets.unit_gradients`) all work on networks in this form.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import pairwise
from typing import Any

import numpy as np

from histbp._validation import check_real
from histbp.nets._validate import make_rng

__all__ = ["ACTIVATIONS", "Activation", "forward", "get_activation", "init_layers"]


@dataclass(frozen=True, slots=True)
class Activation:
    """A squashing function and its derivative, written in terms of its output.

    Attributes
    ----------
    name
        ``"sigmoid"`` or ``"tanh"``.
    f
        The function, elementwise.
    slope
        ``f'(a)`` computed from ``y = f(a)``: ``y (1 - y)`` for the logistic
        sigmoid, ``1 - y**2`` for tanh.
    """

    name: str
    f: Callable[[np.ndarray], np.ndarray]
    slope: Callable[[np.ndarray], np.ndarray]


def _logistic(a: np.ndarray) -> np.ndarray:
    """Logistic sigmoid without overflow warnings."""
    e = np.exp(-np.abs(a))
    return np.where(a >= 0, 1.0, e) / (1.0 + e)


#: The squashing functions the networks of this package can use, by name.
ACTIVATIONS: dict[str, Activation] = {
    "sigmoid": Activation("sigmoid", _logistic, lambda y: y * (1.0 - y)),
    "tanh": Activation("tanh", np.tanh, lambda y: 1.0 - y * y),
}


def get_activation(name: Any) -> Activation:
    """Return the :class:`Activation` called ``name``; raise if it is unknown."""
    if not isinstance(name, str):
        raise TypeError(f"activation must be a string, got {type(name).__name__}")
    if name not in ACTIVATIONS:
        raise ValueError(
            f"unknown activation {name!r}; choose one of {sorted(ACTIVATIONS)}"
        )
    return ACTIVATIONS[name]


def init_layers(
    sizes: Sequence[int], *, scale: float = 1.0, seed: Any = None
) -> tuple[tuple[np.ndarray, ...], tuple[np.ndarray, ...]]:
    """Draw random weights and biases for a layered network.

    Every weight and bias is drawn independently from the normal distribution with
    standard deviation ``scale / sqrt(fan_in)``, ``fan_in`` being the width of the
    layer below.

    Parameters
    ----------
    sizes
        Layer widths ``(n_0, ..., n_L)``, input first; at least two, all positive.
    scale
        Spread of the initial weights, positive.
    seed
        ``None``, a non-negative integer or a :class:`numpy.random.Generator`.

    Returns
    -------
    tuple
        ``(weights, biases)``, each a tuple of ``L`` arrays.

    Raises
    ------
    ValueError
        If fewer than two sizes are given, a size is not positive, or ``scale`` is
        not positive.
    TypeError
        If a size is not an integer or ``seed`` has the wrong type.

    Examples
    --------
    >>> weights, biases = init_layers([2, 3, 1], seed=0)
    >>> [w.shape for w in weights], [b.shape for b in biases]
    ([(3, 2), (1, 3)], [(3,), (1,)])
    """
    sizes = _check_sizes(sizes)
    scale = check_real(scale, "scale", low=0.0, low_open=True)
    rng = make_rng(seed)
    weights = []
    biases = []
    for n_in, n_out in pairwise(sizes):
        spread = scale / np.sqrt(n_in)
        weights.append(rng.normal(0.0, spread, size=(n_out, n_in)))
        biases.append(rng.normal(0.0, spread, size=n_out))
    return tuple(weights), tuple(biases)


def forward(
    weights: Sequence[np.ndarray],
    biases: Sequence[np.ndarray],
    X: np.ndarray,
    activation: Activation,
) -> list[np.ndarray]:
    """Run the patterns ``X`` through the network; return every layer's output.

    No input checks: callers check first. The list starts with ``X`` itself and
    ends with the network's output, ``L + 1`` arrays in all.
    """
    outputs = [X]
    for w, b in zip(weights, biases, strict=True):
        outputs.append(activation.f(outputs[-1] @ w.T + b))
    return outputs


def _check_sizes(sizes: Any) -> tuple[int, ...]:
    """Return layer sizes as a tuple of positive ints (at least two)."""
    try:
        sizes = tuple(sizes)
    except TypeError:
        raise TypeError(
            f"sizes must be a sequence of integers, got {type(sizes).__name__}"
        ) from None
    if len(sizes) < 2:
        raise ValueError(
            f"sizes must list at least two layer widths (input and output), "
            f"got {len(sizes)}"
        )
    for s in sizes:
        if isinstance(s, bool) or not isinstance(s, (int, np.integer)):
            raise TypeError(f"sizes must hold integers, got {type(s).__name__}")
        if s <= 0:
            raise ValueError(f"every layer width in sizes must be positive, got {s}")
    return tuple(int(s) for s in sizes)
