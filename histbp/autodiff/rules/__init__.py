"""Derivative rules, registered in :data:`histbp.autodiff.registry.REGISTRY`.

Importing this package registers every primitive: elementwise ufuncs, matrix
products and norms, reductions, shape and indexing operations, the joining of
sequences of arrays (stack, concatenate), and the functions without a derivative
(comparisons and the like).
"""

from histbp.autodiff.rules import (
    elementwise,
    linalg,
    nondiff,
    reductions,
    sequences,
    structure,
)

__all__ = [
    "elementwise",
    "linalg",
    "nondiff",
    "reductions",
    "sequences",
    "structure",
]
