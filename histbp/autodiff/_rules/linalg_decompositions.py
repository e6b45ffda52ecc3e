"""Rules for numpy.linalg: inv, solve, det, slogdet, cholesky, eigh, svd.

Every rule works on stacks of matrices (leading "batch" axes). With
``X = inv(A)``: ``dX = -X dA X``, so the VJP is ``-X^T G X^T``. With
``X = solve(A, B)``: ``dX = solve(A, dB - dA X)``, so ``B`` gets
``solve(A^T, G)`` and ``A`` minus that times ``X^T``. The derivative of ``det``
is the cofactor matrix, ``det(A) inv(A)^T`` where ``A`` is invertible; it is
computed from the SVD ``A = U S Vh`` as ``det(U) det(Vh) U diag(c) Vh``, ``c_i``
the product of the singular values other than ``s_i``, which stays exact at
singular matrices. ``slogdet`` returns ``(sign, logabsdet)``: ``sign`` is
piecewise constant, ``logabsdet`` has derivative ``inv(A)^T``.

``cholesky`` and ``eigh`` read one triangle of their argument (numpy's
``cholesky`` and ``eigh(UPLO="L")`` the lower, ``eigh(UPLO="U")`` the upper), as
if the matrix were the symmetric matrix with that triangle. Their derivatives
are those of the functions numpy computes: only that triangle's entries have
nonzero derivatives, the off-diagonal ones twice the symmetric gradient's
(autograd and JAX report the symmetric gradient ``S``; the two agree in every
symmetric direction, and ``S`` is the symmetric part of the one given here).
With ``A = L L^T`` (Murray 2016): ``dL = L Phi(L^-1 dA L^-T)``, ``Phi`` taking the
lower triangle with half the diagonal, whose adjoint is
``L^-T Phi(L^T G) L^-1``. With ``A = V diag(w) V^T``: ``dw = diag(V^T dA V)``
and ``dV = V (F * (V^T dA V))``, ``F_ij = 1 / (w_j - w_i)`` off the diagonal.

``svd`` uses the standard formulas (Townsend 2016) for the reduced SVD, with
``F_ij = 1 / (s_j**2 - s_i**2)``. Singular vectors are unique (up to sign) only
where the singular values are distinct and nonzero, and the full ``U`` (or
``Vh``) of a non-square matrix not at all, so ``full_matrices=True`` on a
non-square matrix raises. Likewise eigenvectors need distinct eigenvalues.
Where a derivative does not exist (repeated eigenvalues or singular values, a
zero singular value, each where the cotangent involves them) the rules raise
:class:`UnsupportedOperationError` naming the case rather than return a wrong
number; a cotangent that only involves the sum of repeated values is fine
(``trace(V diag(w) V^T)`` at a multiple of the identity, say). Forward mode
raises at any repeated (or zero) value, since it cannot see how the result
will be used.

``eigh`` and ``svd`` have several outputs: they are composites that run one
primitive returning every output packed in one array, and unpack it by
indexing, which carries each output's cotangent back into the packed one.

References: I. Murray, "Differentiation of the Cholesky decomposition",
arXiv:1602.07527 (2016); J. Townsend, "Differentiating the singular value
decomposition" (2016); M. Giles, "An extended collection of matrix derivative
results for forward and reverse mode algorithmic differentiation", Oxford NA
report 08/01 (2008), for inv, solve, det and eigh.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from histbp.autodiff._broadcasting import unbroadcast
from histbp.autodiff._registry import defcomposite, defprimitive, unsupported
from histbp.autodiff._rules.reductions import _others
from histbp.autodiff._tracer import raw

__all__: list[str] = []

_EPS = float(np.finfo(np.float64).eps)
_NUMPY2 = int(np.__version__.split(".")[0]) >= 2


def _t(a: Any) -> Any:
    """Transpose of the last two axes (of each matrix in a stack)."""
    return np.swapaxes(a, -1, -2)


def _eye_like(n: int) -> np.ndarray:
    return np.eye(n)


def _result(kind: type, *parts: Any) -> Any:
    """The named tuple of results numpy uses (a plain tuple on old numpy)."""
    return kind(*parts) if kind is not tuple else tuple(parts)


# -- inv, solve ------------------------------------------------------------------------

defprimitive(
    np.linalg.inv,
    (lambda g, ans, a: -(_t(ans) @ g @ _t(ans)),),
    (lambda t, ans, a: -(ans @ t @ ans),),
)


def _is_vector(a: Any, b: Any) -> bool:
    """Whether ``solve(a, b)`` treats ``b`` as a vector (or stack of vectors)."""
    return np.ndim(b) == 1 if _NUMPY2 else np.ndim(b) == np.ndim(a) - 1


def _as_matrix(x: Any, vector: bool) -> Any:
    return np.asarray(x)[..., None] if vector else np.asarray(x)


def _solve_vjp_b(g, ans, a, b):
    vector = _is_vector(a, b)
    gb = np.linalg.solve(_t(a), _as_matrix(g, vector))
    return unbroadcast(gb[..., 0] if vector else gb, np.shape(b))


def _solve_vjp_a(g, ans, a, b):
    vector = _is_vector(a, b)
    gb = np.linalg.solve(_t(a), _as_matrix(g, vector))
    return unbroadcast(-(gb @ _t(_as_matrix(ans, vector))), np.shape(a))


def _solve_jvp_a(t, ans, a, b):
    vector = _is_vector(a, b)
    dx = -np.linalg.solve(a, t @ _as_matrix(ans, vector))
    return dx[..., 0] if vector else dx


def _solve_vjp_pair(g, ans, a, b):
    """Both cotangents, from one solve with the transposed matrix."""
    vector = _is_vector(a, b)
    gb = np.linalg.solve(_t(a), _as_matrix(g, vector))
    ga = unbroadcast(-(gb @ _t(_as_matrix(ans, vector))), np.shape(a))
    return ga, unbroadcast(gb[..., 0] if vector else gb, np.shape(b))


defprimitive(
    np.linalg.solve,
    (_solve_vjp_a, _solve_vjp_b),
    (_solve_jvp_a, lambda t, ans, a, b: np.linalg.solve(a, t)),
    vjp_pair=_solve_vjp_pair,
)


# -- det, slogdet ----------------------------------------------------------------------


def _cofactor(a: Any) -> np.ndarray:
    """``d det(A) / dA``, the cofactor matrix, exact also for singular ``A``."""
    u, s, vh = np.linalg.svd(a)
    scale = np.linalg.det(u) * np.linalg.det(vh)
    return scale[..., None, None] * ((u * _others(s, -1)[..., None, :]) @ vh)


defprimitive(
    np.linalg.det,
    (lambda g, ans, a: np.asarray(g)[..., None, None] * _cofactor(a),),
    (lambda t, ans, a: np.sum(_cofactor(a) * t, axis=(-2, -1)),),
)


def _inverse_transpose(a: Any) -> np.ndarray:
    try:
        return _t(np.linalg.inv(a))
    except np.linalg.LinAlgError:
        raise unsupported(
            "numpy.linalg.slogdet",
            "a singular matrix (log|det| is -inf there, with no derivative)",
        ) from None


def _logabsdet(a: Any) -> Any:
    return np.linalg.slogdet(a)[1]


_LOGABSDET = defprimitive(
    _logabsdet,
    (lambda g, ans, a: np.asarray(g)[..., None, None] * _inverse_transpose(a),),
    (lambda t, ans, a: np.sum(_inverse_transpose(a) * t, axis=(-2, -1)),),
    name="numpy.linalg.slogdet",
)
_SLOGDET = type(np.linalg.slogdet(np.eye(1)))


def _slogdet(a: Any) -> Any:
    sign = np.linalg.slogdet(raw(a))[0]
    return _result(_SLOGDET, sign, a._apply(_LOGABSDET, (a,), {}))


defcomposite(np.linalg.slogdet, _slogdet)


# -- one triangle read as a symmetric matrix -------------------------------------------


def _symmetric_from(t: Any, lower: bool) -> Any:
    """The symmetric matrix whose ``lower`` (or upper) triangle is ``t``'s."""
    tri = np.tril(t) if lower else np.triu(t)
    return tri + _t(np.tril(t, -1) if lower else np.triu(t, 1))


