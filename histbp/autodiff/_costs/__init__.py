"""Exact operation counts of the ways to compute a gradient, measured by running them.

Every count here is taken by doing the arithmetic and tallying each operation as it
happens, never by a formula. The instrument is
:class:`histbp.autodiff.CountingFloat`, a float that records every ``+ - * / **``
and every elementary function it takes part in (``exp``, ``log``, ``sin``, ``cos``,
``tanh``, ``sqrt``, as numpy functions) in the tallies opened by
:func:`histbp.autodiff.counting`. The kinds are those of
:class:`histbp.autodiff.OperationCounts`: ``add`` (with subtraction and negation),
``mul``, ``div``, ``pow`` and ``call``. An operation between two plain numbers is
not seen, so counts cover the operations on values that depend on the counted
inputs.

:func:`histbp.autodiff.gradient_cost` computes the gradient of ``f : R^n -> R`` in
one of five ways and counts all the arithmetic each way takes:

``"forward-difference"``, ``"central-difference"``
    finite differences: ``n + 1`` or ``2 n`` evaluations of ``f`` on counting
    floats, plus the differences and quotients;
``"forward-mode"``
    forward accumulation of the chain rule: ``n`` passes of dual numbers (value
    and tangent, both counting floats), one per input direction;
``"symbolic"``
    the chain rule written out: ``f`` as one formula, its ``n`` partial
    derivatives by textbook rules (:func:`histbp.autodiff.symbolic_derivative`), each
    evaluated on counting floats;
``"reverse-mode"``
    reverse accumulation in the manner of Linnainmaa's Algorithm L: one forward
    sweep records every operation on a tape, one reverse sweep accumulates the
    adjoints, all on counting floats.

The same counting floats measure the two backward sweeps through a network whose
links skip layers (:func:`histbp.nets.stagewise_gradient` and
:func:`histbp.nets.graph_gradient`).
"""

from histbp.autodiff._costs._counting import (
    CountedOperations,
    CountedValue,
    CountingFloat,
    OperationTally,
    count_operations,
    counting,
)
from histbp.autodiff._costs._methods import METHODS, GradientCost, gradient_cost

__all__ = [
    "METHODS",
    "CountedOperations",
    "CountedValue",
    "CountingFloat",
    "GradientCost",
    "OperationTally",
    "count_operations",
    "counting",
    "gradient_cost",
]
