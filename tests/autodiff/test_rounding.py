"""Linnainmaa's first-order expansion of the accumulated rounding error."""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
import pytest

from histbp.autodiff import (
    accumulated_error,
    compare_difference_of_squares,
    first_order_variance,
    horner,
    linnainmaa_record,
    relative_error_mean,
    relative_error_variance,
    relative_sensitivities,
    simulate_relative_error,
    unit_roundoff,
)

RNG = np.random.default_rng(1970)


def total(*xs):
    s = xs[0]
    for x in xs[1:]:
        s = s + x
    return s


def squares(a, c):
    return a * a - c * c


def product(a, c):
    return (a + c) * (a - c)


def rational(x, y, z):
    return (x * y - z) / (x + z) * (y - x / z)


POLY = [0.5, -1.25, 2.0, 0.75, -3.0, 1.0, 0.1]


def poly(x):
    return horner(POLY, x)


def _scale(a):
    """``sum_n |COEFF(n) q_n|``, the size of the first-order terms per unit ``e``."""
    return np.sum(np.abs(a.coefficients * [row.value for row in a.tape.rows]))


def test_one_division_in_float32():
    a = accumulated_error(lambda x, y: x / y, 1.0, 3.0)
    assert a.value == np.float32(1 / 3)
    assert a.value.dtype == np.float32
    assert a.exact == 1 / 3
    r = Fraction(float(np.float32(1 / 3))) - Fraction(1, 3)
    assert a.local_errors.tolist() == [0.0, 0.0, float(r)]
    assert a.coefficients.tolist() == [1 / 3, -1 / 9, 1.0]
    assert a.observed_error == a.estimated_error == float(r)


def test_inputs_and_constants_are_rounded_first_and_then_exact():
    a = accumulated_error(lambda x: x * 0.1, 0.1, dtype=np.float16)
    assert [row.value for row in a.tape.rows[:2]] == [float(np.float16(0.1))] * 2
    assert a.local_errors[:2].tolist() == [0.0, 0.0]
    assert a.exact == float(Fraction(float(np.float16(0.1))) ** 2)


@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64])
def test_linear_computations_are_exact_to_first_order(dtype):
    # Sums, differences of products of inputs and Horner's scheme use each
    # rounded value linearly, so the expansion has no second-order terms.
    for f, args in [
        (total, RNG.uniform(0.5, 1.5, 200)),
        (squares, RNG.uniform(1, 2, 2)),
        (poly, [0.8]),
    ]:
        a = accumulated_error(f, *args, dtype=dtype)
        assert a.observed_error != 0.0
        tol = 1e-13 * unit_roundoff(dtype) * _scale(a)
        assert abs(a.estimated_error - a.observed_error) <= tol


@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64])
def test_estimate_matches_observed_error_to_second_order(dtype):
    u = unit_roundoff(dtype)
    worst = 0.0
    for x, y, z in RNG.uniform(0.5, 2.0, (100, 3)):
        a = accumulated_error(rational, x, y, z, dtype=dtype)
        worst = max(worst, abs(a.estimated_error - a.observed_error) / _scale(a))
        assert a.estimated_error == pytest.approx(np.sum(a.contributions))
    assert worst <= 10 * u**2


def test_float32_error_of_a_long_sum_is_the_sum_of_local_errors():
    terms = RNG.uniform(0, 1, 1000)
    a = accumulated_error(total, *terms)
    assert a.observed_error == a.estimated_error == math.fsum(a.local_errors)
    assert np.all(a.coefficients[a.coefficients != 0] == 1.0)
    assert abs(a.observed_error) > 100 * unit_roundoff(np.float32)


def test_horner_sensitivity_to_x_is_x_times_derivative():
    x = 0.7
    tape, y = linnainmaa_record(poly, x)
    derivative = np.polyval(np.polyder(POLY), x)
    assert tape.reverse(y)[0] == pytest.approx(derivative, rel=1e-14)
    assert relative_sensitivities(tape, y)[0] == pytest.approx(x * derivative)
    assert y.value == pytest.approx(np.polyval(POLY, x), rel=1e-14)


def test_analysis_prints_its_table():
    a = accumulated_error(lambda x, y: x / y, 1.0, 3.0)
    text = str(a)
    assert "value computed in float32: np.float32(0.33333334)" in text
    header = text.splitlines()[4].split()
    assert header[-4:] == ["COEFF", "LOCAL", "ERROR", "CONTRIB"]
    assert text.splitlines()[-1].split()[:5] == ["2", "0.333333343", "DIV", "0", "1"]


