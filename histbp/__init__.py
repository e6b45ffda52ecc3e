"""histbp: an executable history of backpropagation.

Every method on the site's timeline, from Leibniz's chain rule (1676) to deep networks
trained by plain backpropagation (2010), implemented in numpy. The timeline itself is
data in :mod:`histbp.timeline`; the reverse mode of 1970 is :func:`grad`.
"""

from histbp import autodiff, optimize, timeline
from histbp.autodiff import grad, jacobian, jvp, value_and_grad, vjp

__all__ = [
    "autodiff",
    "grad",
    "jacobian",
    "jvp",
    "optimize",
    "timeline",
    "value_and_grad",
    "vjp",
]
__version__ = "0.1.0"
