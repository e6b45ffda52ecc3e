"""Issue 12's functions: their errors, conventions and keywords at default values.

The derivatives themselves are checked in test_autodiff_primitives.py (central
differences, both modes) and test_autodiff_oracle.py (against autograd).
"""

from __future__ import annotations

import numpy as np
import pytest

from histbp.autodiff import UnsupportedOperationError, grad, jvp, value_and_grad

RNG = np.random.default_rng(12)
A = RNG.standard_normal((3, 4))
SQUARE = RNG.standard_normal((3, 3)) + 3.0 * np.eye(3)


def _both_modes_raise(f, x, pattern):
    with pytest.raises(UnsupportedOperationError, match=pattern):
        grad(lambda z: np.sum(f(z)))(x)
    with pytest.raises(UnsupportedOperationError, match=pattern):
        jvp(lambda z: np.sum(f(z)), (x,), (np.ones_like(x),))


@pytest.mark.parametrize(
    ("f", "x", "pattern"),
    [
        (lambda z: np.pad(z, 1, mode="mean"), A, r"numpy.pad: mode='mean'"),
        (lambda z: np.pad(z, 1, "linear_ramp"), A, r"numpy.pad: mode='linear_ramp'"),
        (
            lambda z: np.pad(z, 1, "reflect", reflect_type="odd"),
            A,
            r"numpy.pad: reflect_type='odd'",
        ),
        (lambda z: np.linalg.svd(z)[0], A, r"numpy.linalg.svd: full_matrices=True"),
        (lambda z: np.linalg.svd(z, hermitian=True)[1], A, r"svd: hermitian=True"),
        (
            lambda z: np.linalg.cholesky(z @ z.T, upper=True),
            SQUARE,
            r"numpy.linalg.cholesky: keyword argument\(s\) upper=True",
        ),
        (lambda z: np.atleast_2d(z, z)[0], A, r"numpy.atleast_2d: several arrays"),
        (
            lambda z: np.linalg.slogdet(z * np.array([1.0, 1.0, 0.0]))[1],
            SQUARE,
            r"numpy.linalg.slogdet: a singular matrix",
        ),
        (
            lambda z: np.linalg.norm(z * np.array([1.0, 1.0, 0.0]), -2, axis=(0, 1)),
            A.T,
            r"numpy.linalg.norm: ord=-2 where that singular value is 0",
        ),
        (lambda z: np.var(z, where=z > 0.0), A, r"numpy.var: keyword.*where"),
        (lambda z: np.vstack([z, z], casting="unsafe"), A, r"numpy.vstack: .*casting"),
    ],
)
def test_unsupported_cases_are_named_in_both_modes(f, x, pattern):
    _both_modes_raise(f, x, pattern)


def test_sort_by_field_order_is_refused():
    with pytest.raises(UnsupportedOperationError, match=r"numpy.sort: order="):
        grad(lambda z: np.sum(np.sort(z, order="x")))(A)


def _repeated_eigenvalues(z):
    return np.diag(np.array([1.0, 1.0, 2.0])) + 0.0 * z


def test_eigh_at_repeated_eigenvalues_raises_only_where_no_derivative_exists():
    # The eigenvectors of a repeated eigenvalue, and each eigenvalue apart from
    # their sum, have no derivative: refused.
    with pytest.raises(UnsupportedOperationError, match="eigh: repeated eigenvalues"):
        grad(lambda z: np.sum(np.linalg.eigh(_repeated_eigenvalues(z) + z)[1]))(
            np.zeros((3, 3))
        )
    with pytest.raises(UnsupportedOperationError, match="eigh: repeated eigenvalues"):
        grad(lambda z: np.linalg.eigh(_repeated_eigenvalues(z) + z)[0][0])(
            np.zeros((3, 3))
        )
    with pytest.raises(UnsupportedOperationError, match="eigh: repeated eigenvalues"):
        jvp(lambda z: np.linalg.eigh(z)[0], (np.eye(3),), (np.ones((3, 3)),))
    # The sum of the eigenvalues (the trace) is differentiable: d/dA trace = I.
    g = grad(lambda z: np.sum(np.linalg.eigh(z).eigenvalues))(np.eye(3))
    np.testing.assert_allclose(g, np.eye(3), atol=1e-12)
    # The largest eigenvalue, simple, is differentiable beside a repeated pair.
    g = grad(lambda z: np.linalg.eigh(_repeated_eigenvalues(z) + z)[0][2])(
        np.zeros((3, 3))
    )
    np.testing.assert_allclose(g, np.diag([0.0, 0.0, 1.0]), atol=1e-12)


def test_svd_at_repeated_or_zero_singular_values():
    with pytest.raises(UnsupportedOperationError, match="svd: repeated singular"):
        grad(lambda z: np.sum(np.linalg.svd(z)[0]))(np.eye(3))
    with pytest.raises(UnsupportedOperationError, match="svd: a zero singular"):
        grad(lambda z: np.sum(np.linalg.svd(z, compute_uv=False)))(
            np.diag([3.0, 2.0, 0.0])
        )
    with pytest.raises(UnsupportedOperationError, match="svd: repeated singular"):
        jvp(lambda z: np.linalg.svd(z, compute_uv=False), (np.eye(2),), (np.eye(2),))
    # The nuclear norm at the identity: all singular values tie, the gradient
    # of their sum exists and is U Vh = I.
    g = grad(lambda z: np.sum(np.linalg.svd(z, compute_uv=False)))(np.eye(3))
    np.testing.assert_allclose(g, np.eye(3), atol=1e-12)


