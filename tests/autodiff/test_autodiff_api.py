"""The transformations' contracts: types, shapes, argnum, modes, conventions."""

from __future__ import annotations

import numpy as np
import pytest

from histbp.autodiff import (
    Dual,
    NestedDifferentiationError,
    accumulate_jacobian,
    grad,
    jacobian,
    jvp,
    sigmoid,
    value_and_grad,
    vjp,
)


def r3_to_r2(x):
    return (
        np.array([1.0, 0.0]) * x[0] * x[1] + np.array([0.0, 1.0]) * np.sin(x[2]) * x[0]
    )


def test_jacobian_forward_equals_reverse_from_r3_to_r2():
    x = np.array([0.3, -1.2, 2.0])
    expected = np.array([[x[1], x[0], 0.0], [np.sin(x[2]), 0.0, x[0] * np.cos(x[2])]])
    reverse = jacobian(r3_to_r2, mode="reverse")(x)
    forward = jacobian(r3_to_r2, mode="forward")(x)
    assert reverse.shape == forward.shape == (2, 3)
    np.testing.assert_allclose(reverse, forward, rtol=1e-14)
    np.testing.assert_allclose(reverse, expected, rtol=1e-14)


@pytest.mark.parametrize("mode", ["reverse", "forward"])
def test_accumulate_jacobian_is_jacobians_core(mode):
    x = np.array([0.3, -1.2, 2.0])
    np.testing.assert_array_equal(
        accumulate_jacobian(r3_to_r2, x, mode), jacobian(r3_to_r2, mode=mode)(x)
    )
    empty = accumulate_jacobian(lambda t: np.sum(t) * np.ones(2), np.ones(0), mode)
    assert empty.shape == (2, 0)


@pytest.mark.parametrize("mode", ["reverse", "forward"])
def test_jacobian_shapes(mode):
    a = np.arange(6.0).reshape(2, 3)
    jac = jacobian(lambda m: np.tanh(m @ a), mode=mode)(np.ones((2, 2)))
    assert jac.shape == (2, 3, 2, 2)
    assert jacobian(lambda m: np.sum(m**2), mode=mode)(a).shape == (2, 3)
    np.testing.assert_allclose(jacobian(lambda t: t * a, mode=mode)(2.0), a)
    assert jacobian(lambda t: t**3, mode=mode)(2.0).shape == ()
    jac = jacobian(lambda x, w: w * x, argnum=1, mode=mode)(np.ones(2), np.ones(2))
    np.testing.assert_allclose(jac, np.eye(2))


def test_value_and_grad_and_argnum_tuples():
    def f(x, y, z):
        return np.sum(x * y) + z**2

    x, y = np.array([1.0, 2.0]), np.array([3.0, -1.0])
    value, (gx, gz) = value_and_grad(f, argnum=(0, 2))(x, y, 4.0)
    assert value == f(x, y, 4.0)
    np.testing.assert_array_equal(gx, y)
    assert gz == 8.0
    np.testing.assert_array_equal(grad(f, argnum=-2)(x, y, 4.0), x)
    gy1, gy2 = grad(f, argnum=(1, 1))(x, y, 4.0)
    np.testing.assert_array_equal(gy1, gy2)


def test_keyword_arguments_pass_through():
    assert grad(lambda x, scale=1.0: scale * x**2)(3.0, scale=2.0) == 12.0


def test_gradient_types_follow_the_input():
    assert type(grad(lambda x: x * 2.0)(1.0)) is float
    assert type(grad(lambda x: x * 2.0)(1)) is float
    assert type(grad(lambda x: np.sin(x))(np.float64(1.0))) is float
    g = grad(lambda x: np.sin(x))(np.array(1.0))
    assert isinstance(g, np.ndarray) and g.shape == ()
    g = grad(lambda x: np.sum(x**2))(np.arange(3, dtype=np.float32))
    assert g.dtype == np.float32
    g = grad(lambda x: np.sum(x**2))(np.arange(3))
    assert g.dtype == np.float64
    np.testing.assert_array_equal(g, [0.0, 2.0, 4.0])
    assert g.flags.writeable


def test_output_that_ignores_the_input_has_zero_gradient():
    assert grad(lambda x: 3.0)(1.0) == 0.0
    np.testing.assert_array_equal(grad(lambda x: np.float64(2.0))(np.ones(3)), 0.0)
    np.testing.assert_array_equal(
        grad(lambda x, y: np.sum(y), argnum=0)(np.ones(2), np.ones(2)), 0.0
    )


def test_vjp_with_several_primals():
    def f(x, w):
        return w @ x

    x, w = np.array([1.0, 2.0]), np.arange(6.0).reshape(3, 2)
    value, vjp_fn = vjp(f, x, w)
    np.testing.assert_array_equal(value, w @ x)
    u = np.array([1.0, -1.0, 2.0])
    gx, gw = vjp_fn(u)
    np.testing.assert_allclose(gx, u @ w)
    np.testing.assert_allclose(gw, np.outer(u, x))


