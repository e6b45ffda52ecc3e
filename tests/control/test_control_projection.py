import numpy as np
import pytest

from histbp.control import projected_gradient_step

RNG_SEED = 1962


def problem(n=12, q=3, seed=RNG_SEED):
    rng = np.random.default_rng(seed)
    g = rng.standard_normal(n)
    G = rng.standard_normal((q, n))
    psi = rng.standard_normal(q)
    w = rng.uniform(0.5, 2.0, n)
    return g, G, psi, w


def test_projected_gradient_leaves_the_constraints_unchanged():
    g, G, psi, w = problem()
    p, nu, _ = projected_gradient_step(g, G, psi, w)
    # a step along W^-1 p does not move psi to first order
    np.testing.assert_allclose(G @ (p / w), 0.0, atol=1e-13)
    # nu is the formula's -(G W^-1 G^T)^-1 G W^-1 g
    W_inv = np.diag(1 / w)
    np.testing.assert_allclose(
        nu, -np.linalg.solve(G @ W_inv @ G.T, G @ W_inv @ g), rtol=1e-12
    )
    np.testing.assert_allclose(p, g + G.T @ nu, rtol=1e-14)


def test_projected_gradient_is_the_steepest_feasible_direction():
    # minimising <g, d> + |d|_W^2 / 2 subject to G d = 0 gives d = -W^-1 p
    g, G, psi, w = problem(n=6, q=2, seed=3)
    p, _, _ = projected_gradient_step(g, G, psi, w)
    kkt = np.block([[np.diag(w), G.T], [G, np.zeros((2, 2))]])
    d = np.linalg.solve(kkt, np.concatenate([-g, np.zeros(2)]))[:6]
    np.testing.assert_allclose(d, -p / w, rtol=1e-11, atol=1e-14)


def test_restoring_step_removes_a_linear_violation_exactly():
    g, G, psi, w = problem()
    _, _, rest = projected_gradient_step(g, G, psi, w)
    np.testing.assert_allclose(G @ rest, -psi, atol=1e-13)
    # and it is the least change in the metric W that does so
    W_inv = np.diag(1 / w)
    np.testing.assert_allclose(
        rest, -W_inv @ G.T @ np.linalg.solve(G @ W_inv @ G.T, psi), rtol=1e-12
    )


@pytest.mark.parametrize(
    ("args", "match"),
    [
        (([1.0, 1.0], [[1.0, 0.0, 0.0]], [0.0], [1.0, 1.0]), "expected 2 columns"),
        (([1.0, 1.0], [[1.0, 0.0]], [0.0, 1.0], [1.0, 1.0]), "violation has shape"),
        (([1.0, 1.0], [[1.0, 0.0]], [0.0], [1.0]), "weights has shape"),
        (([1.0, 1.0], [[1.0, 0.0]], [0.0], [1.0, 0.0]), "weights must be positive"),
        (([1.0, np.nan], [[1.0, 0.0]], [0.0], [1.0, 1.0]), "gradient contains"),
        (([1.0, 1.0], [[1.0, 0.0], [2.0, 0.0]], [0.0, 0.0], [1, 1]), "dependent"),
    ],
)
def test_projected_gradient_step_errors(args, match):
    with pytest.raises(ValueError, match=match):
        projected_gradient_step(*args)
