import doctest
import importlib

import numpy as np
import pytest

from histbp.autodiff import grad
from histbp.control import (
    AdjointResult,
    Trajectory,
    rk4_adjoint,
    rk4_forward,
    step_jacobians,
)
from histbp.testing import check_grads

# A damped, driven pendulum with two controls and explicit time dependence:
#   x0' = x1,  x1' = -sin(x0) - c x1 + u0 cos(t) + u1 x0^2.
C = 0.3


def pendulum(x, u, t):
    return np.array(
        [x[1], -np.sin(x[0]) - C * x[1] + u[0] * np.cos(t) + u[1] * x[0] ** 2]
    )


def pendulum_jac(x, u, t):
    s = t.size
    a = np.zeros((s, 2, 2))
    a[:, 0, 1] = 1.0
    a[:, 1, 0] = -np.cos(x[:, 0]) + 2.0 * u[:, 1] * x[:, 0]
    a[:, 1, 1] = -C
    b = np.zeros((s, 2, 2))
    b[:, 1, 0] = np.cos(t)
    b[:, 1, 1] = x[:, 0] ** 2
    return a, b


X0 = np.array([0.4, -0.2])
T0, TF = 0.5, 3.0
W = np.array([1.3, -0.7])  # phi(x_N) = W . x_N + x_N[0]^2 / 2


def phi(xn):
    return W @ xn + 0.5 * xn[0] ** 2


def dphi(xn):
    return W + np.array([xn[0], 0.0])


def controls(n, seed=0):
    rng = np.random.default_rng(seed)
    return rng.normal(scale=0.5, size=(n, 2))


def terminal_value(u):
    return phi(rk4_forward(pendulum, X0, u, t0=T0, tf=TF).final_state)


def rk4_traced(u_flat, n):
    """The same integration with the state as scalars, for histbp's reverse mode."""
    h = (TF - T0) / n

    def rhs(x0, x1, k, t):
        u0, u1 = u_flat[2 * k], u_flat[2 * k + 1]
        return x1, -np.sin(x0) - C * x1 + u0 * np.cos(t) + u1 * x0**2

    x0, x1 = X0
    for k in range(n):
        t = T0 + k * h
        a0, a1 = rhs(x0, x1, k, t)
        b0, b1 = rhs(x0 + h / 2 * a0, x1 + h / 2 * a1, k, t + h / 2)
        c0, c1 = rhs(x0 + h / 2 * b0, x1 + h / 2 * b1, k, t + h / 2)
        d0, d1 = rhs(x0 + h * c0, x1 + h * c1, k, t + h)
        x0 = x0 + h / 6 * (a0 + 2 * b0 + 2 * c0 + d0)
        x1 = x1 + h / 6 * (a1 + 2 * b1 + 2 * c1 + d1)
    return W[0] * x0 + W[1] * x1 + 0.5 * x0**2


def test_rk4_is_fourth_order_on_a_linear_system():
    # x' = A x with A a rotation generator plus damping: exact solution by eigen.
    a = np.array([[-0.1, 1.0], [-1.0, -0.1]])
    f = lambda x, u, t: a @ x  # noqa: E731
    vals, vecs = np.linalg.eig(a)
    exact = (vecs @ np.diag(np.exp(vals * 2.0)) @ np.linalg.inv(vecs)).real @ [1, 0]
    errors = [
        np.abs(
            rk4_forward(f, [1.0, 0.0], np.zeros(n), tf=2.0).final_state - exact
        ).max()
        for n in (10, 20, 40)
    ]
    orders = np.log2(np.array(errors[:-1]) / np.array(errors[1:]))
    np.testing.assert_allclose(orders, 4.0, atol=0.15)


