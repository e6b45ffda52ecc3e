"""Exact operation counts of gradient methods (histbp.autodiff.gradient_cost)."""

import math

import numpy as np
import pytest

from histbp.autodiff import (
    METHODS,
    CountedOperations,
    CountingFloat,
    OperationTally,
    compile_gradient,
    count_operations,
    counting,
    grad,
    gradient_cost,
    symbolic_derivative,
    symbolic_expression,
)
from histbp.nets import graph_gradient, network_loss, sparse_network, stagewise_gradient
from histbp.testing import check_grads

# -- functions ---------------------------------------------------------------------


def product(x):
    p = x[0]
    for i in range(1, len(x)):
        p = p * x[i]
    return p


def product_from_one(x):
    p = 1.0
    for i in range(len(x)):
        p = p * x[i]
    return p


def logistic(x, depth: int):
    y = x[0]
    for _ in range(depth):
        y = 4.0 * y * (1.0 - y)
    return y


def network(w, data, n_hidden):
    n_in = len(data)
    out = 0.0
    for j in range(n_hidden):
        s = w[j * (n_in + 1) + n_in]
        for i in range(n_in):
            s = s + w[j * (n_in + 1) + i] * data[i]
        out = out + w[n_hidden * (n_in + 1) + j] * np.tanh(s)
    error = out - 0.5
    return 0.5 * error * error


def every_operation(x):
    a = np.exp(x[0]) * np.log(x[1]) - np.sin(x[2]) / np.cos(x[0])
    b = np.tanh(x[1] * x[2]) + np.sqrt(x[0] + x[1]) ** 3.0
    return -a + 2.0 / b - (x[2] - 1.5) ** 2 + 1.0 / x[1]


def array_mlp(theta, x, y):
    w1 = theta[:12].reshape(3, 4)
    w2 = theta[12:].reshape(4, 2)
    h = np.tanh(x @ w1)
    return 0.5 * np.sum((h @ w2 - y) ** 2)


# -- counting floats ---------------------------------------------------------------


def test_x_times_y_plus_z_is_one_mul_one_add():
    counted = count_operations(lambda x, y, z: x * y + z, 2.0, 3.0, 4.0)
    assert counted.value == 10.0
    assert counted.operations == CountedOperations(add=1, mul=1)
    assert counted.operations.total == 2


def test_each_kind_is_counted():
    x = CountingFloat(2.0)
    with counting() as tally:
        y = -x - 1.0  # neg, sub
        y = 3.0 / y  # div
        y = y**2  # pow
        y = np.tanh(y) + np.exp(x)  # 2 calls, add
        y = 2.0 * y  # mul
    assert tally.operations == CountedOperations(add=3, mul=1, div=1, pow=1, call=2)
    assert tally["call"] == 2 and tally.total == 8
    assert y.value == pytest.approx(2 * (math.tanh(1.0) + math.exp(2.0)))


def test_comparisons_and_constants_are_not_counted():
    x = CountingFloat(2.0)
    with counting() as tally:
        assert x > 1.0 and x <= 2.0 and not x < 1.0 and x >= CountingFloat(2.0)
        z = 3.0 * 4.0 + 1.0
    assert tally.total == 0 and z == 13.0


def test_tallies_nest_and_resume():
    x = CountingFloat(1.5)
    outer = OperationTally()
    with counting(outer):
        _ = x * x
        with counting() as inner:
            _ = x + x
    with counting(outer):
        _ = x / x
    assert inner.operations == CountedOperations(add=1)
    assert outer.operations == CountedOperations(add=1, mul=1, div=1)
    _ = x * x  # outside any tally: computed, not counted
    assert outer.total == 3


def test_object_arrays_are_counted_elementwise():
    a = np.array([CountingFloat(v) for v in (1.0, 2.0, 3.0)], dtype=object)
    with counting() as tally:
        s = a @ np.array([1.0, 1.0, 1.0])  # 3 mul, 2 add
        t = np.tanh(a)  # 3 calls
        u = (a * 2.0).sum()  # 3 mul, 2 add
    assert tally.operations == CountedOperations(add=4, mul=6, call=3)
    assert s.value == 6.0 and u.value == 12.0 and t[0].value == math.tanh(1.0)
    with counting() as tally:
        v = np.multiply(CountingFloat(2.0), np.array([1.0, 2.0]))
    assert tally.operations == CountedOperations(mul=2) and v[1].value == 4.0


