import math

import numpy as np
import pytest

from histbp.optimize import (
    ApproximationResult,
    kiefer_wolfowitz,
    robbins_monro,
    step_sizes,
)

CHECKPOINTS = np.array([100, 300, 1000, 3000, 10000])


def normal_cdf(x):
    return 0.5 * (1.0 + math.erf(x / math.sqrt(2.0)))


def normal_quantile(p):
    """Phi^-1(p) by bisection on math.erf, independently of the package."""
    lo, hi = -10.0, 10.0
    for _ in range(200):
        mid = 0.5 * (lo + hi)
        if normal_cdf(mid) < p:
            lo = mid
        else:
            hi = mid
    return 0.5 * (lo + hi)


THETA = normal_quantile(0.9)


def below(x, rng):
    """y = 1[Z <= x], Z ~ N(0, 1): a noisy observation of Phi(x)."""
    return (rng.standard_normal(np.shape(x)) <= x).astype(float)


def noisy_parabola(x, rng):
    """M(x) = -(x - 1.5)^2 observed with N(0, 1) noise; maximum at 1.5."""
    return -((x - 1.5) ** 2) + rng.standard_normal(np.shape(x))


def rms_error(path, target):
    return np.sqrt(np.mean((path[CHECKPOINTS] - target) ** 2, axis=1))


def test_the_quantile_is_known():
    assert THETA == pytest.approx(1.2815515655446004, abs=1e-13)
    assert normal_cdf(THETA) == pytest.approx(0.9, abs=1e-15)


@pytest.fixture(scope="module")
def quantile_runs():
    return robbins_monro(
        below, np.zeros(400), 0.9, steps=10_000, gain=6.0, offset=10.0, rng=1951
    )


def test_robbins_monro_finds_the_90_percent_quantile(quantile_runs):
    x = quantile_runs.x
    assert x.shape == (400,)
    assert abs(x.mean() - THETA) < 0.005
    assert np.sqrt(np.mean((x - THETA) ** 2)) < 0.025


def test_robbins_monro_error_shrinks_like_n_to_the_minus_half(quantile_runs):
    rmse = rms_error(quantile_runs.path, THETA)
    slope = np.polyfit(np.log(CHECKPOINTS), np.log(rmse), 1)[0]
    assert -0.6 < slope < -0.4
    # sqrt(n) * rmse tends to sqrt(c^2 a(1-a) / (2 c Phi'(theta) - 1)) = 1.71
    # for a_n ~ c / n with c = 6 (the classical asymptotic variance)
    density = math.exp(-(THETA**2) / 2) / math.sqrt(2 * math.pi)
    predicted = math.sqrt(36 * 0.09 / (12 * density - 1))
    assert predicted == pytest.approx(1.7116, abs=1e-4)
    np.testing.assert_allclose(rmse * np.sqrt(CHECKPOINTS), predicted, rtol=0.15)


@pytest.mark.parametrize("seed", range(4))
def test_single_runs_converge(seed):
    res = robbins_monro(below, 0.0, 0.9, steps=20_000, gain=6.0, offset=10.0, rng=seed)
    assert isinstance(res.x, float)
    assert res.path.shape == (20_001,)
    assert abs(res.x - THETA) < 0.05


def test_robbins_monro_is_reproducible_and_records_gains():
    a = robbins_monro(below, 0.0, 0.9, steps=50, gain=2.0, exponent=0.75, rng=7)
    b = robbins_monro(below, 0.0, 0.9, steps=50, gain=2.0, exponent=0.75, rng=7)
    np.testing.assert_array_equal(a.path, b.path)
    np.testing.assert_allclose(a.gains, 2.0 / np.arange(1, 51) ** 0.75)
    assert a.widths is None
    assert isinstance(a, ApproximationResult)


@pytest.mark.parametrize("method", ["rm", "kw"])
def test_seed_and_generator_give_one_stream(method):
    # An integer seed is the stream of numpy.random.default_rng(seed); a Generator
    # is used as it is, so a caller can thread one stream through several runs.
    def run(rng):
        if method == "rm":
            return robbins_monro(below, np.zeros(3), 0.9, steps=20, rng=rng)
        return kiefer_wolfowitz(noisy_parabola, np.zeros(3), steps=20, rng=rng)

    by_seed = run(11)
    np.testing.assert_array_equal(by_seed.path, run(np.random.default_rng(11)).path)
    with pytest.raises(TypeError, match="rng must be None, a non-negative integer"):
        run(1.5)
    with pytest.raises(ValueError, match="rng must be a non-negative integer"):
        run(-1)


def test_robbins_monro_update_rule():
    # deterministic M(x) = 2 x: x_{n+1} = x_n + a_n (alpha - 2 x_n)
    res = robbins_monro(lambda x, rng: 2 * x, 1.0, 3.0, steps=3, gain=0.25)
    expected = [1.0]
    for n in (1, 2, 3):
        expected.append(expected[-1] + 0.25 / n * (3.0 - 2 * expected[-1]))
    np.testing.assert_allclose(res.path, expected, rtol=1e-15)


def test_step_sizes():
    np.testing.assert_allclose(step_sizes(4, 6.0, 1.0, 2.0), [2.0, 1.5, 1.2, 1.0])
    with pytest.raises(ValueError, match="offset must lie in"):
        step_sizes(3, 1.0, 1.0, -1.0)


