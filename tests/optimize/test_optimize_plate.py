import dataclasses

import numpy as np
import pytest

from histbp.optimize import (
    PlateResult,
    clamped_plate_descent,
    clamped_plate_energy,
    clamped_plate_matrix,
)
from histbp.testing import check_grads


def thirteen_point_matrix(n):
    """The clamped biharmonic operator built node by node from the 13-point stencil.

    Independent of the package: each interior node gets the stencil
    20 / -8 / 2 / 1 (over h^4), neighbours on the boundary are 0, and a neighbour
    two steps away that falls on a ghost node outside the square takes the value of
    the node itself (the mirror of the ghost across the edge, w_-1 = w_1).
    """
    h = 1.0 / (n + 1)
    stencil = {(0, 0): 20.0}
    for d in [(1, 0), (-1, 0), (0, 1), (0, -1)]:
        stencil[d] = -8.0
        stencil[(2 * d[0], 2 * d[1])] = 1.0
    for d in [(1, 1), (1, -1), (-1, 1), (-1, -1)]:
        stencil[d] = 2.0
    K = np.zeros((n * n, n * n))
    for i in range(1, n + 1):
        for j in range(1, n + 1):
            row = (i - 1) * n + (j - 1)
            for (di, dj), weight in stencil.items():
                a, b = i + di, j + dj
                if a in (0, n + 1) or b in (0, n + 1):
                    continue  # on the boundary: w = 0
                if a in (-1, n + 2):
                    a = 2 * (0 if a == -1 else n + 1) - a  # mirror across the edge
                if b in (-1, n + 2):
                    b = 2 * (0 if b == -1 else n + 1) - b
                K[row, (a - 1) * n + (b - 1)] += weight
    return K / h**4


@pytest.mark.parametrize("n", [1, 2, 3, 4, 6])
def test_matrix_is_the_13_point_stencil_with_ghost_reflection(n):
    np.testing.assert_allclose(
        clamped_plate_matrix(n), thirteen_point_matrix(n), rtol=1e-13, atol=1e-6
    )


def test_centre_weight_is_21_next_to_an_edge_and_22_at_a_corner():
    n = 5
    K = clamped_plate_matrix(n) / (n + 1) ** 4  # back to stencil units
    diag = np.diag(K).reshape(n, n)
    assert diag[2, 2] == pytest.approx(20.0)
    assert diag[0, 2] == pytest.approx(21.0)
    assert diag[0, 0] == pytest.approx(22.0)


def test_matrix_is_symmetric_positive_definite():
    K = clamped_plate_matrix(6)
    np.testing.assert_allclose(K, K.T, rtol=0, atol=1e-9)
    assert np.linalg.eigvalsh(K).min() > 0


def test_energy_is_the_quadratic_and_its_gradient_is_k_w_minus_f():
    n = 5
    h = 1.0 / (n + 1)
    rng = np.random.default_rng(1908)
    w = rng.standard_normal((n, n))
    f = rng.standard_normal((n, n))
    K = clamped_plate_matrix(n)
    quadratic = h**2 * (0.5 * w.ravel() @ K @ w.ravel() - f.ravel() @ w.ravel())
    assert clamped_plate_energy(w, f) == pytest.approx(quadratic, rel=1e-12)
    # central differences of the energy computed from its definition
    check_grads(
        lambda w: clamped_plate_energy(w, f),
        (w,),
        grad_fn=lambda _: h**2 * (K @ w.ravel() - f.ravel()).reshape(n, n),
        directions="coordinates",
        step=1e-3,
        rtol=1e-8,
        atol=0.0,
    )


def test_descent_equals_direct_solve_of_the_same_system():
    n = 9
    load = np.ones((n, n))
    res = clamped_plate_descent(load, tol=1e-12)
    direct = np.linalg.solve(clamped_plate_matrix(n), load.ravel()).reshape(n, n)
    assert res.converged is True
    assert res.residuals[-1] <= 1e-12
    np.testing.assert_allclose(
        res.deflection, direct, rtol=0, atol=1e-11 * direct.max()
    )
    # symmetric load, symmetric deflection, deepest at the centre
    np.testing.assert_allclose(res.deflection, res.deflection.T, atol=1e-15)
    assert res.deflection.max() == res.deflection[4, 4]
    assert res.deflection.min() > 0


def test_descent_with_an_uneven_load_matches_the_solve():
    n = 7
    load = np.random.default_rng(3).uniform(-1, 2, (n, n))
    res = clamped_plate_descent(load, tol=1e-11)
    direct = np.linalg.solve(clamped_plate_matrix(n), load.ravel()).reshape(n, n)
    np.testing.assert_allclose(
        res.deflection, direct, rtol=0, atol=1e-10 * np.abs(direct).max()
    )


