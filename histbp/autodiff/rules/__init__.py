"""Derivative rules, registered in :data:`histbp.autodiff.registry.REGISTRY`.

Importing this package registers every primitive: elementwise ufuncs, matrix
products and norms, reductions, shape and indexing operations, the joining of
sequences of arrays (stack, concatenate), and the functions without a derivative
(comparisons and the like), the complex-valued functions and the list of rules
that hold for complex values, and the ``.astype`` cast.
"""

from histbp.autodiff.rules import (
    casting,
    complex,
    elementwise,
    linalg,
    nondiff,
    reductions,
    sequences,
    structure,
)

__all__ = [
    "casting",
    "complex",
    "elementwise",
    "linalg",
    "nondiff",
    "reductions",
    "sequences",
    "structure",
]
