"""The unrolled autoencoder: structure and the backward sweep's gradients."""

from __future__ import annotations

import numpy as np
import pytest

from histbp.autodiff import grad
from histbp.nets import (
    Autoencoder,
    autoencoder_gradients,
    fine_tune_autoencoder,
    random_autoencoder,
    train_rbm_stack,
    unroll,
)
from histbp.testing import check_grads


def _data(n=30, d=6, seed=0):
    return np.random.default_rng(seed).random((n, d))


def _stack():
    return train_rbm_stack(_data(), (5, 3, 2), epochs=3, batch_size=10, seed=1)


def test_unroll_mirrors_the_stack():
    stack = _stack()
    ae = unroll(stack)
    assert ae.sizes == (6, 5, 3, 2, 3, 5, 6)
    np.testing.assert_array_equal(ae.weights[0], stack[0].weights)
    np.testing.assert_array_equal(ae.weights[5], stack[0].weights.T)
    np.testing.assert_array_equal(ae.biases[5], stack[0].visible_bias)
    np.testing.assert_array_equal(ae.biases[2], stack[2].hidden_bias)
    assert ae.encode(_data(4)).shape == (4, 2)
    # before fine-tuning the code is the top RBM's hidden probabilities
    h = stack[1].hidden_probs(stack[0].hidden_probs(_data(4)))
    np.testing.assert_allclose(ae.encode(_data(4)), stack[2].hidden_probs(h))


def _loss(params, x, n_layers):
    h = x
    for i in range(n_layers):
        h = 1.0 / (1.0 + np.exp(-(h @ params[i] + params[n_layers + i])))
    return -np.sum(x * np.log(h) + (1 - x) * np.log(1 - h)) / x.shape[0]


def test_gradients_match_autodiff_and_finite_differences():
    ae = unroll(_stack())
    # move off the tied starting point so that encoder and decoder differ
    rng = np.random.default_rng(2)
    ae = Autoencoder(
        tuple(w + 0.3 * rng.standard_normal(w.shape) for w in ae.weights),
        tuple(b + 0.3 * rng.standard_normal(b.shape) for b in ae.biases),
    )
    x = _data(7, seed=3)
    loss, gw, gb = autoencoder_gradients(ae, x)
    n = len(ae.weights)
    params = (*ae.weights, *ae.biases)
    assert loss == pytest.approx(float(_loss(params, x, n)), rel=1e-12)
    auto = grad(lambda *p: _loss(p, x, n), argnum=tuple(range(2 * n)))(*params)
    for mine, ref in zip([*gw, *gb], auto, strict=True):
        np.testing.assert_allclose(mine, ref, rtol=1e-9, atol=1e-12)
    check_grads(  # the hand-written loss, in every weight
        lambda *W: autoencoder_gradients(Autoencoder(W, ae.biases), x)[0],
        ae.weights,
        grad_fn=lambda *_: gw,
        directions="coordinates",
        rtol=0.0,
        atol=1e-7,
    )


def test_fine_tuning_lowers_the_error():
    x = (_data(60) > 0.5).astype(float)
    run = fine_tune_autoencoder(
        unroll(_stack()), x, epochs=30, learning_rate=0.2, batch_size=10, X_test=x[:10]
    )
    assert run.train_errors.shape == (31,)
    assert run.test_errors.shape == (31,)
    assert run.train_errors[-1] < run.train_errors[0]


def test_random_autoencoder_layout():
    ae = random_autoencoder((8, 4, 2), seed=0)
    assert ae.sizes == (8, 4, 2, 4, 8)
    assert all(np.all(b == 0) for b in ae.biases)


@pytest.mark.parametrize(
    ("call", "error", "match"),
    [
        (lambda: unroll([]), TypeError, "RBM"),
        (lambda: random_autoencoder((8,)), ValueError, "at least"),
        (
            lambda: fine_tune_autoencoder("ae", np.zeros((2, 8))),
            TypeError,
            "Autoencoder",
        ),
        (
            lambda: fine_tune_autoencoder(random_autoencoder((8, 2)), np.zeros((2, 3))),
            ValueError,
            "3 columns",
        ),
        (
            lambda: autoencoder_gradients(random_autoencoder((2, 1)), [[2.0, 0.0]]),
            ValueError,
            r"\[0, 1\]",
        ),
    ],
)
def test_bad_arguments(call, error, match):
    with pytest.raises(error, match=match):
        call()
