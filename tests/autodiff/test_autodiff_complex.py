"""Complex numbers: autograd's convention, checked three ways, and refusals.

For a real-valued ``f`` of ``z = x + iy`` the gradient is ``df/dx - i df/dy``.
Each function below is checked against HIPS autograd (the oracle), against
central differences along the real and the imaginary directions, and in forward
mode (``jvp`` with a complex tangent ``t`` gives ``Re(sum(grad * t))``).
"""

from __future__ import annotations

import numpy as np
import pytest

from histbp.autodiff import (
    UnsupportedOperationError,
    grad,
    jacobian,
    jvp,
    sigmoid,
    value_and_grad,
    vjp,
)
from histbp.testing import check_grads

autograd = pytest.importorskip("autograd")
anp = pytest.importorskip("autograd.numpy")

pytestmark = pytest.mark.filterwarnings("error")  # a ComplexWarning fails a test

RNG = np.random.default_rng(1970)
Z = RNG.standard_normal((3, 4)) + 1j * RNG.standard_normal((3, 4))
W = RNG.standard_normal((3, 4)) + 1j * RNG.standard_normal((3, 4))
M = RNG.standard_normal((4, 2)) + 1j * RNG.standard_normal((4, 2))


def _real_valued(xp):
    """Real-valued functions of a complex (3, 4) array, written for numpy ``xp``."""
    return {
        "abs2": lambda z: xp.sum(xp.abs(z) ** 2),
        "real(z^2)": lambda z: xp.real(xp.sum(z**2)),
        "imag(sin z conj z)": lambda z: xp.imag(xp.sum(xp.sin(z) * xp.conj(z))),
        "abs(exp z w)": lambda z: xp.sum(xp.abs(xp.exp(z) * W)),
        "angle": lambda z: xp.sum(xp.angle(z) * xp.real(W)),
        # autograd's angle has no deg keyword: its oracle converts by hand.
        "angle(deg)": (lambda z: xp.sum(xp.angle(z, deg=True)))
        if xp is np
        else (lambda z: xp.sum(xp.angle(z)) * (180.0 / np.pi)),
        "abs(z @ M)": lambda z: xp.sum(xp.abs(xp.dot(z, M))),
        "abs(matmul)": lambda z: xp.sum(xp.abs(xp.matmul(z.T, z))),
        "real(prod)": lambda z: xp.real(xp.prod(z[0] + 2.0)),
        "re*im": lambda z: xp.sum(xp.real(z) * xp.imag(z)),
        "abs(log)": lambda z: xp.sum(xp.abs(xp.log(z))),
        "abs(sqrt)": lambda z: xp.sum(xp.abs(xp.sqrt(z + 3.0))),
        "tanh,cosh,sinh": lambda z: xp.sum(
            xp.abs(xp.tanh(z) + xp.cosh(z) * xp.sinh(z))
        ),
        "tan,cos,arctan": lambda z: xp.real(
            xp.sum(xp.tan(z / 4) * xp.cos(z) + xp.arctan(z / 4))
        ),
        "divide,reciprocal": lambda z: xp.sum(xp.abs(W / z + xp.reciprocal(z + 2.0))),
        "power": lambda z: xp.sum(xp.abs(z ** (0.5 + 1j) + 2.0**z)),
        "square,expm1,log1p": lambda z: xp.sum(
            xp.abs(xp.square(z) + xp.expm1(z) - xp.log1p(z + 3.0))
        ),
        "mean,cumsum": lambda z: xp.abs(xp.mean(xp.cumsum(z, axis=1) * W)),
        "where,getitem": lambda z: xp.sum(
            xp.abs(xp.where(xp.real(z) > 0, z, 2.0 * z)[1:, ::2])
        ),
        "reshape,transpose": lambda z: xp.sum(
            xp.real(xp.reshape(z, (2, 6)) * xp.transpose(z).reshape(2, 6))
        ),
        "stack,concatenate": lambda z: xp.sum(
            xp.abs(xp.concatenate([xp.stack([z, W]).ravel(), z[0]]))
        ),
        "real operand": lambda z: xp.sum(xp.abs(z * xp.real(W) + xp.imag(z) * W)),
        "outer,negative,positive": lambda z: xp.sum(
            # autograd has no rule for numpy.positive.
            xp.abs(xp.outer(-z[0], np.positive(z[1]) if xp is np else z[1]) - z[2, 0])
        ),
        "moving axes": lambda z: xp.real(
            xp.sum(
                xp.squeeze(xp.expand_dims(z, 0))
                * xp.moveaxis(xp.swapaxes(z[None], 0, 1), 0, 1)[0]
            )
        ),
        "copy,vstack,hstack": lambda z: (
            xp.sum(xp.abs(xp.vstack([xp.copy(z) if xp is np else z, W]) ** 2))
            + xp.sum(xp.abs(xp.hstack([z, W])))
        ),
    }