def test_jvp_types_and_values():
    value, tangent = jvp(lambda x, y: x * y, (2.0, 3.0), (1.0, 0.0))
    assert (value, tangent) == (6.0, 3.0)
    assert type(tangent) is float
    value, tangent = jvp(np.exp, [np.zeros(2)], [np.array([1.0, 2.0])])
    np.testing.assert_array_equal(tangent, [1.0, 2.0])
    assert jvp(lambda x: 5.0, (1.0,), (1.0,)) == (5.0, 0.0)


def test_non_finite_inputs_follow_numpy():
    assert grad(lambda x: x * 2.0)(np.inf) == 2.0
    np.testing.assert_array_equal(grad(np.sum)(np.array([np.inf, np.nan])), 1.0)
    assert np.isnan(grad(lambda x: x * x)(np.nan))


def test_conventions_where_the_derivative_is_undefined():
    with np.errstate(divide="ignore"):
        assert grad(np.sqrt)(0.0) == np.inf
        assert grad(np.log)(0.0) == np.inf
        assert grad(lambda x: 1.0 / x)(0.0) == -np.inf
    assert grad(abs)(0.0) == 0.0
    assert grad(lambda x: np.sum(np.abs(x)))(np.zeros(2)).tolist() == [0.0, 0.0]
    assert grad(lambda x: np.maximum(x, 0.0))(0.0) == 0.5  # relu'(0): ties split
    assert grad(lambda x: np.minimum(x, 0.0))(0.0) == 0.5
    g = grad(lambda x: np.max(x))(np.array([1.0, 3.0, 3.0]))
    np.testing.assert_array_equal(g, [0.0, 0.5, 0.5])
    assert grad(lambda x: x**2.0)(0.0) == 0.0


def test_python_float_division_by_zero_follows_numpy():
    with np.errstate(divide="ignore", invalid="ignore"):
        value, g = value_and_grad(lambda x: x / 0.0)(1.0)
        assert value == np.inf and g == np.inf
        assert np.isnan(value_and_grad(lambda x: x**0.5)(-4.0)[0])


def test_sigmoid_on_plain_and_traced_values_without_overflow():
    assert sigmoid(0.0) == 0.5
    np.testing.assert_array_equal(sigmoid(np.array([-1000.0, 1000.0])), [0.0, 1.0])
    assert sigmoid(-1000.0) == 0.0 and sigmoid(1000) == 1.0
    assert grad(sigmoid)(1000.0) == 0.0
    assert grad(sigmoid)(0.0) == 0.25
    np.testing.assert_allclose(
        grad(lambda x: np.sum(sigmoid(x)))(np.array([-2.0, 2.0])),
        sigmoid(np.array([-2.0, 2.0])) * sigmoid(np.array([2.0, -2.0])),
    )


def test_plain_values_pass_through_non_differentiable_functions():
    def f(x):
        assert x.shape == (2, 3) and x.ndim == 2 and x.size == 6 and len(x) == 2
        assert np.shape(x) == (2, 3)
        k = int(np.argmax(x[0]))
        mask = np.isfinite(x) & (x > 0)
        return np.sum(np.where(mask, x, 0.0)) * np.sign(x[0, 0]) + x[0, k]

    x = np.array([[1.0, -2.0, 3.0], [4.0, 5.0, -6.0]])
    expected = (x > 0).astype(float)
    expected[0, 2] += 1.0
    np.testing.assert_array_equal(grad(f)(x), expected)


def test_nested_differentiation_is_refused():
    with pytest.raises(NestedDifferentiationError, match="nested"):
        grad(grad(lambda x: x**3))(1.0)
    with pytest.raises(NestedDifferentiationError, match="jvp was called inside"):
        grad(lambda x: jvp(np.sin, (x,), (1.0,))[1])(1.0)
    assert grad(lambda x: x**3)(1.0) == 3.0  # the state was reset


def test_a_dual_number_carries_its_differential_through_numpy():
    x = Dual(4.0, 1.0)
    y = np.sqrt(x) * x  # d(x^1.5) = 1.5 x^0.5 dx
    assert isinstance(y, Dual)
    assert y.value == 8.0
    assert y.tangent == pytest.approx(3.0, rel=1e-15)
    v = Dual(np.array([1.0, 2.0]), np.array([1.0, 0.0]))
    z = v * np.array([[3.0], [5.0]])  # the tangent is broadcast with the value
    np.testing.assert_array_equal(z.tangent, [[3.0, 0.0], [5.0, 0.0]])
    assert 2.0 * np.tanh(Dual(0.0, 1.0)).tangent == 2.0  # tanh'(0) = 1
