"""Functions whose outputs carry no derivative.

Comparisons, rounding, ``sign``, index-valued functions (``argmax``, ``nonzero``)
and shape queries are piecewise constant or not real-valued. Called on traced
values they return plain values: code such as ``np.where(x > 0, x, 0.1 * x)`` or
``x.shape[0]`` works, and no derivative flows through the comparison itself.
"""

from __future__ import annotations

import numpy as np

from histbp.autodiff._registry import defnondiff

__all__: list[str] = []

_NAMES = (
    # ufuncs
    "greater greater_equal less less_equal equal not_equal "
    "logical_and logical_or logical_not logical_xor "
    "isfinite isnan isinf signbit sign floor ceil trunc rint "
    # functions
    "round around argmax argmin argsort nonzero flatnonzero count_nonzero any all "
    "isclose allclose array_equal shape ndim size "
    "zeros_like ones_like empty_like full_like"
).split()

defnondiff({getattr(np, name) for name in _NAMES if hasattr(np, name)})
