import numpy as np
import pytest

from histbp.autodiff import (
    EigenSensitivity,
    dominant_eigenvalue,
    eigenpair_backward_error,
    eigenvalue_sensitivity,
    grad,
    jvp,
    nearest_eigenvalue,
)
from histbp.testing import check_grads


def real_spectrum_matrix(eigenvalues, seed):
    """A non-symmetric real matrix S diag(eigenvalues) S^-1 with a random S."""
    rng = np.random.default_rng(seed)
    S = rng.standard_normal((len(eigenvalues), len(eigenvalues)))
    return S @ np.diag(eigenvalues) @ np.linalg.inv(S)


A5 = real_spectrum_matrix([3.0, 1.5, -1.0, 0.5, -2.2], seed=1965)


@pytest.mark.parametrize("t", [0.0, 0.5, 3.0, 100.0])
def test_condition_of_a_two_by_two_upper_triangle(t):
    # [[1, t], [0, 2]]: x = e1, y = (1, -t) / sqrt(1 + t^2), so 1/|y^H x| = sqrt(1+t^2)
    s = eigenvalue_sensitivity([[1.0, t], [0.0, 2.0]], 1.0)
    assert s.eigenvalue == 1.0
    assert s.condition == pytest.approx(np.sqrt(1 + t * t), rel=1e-12)
    np.testing.assert_allclose(
        s.gradient, [[1.0, 0.0], [-t, 0.0]], atol=1e-12 * (1 + t)
    )


def test_symmetric_matrix_is_perfectly_conditioned():
    rng = np.random.default_rng(0)
    B = rng.standard_normal((5, 5))
    A = B + B.T
    for lam in np.linalg.eigvalsh(A):
        s = eigenvalue_sensitivity(A, lam)
        assert s.condition == pytest.approx(1.0, abs=1e-12)
        np.testing.assert_allclose(s.gradient, np.outer(s.right, s.right), atol=1e-12)


def test_vectors_are_eigenvectors_and_normalised():
    s = eigenvalue_sensitivity(A5, 1.5)
    assert isinstance(s, EigenSensitivity)
    assert s.eigenvalue == pytest.approx(1.5, abs=1e-12)
    assert isinstance(s.eigenvalue, float)
    np.testing.assert_allclose(A5 @ s.right, 1.5 * s.right, atol=1e-12)
    np.testing.assert_allclose(s.left @ A5, 1.5 * s.left, atol=1e-12)
    assert np.linalg.norm(s.right) == pytest.approx(1.0)
    assert np.linalg.norm(s.left) == pytest.approx(1.0)
    assert s.left @ s.right == pytest.approx(1 / s.condition, rel=1e-12)
    assert s.condition > 1.0


@pytest.mark.parametrize("target", [3.0, 1.5, -1.0, 0.5, -2.2])
def test_first_order_shift_is_accurate_to_second_order(target):
    E = np.random.default_rng(7).standard_normal((5, 5))
    s = eigenvalue_sensitivity(A5, target)
    shift = s.first_order_shift(E)
    assert shift == pytest.approx(np.sum(s.gradient * E))
    errors = []
    for eps in (1e-2, 1e-3, 1e-4):
        moved = nearest_eigenvalue(A5 + eps * E, s.eigenvalue)
        errors.append(abs(moved - (s.eigenvalue + eps * shift)))
    # each tenfold decrease of eps divides the error by about 100
    ratios = np.array(errors[:-1]) / np.array(errors[1:])
    assert np.all((ratios > 60) & (ratios < 160)), ratios
    # and the first-order term itself is right: (lambda(eps) - lambda) / eps -> shift
    eps = 1e-6
    moved = nearest_eigenvalue(A5 + eps * E, s.eigenvalue)
    assert (moved - s.eigenvalue) / eps == pytest.approx(shift, rel=1e-4, abs=1e-6)