def test_speelpenning_forward_pass_counts_n_multiplications():
    for n in (1, 2, 10, 100):
        counted = count_operations(product_from_one, np.ones(n))
        assert counted.operations == CountedOperations(mul=n)


def test_counts_agree_with_the_compiled_forward_sweep():
    # Two independent counters: counting floats and the instrumented emitted code.
    x = np.random.default_rng(3).uniform(0.5, 1.5, 20)
    for f, args in [(product_from_one, (x,)), (logistic, (x[:1], 25))]:
        ours = count_operations(f, *args).operations
        compiled = compile_gradient(f).count_operations(*args).forward
        assert ours.as_dict() == dict(compiled)


def test_values_escape_only_as_value():
    x = CountingFloat(0.5)
    with pytest.raises(TypeError, match="lose the count"):
        math.tanh(x)
    with pytest.raises(TypeError, match="lose the count"):
        float(x)
    with pytest.raises(TypeError, match=r"numpy\.arctan is not supported"):
        np.arctan(x)
    with pytest.raises(ValueError, match="complex"):
        _ = CountingFloat(-1.0) ** 0.5
    with pytest.raises(TypeError, match="value must be a real number"):
        CountingFloat("1")
    with pytest.raises(TypeError, match="tally must be an OperationTally"):
        with counting("t"):
            pass
    with pytest.raises(KeyError, match="unknown kind"):
        OperationTally()["sqrt"]


def test_count_operations_errors():
    with pytest.raises(TypeError, match="f must be callable"):
        count_operations(3, 1.0)
    with pytest.raises(TypeError, match="argument 0 must be a number or an array"):
        count_operations(lambda s: s, "text")
    with pytest.raises(TypeError, match="f must return a scalar"):
        count_operations(lambda v: v, np.ones(2))


# -- the gradient methods, counted by hand ---------------------------------------------


def test_forward_differences_of_the_product():
    n = 6
    cost = gradient_cost(product, np.arange(1.0, n + 1), method="forward-difference")
    # n + 1 evaluations of n - 1 multiplications; per input one perturbation,
    # one difference and one quotient.
    assert cost.parts["evaluations of f"] == CountedOperations(mul=(n + 1) * (n - 1))
    assert cost.parts["differences"] == CountedOperations(add=2 * n, div=n)
    assert cost.passes == n + 1
    assert cost.function_operations == CountedOperations(mul=n - 1)


def test_central_differences_of_the_product():
    n = 5
    cost = gradient_cost(product, np.arange(1.0, n + 1), method="central-difference")
    assert cost.parts["evaluations of f"] == CountedOperations(mul=2 * n * (n - 1))
    # two perturbations and one difference per input; 2h is a plain number
    assert cost.parts["differences"] == CountedOperations(add=3 * n, div=n)
    assert cost.passes == 2 * n


def test_forward_mode_of_the_product():
    n = 7
    cost = gradient_cost(product_from_one, np.arange(1.0, n + 1), method="forward-mode")
    # per pass: 1.0 * x0 takes 2 mul (value, tangent); each further dual product
    # 3 mul and 1 add (value; tangent x'y + xy')
    assert cost.operations == CountedOperations(
        mul=n * (2 + 3 * (n - 1)), add=n * (n - 1)
    )
    assert cost.passes == n


def test_reverse_mode_of_the_product():
    for n in (2, 4, 50):
        cost = gradient_cost(product, np.arange(1.0, n + 1), method="reverse-mode")
        assert cost.parts["forward sweep"] == CountedOperations(mul=n - 1)
        # each row p_k = p_(k-1) x_k sends bar * x_k and bar * p_(k-1) back
        assert cost.parts["reverse sweep"] == CountedOperations(mul=2 * (n - 1))
        assert cost.ratio == 3.0


