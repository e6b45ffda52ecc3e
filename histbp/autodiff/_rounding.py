"""Linnainmaa's application of the reverse sweep: the accumulated rounding error.

Let row ``n`` of a tape (see :class:`histbp.autodiff.LinnainmaaTape`) compute ``q_n`` in
floating point. Its *local rounding error* is ``r_n = q_n - (exact result of the
operation on the operands actually stored)``, that is ``r_n = q_n e_n`` with ``e_n``
the relative rounding error of the operation. Linnainmaa (1970) expands the error
accumulated in the final result ``q_N`` to first order in the local errors::

    R_N ~ sum_n COEFF(n) r_n,        COEFF(n) = d q_N / d q_n,

and obtains all the ``COEFF(n)`` in one reverse sweep. :func:`accumulated_error`
carries this out in ``float16``, ``float32`` or ``float64``, and compares the
estimate with the error actually observed, both computed exactly with fractions.

The section on statistics gives the thesis's figures for the relative rounding
error ``e`` of one operation when mantissas are logarithmically distributed,
checks them by simulation, and uses them for the variance of ``R_N``; two examples,
the difference of squares and Horner's scheme, show the expansion at work. The
statistical model behind the thesis's comparison of ``a*a - c*c`` with
``(a+c)*(a-c)`` (independent relative errors of equal variance) gives the crossover
``a/c = sqrt(2 + sqrt 3)``; :func:`compare_difference_of_squares` measures where it
lies in IEEE arithmetic, which does not satisfy that model.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import numpy as np

from histbp._validation import check_choice, check_random_state
from histbp.autodiff._linnainmaa import (
    OPERATIONS,
    LinnainmaaTape,
    LinnainmaaVariable,
    linnainmaa_record,
    linnainmaa_table,
)

__all__ = [
    "RoundingAnalysis",
    "SquaresComparison",
    "accumulated_error",
    "compare_difference_of_squares",
    "first_order_variance",
    "horner",
    "relative_error_mean",
    "relative_error_variance",
    "relative_sensitivities",
    "simulate_relative_error",
    "unit_roundoff",
]

_FORMATS = (np.float16, np.float32, np.float64)


def _float_type(dtype: Any) -> type[np.floating]:
    """Return the numpy scalar type of ``dtype`` if it is a supported format."""
    try:
        kind = np.dtype(dtype).type
    except TypeError:
        kind = None
    if kind not in _FORMATS:
        raise ValueError(f"dtype must be float16, float32 or float64, got {dtype!r}")
    return kind


def unit_roundoff(dtype: Any) -> float:
    """Return ``u = 2**-p`` for a binary format with a ``p``-bit significand.

    This is ``b**-t`` of :func:`relative_error_variance` for ``b = 2``: 2**-11,
    2**-24 and 2**-53 for ``float16``, ``float32`` and ``float64``.
    """
    return float(np.finfo(_float_type(dtype)).eps) / 2


@dataclass(frozen=True, eq=False)
class RoundingAnalysis:
    """The first-order analysis of the rounding errors of one computation.

    Attributes
    ----------
    value
        The result computed in ``dtype``.
    exact
        The exact result for the same (rounded) inputs, rounded to a float.
    observed_error
        ``value - exact``, computed exactly and then rounded to a float.
    estimated_error
        Linnainmaa's first-order estimate ``sum_n COEFF(n) r_n``.
    contributions
        ``COEFF(n) r_n`` for every row ``n`` of the tape.
    local_errors
        ``r_n``, the local rounding error of every row; 0 for inputs and constants.
    coefficients
        ``COEFF(n)``, the derivative of the result with respect to row ``n``.
    tape
        The recorded tape, with the values computed in ``dtype``.
    dtype
        The floating-point format of the computation.
    """

    value: np.floating
    exact: float
    observed_error: float
    estimated_error: float
    contributions: np.ndarray
    local_errors: np.ndarray
    coefficients: np.ndarray
    tape: LinnainmaaTape
    dtype: np.dtype

    def table(self) -> str:
        """Return the tape with the columns ``COEFF``, ``LOCAL ERROR``, ``CONTRIB``."""
        columns = {"COEFF": self.coefficients, "LOCAL ERROR": self.local_errors}
        return linnainmaa_table(self.tape, columns | {"CONTRIB": self.contributions})

    def __str__(self) -> str:
        return "\n".join(
            [
                f"value computed in {self.dtype}: {self.value!r}",
                f"exact value:                  {self.exact!r}",
                f"observed error:               {self.observed_error:.6g}",
                f"first-order estimate:         {self.estimated_error:.6g}",
                self.table(),
            ]
        )


def _rounding_to(kind: type[np.floating]) -> Callable[[float], float]:
    """Round a float correctly to the format ``kind`` (overflow gives inf)."""

    def to_dtype(x: float) -> float:
        with np.errstate(over="ignore"):
            return float(kind(x))

    return to_dtype


def accumulated_error(
    f: Callable[..., Any], *args: float, dtype: Any = np.float32
) -> RoundingAnalysis:
    """Evaluate ``f`` in ``dtype`` and expand its rounding error as Linnainmaa did.

    Parameters
    ----------
    f
        A function of ``len(args)`` numbers built from ``+``, ``-``, ``*``, ``/``
        and unary ``-``.
    *args
        The inputs. They are first rounded to ``dtype`` and from then on taken as
        exact, as are the numbers written in ``f``: only the operations err.
    dtype
        ``numpy.float16``, ``numpy.float32`` or ``numpy.float64``. Every
        operation is rounded correctly to this format.

    Returns
    -------
    RoundingAnalysis
        The computed and exact results, the observed error, the first-order
        estimate and its terms. The local errors ``r_n`` and the exact result are
        computed with :class:`fractions.Fraction`, so the estimate and the
        observed error differ only by the terms of second and higher order.

    Raises
    ------
    ValueError
        If ``dtype`` is not one of the three formats, or an input is not finite.
    OverflowError
        If a value overflows ``dtype``.
    ZeroDivisionError
        If the computation, or its exact counterpart, divides by zero.

    Examples
    --------
    >>> a = accumulated_error(lambda x, y: x / y + y / x, 1.25, 0.1)
    >>> print(f"{a.observed_error:.4g} {a.estimated_error:.4g}")
    1.088e-07 1.088e-07
    >>> b = accumulated_error(lambda x, y: x * x - y * y, 1.25, 0.1)
    >>> b.observed_error == b.estimated_error  # no term of second order here
    True
    """
    kind = _float_type(dtype)
    tape, output = linnainmaa_record(f, *args, rounding=_rounding_to(kind))
    coeff = tape.reverse(output)
    stored = [Fraction(row.value) for row in tape.rows]
    exact: list[Fraction] = []
    local: list[float] = []
    for row, q in zip(tape.rows, stored, strict=True):
        if row.operands:
            op = OPERATIONS[row.type]
            exact.append(op(*[exact[j] for j in row.operands]))
            local.append(float(q - op(*[stored[j] for j in row.operands])))
        else:
            exact.append(q)
            local.append(0.0)
    n = output.index
    contributions = np.array(coeff) * np.array(local)
    return RoundingAnalysis(
        value=kind(output.value),
        exact=float(exact[n]),
        observed_error=float(stored[n] - exact[n]),
        estimated_error=math.fsum(contributions),
        contributions=contributions,
        local_errors=np.array(local),
        coefficients=np.array(coeff),
        tape=tape,
        dtype=np.dtype(kind),
    )


# --- statistics of the rounding error ---------------------------------------------


def _check_base(base: int) -> None:
    if not isinstance(base, int) or base < 2:
        raise ValueError(f"base must be an integer of at least 2, got {base!r}")


def relative_error_mean(base: int, mode: str = "round") -> float:
    """Return the mean relative error of rounding or truncation, in units of ``u``.

    A number ``x = m b**E`` with mantissa ``m`` in ``[1/b, 1)`` is cut to ``t``
    base-``b`` digits; ``u = b**-t`` is the unit in the last place of the mantissa
    (for binary formats, the unit roundoff ``2**-p``). If the dropped part is
    uniform on one unit and ``m`` is logarithmically distributed (density
    ``1 / (m ln b)``), the relative error ``e = (fl(x) - x) / x`` has mean 0 for
    rounding and ``(1 - b) / (2 ln b)`` times ``u`` for truncation (chopping):
    -0.7213 for ``b = 2``.

    Parameters
    ----------
    base
        The base ``b`` of the floating-point numbers.
    mode
        ``"round"`` (to nearest) or ``"truncate"`` (towards zero).

    Returns
    -------
    float
        ``E[e] / u``.
    """
    _check_base(base)
    check_choice(mode, "mode", ("round", "truncate"))
    return 0.0 if mode == "round" else (1 - base) / (2 * math.log(base))


def relative_error_variance(base: int, mode: str = "round") -> float:
    """Return the variance of the relative error, in units of ``u**2``.

    Under the assumptions of :func:`relative_error_mean`, ``e = d / m`` with the
    dropped part ``d`` independent of ``m`` and ``E[1 / m**2] = (b**2 - 1) /
    (2 ln b)``. For rounding ``E[d**2] = u**2 / 12``, so the variance is
    ``(b**2 - 1) / (24 ln b)``: 0.1803, 1.262, 1.791, 3.832 and 41.03 for
    ``b = 2, 8, 10, 16, 64``. For truncation (not among the thesis's figures, but
    derived the same way) ``E[d**2] = u**2 / 3`` and the mean is subtracted.

    Parameters
    ----------
    base
        The base ``b``.
    mode
        ``"round"`` or ``"truncate"``.

    Returns
    -------
    float
        ``Var[e] / u**2``.
    """
    mean = relative_error_mean(base, mode)
    second_moment = (
        (base**2 - 1) / (2 * math.log(base)) / (12 if mode == "round" else 3)
    )
    return second_moment - mean**2


def simulate_relative_error(
    base: int,
    digits: int,
    mode: str = "round",
    n: int = 1_000_000,
    seed: int | np.random.Generator | None = 0,
) -> tuple[float, float]:
    """Measure the mean and variance of the relative error by Monte Carlo.

    Draws ``n`` logarithmically distributed mantissas ``m = b**-U``, ``U``
    uniform on ``[0, 1)``, cuts each to ``digits`` base-``b`` digits and measures
    ``e = (fl(m) - m) / m`` in units of ``u = b**-digits``.

    Parameters
    ----------
    base
        The base ``b``.
    digits
        The number ``t`` of mantissa digits; ``b**t`` may not exceed ``2**40``,
        so that the float64 arithmetic of the simulation resolves the dropped part.
    mode
        ``"round"`` or ``"truncate"``.
    n
        The number of samples.
    seed
        ``None``, a non-negative integer or a numpy ``Generator``.

    Returns
    -------
    mean : float
        The sample mean of ``e / u``; compare :func:`relative_error_mean`.
    variance : float
        The sample variance of ``e / u``; compare :func:`relative_error_variance`.
    """
    _check_base(base)
    check_choice(mode, "mode", ("round", "truncate"))
    if not 1 <= digits or base**digits > 2**40:
        raise ValueError(f"need 1 <= digits and base**digits <= 2**40, got {digits}")
    m = float(base) ** -check_random_state(seed).random(n)
    scaled = m * float(base) ** digits
    cut = np.rint(scaled) if mode == "round" else np.floor(scaled)
    e_over_u = (cut - scaled) / m
    return float(e_over_u.mean()), float(e_over_u.var())


def relative_sensitivities(
    tape: LinnainmaaTape, output: LinnainmaaVariable
) -> np.ndarray:
    """Return ``COEFF(n) q_n``, the coefficient of ``e_n`` in ``R_N``, for every row.

    Since ``r_n = q_n e_n``, the first-order error is ``sum_n COEFF(n) q_n e_n``;
    for an input row this is the sensitivity of the result to a relative
    perturbation of that input.
    """
    values = np.array([row.value for row in tape.rows])
    return np.array(tape.reverse(output)) * values


def first_order_variance(tape: LinnainmaaTape, output: LinnainmaaVariable) -> float:
    """Return ``sum_n (COEFF(n) q_n)**2`` over the operation rows of ``tape``.

    If the relative errors ``e_n`` of the operations are independent with mean 0
    and variance ``sigma**2``, this times ``sigma**2`` is the variance of the
    first-order accumulated error; under the assumptions of
    :func:`relative_error_variance`, ``sigma**2 = 0.1803 u**2`` in binary.
    """
    s = relative_sensitivities(tape, output)
    ops = [row.type not in ("INPUT", "CONST") for row in tape.rows]
    return float(np.sum(s[ops] ** 2))


# --- examples ---------------------------------------------------------------------


def horner(coeffs: Sequence[float], x: Any) -> Any:
    """Return ``coeffs[0] x**d + ... + coeffs[d]`` by Horner's scheme.

    Uses only ``*`` and ``+``, so ``x`` may be a
    :class:`~histbp.autodiff.LinnainmaaVariable` of a tape.
    The first-order error caused by a relative error ``e_x`` of ``x`` is
    ``x p'(x) e_x``, which :func:`relative_sensitivities` returns for the row of
    ``x``.
    """
    result = coeffs[0]
    for c in coeffs[1:]:
        result = result * x + c
    return result


@dataclass(frozen=True, eq=False)
class SquaresComparison:
    """Root-mean-square relative errors of ``a*a - c*c`` and ``(a+c)*(a-c)``.

    All errors are in units of the unit roundoff ``u`` of the format.

    Attributes
    ----------
    ratios
        The ratios ``a / c``.
    squares, product
        The measured RMS relative errors of ``a*a - c*c`` and ``(a+c)*(a-c)``.
    squares_model, product_model
        ``sqrt(0.1803 * first_order_variance) / |a**2 - c**2|``: the prediction of
        the model of independent relative errors of equal variance, in which
        ``(a+c)*(a-c)`` is the more accurate form for ``a/c < sqrt(2 + sqrt 3)``.
    """

    ratios: np.ndarray
    squares: np.ndarray
    product: np.ndarray
    squares_model: np.ndarray
    product_model: np.ndarray


def _squares(a: Any, c: Any) -> Any:
    return a * a - c * c


def _product(a: Any, c: Any) -> Any:
    return (a + c) * (a - c)


_FORMS = (_squares, _product)


def _relative_error(
    form: Callable[..., Any], a: float, c: float, to_dtype: Callable[[float], float]
) -> float:
    """``observed_error / exact`` of :func:`accumulated_error` for ``form(a, c)``.

    The same rounded evaluation and the same exact value, without the reverse
    sweep and the local errors, which the comparison does not use.
    """
    tape, output = linnainmaa_record(form, a, c, rounding=to_dtype)
    exact = form(*[Fraction(row.value) for row in tape.rows[:2]])
    return float(Fraction(output.value) - exact) / float(exact)


def compare_difference_of_squares(
    ratios: Sequence[float],
    dtype: Any = np.float32,
    samples: int = 1000,
    seed: int | np.random.Generator | None = 0,
) -> SquaresComparison:
    """Measure the accuracy of the two forms of ``a**2 - c**2`` at given ``a / c``.

    For each ratio ``r``, ``c`` is drawn log-uniformly from ``[1, 2)`` and
    ``a = r c``; both forms are evaluated as :func:`accumulated_error` evaluates
    them (every operation rounded to ``dtype``, the exact value in fractions) and
    their observed relative errors averaged in square.

    Parameters
    ----------
    ratios
        Positive ratios ``a / c`` other than 1.
    dtype
        The floating-point format.
    samples
        The number of pairs ``(a, c)`` per ratio.
    seed
        ``None``, a non-negative integer or a numpy ``Generator``.

    Returns
    -------
    SquaresComparison
        Measured and modelled RMS relative errors, in units of ``u``.

    Notes
    -----
    To first order, with ``e1, e2, e3`` the relative errors of the three
    operations, ``a*a - c*c`` errs by ``a**2 e1 - c**2 e2 + (a**2 - c**2) e3``
    and ``(a+c)*(a-c)`` by ``(a**2 - c**2)(e1 + e2 + e3)``. If the ``e`` are
    independent with one variance, the second form is the more accurate when
    ``3 (a**2 - c**2)**2 < a**4 + c**4 + (a**2 - c**2)**2``, that is when
    ``r**4 - 4 r**2 + 1 < 0``, ``r = a/c`` between ``1/1.932`` and
    ``sqrt(2 + sqrt 3) = 1.932``.

    Binary arithmetic on exact inputs breaks the assumptions: ``a - c`` is exact
    for ``1/2 <= r <= 2``, and for ``r > 2`` the errors of ``a + c`` and ``a - c``
    are of opposite sign, since both drop the same low digits of ``c``. Measured
    in ``float32``, ``(a+c)*(a-c)`` is the more accurate form at ``r = 1.932``
    (by about 17 per cent) and beyond; the two forms come within about 1 per cent
    of each other only near ``r = 4`` to ``5``. Ratios such as 3, 4 or 5, for
    which ``a + c`` or ``a - c`` is a power-of-two multiple of ``c``, show
    effects of their own.
    """
    ratios = np.asarray(ratios, dtype=float)
    if np.any(ratios <= 0) or np.any(ratios == 1):
        raise ValueError("ratios must be positive and different from 1")
    u = unit_roundoff(dtype)
    to_dtype = _rounding_to(_float_type(dtype))
    sigma2 = relative_error_variance(2)
    rng = check_random_state(seed)
    measured, model = [], []
    for r in ratios:
        errors = []
        for c in 2.0 ** rng.random(samples):
            errors.append([_relative_error(g, r * c, c, to_dtype) for g in _FORMS])
        measured.append(np.sqrt(np.mean(np.square(errors), axis=0)) / u)
        variances = [
            first_order_variance(*linnainmaa_record(g, r, 1.0)) for g in _FORMS
        ]
        model.append(np.sqrt(sigma2 * np.array(variances)) / abs(r * r - 1))
    measured, model = np.array(measured), np.array(model)
    return SquaresComparison(ratios, *measured.T, *model.T)
