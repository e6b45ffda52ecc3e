"""The hot paths (histbp.autodiff._fastpath) give the generic engine's gradients.

Every primitive's cases, composites and scalar chains are differentiated twice:
with the fast paths (the default) and inside ``fastpath.generic_only()``, where
every node is recorded by ``_reverse.record``; ``backward_pass`` sweeps both.
"""

from __future__ import annotations

import zlib

import numpy as np
import pytest
from autodiff_checks import scalarize
from test_autodiff_primitives import CASES

from histbp.autodiff import (
    ReverseTracer,
    backward_pass,
    grad,
    sigmoid,
    value_and_grad,
)
from histbp.autodiff import _fastpath as fastpath
from histbp.autodiff._tape import Tape


def both_paths(f, args):
    """Gradients of ``f`` at ``args`` by the fast and by the generic engine."""
    argnum = tuple(range(len(args)))
    fast = value_and_grad(f, argnum=argnum)(*args)
    with fastpath.generic_only():
        assert not fastpath.is_installed()
        generic = value_and_grad(f, argnum=argnum)(*args)
    assert fastpath.is_installed()
    return fast, generic


def assert_same(fast, generic):
    assert np.allclose(fast[0], generic[0], rtol=1e-14, atol=0)
    for u, v in zip(fast[1], generic[1], strict=True):
        assert type(u) is type(v)
        np.testing.assert_allclose(u, v, rtol=1e-14, atol=1e-300)


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_every_primitive_case_is_the_same_on_both_paths(case):
    rng = np.random.default_rng(zlib.crc32(case.name.encode()))
    args = case.args(rng)
    f = scalarize(case.fn, args, rng)
    assert_same(*both_paths(f, args))


def _mlp(w1, b1, w2, x):
    h = np.tanh(x @ w1 + b1)
    z = sigmoid(h) @ w2
    z = z - np.max(z, axis=1, keepdims=True)
    return -np.mean(z - np.log(np.sum(np.exp(z), axis=1, keepdims=True)))


def _scalar_program(a, b):
    y = a
    for k in range(50):
        y = (y * b + 1.0) / (1.0 + y * y) - (-y) * 0.01 + 0.1 * k
        y = 2.0 - y if k % 3 else (abs(y) + 1.0) ** 0.5 / (abs(b) + 1)
    return y * a


COMPOSITES = {
    "mlp": (
        _mlp,
        lambda rng: (
            rng.standard_normal((4, 6)),
            rng.standard_normal(6),
            rng.standard_normal((6, 3)),
            rng.standard_normal((5, 4)),
        ),
    ),
    "scalar program": (_scalar_program, lambda rng: (0.7, -0.4)),
    "mixed scalars and arrays": (
        lambda a, x: np.sum(np.sin(a * x) * a + x**a) * a,
        lambda rng: (0.8, np.abs(rng.standard_normal(5)) + 0.1),
    ),
    "complex intermediates": (
        lambda x, y: np.sum(np.abs(np.exp(1j * x) * y + x) ** 2),
        lambda rng: (rng.standard_normal(4), rng.standard_normal(4)),
    ),
    "lists and sequences": (
        lambda x, y: np.sum(np.stack([x, y * x]) ** 2) + np.mean([x[0], y[1]]),
        lambda rng: (rng.standard_normal(3), rng.standard_normal(3)),
    ),
}


@pytest.mark.parametrize("name", list(COMPOSITES))
def test_composites_are_the_same_on_both_paths(name):
    f, make_args = COMPOSITES[name]
    args = make_args(np.random.default_rng(zlib.crc32(name.encode())))
    assert_same(*both_paths(f, args))


def _parents_of(f, *args):
    tape = Tape()
    xs = [ReverseTracer(a, tape.record(None, (), None), tape) for a in args]
    f(*xs)
    tape.stop()
    return tape.parents[len(args) :]


def test_the_paths_record_different_nodes():
    rng = np.random.default_rng(3)
    w1, b1, w2, x = COMPOSITES["mlp"][1](rng)
    fast = _parents_of(_mlp, w1, b1, w2, x) + _parents_of(_scalar_program, 0.7, 0.2)
    with fastpath.generic_only():
        generic = _parents_of(_mlp, w1, b1, w2, x)
        generic += _parents_of(_scalar_program, 0.7, 0.2)
    assert len(fast) == len(generic)
    assert all(type(p) is tuple for p in generic)  # the generic node form only
    assert sum(type(p) is int for p in fast) > len(fast) // 2  # compact nodes


def test_the_sweep_reads_a_generic_tape():
    with fastpath.generic_only():
        tape = Tape()
        x = ReverseTracer(np.arange(3.0), tape.record(None, (), None), tape)
        y = np.sum(np.exp(x) * x)
        tape.stop()
        (g,) = backward_pass(tape, y.idx, 1.0, 1, keep=False)
    np.testing.assert_allclose(g, np.exp(np.arange(3.0)) * (1.0 + np.arange(3.0)))
    assert all(d is None for d in tape.data[1:])


def test_grad_works_again_after_the_generic_block():
    with fastpath.generic_only():
        assert grad(lambda x: x * x)(3.0) == 6.0
    assert fastpath.is_installed()
    assert grad(lambda x: x * x)(3.0) == 6.0