def _onto_triangle(sym: Any, lower: bool) -> Any:
    """The gradient with respect to the triangle read, from a symmetric one."""
    n = sym.shape[-1]
    twice = 2.0 * (np.tril(sym, -1) if lower else np.triu(sym, 1))
    return twice + sym * _eye_like(n)


def _phi(x: Any) -> Any:
    """The lower triangle of ``x`` with half its diagonal."""
    return np.tril(x) - 0.5 * x * _eye_like(x.shape[-1])


def _cholesky_vjp(g, ans, a):
    li = np.linalg.inv(ans)
    s = _t(li) @ _phi(_t(ans) @ g) @ li
    return _onto_triangle(0.5 * (s + _t(s)), lower=True)


def _cholesky_jvp(t, ans, a):
    li = np.linalg.inv(ans)
    return ans @ _phi(li @ _symmetric_from(t, lower=True) @ _t(li))


defprimitive(np.linalg.cholesky, (_cholesky_vjp,), (_cholesky_jvp,))


# -- eigh ------------------------------------------------------------------------------


def _gaps(values: np.ndarray, squared: bool = False) -> tuple[Any, Any, Any]:
    """``F`` (zero on the diagonal and at ties), the tie mask, the zero mask.

    ``F_ij = 1 / (v_j - v_i)`` (of the squares if ``squared``); values closer
    than a few rounding errors of the largest count as tied.
    """
    n = values.shape[-1]
    scale = np.max(np.abs(values), axis=-1, keepdims=True)
    tol = 100.0 * _EPS * max(n, 1) * scale
    close = np.abs(values[..., None, :] - values[..., :, None]) <= tol[..., None]
    tied = close & ~np.eye(n, dtype=bool)
    zero = np.abs(values) <= tol
    v = values * values if squared else values
    diff = v[..., None, :] - v[..., :, None]
    f = np.where(tied | np.eye(n, dtype=bool), 0.0, 1.0 / np.where(close, 1.0, diff))
    return f, tied, zero


