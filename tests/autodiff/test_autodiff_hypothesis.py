"""Random compositions: reverse mode, forward mode and central differences agree.

Hypothesis draws expression trees of smooth unary and binary operations over two
inputs (Python floats or arrays whose shapes broadcast together), with domains
kept safe (``log`` and ``sqrt`` see ``e**2 + 1``, ``exp`` sees ``tanh(e)``,
divisors are ``e**2 + 1``). Non-smooth operations (``abs``, ``maximum``, ``where``
with a data-dependent condition) are left to the per-primitive tests, where kinks
can be avoided.
"""

from __future__ import annotations

import numpy as np
from autodiff_checks import forward_directional, reverse_directional
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from histbp.autodiff import sigmoid
from histbp.testing import check_grads

UNARY = {
    "neg": lambda e: -e,
    "sin": np.sin,
    "cos": np.cos,
    "tanh": np.tanh,
    "arctan": np.arctan,
    "sigmoid": sigmoid,
    "exp_tanh": lambda e: np.exp(np.tanh(e)),
    "log_sq1": lambda e: np.log(e**2 + 1.0),
    "sqrt_sq1": lambda e: np.sqrt(e * e + 1),
    "square": np.square,
    "half": lambda e: 0.5 * e,
    "center": lambda e: e - np.mean(e) if np.ndim(e) else e,
}
BINARY = {
    "add": lambda a, b: a + b,
    "sub": lambda a, b: a - b,
    "rsub": lambda a, b: 1.0 - a + b,
    "mul": lambda a, b: a * b,
    "div": lambda a, b: a / (b**2 + 1.0),
    "rdiv": lambda a, b: 2.0 / (a * a + 1) * b,
    "pow": lambda a, b: (a**2 + 1.0) ** np.tanh(b),
}

FLOATS = st.floats(-2.0, 2.0, allow_nan=False, allow_subnormal=False)


def expressions():
    leaves = st.one_of(
        st.just(("x",)),
        st.just(("y",)),
        FLOATS.map(lambda c: ("const", c)),
    )

    def extend(children):
        return st.one_of(
            st.tuples(st.sampled_from(sorted(UNARY)), children),
            st.tuples(st.sampled_from(sorted(BINARY)), children, children),
        )

    return st.recursive(leaves, extend, max_leaves=10)


def evaluate(tree, x, y):
    head = tree[0]
    if head == "x":
        return x
    if head == "y":
        return y
    if head == "const":
        return tree[1]
    if head in UNARY:
        return UNARY[head](evaluate(tree[1], x, y))
    return BINARY[head](evaluate(tree[1], x, y), evaluate(tree[2], x, y))


def values(shape):
    if shape is None:
        return FLOATS
    return hnp.arrays(np.float64, shape, elements=FLOATS)


@st.composite
def problems(draw):
    x_shape = draw(st.sampled_from([None, (3,), (2, 3)]))
    y_shape = draw(st.sampled_from([None, (3,), (1, 3)]))
    tree = draw(expressions())
    x, y = draw(values(x_shape)), draw(values(y_shape))
    vx, vy = draw(values(x_shape)), draw(values(y_shape))
    return tree, (x, y), (vx, vy)


@settings(max_examples=250, deadline=None)
@given(problems())
def test_random_compositions_agree_in_both_modes_and_with_differences(problem):
    tree, args, directions = problem

    def f(x, y):
        return np.sum(evaluate(tree, x, y) + 0.0 * x + 0.0 * y)

    reverse = reverse_directional(f, args, directions)
    forward = forward_directional(f, args, directions)
    assert abs(reverse - forward) <= 1e-9 * max(1.0, abs(forward))
    check_grads(f, args, modes=("reverse",))
