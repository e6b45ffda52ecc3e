import numpy as np
import pytest

from histbp.control import (
    grid_dynamic_programming,
    lqr_dynamic_programming,
    riccati_recursion,
    tabular_dynamic_programming,
)


def random_lq(seed, n=4, m=2):
    rng = np.random.default_rng(seed)
    A = rng.standard_normal((n, n)) / np.sqrt(n) + 0.5 * np.eye(n)
    B = rng.standard_normal((n, m))
    C = rng.standard_normal((n, n))
    Q = C @ C.T / n
    D = rng.standard_normal((m, m))
    R = D @ D.T + 0.5 * np.eye(m)
    Q_final = np.eye(n) * 2.0
    return A, B, Q, R, Q_final


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_dynamic_programming_reproduces_the_riccati_recursion(seed):
    problem = random_lq(seed)
    dp = lqr_dynamic_programming(*problem, 40)
    riccati = riccati_recursion(*problem, 40)
    scale_p = np.max(np.abs(riccati.cost_to_go))
    scale_k = np.max(np.abs(riccati.gains))
    assert np.max(np.abs(dp.cost_to_go - riccati.cost_to_go)) <= 1e-12 * scale_p
    assert np.max(np.abs(dp.gains - riccati.gains)) <= 1e-12 * scale_k


def test_lqr_cost_is_the_optimum_of_the_stacked_problem():
    # Independent of Bellman: write x_1..x_N as linear functions of all the
    # decisions and minimise the resulting quadratic in one linear solve.
    A, B, Q, R, Q_final = random_lq(5, n=3, m=2)
    N, (n, m) = 8, B.shape
    x0 = np.array([1.0, -2.0, 0.5])
    free = np.zeros((N + 1, n))  # x_k with all decisions zero
    drive = np.zeros((N + 1, n, N * m))  # d x_k / d u
    free[0] = x0
    for k in range(N):
        free[k + 1] = A @ free[k]
        drive[k + 1] = A @ drive[k]
        drive[k + 1][:, k * m : (k + 1) * m] += B
    H = np.kron(np.eye(N), R)
    g = np.zeros(N * m)
    for k in range(1, N + 1):
        W = Q_final if k == N else Q
        H += drive[k].T @ W @ drive[k]
        g += drive[k].T @ W @ free[k]
    u = -np.linalg.solve(H, g)
    stacked = (
        x0 @ Q @ x0
        + u @ g
        + sum(f @ (Q_final if k == N else Q) @ f for k, f in enumerate(free) if k > 0)
    )
    dp = lqr_dynamic_programming(A, B, Q, R, Q_final, N)
    assert dp.cost(x0) == pytest.approx(stacked, rel=1e-11)
    # and the first optimal decision is the feedback -K_0 x0
    np.testing.assert_allclose(u[:m], -dp.gains[0] @ x0, rtol=1e-10, atol=1e-12)


def scalar_grid(size):
    a, q, r = 1.2, 1.0, 1.0
    return grid_dynamic_programming(
        np.linspace(-2.0, 2.0, size),
        np.linspace(-3.0, 3.0, size),
        lambda x, u: q * x * x + r * u * u,
        lambda x, u: a * x + u,
        lambda x: x * x,
        10,
    )


def test_grid_dynamic_programming_approaches_the_lqr_cost():
    exact = riccati_recursion([[1.2]], [[1.0]], [[1.0]], [[1.0]], [[1.0]], 10).cost(
        [1.0]
    )
    assert exact == pytest.approx(1.952233720538837, abs=1e-12)
    errors = [scalar_grid(size).value(1.0) - exact for size in (41, 161, 641)]
    # measured: 4.55e-2, 3.45e-3, 2.82e-4; from above, about h^2
    assert all(e > 0 for e in errors)
    assert errors[0] / errors[1] > 10
    assert errors[1] / errors[2] > 10
    assert errors[2] < 3e-4


def test_grid_policy_approaches_the_lqr_gain():
    res = scalar_grid(641)
    gain = riccati_recursion([[1.2]], [[1.0]], [[1.0]], [[1.0]], [[1.0]], 10).gains
    inside = np.abs(res.grid) <= 1.0
    np.testing.assert_allclose(
        res.policy[0, inside], -gain[0, 0, 0] * res.grid[inside], atol=0.01
    )


def test_tabular_shortest_path():
    # A chain of 5 states; decision 0 stays (cost 1), decision 1 moves right
    # (cost 2) except from the end; reaching state 4 by the end is worth -10.
    N, S = 4, 5
    costs = np.tile(np.array([1.0, 2.0]), (N, S, 1))
    moves = np.zeros((N, S, 2), dtype=int)
    moves[:, :, 0] = np.arange(S)
    moves[:, :, 1] = np.minimum(np.arange(S) + 1, S - 1)
    final = np.where(np.arange(S) == S - 1, -10.0, 0.0)
    res = tabular_dynamic_programming(costs, moves, final)
    states, decisions = res.path(0)
    assert states.tolist() == [0, 1, 2, 3, 4]
    assert decisions.tolist() == [1, 1, 1, 1]
    assert res.values[0, 0] == -2.0
    # from state 3 there is time to spare: move once, then stay
    assert res.values[0, 3] == 2.0 + 3 * 1.0 - 10.0


