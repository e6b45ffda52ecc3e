from fractions import Fraction

import numpy as np
import pytest

from histbp.autodiff import grad
from histbp.optimize import (
    LearningResult,
    lms,
    tsypkin_learning,
    wiener_solution,
)

# A distribution on six points x = (1, u, v), u in {0, 1, 2}, v in {0, 1}, with
# tabulated mean targets (no linear law behind them) and Gaussian noise on top.
U = np.repeat([0.0, 1.0, 2.0], 2)
V = np.tile([0.0, 1.0], 3)
POINTS = np.column_stack([np.ones(6), U, V])
MEANS = np.array([0.5, 1.5, 1.0, 2.5, 0.0, 3.0])
WEIGHTS = np.array([0.1, 0.2, 0.2, 0.2, 0.2, 0.1])
NOISE = 0.3


def exact_wiener():
    """R^-1 p in exact rational arithmetic, independently of the package."""
    w = [Fraction(k, 10) for k in (1, 2, 2, 2, 2, 1)]
    pts = [[Fraction(int(a)) for a in row] for row in POINTS]
    ys = [Fraction(str(y)) for y in MEANS]
    R = [
        [sum(w[k] * pts[k][i] * pts[k][j] for k in range(6)) for j in range(3)]
        for i in range(3)
    ]
    p = [sum(w[k] * ys[k] * pts[k][i] for k in range(6)) for i in range(3)]
    # Gauss-Jordan elimination on fractions
    M = [R[i] + [p[i]] for i in range(3)]
    for col in range(3):
        pivot = next(r for r in range(col, 3) if M[r][col] != 0)
        M[col], M[pivot] = M[pivot], M[col]
        M[col] = [v / M[col][col] for v in M[col]]
        for r in range(3):
            if r != col:
                M[r] = [a - M[r][col] * b for a, b in zip(M[r], M[col], strict=True)]
    return [M[i][3] for i in range(3)]


def draw(n, seed):
    rng = np.random.default_rng(seed)
    idx = rng.choice(6, size=n, p=WEIGHTS)
    return POINTS[idx], MEANS[idx] + NOISE * rng.standard_normal(n)


def test_wiener_solution_is_exact():
    exact = exact_wiener()
    assert exact == [Fraction(17, 70), Fraction(3, 14), Fraction(25, 14)]
    sol = wiener_solution(POINTS, MEANS, WEIGHTS)
    np.testing.assert_allclose(sol.c, [float(v) for v in exact], rtol=1e-14)
    np.testing.assert_allclose(
        sol.R, [[1.0, 1.0, 0.5], [1.0, 1.6, 0.4], [0.5, 0.4, 0.5]]
    )
    np.testing.assert_allclose(sol.p, [1.35, 1.3, 1.1])


@pytest.mark.parametrize("seed", range(5))
def test_lms_converges_to_the_wiener_solution(seed):
    target = wiener_solution(POINTS, MEANS, WEIGHTS).c
    X, y = draw(20_000, seed)
    # gain * lambda_min(R) = 8 * 0.125 = 1 > 1/2: the error falls like n^-1/2;
    # offset 48 keeps gamma_1 |x|^2 <= 6 * 8 / 49 < 2, so the first steps are stable
    res = lms(X, y, gain=8.0, offset=48.0)
    assert np.max(np.abs(res.c - target)) < 0.04
    assert res.path.shape == (20_001, 3)


def test_lms_error_over_seeds_is_small_and_shrinks():
    target = wiener_solution(POINTS, MEANS, WEIGHTS).c
    final, early = [], []
    for seed in range(10, 16):
        X, y = draw(8_000, seed)
        res = lms(X, y, gain=8.0, offset=48.0)
        early.append(np.linalg.norm(res.path[500] - target))
        final.append(np.linalg.norm(res.c - target))
    assert np.sqrt(np.mean(np.square(final))) < 0.03
    assert np.mean(final) < 0.5 * np.mean(early)


def test_lms_does_not_learn_the_noise_free_table_itself():
    # the limit is the best linear fit, not an interpolation of the six means
    sol = wiener_solution(POINTS, MEANS, WEIGHTS)
    assert np.max(np.abs(POINTS @ sol.c - MEANS)) > 0.5
    # but the residual is orthogonal to the inputs under the distribution
    np.testing.assert_allclose(
        POINTS.T @ (WEIGHTS * (MEANS - POINTS @ sol.c)), 0, atol=1e-14
    )


