"""Joining sequences of arrays (stack, concatenate), prod with zeros, clip at its
bounds, norm at zero: exact values, conventions, errors, and agreement with HIPS
autograd."""

from __future__ import annotations

import numpy as np
import pytest
from autodiff_checks import forward_directional

from histbp.autodiff import (
    NestedDifferentiationError,
    TracerConversionError,
    UnsupportedOperationError,
    grad,
    jacobian,
    jvp,
    value_and_grad,
    vjp,
)
from histbp.autodiff._keywords import sequence_arguments
from histbp.autodiff._registry import REGISTRY
from histbp.testing import check_grads

RNG = np.random.default_rng(1970)


def cascade(params):
    """Two consecutive reactions A -> B -> C over stages at given temperatures."""
    temperatures, tau = params[:-1], params[-1]
    k1 = 5.0e7 * np.exp(-6000.0 / temperatures)
    k2 = 2.0e11 * np.exp(-9000.0 / temperatures)
    a, b = 1.0, 0.0
    for i in range(temperatures.shape[0]):
        a = a / (1.0 + k1[i] * tau)
        b = (b + k1[i] * tau * a) / (1.0 + k2[i] * tau)
    return np.stack([1.0 - a, b])


def test_cascade_jacobian_agrees_in_both_modes_and_with_differences():
    p = np.array([330.0, 335.0, 340.0, 345.0, 350.0, 0.5])
    reverse = jacobian(cascade, mode="reverse")(p)
    forward = jacobian(cascade, mode="forward")(p)
    assert reverse.shape == (2, 6)
    assert np.allclose(reverse, forward)
    np.testing.assert_allclose(reverse, forward, rtol=1e-12, atol=1e-15)
    # steps relative to each parameter: differentiate in s where p_j = p_j * s_j
    check_grads(
        lambda s: cascade(p * s),
        (np.ones(6),),
        modes="forward",
        directions="coordinates",
        rtol=1e-6,
        atol=0.0,
    )


# -- stack and concatenate -----------------------------------------------------------


def test_stack_of_traced_and_plain_pieces():
    x = RNG.standard_normal((3, 4))
    plain = RNG.standard_normal((3, 4))
    w = RNG.standard_normal((3, 4, 3))

    def f(x):
        return np.sum(np.stack([x, plain, x * x], axis=-1) * w)

    np.testing.assert_allclose(grad(f)(x), w[..., 0] + 2 * x * w[..., 2])
    t = RNG.standard_normal((3, 4))
    _, tangent = jvp(f, (x,), (t,))
    assert tangent == pytest.approx(np.sum(t * (w[..., 0] + 2 * x * w[..., 2])))


def test_stack_of_only_plain_pieces_inside_a_traced_function_stays_plain():
    def f(x):
        pieces = np.stack([np.ones(2), np.zeros(2)])
        assert type(pieces) is np.ndarray
        return np.sum(pieces * x)

    np.testing.assert_allclose(grad(f)(np.ones((2, 2))), [[1.0, 1.0], [0.0, 0.0]])


def test_the_same_traced_piece_twice_accumulates():
    x = RNG.standard_normal(3)
    np.testing.assert_allclose(grad(lambda x: np.sum(np.stack([x, x])))(x), 2.0)
    g = grad(lambda x: np.sum(np.concatenate([x, x, x])))(x)
    np.testing.assert_allclose(g, 3.0)


def test_scalar_pieces_give_python_float_derivatives():
    def f(a, b):
        return np.sum(np.stack([a * b, 2.0, b]) * np.array([1.0, 5.0, 3.0]))

    ga, gb = grad(f, argnum=(0, 1))(2.0, 3.0)
    assert type(ga) is float and type(gb) is float
    assert (ga, gb) == (3.0, 2.0 + 3.0)
    _, tangent = jvp(f, (2.0, 3.0), (1.0, 0.0))
    assert tangent == 3.0


def test_a_traced_array_as_the_sequence():
    x = RNG.standard_normal((3, 4))
    w = RNG.standard_normal((4, 3))
    np.testing.assert_allclose(grad(lambda x: np.sum(np.stack(x, axis=1) * w))(x), w.T)
    w2 = RNG.standard_normal(12)
    np.testing.assert_allclose(
        grad(lambda x: np.sum(np.concatenate(x) * w2))(x), w2.reshape(3, 4)
    )


