"""Arrays built from lists of traced values, ``.astype``, keywords at their defaults.

numpy builds ``np.array([x, y])`` of traced values as an ``object`` array of
traced scalars; every later operation is then recorded element by element (or
after joining the array into one traced value), so the derivatives are exact.
Each case is compared with the same function written with ``np.stack``, which
the engine differentiates directly, and with HIPS autograd where it has one.
"""

from __future__ import annotations

import numpy as np
import pytest

from histbp.autodiff import (
    TracerConversionError,
    UnsupportedOperationError,
    grad,
    jacobian,
    jvp,
)
from histbp.testing import check_grads

RNG = np.random.default_rng(12)
X = RNG.standard_normal(3)
A = RNG.standard_normal((2, 3))

# Pairs (built from a list, the same with np.stack): each pair must agree.
BUILT = {
    "np.array of scalars": (
        lambda x: np.sum(np.array([x[0], 2.0 * x[1], 1.5]) ** 2),
        lambda x: np.sum(np.stack([x[0], 2.0 * x[1], 1.5]) ** 2),
    ),
    "np.array of vectors": (
        lambda x: np.sum(np.sin(A * np.array([x, x**2]))),
        lambda x: np.sum(np.sin(A * np.stack([x, x**2]))),
    ),
    "np.asarray of a list": (
        lambda x: np.asarray([x[2], x[0]]) @ A[:, :2] @ x[:2],
        lambda x: np.stack([x[2], x[0]]) @ A[:, :2] @ x[:2],
    ),
    "plain @ object array": (
        lambda x: np.sum(A @ np.array([x[0], x[1], x[2] * x[0]])),
        lambda x: np.sum(A @ np.stack([x[0], x[1], x[2] * x[0]])),
    ),
    "np.r_": (
        lambda x: np.sum(np.r_[x, x[0], 3.0] * np.arange(5.0)),
        lambda x: np.sum(np.concatenate([x, np.stack([x[0], 3.0])]) * np.arange(5.0)),
    ),
    "np.mean of a list": (
        lambda x: np.mean([x[0], x[1] * x[2], 4.0]),
        lambda x: np.mean(np.stack([x[0], x[1] * x[2], 4.0])),
    ),
    "np.mean of vectors": (
        lambda x: np.mean([x, np.cos(x)]),
        lambda x: np.mean(np.stack([x, np.cos(x)])),
    ),
    "np.sum of a list": (
        lambda x: np.sum([x, 2.0 * x]),
        lambda x: np.sum(np.stack([x, 2.0 * x])),
    ),
    "ufunc on an object array": (
        lambda x: np.sum(np.exp(np.array([x[0], x[1]])) + np.tanh(np.array([x[2]]))),
        lambda x: np.sum(np.exp(np.stack([x[0], x[1]])) + np.tanh(np.stack([x[2]]))),
    ),
    "object array meets traced array": (
        lambda x: np.sum(np.array([x[0], x[1], 1.0]) * x),
        lambda x: np.sum(np.stack([x[0], x[1], 1.0]) * x),
    ),
    "stack of object arrays": (
        lambda x: np.sum(np.stack([np.array([x[0], x[1]]), x[1:]]) ** 3),
        lambda x: np.sum(np.stack([np.stack([x[0], x[1]]), x[1:]]) ** 3),
    ),
    "returned object array": (
        lambda x: np.array([x[0] * x[1]]),
        lambda x: np.stack([x[0] * x[1]]),
    ),
}


@pytest.mark.parametrize("name", list(BUILT))
@pytest.mark.parametrize("mode", ["reverse", "forward"])
def test_arrays_built_from_traced_values_differentiate_exactly(name, mode):
    built, stacked = BUILT[name]
    if mode == "reverse":
        ours, expected = grad(built)(X), grad(stacked)(X)
    else:
        ours = jacobian(built, mode="forward")(X)
        expected = jacobian(stacked, mode="forward")(X)
    assert np.any(expected != 0.0)  # the case does exercise a derivative
    np.testing.assert_allclose(ours, expected, rtol=1e-13)


def test_arrays_built_from_traced_values_match_autograd():
    autograd = pytest.importorskip("autograd")
    anp = pytest.importorskip("autograd.numpy")

    def f(xp):
        return lambda x, y: (
            xp.sum(xp.array([x * y, y, 2.0]) ** 2) + xp.mean(xp.array([x, xp.sin(y)]))
        )

    ours = grad(f(np), argnum=(0, 1))(0.7, -1.3)
    theirs = autograd.grad(f(anp), argnum=[0, 1])(0.7, -1.3)
    assert ours == pytest.approx(tuple(map(float, theirs)), rel=1e-13)


def test_python_float_inputs_in_a_list():
    g = grad(lambda a, b: np.mean([a * b, b]), argnum=(0, 1))(2.0, 3.0)
    assert g == pytest.approx((1.5, 1.5))