def test_reverse_mode_of_the_logistic_map():
    for depth in (1, 5, 40):
        cost = gradient_cost(logistic, [0.3], depth, method="reverse-mode")
        # forward per step: 4y, 1 - y, product; reverse: 3 mul, 1 neg, 1 add
        assert cost.parts["forward sweep"] == CountedOperations(
            add=depth, mul=2 * depth
        )
        assert cost.parts["reverse sweep"] == CountedOperations(
            add=2 * depth, mul=3 * depth
        )


def test_symbolic_cost_is_the_operations_of_the_formulas():
    w = np.random.default_rng(5).normal(size=12)
    data = np.array([0.3, -0.7])
    cost = gradient_cost(network, w, data, 3, method="symbolic")
    formula = symbolic_expression(network, 12, data, 3)
    derivatives = [symbolic_derivative(formula, i) for i in range(12)]
    assert cost.expression_nodes == sum(d.size for d in derivatives)
    assert cost.total == sum(d.operations for d in derivatives)


def test_symbolic_logistic_map_swells():
    nodes = [
        gradient_cost(logistic, [0.3], k, method="symbolic").expression_nodes
        for k in range(1, 7)
    ]
    assert nodes == [11, 46, 140, 376, 944, 2272]


# -- every method gives the gradient -------------------------------------------------


@pytest.mark.parametrize("method", METHODS)
def test_every_method_gives_the_gradient(method):
    rng = np.random.default_rng(11)
    x0 = rng.uniform(0.4, 1.2, 3)
    exact = grad(every_operation)(x0)
    cost = gradient_cost(every_operation, x0, method=method)
    tol = {"forward-difference": 1e-6, "central-difference": 1e-8}.get(method, 1e-12)
    np.testing.assert_allclose(cost.gradient, exact, rtol=tol, atol=tol)
    assert cost.value == pytest.approx(every_operation(x0), rel=1e-15)

    w = rng.normal(size=18)
    data = rng.normal(size=4)
    exact = grad(lambda v: network(v, data, 3))(w)
    cost = gradient_cost(network, w, data, 3, method=method)
    np.testing.assert_allclose(cost.gradient, exact, rtol=tol, atol=tol)


@pytest.mark.parametrize("method", ["forward-mode", "reverse-mode", "symbolic"])
def test_numpy_array_functions(method):
    rng = np.random.default_rng(2)
    theta, x, y = rng.normal(size=20), rng.normal(size=(5, 3)), rng.normal(size=(5, 2))
    cost = gradient_cost(array_mlp, theta, x, y, method=method)
    np.testing.assert_allclose(cost.gradient, grad(array_mlp)(theta, x, y), rtol=1e-12)


def test_reverse_is_cheap_and_the_others_grow_with_n():
    rng = np.random.default_rng(7)
    data = rng.normal(size=4)
    ratios = {m: [] for m in METHODS}
    for hidden in (2, 6, 20):  # 12, 36 and 120 weights
        w = rng.normal(size=6 * hidden)
        for m in METHODS:
            ratios[m].append(gradient_cost(network, w, data, hidden, method=m).ratio)
    assert max(ratios["reverse-mode"]) <= 3.0
    for m in ("forward-difference", "central-difference", "forward-mode", "symbolic"):
        # ten times the inputs: the cost per operation of f grows about as much
        assert ratios[m][2] > 5 * ratios[m][0] > 5 * 3.0


def test_function_independent_of_x():
    cost = gradient_cost(lambda v: 2.0, [1.0, 2.0], method="reverse-mode")
    np.testing.assert_array_equal(cost.gradient, [0.0, 0.0])
    assert cost.total == 0
    cost = gradient_cost(lambda v: 2.0, [1.0], method="forward-mode")
    assert cost.gradient[0] == 0.0


def test_gradient_cost_errors():
    with pytest.raises(
        ValueError,
        match=r"method must be 'forward-difference', .* or 'reverse-mode', got 'backp",
    ):
        gradient_cost(product, [1.0], method="backprop")
    with pytest.raises(TypeError, match="f must be callable"):
        gradient_cost(None, [1.0])
    with pytest.raises(ValueError, match="x must be a non-empty 1-D array"):
        gradient_cost(product, [])
    with pytest.raises(ValueError, match="x must be a non-empty 1-D array"):
        gradient_cost(product, np.ones((2, 2)))
    with pytest.raises(ValueError, match="x contains non-finite values"):
        gradient_cost(product, [1.0, np.nan])
    with pytest.raises(ValueError, match=r"step must lie in \(0, inf\], got 0.0"):
        gradient_cost(product, [1.0], method="forward-difference", step=0.0)
    with pytest.raises(TypeError, match="f must return a scalar"):
        gradient_cost(lambda v: v, [1.0, 2.0])