def test_energy_decreases_to_the_minimum():
    n = 5
    load = np.ones((n, n))
    res = clamped_plate_descent(load, tol=1e-12)
    # strictly decreasing until the changes reach rounding level
    assert np.all(np.diff(res.energies) < 1e-14 * abs(res.energies[-1]))
    assert np.all(np.diff(res.energies[:20]) < 0)
    assert res.energies[0] == 0.0
    w = res.deflection
    assert res.energies[-1] == pytest.approx(clamped_plate_energy(w, load), rel=1e-12)
    # at the minimum E = -1/2 h^2 f.w*
    assert res.energies[-1] == pytest.approx(-0.5 / 36 * w.sum(), rel=1e-10)
    assert res.residuals.shape == res.energies.shape == (res.steps + 1,)


def test_steps_grow_like_h_to_the_minus_4():
    sizes = np.array([3, 5, 7, 9, 11, 13, 15])
    steps = np.array(
        [clamped_plate_descent(np.ones((n, n)), tol=1e-6).steps for n in sizes]
    )
    # measured: 81, 483, 1479, 3553, 7295, 13425, 22805
    assert steps[-1] == pytest.approx(22805, rel=0.01)
    slope = np.polyfit(np.log(sizes[2:] + 1.0), np.log(steps[2:]), 1)[0]
    assert 3.7 < slope < 4.3


def test_condition_number_grows_like_h_to_the_minus_4():
    conds = []
    for n in (5, 11, 23):
        eigenvalues = np.linalg.eigvalsh(clamped_plate_matrix(n))
        conds.append(eigenvalues[-1] / eigenvalues[0])
    # halving h multiplies the condition number by about 2^4 = 16
    # (measured 14.9 and 15.6)
    assert 14.5 < conds[1] / conds[0] < 16.5
    assert 15.2 < conds[2] / conds[1] < 16.5


def test_centre_deflection_converges_at_second_order():
    centre = []
    for n in (11, 23, 47):
        w = np.linalg.solve(clamped_plate_matrix(n), np.ones(n * n))
        centre.append(w[(n * n) // 2])
    ratio = (centre[0] - centre[1]) / (centre[1] - centre[2])
    assert 3.7 < ratio < 4.3  # error ~ h^2
    extrapolated = centre[2] + (centre[2] - centre[1]) / 3
    # plate tables give about 0.00126 q a^4 / D for the clamped square
    assert extrapolated == pytest.approx(0.0012653, abs=2e-7)


def test_budget_exhausted_is_reported():
    res = clamped_plate_descent(np.ones((5, 5)), max_steps=10)
    assert res.converged is False
    assert res.steps == 10
    assert isinstance(res, PlateResult)
    assert res.h == pytest.approx(1 / 6)
    with pytest.raises(dataclasses.FrozenInstanceError):
        res.steps = 0


@pytest.mark.parametrize(
    ("load", "message"),
    [
        (np.ones((3, 4)), r"load must be a square 2-D array.*\(3, 4\)"),
        (np.ones(3), r"load must be a non-empty 2-D array.*\(3,\)"),
        (np.array([[1.0, np.nan], [0.0, 0.0]]), "load contains non-finite values"),
        (np.zeros((3, 3)), "load must not be zero everywhere"),
    ],
)
def test_bad_load(load, message):
    with pytest.raises(ValueError, match=message):
        clamped_plate_descent(load)


def test_bad_options():
    with pytest.raises(ValueError, match="tol must lie in"):
        clamped_plate_descent(np.ones((2, 2)), tol=0.0)
    with pytest.raises(ValueError, match="max_steps must be a positive integer"):
        clamped_plate_descent(np.ones((2, 2)), max_steps=0)
    with pytest.raises(TypeError, match="max_steps must be an integer"):
        clamped_plate_descent(np.ones((2, 2)), max_steps=1.5)


def test_bad_matrix_size():
    with pytest.raises(ValueError, match="n must be a positive integer, got 0"):
        clamped_plate_matrix(0)
    with pytest.raises(TypeError, match="n must be an integer, got float"):
        clamped_plate_matrix(3.0)


def test_energy_shapes_must_match():
    with pytest.raises(ValueError, match=r"load has shape \(2, 2\) but deflection"):
        clamped_plate_energy(np.zeros((3, 3)), np.zeros((2, 2)))
    with pytest.raises(ValueError, match="deflection contains non-finite values"):
        clamped_plate_energy(np.full((2, 2), np.inf), np.zeros((2, 2)))
