"""RBMs by CD-1, stacks of them, and the 2006 comparison on the 8x8 digits."""

from __future__ import annotations

import numpy as np
import pytest

from histbp.nets import (
    RBM,
    cd1_gradient,
    classifier_from_stack,
    fine_tune_autoencoder,
    random_autoencoder,
    train_deep_mlp,
    train_rbm,
    train_rbm_stack,
    unroll,
)


def sigmoid(a):
    """The logistic function, written here independently of histbp."""
    return 1.0 / (1.0 + np.exp(-np.asarray(a, dtype=float)))


def _bars(n=200, seed=0):
    """4x4 images of horizontal or vertical bars, each bar on with chance 1/2."""
    rng = np.random.default_rng(seed)
    images = np.zeros((n, 4, 4))
    on = rng.random((n, 4)) < 0.5
    vertical = rng.random(n) < 0.5
    for i in range(n):
        if vertical[i]:
            images[i][:, on[i]] = 1.0
        else:
            images[i][on[i], :] = 1.0
    return images.reshape(n, 16)


def test_cd1_lowers_the_reconstruction_error_on_bars():
    data = _bars()
    rbm = train_rbm(data, 8, epochs=60, learning_rate=0.1, batch_size=10, seed=0)
    errors = rbm.reconstruction_errors
    assert errors.shape == (61,)
    # before training every pixel reconstructs to about 1/2: 16 * 1/4 = 4
    assert errors[0] == pytest.approx(4.0, abs=0.05)
    assert errors[-1] < 0.25 * errors[0]
    assert rbm.reconstruction_error(data) == pytest.approx(errors[-1])


def test_one_cd1_step_by_hand():
    # One full-batch step without momentum or decay, against the formula.
    data = _bars(6, seed=1)
    rbm = train_rbm(
        data,
        3,
        epochs=1,
        batch_size=6,
        learning_rate=0.5,
        momentum=0.0,
        weight_decay=0.0,
        seed=4,
    )
    rng = np.random.default_rng(4)
    W = 0.01 * rng.standard_normal((16, 3))
    v = data[rng.permutation(6)]
    p = sigmoid(v @ W)
    h = (rng.random(p.shape) < p).astype(float)
    v1 = sigmoid(h @ W.T)
    p1 = sigmoid(v1 @ W)
    np.testing.assert_allclose(rbm.weights, W + 0.5 * (v.T @ p - v1.T @ p1) / 6)
    np.testing.assert_allclose(rbm.visible_bias, 0.5 * np.mean(v - v1, axis=0))
    np.testing.assert_allclose(rbm.hidden_bias, 0.5 * np.mean(p - p1, axis=0))


