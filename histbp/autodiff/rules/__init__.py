"""Derivative rules, registered in :data:`histbp.autodiff.registry.REGISTRY`.

Importing this package registers every primitive: elementwise ufuncs, matrix
products, reductions, shape and indexing operations, and the functions without a
derivative (comparisons and the like).
"""

from histbp.autodiff.rules import (
    elementwise,
    linalg,
    nondiff,
    reductions,
    structure,
)

__all__ = ["elementwise", "linalg", "nondiff", "reductions", "structure"]
