import numpy as np
import pytest
from nets_checks import (
    XOR_D,
    XOR_X,
    autodiff_gradient,
    check_every_partial,
    squared_error,
)

from histbp.autodiff import sigmoid
from histbp.nets import NetworkGradient, backprop, init_layers, logistic, train_mlp


@pytest.mark.parametrize("activation", ["sigmoid", "tanh"])
@pytest.mark.parametrize("sizes", [(2, 2, 1), (3, 5, 4, 2), (4, 3)])
def test_gradient_matches_autodiff_and_finite_differences(sizes, activation):
    rng = np.random.default_rng(1982)
    weights, biases = init_layers(sizes, seed=rng)
    X = rng.normal(size=(7, sizes[0]))
    D = rng.uniform(0.1, 0.9, size=(7, sizes[-1]))
    g = backprop(weights, biases, X, D, activation=activation)
    ad = autodiff_gradient(weights, biases, X, D, activation)
    assert g.error == pytest.approx(ad.error, rel=1e-15)
    assert g.max_abs_difference(ad) < 1e-14
    check_every_partial(g, weights, biases, X, D, activation, atol=1e-8)
    assert [w.shape for w in g.weights] == [w.shape for w in weights]
    assert [b.shape for b in g.biases] == [b.shape for b in biases]


def test_single_pattern_by_hand():
    # one sigmoid unit: E = 1/2 (s(w x + b) - d)^2, dE/dw = (y - d) y (1 - y) x
    w, b, x, d = np.array([[0.5, -1.0]]), np.array([0.25]), np.array([[2.0, 1.0]]), 1.0
    y = 1 / (1 + np.exp(-(0.5 * 2 - 1 + 0.25)))
    g = backprop([w], [b], x, [[d]])
    delta = (y - d) * y * (1 - y)
    np.testing.assert_allclose(g.weights[0], [[2 * delta, delta]], rtol=1e-15)
    np.testing.assert_allclose(g.biases[0], [delta], rtol=1e-15)
    assert g.error == pytest.approx(0.5 * (y - d) ** 2, rel=1e-15)


def test_learns_xor():
    run = train_mlp(XOR_X, XOR_D, hidden=(2,), epochs=3000, learning_rate=2.0, seed=4)
    assert run.errors[0] > 0.45
    assert run.errors[-1] < 0.01
    outputs = run.predict(XOR_X)
    np.testing.assert_array_equal(outputs > 0.5, XOR_D > 0.5)
    assert np.max(np.abs(outputs - XOR_D)) < 0.1
    # batch gradient descent with a small enough step never raises the error
    assert np.all(np.diff(run.errors) <= 1e-12)
    assert run.errors[-1] == pytest.approx(
        squared_error(run.weights, run.biases, XOR_X, XOR_D), rel=1e-12
    )


def test_learns_a_small_regression():
    x = np.linspace(-1, 1, 21)[:, None]
    d = 0.5 + 0.35 * np.sin(np.pi * x)
    run = train_mlp(x, d, hidden=(6,), epochs=4000, learning_rate=1.0, seed=0)
    assert run.errors[-1] < 1e-3 * run.errors[0]
    assert np.max(np.abs(run.predict(x) - d)) < 0.01


def test_training_from_given_weights_is_deterministic():
    weights, biases = init_layers((2, 3, 1), seed=9)
    a = train_mlp(XOR_X, XOR_D, initial=(weights, biases), epochs=20)
    b = train_mlp(XOR_X, XOR_D, initial=(weights, biases), epochs=20)
    np.testing.assert_array_equal(a.errors, b.errors)
    assert len(a.errors) == 21
    # the starting weights were copied, not changed in place
    np.testing.assert_array_equal(weights[0], init_layers((2, 3, 1), seed=9)[0][0])


def test_init_layers_shapes_and_spread():
    weights, biases = init_layers((400, 300, 2), scale=2.0, seed=0)
    assert [b.shape for b in biases] == [(300,), (2,)]
    assert [w.shape for w in weights] == [(300, 400), (2, 300)]
    assert np.std(weights[0]) == pytest.approx(2.0 / 20.0, rel=0.02)


def test_max_abs_difference_rejects_other_networks():
    a = backprop(*init_layers((2, 2, 1), seed=0), XOR_X, XOR_D)
    b = backprop(*init_layers((2, 3, 1), seed=0), XOR_X, XOR_D)
    c = NetworkGradient(0.0, a.weights[:1], a.biases[:1])
    with pytest.raises(ValueError, match="shapes"):
        a.max_abs_difference(b)
    with pytest.raises(ValueError, match="layers"):
        a.max_abs_difference(c)


