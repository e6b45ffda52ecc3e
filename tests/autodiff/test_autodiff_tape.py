"""The tape and its backward sweep: accumulation, depth, reachability, memory."""

from __future__ import annotations

import sys
import tracemalloc

import numpy as np
import pytest

from histbp.autodiff import (
    EscapedTracerError,
    ReverseTracer,
    backward_pass,
    defprimitive,
    grad,
    value_and_grad,
    vjp,
)
from histbp.autodiff._registry import REGISTRY
from histbp.autodiff._tape import Tape


def test_fan_out_fan_in_gives_gradient_exactly_one():
    def f(x):
        for _ in range(10_000):
            x = (x + x) / 2
        return x

    assert grad(f)(0.7) == 1.0
    g = grad(lambda x: np.sum(f(x)))(np.array([0.1, -3.0]))
    assert np.array_equal(g, np.ones(2))


def test_a_variable_used_many_times_accumulates():
    assert grad(lambda x: x * x)(3.0) == 6.0
    assert grad(lambda x: x * x * x + x)(2.0) == 13.0
    assert grad(lambda x: sum(x for _ in range(1000)))(1.5) == 1000.0
    x = np.array([1.0, 2.0, 3.0])
    g = grad(lambda x: np.sum(x * x[::-1]) + x[0] * x[0])(x)
    np.testing.assert_array_equal(g, 2 * x[::-1] + np.array([2.0, 0.0, 0.0]))


def test_a_million_operation_chain_needs_no_recursion():
    assert sys.getrecursionlimit() <= 10_000  # the default (1000), not raised for us
    n, c = 1_000_000, 1.0000001

    def f(x):
        y = x
        for _ in range(n):
            y = y * c
        return y

    value, g = value_and_grad(f)(2.0)
    assert g == pytest.approx(c**n, rel=1e-9)
    assert value == pytest.approx(2.0 * c**n, rel=1e-9)


def test_long_chain_memory_per_node_is_small():
    n = 50_000
    tracemalloc.start()
    try:
        tape = Tape()
        y = ReverseTracer(1.0, tape.record(None, (), None), tape)
        base = tracemalloc.get_traced_memory()[0]
        for _ in range(n):
            y = y * 1.0000001
        per_node = (tracemalloc.get_traced_memory()[0] - base) / n
    finally:
        tracemalloc.stop()
    assert per_node < 250, per_node
    assert tape.nbytes() / len(tape) < 250


def test_scalar_fast_path_keeps_python_floats():
    seen = []

    def f(x):
        y = 2.0 * x + 1 - x / 3.0 + x**2 - (-x)
        seen.append(type(y.value))
        return y

    assert type(grad(f)(1.5)) is float
    assert seen == [float]


def _counting_primitive(calls):
    """A primitive f(x, y) = x * y whose rules record which operand they serve."""

    def rule_x(g, ans, x, y):
        calls.append("x")
        return g * y

    def rule_y(g, ans, x, y):
        calls.append("y")
        return g * x

    def product(x, y):
        return x._apply(prim, (x, y), {}) if isinstance(x, ReverseTracer) else x * y

    prim = defprimitive(product, (rule_x, rule_y), (rule_x, rule_y), name="product")
    return product


@pytest.fixture
def counting_product():
    calls = []
    product = _counting_primitive(calls)
    yield product, calls
    del REGISTRY[product]


def test_constant_operands_get_no_cotangent_rule_call(counting_product):
    product, calls = counting_product
    assert grad(lambda x: product(x, 3.0))(2.0) == 3.0
    assert calls == ["x"]


def test_nodes_that_do_not_reach_the_output_are_skipped(counting_product):
    product, calls = counting_product

    def f(x):
        unused = product(x, 5.0)  # recorded, but the output does not depend on it
        del unused
        return x * 2.0

    assert grad(f)(1.0) == 2.0
    assert calls == []


def test_vjp_function_can_be_called_repeatedly():
    x = np.array([0.5, -1.0, 2.0])
    _, vjp_fn = vjp(lambda x: np.tanh(x) * x[0], x)
    first = vjp_fn(np.ones(3))[0]
    second = vjp_fn(np.ones(3))[0]
    np.testing.assert_array_equal(first, second)
    np.testing.assert_allclose(
        vjp_fn(np.eye(3)[1])[0][1], (1 - np.tanh(-1.0) ** 2) * 0.5
    )


def test_one_shot_backward_releases_saved_values():
    tape = Tape()
    x = ReverseTracer(np.arange(3.0), tape.record(None, (), None), tape)
    y = np.sum(np.exp(x) * 2.0)
    tape.stop()
    backward_pass(tape, y.idx, 1.0, 1, keep=False)
    assert all(d is None for d in tape.data[1:])


def test_traced_value_used_after_its_trace_raises():
    kept = []

    def f(x):
        kept.append(x)
        return x * 2.0

    grad(f)(1.0)
    with pytest.raises(EscapedTracerError, match="after the grad/vjp/jacobian call"):
        kept[0] * 3.0
    with pytest.raises(EscapedTracerError, match="two different differentiations"):
        grad(lambda y: y * kept[0])(2.0)
