"""Automatic differentiation: Linnainmaa's reverse mode (1970) as an array engine.

Write a function with ordinary numpy operations; :func:`grad` returns its
gradient by recording the operations on a tape and sweeping the tape backwards
once (reverse mode), and :func:`jvp` pushes a tangent through it (forward mode).

Supported: ``+ - * / ** % @``, unary minus and ``abs``; the ufuncs ``exp``,
``exp2``, ``expm1``, ``log``, ``log2``, ``log10``, ``log1p``, ``sqrt``, ``square``,
``reciprocal``, ``sin``, ``cos``, ``tan``, ``arcsin``, ``arccos``, ``arctan``,
``arctan2``, ``hypot``, ``sinh``, ``cosh``, ``tanh``, ``arcsinh``, ``arccosh``,
``arctanh``, ``absolute``, ``fabs``, ``deg2rad``/``radians``, ``rad2deg``/
``degrees``, ``logaddexp``, ``logaddexp2``, ``remainder``/``mod``, ``fmod``,
``maximum``, ``minimum``, ``fmax``, ``fmin``; :func:`sigmoid`; ``nan_to_num``;
``matmul``, ``dot`` (any dimensions), ``outer``, ``inner``, ``tensordot``,
``kron``, ``einsum``; ``numpy.linalg``'s ``inv``,
``solve``, ``det``, ``slogdet``, ``cholesky``, ``eigh``, ``svd`` and ``norm`` (every
vector and matrix ``ord``); ``sum``, ``mean``, ``prod``, ``max``, ``min``, ``var``,
``std`` with ``axis``/``keepdims`` (and ``ddof``); ``cumsum``, ``cumprod``, ``diff``;
``clip``; ``stack``, ``concatenate``, ``vstack``, ``hstack``, ``column_stack`` of
lists mixing traced and plain arrays, and ``append``; ``split``, ``array_split``,
``hsplit``, ``vsplit``, ``dsplit``; ``reshape``, ``ravel``, ``squeeze``,
``expand_dims``, ``transpose``/``.T``, ``swapaxes``, ``moveaxis``, ``copy``,
``broadcast_to``, ``atleast_1d/2d/3d``; ``flip``, ``fliplr``, ``flipud``, ``rot90``,
``roll``, ``repeat``, ``tile``, ``pad`` (modes that copy entries); ``diag``,
``diagonal``, ``trace``, ``tril``, ``triu``; indexing and slicing (basic,
integer-array and boolean), ``take``, ``take_along_axis``, ``sort``,
``partition``; ``where`` and ``select``; ``real``, ``imag``, ``conj``,
``angle``; the ``.astype`` method between float (and complex) types; arrays built
from lists of traced values (``np.array([x, y])``, ``np.r_[x, y]``,
``np.mean([x, y])``). Comparisons, ``sign``, rounding and
``argmax`` return plain values. Anything else raises
:class:`UnsupportedOperationError` naming the function, and so does a case of a
supported function where the derivative does not exist (``eigh`` at repeated
eigenvalues, ``svd`` at repeated or zero singular values, where the result
depends on them). Keyword arguments left at their default values are accepted
everywhere.

Complex numbers follow HIPS autograd's convention: for a complex input
``z = x + iy`` of a real-valued function ``f``, ``grad(f)(z)`` is
``df/dx - i df/dy`` (``f'(z)`` when ``f`` is holomorphic), and a real input
whose computation passes through complex values gets its real gradient.
``grad`` of a complex-valued function raises ``TypeError``; a primitive whose
rule is written for real numbers only (``maximum``, ``clip``, ``max``, ``norm``,
``sigmoid``) raises :class:`UnsupportedOperationError` on complex values.

Conventions at kinks: ``abs`` has derivative 0 at 0; ``maximum``/``minimum`` split
the cotangent equally at a tie (so relu has derivative 0.5 at 0); ``clip`` has
derivative 1 wherever it leaves ``x`` unchanged, bounds included, and 0 where it
returns a bound; ``norm`` has gradient 0 at 0; the gradient of ``prod`` is exact
where entries are zero.

Conventions: the derivative with respect to a Python float (or int) is a Python
float, with respect to an array an array of its shape and dtype. Where a function
is not differentiable the engine picks a subgradient: ``abs`` has derivative 0 at
0; ``maximum``/``minimum`` (hence ``relu = maximum(x, 0)``) and ``max``/``min``
reductions split the cotangent equally between tied arguments. Elsewhere numpy's
values are kept: the derivative of ``sqrt`` or ``log`` at 0 is ``inf``, with
numpy's warning. ``grad`` accepts any output with one entry (shape ``()``,
``(1,)``, ``(1, 1)``...). Derivatives are first order: asking for a derivative
inside a function being differentiated (``grad(grad(f))``,
``jacobian(jacobian(f))``, a ``jvp`` inside a ``vjp``...) raises
:class:`NestedDifferentiationError`.

The engine is read in this order: :class:`LinnainmaaTape` (the 1970
table); ``_tape.py``, the record of nodes (:class:`Tape`) and the backward
sweep (:func:`backward_pass`); ``_registry.py`` and ``_rules/`` (one rule per
primitive, :func:`defprimitive`); ``_tracer.py`` and ``_keywords.py`` (numpy's
dispatch, :class:`Tracer`); ``_reverse.py`` (recording a node,
:class:`ReverseTracer`); ``_api.py`` (:func:`grad` and friends,
:func:`accumulate_jacobian`); ``_dual.py`` (forward mode, :class:`Dual`); and
``_fastpath.py`` (compact nodes for speed). The essay *From Linnainmaa's table to
an array engine* walks through them. Those modules are private: everything a
reader needs is exported here.
"""

