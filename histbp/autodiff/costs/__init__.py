"""Exact operation counts of the ways to compute a gradient, measured by running them.

Every count here is taken by doing the arithmetic and tallying each operation as it
happens, never by a formula. The instrument is :class:`CountingFloat`, a float
that records every ``+ - * / **`` and every elementary function it takes part in
(``exp``, ``log``, ``sin``, ``cos``, ``tanh``, ``sqrt``, as numpy functions) in the
tallies opened by :func:`counting`. The kinds are those of
:class:`histbp.autodiff.source.OperationCounts`: ``add`` (with subtraction and
negation), ``mul``, ``div``, ``pow`` and ``call``. An operation between two plain
numbers is not seen, so counts cover the operations on values that depend on the
counted inputs.

:func:`gradient_cost` computes the gradient of ``f : R^n -> R`` in one of five ways
and counts all the arithmetic each way takes:

``"forward-difference"``, ``"central-difference"``
    finite differences: ``n + 1`` or ``2 n`` evaluations of ``f`` on counting
    floats, plus the differences and quotients;
``"forward-mode"``
    forward accumulation of the chain rule: ``n`` passes of dual numbers (value
    and tangent, both counting floats), one per input direction;
``"symbolic"``
    the chain rule written out: ``f`` as one formula, its ``n`` partial
    derivatives by textbook rules (:mod:`histbp.autodiff.symbolic`), each
    evaluated on counting floats;
``"reverse-mode"``
    reverse accumulation in the manner of Linnainmaa's Algorithm L: one forward
    sweep records every operation on a tape, one reverse sweep accumulates the
    adjoints, all on counting floats.

:func:`stagewise_gradient` and :func:`graph_gradient` compare two ways of running
the chain rule backwards through a network with links that skip layers (built by
:func:`sparse_network`): stage to stage with dense Jacobian matrices, as in the
gradient methods of the early 1960s, and edge by edge on the network's graph.
"""

# The constants come first: the modules below import them from this package.
KINDS = ("add", "mul", "div", "pow", "call")
"""The kinds of operation counted, as in :mod:`histbp.autodiff.source`."""

METHODS = (
    "forward-difference",
    "central-difference",
    "forward-mode",
    "symbolic",
    "reverse-mode",
)
"""The ways :func:`gradient_cost` can compute a gradient."""

from histbp.autodiff.costs._counting import (  # noqa: E402
    Counted,
    CountingFloat,
    Operations,
    Tally,
    count_operations,
    counting,
)
from histbp.autodiff.costs._methods import GradientCost, gradient_cost  # noqa: E402
from histbp.autodiff.costs._sparse import (  # noqa: E402
    NetworkGradient,
    SparseNetwork,
    graph_gradient,
    network_loss,
    sparse_network,
    stagewise_gradient,
)

__all__ = [
    "KINDS",
    "METHODS",
    "Counted",
    "CountingFloat",
    "GradientCost",
    "NetworkGradient",
    "Operations",
    "SparseNetwork",
    "Tally",
    "count_operations",
    "counting",
    "gradient_cost",
    "graph_gradient",
    "network_loss",
    "sparse_network",
    "stagewise_gradient",
]