@pytest.fixture(scope="module")
def maximum_runs():
    return kiefer_wolfowitz(
        noisy_parabola, np.zeros(400), steps=10_000, gain=0.5, rng=1952
    )


def test_kiefer_wolfowitz_finds_the_maximiser(maximum_runs):
    x = maximum_runs.x
    assert abs(x.mean() - 1.5) < 0.005
    assert np.sqrt(np.mean((x - 1.5) ** 2)) < 0.025


def test_kiefer_wolfowitz_error_shrinks_like_n_to_the_minus_third(maximum_runs):
    rmse = rms_error(maximum_runs.path, 1.5)
    slope = np.polyfit(np.log(CHECKPOINTS), np.log(rmse), 1)[0]
    assert -0.42 < slope < -0.25
    # linearised: n^(2/3) E e_n^2 -> 2 a^2 sigma^2 / (c^2 (8 a - 2/3)) = 0.15
    np.testing.assert_allclose(
        rmse * CHECKPOINTS ** (1 / 3), math.sqrt(0.15), rtol=0.15
    )


def test_kiefer_wolfowitz_is_slower_than_robbins_monro(quantile_runs, maximum_runs):
    rm = np.polyfit(
        np.log(CHECKPOINTS), np.log(rms_error(quantile_runs.path, THETA)), 1
    )
    kw = np.polyfit(np.log(CHECKPOINTS), np.log(rms_error(maximum_runs.path, 1.5)), 1)
    assert kw[0] > rm[0] + 0.1


def test_kiefer_wolfowitz_sequences_meet_the_conditions(maximum_runs):
    a, c = maximum_runs.gains, maximum_runs.widths
    n = np.arange(1, 10_001)
    np.testing.assert_allclose(a, 0.5 / n)
    np.testing.assert_allclose(c, n ** (-1 / 6))
    # a_n c_n = 0.5 n^-7/6 and a_n^2 / c_n^2 = 0.25 n^-5/3: both sums converge
    np.testing.assert_allclose(a * c * n ** (7 / 6), 0.5, rtol=1e-12)
    np.testing.assert_allclose(a**2 / c**2 * n ** (5 / 3), 0.25, rtol=1e-12)


def test_kiefer_wolfowitz_update_rule():
    calls = []

    def observe(z, rng):
        calls.append(float(z))
        return -(z**2)

    res = kiefer_wolfowitz(observe, 1.0, steps=1, gain=0.1, width=0.5)
    # y(1.5) = -2.25, y(0.5) = -0.25: x = 1 + 0.1 * (-2) / 0.5 = 0.6
    assert calls == [1.5, 0.5]
    assert res.x == pytest.approx(0.6, abs=1e-15)


@pytest.mark.parametrize(
    ("p", "q", "message"),
    [
        (1.2, 0.1, r"gain_exponent must be at most 1 so that sum a_n = inf"),
        (1.0, 0.0, r"width_exponent must be positive so that c_n -> 0"),
        (0.8, 0.2, r"sum a_n c_n < inf"),
        (0.9, 0.45, r"sum a_n\^2 / c_n\^2 < inf"),
    ],
)
def test_kiefer_wolfowitz_refuses_exponents_that_break_the_conditions(p, q, message):
    with pytest.raises(ValueError, match=message):
        kiefer_wolfowitz(
            noisy_parabola, 0.0, steps=5, gain_exponent=p, width_exponent=q
        )


@pytest.mark.parametrize("exponent", [0.5, 1.1, 0.2])
def test_robbins_monro_refuses_exponents_outside_the_conditions(exponent):
    with pytest.raises(ValueError, match=r"exponent must lie in \(0.5, 1\]"):
        robbins_monro(below, 0.0, 0.9, steps=5, exponent=exponent)


@pytest.mark.parametrize("method", ["rm", "kw"])
def test_input_errors(method):
    def run(observe=below, x0=0.0, **kw):
        if method == "rm":
            return robbins_monro(observe, x0, 0.5, steps=kw.pop("steps", 3), **kw)
        return kiefer_wolfowitz(observe, x0, steps=kw.pop("steps", 3), **kw)

    with pytest.raises(TypeError, match="observe must be callable"):
        run(observe=1.0)
    with pytest.raises(ValueError, match=r"x0 must be a real number or a non-empty"):
        run(x0=np.zeros((2, 2)))
    with pytest.raises(ValueError, match="x0 contains non-finite values"):
        run(x0=[0.0, np.nan])
    with pytest.raises(TypeError, match="x0 must be a real number"):
        run(x0="zero")
    with pytest.raises(ValueError, match="steps must be a positive integer"):
        run(steps=0)
    with pytest.raises(ValueError, match="gain must lie in"):
        run(gain=-1.0)
    with pytest.raises(ValueError, match=r"observe returned shape \(2,\) at step 1"):
        run(observe=lambda x, rng: np.zeros(2))
    with pytest.raises(
        ValueError, match="observe returned non-finite values at step 1"
    ):
        run(observe=lambda x, rng: x * np.nan)


def test_alpha_must_be_finite():
    with pytest.raises(ValueError, match="alpha must lie in"):
        robbins_monro(below, 0.0, float("nan"), steps=3)
