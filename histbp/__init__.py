"""histbp: an executable history of backpropagation.

Every method on the site's timeline, from Leibniz's chain rule (1676) to deep networks
trained by plain backpropagation (2010), implemented in numpy. The timeline itself is
data in :mod:`histbp.timeline`.
"""

from histbp import optimize, timeline

__all__ = ["optimize", "timeline"]
__version__ = "0.1.0"
