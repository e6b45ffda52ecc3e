import numpy as np
import pytest

from histbp.control import (
    MultistageProcess,
    bryson_gradient,
    dreyfus_gradient,
    linear_quadratic_process,
)
from histbp.testing import check_grads

RNG = np.random.default_rng(1962)
N, n, m = 10, 4, 2
H = 0.25
W = RNG.standard_normal((n, n))
V = RNG.standard_normal((n, m))
X0 = RNG.standard_normal(n)
U0 = RNG.standard_normal((N, m))


def step(k, x, u):
    return x + H * np.tanh(W @ x + V @ u) * (1.0 + 0.1 * k)


def jacobians(k, x, u):
    slope = (1.0 - np.tanh(W @ x + V @ u) ** 2) * (1.0 + 0.1 * k)
    return np.eye(n) + H * slope[:, None] * W, H * slope[:, None] * V


PROCESS = MultistageProcess(
    transition=step,
    jacobians=jacobians,
    final_cost=lambda x: float(np.exp(x[0]) + x @ x),
    final_gradient=lambda x: 2 * x + np.array([np.exp(x[0]), 0, 0, 0]),
    stage_cost=lambda k, x, u: float(np.cos(u).sum() + 0.1 * (x**2).sum()),
    stage_gradients=lambda k, x, u: (0.2 * x, -np.sin(u)),
)


def cost_to_go(k, x, controls):
    """The cost from stage k on, as a function of the state at stage k."""
    total = 0.0
    for j in range(k, N):
        total += PROCESS.stage_cost(j, x, controls[j])
        x = step(j, x, controls[j])
    return total + PROCESS.final_cost(x)


def test_dreyfus_equals_bryson():
    dreyfus = dreyfus_gradient(PROCESS, X0, U0)
    bryson = bryson_gradient(PROCESS, X0, U0)
    scale = np.max(np.abs(bryson.gradient))
    assert np.max(np.abs(dreyfus.gradient - bryson.gradient)) <= 1e-12 * scale
    scale = np.max(np.abs(bryson.multipliers))
    assert (
        np.max(np.abs(dreyfus.state_derivatives - bryson.multipliers)) <= 1e-12 * scale
    )
    assert dreyfus.cost == bryson.cost


def test_dreyfus_equals_bryson_on_lq_process():
    rng = np.random.default_rng(7)
    A, B = rng.standard_normal((3, 3)), rng.standard_normal((3, 1))
    process = linear_quadratic_process(A, B, np.eye(3), np.eye(1), np.eye(3))
    u = rng.standard_normal((20, 1))
    x0 = np.ones(3)
    d = dreyfus_gradient(process, x0, u).gradient
    b = bryson_gradient(process, x0, u).gradient
    assert np.max(np.abs(d - b)) <= 1e-12 * np.max(np.abs(b))


@pytest.mark.parametrize("k", [0, 3, 9, 10])
def test_multipliers_are_total_derivatives_of_the_cost_to_go(k):
    res = dreyfus_gradient(PROCESS, X0, U0)
    x_k = res.states[k]
    check_grads(
        lambda x: cost_to_go(k, x, U0),
        (x_k,),
        grad_fn=lambda _: res.state_derivatives[k],
        directions="coordinates",
        step=1e-5,
        rtol=1e-8,
        atol=1e-8,
    )


def test_dreyfus_errors():
    with pytest.raises(TypeError, match="process must be a MultistageProcess"):
        dreyfus_gradient(None, X0, U0)
    with pytest.raises(ValueError, match=r"final_gradient returned shape \(3,\)"):
        bad = MultistageProcess(step, jacobians, lambda x: 0.0, lambda x: x[:3])
        dreyfus_gradient(bad, X0, U0)
    with pytest.raises(
        ValueError, match="stage_gradients \\(dL/du\\) returned non-finite"
    ):
        bad = MultistageProcess(
            step,
            jacobians,
            lambda x: 0.0,
            lambda x: x,
            stage_cost=lambda k, x, u: 0.0,
            stage_gradients=lambda k, x, u: (x, u * np.nan),
        )
        dreyfus_gradient(bad, X0, U0)