def test_trajectory_records_grid_and_stages():
    u = controls(8)
    traj = rk4_forward(pendulum, X0, u, t0=T0, tf=TF)
    assert isinstance(traj, Trajectory)
    assert traj.states.shape == (9, 2) and traj.stages.shape == (8, 4, 2)
    assert traj.times[0] == T0 and traj.times[-1] == TF
    assert traj.step == pytest.approx((TF - T0) / 8)
    np.testing.assert_array_equal(traj.stages[:, 0], traj.states[:-1])
    st = traj.stage_times()
    h = traj.step
    for k in (0, 5):
        y = traj.stages[k]
        k1 = pendulum(y[0], u[k], st[k, 0])
        k2 = pendulum(y[1], u[k], st[k, 1])
        k3 = pendulum(y[2], u[k], st[k, 2])
        np.testing.assert_allclose(y[1], y[0] + h / 2 * k1, rtol=1e-15)
        np.testing.assert_allclose(y[2], y[0] + h / 2 * k2, rtol=1e-15)
        np.testing.assert_allclose(y[3], y[0] + h * k3, rtol=1e-15)


def test_quadrature_matches_an_extra_state():
    # integrate x0^2 along the path: same as RK4 on the augmented system
    u = controls(12)
    traj = rk4_forward(pendulum, X0, u, t0=T0, tf=TF)
    running = traj.quadrature(traj.stages[:, :, 0] ** 2)

    def augmented(x, uk, t):
        return np.append(pendulum(x[:2], uk, t), x[0] ** 2)

    aug = rk4_forward(augmented, np.append(X0, 0.0), u, t0=T0, tf=TF)
    np.testing.assert_allclose(running, aug.states[:, 2], rtol=1e-13, atol=1e-15)
    with pytest.raises(ValueError, match="integrand has shape"):
        traj.quadrature(np.ones(3))


def test_adjoint_gradient_matches_central_differences():
    n = 15
    u = controls(n)
    traj = rk4_forward(pendulum, X0, u, t0=T0, tf=TF)
    adj = rk4_adjoint(traj, pendulum_jac, dphi(traj.final_state))
    assert isinstance(adj, AdjointResult)
    assert adj.control_gradient.shape == (n, 2)
    assert adj.costates.shape == (n + 1, 2)
    check_grads(
        terminal_value,
        (u,),
        grad_fn=lambda _: adj.control_gradient,
        directions="coordinates",
        rtol=1e-7,
        atol=1e-9,
    )


def test_adjoint_gradient_matches_histbp_reverse_mode():
    n = 12
    u = controls(n, seed=3)
    traj = rk4_forward(pendulum, X0, u, t0=T0, tf=TF)
    adj = rk4_adjoint(traj, pendulum_jac, dphi(traj.final_state))
    reverse = grad(rk4_traced)(u.ravel(), n).reshape(n, 2)
    assert rk4_traced(u.ravel(), n) == pytest.approx(terminal_value(u), rel=1e-13)
    np.testing.assert_allclose(adj.control_gradient, reverse, rtol=1e-11, atol=1e-13)


def test_costates_are_state_sensitivities():
    # lambda_0 = d phi / d x_0
    u = controls(10, seed=5)
    traj = rk4_forward(pendulum, X0, u, t0=T0, tf=TF)
    lam0 = rk4_adjoint(traj, pendulum_jac, dphi(traj.final_state)).costates[0]
    check_grads(
        lambda x0: phi(rk4_forward(pendulum, x0, u, t0=T0, tf=TF).final_state),
        (np.asarray(X0, dtype=float),),
        grad_fn=lambda _: lam0,
        directions="coordinates",
        rtol=1e-8,
        atol=0.0,
    )


def test_several_terminal_quantities_in_one_sweep():
    u = controls(9, seed=7)
    traj = rk4_forward(pendulum, X0, u, t0=T0, tf=TF)
    rows = np.array([[1.0, 0.0], [0.0, 1.0], [2.0, -3.0]])
    both = rk4_adjoint(traj, pendulum_jac, rows)
    assert both.control_gradient.shape == (3, 9, 2)
    assert both.costates.shape == (3, 10, 2)
    for q in range(3):
        one = rk4_adjoint(traj, pendulum_jac, rows[q])
        np.testing.assert_allclose(both.control_gradient[q], one.control_gradient)
        np.testing.assert_allclose(both.costates[q], one.costates)


