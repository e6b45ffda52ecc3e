import numpy as np
import pytest

from histbp.optimize import SystemResult, solve_system

# x^2 + y^2 = 4 and x y = 1: (x + y)^2 = 6 and (x - y)^2 = 2, so the root with
# x > y > 0 is x = (sqrt 6 + sqrt 2) / 2, y = (sqrt 6 - sqrt 2) / 2.
ROOT = np.array([np.sqrt(6) + np.sqrt(2), np.sqrt(6) - np.sqrt(2)]) / 2


def residuals(v):
    x, y = v
    return np.array([x**2 + y**2 - 4.0, x * y - 1.0])


def jacobian(v):
    x, y = v
    return np.array([[2 * x, 2 * y], [y, x]])


def test_closed_form_root():
    assert ROOT[0] == pytest.approx(1.9318516525781366, abs=1e-15)
    assert ROOT[1] == pytest.approx(0.5176380902050415, abs=1e-15)
    assert np.linalg.norm(residuals(ROOT)) < 1e-14


@pytest.mark.parametrize(
    ("x0", "root"),
    [
        ([2.0, 0.5], ROOT),
        ([1.0, 0.0], ROOT),
        # the first unit step overshoots into the third quadrant: another of the
        # four closed-form roots, (-y, -x)
        ([2.5, 1.5], -ROOT[::-1]),
    ],
)
def test_solves_circle_hyperbola_system(x0, root):
    res = solve_system(residuals, jacobian, x0)
    assert isinstance(res, SystemResult)
    assert res.converged is True
    assert res.residual_norm < 1e-8
    assert res.residual_norm == pytest.approx(np.linalg.norm(residuals(res.x)))
    assert res.residual_norm == pytest.approx(np.sqrt(res.values[-1]), rel=1e-6)
    np.testing.assert_allclose(res.x, root, rtol=0, atol=1e-8)
    assert res.values[0] == pytest.approx(
        residuals(np.array(x0)) @ residuals(np.array(x0))
    )
    assert np.all(np.diff(res.values) < 0)


def cubic_residuals(v):
    # x^3 - 3x + 3 has one real root (near x = -2.1) and a positive local minimum
    # 1 at x = 1, so u = f_1^2 + f_2^2 has a local minimum u = 1 at (1, 1).
    x, y = v
    return np.array([x**3 - 3 * x + 3, x - y])


def cubic_jacobian(v):
    x, _ = v
    return np.array([[3 * x**2 - 3, 0.0], [1.0, -1.0]])


def test_stops_at_a_local_minimum_of_the_squares_that_is_no_root():
    gtol = 1e-6
    res = solve_system(cubic_residuals, cubic_jacobian, [2.0, 2.0], gtol=gtol)
    assert res.converged is True
    J, f = cubic_jacobian(res.x), cubic_residuals(res.x)
    # stopped by the relative test: f is orthogonal to each column of J to gtol,
    # while the gradient is far above the absolute tolerance 1e-10
    cosines = np.abs(J.T @ f) / (np.linalg.norm(J, axis=0) * np.linalg.norm(f))
    assert np.all(cosines[np.linalg.norm(J, axis=0) > 0] <= gtol)
    assert np.linalg.norm(2 * J.T @ f) > 1e-10
    # Accuracy the stopping rule guarantees: at (1, 1) the Hessian of u is
    # 2 [[7, -1], [-1, 1]], eigenvalues mu = 2 (4 -+ sqrt 10), and g = H (x - x*)
    # to first order, so |x - x*| <= |g| / mu_min with |g| <= 2 gtol |J|_F |f|
    # (|J|_F = sqrt 2 and |f| = 1 at (1, 1); 10% covers their change nearby).
    mu_min, mu_max = 2 * (4 - np.sqrt(10)), 2 * (4 + np.sqrt(10))
    bound = 1.1 * 2 * gtol * np.sqrt(2) / mu_min
    assert np.linalg.norm(res.x - 1.0) <= bound
    # u - 1 <= mu_max |x - x*|^2 / 2, and |f| - 1 is about half of u - 1
    assert abs(res.residual_norm - 1.0) <= mu_max * bound**2
    assert res.residual_norm == pytest.approx(np.linalg.norm(f))