def test_cholesky_reads_the_lower_triangle_as_numpy_does():
    spd = SQUARE @ SQUARE.T
    g = grad(lambda z: np.sum(np.linalg.cholesky(z)))(spd)
    np.testing.assert_array_equal(np.triu(g, 1), 0.0)
    assert np.all(g[np.tril_indices(3, -1)] != 0.0)


def test_det_at_a_singular_matrix_is_the_cofactor_matrix():
    singular = np.array([[1.0, 2.0, 3.0], [2.0, 4.0, 6.0], [0.5, -1.0, 2.0]])
    cofactor = np.array(
        [
            [
                np.linalg.det(np.delete(np.delete(singular, i, 0), j, 1))
                * (-1) ** (i + j)
                for j in range(3)
            ]
            for i in range(3)
        ]
    )
    np.testing.assert_allclose(grad(np.linalg.det)(singular), cofactor, atol=1e-12)


def test_nan_to_num_has_derivative_zero_where_it_replaced_a_value():
    x = np.array([1.0, np.nan, np.inf, -np.inf, -2.0])
    g = grad(lambda z: np.sum(np.nan_to_num(z, posinf=5.0, neginf=-5.0) * 3.0))(x)
    np.testing.assert_array_equal(g, [3.0, 0.0, 0.0, 0.0, 3.0])


def test_fmax_follows_the_argument_that_is_not_nan():
    x, y = np.array([1.0, np.nan, 3.0]), np.array([2.0, 5.0, np.nan])
    gx, gy = grad(lambda a, b: np.sum(np.fmax(a, b)), argnum=(0, 1))(x, y)
    np.testing.assert_array_equal(gx, [0.0, 0.0, 1.0])
    np.testing.assert_array_equal(gy, [1.0, 1.0, 0.0])


def test_split_returns_pieces_and_slogdet_and_eigh_named_tuples():
    def f(z):
        top, bottom = np.split(z, [1])
        result = np.linalg.slogdet(z[:, :3] + 3.0 * np.eye(3))
        assert result.sign == 1.0
        eig = np.linalg.eigh(z[:, :3] @ z[:, :3].T)
        return (
            np.sum(top) * 2.0
            + np.sum(bottom)
            + result.logabsdet * 0.0
            + 0.0 * np.sum(eig.eigenvalues)
        )

    value, g = value_and_grad(f)(A)
    np.testing.assert_allclose(g[0], 2.0)
    np.testing.assert_allclose(g[1:], 1.0)
    assert value == pytest.approx(2.0 * A[0].sum() + A[1:].sum())


@pytest.mark.parametrize(
    "f",
    [
        lambda z: np.vstack([z, z], dtype=None, casting="same_kind"),
        lambda z: np.concatenate([z, z], casting="same_kind"),
        lambda z: np.exp(z, casting="same_kind", order="K", where=True),
        lambda z: np.sum(z, out=None, where=True),
        lambda z: np.einsum("ij->j", z, out=None, dtype=None, casting="safe"),
        lambda z: np.cumprod(z, axis=1, out=None),
        lambda z: np.var(z, ddof=1, out=None, keepdims=False),
        lambda z: np.linalg.cholesky(z[:, :3] @ z[:, :3].T + np.eye(3), upper=False),
        lambda z: np.broadcast_to(z, (2, 3, 4), subok=False),
        lambda z: np.sort(z, stable=None),
        lambda z: np.reshape(z, (4, 3), order="C"),
    ],
)
def test_keywords_at_their_default_values_are_accepted(f):
    plain = f(A)
    value, tangent = jvp(lambda z: np.sum(f(z)), (A,), (np.ones_like(A),))
    assert value == pytest.approx(np.sum(plain))
    g = grad(lambda z: np.sum(f(z)))(A)
    assert np.sum(g) == pytest.approx(tangent)


def test_remainder_operator_on_floats_and_arrays():
    assert grad(lambda x: x % 0.75)(2.0) == 1.0
    assert grad(lambda y: 2.0 % y)(0.75) == pytest.approx(-2.0)  # floor(2/0.75) = 2
    g = grad(lambda x: np.sum(np.array([3.0, -3.0]) % x))(np.array([2.0, 2.0]))
    np.testing.assert_array_equal(g, [-1.0, 2.0])  # -floor(1.5), -floor(-1.5)


def test_writing_into_arrays_is_refused():
    with pytest.raises(UnsupportedOperationError, match=r"numpy.var: keyword.*out"):
        grad(lambda z: np.var(z, out=np.empty(())))(A)
    with pytest.raises(UnsupportedOperationError, match=r"nan_to_num: .*copy=False"):
        grad(lambda z: np.sum(np.nan_to_num(z, copy=False)))(A)


def test_norm_of_order_below_one_at_a_zero_entry_is_refused():
    _both_modes_raise(
        lambda z: np.linalg.norm(z, 0.5),
        np.array([1.0, 0.0, 2.0]),
        r"numpy.linalg.norm: ord=0.5 at a zero entry",
    )