@pytest.mark.parametrize("method", ["reverse-mode", "symbolic"])
def test_only_numeric_exponents(method):
    with pytest.raises(TypeError, match="exponent"):
        gradient_cost(lambda v: 2.0 ** v[0], [1.0], method=method)
    with pytest.raises(TypeError, match="exponent"):
        gradient_cost(lambda v: v[0] ** v[1], [1.0, 2.0], method=method)


def test_forward_mode_takes_counted_exponents():
    # the engine's Dual has the rule for x ** y in both arguments
    cost = gradient_cost(lambda v: 2.0 ** v[0], [3.0], method="forward-mode")
    assert cost.gradient[0] == pytest.approx(8.0 * math.log(2.0), rel=1e-14)
    cost = gradient_cost(lambda v: v[0] ** v[1], [1.5, 2.0], method="forward-mode")
    expected = [2.0 * 1.5, 1.5**2 * math.log(1.5)]
    np.testing.assert_allclose(cost.gradient, expected, rtol=1e-14)


def test_numbers_with_a_counted_exponent():
    counted = count_operations(lambda e: 2.0**e, 3.0)
    assert counted.value == 8.0 and counted.operations == CountedOperations(pow=1)
    cost = gradient_cost(lambda v: 2.0 ** v[0], [3.0], method="central-difference")
    assert cost.gradient[0] == pytest.approx(8.0 * math.log(2.0), rel=1e-8)


def test_a_given_step_is_used():
    cost = gradient_cost(
        lambda v: v[0] ** 2, [1.0], method="forward-difference", step=0.5
    )
    assert cost.gradient[0] == pytest.approx(2.5)


# -- dense stages against the sparse graph ----------------------------------------


def _net_case(density, span, seed=0, widths=(6, 5, 7, 5, 4)):
    net = sparse_network(widths, density, span=span, seed=seed)
    rng = np.random.default_rng(seed + 100)
    return net, rng.normal(size=widths[0]), rng.normal(size=widths[-1]) * 0.5


