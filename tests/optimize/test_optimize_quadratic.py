import dataclasses

import numpy as np
import pytest

from histbp.optimize import DescentResult, quadratic_value, steepest_descent_quadratic


def test_converges_to_linear_solve(make_spd):
    A = make_spd(6, 10.0, seed=1)
    b = np.linspace(-1.0, 2.0, 6)
    res = steepest_descent_quadratic(A, b, np.zeros(6), max_steps=500)
    assert res.converged is True
    assert 0 < res.steps < 500
    np.testing.assert_allclose(res.x, np.linalg.solve(A, b), rtol=0, atol=1e-11)
    assert np.linalg.norm(A @ res.x - b) <= 1e-12


def test_result_shapes_and_values():
    A = np.array([[4.0, 1.0], [1.0, 3.0]])
    b = np.array([1.0, 2.0])
    res = steepest_descent_quadratic(A, b, [2.0, 1.0])
    assert isinstance(res, DescentResult)
    assert res.path.shape == (res.steps + 1, 2)
    assert res.values.shape == (res.steps + 1,)
    np.testing.assert_array_equal(res.path[0], [2.0, 1.0])
    np.testing.assert_array_equal(res.path[-1], res.x)
    assert res.values[0] == pytest.approx(0.5 * 2 * (8 + 1) + 0.5 * (2 + 3) - 4.0)
    assert res.values[0] == pytest.approx(quadratic_value(A, b, np.array([2.0, 1.0])))
    assert np.all(np.diff(res.values) <= 1e-15)  # decreasing, up to rounding
    assert res.values[1] - res.values[0] == pytest.approx(-8.04984894, abs=1e-8)
    f_star = -0.5 * b @ np.linalg.solve(A, b)
    assert res.values[-1] == pytest.approx(f_star, abs=1e-14)
    with pytest.raises(dataclasses.FrozenInstanceError):
        res.steps = 0


def test_first_step_is_exact_line_minimum():
    A = np.diag([1.0, 10.0])
    b = np.zeros(2)
    x0 = np.array([1.0, 1.0])
    res = steepest_descent_quadratic(A, b, x0, max_steps=1)
    g = A @ x0
    t = (g @ g) / (g @ A @ g)  # 101 / 1001
    assert t == pytest.approx(101 / 1001)
    np.testing.assert_allclose(res.x, x0 - t * g, rtol=1e-15)
    assert res.steps == 1
    assert res.converged is False


def test_consecutive_gradients_are_orthogonal(make_spd):
    A = make_spd(4, 10.0, seed=7)
    b = np.array([1.0, -2.0, 0.5, 3.0])
    res = steepest_descent_quadratic(A, b, [2.0, 2.0, -1.0, 0.0], max_steps=60, tol=0)
    grads = res.path @ A - b
    dots = np.einsum("ij,ij->i", grads[:-1], grads[1:])
    assert np.linalg.norm(grads[0]) > 1.0
    assert np.max(np.abs(dots)) <= 1e-12
    # the zig-zag: every other direction nearly repeats in 2-D
    A2 = np.diag([1.0, 10.0])
    res2 = steepest_descent_quadratic(A2, np.zeros(2), [1.0, 1.0], max_steps=20)
    g2 = res2.path @ A2
    assert np.max(np.abs(np.einsum("ij,ij->i", g2[:-1], g2[1:]))) <= 1e-12
    cos = g2[0] @ g2[2] / (np.linalg.norm(g2[0]) * np.linalg.norm(g2[2]))
    assert cos == pytest.approx(1.0, abs=1e-12)


def test_already_at_minimum_takes_no_step():
    A = np.diag([2.0, 3.0])
    b = np.array([2.0, 3.0])
    res = steepest_descent_quadratic(A, b, [1.0, 1.0])
    assert res.steps == 0
    assert res.converged is True
    assert res.path.shape == (1, 2)


@pytest.mark.parametrize(
    ("A", "b", "x0", "message"),
    [
        (np.ones((2, 3)), [1.0, 1.0], [0.0, 0.0], r"square matrix, got shape \(2, 3\)"),
        (
            np.eye(2),
            [1.0, 1.0, 1.0],
            [0.0, 0.0],
            r"b has shape \(3,\) but A has shape \(2, 2\)",
        ),
        (
            np.eye(2),
            [1.0, 1.0],
            [0.0, 0.0, 0.0],
            r"x0 has shape \(3,\) but A has shape \(2, 2\)",
        ),
        (np.eye(2), [1.0, 1.0], [0.0, np.nan], "x0 contains non-finite values"),
        (np.eye(2), [1.0, 1.0], [np.inf, 0.0], "x0 contains non-finite values"),
        (np.eye(2), [1.0, np.inf], [0.0, 0.0], "b contains non-finite values"),
        (np.array([[1.0, 2.0], [0.0, 1.0]]), [1.0, 1.0], [0.0, 0.0], "not symmetric"),
        (np.diag([1.0, -2.0]), [1.0, 1.0], [0.0, 0.0], "not positive definite"),
        (np.zeros((2, 2)), [1.0, 1.0], [0.0, 0.0], "not positive definite"),
    ],
)
def test_bad_input(A, b, x0, message):
    with pytest.raises(ValueError, match=message):
        steepest_descent_quadratic(A, b, x0)


@pytest.mark.parametrize("max_steps", [0, -3])
def test_non_positive_max_steps(max_steps):
    with pytest.raises(
        ValueError, match=f"max_steps must be a positive integer, got {max_steps}"
    ):
        steepest_descent_quadratic(
            np.eye(2), [1.0, 1.0], [0.0, 0.0], max_steps=max_steps
        )


def test_non_integer_max_steps():
    with pytest.raises(TypeError, match="max_steps must be an integer"):
        steepest_descent_quadratic(np.eye(2), [1.0, 1.0], [0.0, 0.0], max_steps=2.5)


def test_negative_tol():
    with pytest.raises(ValueError, match="tol must lie in"):
        steepest_descent_quadratic(np.eye(2), [1.0, 1.0], [0.0, 0.0], tol=-1.0)