def test_step_jacobians_match_differences_of_one_step():
    u = controls(1, seed=2)
    traj = rk4_forward(pendulum, X0, u, t0=T0, tf=TF)
    phi_k, psi_k = step_jacobians(traj, pendulum_jac)

    def step(x, uk):
        return rk4_forward(pendulum, x, uk[None], t0=T0, tf=TF).final_state

    check_grads(  # both Jacobians of one step, column by column
        step,
        (np.asarray(X0, dtype=float), u[0]),
        grad_fn=lambda *_: (phi_k[0], psi_k[0]),
        directions="coordinates",
        rtol=1e-8,
        atol=1e-10,
    )


def test_one_dimensional_controls_are_accepted():
    growth = lambda x, u, t: u * x  # noqa: E731
    traj = rk4_forward(growth, [1.0], np.ones(10))
    assert traj.controls.shape == (10, 1)


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"f": 3}, TypeError, "f must be callable"),
        ({"x0": [[1.0, 2.0]]}, ValueError, "x0 must be a non-empty 1-D array"),
        ({"x0": [np.nan, 0.0]}, ValueError, "x0 contains non-finite"),
        ({"controls": np.zeros((0, 2))}, ValueError, "controls must have shape"),
        ({"controls": np.zeros((2, 2, 2))}, ValueError, "controls must have shape"),
        ({"controls": [[np.inf, 0.0]]}, ValueError, "controls contains non-finite"),
        ({"tf": 0.5}, ValueError, "tf must lie in"),
        ({"f": lambda x, u, t: np.zeros(3)}, ValueError, "f returned shape"),
        ({"f": lambda x, u, t: x / 0.0}, ValueError, "non-finite states"),
    ],
)
def test_forward_errors(kwargs, error, match):
    args = {"f": pendulum, "x0": X0, "controls": controls(3), "t0": T0, "tf": TF}
    args.update(kwargs)
    with np.errstate(all="ignore"), pytest.raises(error, match=match):
        rk4_forward(args.pop("f"), args.pop("x0"), args.pop("controls"), **args)


def test_adjoint_errors():
    traj = rk4_forward(pendulum, X0, controls(4), t0=T0, tf=TF)
    with pytest.raises(ValueError, match="terminal_gradient must have shape"):
        rk4_adjoint(traj, pendulum_jac, [1.0, 2.0, 3.0])
    with pytest.raises(ValueError, match="terminal_gradient contains non-finite"):
        rk4_adjoint(traj, pendulum_jac, [1.0, np.nan])
    with pytest.raises(TypeError, match="jac must be callable"):
        rk4_adjoint(traj, None, [1.0, 0.0])
    with pytest.raises(ValueError, match="jac returned shapes"):
        rk4_adjoint(traj, lambda x, u, t: (np.zeros((2, 2)), np.zeros((2, 2))), [1, 0])
    with pytest.raises(ValueError, match="jac must return a pair"):
        rk4_adjoint(traj, lambda x, u, t: np.zeros(3), [1.0, 0.0])
    with pytest.raises(ValueError, match="jac returned non-finite"):
        rk4_adjoint(
            traj,
            lambda x, u, t: (np.full((16, 2, 2), np.nan), np.zeros((16, 2, 2))),
            [1.0, 0.0],
        )


@pytest.mark.parametrize(
    "module",
    [
        "histbp.control._rk4",
        "histbp.control._variations",
        "histbp.control._kelley",
        "histbp.control._orbit_raising",
        "histbp.control._gradient_projection",
        "histbp.control._dynamic_programming",
        "histbp.control._maximum_principle",
        "histbp.control._state_constraint",
    ],
)
def test_docstring_examples(module):
    result = doctest.testmod(importlib.import_module(module))
    assert result.failed == 0 and result.attempted > 0
