"""histbp: an executable history of backpropagation.

Every method on the site's timeline, from Leibniz's chain rule (1676) to deep networks
trained by plain backpropagation (2010), implemented in numpy. The timeline itself is
data in :mod:`histbp.timeline`; the reverse mode of 1970 is :func:`grad`.

The subpackages (:mod:`histbp.autodiff`, :mod:`histbp.control`, :mod:`histbp.nets`,
:mod:`histbp.optimize`) and the public modules (:mod:`histbp.data`,
:mod:`histbp.mnist`, :mod:`histbp.reproduction`, :mod:`histbp.testing`,
:mod:`histbp.timeline`) are all imported the same way: on first use, so that
``import histbp`` stays cheap and ``histbp.nets`` works without a separate import
(the lazy loading of scikit-learn and scipy).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover - for type checkers and editors only
    from histbp import (
        autodiff,
        control,
        data,
        mnist,
        nets,
        optimize,
        reproduction,
        testing,
        timeline,
    )
    from histbp.autodiff import grad, jacobian, jvp, value_and_grad, vjp

__all__ = [
    "autodiff",
    "control",
    "data",
    "grad",
    "jacobian",
    "jvp",
    "mnist",
    "nets",
    "optimize",
    "reproduction",
    "testing",
    "timeline",
    "value_and_grad",
    "vjp",
]
#: The functions of reverse and forward mode, named at the top level for short.
_AUTODIFF = ("grad", "jacobian", "jvp", "value_and_grad", "vjp")
#: The public modules of histbp, each imported when first used.
_MODULES = tuple(name for name in __all__ if name not in _AUTODIFF)
__version__ = "0.1.0"


def __getattr__(name: str) -> Any:
    if name in _MODULES:
        return importlib.import_module(f"histbp.{name}")
    if name in _AUTODIFF:
        return getattr(importlib.import_module("histbp.autodiff"), name)
    raise AttributeError(f"module 'histbp' has no attribute {name!r}")


def __dir__() -> list[str]:
    return [*__all__, "__version__"]