from histbp.autodiff._api import (
    accumulate_jacobian,
    grad,
    jacobian,
    jvp,
    value_and_grad,
    vjp,
)
from histbp.autodiff._costs import (
    METHODS,
    CountedOperations,
    CountedValue,
    CountingFloat,
    GradientCost,
    OperationTally,
    count_operations,
    counting,
    gradient_cost,
)
from histbp.autodiff._dual import Dual
from histbp.autodiff._errors import (
    EscapedTracerError,
    NestedDifferentiationError,
    TracerConversionError,
    UnsupportedOperationError,
)
from histbp.autodiff._functions import sigmoid
from histbp.autodiff._linnainmaa import (
    LinnainmaaRow,
    LinnainmaaTape,
    LinnainmaaVariable,
    linnainmaa_gradient,
    linnainmaa_record,
    linnainmaa_table,
)
from histbp.autodiff._perturbation import (
    EigenSensitivity,
    dominant_eigenvalue,
    eigenpair_backward_error,
    eigenvalue_sensitivity,
    nearest_eigenvalue,
)
from histbp.autodiff._registry import defprimitive
from histbp.autodiff._reverse import ReverseTracer
from histbp.autodiff._rounding import (
    RoundingAnalysis,
    SquaresComparison,
    accumulated_error,
    compare_difference_of_squares,
    first_order_variance,
    horner,
    relative_error_mean,
    relative_error_variance,
    relative_sensitivities,
    simulate_relative_error,
    unit_roundoff,
)
from histbp.autodiff._source.compiler import (
    CompiledGradient,
    OperationCounts,
    SourceTransformError,
    compile_gradient,
)
from histbp.autodiff._symbolic import (
    SymbolicExpr,
    evaluate_expression,
    symbolic_constant,
    symbolic_derivative,
    symbolic_expression,
    symbolic_variables,
)
from histbp.autodiff._tape import Tape, backward_pass
from histbp.autodiff._tracer import Tracer

__all__ = [
    # The array engine (reverse and forward mode on numpy code).
    "Dual",
    "EscapedTracerError",
    "NestedDifferentiationError",
    "ReverseTracer",
    "Tape",
    "Tracer",
    "TracerConversionError",
    "UnsupportedOperationError",
    "accumulate_jacobian",
    "backward_pass",
    "defprimitive",
    "grad",
    "jacobian",
    "jvp",
    "sigmoid",
    "value_and_grad",
    "vjp",
]

# The historical methods (1965-2012): Wilkinson's perturbation theory,
# Linnainmaa's table and rounding analysis, Speelpenning's compiler, the symbolic
# chain rule and the operation counts of the essays.
__all__ += [
    "METHODS",
    "CompiledGradient",
    "CountedOperations",
    "CountedValue",
    "CountingFloat",
    "EigenSensitivity",
    "GradientCost",
    "LinnainmaaRow",
    "LinnainmaaTape",
    "LinnainmaaVariable",
    "OperationCounts",
    "OperationTally",
    "RoundingAnalysis",
    "SourceTransformError",
    "SquaresComparison",
    "SymbolicExpr",
    "accumulated_error",
    "compare_difference_of_squares",
    "compile_gradient",
    "count_operations",
    "counting",
    "dominant_eigenvalue",
    "eigenpair_backward_error",
    "eigenvalue_sensitivity",
    "evaluate_expression",
    "first_order_variance",
    "gradient_cost",
    "horner",
    "linnainmaa_gradient",
    "linnainmaa_record",
    "linnainmaa_table",
    "nearest_eigenvalue",
    "relative_error_mean",
    "relative_error_variance",
    "relative_sensitivities",
    "simulate_relative_error",
    "symbolic_constant",
    "symbolic_derivative",
    "symbolic_expression",
    "symbolic_variables",
    "unit_roundoff",
]
