import numpy as np
import pytest

from histbp.optimize import (
    contraction_factors,
    kantorovich_rate,
    optimality_gaps,
    steepest_descent_quadratic,
    worst_case_start,
)

RATE_10 = (9 / 11) ** 2  # 0.66942148760...


def gaps(A, b, path):
    """f(x) - f* computed independently of the package, as 1/2 e^T A e."""
    e = path - np.linalg.solve(A, b)
    return np.array([0.5 * v @ A @ v for v in e])


def test_rate_values():
    assert kantorovich_rate(10) == pytest.approx(0.6694214876033058, abs=1e-15)
    assert kantorovich_rate(10.0) == pytest.approx(RATE_10, abs=1e-15)
    assert kantorovich_rate(1) == 0.0
    assert kantorovich_rate(3.0) == pytest.approx(0.25, abs=1e-15)
    assert kantorovich_rate(np.float64(100.0)) == pytest.approx((99 / 101) ** 2)


def test_worst_case_start_direction_for_diag_1_10():
    A = np.diag([1.0, 10.0])
    b = np.array([1.0, 2.0])
    x0 = worst_case_start(A, b, radius=2.5)
    offset = x0 - np.linalg.solve(A, b)
    # offset proportional to (1/lam_min, 1/lam_max) = (1, 0.1), i.e. to (10, 1)
    assert offset[0] / offset[1] == pytest.approx(10.0, rel=1e-12)
    assert np.linalg.norm(offset) == pytest.approx(2.5, rel=1e-12)
    # its gradient A (x0 - x*) has equal components along the two eigenvectors
    g = A @ offset
    assert abs(g[0]) == pytest.approx(abs(g[1]), rel=1e-12)


def test_worst_case_contraction_equals_bound_at_every_step():
    A = np.diag([1.0, 10.0])
    b = np.array([1.0, 2.0])
    res = steepest_descent_quadratic(A, b, worst_case_start(A, b), max_steps=40, tol=0)
    assert res.steps == 40
    g = gaps(A, b, res.path)
    ratios = g[1:] / g[:-1]
    assert ratios.shape == (40,)
    np.testing.assert_allclose(ratios, 0.669421487603306, rtol=0, atol=1e-10)
    np.testing.assert_allclose(ratios, RATE_10, rtol=0, atol=1e-10)
    # the package's own measurement agrees
    np.testing.assert_allclose(
        contraction_factors(A, b, res.path), RATE_10, rtol=0, atol=1e-10
    )


@pytest.mark.parametrize("n", [3, 6])
def test_worst_case_start_attains_bound_in_higher_dimension(make_spd, n):
    A = make_spd(n, 10.0, seed=n)
    b = np.arange(1.0, n + 1.0)
    res = steepest_descent_quadratic(A, b, worst_case_start(A, b), max_steps=30, tol=0)
    ratios = contraction_factors(A, b, res.path)
    np.testing.assert_allclose(ratios, RATE_10, rtol=0, atol=1e-9)


def test_other_start_contracts_faster_than_bound():
    A = np.diag([1.0, 10.0])
    b = np.array([1.0, 1.0])
    res = steepest_descent_quadratic(A, b, [0.0, 1.0], max_steps=10, tol=0)
    ratios = contraction_factors(A, b, res.path)
    # in two dimensions the ratio is the same at every step; here it is 0.0889...
    np.testing.assert_allclose(ratios, ratios[0], rtol=1e-8)
    assert ratios[0] == pytest.approx(0.08890123, abs=1e-8)
    assert ratios[0] < RATE_10


@pytest.mark.parametrize("seed", range(8))
def test_random_start_never_exceeds_bound(make_spd, seed):
    n = 5
    A = make_spd(n, 10.0, seed=100 + seed)
    assert np.linalg.cond(A) == pytest.approx(10.0, rel=1e-10)
    rng = np.random.default_rng(seed)
    b = rng.standard_normal(n)
    x0 = rng.standard_normal(n) * 3
    res = steepest_descent_quadratic(A, b, x0, max_steps=40, tol=0)
    g = gaps(A, b, res.path)
    usable = g[:-1] > 1e-14 * g[0]  # keep rounding noise out of the ratios
    ratios = g[1:][usable] / g[:-1][usable]
    assert ratios.size >= 10
    assert ratios.max() <= RATE_10 + 1e-12
    assert ratios.min() > 0.0


def test_optimality_gaps_match_value_differences():
    A = np.array([[3.0, 1.0], [1.0, 2.0]])
    b = np.array([1.0, -1.0])
    path = np.array([[0.0, 0.0], [1.0, 1.0], [-2.0, 0.5]])
    x_star = np.linalg.solve(A, b)
    f = lambda x: 0.5 * x @ A @ x - b @ x  # noqa: E731
    expected = [f(x) - f(x_star) for x in path]
    np.testing.assert_allclose(optimality_gaps(A, b, path), expected, rtol=1e-12)


def test_condition_number_below_one_raises():
    with pytest.raises(
        ValueError, match=r"condition_number must lie in \[1\.0, inf\], got 0\.5"
    ):
        kantorovich_rate(0.5)


def test_condition_number_not_finite_raises():
    with pytest.raises(ValueError, match=r"condition_number must lie in .* got inf"):
        kantorovich_rate(float("inf"))


def test_condition_number_not_real_raises():
    with pytest.raises(TypeError, match="condition_number must be a real number"):
        kantorovich_rate("10")


def test_worst_case_start_rejects_non_spd():
    with pytest.raises(ValueError, match="not positive definite"):
        worst_case_start(np.diag([1.0, -1.0]), [0.0, 0.0])


def test_worst_case_start_rejects_bad_radius():
    with pytest.raises(ValueError, match="radius must lie in"):
        worst_case_start(np.eye(2), [0.0, 0.0], radius=0.0)
