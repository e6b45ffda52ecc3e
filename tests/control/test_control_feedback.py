import numpy as np
import pytest

from histbp import autodiff
from histbp.control import (
    LaggedLinearSystem,
    adapt_feedback,
    feedback_cost,
    feedback_gradient,
    riccati_recursion,
)
from histbp.testing import check_grads

RNG = np.random.default_rng(1973)
n, m, N, LAG = 3, 2, 12, 3
A = np.eye(n) + 0.1 * RNG.standard_normal((n, n))
B = 0.5 * RNG.standard_normal((n, m))
A_LAG = 0.2 * RNG.standard_normal((n, n))
Q = np.diag([1.0, 0.5, 0.2])
R = np.diag([0.3, 0.7])
Q_FINAL = np.eye(n)
LAGGED = LaggedLinearSystem(A, B, Q, R, Q_FINAL, N, A_lag=A_LAG, lag=LAG)
GAINS = 0.1 * RNG.standard_normal((N, m, n))
X0 = RNG.standard_normal((4, n))


def numpy_cost(gains, x0=X0):
    """The closed-loop cost written directly, for autodiff and finite differences."""
    history = [x0]
    total = 0.0
    for k in range(N):
        x = history[-1]
        K = gains[k] if gains.ndim == 3 else gains
        u = -(x @ K.T)
        total = total + ((x @ Q) * x).sum() + ((u @ R) * u).sum()
        history.append(x @ A.T + u @ B.T + history[max(k - LAG, 0)] @ A_LAG.T)
    x = history[-1]
    return total + ((x @ Q_FINAL) * x).sum()


@pytest.mark.parametrize("shared", [False, True])
def test_gradient_matches_reverse_mode_and_finite_differences(shared):
    gains = GAINS[0] if shared else GAINS
    res = feedback_gradient(LAGGED, gains, X0)
    assert res.cost == pytest.approx(numpy_cost(gains), rel=1e-14)
    assert res.cost == feedback_cost(LAGGED, gains, X0)
    reverse = autodiff.grad(numpy_cost)(gains)
    scale = np.max(np.abs(reverse))
    assert np.max(np.abs(res.gradient - reverse)) <= 1e-12 * scale
    check_grads(
        lambda K: feedback_cost(LAGGED, K, X0),
        (gains,),
        grad_fn=lambda _: res.gradient,
        directions="coordinates",
        step=1e-4,
        order=4,
        rtol=0.0,
        atol=1e-9 * scale,
    )


def test_costate_at_the_start_counts_the_history():
    x0 = X0[0]
    res = feedback_gradient(LAGGED, GAINS, x0)
    reverse = autodiff.grad(lambda x: numpy_cost(GAINS, x[None, :]))(x0)
    np.testing.assert_allclose(res.costates[0, 0], reverse, rtol=1e-12)


def test_riccati_gains_are_stationary_and_optimal():
    plain = LaggedLinearSystem(A, B, Q, R, Q_FINAL, N)
    lqr = riccati_recursion(A, B, Q, R, Q_FINAL, N)
    res = feedback_gradient(plain, lqr.gains, np.eye(n))
    # sum of x0^T P_0 x0 over the unit vectors is the trace of P_0
    assert res.cost == pytest.approx(np.trace(lqr.cost_to_go[0]), rel=1e-13)
    assert np.max(np.abs(res.gradient)) < 1e-12 * res.cost


def test_adaptation_approaches_the_lqr_gains():
    dt = 0.2
    A2 = np.array([[1.0, dt], [0.0, 1.0]])
    B2 = np.array([[dt * dt / 2], [dt]])
    Q2, R2 = dt * np.eye(2), dt * np.eye(1)
    system = LaggedLinearSystem(A2, B2, Q2, R2, np.eye(2), 20)
    lqr = riccati_recursion(A2, B2, Q2, R2, np.eye(2), 20)
    best = np.trace(lqr.cost_to_go[0])
    run = adapt_feedback(
        system, np.zeros((20, 1, 2)), np.eye(2), learning_rate=0.1, steps=1500
    )
    assert np.all(np.diff(run.costs) <= 0)
    # measured: 45.76 at K = 0; gap to tr(P_0) = 3.6852 below 1e-3 at the end
    assert run.costs[0] == pytest.approx(45.76, abs=1e-9)
    assert 0 < run.costs[-1] - best < 1e-3
    assert np.max(np.abs(run.gains[:10] - lqr.gains[:10])) < 0.02


def test_shared_gain_on_a_lagged_plant_lowers_the_cost():
    run = adapt_feedback(LAGGED, np.zeros((m, n)), X0, learning_rate=2e-4, steps=300)
    assert np.all(np.diff(run.costs) < 0)
    assert run.costs[-1] < 0.5 * run.costs[0]
    assert run.gradient_norms[-1] < 0.1 * run.gradient_norms[0]


def test_errors():
    with pytest.raises(ValueError, match=r"gains has shape \(2, 2\); expected"):
        feedback_cost(LAGGED, np.zeros((2, 2)), X0)
    with pytest.raises(ValueError, match=r"initial_states has shape \(4, 2\)"):
        feedback_cost(LAGGED, GAINS, X0[:, :2])
    with pytest.raises(ValueError, match="gains contains non-finite values"):
        feedback_gradient(LAGGED, GAINS * np.nan, X0)
    with pytest.raises(TypeError, match="system must be a LaggedLinearSystem"):
        feedback_cost(A, GAINS, X0)
    with pytest.raises(ValueError, match=r"A_lag has shape \(2, 2\)"):
        LaggedLinearSystem(A, B, Q, R, Q_FINAL, N, A_lag=np.eye(2))
    with pytest.raises(ValueError, match="lag must be a positive integer"):
        LaggedLinearSystem(A, B, Q, R, Q_FINAL, N, A_lag=A_LAG, lag=0)
    with pytest.raises(ValueError, match="n_stages must be a positive integer"):
        LaggedLinearSystem(A, B, Q, R, Q_FINAL, 0)
    with pytest.raises(ValueError, match="R must be positive definite"):
        LaggedLinearSystem(A, B, Q, -R, Q_FINAL, N)
    with pytest.raises(ValueError, match="the cost diverged at step"):
        adapt_feedback(LAGGED, GAINS, X0, learning_rate=10.0, steps=50)
    with pytest.raises(ValueError, match=r"learning_rate must lie in \(0.0, inf\]"):
        adapt_feedback(LAGGED, GAINS, X0, learning_rate=0.0, steps=5)