def test_concatenate_pieces_get_their_slices_of_the_cotangent():
    x, y, z = (RNG.standard_normal((2, n)) for n in (1, 3, 2))
    cotangent = RNG.standard_normal((2, 6))
    value, vjp_fn = vjp(lambda x, y, z: np.concatenate((x, y, z), axis=-1), x, y, z)
    np.testing.assert_array_equal(value, np.concatenate((x, y, z), axis=1))
    gx, gy, gz = vjp_fn(cotangent)
    np.testing.assert_array_equal(gx, cotangent[:, :1])
    np.testing.assert_array_equal(gy, cotangent[:, 1:4])
    np.testing.assert_array_equal(gz, cotangent[:, 4:])
    for g in (gx, gy, gz):
        assert g.flags.owndata and g.flags.writeable


def test_vstack_and_hstack_follow_numpy_promotion():
    x = RNG.standard_normal(4)
    value, vjp_fn = vjp(lambda x, s: np.vstack([x, np.ones(4), x * s]), x, 2.0)
    assert value.shape == (3, 4)
    gx, gs = vjp_fn(np.ones((3, 4)))
    np.testing.assert_allclose(gx, 3.0)
    assert gs == pytest.approx(np.sum(x))
    value, vjp_fn = vjp(lambda s, x: np.hstack([s, x]), 2.0, x)
    assert value.shape == (5,)
    gs, gx = vjp_fn(np.arange(5.0))
    assert gs == 0.0 and type(gs) is float
    np.testing.assert_array_equal(gx, [1.0, 2.0, 3.0, 4.0])


def test_jacobian_of_stack_is_the_identity_arrangement():
    x = RNG.standard_normal(3)
    for mode in ("reverse", "forward"):
        jac = jacobian(lambda x: np.stack([x, 2.0 * x], axis=-1), mode=mode)(x)
        expected = np.stack([np.eye(3), 2.0 * np.eye(3)], axis=1)
        np.testing.assert_array_equal(jac, expected)


# -- prod: exclusive products, correct at zeros ---------------------------------------


def _products_of_others(x):
    return np.array([np.prod(np.delete(x, i)) for i in range(x.size)])


@pytest.mark.parametrize(
    "x",
    [
        [2.0, -3.0, 0.5, 4.0],
        [2.0, 0.0, 0.5, 4.0],
        [0.0, -3.0, 0.0, 4.0],
        [0.0, 0.0, 0.0],
        [7.0],
    ],
)
def test_prod_gradient_is_the_product_of_the_others_even_at_zeros(x):
    x = np.array(x)
    expected = _products_of_others(x)
    value, g = value_and_grad(np.prod)(x)
    assert value == np.prod(x)
    np.testing.assert_array_equal(g, expected)
    assert np.all(np.isfinite(g))
    for i in range(x.size):
        direction = np.eye(x.size)[i]
        assert jvp(np.prod, (x,), (direction,))[1] == expected[i]


def test_prod_over_axes_with_zeros_matches_products_of_others():
    x = RNG.standard_normal((3, 4, 2))
    x[0, 1, 0] = 0.0
    x[2, 0, 1] = x[2, 3, 1] = 0.0
    w = RNG.standard_normal((3, 1, 2))

    def f(x):
        return np.sum(np.prod(x, axis=1, keepdims=True) * w)

    expected = np.empty_like(x)
    for i in range(3):
        for k in range(2):
            expected[i, :, k] = w[i, 0, k] * _products_of_others(x[i, :, k])
    np.testing.assert_allclose(grad(f)(x), expected, rtol=1e-14, atol=1e-300)
    v = RNG.standard_normal(x.shape)
    assert forward_directional(f, (x,), (v,)) == pytest.approx(np.sum(expected * v))


# -- clip: 1 inside and at the bounds, 0 outside; traced bounds ----------------------


