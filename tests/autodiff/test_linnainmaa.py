"""Algorithm L: the tape, its reverse sweep, and its refusals."""

from __future__ import annotations

import math
import operator

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from histbp.autodiff import (
    LinnainmaaRow,
    LinnainmaaTape,
    LinnainmaaVariable,
    linnainmaa_gradient,
    linnainmaa_record,
)
from histbp.testing import check_grads


def example(x1, x2):
    return (x1 * x2 + x1) / x2


def test_table_of_the_worked_example():
    tape, y = linnainmaa_record(example, 3.0, 2.0)
    assert tape.rows == [
        LinnainmaaRow(3.0, "INPUT"),
        LinnainmaaRow(2.0, "INPUT"),
        LinnainmaaRow(6.0, "MUL", 0, 1),
        LinnainmaaRow(9.0, "ADD", 2, 0),
        LinnainmaaRow(4.5, "DIV", 3, 1),
    ]
    assert y.index == 4
    assert y.value == 4.5


def test_coefficients_of_the_worked_example():
    # By hand, from the last row up: DIV gives COEFF(3) = 1/2, COEFF(1) = -9/4;
    # ADD gives COEFF(2) = COEFF(0) = 1/2; MUL adds 2 * 1/2 to COEFF(0) and
    # 3 * 1/2 to COEFF(1). So f = x1 + x1/x2 has gradient (1 + 1/x2, -x1/x2**2).
    tape, y = linnainmaa_record(example, 3.0, 2.0)
    assert tape.reverse(y) == [1.5, -0.75, 0.5, 0.5, 1.0]
    assert linnainmaa_gradient(example, 3.0, 2.0) == [1.5, -0.75]


def test_printed_table():
    tape, y = linnainmaa_record(example, 3.0, 2.0)
    lines = tape.table(tape.reverse(y)).splitlines()
    assert lines[0].split() == ["K", "VALUE", "TYPE", "OPER1", "OPER2", "COEFF"]
    assert lines[1].split() == ["0", "3", "INPUT", "1.5"]
    assert lines[4].split() == ["3", "9", "ADD", "2", "0", "0.5"]
    assert lines[5].split() == ["4", "4.5", "DIV", "3", "1", "1"]
    assert len(tape.table().splitlines()[0].split()) == 5


def test_negation_subtraction_and_constants():
    tape, y = linnainmaa_record(lambda x: -(2.0 - x) * np.float32(0.5) / x, 4.0)
    types = [row.type for row in tape.rows]
    assert types == ["INPUT", "CONST", "SUB", "NEG", "CONST", "MUL", "DIV"]
    assert tape.rows[3] == LinnainmaaRow(2.0, "NEG", 2)
    assert y.value == 0.25
    # y = (x - 2) / (2x) = 1/2 - 1/x, so dy/dx = 1/x**2
    assert tape.reverse(y)[0] == 1 / 16
    assert tape.reverse(y)[1] == -0.5 / 4  # the constant 2 is a row like any other


def test_sweep_from_an_intermediate_row():
    tape = LinnainmaaTape()
    x = tape.input(3.0)
    z = x * x
    tape.input(5.0) * z
    assert tape.reverse(z) == [6.0, 1.0, 0.0, 0.0]


def test_constant_output():
    tape, y = linnainmaa_record(lambda x: 7.0, 1.0)
    assert tape.rows[y.index] == LinnainmaaRow(7.0, "CONST")
    assert tape.reverse(y) == [0.0, 1.0]


_OPS = {"+": operator.add, "-": operator.sub, "*": operator.mul, "/": operator.truediv}


def _run(program, xs):
    values = list(xs)
    for op, i, j in program:
        a, b = values[i % len(values)], values[j % len(values)]
        values.append(-a if op == "neg" else _OPS[op](a, b))
    return values[-1]


def _is_tame(program, xs):
    values = list(xs)
    for op, i, j in program:
        a, b = values[i % len(values)], values[j % len(values)]
        if op == "/" and abs(b) < 0.1:
            return False
        values.append(-a if op == "neg" else _OPS[op](a, b))
        if abs(values[-1]) > 1e4:
            return False
    return True


programs = st.lists(
    st.tuples(
        st.sampled_from(["+", "-", "*", "/", "neg"]),
        st.integers(0, 50),
        st.integers(0, 50),
    ),
    min_size=1,
    max_size=12,
)
points = st.lists(st.floats(-3, 3), min_size=1, max_size=4)


@settings(max_examples=150, deadline=None)
@given(programs, points)
def test_gradient_matches_central_differences(program, xs):
    assume(_is_tame(program, xs))
    check_grads(  # fourth-order differences, step 1e-4: error far below 1e-7 here
        lambda x: _run(program, list(x)),
        (np.array(xs),),
        grad_fn=lambda x: np.array(
            linnainmaa_gradient(lambda *v: _run(program, v), *x)
        ),
        directions="coordinates",
        order=4,
        step=1e-4,
        rtol=1e-7,
        atol=1e-7,
    )


def test_two_tapes_do_not_mix():
    x, y = LinnainmaaTape().input(1.0), LinnainmaaTape().input(2.0)
    with pytest.raises(ValueError, match="two different tapes"):
        x + y


@pytest.mark.parametrize("bad", [math.inf, -math.inf, math.nan])
def test_inputs_must_be_finite(bad):
    with pytest.raises(ValueError, match=f"finite, got {bad}"):
        LinnainmaaTape().input(bad)
    with pytest.raises(ValueError, match="a constant must be finite"):
        LinnainmaaTape().input(1.0) * bad


def test_overflow_is_reported_with_its_row():
    with pytest.raises(OverflowError, match=r"row 2 \(MUL\) overflowed to inf"):
        linnainmaa_record(lambda x, y: x * y, 1e300, 1e300)


@pytest.mark.parametrize(
    ("f", "name"),
    [
        (lambda x: x**2, r"\*\* \(power\)"),
        (lambda x: 2.0**x, r"\*\* \(power\)"),
        (lambda x: math.sin(x), r"math\.sin"),
        (lambda x: np.sin(x), r"numpy\.sin"),
        (lambda x: np.exp(x), r"numpy\.exp"),
        (lambda x: abs(x), r"abs\(\)"),
        (lambda x: x // 2, "floor division"),
        (lambda x: x < 1, "comparison"),
    ],
)
def test_operations_outside_algorithm_l_are_refused(f, name):
    with pytest.raises(TypeError, match=name + r".*only negation, \+, -, \* and /"):
        linnainmaa_record(f, 1.0)


def test_non_numbers_are_refused():
    with pytest.raises(TypeError, match="type str is not a number"):
        linnainmaa_record(lambda x: x + "1", 1.0)
    with pytest.raises(TypeError, match="type ndarray is not a number"):
        linnainmaa_record(lambda x: np.ones(2) * x, 1.0)


def test_reverse_needs_a_variable_of_the_tape():
    tape, _ = linnainmaa_record(example, 3.0, 2.0)
    other, y = linnainmaa_record(example, 3.0, 2.0)
    with pytest.raises(ValueError, match="not a variable of this tape"):
        tape.reverse(y)
    with pytest.raises(ValueError, match="not a variable of this tape"):
        tape.reverse(4.5)
    assert isinstance(y, LinnainmaaVariable)
    assert other.reverse(y)[-1] == 1.0
