import numpy as np
import pytest

from histbp.autodiff import grad, sigmoid
from histbp.nets import (
    SGDClassifierResult,
    sgd_epoch,
    train_multilayer_sgd,
    xor_clusters,
)

X_TRAIN, Y_TRAIN = xor_clusters(40, seed=1)
X_TEST, Y_TEST = xor_clusters(400, seed=101)
SIZES = (2, 16, 16, 8, 1)  # five layers of units, four of weights


def test_task_is_not_linearly_separable():
    # the best linear classifier found by many random directions stays at 3 of 4
    # clusters; the XOR structure: means of the classes coincide
    assert np.allclose(X_TEST[Y_TEST == 1].mean(0), 0, atol=0.05)
    assert np.allclose(X_TEST[Y_TEST == 0].mean(0), 0, atol=0.05)
    rng = np.random.default_rng(0)
    best = 0.0
    for _ in range(2000):
        w = rng.normal(size=2)
        c = rng.uniform(-1, 1)
        pred = (X_TEST @ w + c > 0).astype(int)
        best = max(best, np.mean(pred == Y_TEST), np.mean(pred != Y_TEST))
    assert best <= 0.76


def test_two_modifiable_layers_reach_100_percent_on_every_seed():
    # Saito's configuration as we read it: the last two weight layers learn
    for seed in range(10):
        run = train_multilayer_sgd(
            X_TRAIN, Y_TRAIN, sizes=SIZES, modifiable=2, epochs=60, seed=seed
        )
        assert run.accuracies[-1] == 1.0, seed
        assert run.accuracy(X_TEST, Y_TEST) == 1.0, seed
        assert run.losses[-1] < 0.05 * run.losses[0], seed


def test_one_modifiable_layer_stays_at_three_clusters_of_four():
    best = 0.0
    for seed in range(10):
        run = train_multilayer_sgd(
            X_TRAIN, Y_TRAIN, sizes=SIZES, modifiable=1, epochs=40, seed=seed
        )
        best = max(best, run.accuracies.max(), run.accuracy(X_TEST, Y_TEST))
    assert best == pytest.approx(0.75, abs=0.03)


def test_fixed_layers_stay_fixed_and_are_shared_between_configurations():
    a = train_multilayer_sgd(X_TRAIN, Y_TRAIN, modifiable=2, epochs=2, seed=3)
    b = train_multilayer_sgd(X_TRAIN, Y_TRAIN, modifiable=1, epochs=2, seed=3)
    c = train_multilayer_sgd(X_TRAIN, Y_TRAIN, modifiable=2, epochs=5, seed=3)
    for k in range(2):  # the first two weight layers: identical, never trained
        np.testing.assert_array_equal(a.weights[k], b.weights[k])
        np.testing.assert_array_equal(a.weights[k], c.weights[k])
        np.testing.assert_array_equal(a.biases[k], c.biases[k])
    assert not np.array_equal(a.weights[2], c.weights[2])
    assert a.modifiable == 2 and b.modifiable == 1
    assert len(a.losses) == len(a.accuracies) == 3


def test_pattern_gradient_matches_a_separate_autodiff_loss():
    # one SGD step equals one step along histbp.autodiff's gradient of that
    # pattern's logistic loss, written here independently
    run = train_multilayer_sgd(
        X_TRAIN[:1], Y_TRAIN[:1], modifiable=2, epochs=1, learning_rate=0.1, seed=0
    )
    start = train_multilayer_sgd(
        X_TRAIN[:1], Y_TRAIN[:1], modifiable=2, epochs=1, learning_rate=1e-300, seed=0
    )
    W1, W2, W3, W4 = start.weights
    b1, b2, b3, b4 = start.biases
    x, t = X_TRAIN[0], 2.0 * Y_TRAIN[0] - 1.0

    def loss(W3, b3, W4, b4):
        h2 = np.tanh(W2 @ np.tanh(W1 @ x + b1) + b2)
        z = W4 @ np.tanh(W3 @ h2 + b3) + b4
        return -np.log(sigmoid(t * z[0]))

    g = grad(loss, argnum=(0, 1, 2, 3))(W3, b3, W4, b4)
    np.testing.assert_allclose(run.weights[2], W3 - 0.1 * g[0], atol=1e-13)
    np.testing.assert_allclose(run.biases[3], b4 - 0.1 * g[3], atol=1e-13)
    assert run.losses[-1] < run.losses[0]


