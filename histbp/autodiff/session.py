"""One differentiation at a time: refusing nested derivatives clearly.

The engine computes first derivatives. Calling ``grad``, ``vjp`` or ``jvp`` on a
function while another of them is tracing (``grad(grad(f))``, a ``jvp`` inside a
``grad``) would mix two tapes, so it raises
:class:`~histbp.autodiff.errors.NestedDifferentiationError` instead. The state is
per thread, so separate threads may differentiate independently.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

from histbp.autodiff.errors import NestedDifferentiationError

__all__ = ["tracing"]

_state = threading.local()


@contextmanager
def tracing(who: str) -> Iterator[None]:
    """Mark a differentiation by ``who`` as in progress for its duration."""
    active = getattr(_state, "active", None)
    if active is not None:
        raise NestedDifferentiationError(
            f"{who} was called inside a function that {active} is "
            "differentiating: higher-order (nested) derivatives are not supported"
        )
    _state.active = who
    try:
        yield
    finally:
        _state.active = None