def _unequal_on(tied: Any, g: Any) -> Any:
    """Whether ``g`` differs between two tied values."""
    return np.any(tied & (g[..., None, :] != g[..., :, None]))


def _eigh_packed(a: Any, UPLO: str = "L") -> np.ndarray:
    w, v = np.linalg.eigh(a, UPLO)
    return np.concatenate([w[..., None, :], v], axis=-2)


def _eigh_vjp(g, ans, a, UPLO="L"):
    w, v = ans[..., 0, :], ans[..., 1:, :]
    gw, gv = g[..., 0, :], g[..., 1:, :]
    f, tied, _ = _gaps(w)
    if np.any(tied) and (np.any(gv != 0.0) or _unequal_on(tied, gw)):
        raise unsupported(
            "numpy.linalg.eigh",
            "repeated eigenvalues (their eigenvectors, and each of them apart "
            "from their sum, have no derivative)",
        )
    inner = f * (_t(v) @ gv)
    inner += gw[..., None, :] * _eye_like(w.shape[-1])
    m = v @ inner @ _t(v)
    return _onto_triangle(0.5 * (m + _t(m)), lower=UPLO == "L")


def _eigh_jvp(t, ans, a, UPLO="L"):
    w, v = ans[..., 0, :], ans[..., 1:, :]
    f, tied, _ = _gaps(w)
    if np.any(tied):
        raise unsupported(
            "numpy.linalg.eigh", "repeated eigenvalues in forward mode (no derivative)"
        )
    p = _t(v) @ _symmetric_from(t, lower=UPLO == "L") @ v
    dw = np.diagonal(p, axis1=-2, axis2=-1)
    return np.concatenate([dw[..., None, :], v @ (f * p)], axis=-2)


_EIGH = defprimitive(
    _eigh_packed,
    (_eigh_vjp,),
    (_eigh_jvp,),
    kwargs=("UPLO",),
    name="numpy.linalg.eigh",
)
_EIGH_RESULT = type(np.linalg.eigh(np.eye(1)))


def _eigh(a: Any, UPLO: str = "L") -> Any:
    packed = a._apply(_EIGH, (a,), {"UPLO": UPLO})
    return _result(_EIGH_RESULT, packed[..., 0, :], packed[..., 1:, :])


defcomposite(np.linalg.eigh, _eigh)


# -- svd -------------------------------------------------------------------------------


def _svd_parts(a: Any) -> tuple[int, int, int]:
    m, n = np.shape(a)[-2:]
    return m, n, min(m, n)


def _svd_packed(a: Any) -> np.ndarray:
    u, s, vh = np.linalg.svd(a, full_matrices=False)
    batch = s.shape[:-1]
    return np.concatenate(
        [u.reshape((*batch, -1)), s, vh.reshape((*batch, -1))], axis=-1
    )


def _svd_unpacked(packed: Any, a: Any) -> tuple[Any, Any, Any]:
    m, n, k = _svd_parts(a)
    batch = np.shape(a)[:-2]
    u = packed[..., : m * k].reshape((*batch, m, k))
    s = packed[..., m * k : m * k + k]
    vh = packed[..., m * k + k :].reshape((*batch, k, n))
    return u, s, vh


