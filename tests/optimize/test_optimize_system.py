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


def test_can_stop_at_a_minimum_of_the_squares_that_is_no_root():
    # On the line y = -x, u = (2 s^2 - 4)^2 + (s^2 + 1)^2 has its minimum at
    # s^2 = 7/5, where u = 36/5: a stationary point of u with the system unsolved.
    res = solve_system(residuals, jacobian, [3.0, -0.5], max_steps=5000)
    assert res.converged is True
    s = np.sqrt(7 / 5)
    np.testing.assert_allclose(res.x, [-s, s], atol=1e-9)
    assert res.values[-1] == pytest.approx(36 / 5, abs=1e-12)
    assert res.residual_norm == pytest.approx(np.sqrt(36 / 5), abs=1e-12)


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