NAMES = list(_real_valued(np))


@pytest.mark.parametrize("name", NAMES)
def test_gradient_of_a_complex_input_matches_autograd(name):
    ours = grad(_real_valued(np)[name])(Z)
    theirs = autograd.grad(_real_valued(anp)[name])(Z)
    assert ours.dtype == np.complex128
    np.testing.assert_allclose(ours, theirs, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("name", NAMES)
def test_gradient_of_a_complex_input_matches_central_differences(name):
    f = _real_valued(np)[name]
    g = grad(f)(Z)
    # df/dx = Re g and df/dy = -Im g, in the real and imaginary parts as real arguments
    check_grads(
        lambda x, y: f(x + 1j * y),
        (Z.real, Z.imag),
        grad_fn=lambda x, y: (g.real, -g.imag),
        seed=RNG,
    )


@pytest.mark.parametrize("name", NAMES)
def test_forward_mode_with_a_complex_tangent_agrees(name):
    f = _real_valued(np)[name]
    t = RNG.standard_normal(Z.shape) + 1j * RNG.standard_normal(Z.shape)
    value, tangent = jvp(f, (Z,), (t,))
    assert value == pytest.approx(float(f(Z)), rel=1e-14)
    assert isinstance(tangent, float)
    expected = float(np.real(np.sum(grad(f)(Z) * t)))
    assert tangent == pytest.approx(expected, rel=1e-10, abs=1e-12)


def test_every_complex_safe_primitive_has_a_complex_case(monkeypatch):
    from histbp.autodiff._registry import COMPLEX_SAFE

    seen = set()
    for prim in COMPLEX_SAFE:

        def spy(*args, prim=prim, fun=prim.fun, **kwargs):
            flat = args[0] if prim.sequence is not None else args
            if any(np.iscomplexobj(a) for a in flat):
                seen.add(prim)
            return fun(*args, **kwargs)

        monkeypatch.setattr(prim, "fun", spy)
    for f in _real_valued(np).values():
        grad(f)(Z)
    grad(lambda z: np.sum(np.abs(z.astype(np.complex64))))(Z)
    assert {p.name for p in COMPLEX_SAFE - seen} == set()


# -- real inputs through complex intermediates: the examples -------------------


X = np.array([-1.5, -0.2, 0.3, 2.0])


@pytest.mark.parametrize("mode", ["reverse", "forward"])
def test_abs_of_a_complex_multiple_has_gradient_sqrt2_sign(mode):
    def f(x):
        return np.sum(np.abs(x * (1 + 1j)))

    expected = np.sqrt(2.0) * np.sign(X)
    if mode == "reverse":
        g = grad(f)(X)
        assert g.dtype == np.float64
    else:
        g = jacobian(f, mode="forward")(X)
    np.testing.assert_allclose(g, expected, rtol=1e-14)


@pytest.mark.parametrize("mode", ["reverse", "forward"])
def test_abs_of_a_unit_phasor_has_gradient_zero(mode):
    def f(x):
        return np.sum(np.abs(np.exp(1j * x)))

    g = grad(f)(X) if mode == "reverse" else jacobian(f, mode="forward")(X)
    np.testing.assert_allclose(g, 0.0, atol=1e-14)


def test_real_function_through_complex_intermediates_matches_autograd():
    def f(xp):
        def loss(x, y):
            z = xp.exp(1j * x) * (y + 0.5j) + xp.conj(x * W[0])
            spectrum = xp.cumsum(z * xp.exp(-2j * xp.pi * xp.arange(4) / 4.0))
            return xp.sum(xp.abs(spectrum) ** 2) + xp.angle(z[1]) * y[0]

        return loss

    y = RNG.standard_normal(4)
    ours = grad(f(np), argnum=(0, 1))(X, y)
    theirs = autograd.grad(f(anp), argnum=[0, 1])(X, y)
    for u, v in zip(ours, theirs, strict=True):
        assert u.dtype == np.float64
        np.testing.assert_allclose(u, v, rtol=1e-10, atol=1e-12)


def test_python_complex_input_gets_a_python_complex_gradient():
    g = grad(lambda z: abs(z * z + 1.0))(0.3 + 0.8j)
    expected = autograd.grad(lambda z: anp.abs(z * z + 1.0))(0.3 + 0.8j)
    assert isinstance(g, complex)
    assert g == pytest.approx(expected, rel=1e-12)
    g = grad(lambda z: np.real(z) ** 2 + np.imag(z))(1.5 - 2j)
    assert g == pytest.approx(3.0 - 1j)


def test_mixed_real_and_complex_arguments():
    def f(xp):
        return lambda z, x: xp.sum(xp.abs(z + x) ** 2 * x)

    ours = grad(f(np), argnum=(0, 1))(Z[0], X)
    theirs = autograd.grad(f(anp), argnum=[0, 1])(Z[0], X)
    assert ours[0].dtype == np.complex128 and ours[1].dtype == np.float64
    for u, v in zip(ours, theirs, strict=True):
        np.testing.assert_allclose(u, v, rtol=1e-12)


# -- complex outputs: holomorphic derivatives through vjp and jvp ----------------------


@pytest.mark.parametrize("fn", [np.sin, np.exp, np.tanh, np.log, lambda z: z**3])
def test_vjp_and_jvp_of_a_holomorphic_function_give_its_derivative(fn):
    z = Z[0] + 3.0  # away from the branch cut of log
    _, vjp_fn = vjp(fn, z)
    (cotangent,) = vjp_fn(np.ones(4, dtype=complex))
    _, tangent = jvp(fn, (z,), (np.ones(4, dtype=complex),))
    # f'(z) = d Re f/dx + i d Im f/dx along the real axis (Cauchy-Riemann): both
    # parts of each derivative against central differences in x, entry by entry.
    for derivative in (cotangent, tangent):
        for part in (np.real, np.imag):
            check_grads(
                lambda x, part=part: part(fn(x + 1j * z.imag)),
                (z.real,),
                grad_fn=lambda x, d=derivative, part=part: np.diag(part(d)),
                directions="coordinates",
                rtol=1e-7,
                atol=1e-9,
            )


def test_vjp_of_a_complex_output_matches_autograd():
    def f(xp):
        return lambda z: xp.exp(z) * xp.conj(z) + xp.real(z)

    g = RNG.standard_normal(4) + 1j * RNG.standard_normal(4)
    _, vjp_fn = vjp(f(np), Z[0])
    theirs = autograd.make_vjp(f(anp))(Z[0])[0](g)
    np.testing.assert_allclose(vjp_fn(g)[0], theirs, rtol=1e-12)


# -- what is refused ------------------------------------------------------------------


def test_grad_of_a_complex_valued_function_raises():
    with pytest.raises(TypeError, match="real-valued"):
        grad(lambda x: np.sum(x * 1j))(X)
    with pytest.raises(TypeError, match="real-valued"):
        grad(lambda z: z * z)(1.0 + 2.0j)
    with pytest.raises(TypeError, match="real-valued"):
        value_and_grad(lambda x: np.sum(np.exp(1j * x)))(X)


@pytest.mark.parametrize(
    ("name", "fn"),
    [
        ("numpy.maximum", lambda z: np.maximum(z, 0.0)),
        ("numpy.minimum", lambda z: np.minimum(z, 1.0)),
        ("numpy.clip", lambda z: np.clip(z, -1.0, 1.0)),
        ("numpy.max", lambda z: np.max(z)),
        ("numpy.linalg.norm", lambda z: np.linalg.norm(z)),
        ("sigmoid", lambda z: sigmoid(z)),
    ],
)
@pytest.mark.parametrize("mode", ["reverse", "forward"])
def test_rules_for_real_numbers_refuse_complex_values(name, fn, mode):
    def f(x):
        return np.sum(np.real(fn(x * (1.0 + 0.5j))))

    with pytest.raises(UnsupportedOperationError, match=f"{name}.*complex"):
        if mode == "reverse":
            grad(f)(X)
        else:
            jvp(f, (X,), (X,))


def test_jacobian_refuses_complex_inputs_and_outputs():
    with pytest.raises(TypeError, match="argument 0 is complex"):
        jacobian(np.abs)(Z)
    for mode in ("reverse", "forward"):
        with pytest.raises(TypeError, match="real-valued"):
            jacobian(lambda x: x * 1j, mode=mode)(X)


def test_complex_cotangents_and_tangents_need_complex_values():
    _, vjp_fn = vjp(np.sin, X)
    with pytest.raises(TypeError, match="cotangent is complex"):
        vjp_fn(X * 1j)
    with pytest.raises(TypeError, match="tangent 0 is complex"):
        jvp(np.sin, (X,), (X * 1j,))


def test_casting_complex_to_real_raises():
    with pytest.raises(UnsupportedOperationError, match="drops the imaginary part"):
        grad(lambda x: np.sum((x * 1j).astype(np.float64)))(X)