def _svd_check(s: Any, tied: Any, zero: Any, vectors_used: bool, gs: Any) -> None:
    bad = None
    if np.any(tied) and (vectors_used or gs is None or _unequal_on(tied, gs)):
        bad = "repeated singular values"
    elif np.any(zero) and (vectors_used or gs is None or np.any(gs[zero] != 0.0)):
        bad = "a zero singular value"
    if bad is not None:
        raise unsupported(
            "numpy.linalg.svd",
            f"{bad} (the singular vectors, or the values themselves, have no "
            "derivative there)",
        )


def _inverse(s: Any) -> Any:
    return np.where(s == 0.0, 0.0, 1.0 / np.where(s == 0.0, 1.0, s))


def _svd_vjp(g, ans, a):
    u, s, vh = _svd_unpacked(ans, a)
    gu, gs, gvh = _svd_unpacked(g, a)
    m, n, k = _svd_parts(a)
    v, gv = _t(vh), _t(gvh)
    f, tied, zero = _gaps(s, squared=True)
    used = bool(np.any(gu != 0.0) or np.any(gv != 0.0))
    _svd_check(s, tied, zero, used, gs)
    sm = s[..., None, :]  # multiplies columns: X * sm == X @ diag(s)
    j = f * (_t(u) @ gu - _t(gu) @ u)
    kk = f * (_t(v) @ gv - _t(gv) @ v)
    core = j * sm + gs[..., None, :] * _eye_like(k) + _t(sm) * kk
    out = u @ core @ vh
    inv = _inverse(s)[..., None, :]
    if m > k:
        out += (gu - u @ (_t(u) @ gu)) * inv @ vh
    if n > k:
        out += (u * inv) @ (_t(gv) - (_t(gv) @ v) @ vh)
    return out


def _svd_jvp(t, ans, a):
    u, s, vh = _svd_unpacked(ans, a)
    m, n, k = _svd_parts(a)
    v = _t(vh)
    f, tied, zero = _gaps(s, squared=True)
    _svd_check(s, tied, zero, True, None)
    sm = s[..., None, :]
    dp = _t(u) @ t @ v
    ds = np.diagonal(dp, axis1=-2, axis2=-1)
    du = u @ (f * (dp * sm + _t(sm) * _t(dp)))
    dv = v @ (f * (_t(sm) * dp + _t(dp) * sm))
    inv = _inverse(s)[..., None, :]
    if m > k:
        du = du + (t @ v - u @ dp) * inv
    if n > k:
        dv = dv + (_t(t) @ u - v @ _t(dp)) * inv
    batch = s.shape[:-1]
    return np.concatenate(
        [du.reshape((*batch, -1)), ds, _t(dv).reshape((*batch, -1))], axis=-1
    )


_SVD = defprimitive(_svd_packed, (_svd_vjp,), (_svd_jvp,), name="numpy.linalg.svd")


def _singular_values(a: Any) -> np.ndarray:
    return np.linalg.svd(a, compute_uv=False)


def _singular_values_vjp(g, ans, a):
    u, s, vh = np.linalg.svd(a, full_matrices=False)
    _, tied, zero = _gaps(s, squared=True)
    _svd_check(s, tied, zero, False, g)
    return (u * g[..., None, :]) @ vh


def _singular_values_jvp(t, ans, a):
    u, s, vh = np.linalg.svd(a, full_matrices=False)
    _, tied, zero = _gaps(s, squared=True)
    _svd_check(s, tied, zero, True, None)
    return np.diagonal(_t(u) @ t @ _t(vh), axis1=-2, axis2=-1)


_SINGULAR_VALUES = defprimitive(
    _singular_values,
    (_singular_values_vjp,),
    (_singular_values_jvp,),
    name="numpy.linalg.svd",
)
_SVD_RESULT = type(np.linalg.svd(np.eye(1)))


def _svd(
    a: Any, full_matrices: bool = True, compute_uv: bool = True, hermitian: bool = False
) -> Any:
    if hermitian:
        raise unsupported("numpy.linalg.svd", "hermitian=True")
    if not compute_uv:
        return a._apply(_SINGULAR_VALUES, (a,), {})
    m, n, _ = _svd_parts(raw(a))
    if full_matrices and m != n:
        raise unsupported(
            "numpy.linalg.svd",
            "full_matrices=True for a non-square matrix (the extra singular "
            "vectors are not unique; pass full_matrices=False)",
        )
    packed = a._apply(_SVD, (a,), {})
    return _result(_SVD_RESULT, *_svd_unpacked(packed, raw(a)))


defcomposite(np.linalg.svd, _svd)