@pytest.mark.parametrize(("density", "span"), [(0.2, 1), (0.3, 2), (0.6, 3), (1.0, 2)])
def test_both_backward_methods_give_the_gradient(density, span):
    net, x, t = _net_case(density, span)
    dense = stagewise_gradient(net, x, t)
    graph = graph_gradient(net, x, t)
    np.testing.assert_allclose(
        dense.weight_gradient, graph.weight_gradient, rtol=1e-12, atol=1e-15
    )
    np.testing.assert_allclose(
        dense.input_gradient, graph.input_gradient, rtol=1e-12, atol=1e-15
    )
    ref_w = grad(lambda w: network_loss(net, x, t, w))(net.weights)
    ref_x = grad(lambda v: network_loss(net, v, t))(x)
    np.testing.assert_allclose(graph.weight_gradient, ref_w, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(graph.input_gradient, ref_x, rtol=1e-12, atol=1e-15)
    assert dense.loss == graph.loss == pytest.approx(float(network_loss(net, x, t)))
    check_grads(  # every edge (the hand-written sweep against differences)
        lambda w: network_loss(net, x, t, w),
        (net.weights,),
        grad_fn=lambda _: graph.weight_gradient,
        directions="coordinates",
        rtol=1e-6,
        atol=1e-9,
    )


def test_graph_sweep_counted_by_hand():
    net, x, t = _net_case(0.4, 2)
    graph = graph_gradient(net, x, t)
    # the units from which a path of links leads to the last layer
    reach = [set() for _ in net.widths]
    reach[-1] = set(range(net.widths[-1]))
    links = []
    for k in range(net.depth, 0, -1):
        into = np.nonzero(net.target_layer == k)[0]
        live = [e for e in into if net.target[e] in reach[k]]
        links += live
        for e in live:
            reach[net.source_layer[e]].add(net.source[e])
    units = sum(len(r) for r in reach[1:])
    assert units < sum(net.widths[1:])  # this seed leaves a unit without a path
    # per unit reached: h*h, 1 - ., times hbar; per live link: abar*h and w*abar;
    # the last layer's residuals h - t.
    assert graph.parts["terminal"] == CountedOperations(add=net.widths[-1])
    assert graph.parts["units"] == CountedOperations(mul=2 * units, add=units)
    assert graph.parts["weight gradients"] == CountedOperations(mul=len(links))
    fan_out = sum(len(r) for r in reach[:-1])
    assert graph.parts["link adjoints"] == CountedOperations(
        mul=len(links), add=len(links) - fan_out
    )


def test_stagewise_products_are_dense_by_hand():
    net, x, t = _net_case(0.4, 2)
    dense = stagewise_gradient(net, x, t)
    s = net.state_sizes
    assert s == (6, 11, 12, 12, 9)
    links_into = [int(np.sum(net.target_layer == k)) for k in range(1, 5)]
    assert dense.parts["state products"].mul == sum(
        s[k] * s[k - 1] for k in range(1, 5)
    )
    assert dense.parts["weight products"].mul == sum(
        s[k] * links_into[k - 1] for k in range(1, 5)
    )
    units = sum(net.widths[1:])
    assert dense.parts["state Jacobians"] == CountedOperations(
        mul=units + net.edges, add=units
    )
    assert dense.parts["weight Jacobians"] == CountedOperations(mul=net.edges)
    assert dense.parts["terminal"] == CountedOperations(add=net.widths[-1])


def test_without_skips_or_zeros_the_jacobian_is_the_graph():
    net, x, t = _net_case(1.0, 1)
    dense = stagewise_gradient(net, x, t)
    assert dense.parts["state products"].mul == net.edges
    assert net.state_sizes == net.widths


def test_sparse_network_structure():
    net = sparse_network((8, 8, 8, 8), 0.05, span=3, seed=4)
    for k in range(1, 4):
        below = (net.target_layer == k) & (net.source_layer == k - 1)
        assert set(net.target[below]) == set(range(8))  # every unit is driven
    assert set(net.target_layer - net.source_layer) <= {1, 2, 3}
    assert net.depth == 3 and net.edges == net.weights.size
    assert net.state_layers(3) == (3, 2, 1) and net.state_layers(1) == (1, 0)
    full = sparse_network((3, 4, 2), 1.0, span=2)
    assert full.edges == 3 * 4 + 4 * 2 + 3 * 2


def test_network_errors():
    with pytest.raises(ValueError, match="at least two layers"):
        sparse_network((4,), 0.5)
    with pytest.raises(ValueError, match="each width must be a positive integer"):
        sparse_network((4, 0), 0.5)
    with pytest.raises(ValueError, match=r"density must lie in \(0, 1\]"):
        sparse_network((4, 4), 0.0)
    with pytest.raises(TypeError, match="density must be a real number"):
        sparse_network((4, 4), "dense")
    with pytest.raises(ValueError, match="span must be a positive integer"):
        sparse_network((4, 4), 0.5, span=0)
    net = sparse_network((3, 4, 2), 0.5)
    with pytest.raises(ValueError, match="x has shape"):
        graph_gradient(net, np.ones(4), np.ones(2))
    with pytest.raises(ValueError, match="target has shape"):
        stagewise_gradient(net, np.ones(3), np.ones(3))
    with pytest.raises(TypeError, match="net must be a SparseNetwork"):
        graph_gradient("net", np.ones(3), np.ones(2))
    with pytest.raises(ValueError, match="x contains non-finite values"):
        stagewise_gradient(net, [1.0, np.inf, 0.0], np.ones(2))
    with pytest.raises(TypeError, match="net must be a SparseNetwork"):
        stagewise_gradient(None, np.ones(3), np.ones(2))
    with pytest.raises(TypeError, match="net must be a SparseNetwork"):
        network_loss(None, np.ones(3), np.ones(2))
    with pytest.raises(ValueError, match="weights has shape"):
        network_loss(net, np.ones(3), np.ones(2), np.ones(net.edges + 1))
    with pytest.raises(ValueError, match="x and target must have shapes"):
        network_loss(net, np.ones(2), np.ones(2))