def test_complex_eigenvalue_of_a_real_matrix():
    # rotation-like block: eigenvalues 1 +- 2i, plus a real one
    S = np.random.default_rng(3).standard_normal((3, 3))
    A = (
        S
        @ np.array([[1.0, 2.0, 0.0], [-2.0, 1.0, 0.0], [0.0, 0.0, 4.0]])
        @ np.linalg.inv(S)
    )
    s = eigenvalue_sensitivity(A, 1 + 2j)
    assert isinstance(s.eigenvalue, complex)
    assert s.eigenvalue == pytest.approx(1 + 2j, abs=1e-12)
    E = np.random.default_rng(4).standard_normal((3, 3))
    errors = []
    for eps in (1e-3, 1e-4):
        moved = nearest_eigenvalue(A + eps * E, s.eigenvalue)
        errors.append(abs(moved - s.eigenvalue - eps * s.first_order_shift(E)))
    assert 60 < errors[0] / errors[1] < 160


def test_gradient_matches_central_differences_entry_by_entry():
    s = eigenvalue_sensitivity(A5, -1.0)
    check_grads(
        lambda A: nearest_eigenvalue(A, s.eigenvalue),
        (A5,),
        grad_fn=lambda _: s.gradient,
        directions="coordinates",
        step=1e-6,
        rtol=0.0,
        atol=1e-7 * np.abs(s.gradient).max(),
    )


def test_reverse_mode_through_power_iteration_gives_wilkinsons_gradient():
    # dominant eigenvalue 3.0; |lambda_2 / lambda_1| = 2.2 / 3 so 150 steps suffice
    s = eigenvalue_sensitivity(A5, 3.0)
    assert dominant_eigenvalue(A5, steps=150) == pytest.approx(3.0, abs=1e-12)
    g = grad(lambda A: dominant_eigenvalue(A, steps=150))(A5)
    np.testing.assert_allclose(
        g, s.gradient, rtol=0, atol=1e-9 * np.abs(s.gradient).max()
    )
    # forward mode in a direction E gives the first-order shift
    E = np.random.default_rng(11).standard_normal((5, 5))
    value, tangent = jvp(lambda A: dominant_eigenvalue(A, steps=150), (A5,), (E,))
    assert value == pytest.approx(3.0, abs=1e-12)
    assert tangent == pytest.approx(s.first_order_shift(E), rel=1e-8)


def test_power_iteration_gradient_converges_with_the_steps():
    s = eigenvalue_sensitivity(A5, 3.0)
    gaps = []
    for steps in (10, 40, 160):
        g = grad(lambda A, k=steps: dominant_eigenvalue(A, steps=k))(A5)
        gaps.append(np.abs(g - s.gradient).max())
    assert gaps[0] > gaps[1] > gaps[2]
    assert gaps[2] < 1e-9


def bidiagonal_example():
    """Diagonal 20, ..., 1, superdiagonal 20, hidden by an exact integer similarity.

    S = I + (ones below the diagonal) and its inverse are integer matrices, so
    A = S W S^-1 is stored exactly and its eigenvalues are exactly 1, ..., 20.
    """
    n = 20
    W = np.diag(np.arange(n, 0, -1)) + np.diag(np.full(n - 1, n), 1)
    S = np.eye(n, dtype=np.int64) + np.eye(n, k=-1, dtype=np.int64)
    S_inv = np.tril(1 - 2 * (np.subtract.outer(np.arange(n), np.arange(n)) % 2))
    assert np.array_equal(S @ S_inv, np.eye(n, dtype=np.int64))
    return (S @ W @ S_inv).astype(float)


def test_backward_stable_but_forward_inaccurate_eigenvalues():
    A = bidiagonal_example()
    values, vectors = np.linalg.eig(A)
    assert np.max(np.abs(values.imag)) == 0.0
    order = np.argsort(values.real)
    computed, vectors = values.real[order], vectors[:, order]
    exact = np.arange(1.0, 21.0)
    forward = np.abs(computed - exact)
    backward = np.array(
        [eigenpair_backward_error(A, computed[k], vectors[:, k]) for k in range(20)]
    )
    conditions = np.array([eigenvalue_sensitivity(A, k).condition for k in exact])
    # every computed pair is exact for a matrix within a few rounding units of A
    assert backward.max() < 5e-15
    # yet the middle eigenvalues are wrong in the third decimal or worse
    assert forward.max() > 1e-3
    assert forward[0] < 1e-5 and forward[-1] < 1e-5
    # the condition numbers are huge in the middle, ~1e8 at the ends
    assert conditions.max() > 1e12
    assert conditions[0] < 1e9 and conditions[-1] < 1e9
    # first order: forward error <= condition * |E|, |E| = backward * |A|
    bound = conditions * backward * np.linalg.norm(A, 2)
    assert np.all(forward <= bound)


