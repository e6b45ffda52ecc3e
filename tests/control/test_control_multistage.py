import numpy as np
import pytest

from histbp import autodiff
from histbp.control import (
    MultistageProcess,
    bryson_gradient,
    bryson_steepest_descent,
    linear_quadratic_process,
    process_cost,
    riccati_recursion,
    simulate_process,
)
from histbp.testing import check_grads

RNG = np.random.default_rng(1961)
N, n, m = 12, 3, 2
H = 0.3
W = RNG.standard_normal((n, n))
V = RNG.standard_normal((n, m))
BIAS = 0.3 * RNG.standard_normal((N, n))
TARGET = np.array([1.0, -0.5, 0.25])
X0 = np.array([0.2, 0.1, -0.3])
U0 = 0.5 * RNG.standard_normal((N, m))
R_WEIGHT, Q_WEIGHT = 0.1, 0.05


def step(k, x, u):
    return x + H * np.tanh(W @ x + V @ u + BIAS[k])


def jacobians(k, x, u):
    slope = 1.0 - np.tanh(W @ x + V @ u + BIAS[k]) ** 2
    return np.eye(n) + H * slope[:, None] * W, H * slope[:, None] * V


def total_cost(U):
    """The same cost in plain numpy, for autodiff and finite differences."""
    x, total = X0, 0.0
    for k in range(N):
        total = (
            total + 0.5 * R_WEIGHT * (U[k] * U[k]).sum() + Q_WEIGHT * np.sin(x).sum()
        )
        x = step(k, x, U[k])
    return total + 0.5 * ((x - TARGET) ** 2).sum()


PROCESS = MultistageProcess(
    transition=step,
    jacobians=jacobians,
    final_cost=lambda x: 0.5 * float(((x - TARGET) ** 2).sum()),
    final_gradient=lambda x: x - TARGET,
    stage_cost=lambda k, x, u: (
        0.5 * R_WEIGHT * float(u @ u) + Q_WEIGHT * float(np.sin(x).sum())
    ),
    stage_gradients=lambda k, x, u: (Q_WEIGHT * np.cos(x), R_WEIGHT * u),
)


def test_cost_matches_plain_numpy():
    assert process_cost(PROCESS, X0, U0) == pytest.approx(total_cost(U0), abs=1e-14)
    assert bryson_gradient(PROCESS, X0, U0).cost == pytest.approx(
        total_cost(U0), abs=1e-14
    )


def test_bryson_gradient_equals_reverse_mode():
    bryson = bryson_gradient(PROCESS, X0, U0).gradient
    reverse = autodiff.grad(total_cost)(U0)
    assert np.max(np.abs(bryson - reverse)) <= 1e-12 * np.max(np.abs(reverse))


def test_bryson_gradient_equals_finite_differences():
    bryson = bryson_gradient(PROCESS, X0, U0).gradient
    check_grads(  # fourth-order differences, error about step^4 + 1e-16 / step
        total_cost,
        (U0,),
        grad_fn=lambda _: bryson,
        directions="coordinates",
        step=1e-3,
        order=4,
        rtol=0.0,
        atol=1e-10 * np.max(np.abs(bryson)),
    )


def test_multipliers_are_state_sensitivities_of_the_final_stage():
    res = bryson_gradient(PROCESS, X0, U0)
    np.testing.assert_allclose(res.multipliers[-1], res.states[-1] - TARGET)
    np.testing.assert_array_equal(res.states, simulate_process(PROCESS, X0, U0))


def test_steepest_descent_lowers_the_cost():
    start = np.linalg.norm(bryson_gradient(PROCESS, X0, U0).gradient)
    res = bryson_steepest_descent(PROCESS, X0, U0, max_steps=200)
    assert res.steps == 200
    assert np.all(np.diff(res.costs) < 0)
    assert res.costs[-1] < 0.5 * res.costs[0]
    assert res.gradient_norm < 0.05 * start
    reverse = autodiff.grad(total_cost)(res.controls)
    assert np.linalg.norm(reverse) == pytest.approx(res.gradient_norm, rel=1e-10)


def test_steepest_descent_reaches_the_lqr_optimum():
    A = np.array([[1.0, 0.1], [0.0, 1.0]])
    B = np.array([[0.005], [0.1]])
    Q, R, Q_final = 0.1 * np.eye(2), 0.1 * np.eye(1), np.eye(2)
    x0 = np.array([1.0, 0.0])
    process = linear_quadratic_process(A, B, Q, R, Q_final)
    res = bryson_steepest_descent(
        process, x0, np.zeros((15, 1)), max_steps=5000, tol=1e-7
    )
    optimum = riccati_recursion(A, B, Q, R, Q_final, 15)
    assert res.converged
    assert res.costs[-1] == pytest.approx(optimum.cost(x0), rel=1e-12)
    # the open-loop decisions are those of the optimal feedback along the path
    x = x0
    for k in range(15):
        u = -optimum.gains[k] @ x
        assert res.controls[k] == pytest.approx(u, abs=1e-5)
        x = A @ x + B @ u


def test_process_errors():
    with pytest.raises(TypeError, match="transition must be callable"):
        MultistageProcess(1, jacobians, lambda x: 0.0, lambda x: x)
    with pytest.raises(ValueError, match="must be given together"):
        MultistageProcess(step, jacobians, lambda x: 0.0, lambda x: x, stage_cost=len)
    with pytest.raises(TypeError, match="process must be a MultistageProcess"):
        bryson_gradient(step, X0, U0)
    with pytest.raises(ValueError, match="controls must be a non-empty 2-D array"):
        bryson_gradient(PROCESS, X0, U0[:, 0])
    with pytest.raises(ValueError, match="x0 contains non-finite values"):
        bryson_gradient(PROCESS, [np.nan, 0, 0], U0)
    short = MultistageProcess(
        lambda k, x, u: x[:2] if k == 3 else x, jacobians, lambda x: 0.0, len
    )
    with pytest.raises(
        ValueError, match=r"transition returned shape \(2,\) at stage 3"
    ):
        bryson_gradient(short, X0, U0)
    wrong = MultistageProcess(
        step, lambda k, x, u: (np.eye(n), np.eye(n)), lambda x: 0.0, lambda x: x
    )
    with pytest.raises(
        ValueError, match=r"jacobians \(df/du\) returned shape \(3, 3\) at stage"
    ):
        bryson_gradient(wrong, X0, U0)
    single = MultistageProcess(
        step, lambda k, x, u: np.eye(n), lambda x: 0.0, lambda x: x
    )
    with pytest.raises(ValueError, match="jacobians must return a pair"):
        bryson_gradient(single, X0, U0)
    with pytest.raises(ValueError, match="max_steps must be a positive integer"):
        bryson_steepest_descent(PROCESS, X0, U0, max_steps=0)
