import numpy as np
import pytest
from nets_checks import XOR_D, XOR_X, autodiff_gradient, check_every_partial

from histbp.nets import backprop, chain_rule_gradients, init_layers, train_mlp


@pytest.mark.parametrize("activation", ["sigmoid", "tanh"])
@pytest.mark.parametrize("sizes", [(2, 3, 1), (3, 4, 4, 4, 2), (2, 1)])
def test_equals_backprop_autodiff_and_finite_differences(sizes, activation):
    rng = np.random.default_rng(1977)
    weights, biases = init_layers(sizes, seed=rng)
    X = rng.normal(size=(6, sizes[0]))
    D = rng.uniform(0.1, 0.9, size=(6, sizes[-1]))
    g = chain_rule_gradients(weights, biases, X, D, activation=activation)
    assert (
        g.max_abs_difference(backprop(weights, biases, X, D, activation=activation))
        < 1e-15
    )
    assert (
        g.max_abs_difference(autodiff_gradient(weights, biases, X, D, activation))
        < 1e-14
    )
    check_every_partial(g, weights, biases, X, D, activation, atol=1e-8)


def test_gradient_descent_with_it_follows_the_backprop_trajectory():
    initial = init_layers((2, 3, 1), seed=5)
    a = train_mlp(
        XOR_X,
        XOR_D,
        initial=initial,
        epochs=300,
        learning_rate=2.0,
        gradient=chain_rule_gradients,
    )
    b = train_mlp(XOR_X, XOR_D, initial=initial, epochs=300, learning_rate=2.0)
    np.testing.assert_allclose(a.errors, b.errors, rtol=1e-12, atol=0)


def test_errors_are_checked():
    weights, biases = init_layers((2, 2, 1), seed=0)
    with pytest.raises(ValueError, match="D has 2 columns"):
        chain_rule_gradients(weights, biases, XOR_X, np.zeros((4, 2)))
    with pytest.raises(ValueError, match="unknown activation"):
        chain_rule_gradients(weights, biases, XOR_X, XOR_D, activation="step")
    with pytest.raises(ValueError, match="X contains non-finite"):
        chain_rule_gradients(weights, biases, XOR_X + np.inf, XOR_D)