def test_run_methods():
    run = train_multilayer_sgd(X_TRAIN, Y_TRAIN, epochs=3, seed=0)
    assert isinstance(run, SGDClassifierResult)
    z = run.decision_function(X_TEST)
    np.testing.assert_array_equal(run.predict(X_TEST), (z > 0).astype(int))
    with pytest.raises(ValueError, match="X has 3 columns but the network has 2"):
        run.predict(np.zeros((2, 3)))
    with pytest.raises(ValueError, match="labels must hold class labels 0 and 1"):
        run.accuracy(X_TEST[:2], [0, 2])


def test_xor_clusters():
    X, labels = xor_clusters(403, seed=0)
    assert X.shape == (403, 2)
    assert labels.sum() == 202
    # every pattern lies in its cluster's disc, away from the axes
    assert np.all(np.abs(X) > 0.25 - 1e-12)
    np.testing.assert_array_equal(labels == 1, np.sign(X[:, 0]) == np.sign(X[:, 1]))
    with pytest.raises(ValueError, match="radius must lie"):
        xor_clusters(4, radius=0.5)
    with pytest.raises(ValueError, match="n must be a positive integer"):
        xor_clusters(0)


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"modifiable": 5}, ValueError, "modifiable must lie between 1 and 4"),
        ({"modifiable": 0}, ValueError, "modifiable must be a positive integer"),
        ({"sizes": (2, 8, 2)}, ValueError, "the last of sizes must be 1"),
        ({"sizes": (3, 8, 1)}, ValueError, r"X has 2 columns but sizes\[0\] = 3"),
        ({"labels": np.full(40, 2)}, ValueError, "labels must hold class labels"),
        ({"labels": np.zeros(39)}, ValueError, "labels has 39 samples but X has 40"),
        ({"X": np.full((40, 2), np.nan)}, ValueError, "X contains non-finite"),
        ({"learning_rate": 0.0}, ValueError, "learning_rate must lie"),
        ({"fixed_scale": -1.0}, ValueError, "fixed_scale must lie"),
        ({"epochs": 1.5}, TypeError, "epochs must be an integer"),
        ({"seed": "x"}, TypeError, "seed must be None"),
    ],
)
def test_errors(kwargs, error, match):
    args = {"X": X_TRAIN, "labels": Y_TRAIN, **kwargs}
    with pytest.raises(error, match=match):
        train_multilayer_sgd(args.pop("X"), args.pop("labels"), **args)


def test_sgd_epoch_steps_pattern_by_pattern_in_the_given_order():
    # two patterns: the second step uses the weights left by the first
    rng = np.random.default_rng(4)
    W1, b1 = rng.normal(size=(3, 2)), rng.normal(size=3)
    W2, b2 = rng.normal(size=(1, 3)), rng.normal(size=1)
    X, t = rng.normal(size=(2, 2)), np.array([1.0, -1.0])

    def loss(W1, b1, W2, b2, x, t):
        z = W2 @ np.tanh(W1 @ x + b1) + b2
        return np.log(1.0 + np.exp(-t * z[0]))

    expected = [W1, b1, W2, b2]
    for x, s in zip(X, t, strict=True):
        g = grad(loss, argnum=(0, 1, 2, 3))(*expected, x, s)
        expected = [p - 0.2 * d for p, d in zip(expected, g, strict=True)]
    weights, biases = [W1.copy(), W2.copy()], [b1.copy(), b2.copy()]
    sgd_epoch(weights, biases, X, t, learning_rate=0.2)
    got_all = [weights[0], biases[0], weights[1], biases[1]]
    for got, want in zip(got_all, expected, strict=True):
        np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-14)
