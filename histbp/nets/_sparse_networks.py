"""A network whose links skip layers, its gradient stage by stage and edge by edge.

The chain rule runs backwards stage to stage with dense Jacobians, or edge by edge
on the network's graph; each way is counted on counting floats.

Re-exported by :mod:`histbp.nets`; the operations are counted on
:class:`histbp.autodiff.CountingFloat`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

import numpy as np

from histbp._validation import (
    as_finite_vector,
    check_positive_int,
    check_random_state,
    check_real,
)
from histbp.autodiff import (
    CountedOperations,
    CountingFloat,
    OperationTally,
    counting,
)

# -- a network whose links skip layers: dense stages against the sparse graph ---------


@dataclass(frozen=True)
class SparseNetwork:
    """A layered network of ``tanh`` units whose links may skip layers.

    Layer 0 holds the inputs; unit ``j`` of layer ``k >= 1`` computes
    ``h_kj = tanh(sum of w_e h_source(e))`` over its incoming links ``e``, which
    come from the layers ``k - 1``, ..., ``k - span``. The loss is
    ``E = 1/2 sum_j (h_Lj - t_j)^2`` on the last layer. Made by
    :func:`sparse_network`.

    Attributes
    ----------
    widths : tuple of int
        Units per layer, inputs first.
    span : int
        The longest link, in layers (1: links only between neighbouring layers).
    density : float
        The probability of each possible link.
    target_layer, target, source_layer, source : numpy.ndarray
        For every link, the layer and unit (numbered within its layer) it feeds,
        and the layer and unit it comes from. Links are ordered by target
        layer, then source layer (nearest first), then target and source unit.
    weights : numpy.ndarray
        The weight of every link.
    """

    widths: tuple[int, ...]
    span: int
    density: float
    target_layer: np.ndarray
    target: np.ndarray
    source_layer: np.ndarray
    source: np.ndarray
    weights: np.ndarray

    @property
    def depth(self) -> int:
        """The number of layers of units after the inputs."""
        return len(self.widths) - 1

    @property
    def edges(self) -> int:
        """The number of links (weights)."""
        return int(self.weights.size)

    def state_layers(self, k: int) -> tuple[int, ...]:
        """The layers a stage-wise method carries as its state after stage ``k``.

        Stage ``k`` must pass on every layer that a later stage still reads:
        layers ``k, k - 1, ..., k - span + 1`` (those that exist).
        """
        return tuple(range(k, max(k - self.span, -1), -1))

    @property
    def state_sizes(self) -> tuple[int, ...]:
        """The size of the stage-wise state after each stage ``0, ..., L``."""
        return tuple(
            sum(self.widths[m] for m in self.state_layers(k))
            for k in range(self.depth + 1)
        )

    def blocks(self, k: int) -> list[tuple[int, slice]]:
        """The links into layer ``k``, as ``(source layer, slice of links)`` pairs."""
        out = []
        for m in range(k - 1, max(k - self.span, 0) - 1, -1):
            (where,) = np.nonzero((self.target_layer == k) & (self.source_layer == m))
            if where.size:
                out.append((m, slice(int(where[0]), int(where[-1]) + 1)))
        return out


def sparse_network(
    widths: Sequence[int],
    density: float,
    *,
    span: int = 2,
    seed: int | np.random.Generator | None = 0,
) -> SparseNetwork:
    """Draw a random layered network with links that may skip layers.

    Each possible link from layer ``k - d`` to layer ``k``, ``1 <= d <= span``,
    is present with probability ``density``; every unit gets at least one link
    from the layer just below it. Weights are normal with variance
    ``1 / fan-in``.

    Parameters
    ----------
    widths
        Units per layer, the inputs first; at least two layers, all positive.
    density
        The probability of a link, in ``(0, 1]``.
    span
        The longest link, in layers, positive.
    seed
        ``None``, a non-negative integer or a numpy ``Generator``.

    Returns
    -------
    SparseNetwork
        The network.

    Raises
    ------
    TypeError
        If a width or ``span`` is not an integer, or ``density`` not a real number.
    ValueError
        If fewer than two widths are given or a value is out of range.
    """
    widths = tuple(check_positive_int(w, "each width") for w in widths)
    if len(widths) < 2:
        raise ValueError(f"widths must list at least two layers, got {len(widths)}")
    density = check_real(density, "density", low=0, high=1, low_open=True)
    span = check_positive_int(span, "span")
    rng = check_random_state(seed)
    columns: dict[str, list[np.ndarray]] = {
        "target_layer": [],
        "target": [],
        "source_layer": [],
        "source": [],
        "weights": [],
    }
    for k in range(1, len(widths)):
        masks = {}
        for m in range(k - 1, max(k - span, 0) - 1, -1):
            mask = rng.random((widths[k], widths[m])) < density
            if m == k - 1:
                empty = ~mask.any(axis=1)
                mask[empty, rng.integers(widths[m], size=int(empty.sum()))] = True
            masks[m] = mask
        fan_in = sum(mask.sum(axis=1) for mask in masks.values())
        for m, mask in masks.items():
            target, source = np.nonzero(mask)
            columns["target_layer"].append(np.full(target.size, k))
            columns["target"].append(target)
            columns["source_layer"].append(np.full(target.size, m))
            columns["source"].append(source)
            columns["weights"].append(
                rng.standard_normal(target.size) / np.sqrt(fan_in[target])
            )
    arrays = {name: np.concatenate(parts) for name, parts in columns.items()}
    return SparseNetwork(widths, span, density, **arrays)


def _start_backward(
    net: SparseNetwork, x: Any, target: Any, parts: tuple[str, ...]
) -> tuple[np.ndarray, list[np.ndarray], list[list[Any]], dict[str, OperationTally]]:
    """Check the inputs and run the forward pass for a counted backward sweep.

    Returns the target, the layers' values as floats and as counting floats, and
    one empty tally per part of the sweep.
    """
    if not isinstance(net, SparseNetwork):
        raise TypeError(f"net must be a SparseNetwork, got {type(net).__name__}")
    x = as_finite_vector(
        x, "x", net.widths[0], f"the network has {net.widths[0]} inputs"
    )
    target = as_finite_vector(
        target, "target", net.widths[-1], f"the last layer has {net.widths[-1]} units"
    )
    layers = _forward_values(net, x)
    h = [[CountingFloat(v) for v in layer] for layer in layers]
    return target, layers, h, {name: OperationTally() for name in parts}


def network_loss(net: SparseNetwork, x: Any, target: Any, weights: Any = None) -> Any:
    """Return the loss ``E`` of ``net`` on input ``x``, written with numpy arrays.

    Written so that :func:`histbp.autodiff.grad` can differentiate it with
    respect to ``weights`` (and ``x``): links are gathered by integer indexing
    and summed into their target units by a 0/1 matrix product.

    Parameters
    ----------
    net
        The network.
    x
        The input, shape ``(widths[0],)``.
    target
        The target of the last layer, shape ``(widths[-1],)``.
    weights
        The link weights in ``net``'s order; by default ``net.weights``.

    Returns
    -------
    float
        ``E`` (a traced value when called under :func:`histbp.autodiff.grad`).

    Raises
    ------
    TypeError
        If ``net`` is not a :class:`SparseNetwork`.
    ValueError
        If ``x``, ``target`` or ``weights`` has the wrong shape.
    """
    if not isinstance(net, SparseNetwork):
        raise TypeError(f"net must be a SparseNetwork, got {type(net).__name__}")
    if weights is None:
        weights = net.weights
    if np.shape(weights) != net.weights.shape:
        raise ValueError(
            f"weights has shape {np.shape(weights)}; the network has {net.edges} links"
        )
    if np.shape(x) != (net.widths[0],) or np.shape(target) != (net.widths[-1],):
        raise ValueError(
            f"x and target must have shapes ({net.widths[0]},) and "
            f"({net.widths[-1]},), got {np.shape(x)} and {np.shape(target)}"
        )
    layers = [x]
    for k in range(1, net.depth + 1):
        a = 0.0
        for m, links in net.blocks(k):
            scatter = np.zeros((net.widths[k], links.stop - links.start))
            scatter[net.target[links], np.arange(links.stop - links.start)] = 1.0
            a = a + scatter @ (weights[links] * layers[m][net.source[links]])
        layers.append(np.tanh(a))
    return 0.5 * np.sum((layers[-1] - target) ** 2)


def _forward_values(net: SparseNetwork, x: np.ndarray) -> list[np.ndarray]:
    """The values of every layer, in plain floats (not counted)."""
    layers = [x]
    for k in range(1, net.depth + 1):
        a = np.zeros(net.widths[k])
        for m, links in net.blocks(k):
            np.add.at(
                a, net.target[links], net.weights[links] * layers[m][net.source[links]]
            )
        layers.append(np.tanh(a))
    return layers


@dataclass(frozen=True)
class SparseGradientResult:
    """The gradient of a :class:`SparseNetwork`'s loss and what it cost.

    Attributes
    ----------
    method : str
        ``"stagewise"`` or ``"graph"``.
    loss : float
        The loss ``E``.
    weight_gradient : numpy.ndarray
        ``dE/dw`` for every link, in the network's order.
    input_gradient : numpy.ndarray
        ``dE/dx``.
    operations : CountedOperations
        The operations of the backward computation (the forward pass, the same
        for both methods, is not counted).
    parts : Mapping[str, CountedOperations]
        The same operations by phase.
    """

    method: str
    loss: float
    weight_gradient: np.ndarray
    input_gradient: np.ndarray
    operations: CountedOperations
    parts: Mapping[str, CountedOperations]

    @property
    def multiplications(self) -> int:
        """The multiplications of the backward computation."""
        return self.operations.mul


def _result(
    method: str,
    layers: list[np.ndarray],
    target: np.ndarray,
    weight_gradient: np.ndarray,
    input_gradient: np.ndarray,
    parts: dict[str, OperationTally],
) -> SparseGradientResult:
    total = CountedOperations()
    for tally in parts.values():
        total = total + tally.operations
    return SparseGradientResult(
        method=method,
        loss=float(0.5 * np.sum((layers[-1] - target) ** 2)),
        weight_gradient=weight_gradient,
        input_gradient=input_gradient,
        operations=total,
        parts=MappingProxyType({k: t.operations for k, t in parts.items()}),
    )


def _number(v: Any) -> float:
    """The float value of a counted (or plain) number of a sweep."""
    return v.value if isinstance(v, CountingFloat) else float(v)


def _values(layer: np.ndarray) -> list[Any]:
    return [None if v is None else _number(v) for v in layer]


def graph_gradient(net: SparseNetwork, x: Any, target: Any) -> SparseGradientResult:
    """Backpropagate through the network's graph, one link at a time.

    Reverse accumulation on the computational graph: for the units of each
    layer, last layer first, ``abar_j = hbar_j (1 - h_j^2)``; then for each
    link ``e`` from ``i`` into ``j``, ``dE/dw_e = abar_j h_i`` and
    ``hbar_i += w_e abar_j``. A link that skips layers is just another link.

    Parameters
    ----------
    net, x, target
        As for :func:`network_loss`.

    Returns
    -------
    SparseGradientResult
        The gradients and the operations of the backward sweep, with parts
        ``"terminal"`` (``h - t`` on the last layer), ``"units"`` (``abar``),
        ``"link adjoints"`` (``hbar_i += w_e abar_j``) and ``"weight
        gradients"`` (``abar_j h_i``).

    Raises
    ------
    TypeError
        If ``net`` is not a :class:`SparseNetwork`.
    ValueError
        If ``x`` or ``target`` has the wrong shape or non-finite values.

    References
    ----------
    Linnainmaa (1970) [linnainmaa1970]; Werbos (1982) [werbos1982] for networks.
    """
    target, layers, h, parts = _start_backward(
        net, x, target, ("terminal", "units", "link adjoints", "weight gradients")
    )
    hbar: list[list[Any]] = [[None] * w for w in net.widths]
    weight_gradient = np.zeros(net.edges)
    with counting(parts["terminal"]):
        hbar[-1] = [h[-1][j] - target[j] for j in range(net.widths[-1])]
    for k in range(net.depth, 0, -1):
        with counting(parts["units"]):
            abar = [
                None if hbar[k][j] is None else hbar[k][j] * (1.0 - h[k][j] * h[k][j])
                for j in range(net.widths[k])
            ]
        for m, block in net.blocks(k):
            for e in range(block.start, block.stop):
                a = abar[net.target[e]]
                if a is None:
                    continue
                i = net.source[e]
                with counting(parts["weight gradients"]):
                    weight_gradient[e] = _number(a * h[m][i])
                with counting(parts["link adjoints"]):
                    term = net.weights[e] * a
                    hbar[m][i] = term if hbar[m][i] is None else hbar[m][i] + term
    input_gradient = np.array([0.0 if v is None else v for v in _values(hbar[0])])
    return _result("graph", layers, target, weight_gradient, input_gradient, parts)


def stagewise_gradient(net: SparseNetwork, x: Any, target: Any) -> SparseGradientResult:
    """Backpropagate stage to stage with dense Jacobian matrices, as in the 1960s.

    The network is treated as a multi-stage process ``s_k = f_k(s_{k-1}, u_k)``
    whose state ``s_k`` holds every layer a later stage still reads (a link
    that skips layers forces the stage to carry copies of earlier layers) and
    whose controls ``u_k`` are the weights of the links into layer ``k``. With
    ``lambda_L = dE/ds_L``, the recursion of Kelley and Bryson,

    ``lambda_{k-1} = lambda_k J_k``  and  ``dE/du_k = lambda_k B_k``,

    runs with the full matrices ``J_k = ds_k/ds_{k-1}`` and
    ``B_k = ds_k/du_k``, zeros and the ones of the copied layers included. Their
    non-zero entries cost one multiplication each to form; the products cost
    every entry.

    Parameters
    ----------
    net, x, target
        As for :func:`graph_gradient`.

    Returns
    -------
    SparseGradientResult
        The gradients and the operations, with parts ``"terminal"``
        (``lambda_L``), ``"state Jacobians"`` (forming the ``J_k``),
        ``"state products"`` (``lambda_k J_k``), ``"weight Jacobians"``
        (forming the ``B_k``) and ``"weight products"`` (``lambda_k B_k``).

    Raises
    ------
    TypeError, ValueError
        As for :func:`graph_gradient`.

    References
    ----------
    Kelley (1960) [kelley1960]; Bryson (1961) [bryson1961].
    """
    target, layers, h, parts = _start_backward(
        net,
        x,
        target,
        (
            "terminal",
            "state Jacobians",
            "state products",
            "weight Jacobians",
            "weight products",
        ),
    )
    weight_gradient = np.zeros(net.edges)

    def offsets(k: int) -> dict[int, int]:
        out, start = {}, 0
        for m in net.state_layers(k):
            out[m] = start
            start += net.widths[m]
        return out

    sizes = net.state_sizes
    lam = np.empty(sizes[-1], dtype=object)
    with counting(parts["terminal"]):
        for j in range(sizes[-1]):
            last = j < net.widths[-1]
            lam[j] = h[-1][j] - target[j] if last else CountingFloat(0.0)
    for k in range(net.depth, 0, -1):
        here, below = offsets(k), offsets(k - 1)
        jacobian = np.full((sizes[k], sizes[k - 1]), 0.0, dtype=object)
        edges = [
            e for _, block in net.blocks(k) for e in range(block.start, block.stop)
        ]
        control = np.full((sizes[k], len(edges)), 0.0, dtype=object)
        with counting(parts["state Jacobians"]):
            slope = [1.0 - v * v for v in h[k]]
        for column, e in enumerate(edges):
            j, m, i = net.target[e], net.source_layer[e], net.source[e]
            with counting(parts["state Jacobians"]):
                jacobian[j, below[m] + i] = slope[j] * net.weights[e]
            with counting(parts["weight Jacobians"]):
                control[j, column] = slope[j] * h[m][i]
        for m in net.state_layers(k)[1:]:  # the copied layers
            for u in range(net.widths[m]):
                jacobian[here[m] + u, below[m] + u] = 1.0
        with counting(parts["weight products"]):
            gradient_k = lam @ control
        with counting(parts["state products"]):
            lam = lam @ jacobian
        weight_gradient[edges] = _values(gradient_k)
    input_gradient = np.array(_values(lam))
    return _result("stagewise", layers, target, weight_gradient, input_gradient, parts)