def test_object_array_elements_still_refuse_conversion_to_numbers():
    with pytest.raises(TracerConversionError, match="dtype float64"):
        grad(lambda x: np.sum(np.array([x[0], x[1]], dtype=np.float64)))(X)
    with pytest.raises(TracerConversionError, match="Python float"):
        grad(lambda x: float(np.array([x[0], x[1]])[0]))(X)
    out = np.zeros(2)

    def assign(x):
        out[0] = x[0]
        return x[0]

    # numpy reports the refused conversion of the element as a ValueError.
    with pytest.raises(ValueError, match="sequence") as info:
        grad(assign)(X)
    assert isinstance(info.value.__cause__, TracerConversionError)


def test_a_traced_python_float_has_no_dtype_like_a_float():
    def f(x):
        with pytest.raises(AttributeError, match="no dtype"):
            _ = x.dtype
        return x * 2.0

    assert grad(f)(1.5) == 2.0
    assert grad(lambda x: np.sum(x) * (x.dtype == np.float64))(X)[0] == 1.0


# -- .astype ---------------------------------------------------------------------------


@pytest.mark.parametrize("dtype", [np.float32, "float64", np.longdouble, float])
def test_astype_between_float_types_passes_the_derivative(dtype):
    g = grad(lambda x: np.sum(x.astype(dtype) * np.array([1.0, 2.0, 4.0])))(X)
    assert g.dtype == np.float64
    np.testing.assert_array_equal(g, [1.0, 2.0, 4.0])
    _, t = jvp(lambda x: x.astype(dtype), (X,), (np.ones(3),))
    assert t.dtype == np.dtype(dtype)
    np.testing.assert_array_equal(t, 1.0)


def test_astype_keeps_float32_inputs_float32():
    x = X.astype(np.float32)
    g = grad(lambda x: np.sum(x.astype(np.float64) ** 2))(x)
    assert g.dtype == np.float32
    np.testing.assert_allclose(g, 2.0 * x, rtol=1e-7)


@pytest.mark.parametrize("dtype", [int, np.int32, bool, np.uint8])
def test_astype_to_integers_or_booleans_raises(dtype):
    with pytest.raises(UnsupportedOperationError, match=r"astype.*a cast to"):
        grad(lambda x: np.sum(x.astype(dtype)))(X)
    with pytest.raises(UnsupportedOperationError, match=r"astype.*a cast to"):
        jvp(lambda x: x.astype(dtype), (X,), (X,))


def test_astype_with_other_casting_raises():
    with pytest.raises(UnsupportedOperationError, match="order, casting or subok"):
        grad(lambda x: np.sum(x.astype(np.float32, casting="same_kind")))(X)


# -- keywords left at their default values ---------------------------------------------

DEFAULTS = {
    "vstack(dtype=None)": lambda x: np.vstack([x, x**2], dtype=None),
    "hstack(casting=)": lambda x: np.hstack([x, x], casting="same_kind"),
    "concatenate(dtype=None)": lambda x: np.concatenate([x, x], dtype=None),
    "stack(out=None)": lambda x: np.stack([x, x], out=None),
    "sum(out=None)": lambda x: np.sum(x * x, axis=0, out=None),
    "mean(where=True)": lambda x: np.mean(x**3, where=True),
    "x.sum(dtype=None)": lambda x: (x**2).sum(axis=0, dtype=None, out=None),
    "x.max(out=None)": lambda x: np.sin(x).max(out=None),
    "add(out=None,where=True)": lambda x: np.add(x, x**2, out=None, where=True),
    "exp(casting=,order=)": lambda x: np.exp(x, casting="same_kind", order="K"),
    "multiply(dtype=None)": lambda x: np.multiply(x, 3.0, dtype=None),
    "reshape(order=C)": lambda x: np.reshape(x, (3, 1), order="C"),
    "transpose(axes=None)": lambda x: np.transpose(x[None], axes=None),
}


@pytest.mark.parametrize("name", list(DEFAULTS))
def test_keywords_at_their_default_values_are_accepted(name):
    fn = DEFAULTS[name]
    reverse = jacobian(fn)(X)
    forward = jacobian(fn, mode="forward")(X)
    np.testing.assert_allclose(forward, reverse, rtol=1e-14)
    # every column of the Jacobian (forward mode) against central differences
    check_grads(
        fn, (X,), modes="forward", directions="coordinates", atol=1e-8, rtol=1e-7
    )


@pytest.mark.parametrize(
    ("fn", "pattern"),
    [
        (lambda x: np.vstack([x, x], dtype=np.float32), "vstack: keyword.*dtype"),
        (lambda x: np.sum(x, where=x > 0), "sum: keyword.*where"),
        (lambda x: np.exp(x, casting="unsafe"), "exp: keyword.*casting"),
    ],
)
def test_keywords_away_from_their_defaults_still_raise(fn, pattern):
    with pytest.raises(UnsupportedOperationError, match=pattern):
        grad(lambda x: np.sum(fn(x)))(X)