def test_cd1_gradient_is_the_difference_of_correlations():
    # The data and reconstruction correlations, written out with this file's sigmoid.
    rng = np.random.default_rng(3)
    W, b, c = rng.normal(size=(16, 5)), rng.normal(size=16), rng.normal(size=5)
    v = _bars(8, seed=2)
    gW, gb, gc = cd1_gradient(W, b, c, v, np.random.default_rng(7))
    draw = np.random.default_rng(7)
    p = sigmoid(v @ W + c)
    h = (draw.random(p.shape) < p).astype(float)
    v1 = sigmoid(h @ W.T + b)
    p1 = sigmoid(v1 @ W + c)
    np.testing.assert_allclose(gW, (v.T @ p - v1.T @ p1) / 8, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(gb, np.mean(v - v1, axis=0), rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(gc, np.mean(p - p1, axis=0), rtol=1e-12, atol=1e-14)
    # an integer seed gives the same hidden samples as a Generator seeded alike
    same = cd1_gradient(W, b, c, v, 7)
    for mine, ref in zip(same, (gW, gb, gc), strict=True):
        np.testing.assert_array_equal(mine, ref)


def test_conditionals_are_logistic():
    rbm = RBM(
        np.array([[1.0, -2.0]]), np.array([0.5]), np.array([0.0, 1.0]), np.zeros(1)
    )
    np.testing.assert_allclose(
        rbm.hidden_probs([[1.0]]), [[sigmoid(1.0), sigmoid(-1.0)]]
    )
    np.testing.assert_allclose(rbm.visible_probs([[1.0, 1.0]]), [[sigmoid(-0.5)]])


def test_stack_trains_each_layer_on_the_one_below():
    data = _bars()
    stack = train_rbm_stack(data, (12, 6), epochs=30, batch_size=10, seed=0)
    assert [r.weights.shape for r in stack] == [(16, 12), (12, 6)]
    top_data = stack[0].hidden_probs(data)
    assert stack[1].reconstruction_error(top_data) == pytest.approx(
        stack[1].reconstruction_errors[-1]
    )
    for r in stack:
        assert r.reconstruction_errors[-1] < r.reconstruction_errors[0]


def test_classifier_from_stack_copies_the_layers():
    stack = train_rbm_stack(_bars(50), (8, 4), epochs=2, seed=0)
    net = classifier_from_stack(stack, 3, seed=1)
    assert net.sizes == (16, 8, 4, 3)
    assert net.activation == "logistic"
    np.testing.assert_array_equal(net.weights[0], stack[0].weights)
    np.testing.assert_array_equal(net.biases[1], stack[1].hidden_bias)
    assert net.weights[0] is not stack[0].weights


W32 = np.zeros((3, 2))


@pytest.mark.parametrize(
    ("call", "error", "match"),
    [
        (lambda: train_rbm(np.full((3, 2), 2.0), 2), ValueError, r"\[0, 1\]"),
        (lambda: train_rbm(np.zeros(3), 2), ValueError, "2-D"),
        (lambda: train_rbm(np.full((2, 2), np.nan), 2), ValueError, "non-finite"),
        (lambda: train_rbm(np.zeros((2, 2)), 0), ValueError, "n_hidden"),
        (lambda: train_rbm(np.zeros((2, 2)), 2, momentum=1.0), ValueError, "momentum"),
        (lambda: train_rbm_stack(np.zeros((2, 2)), ()), ValueError, "hidden_sizes"),
        (lambda: classifier_from_stack([], 3), TypeError, "RBM"),
        (
            lambda: cd1_gradient(W32, np.zeros(2), np.zeros(2), [[0.5] * 3]),
            ValueError,
            r"visible_bias must be a finite vector of shape \(3,\)",
        ),
        (
            lambda: cd1_gradient(W32, np.zeros(3), np.zeros(2), [[0.5] * 2]),
            ValueError,
            "v has 2 columns but weights has 3 rows",
        ),
        (
            lambda: cd1_gradient(W32, np.zeros(3), np.zeros(2), [[0.5] * 3], "s"),
            TypeError,
            "rng must be",
        ),
    ],
)
def test_bad_arguments(call, error, match):
    with pytest.raises(error, match=match):
        call()


def test_mismatched_stack_is_rejected():
    a = train_rbm(np.zeros((4, 5)), 3, epochs=1)
    b = train_rbm(np.zeros((4, 4)), 2, epochs=1)
    with pytest.raises(ValueError, match="do not fit"):
        classifier_from_stack([a, b], 2)
    with pytest.raises(ValueError, match="do not fit"):
        unroll([a, b])


# --- the 2006 comparison, scaled to the 8x8 digits (the page's numbers) ------------


@pytest.fixture(scope="module")
def digits():
    datasets = pytest.importorskip("sklearn.datasets")
    d = datasets.load_digits()
    X, y = d.data / 16.0, d.target
    perm = np.random.default_rng(2006).permutation(len(X))
    return X[perm[:1297]], y[perm[:1297]], X[perm[1297:]], y[perm[1297:]]


def test_pretrained_autoencoder_beats_random_start(digits):
    X, _, X_test, _ = digits
    stack = train_rbm_stack(X, (64, 32, 8), epochs=10, batch_size=50, seed=0)
    options = {"epochs": 15, "learning_rate": 0.1, "batch_size": 50, "X_test": X_test}
    pre = fine_tune_autoencoder(unroll(stack), X, **options)
    rnd = fine_tune_autoencoder(
        random_autoencoder((64, 64, 32, 8), seed=0), X, **options
    )
    # The page's figures: about 2.0 against 4.7 squared error per image.
    assert pre.test_errors[-1] == pytest.approx(2.0, abs=0.3)
    assert rnd.test_errors[-1] == pytest.approx(4.7, abs=0.3)
    # From random weights the net is stuck near the mean image's error.
    mean_error = np.mean(np.sum((X_test - X.mean(axis=0)) ** 2, axis=1))
    assert rnd.test_errors[-1] == pytest.approx(mean_error, rel=0.1)
    assert pre.test_errors[-1] < 0.5 * mean_error


def test_pretrained_classifier_beats_random_start_over_seeds(digits):
    X, y, X_test, y_test = digits
    pre_err, rnd_err = [], []
    for seed in range(4):
        stack = train_rbm_stack(X, (64, 32), epochs=10, batch_size=25, seed=seed)
        options = {
            "epochs": 15,
            "batch_size": 25,
            "learning_rate": 0.3,
            "X_test": X_test,
            "labels_test": y_test,
            "seed": seed,
        }
        pre = train_deep_mlp(
            X, y, init=classifier_from_stack(stack, 10, seed=seed), **options
        )
        rnd = train_deep_mlp(X, y, (64, 32), activation="logistic", **options)
        pre_err.append(pre.test_error)
        rnd_err.append(rnd.test_error)
    pre_err, rnd_err = np.array(pre_err), np.array(rnd_err)
    assert np.all(pre_err < rnd_err)
    assert pre_err.mean() == pytest.approx(0.052, abs=0.015)
    assert rnd_err.mean() == pytest.approx(0.081, abs=0.02)
