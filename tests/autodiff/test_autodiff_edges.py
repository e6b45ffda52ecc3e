"""Edges of the transformations: outputs with one entry, nested differentiation.

Derivatives are first order: every way of asking for a derivative inside a
function being differentiated raises ``NestedDifferentiationError`` (rules work
on plain arrays, so a second derivative cannot be traced through them).
"""

from __future__ import annotations

import numpy as np
import pytest

from histbp.autodiff import (
    NestedDifferentiationError,
    grad,
    jacobian,
    jvp,
    value_and_grad,
    vjp,
)

X = np.array([0.5, -1.0, 2.0])


@pytest.mark.parametrize(
    "fn",
    [
        lambda x: np.sum(x**2, keepdims=True),  # shape (1,)
        lambda x: np.sum(np.outer(x, x) * np.eye(3), keepdims=True),  # shape (1, 1)
        lambda x: (x**2)[None, :1] + np.sum(x[1:] ** 2),  # (1, 1), by indexing
        lambda x: np.reshape(np.sum(x**2), (1, 1, 1)),
    ],
)
def test_grad_accepts_any_output_with_one_entry(fn):
    value, g = value_and_grad(lambda x: fn(x) * 1.0)(X)
    assert np.size(value) == 1
    np.testing.assert_allclose(g, 2.0 * X, rtol=1e-15)


def test_grad_still_refuses_outputs_with_several_or_no_entries():
    with pytest.raises(ValueError, match=r"shape \(2,\)"):
        grad(lambda x: x[:2])(X)
    with pytest.raises(ValueError, match=r"shape \(0,\)"):
        grad(lambda x: x[:0])(X)


def _inner_grad(x):
    return grad(lambda y: np.sum(y**3))(x)


NESTED = {
    "grad of grad": lambda: grad(lambda x: np.sum(_inner_grad(x)))(X),
    "grad of grad (scalar)": lambda: grad(grad(lambda x: x**3))(1.5),
    "value_and_grad inside grad": lambda: grad(
        lambda x: value_and_grad(lambda y: np.sum(y * y))(x)[0]
    )(X),
    "jacobian of jacobian": lambda: jacobian(jacobian(lambda x: x**2))(X),
    "forward jacobian of forward jacobian": lambda: jacobian(
        jacobian(lambda x: x**2, mode="forward"), mode="forward"
    )(X),
    "reverse jacobian of forward jacobian": lambda: jacobian(
        jacobian(lambda x: x**2, mode="forward")
    )(X),
    "jacobian of grad": lambda: jacobian(_inner_grad)(X),
    "forward jacobian of grad": lambda: jacobian(_inner_grad, mode="forward")(X),
    "grad of jacobian": lambda: grad(lambda x: np.sum(jacobian(lambda y: y**2)(x)))(X),
    "jvp inside vjp": lambda: vjp(lambda x: jvp(np.sin, (x,), (x,))[1], X),
    "vjp inside jvp": lambda: jvp(lambda x: vjp(np.sin, x)[0], (X,), (X,)),
    "jvp inside jvp": lambda: jvp(lambda x: jvp(np.sin, (x,), (x,))[1], (X,), (X,)),
    "grad of a constant inside grad": lambda: grad(
        lambda x: np.sum(x) * grad(lambda y: y**2)(3.0)
    )(X),
    "traced cotangent to a vjp_fn": lambda: grad(
        lambda c: np.sum(vjp(np.sin, X)[1](c)[0])
    )(X),
    "traced tangent to jvp": lambda: grad(lambda t: jvp(np.sin, (X,), (t,))[1][0])(X),
}


@pytest.mark.parametrize("name", list(NESTED))
def test_nested_differentiation_raises_in_every_form(name):
    with pytest.raises(NestedDifferentiationError, match="nested"):
        NESTED[name]()


def test_a_vjp_fn_called_inside_grad_with_a_plain_cotangent_is_a_constant():
    _, vjp_fn = vjp(np.sin, X)
    g = grad(lambda x: np.sum(x * vjp_fn(np.ones(3))[0]))(X)
    np.testing.assert_allclose(g, np.cos(X), rtol=1e-15)


def test_differentiation_works_again_after_a_refused_nesting():
    with pytest.raises(NestedDifferentiationError):
        grad(grad(lambda x: x**3))(1.5)
    assert grad(lambda x: x**3)(2.0) == pytest.approx(12.0)
    assert jvp(lambda x: x**3, (2.0,), (1.0,))[1] == pytest.approx(12.0)
