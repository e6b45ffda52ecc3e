"""Clear errors: each names the function, type, shape or argument at fault."""

from __future__ import annotations

import numpy as np
import pytest

from histbp.autodiff import (
    EscapedTracerError,
    TracerConversionError,
    UnsupportedOperationError,
    accumulate_jacobian,
    grad,
    jacobian,
    jvp,
    value_and_grad,
    vjp,
)

X = np.array([0.5, -1.0, 2.0])


def test_grad_of_a_non_scalar_output():
    with pytest.raises(ValueError, match=r"shape \(3,\).*use jacobian"):
        grad(np.sin)(X)
    with pytest.raises(ValueError, match=r"shape \(2, 3\)"):
        value_and_grad(lambda x: x[:2, None] * x)(X)


@pytest.mark.parametrize(
    ("func", "name"),
    [
        (np.fft.fft, "numpy.fft.fft"),
        (np.linalg.eig, "numpy.linalg.eig"),
        (np.median, "numpy.median"),
        (np.nancumsum, "numpy.nancumsum"),
        (np.cbrt, "numpy.cbrt"),
        (np.add.reduce, "numpy.add.reduce"),
        (np.add.accumulate, "numpy.add.accumulate"),
    ],
)
def test_unsupported_numpy_functions_are_named(func, name):
    pattern = f"histbp cannot differentiate {name}: no derivative rule"
    with pytest.raises(UnsupportedOperationError, match=pattern):
        grad(lambda x: np.sum(np.real(func(x.reshape(1, 3) * x[:, None]))))(X)
    assert issubclass(UnsupportedOperationError, TypeError)


def test_unsupported_keywords_and_in_place_writes_are_named():
    with pytest.raises(UnsupportedOperationError, match=r"numpy.sum: keyword .*where"):
        grad(lambda x: np.sum(x, where=X > 0))(X)
    with pytest.raises(UnsupportedOperationError, match=r"numpy.exp: keyword.*dtype"):
        grad(lambda x: np.sum(np.exp(x, dtype=np.float32)))(X)

    def accumulate(x):
        total = np.zeros(3)
        total += x
        return np.sum(total)

    with pytest.raises(UnsupportedOperationError, match="writing into an existing"):
        grad(accumulate)(X)

    def assign(x):
        x[0] = 1.0
        return np.sum(x)

    with pytest.raises(UnsupportedOperationError, match=r"item assignment"):
        grad(assign)(X)


def test_unsupported_array_methods_are_named():
    with pytest.raises(UnsupportedOperationError, match=r"method or attribute .cumsum"):
        grad(lambda x: np.sum(x.cumsum()))(X)
    with pytest.raises(AttributeError, match="no attribute 'nonsense'"):
        grad(lambda x: x.nonsense)(X)


@pytest.mark.parametrize(
    ("convert", "pattern"),
    [
        (lambda x: np.asarray(x, dtype=float), "numpy array of dtype float64"),
        (lambda x: np.array([x[0], x[1]], dtype=float), "array of dtype float64"),
        (lambda x: np.zeros(3) + np.asarray(x, dtype=np.float32), "dtype float32"),
        (lambda x: float(x[0]), "Python float"),
        (lambda x: int(x[0]), "Python int"),
        (lambda x: [0, 1][x[0]], "Python int"),
    ],
)
def test_converting_a_traced_value_drops_no_gradient_silently(convert, pattern):
    with pytest.raises(TracerConversionError, match=pattern):
        grad(lambda x: np.sum(convert(x)))(X)


def test_casting_an_array_of_traced_values_to_numbers_raises():
    # numpy reports the refused float() of an element as a ValueError.
    with pytest.raises(ValueError, match="sequence") as info:
        grad(lambda x: np.sum(np.asarray([x, x]).astype(float)))(X)
    assert isinstance(info.value.__cause__, TracerConversionError)


@pytest.mark.parametrize(
    ("argument", "pattern"),
    [
        ("abc", "of type str"),
        (["a", "b"], "of type list; convert a list of numbers with numpy.asarray"),
        ([1.0, 2.0], "of type list"),
        (object(), "of type object"),
        (None, "of type NoneType"),
        (True, "of type bool"),
        (np.array(["a"]), "dtype <U1"),
        (np.array([True]), "dtype bool"),
    ],
)
def test_unsupported_argument_types_are_named(argument, pattern):
    with pytest.raises(TypeError, match=pattern):
        grad(lambda x: x)(argument)
    with pytest.raises(TypeError, match=pattern):
        vjp(lambda x: x, argument)
    with pytest.raises(TypeError, match=pattern):
        jvp(lambda x: x, (argument,), (1.0,))


def test_bad_jacobian_mode_is_named():
    with pytest.raises(
        ValueError, match="mode must be 'reverse' or 'forward', got 'sideways'"
    ):
        jacobian(np.sin, mode="sideways")
    with pytest.raises(
        ValueError, match="mode must be 'reverse' or 'forward', got 'sideways'"
    ):
        accumulate_jacobian(np.sin, 1.0, mode="sideways")
    with pytest.raises(TypeError, match="complex value"):
        accumulate_jacobian(lambda x: x * 1j, 1.0)


def test_argnum_out_of_range_or_of_the_wrong_type():
    with pytest.raises(ValueError, match=r"argnum 2 is out of range.*2 positional"):
        grad(lambda x, y: x * y, argnum=2)(1.0, 2.0)
    with pytest.raises(ValueError, match="argnum -3 is out of range"):
        grad(lambda x, y: x * y, argnum=(0, -3))(1.0, 2.0)
    with pytest.raises(ValueError, match=r"argnum 0 is out of range.*0 positional"):
        grad(lambda: 1.0)()
    with pytest.raises(ValueError, match="argnum 1 is out of range"):
        jacobian(np.sin, argnum=1)(X)
    with pytest.raises(TypeError, match=r"argnum must be an int.*str"):
        grad(np.sin, argnum="x")
    with pytest.raises(ValueError, match="empty tuple"):
        grad(np.sin, argnum=())


def test_mismatched_cotangents_and_tangents():
    _, vjp_fn = vjp(np.sin, X)
    with pytest.raises(ValueError, match=r"cotangent has shape \(2,\).*shape \(3,\)"):
        vjp_fn(np.ones(2))
    with pytest.raises(ValueError, match=r"tangent 0 has shape \(2,\)"):
        jvp(np.sin, (X,), (np.ones(2),))
    with pytest.raises(ValueError, match="2 primals but 1 tangents"):
        jvp(np.multiply, (1.0, 2.0), (1.0,))
    with pytest.raises(TypeError, match="primals as a tuple"):
        jvp(np.sin, X, X)


def test_functions_must_be_callable():
    for transform in (grad, value_and_grad, jacobian):
        with pytest.raises(TypeError, match="f must be callable, got int"):
            transform(3)
    with pytest.raises(TypeError, match="f must be callable, got str"):
        vjp("sin", 1.0)
    with pytest.raises(TypeError, match="f must be callable, got NoneType"):
        jvp(None, (1.0,), (1.0,))


def test_outputs_of_the_wrong_type():
    with pytest.raises(TypeError, match="returned tuple"):
        grad(lambda x: (x, x))(1.0)
    with pytest.raises(TypeError, match="returned str"):
        vjp(lambda x: "loss", 1.0)


def test_escaped_traced_values():
    kept = []
    grad(lambda x: kept.append(x) or x)(1.0)
    with pytest.raises(EscapedTracerError, match="after"):
        np.exp(kept[0])