@pytest.mark.parametrize("dtype", [np.int32, "float128", "complex64", "nonsense"])
def test_unsupported_dtype(dtype):
    with pytest.raises(ValueError, match=r"float16, float32 or float64, got"):
        accumulated_error(lambda x: x, 1.0, dtype=dtype)


def test_errors_of_accumulated_error():
    with pytest.raises(ValueError, match="an input must be finite, got nan"):
        accumulated_error(lambda x: x, math.nan)
    with pytest.raises(OverflowError, match=r"row 1 \(MUL\) overflowed to inf"):
        accumulated_error(lambda x: x * x, 300.0, dtype=np.float16)
    with pytest.raises(OverflowError, match=r"row 0 \(INPUT\) overflowed"):
        accumulated_error(lambda x: x, 1e5, dtype=np.float16)


# --- the statistics of the relative rounding error ---------------------------------


@pytest.mark.parametrize(
    ("base", "figure"),
    [(2, "0.1803"), (8, "1.262"), (10, "1.791"), (16, "3.832"), (64, "41.03")],
)
def test_closed_form_variance_to_four_digits(base, figure):
    # The thesis prints 41.02 for base 64; (64**2 - 1) / (24 ln 64) = 41.0266.
    assert f"{relative_error_variance(base):.4g}" == figure
    assert relative_error_mean(base) == 0.0


def test_closed_form_truncation_mean():
    assert f"{relative_error_mean(2, 'truncate'):.4f}" == "-0.7213"


@pytest.mark.parametrize(
    ("base", "digits"), [(2, 24), (8, 8), (10, 7), (16, 6), (64, 4)]
)
def test_simulated_rounding_variance(base, digits):
    mean, variance = simulate_relative_error(base, digits, n=1_000_000, seed=base)
    assert variance == pytest.approx(relative_error_variance(base), rel=0.01)
    assert abs(mean) < 4 * math.sqrt(variance / 1_000_000)


def test_simulated_truncation():
    mean, variance = simulate_relative_error(2, 24, "truncate", n=1_000_000, seed=7)
    assert mean == pytest.approx(-0.7213, abs=0.003)
    assert variance == pytest.approx(relative_error_variance(2, "truncate"), rel=0.01)


def test_statistics_errors():
    with pytest.raises(ValueError, match="mode must be 'round' or 'truncate'"):
        relative_error_mean(2, "chop")
    with pytest.raises(ValueError, match="base must be an integer of at least 2"):
        relative_error_variance(1)
    with pytest.raises(ValueError, match=r"base\*\*digits <= 2\*\*40"):
        simulate_relative_error(10, 13)


# --- the difference of squares ---------------------------------------------------


def _model_gap(r):
    """First-order variance of ``a*a - c*c`` minus that of ``(a+c)*(a-c)``."""
    return first_order_variance(
        *linnainmaa_record(squares, r, 1.0)
    ) - first_order_variance(*linnainmaa_record(product, r, 1.0))


def test_model_variances_from_the_tape():
    r = 3.0
    assert (
        first_order_variance(*linnainmaa_record(squares, r, 1.0))
        == r**4 + 1 + (r * r - 1) ** 2
    )
    assert (
        first_order_variance(*linnainmaa_record(product, r, 1.0))
        == 3 * (r * r - 1) ** 2
    )


def test_model_crossover_is_sqrt_of_two_plus_sqrt_three():
    lo, hi = 1.5, 2.5
    assert _model_gap(lo) > 0 > _model_gap(hi)
    for _ in range(50):
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if _model_gap(mid) > 0 else (lo, mid)
    assert lo == pytest.approx(math.sqrt(2 + math.sqrt(3)), abs=1e-12)
    assert f"{lo:.4f}" == "1.9319"


def test_float32_experiment():
    # r = 1.5: both model and experiment favour (a+c)(a-c).
    # r = 1.96: the model favours a*a - c*c, but in binary arithmetic a - c is
    # exact for a/c <= 2, so (a+c)(a-c) commits only two errors and stays better.
    # r = 16: the model favours a*a - c*c again; the rounding errors of a + c and
    # a - c are opposite (they drop the same low bits of c), so they cancel.
    ratios = [1.5, 1.96, 16.0]
    s = compare_difference_of_squares(ratios, samples=600, seed=1)
    assert np.all(s.product < 0.9 * s.squares)
    assert list(s.squares_model > s.product_model) == [True, False, False]
    # Where the model's assumptions hold, for a*a - c*c at large ratios, it agrees.
    assert s.squares[2] == pytest.approx(s.squares_model[2], rel=0.05)
    assert s.product_model == pytest.approx(math.sqrt(3 * relative_error_variance(2)))


def test_ratio_one_is_refused():
    with pytest.raises(ValueError, match="positive and different from 1"):
        compare_difference_of_squares([1.0])
