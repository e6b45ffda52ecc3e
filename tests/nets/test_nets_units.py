import numpy as np
import pytest
from nets_checks import XOR_D, XOR_X, autodiff_gradient, check_every_partial

from histbp.autodiff import grad, sigmoid
from histbp.nets import (
    UnitNetwork,
    backprop,
    init_layers,
    train_mlp,
    unit_backprop,
    unit_gradients,
    units_from_layers,
)
from histbp.testing import check_grads


@pytest.mark.parametrize("activation", ["sigmoid", "tanh"])
@pytest.mark.parametrize("sizes", [(2, 2, 1), (3, 4, 3, 2)])
def test_layered_equals_backprop_autodiff_and_finite_differences(sizes, activation):
    rng = np.random.default_rng(1985)
    weights, biases = init_layers(sizes, seed=rng)
    X = rng.normal(size=(5, sizes[0]))
    D = rng.uniform(0.1, 0.9, size=(5, sizes[-1]))
    g = unit_gradients(weights, biases, X, D, activation=activation)
    ref = backprop(weights, biases, X, D, activation=activation)
    assert g.max_abs_difference(ref) < 1e-15
    assert g.error == pytest.approx(ref.error, rel=1e-15)
    ad = autodiff_gradient(weights, biases, X, D, activation)
    assert g.max_abs_difference(ad) < 1e-14
    check_every_partial(g, weights, biases, X, D, activation, atol=1e-8)


def test_units_from_layers_numbering():
    weights, biases = init_layers((2, 3, 1), seed=0)
    net = units_from_layers(weights, biases)
    assert net.n_inputs == 2
    assert net.n_units == 4
    assert net.sources == ((0, 1), (0, 1), (0, 1), (2, 3, 4))
    assert net.outputs == (3,)
    np.testing.assert_array_equal(net.weights[3], weights[1][0])
    np.testing.assert_array_equal(net.biases, np.r_[biases[0], biases[1]])


def skip_network():
    """Inputs 0, 1; unit 0 (node 2) <- 0, 1; unit 1 (node 3) <- 0, 2;
    unit 2 (node 4) <- 1, 2, 3 is an output, and so is unit 1."""
    return UnitNetwork(
        n_inputs=2,
        sources=((0, 1), (0, 2), (1, 2, 3)),
        weights=([0.7, -1.2], [0.4, 1.5], [-0.8, 0.9, 1.1]),
        biases=[0.1, -0.2, 0.05],
        outputs=(2, 1),
        activation="sigmoid",
    )


def skip_error(w0, w1, w2, b, X, D):
    n0 = sigmoid(X @ w0 + b[0])
    n1 = sigmoid(w1[0] * X[:, 0] + w1[1] * n0 + b[1])
    n2 = sigmoid(w2[0] * X[:, 1] + w2[1] * n0 + w2[2] * n1 + b[2])
    r2 = n2 - D[:, 0]
    r1 = n1 - D[:, 1]
    return 0.5 * (np.sum(r2 * r2) + np.sum(r1 * r1))


def test_non_layered_network_with_skip_connections():
    net = skip_network()
    rng = np.random.default_rng(3)
    X = rng.normal(size=(6, 2))
    D = rng.uniform(size=(6, 2))
    g = unit_backprop(net, X, D)
    params = (*net.weights, net.biases)
    ad = grad(skip_error, argnum=(0, 1, 2, 3))(*params, X, D)
    for mine, ref in zip((*g.weights, g.biases), ad, strict=True):
        np.testing.assert_allclose(mine, ref, rtol=0, atol=1e-14)
    assert g.error == pytest.approx(float(skip_error(*params, X, D)), rel=1e-15)
    # the error signals are dE/ds_j: check one against central differences in b
    check_grads(
        lambda b: skip_error(*net.weights, b, X, D),
        (np.array(net.biases),),
        grad_fn=lambda _: g.deltas.sum(axis=0),
        directions="coordinates",
        rtol=0.0,
        atol=1e-8,
    )
    assert g.activity.shape == (6, 3)
    assert g.deltas.shape == (6, 3)


def test_training_with_unit_gradients_learns_xor_like_backprop():
    initial = init_layers((2, 2, 1), seed=4)
    a = train_mlp(
        XOR_X,
        XOR_D,
        initial=initial,
        epochs=3000,
        learning_rate=2.0,
        gradient=unit_gradients,
    )
    b = train_mlp(XOR_X, XOR_D, initial=initial, epochs=3000, learning_rate=2.0)
    np.testing.assert_allclose(a.errors, b.errors, rtol=1e-10)
    assert a.errors[-1] < 0.01


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"sources": ((0, 1), (0, 3))}, ValueError, r"unit 1 \(node 3\) may only"),
        ({"sources": ((0, 0), (0, 2))}, ValueError, "lists a source twice"),
        ({"sources": ((), (0, 2))}, ValueError, "unit 0 has no sources"),
        ({"weights": ([1.0], [1.0, 1.0])}, ValueError, "weights of unit 0 have shape"),
        ({"weights": ([1.0, np.nan], [1.0, 1.0])}, ValueError, "non-finite"),
        ({"biases": [0.0]}, ValueError, "give one of each per unit"),
        ({"biases": [0.0, np.inf]}, ValueError, "biases contain non-finite"),
        ({"outputs": (2,)}, ValueError, r"outputs must be unit numbers in 0\.\.1"),
        ({"outputs": ()}, ValueError, "outputs must name at least one unit"),
        ({"outputs": (1, 1)}, ValueError, "outputs lists a unit twice"),
        ({"n_inputs": 0}, ValueError, "n_inputs must be a positive integer"),
        ({"n_inputs": 2.0}, TypeError, "n_inputs must be an integer"),
        ({"activation": "relu"}, ValueError, "unknown activation"),
        ({"sources": ()}, ValueError, "at least one unit"),
    ],
)
def test_unit_network_checks(kwargs, error, match):
    args = {
        "n_inputs": 2,
        "sources": ((0, 1), (0, 2)),
        "weights": ([1.0, 1.0], [1.0, 1.0]),
        "biases": [0.0, 0.0],
        "outputs": (1,),
        **kwargs,
    }
    with pytest.raises(error, match=match):
        UnitNetwork(**args)


def test_unit_backprop_errors():
    net = skip_network()
    with pytest.raises(TypeError, match="network must be a UnitNetwork"):
        unit_backprop("net", XOR_X, XOR_D)
    with pytest.raises(ValueError, match="X has 3 columns but the network has 2"):
        unit_backprop(net, np.zeros((4, 3)), np.zeros((4, 2)))
    with pytest.raises(ValueError, match="D has 1 columns but the network has 2"):
        unit_backprop(net, XOR_X, XOR_D)
    with pytest.raises(ValueError, match="D contains non-finite"):
        unit_backprop(net, XOR_X, np.full((4, 2), np.nan))