def test_tabular_matches_brute_force():
    rng = np.random.default_rng(1953)
    N, S, U = 4, 6, 3
    costs = rng.uniform(0, 1, (N, S, U))
    moves = rng.integers(0, S, (N, S, U))
    final = rng.uniform(0, 1, S)
    res = tabular_dynamic_programming(costs, moves, final)
    for start in range(S):
        best = np.inf
        for plan in np.ndindex(*(U,) * N):
            s, total = start, 0.0
            for t, u in enumerate(plan):
                total += costs[t, s, u]
                s = moves[t, s, u]
            best = min(best, total + final[s])
        assert res.values[0, start] == pytest.approx(best, abs=1e-14)


def test_lqr_input_errors():
    A, B, Q, R, Q_final = random_lq(0)
    with pytest.raises(ValueError, match=r"B has shape \(3, 2\)"):
        riccati_recursion(A, B[:3], Q, R, Q_final, 5)
    with pytest.raises(ValueError, match="R must be positive definite"):
        lqr_dynamic_programming(A, B, Q, np.zeros((2, 2)), Q_final, 5)
    with pytest.raises(ValueError, match="Q must be symmetric"):
        lqr_dynamic_programming(A, B, Q + np.triu(np.ones((4, 4)), 1), R, Q_final, 5)
    with pytest.raises(ValueError, match="Q_final must be positive semidefinite"):
        lqr_dynamic_programming(A, B, Q, R, -np.eye(4), 5)
    with pytest.raises(ValueError, match="A contains non-finite values"):
        lqr_dynamic_programming(A * np.nan, B, Q, R, Q_final, 5)
    with pytest.raises(ValueError, match="A must be square"):
        lqr_dynamic_programming(A[:, :3], B, Q, R, Q_final, 5)
    with pytest.raises(ValueError, match="n_stages must be a positive integer"):
        lqr_dynamic_programming(A, B, Q, R, Q_final, 0)
    with pytest.raises(TypeError, match="n_stages must be an integer"):
        riccati_recursion(A, B, Q, R, Q_final, 2.0)
    with pytest.raises(ValueError, match=r"x0 has shape \(3,\)"):
        riccati_recursion(A, B, Q, R, Q_final, 2).cost([1.0, 2.0, 3.0])


def test_tabular_input_errors():
    costs = np.zeros((2, 3, 2))
    moves = np.zeros((2, 3, 2), dtype=int)
    with pytest.raises(ValueError, match=r"final_costs has shape \(2,\)"):
        tabular_dynamic_programming(costs, moves, np.zeros(2))
    with pytest.raises(ValueError, match="transitions has shape"):
        tabular_dynamic_programming(costs, moves[0], np.zeros(3))
    with pytest.raises(ValueError, match="transitions must hold integer"):
        tabular_dynamic_programming(costs, moves.astype(float), np.zeros(3))
    with pytest.raises(ValueError, match=r"transitions must lie in \[0, 2\]"):
        tabular_dynamic_programming(costs, moves + 3, np.zeros(3))
    with pytest.raises(ValueError, match="stage_costs contains non-finite"):
        tabular_dynamic_programming(costs + np.inf, moves, np.zeros(3))
    with pytest.raises(ValueError, match="stage_costs must be a non-empty 3-D"):
        tabular_dynamic_programming(costs[0], moves, np.zeros(3))
    res = tabular_dynamic_programming(costs, moves, np.zeros(3))
    with pytest.raises(ValueError, match=r"start must lie in \[0, 2\]"):
        res.path(3)
    with pytest.raises(TypeError, match="start must be an integer"):
        res.path(1.0)


def test_grid_input_errors():
    grid, controls = np.linspace(-1, 1, 5), np.linspace(-1, 1, 3)

    def cost(x, u):
        return x * x + u * u

    def step(x, u):
        return x + u

    def final(x):
        return x * x

    with pytest.raises(ValueError, match="grid must be strictly increasing"):
        grid_dynamic_programming(grid[::-1], controls, cost, step, final, 3)
    with pytest.raises(TypeError, match="dynamics must be callable"):
        grid_dynamic_programming(grid, controls, cost, 3, final, 3)
    with pytest.raises(ValueError, match=r"stage_cost returned shape \(2,\)"):
        grid_dynamic_programming(
            grid, controls, lambda x, u: np.ones(2), step, final, 3
        )
    with pytest.raises(ValueError, match="dynamics returned non-finite values"):
        grid_dynamic_programming(
            grid, controls, cost, lambda x, u: np.where(x > 0, np.inf, x + u), final, 3
        )
    with pytest.raises(ValueError, match="controls contains non-finite"):
        grid_dynamic_programming(grid, [np.nan], cost, step, final, 3)
    res = grid_dynamic_programming(grid, controls, cost, step, final, 3)
    with pytest.raises(ValueError, match=r"stage must lie in \[0, 3\]"):
        res.value(0.0, stage=4)