def test_clip_derivative_convention():
    x = np.array([-2.0, -1.0, 0.0, 1.0, 2.0])
    g = grad(lambda x: np.sum(np.clip(x, -1.0, 1.0)))(x)
    np.testing.assert_array_equal(g, [0.0, 1.0, 1.0, 1.0, 0.0])
    _, t = jvp(lambda x: np.clip(x, -1.0, 1.0), (x,), (np.ones(5),))
    np.testing.assert_array_equal(t, [0.0, 1.0, 1.0, 1.0, 0.0])
    assert grad(lambda s: np.clip(s, 0.0, 1.0))(1.0) == 1.0
    assert grad(lambda s: np.clip(s, 0.0, 1.0))(1.5) == 0.0


def test_clip_derivatives_with_respect_to_x_and_bounds_sum_to_one():
    x = np.array([-2.0, -1.0, 0.0, 1.0, 2.0, 0.5])
    lo = np.array([-1.0, -1.0, -1.0, -1.0, -1.0, 1.0])  # last: lo > hi
    hi = np.array([1.0, 1.0, 1.0, 1.0, 1.0, 0.0])

    def f(x, lo, hi):
        return np.sum(np.clip(x, lo, hi))

    gx, glo, ghi = grad(f, argnum=(0, 1, 2))(x, lo, hi)
    np.testing.assert_array_equal(gx, [0.0, 1.0, 1.0, 1.0, 0.0, 0.0])
    np.testing.assert_array_equal(glo, [1.0, 0.0, 0.0, 0.0, 0.0, 0.0])
    np.testing.assert_array_equal(ghi, [0.0, 0.0, 0.0, 0.0, 1.0, 1.0])
    ones = np.ones(6)
    _, t = jvp(lambda x, lo, hi: np.clip(x, lo, hi), (x, lo, hi), (ones, ones, ones))
    np.testing.assert_array_equal(t, ones)


def test_clip_with_numpy2_min_max_keywords():
    x = np.array([-2.0, 0.0, 2.0])
    g = grad(lambda x: np.sum(np.clip(x, min=-1.0, max=1.0)))(x)
    np.testing.assert_array_equal(g, [0.0, 1.0, 0.0])


# -- norm ------------------------------------------------------------------------------


def test_norm_gradient_is_the_unit_vector_and_zero_at_zero():
    x = np.array([3.0, -4.0])
    np.testing.assert_allclose(grad(np.linalg.norm)(x), [0.6, -0.8])
    with np.errstate(all="raise"):
        np.testing.assert_array_equal(grad(np.linalg.norm)(np.zeros(3)), 0.0)
        assert jvp(np.linalg.norm, (np.zeros(3),), (np.ones(3),))[1] == 0.0
        rows = np.array([[0.0, 0.0], [3.0, 4.0]])
        g = grad(lambda x: np.sum(np.linalg.norm(x, axis=1)))(rows)
    np.testing.assert_allclose(g, [[0.0, 0.0], [0.6, 0.8]])


# -- errors ----------------------------------------------------------------------------


X = np.array([0.5, -1.0, 2.0])


@pytest.mark.parametrize(
    ("fn", "pattern"),
    [
        (lambda x: np.stack([x, x], out=np.empty((2, 3))), r"numpy.stack: .*out"),
        (lambda x: np.stack([x, x], dtype=np.float32), r"numpy.stack: .*dtype"),
        (lambda x: np.stack([x, x], 0, np.empty((2, 3))), r"numpy.stack: .*out"),
        (
            lambda x: np.concatenate([x, x], casting="unsafe"),
            r"numpy.concatenate: .*casting",
        ),
        (lambda x: np.vstack([x, x], dtype=np.float64), r"numpy.vstack: .*dtype"),
        (lambda x: np.prod(x, initial=2.0), r"numpy.prod: .*initial"),
        (lambda x: np.prod(x, where=X > 0), r"numpy.prod: .*where"),
        (lambda x: np.cumsum(x, out=np.empty(3)), r"numpy.cumsum: .*out"),
        (lambda x: np.outer(x, x, out=np.empty((3, 3))), r"numpy.outer: .*out"),
        (lambda x: np.clip(x, 0.0, 1.0, out=np.empty(3)), r"numpy.clip: .*out"),
        (
            lambda x: np.linalg.norm(np.outer(x, x), ord="nuc"),
            r"numpy.linalg.norm: ord='nuc' at a matrix with a zero singular value",
        ),
        (
            lambda x: np.linalg.norm(x[0] * np.eye(2), 2),
            r"numpy.linalg.norm: ord=2 where that singular value is repeated",
        ),
        (lambda x: np.clip(X, a_min=x[0]), r"numpy.clip: a traced keyword"),
    ],
)
def test_unsupported_arguments_are_named(fn, pattern):
    with pytest.raises(UnsupportedOperationError, match=pattern):
        grad(lambda x: np.sum(fn(x)))(X)
    with pytest.raises(UnsupportedOperationError, match=pattern):
        jvp(lambda x: np.sum(fn(x)), (X,), (X,))


