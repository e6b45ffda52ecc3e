"""Summing a cotangent back over the axes that broadcasting added or stretched."""

from __future__ import annotations

from typing import Any

import numpy as np

__all__ = ["unbroadcast"]


def unbroadcast(g: Any, shape: tuple[int, ...]) -> Any:
    """Return ``g`` summed down to ``shape``, the adjoint of broadcasting.

    When an operand of shape ``shape`` is broadcast to the output's shape, each
    of its entries feeds every output entry it was copied to, so its cotangent is
    the sum of theirs: over the leading axes broadcasting added, and over the axes
    where ``shape`` has length 1 and the output does not.

    Parameters
    ----------
    g
        Cotangent of the broadcast output.
    shape
        Shape of the operand.

    Returns
    -------
    Any
        ``g`` itself when its shape is already ``shape``, else an array (or a
        numpy scalar, for ``shape == ()``) of that shape.
    """
    gshape = g.shape if type(g) is np.ndarray else np.shape(g)
    if gshape == shape:
        return g
    extra = len(gshape) - len(shape)
    if extra < 0 or any(
        n != 1 and n != m for n, m in zip(shape, gshape[extra:], strict=True)
    ):
        # A cotangent smaller than its operand (a rule kept it unbroadcast).
        return unbroadcast(
            np.broadcast_to(g, np.broadcast_shapes(gshape, shape)), shape
        )
    axes = tuple(range(extra)) + tuple(
        extra + i for i, n in enumerate(shape) if n == 1 and gshape[extra + i] != 1
    )
    g = np.asarray(g).sum(axis=axes)
    return g if np.shape(g) == shape else g.reshape(shape)
