"""Textbook symbolic differentiation on written-out trees (symbolic_derivative)."""

import math

import numpy as np
import pytest

from histbp.autodiff import (
    SymbolicExpr,
    evaluate_expression,
    grad,
    symbolic_constant,
    symbolic_derivative,
    symbolic_expression,
    symbolic_variables,
)
from histbp.testing import check_grads


def node_ids(e: SymbolicExpr) -> list[int]:
    out, stack = [], [e]
    while stack:
        node = stack.pop()
        out.append(id(node))
        stack.extend(node.args)
    return out


def logistic(x, depth):
    y = x[0]
    for _ in range(depth):
        y = 4.0 * y * (1.0 - y)
    return y


# -- sizes counted by hand ---------------------------------------------------------


def test_sum_of_a_product_has_five_nodes_and_derivative_y():
    x, y, z = symbolic_variables(3)
    f = x * y + z
    assert str(f) == "((x0 * x1) + x2)"
    assert f.size == 5 and f.operations == 2
    # d/dx0: (1 * x1 + x0 * 0) + 0 folds to x1
    assert str(symbolic_derivative(f, 0)) == "x1"
    assert str(symbolic_derivative(f, 2)) == "1"


def test_square_and_sine_of_square():
    (x,) = symbolic_variables(1)
    assert str(symbolic_derivative(x * x, 0)) == "(x0 + x0)"
    d = symbolic_derivative(np.sin(x * x), 0)
    # cos(x*x) * (x + x): mul, cos, mul, x, x, add, x, x
    assert str(d) == "(cos((x0 * x0)) * (x0 + x0))"
    assert d.size == 8


def test_logistic_map_one_step_by_hand():
    # f = (4 x)(1 - x): 7 nodes. f' = 4 (1 - x) + (4 x)(-1): 5 + 5 + 1 = 11 nodes.
    f = symbolic_expression(logistic, 1, 1)
    assert f.size == 7
    d = symbolic_derivative(f, 0)
    assert str(d) == "((4 * (1 - x0)) + ((4 * x0) * -1))"
    assert d.size == 11


def test_logistic_map_swell_regression():
    # Measured once with this module; the derivative more than doubles per step.
    sizes = [
        symbolic_derivative(symbolic_expression(logistic, 1, k), 0).size
        for k in range(1, 7)
    ]
    assert sizes == [11, 46, 140, 376, 944, 2272]
    f_sizes = [symbolic_expression(logistic, 1, k).size for k in range(1, 7)]
    assert f_sizes == [7, 19, 43, 91, 187, 379]


def test_trivial_simplifications_only():
    (x,) = symbolic_variables(1)
    assert str(x * 0.0) == "0"
    assert str(1.0 * x) == "x0"
    assert str(0.0 + x) == "x0"
    assert str(x - 0.0) == "x0"
    assert str(0.0 - x) == "(-x0)"
    assert str(x / 1.0) == "x0"
    assert str(x**1.0) == "x0"
    assert str(x**0.0) == "1"
    assert str(0.0 / x) == "0"
    # no common subexpression is merged: x - x stays
    assert str(x - x) == "(x0 - x0)"
    assert symbolic_constant(2.0).size == 1


def test_no_node_is_shared():
    x, _ = symbolic_variables(2)
    f = symbolic_expression(lambda v: np.tanh(v[0] * v[1]) * v[0] / (v[1] + 1.0), 2)
    for i in range(2):
        d = symbolic_derivative(f, i)
        ids = node_ids(d)
        assert len(ids) == len(set(ids)) == d.size
        assert not set(ids) & set(node_ids(f))
    g = x * x
    assert g.args[0] is not g.args[1]


# -- values against histbp.autodiff and finite differences -------------------------


def every_function(x):
    a = np.exp(x[0]) * np.log(x[1]) - np.sin(x[2]) / np.cos(x[0])
    b = np.tanh(x[1] * x[2]) + np.sqrt(x[0] + x[1]) ** 3.0
    return -a + 2.0 / b - (x[2] - 1.5) ** 2


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_derivatives_match_reverse_mode_and_differences(seed):
    x0 = np.random.default_rng(seed).uniform(0.4, 1.2, 3)
    f = symbolic_expression(every_function, 3)
    assert evaluate_expression(f, x0) == pytest.approx(every_function(x0), rel=1e-14)
    symbolic = np.array(
        [evaluate_expression(symbolic_derivative(f, i), x0) for i in range(3)]
    )
    reverse = grad(every_function)(x0)
    np.testing.assert_allclose(symbolic, reverse, rtol=1e-12)
    check_grads(
        every_function,
        (x0,),
        grad_fn=lambda _: symbolic,
        directions="coordinates",
        rtol=1e-7,
        atol=0.0,
    )


def test_logistic_derivative_value():
    for depth in range(1, 8):
        d = symbolic_derivative(symbolic_expression(logistic, 1, depth), 0)
        expected = grad(lambda x, k=depth: logistic(x, k))(np.array([0.3]))[0]
        assert evaluate_expression(d, [0.3]) == pytest.approx(expected, rel=1e-12)


def test_object_arrays_and_matmul():
    w = np.array([[1.0, 2.0], [3.0, 4.0]])
    f = symbolic_expression(lambda v: np.sum(np.tanh(w @ v)), 2)
    x0 = np.array([0.1, -0.2])
    assert evaluate_expression(f, x0) == pytest.approx(np.sum(np.tanh(w @ x0)))


# -- errors ------------------------------------------------------------------------


def test_errors_name_the_problem():
    (x,) = symbolic_variables(1)
    with pytest.raises(TypeError, match="expr must be a SymbolicExpr"):
        symbolic_derivative(1.0, 0)
    with pytest.raises(TypeError, match="index must be an integer"):
        symbolic_derivative(x, 0.5)
    with pytest.raises(ValueError, match="index must be non-negative"):
        symbolic_derivative(x, -1)
    with pytest.raises(ValueError, match="n must be a positive integer"):
        symbolic_variables(0)
    with pytest.raises(TypeError, match="n must be an integer"):
        symbolic_variables(2.0)
    with pytest.raises(TypeError, match="f must be callable"):
        symbolic_expression("f", 2)
    with pytest.raises(TypeError, match="f must return a scalar"):
        symbolic_expression(lambda v: v, 2)
    with pytest.raises(TypeError, match="cannot be compared"):
        _ = x < 1.0
    with pytest.raises(TypeError, match="truth value"):
        bool(x)
    with pytest.raises(TypeError, match="not math's"):
        math.sin(x)
    with pytest.raises(TypeError, match="exponent"):
        _ = x**x
    with pytest.raises(TypeError, match=r"numpy\.arctan is not supported"):
        np.arctan(x)
    with pytest.raises(ValueError, match="no value given for variable x3"):
        evaluate_expression(symbolic_variables(4)[3], [1.0])
    with pytest.raises(TypeError, match="expr must be a SymbolicExpr"):
        evaluate_expression(2.0, [])
    with pytest.raises(ValueError, match="finite"):
        symbolic_constant(float("inf"))
    with pytest.raises(TypeError, match="real number"):
        symbolic_constant("1")
    assert symbolic_expression(lambda v: 3.0, 1).size == 1
