import numpy as np
import pytest

from histbp.optimize import armijo_backtracking, steepest_descent


def rosenbrock(x):
    return (1 - x[0]) ** 2 + 100 * (x[1] - x[0] ** 2) ** 2


def rosenbrock_grad(x):
    return np.array(
        [-2 * (1 - x[0]) - 400 * x[0] * (x[1] - x[0] ** 2), 200 * (x[1] - x[0] ** 2)]
    )


def quadratic(x):
    return 0.5 * x[0] ** 2 + 5 * x[1] ** 2


def quadratic_grad(x):
    return np.array([x[0], 10 * x[1]])


def test_rosenbrock_from_classic_start():
    # Steepest descent crawls along the curved valley: about 14 000 steps.
    res = steepest_descent(
        rosenbrock, rosenbrock_grad, [-1.2, 1.0], max_steps=20_000, tol=1e-6
    )
    assert res.converged is True
    assert 5_000 < res.steps < 20_000
    assert np.linalg.norm(res.x - np.array([1.0, 1.0])) < 1e-4
    assert res.values[0] == pytest.approx(24.2)
    assert res.values[-1] < 1e-10
    assert np.all(np.diff(res.values) < 0)


def test_armijo_condition_holds_on_every_step():
    c1 = 1e-4
    res = steepest_descent(rosenbrock, rosenbrock_grad, [-1.2, 1.0], max_steps=200)
    for k in range(res.steps):
        x, x_next = res.path[k], res.path[k + 1]
        g = rosenbrock_grad(x)
        t = np.linalg.norm(x - x_next) / np.linalg.norm(g)
        assert res.values[k + 1] <= res.values[k] - c1 * t * (g @ g)
        # the step is a power of one half
        assert np.log2(t) == pytest.approx(round(np.log2(t)), abs=1e-8)


def test_agrees_with_closed_form_on_quadratic():
    res = steepest_descent(quadratic, quadratic_grad, [3.0, 1.0], tol=1e-12)
    assert res.converged is True
    np.testing.assert_allclose(res.x, [0.0, 0.0], atol=1e-12)
    assert res.values[-1] < 1e-24


def test_armijo_backtracking_step():
    x = np.array([1.0, 1.0])
    g = quadratic_grad(x)  # (1, 10)
    t, x_new, f_new = armijo_backtracking(quadratic, x, quadratic(x), g)
    # f(x) = 5.5; t = 1, 1/2, 1/4 overshoot (f = 405.5, 101.3, 11.5), t = 1/8 lands
    # at (7/8, -1/4) with f = 0.6953125 <= 5.5 - 1e-4 * 101 / 8
    assert t == 1 / 8
    np.testing.assert_allclose(x_new, [7 / 8, -1 / 4])
    assert f_new == pytest.approx(0.6953125, abs=1e-15)


def test_overflowing_trial_is_rejected_not_raised():
    # cosh-like f: from x = 7 the unit step lands near x = -1089 where exp overflows
    def f(x):
        return float(np.exp(x[0]) + np.exp(-x[0]))

    def grad(x):
        return np.array([np.exp(x[0]) - np.exp(-x[0])])

    res = steepest_descent(f, grad, [7.0], max_steps=200)
    assert res.converged is True
    assert abs(res.x[0]) < 1e-10
    assert res.values[-1] == pytest.approx(2.0, abs=1e-15)
    # the first accepted step is 1/128, the first with exp(-x) finite and decreasing
    assert (7.0 - res.path[1, 0]) / grad(np.array([7.0]))[0] == pytest.approx(1 / 128)


def test_stalled_line_search_stops_unconverged():
    # grad points uphill, so no step decreases f: backtracking shrinks t until
    # x - t g == x in floating point and the run stops where it started
    res = steepest_descent(lambda x: float(x @ x), lambda x: -2 * x, [1.0, 2.0])
    assert res.converged is False
    assert res.steps == 0
    assert res.path.shape == (1, 2)


def test_f_not_callable():
    with pytest.raises(TypeError, match="f must be callable, got int"):
        steepest_descent(3, quadratic_grad, [1.0, 1.0])


def test_grad_not_callable():
    with pytest.raises(TypeError, match="grad must be callable, got ndarray"):
        steepest_descent(quadratic, np.zeros(2), [1.0, 1.0])


def test_non_finite_x0():
    with pytest.raises(ValueError, match="x0 contains non-finite values"):
        steepest_descent(quadratic, quadratic_grad, [1.0, np.nan])


def test_x0_not_1d():
    with pytest.raises(
        ValueError, match=r"x0 must be a non-empty 1-D array, got shape \(2, 2\)"
    ):
        steepest_descent(quadratic, quadratic_grad, np.eye(2))


@pytest.mark.parametrize("max_steps", [0, -1])
def test_non_positive_max_steps(max_steps):
    with pytest.raises(ValueError, match="max_steps must be a positive integer"):
        steepest_descent(quadratic, quadratic_grad, [1.0, 1.0], max_steps=max_steps)


def test_grad_wrong_shape_at_start():
    with pytest.raises(
        ValueError, match=r"grad returned shape \(3,\) at step 0; expected \(2,\)"
    ):
        steepest_descent(quadratic, lambda x: np.zeros(3), [1.0, 1.0])


def test_grad_wrong_shape_during_run():
    calls = []

    def grad(x):
        calls.append(1)
        return quadratic_grad(x) if len(calls) < 4 else np.zeros((2, 1))

    with pytest.raises(ValueError, match=r"grad returned shape \(2, 1\) at step 3"):
        steepest_descent(quadratic, grad, [1.0, 1.0])


def test_grad_non_finite_during_run():
    calls = []

    def grad(x):
        calls.append(1)
        return quadratic_grad(x) if len(calls) < 3 else np.array([np.nan, 0.0])

    with pytest.raises(ValueError, match="grad returned non-finite values at step 2"):
        steepest_descent(quadratic, grad, [1.0, 1.0])


def test_f_not_finite_at_start():
    with pytest.raises(ValueError, match=r"f\(x0\) is not finite"):
        steepest_descent(lambda x: np.inf, quadratic_grad, [1.0, 1.0])


def test_f_not_scalar():
    with pytest.raises(ValueError, match=r"f must return a scalar, got shape \(2,\)"):
        steepest_descent(lambda x: x, quadratic_grad, [1.0, 1.0])


@pytest.mark.parametrize(
    ("option", "value"),
    [
        ("c1", 0.0),
        ("c1", 1.0),
        ("shrink", 1.0),
        ("shrink", -0.5),
        ("initial_step", 0.0),
    ],
)
def test_options_out_of_range(option, value):
    with pytest.raises(ValueError, match=f"{option} must lie in"):
        steepest_descent(quadratic, quadratic_grad, [1.0, 1.0], **{option: value})
