"""The record every network-gradient method hands back."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["NetworkGradient"]


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
