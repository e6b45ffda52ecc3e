"""Agreement with HIPS autograd, an independent implementation, on composites."""

from __future__ import annotations

import numpy as np
import pytest

from histbp.autodiff import grad, jacobian, sigmoid, value_and_grad, vjp

autograd = pytest.importorskip("autograd")
anp = pytest.importorskip("autograd.numpy")

RNG = np.random.default_rng(2024)
X = RNG.standard_normal((16, 5))
LABELS = RNG.integers(0, 3, 16)
ONE_HOT = np.eye(3)[LABELS]
PARAMS = (
    RNG.standard_normal((5, 8)) / 2,
    RNG.standard_normal(8) / 10,
    RNG.standard_normal((8, 3)) / 3,
    RNG.standard_normal(3) / 10,
)


def mlp_loss(xp, activation):
    def loss(w1, b1, w2, b2):
        if activation == "relu":
            h = xp.maximum(X @ w1 + b1, 0.0)
        elif activation == "sigmoid":
            a = X @ w1 + b1
            h = sigmoid(a) if xp is np else 1.0 / (1.0 + xp.exp(-a))
        else:
            h = xp.tanh(X @ w1 + b1)
        z = h @ w2 + b2
        m = xp.max(z, axis=1, keepdims=True)
        log_softmax = z - m - xp.log(xp.sum(xp.exp(z - m), axis=1, keepdims=True))
        return -xp.mean(xp.sum(ONE_HOT * log_softmax, axis=1))

    return loss


def softmax_cross_entropy(xp):
    def loss(logits):
        shifted = logits - xp.max(logits, axis=-1, keepdims=True)
        log_p = shifted - xp.log(xp.sum(xp.exp(shifted), axis=-1, keepdims=True))
        return -xp.sum(log_p[np.arange(len(LABELS)), LABELS]) / len(LABELS)

    return loss


def indexing_chain(xp):
    def f(x):
        y = xp.where(x > 0.0, x**2, xp.sin(x))
        z = y[1:, ::2] * x[:-1, 1::2] + y[[0, 0, 3, 2], 1][:, None]
        w = xp.reshape(z, (-1,))[::3]
        return xp.sum(xp.abs(w) + xp.sqrt(z.T @ z + 1.0)[0, 1]) + xp.min(x, axis=0)[2]

    return f


def assert_all_close(a, b):
    for u, v in zip(a, b, strict=True):
        np.testing.assert_allclose(u, v, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("activation", ["tanh", "relu", "sigmoid"])
def test_mlp_loss_gradients_match_autograd(activation):
    argnums = (0, 1, 2, 3)
    ours = value_and_grad(mlp_loss(np, activation), argnum=argnums)(*PARAMS)
    theirs = autograd.value_and_grad(mlp_loss(anp, activation), argnum=list(argnums))(
        *PARAMS
    )
    assert ours[0] == pytest.approx(theirs[0], rel=1e-12)
    assert_all_close(ours[1], theirs[1])


def test_softmax_cross_entropy_matches_autograd():
    logits = RNG.standard_normal((16, 3)) * 3
    ours = grad(softmax_cross_entropy(np))(logits)
    theirs = autograd.grad(softmax_cross_entropy(anp))(logits)
    np.testing.assert_allclose(ours, theirs, rtol=1e-10, atol=1e-14)


def test_indexing_and_where_chain_matches_autograd():
    x = RNG.standard_normal((5, 6))
    np.testing.assert_allclose(
        grad(indexing_chain(np))(x), autograd.grad(indexing_chain(anp))(x), rtol=1e-10
    )


def test_vjp_and_jacobian_match_autograd_on_a_vector_function():
    w = RNG.standard_normal((4, 3))

    def f(xp):
        return lambda x: xp.tanh(w @ x) * xp.exp(x[0])

    x = RNG.standard_normal(3)
    cotangent = RNG.standard_normal(4)
    value, vjp_fn = vjp(f(np), x)
    their_vjp, their_value = autograd.make_vjp(f(anp))(x)
    np.testing.assert_allclose(value, their_value)
    np.testing.assert_allclose(vjp_fn(cotangent)[0], their_vjp(cotangent), rtol=1e-12)
    expected = autograd.jacobian(f(anp))(x)
    for mode in ("reverse", "forward"):
        np.testing.assert_allclose(jacobian(f(np), mode=mode)(x), expected, rtol=1e-12)