@pytest.mark.parametrize(
    ("change", "error", "match"),
    [
        ({"X": np.zeros((4, 3))}, ValueError, r"weights\[0\] has shape \(2, 2\)"),
        ({"D": np.zeros((4, 2))}, ValueError, "D has 2 columns but the network"),
        ({"D": np.zeros((3, 1))}, ValueError, "D has 3 samples but X has 4"),
        ({"D": np.zeros(4)}, ValueError, "D must be a 2-D array"),
        ({"X": np.full((4, 2), np.nan)}, ValueError, "X contains non-finite"),
        ({"biases": [np.zeros(3), np.zeros(1)]}, ValueError, r"biases\[0\] has shape"),
        (
            {"biases": [np.zeros(2)]},
            ValueError,
            "weights has 2 layers but biases has 1",
        ),
        ({"weights": []}, ValueError, "at least one layer"),
        ({"activation": "relu"}, ValueError, "unknown activation 'relu'"),
        ({"activation": 3}, TypeError, "activation must be a string"),
        ({"X": "abc"}, TypeError, "X must be a numeric 2-D array"),
    ],
)
def test_backprop_errors(change, error, match):
    weights, biases = init_layers((2, 2, 1), seed=0)
    args = {
        "weights": weights,
        "biases": biases,
        "X": XOR_X,
        "D": XOR_D,
        "activation": "sigmoid",
        **change,
    }
    with pytest.raises(error, match=match):
        backprop(
            args["weights"],
            args["biases"],
            args["X"],
            args["D"],
            activation=args["activation"],
        )


def nan_gradient(weights, biases, X, D, *, activation):
    g = backprop(weights, biases, X, D, activation=activation)
    return NetworkGradient(float("nan"), g.weights, g.biases)


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"epochs": 0}, ValueError, "epochs must be a positive integer"),
        ({"learning_rate": -1.0}, ValueError, "learning_rate must lie"),
        ({"gradient": "backprop"}, TypeError, "gradient must be callable"),
        ({"hidden": (0,)}, ValueError, r"sizes\[1\] must be a positive integer"),
        ({"gradient": nan_gradient}, ValueError, "non-finite at epoch 0"),
        ({"initial": init_layers((2, 3, 2))}, ValueError, "D has 1 columns but the"),
    ],
)
def test_train_mlp_errors(kwargs, error, match):
    with pytest.raises(error, match=match):
        train_mlp(XOR_X, XOR_D, epochs=kwargs.pop("epochs", 5), **kwargs)


def test_predict_rejects_wrong_width():
    run = train_mlp(XOR_X, XOR_D, epochs=1)
    with pytest.raises(ValueError, match="X has 3 columns but the network has 2"):
        run.predict(np.zeros((1, 3)))


def test_logistic_is_the_one_numpy_logistic():
    x = np.linspace(-30.0, 30.0, 121)
    np.testing.assert_allclose(logistic(x), 1.0 / (1.0 + np.exp(-x)), rtol=1e-15)
    np.testing.assert_allclose(logistic(x), sigmoid(x), rtol=1e-14)
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        tails = logistic(np.array([-1e4, -800.0, 800.0, 1e4]))
    assert np.all((tails > 0.0) & (tails <= 1.0)) and tails[-1] == 1.0
    assert logistic(np.array([0.0]))[0] == 0.5


@pytest.mark.parametrize("dtype", [np.float32, np.float16])
def test_logistic_keeps_short_floats_without_overflow(dtype):
    x = np.array([-1e4, -100.0, -2.0, 0.0, 2.0, 100.0], dtype=dtype)
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        y = logistic(x)
    assert y.dtype == dtype and np.all((y >= 0.0) & (y <= 1.0)) and y[3] == 0.5
    exact = 1.0 / (1.0 + np.exp(-x[2:5].astype(float)))
    np.testing.assert_allclose(y[2:5], exact, rtol=float(np.finfo(dtype).eps))


def test_deep_mlp_hidden_units_come_from_the_one_table():
    from histbp.nets._deep_mlp import _activation
    from histbp.nets._layers import ACTIVATIONS

    assert _activation("logistic") is ACTIVATIONS["sigmoid"]
    assert _activation("scaled_tanh") is ACTIVATIONS["scaled_tanh"]