def test_backward_error_definition():
    A = np.array([[2.0, 1.0], [0.0, 3.0]])
    v = np.array([1.0, 0.1])
    mu = 2.1
    r = A @ v - mu * v
    E = -np.outer(r, v) / (v @ v)
    np.testing.assert_allclose((A + E) @ v, mu * v, atol=1e-15)
    expected = np.linalg.norm(E, 2) / np.linalg.norm(A, 2)
    assert eigenpair_backward_error(A, mu, v) == pytest.approx(expected, rel=1e-12)


def test_nearest_eigenvalue_types():
    assert nearest_eigenvalue(np.diag([1.0, 5.0]), 4) == 5.0
    assert isinstance(nearest_eigenvalue(np.diag([1.0, 5.0]), 4), float)
    rot = np.array([[0.0, -1.0], [1.0, 0.0]])
    assert nearest_eigenvalue(rot, 0.5j) == pytest.approx(1j)


def test_errors():
    with pytest.raises(ValueError, match=r"A must be a non-empty square matrix"):
        eigenvalue_sensitivity(np.ones((2, 3)), 1.0)
    with pytest.raises(ValueError, match="A contains non-finite values"):
        eigenvalue_sensitivity([[np.nan]], 1.0)
    with pytest.raises(TypeError, match="A must be a numeric matrix"):
        eigenvalue_sensitivity([["a"]], 1.0)
    with pytest.raises(TypeError, match="near must be a number"):
        eigenvalue_sensitivity(np.eye(2), "1")
    with pytest.raises(ValueError, match="near must be finite"):
        eigenvalue_sensitivity(np.eye(2), float("inf"))
    with pytest.raises(ValueError, match="is not simple"):
        eigenvalue_sensitivity(np.array([[1.0, 1.0], [0.0, 1.0]]), 1.0)
    with pytest.raises(ValueError, match="equally close to the eigenvalues"):
        eigenvalue_sensitivity(np.array([[0.0, -1.0], [1.0, 0.0]]), 0.0)
    with pytest.raises(ValueError, match=r"E has shape \(3, 3\); expected \(2, 2\)"):
        eigenvalue_sensitivity(np.diag([1.0, 2.0]), 1.0).first_order_shift(np.eye(3))
    with pytest.raises(ValueError, match=r"vector has shape \(3,\)"):
        eigenpair_backward_error(np.eye(2), 1.0, np.ones(3))
    with pytest.raises(ValueError, match="vector must not be zero"):
        eigenpair_backward_error(np.eye(2), 1.0, np.zeros(2))
    with pytest.raises(ValueError, match="A must not be the zero matrix"):
        eigenpair_backward_error(np.zeros((2, 2)), 1.0, np.ones(2))
    with pytest.raises(TypeError, match="eigenvalue must be a number"):
        eigenpair_backward_error(np.eye(2), None, np.ones(2))
    with pytest.raises(ValueError, match="steps must be a positive integer"):
        dominant_eigenvalue(np.eye(2), steps=0)
    with pytest.raises(ValueError, match=r"start has shape \(3,\)"):
        dominant_eigenvalue(np.eye(2), start=np.ones(3))
    with pytest.raises(ValueError, match="start must be finite and not zero"):
        dominant_eigenvalue(np.eye(2), start=np.zeros(2))
    with pytest.raises(ValueError, match="A must be real for power iteration"):
        dominant_eigenvalue(np.eye(2) * 1j)
    with pytest.raises(ValueError, match=r"A must be a non-empty square matrix"):
        grad(lambda v: dominant_eigenvalue(v))(np.ones(3))