def test_bad_positional_arguments_are_type_errors():
    with pytest.raises(TypeError, match="positional"):
        grad(lambda x: np.sum(np.stack([x, x], 0, None, 1)))(X)
    with pytest.raises(TypeError, match="multiple values"):
        grad(lambda x: np.sum(np.concatenate([x, x], 0, axis=0)))(X)
    # numpy's dispatchers catch these first; the engine's own guards:
    vstack, stack = REGISTRY[np.vstack], REGISTRY[np.stack]
    with pytest.raises(TypeError, match=r"numpy\.vstack takes at most 1 positional"):
        sequence_arguments(vstack, ([X, X], 1), {})
    with pytest.raises(TypeError, match=r"numpy\.stack got multiple values for 'axis'"):
        sequence_arguments(stack, ([X, X], 1), {"axis": 0})
    assert sequence_arguments(stack, ([X], -1), {}) == ((X,), {"axis": -1})


def test_mixing_modes_inside_a_sequence_is_refused():
    seen = {}

    def inner(x):
        seen["traced"] = x
        return np.sum(x)

    grad(inner)(X)  # keep a reverse-mode value around (it has escaped)

    def outer(x):
        return np.sum(np.stack([x, seen["traced"]]))

    with pytest.raises(NestedDifferentiationError):
        jvp(outer, (X,), (X,))


def test_a_list_of_traced_values_cannot_become_a_numeric_array():
    with pytest.raises(TracerConversionError, match=r"np\.stack"):
        grad(lambda x: np.sum(np.array([x[0], x[1]], dtype=np.float64)))(X)


# -- random directions over composites -------------------------------------------------


@pytest.mark.parametrize("mode", ["reverse", "forward"])
def test_composite_of_new_primitives_matches_central_differences(mode):
    x = RNG.standard_normal((3, 4))
    y = RNG.standard_normal(4)

    def f(x, y):
        rows = np.concatenate([x, y[None, :], np.ones((1, 4))], axis=0)
        z = np.stack([np.cumsum(rows, axis=0), np.clip(rows, -0.8, 0.8)], axis=-1)
        return np.prod(np.tanh(z), axis=(0, 2)) @ y + np.linalg.norm(np.outer(y, x[0]))

    check_grads(f, (x, y), modes=(mode,), seed=RNG)


# -- agreement with HIPS autograd ------------------------------------------------------


def test_stack_concatenate_and_prod_match_autograd():
    autograd = pytest.importorskip("autograd")
    anp = pytest.importorskip("autograd.numpy")

    def f(xp):
        def g(x, y):
            s = xp.stack([x, xp.sin(y), 2.0 * x], axis=-1)  # (3, 4, 3)
            c = xp.concatenate([s[0], x.T, xp.cos(s[1])], axis=0)  # (14, 3)
            p = xp.prod(1.0 + 0.5 * xp.tanh(c), axis=0)
            q = xp.prod(x[:, :2], axis=1, keepdims=True)
            return xp.sum(p * xp.stack([y[0, 0], y[1, 1], y[2, 2]])) + xp.sum(q)

        return g

    x = RNG.standard_normal((3, 4))
    y = RNG.standard_normal((3, 4))
    ours = grad(f(np), argnum=(0, 1))(x, y)
    theirs = autograd.grad(f(anp), argnum=[0, 1])(x, y)
    for u, v in zip(ours, theirs, strict=True):
        np.testing.assert_allclose(u, v, rtol=1e-10, atol=1e-14)

    def h(xp):
        return lambda x: xp.concatenate([xp.prod(x, axis=0), xp.stack([x[0, 0], 1.0])])

    expected = autograd.jacobian(h(anp))(x)
    for mode in ("reverse", "forward"):
        np.testing.assert_allclose(jacobian(h(np), mode=mode)(x), expected, rtol=1e-12)