def test_tsypkin_with_autodiff_gradient_reproduces_lms():
    X, y = draw(300, 99)

    def loss(sample, c):
        x, target = sample
        err = target - c @ x
        return 0.5 * err * err

    by_hand = lms(X, y, gain=8.0, offset=48.0)
    by_autodiff = tsypkin_learning(
        grad(loss, argnum=1), np.zeros(3), zip(X, y, strict=True), gain=8.0, offset=48.0
    )
    assert isinstance(by_autodiff, LearningResult)
    np.testing.assert_allclose(by_autodiff.path, by_hand.path, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(by_hand.gains, 8.0 / (np.arange(1, 301) + 48.0))


def test_tsypkin_update_rule():
    res = tsypkin_learning(
        lambda x, c: 2 * (c - x), [1.0, 1.0], [np.array([3.0, -1.0])], gain=0.25
    )
    # c_1 = c_0 - 0.25 * 2 (c_0 - x) = (2, 0)
    np.testing.assert_allclose(res.c, [2.0, 0.0])


def test_tsypkin_errors():
    with pytest.raises(TypeError, match="gradient must be callable"):
        tsypkin_learning(None, [0.0], [1.0])
    with pytest.raises(ValueError, match="observations must contain at least one"):
        tsypkin_learning(lambda x, c: c, [0.0], [])
    with pytest.raises(ValueError, match=r"exponent must lie in \(0.5, 1\]"):
        tsypkin_learning(lambda x, c: c, [0.0], [1.0], exponent=0.5)
    with pytest.raises(ValueError, match=r"gradient returned shape \(2,\) at step 2"):
        tsypkin_learning(lambda x, c: np.zeros(x), [0.0], [1, 2])
    with pytest.raises(
        ValueError, match="gradient returned non-finite values at step 1"
    ):
        tsypkin_learning(lambda x, c: c * np.inf, [1.0], [1.0])
    with pytest.raises(ValueError, match="c0 contains non-finite values"):
        tsypkin_learning(lambda x, c: c, [np.nan], [1.0])
    with pytest.raises(ValueError, match="offset must lie in"):
        tsypkin_learning(lambda x, c: c, [0.0], [1.0], offset=-2.0)


def test_lms_errors():
    with pytest.raises(ValueError, match=r"inputs must be a non-empty 2-D array"):
        lms(np.ones(3), np.ones(3))
    with pytest.raises(ValueError, match=r"targets has shape \(2,\) but inputs"):
        lms(np.ones((3, 2)), np.ones(2))
    with pytest.raises(ValueError, match="inputs contains non-finite values"):
        lms([[np.inf]], [1.0])
    with pytest.raises(ValueError, match="targets contains non-finite values"):
        lms([[1.0]], [np.nan])
    with pytest.raises(ValueError, match=r"c0 has shape \(3,\) but inputs has 2"):
        lms(np.ones((3, 2)), np.ones(3), c0=np.zeros(3))
    with pytest.raises(ValueError, match="gain must lie in"):
        lms(np.ones((3, 2)), np.ones(3), gain=0.0)


def test_wiener_errors():
    with pytest.raises(ValueError, match="R = E\\[x x\\^T\\] is singular"):
        wiener_solution([[1.0, 2.0], [2.0, 4.0]], [1.0, 2.0])
    with pytest.raises(ValueError, match="weights must be non-negative and sum to 1"):
        wiener_solution(POINTS, MEANS, WEIGHTS * 2)
    with pytest.raises(ValueError, match=r"weights has shape \(2,\)"):
        wiener_solution(POINTS, MEANS, [0.5, 0.5])
    with pytest.raises(ValueError, match=r"targets has shape \(5,\)"):
        wiener_solution(POINTS, MEANS[:5])
    with pytest.raises(ValueError, match="inputs must be a non-empty 2-D array"):
        wiener_solution([1.0, 2.0], [1.0, 2.0])
    with pytest.raises(ValueError, match="targets contains non-finite values"):
        wiener_solution(POINTS, MEANS * np.nan)