def test_stops_at_a_saddle_reached_along_a_line_of_symmetry():
    # u(x, y) is unchanged by (x, y) -> (-y, -x), so the line y = -x is invariant
    # for the descent. From (3, -0.5) the first accepted step, t = 1/16 along
    # -(65.5, -25.5), lands exactly on it (all the numbers are short binary
    # fractions); on the line u = (2 s^2 - 4)^2 + (s^2 + 1)^2 is least at
    # s^2 = 7/5, where u = 36/5. Off the line that point is a saddle of u: its
    # Hessian 2 [[4.6, -9.4], [-9.4, 4.6]] has eigenvalues 28 and -9.6.
    gtol = 1e-6
    res = solve_system(residuals, jacobian, [3.0, -0.5], gtol=gtol)
    assert res.path[1].tolist() == [-1.09375, 1.09375]
    assert res.converged is True
    # |g| <= 2 gtol |J|_F |f| at the stop, with |J|_F = sqrt(14) and
    # |f| = sqrt(36/5) at the saddle; along the line the curvature is 28.
    s = np.sqrt(7 / 5)
    g_bound = 1.1 * 2 * gtol * np.sqrt(14) * np.sqrt(36 / 5)
    np.testing.assert_allclose(res.x, [-s, s], rtol=0, atol=g_bound / 28)
    assert res.values[-1] == pytest.approx(36 / 5, abs=28 * (g_bound / 28) ** 2)
    assert res.residual_norm > 2.68


def test_relative_test_can_be_turned_off():
    # with gtol = 0 only the absolute tolerance stops the run; a root is still found
    res = solve_system(residuals, jacobian, [2.0, 0.5], gtol=0.0)
    assert res.converged is True
    assert np.linalg.norm(2 * jacobian(res.x).T @ residuals(res.x)) <= 1e-10


@pytest.mark.parametrize(
    ("gtol", "error", "match"),
    [
        (1.0, ValueError, r"gtol must lie in \[0.0, 1.0\), got 1.0"),
        (-1e-3, ValueError, "gtol must lie in"),
        ("small", TypeError, "gtol must be a real number, got str"),
    ],
)
def test_bad_gtol(gtol, error, match):
    with pytest.raises(error, match=match):
        solve_system(residuals, jacobian, [1.0, 1.0], gtol=gtol)


def test_linear_system_matches_solve():
    M = np.array([[3.0, 1.0], [1.0, 2.0], [0.0, 1.0]])
    c = M @ np.array([1.0, -2.0])
    res = solve_system(lambda x: M @ x - c, lambda x: M, [0.0, 0.0], max_steps=5000)
    np.testing.assert_allclose(res.x, [1.0, -2.0], atol=1e-10)
    assert res.residual_norm < 1e-10


def test_residuals_not_callable():
    with pytest.raises(TypeError, match="residuals must be callable, got list"):
        solve_system([1.0], jacobian, [1.0, 1.0])


def test_jacobian_not_callable():
    with pytest.raises(TypeError, match="jacobian must be callable, got NoneType"):
        solve_system(residuals, None, [1.0, 1.0])


def test_non_finite_x0():
    with pytest.raises(ValueError, match="x0 contains non-finite values"):
        solve_system(residuals, jacobian, [np.inf, 1.0])


def test_residuals_not_1d():
    with pytest.raises(
        ValueError, match=r"residuals must return a non-empty 1-D array, got shape \(\)"
    ):
        solve_system(lambda v: 0.0, jacobian, [1.0, 1.0])


def test_jacobian_wrong_shape():
    with pytest.raises(
        ValueError, match=r"jacobian returned shape \(2, 3\); expected \(2, 2\)"
    ):
        solve_system(residuals, lambda v: np.zeros((2, 3)), [1.0, 1.0])


def test_jacobian_non_finite_names_step():
    calls = []

    def jac(v):
        calls.append(1)
        return jacobian(v) if len(calls) < 3 else np.full((2, 2), np.nan)

    with pytest.raises(ValueError, match="non-finite values at step 2"):
        solve_system(residuals, jac, [2.0, 0.5])


def test_residuals_non_finite_at_start():
    with pytest.raises(ValueError, match="residuals at x0 contain non-finite values"):
        solve_system(lambda v: np.array([np.nan, 0.0]), jacobian, [1.0, 1.0])


def test_non_positive_max_steps():
    with pytest.raises(ValueError, match="max_steps must be a positive integer, got 0"):
        solve_system(residuals, jacobian, [1.0, 1.0], max_steps=0)
