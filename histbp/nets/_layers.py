"""Layered networks of squashing units: weights, activations and the forward pass.

A network with layer widths ``n_0, n_1, ..., n_L`` is held as two tuples, one
weight matrix ``W[l]`` of shape ``(n_{l+1}, n_l)`` and one bias vector ``b[l]`` of
shape ``(n_{l+1},)`` per layer. Patterns are the rows of ``X``; a layer maps its
input ``h`` to ``f(h @ W.T + b)``, every layer including the last passing through
the same squashing function ``f``. The gradient methods of this package
(:func:`~histbp.nets.backprop`, :func:`~histbp.nets.chain_rule_gradients`,
:func:`~histbp.nets.unit_gradients`) all work on networks in this form and hand
back a :class:`NetworkGradient`.

:data:`ACTIVATIONS` is the one table of squashing functions of ``histbp.nets``, and
:func:`logistic` its one numpy logistic function (the traced one for automatic
differentiation is :func:`histbp.autodiff.sigmoid`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import pairwise
from typing import Any

import numpy as np

from histbp._validation import (
    as_data_matrix,
    as_targets,
    check_layer_sizes,
    check_random_state,
    check_real,
)

__all__ = [
    "ACTIVATIONS",
    "Activation",
    "NetworkGradient",
    "as_layered_problem",
    "as_network",
    "forward",
    "get_activation",
    "init_layers",
    "logistic",
]


@dataclass(frozen=True, slots=True)
class Activation:
    """A squashing function and its derivative, written in terms of its output.

    Attributes
    ----------
    name
        ``"sigmoid"``, ``"tanh"`` or ``"scaled_tanh"``.
    f
        The function, elementwise.
    slope
        ``f'(a)`` computed from ``y = f(a)``: ``y (1 - y)`` for the logistic
        sigmoid, ``1 - y**2`` for tanh, ``(2/3) (1.7159 - y**2 / 1.7159)`` for
        LeCun's scaled tanh ``1.7159 tanh(2a/3)``.
    """

    name: str
    f: Callable[[np.ndarray], np.ndarray]
    slope: Callable[[np.ndarray], np.ndarray]


def logistic(x: np.ndarray) -> np.ndarray:
    """Return ``1 / (1 + exp(-x))``, elementwise.

    Net inputs below -700 are treated as -700 (the result is then about
    ``1e-304`` instead of a smaller number), so ``exp`` never overflows; elsewhere
    the formula is used as it stands, accurate to rounding in both tails. Float32
    (or float16) inputs keep their type, with the floor raised to where ``exp``
    still fits in it (about -87.7 for float32); other inputs become float64.

    Parameters
    ----------
    x
        Net inputs, any shape.

    Returns
    -------
    numpy.ndarray
        The logistic function of ``x``, in ``(0, 1]``.

    Examples
    --------
    >>> logistic(np.array([0.0, 2.0])).round(4).tolist()
    [0.5, 0.8808]
    """
    x = np.asarray(x)
    dtype = x.dtype if x.dtype.kind == "f" else np.dtype(np.float64)
    floor = max(-700.0, 1.0 - float(np.log(np.finfo(dtype).max)))
    y = np.maximum(x, floor, out=np.empty(x.shape, dtype))
    np.negative(y, out=y)
    np.exp(y, out=y)
    y += 1.0
    np.reciprocal(y, out=y)
    return y


_SCALE, _SLOPE = 1.7159, 2.0 / 3.0


def _scaled_tanh(a: np.ndarray) -> np.ndarray:
    return _SCALE * np.tanh(_SLOPE * a)


def _scaled_tanh_slope(y: np.ndarray) -> np.ndarray:
    """Derivative of ``1.7159 tanh(2a/3)`` written with the output ``y``."""
    return _SLOPE * (_SCALE - y * y / _SCALE)


#: The squashing functions the networks of this package can use, by name;
#: ``"scaled_tanh"`` is LeCun's ``1.7159 tanh(2a/3)``, the deep MLP's default.
ACTIVATIONS: dict[str, Activation] = {
    "sigmoid": Activation("sigmoid", logistic, lambda y: y * (1.0 - y)),
    "tanh": Activation("tanh", np.tanh, lambda y: 1.0 - y * y),
    "scaled_tanh": Activation("scaled_tanh", _scaled_tanh, _scaled_tanh_slope),
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
    sizes = check_layer_sizes(sizes, "sizes")
    scale = check_real(scale, "scale", low=0.0, low_open=True)
    rng = check_random_state(seed)
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


@dataclass(frozen=True, slots=True)
class NetworkGradient:
    """The squared error of a layered network and its gradient.

    Attributes
    ----------
    error
        ``E = 1/2 sum_p sum_k (y_pk - d_pk)^2``, summed over patterns ``p`` and
        output units ``k``.
    weights
        ``dE/dW[l]`` for each layer, shaped like the weight matrices.
    biases
        ``dE/db[l]`` for each layer, shaped like the bias vectors.
    """

    error: float
    weights: tuple[np.ndarray, ...]
    biases: tuple[np.ndarray, ...]

    def max_abs_difference(self, other: NetworkGradient) -> float:
        """Largest absolute difference between this gradient and ``other``."""
        if len(self.weights) != len(other.weights):
            raise ValueError(
                f"the gradients have {len(self.weights)} and {len(other.weights)} "
                "layers; they must describe the same network"
            )
        pairs = [*zip(self.weights, other.weights, strict=True)]
        pairs += [*zip(self.biases, other.biases, strict=True)]
        for a, b in pairs:
            if a.shape != b.shape:
                raise ValueError(
                    f"gradient shapes {a.shape} and {b.shape} differ; the gradients "
                    "must describe the same network"
                )
        return max(float(np.max(np.abs(a - b))) for a, b in pairs)


def as_network(
    weights: Sequence[Any], biases: Sequence[Any], n_inputs: int | None = None
) -> tuple[tuple[np.ndarray, ...], tuple[np.ndarray, ...]]:
    """Check a layered network's weights and biases and return them as float arrays.

    ``weights[l]`` has shape ``(n_{l+1}, n_l)`` and ``biases[l]`` shape
    ``(n_{l+1},)``; consecutive layers must fit together, and the first must take
    ``n_inputs`` inputs when that is given.
    """
    if isinstance(weights, np.ndarray) or isinstance(biases, np.ndarray):
        raise TypeError("weights and biases must be sequences of arrays, one per layer")
    ws = tuple(np.array(w, dtype=float) for w in weights)
    bs = tuple(np.array(b, dtype=float) for b in biases)
    if not ws:
        raise ValueError("weights must hold at least one layer")
    if len(ws) != len(bs):
        raise ValueError(
            f"weights has {len(ws)} layers but biases has {len(bs)}; "
            "give one bias vector per weight matrix"
        )
    width = n_inputs
    for layer, (w, b) in enumerate(zip(ws, bs, strict=True)):
        if w.ndim != 2 or w.size == 0:
            raise ValueError(
                f"weights[{layer}] must be a non-empty 2-D array, got shape {w.shape}"
            )
        if width is not None and w.shape[1] != width:
            what = "X has" if layer == 0 else f"layer {layer - 1} has"
            unit = "columns" if layer == 0 else "outputs"
            raise ValueError(
                f"weights[{layer}] has shape {w.shape} but {what} {width} {unit}; "
                f"expected {width} columns"
            )
        if b.shape != (w.shape[0],):
            raise ValueError(
                f"biases[{layer}] has shape {b.shape}; expected ({w.shape[0]},) "
                f"to match weights[{layer}] of shape {w.shape}"
            )
        if not (np.all(np.isfinite(w)) and np.all(np.isfinite(b))):
            raise ValueError(f"layer {layer} contains non-finite weights or biases")
        width = w.shape[0]
    return ws, bs


def as_layered_problem(
    weights: Sequence[Any], biases: Sequence[Any], X: Any, D: Any
) -> tuple[tuple[np.ndarray, ...], tuple[np.ndarray, ...], np.ndarray, np.ndarray]:
    """Check a layered network with its patterns ``X`` and targets ``D``.

    Returns the weights, biases, ``X`` and ``D`` as float arrays; ``D`` must have
    one row per pattern and one column per output of the network.
    """
    X = as_data_matrix(X, "X")
    ws, bs = as_network(weights, biases, X.shape[1])
    D = as_targets(D, "D", X.shape[0], ndim=2)
    if D.shape[1] != ws[-1].shape[0]:
        raise ValueError(
            f"D has {D.shape[1]} columns but the network has {ws[-1].shape[0]} outputs"
        )
    return ws, bs, X, D
