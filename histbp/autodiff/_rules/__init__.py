"""Derivative rules, registered in :data:`histbp.autodiff._registry.REGISTRY`.

Importing this package registers every primitive: elementwise ufuncs, matrix
products and norms, reductions, shape and indexing operations, the joining of
sequences of arrays (stack, concatenate), and the functions without a derivative
(comparisons and the like); matrix functions and decompositions, contractions
(einsum and its relatives), copies and rearrangements of entries (shapes),
selections (take, sort, select, split); the complex-valued functions and the list
of rules that hold for complex values; and the ``.astype`` cast.
"""

from histbp.autodiff._rules import (
    casting,
    complex,
    contractions,
    elementwise,
    linalg,
    linalg_decompositions,
    nondiff,
    norms,
    reductions,
    selection,
    sequences,
    shapes,
    structure,
)

__all__ = [
    "casting",
    "complex",
    "contractions",
    "elementwise",
    "linalg",
    "linalg_decompositions",
    "nondiff",
    "norms",
    "reductions",
    "selection",
    "sequences",
    "shapes",
    "structure",
]
