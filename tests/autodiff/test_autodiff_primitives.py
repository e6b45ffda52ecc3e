"""Every primitive, both modes, against central differences along random directions.

For random ``x`` and direction ``v``, ``<grad F(x), v>`` (reverse mode) and
``jvp(F, x, v)`` (forward mode) must match ``(F(x + eps v) - F(x - eps v)) / 2 eps``
where ``F`` is the primitive followed by a fixed random projection to a scalar.
"""

from __future__ import annotations

import operator
import zlib
from dataclasses import dataclass
from typing import Any

import numpy as np
import pytest
from autodiff_checks import (
    assert_matches_fd,
    central_difference,
    forward_directional,
    random_value,
    reverse_directional,
    scalarize,
)

from histbp.autodiff import sigmoid
from histbp.autodiff.registry import REGISTRY
from histbp.autodiff.rules.casting import astype


def _keep_float(fn):
    return lambda a: float(fn(a)) if isinstance(a, float) else fn(a)


ANY = None
POS = _keep_float(lambda a: np.abs(a) + 0.5)  # for log, sqrt, power bases
AWAY = _keep_float(lambda a: a + 0.5 * np.sign(a))  # |a| >= 0.5: divisors, abs
UNIT = _keep_float(lambda a: 0.9 * np.tanh(a))  # tan

UNARY_SHAPES = [None, (), (5,), (3, 4)]
BINARY_SHAPES = [
    (None, None),
    (None, (3, 4)),
    ((3, 4), None),
    ((), (3, 4)),
    ((5,), (5,)),
    ((3, 4), (3, 4)),
    ((3, 4), (4,)),
    ((4,), (3, 4)),
    ((3, 1), (1, 4)),
    ((2, 3, 4), (3, 1)),
]


@dataclass(frozen=True)
class Case:
    key: Any  # the registry entry exercised
    name: str
    fn: Any
    shapes: tuple
    domains: tuple = ()

    def args(self, rng):
        out = []
        for i, shape in enumerate(self.shapes):
            value = random_value(rng, shape)
            domain = self.domains[i] if i < len(self.domains) else None
            out.append(value if domain is None else domain(value))
        return tuple(out)


def _shape_id(shapes):
    return "-".join(
        "py" if s is None else "x".join(map(str, s)) or "0d" for s in shapes
    )


CASES: list[Case] = []


def add(key, name, fn, shape_list, domains=()):
    for shapes in shape_list:
        CASES.append(Case(key, f"{name}[{_shape_id(shapes)}]", fn, shapes, domains))


# -- elementwise ufuncs -----------------------------------------------------------
for ufunc, domain in [
    (np.negative, ANY),
    (np.positive, ANY),
    (np.exp, ANY),
    (np.expm1, ANY),
    (np.log, POS),
    (np.log1p, POS),
    (np.sqrt, POS),
    (np.square, ANY),
    (np.reciprocal, AWAY),
    (np.sin, ANY),
    (np.cos, ANY),
    (np.tan, UNIT),
    (np.tanh, ANY),
    (np.sinh, ANY),
    (np.cosh, ANY),
    (np.arctan, ANY),
    (np.absolute, AWAY),
]:
    add(ufunc, ufunc.__name__, ufunc, [(s,) for s in UNARY_SHAPES], (domain,))
add(sigmoid, "sigmoid", sigmoid, [(s,) for s in UNARY_SHAPES])

for ufunc, domains in [
    (np.add, ()),
    (np.subtract, ()),
    (np.multiply, ()),
    (np.divide, (ANY, AWAY)),
    (np.power, (POS, ANY)),
    (np.maximum, ()),
    (np.minimum, ()),
]:
    add(ufunc, ufunc.__name__, ufunc, BINARY_SHAPES, domains)

# -- operators: the scalar fast path and the reflected forms -------------------------
OPERATOR_SHAPES = [(None, None), ((3, 4), (4,)), (None, (3, 4))]
add(np.add, "x+y", operator.add, OPERATOR_SHAPES)
add(np.subtract, "x-y", operator.sub, OPERATOR_SHAPES)
add(np.multiply, "x*y", operator.mul, OPERATOR_SHAPES)
add(np.multiply, "x*x", lambda x: x * x, [(None,), ((3,),)])
add(np.divide, "x/y", operator.truediv, OPERATOR_SHAPES, (ANY, AWAY))
add(np.power, "x**y", operator.pow, OPERATOR_SHAPES, (POS, ANY))
UNARY_OPERATORS = [
    ("2+x", lambda x: 2.0 + x, ANY),
    ("x+3", lambda x: x + 3, ANY),
    ("1-x", lambda x: 1 - x, ANY),
    ("x-2", lambda x: x - 2.0, ANY),
    ("2*x", lambda x: 2.0 * x, ANY),
    ("x*3", lambda x: x * 3, ANY),
    ("2/x", lambda x: 2.0 / x, AWAY),
    ("x/3", lambda x: x / 3, ANY),
    ("x**2", lambda x: x**2, ANY),
    ("x**3", lambda x: x**3, ANY),
    ("x**2.5", lambda x: x**2.5, POS),
    ("x**-1", lambda x: x**-1, AWAY),
    ("2**x", lambda x: 2.0**x, ANY),
    ("-x", lambda x: -x, ANY),
    ("+x", lambda x: +x, ANY),
    ("abs", abs, AWAY),
]
for name, fn, domain in UNARY_OPERATORS:
    add(None, name, fn, [(None,), ((3, 4),)], (domain,))

# -- matrix products ----------------------------------------------------------------
MATMUL_SHAPES = [
    ((4,), (4,)),
    ((3, 4), (4,)),
    ((4,), (4, 5)),
    ((3, 4), (4, 5)),
    ((2, 3, 4), (4, 5)),
    ((2, 3, 4), (2, 4, 5)),
    ((2, 1, 3, 4), (3, 4, 5)),
    ((4,), (2, 4, 5)),
    ((2, 3, 4), (4,)),
    ((3, 4), (2, 4, 5)),
]
add(np.matmul, "matmul", np.matmul, MATMUL_SHAPES)
add(np.matmul, "x@y", operator.matmul, MATMUL_SHAPES[:4])
add(np.matmul, "const@x", lambda x: np.arange(12.0).reshape(3, 4) @ x, [((4, 2),)])
DOT_SHAPES = [
    ((4,), (4,)),
    ((3, 4), (4,)),
    ((4,), (4, 5)),
    ((3, 4), (4, 5)),
    (None, (3, 4)),
    ((3,), None),
    ((), (3,)),
]
add(np.dot, "dot", np.dot, DOT_SHAPES)
add(np.dot, "x.dot(y)", lambda x, y: x.dot(y), [((3, 4), (4,))])

# -- reductions ---------------------------------------------------------------------
for func in (np.sum, np.mean, np.max, np.min, np.amax, np.amin):
    name = func.__name__
    add(func, name, func, [(None,), ((5,),), ((3, 4),)])
    for axis in (0, -1, (0, 2), (1,)):
        for keepdims in (False, True):

            def reduce(x, func=func, axis=axis, keepdims=keepdims):
                return func(x, axis=axis, keepdims=keepdims)

            add(
                func, f"{name}(axis={axis},keepdims={keepdims})", reduce, [((2, 3, 4),)]
            )
    add(func, f"{name}(x,1)", lambda x, func=func: func(x, 1), [((3, 4),)])
add(np.sum, "x.sum(axis=0)", lambda x: x.sum(axis=0), [((3, 4),)])
add(np.mean, "x.mean()", lambda x: x.mean(), [((3, 4),)])
add(
    np.max,
    "x.max(axis=1,keepdims)",
    lambda x: x.max(axis=1, keepdims=True),
    [((3, 4),)],
)
add(np.min, "x.min()", lambda x: x.min(), [((3, 4),)])

# -- shape and indexing ---------------------------------------------------------------
add(np.reshape, "reshape", lambda x: np.reshape(x, (4, 3)), [((3, 4),)])
add(np.reshape, "reshape(-1)", lambda x: np.reshape(x, -1), [((3, 4),)])
add(np.reshape, "reshape(F)", lambda x: np.reshape(x, (2, 6), order="F"), [((3, 4),)])
add(np.reshape, "x.reshape(2,6)", lambda x: x.reshape(2, 6), [((3, 4),)])
add(np.reshape, "x.reshape((12,))", lambda x: x.reshape((12,)), [((3, 4),)])
add(np.ravel, "ravel", np.ravel, [((3, 4),)])
add(np.ravel, "ravel(F)", lambda x: np.ravel(x, order="F"), [((3, 4),)])
add(np.ravel, "x.flatten()", lambda x: x.flatten(), [((3, 4),)])
add(np.squeeze, "squeeze", np.squeeze, [((3, 1, 4),)])
add(np.squeeze, "x.squeeze(1)", lambda x: x.squeeze(1), [((3, 1, 4),)])
add(np.expand_dims, "expand_dims", lambda x: np.expand_dims(x, 1), [((3, 4),)])
add(np.transpose, "transpose", np.transpose, [((3, 4),), ((2, 3, 4),)])
add(
    np.transpose,
    "transpose(axes)",
    lambda x: np.transpose(x, (1, 2, 0)),
    [((2, 3, 4),)],
)
add(
    np.transpose,
    "transpose(-axes)",
    lambda x: np.transpose(x, (-1, 0, 1)),
    [((2, 3, 4),)],
)
add(np.transpose, "x.T", lambda x: x.T, [((3, 4),)])
add(np.transpose, "x.transpose(2,0,1)", lambda x: x.transpose(2, 0, 1), [((2, 3, 4),)])
add(np.swapaxes, "swapaxes", lambda x: np.swapaxes(x, 0, 2), [((2, 3, 4),)])
add(np.swapaxes, "x.swapaxes", lambda x: x.swapaxes(-1, 0), [((2, 3, 4),)])
add(np.moveaxis, "moveaxis", lambda x: np.moveaxis(x, 0, -1), [((2, 3, 4),)])
add(np.copy, "copy", np.copy, [((3, 4),)])

MASK = np.array([[True, False, True, True], [False, False, True, False], [True] * 4])
INDICES = [
    ("x[1]", lambda x: x[1]),
    ("x[1,2]", lambda x: x[1, 2]),
    ("x[1:3]", lambda x: x[1:3]),
    ("x[:,::2]", lambda x: x[:, ::2]),
    ("x[...,None,-1]", lambda x: x[..., None, -1]),
    ("x[[0,0,2]]", lambda x: x[[0, 0, 2]]),
    ("x[intarray2d]", lambda x: x[np.array([[0, 1], [1, 1]])]),
    ("x[[0,0],[1,1]]", lambda x: x[[0, 0, 2], [1, 1, 3]]),
    ("x[1:,[3,3,0]]", lambda x: x[1:, [3, 3, 0]]),
    ("x[mask]", lambda x: x[MASK]),
    ("x[x>0]", lambda x: x[x > 0]),
]
for name, fn in INDICES:
    add(operator.getitem, name, fn, [((3, 4),)])
add(
    operator.getitem,
    "iter",
    lambda x: sum(row * k for k, row in enumerate(x)),
    [((3, 4),)],
)

COND = np.array([[True, False, True, False]] * 2 + [[False, True, True, True]])
add(
    np.where,
    "where",
    lambda x, y: np.where(COND, x, y),
    [((3, 4), (3, 4)), ((3, 4), (4,))],
)
add(np.where, "where(col)", lambda x, y: np.where(COND[:, :1], x, y), [((3, 1), None)])
add(np.where, "where(x>0)", lambda x: np.where(x > 0, x, 0.1 * x), [((3, 4),), (None,)])


# -- joining sequences of arrays: any piece traced, the others plain -----------------
PLAIN34 = np.linspace(-1.0, 1.0, 12).reshape(3, 4)
add(np.stack, "stack", lambda x, y: np.stack([x, y]), [((3, 4), (3, 4)), (None, None)])
add(
    np.stack,
    "stack(axis=-1)",
    lambda x, y: np.stack((x, y), axis=-1),
    [((3, 4), (3, 4)), ((5,), (5,))],
)
add(np.stack, "stack(x,1)", lambda x, y: np.stack([x, y], 1), [((3, 4), (3, 4))])
add(
    np.stack,
    "stack([x,plain],-1)",
    lambda x: np.stack([x, PLAIN34], axis=-1),
    [((3, 4),)],
)
add(
    np.stack,
    "stack([plain,x,x])",
    lambda x: np.stack([PLAIN34, x, 2.0 * x]),
    [((3, 4),)],
)
add(
    np.stack,
    "stack([1-x,x*y,2])",
    lambda x, y: np.stack([1.0 - x, x * y, 2.0]),
    [(None, None)],
)
add(np.stack, "stack(x)", lambda x: np.stack(x, axis=1), [((3, 4),)])
add(
    np.concatenate,
    "concatenate(3 pieces)",
    lambda x, y, z: np.concatenate([x, y, z]),
    [((2,), (3,), (4,)), ((2, 4), (1, 4), (3, 4))],
)
add(
    np.concatenate,
    "concatenate(axis=-1)",
    lambda x, y: np.concatenate((x, y), axis=-1),
    [((3, 2), (3, 4)), ((2, 3, 1), (2, 3, 4))],
)
add(
    np.concatenate,
    "concatenate(x,1)",
    lambda x, y: np.concatenate([x, y], 1),
    [((2, 1, 4), (2, 3, 4))],
)
add(
    np.concatenate,
    "concatenate([x,plain,x])",
    lambda x: np.concatenate([x, PLAIN34, x], axis=0),
    [((3, 4),)],
)
add(
    np.concatenate,
    "concatenate(axis=None)",
    lambda x, y: np.concatenate([x, y], axis=None),
    [((2, 3), (4,))],
)
add(np.vstack, "vstack", lambda x, y: np.vstack([x, y]), [((4,), (2, 4)), (None, None)])
add(np.vstack, "vstack([x,plain])", lambda x: np.vstack((x, PLAIN34)), [((4,),)])
add(
    np.hstack,
    "hstack",
    lambda x, y: np.hstack([x, y]),
    [((3,), (2,)), ((3, 2), (3, 1)), (None, (3,))],
)
add(np.hstack, "hstack([plain,x])", lambda x: np.hstack([PLAIN34, x]), [((3, 2),)])


# -- prod, cumsum, clip, outer, norm ---------------------------------------------------
def _zeros_at(*indices):
    def with_zeros(a):
        a = a.copy()
        for index in indices:
            a[index] = 0.0
        return a

    return with_zeros


add(np.prod, "prod", np.prod, [(None,), ((5,),), ((3, 4),), ((),)])
for axis in (0, -1, (0, 2), (2, 1)):
    for keepdims in (False, True):

        def prod_axis(x, axis=axis, keepdims=keepdims):
            return np.prod(x, axis=axis, keepdims=keepdims)

        add(
            np.prod, f"prod(axis={axis},keepdims={keepdims})", prod_axis, [((2, 3, 4),)]
        )
add(np.prod, "prod(x,1)", lambda x: np.prod(x, 1), [((3, 4),)])
add(np.prod, "x.prod(axis=0)", lambda x: x.prod(axis=0), [((3, 4),)])
add(np.prod, "prod(one zero)", np.prod, [((5,),)], (_zeros_at(2),))
add(np.prod, "prod(two zeros)", np.prod, [((5,),)], (_zeros_at(1, 3),))
add(
    np.prod,
    "prod(zeros,axis=1)",
    lambda x: np.prod(x, axis=1),
    [((3, 4),)],
    (_zeros_at((0, 1), (1, 0), (1, 3)),),
)

add(np.cumsum, "cumsum", np.cumsum, [(None,), ((5,),), ((3, 4),)])
for axis in (0, -1, 1):
    add(
        np.cumsum,
        f"cumsum(axis={axis})",
        lambda x, axis=axis: np.cumsum(x, axis=axis),
        [((2, 3, 4),)],
    )
add(np.cumsum, "cumsum(x,0)", lambda x: np.cumsum(x, 0), [((3, 4),)])

LOWER = _keep_float(lambda a: -np.abs(a) - 0.2)
UPPER = _keep_float(lambda a: np.abs(a) + 0.2)
add(np.clip, "clip", lambda x: np.clip(x, -0.5, 0.7), [(None,), ((3, 4),)])
add(
    np.clip,
    "clip(bounds)",
    lambda x, lo, hi: np.clip(x, lo, hi),
    [((3, 4), (4,), None), (None, (3, 1), (4,)), ((3, 4), (3, 4), (3, 4))],
    (ANY, LOWER, UPPER),
)
add(np.clip, "clip(None,hi)", lambda x: np.clip(x, None, 0.3), [((3, 4),)])
add(np.clip, "clip(lo,None)", lambda x: np.clip(x, -0.3, None), [((3, 4),)])
add(
    np.clip,
    "clip(a_min=,a_max=)",
    lambda x: np.clip(x, a_min=-0.3, a_max=0.4),
    [((3, 4),)],
)
add(np.clip, "x.clip", lambda x: x.clip(-0.4, 0.2), [((3, 4),)])

add(
    np.outer,
    "outer",
    np.outer,
    [
        ((3,), (4,)),
        ((2, 3), (4,)),
        ((3,), (2, 2)),
        (None, (3,)),
        ((3,), None),
        ((), (2,)),
    ],
)
add(np.outer, "outer(x,plain)", lambda x: np.outer(x, PLAIN34[0]), [((3,),)])

add(np.linalg.norm, "norm", np.linalg.norm, [((5,),), ((3, 4),), ((),)])
add(np.linalg.norm, "norm(scalar)", np.linalg.norm, [(None,)], (AWAY,))
for axis in (0, -1, (0, 2)):
    for keepdims in (False, True):

        def norm_axis(x, axis=axis, keepdims=keepdims):
            return np.linalg.norm(x, axis=axis, keepdims=keepdims)

        add(
            np.linalg.norm,
            f"norm(axis={axis},keepdims={keepdims})",
            norm_axis,
            [((2, 3, 4),)],
        )
add(np.linalg.norm, "norm(x,None,1)", lambda x: np.linalg.norm(x, None, 1), [((3, 4),)])


# Complex intermediates of real functions (complex inputs: test_autodiff_complex.py).
W = 0.7 - 1.3j
add(np.real, "real(x*w)", lambda x: np.real(x * W), [(None,), ((3, 4),)])
add(np.real, "x.real", lambda x: (x * W).real, [((5,),)])
add(np.real, "real(x)", np.real, [(None,), ((5,),)])
add(np.imag, "imag(exp(ix))", lambda x: np.imag(np.exp(1j * x)), [(None,), ((3, 4),)])
add(np.imag, "imag(x)", lambda x: np.imag(x) + x, [((5,),)])
add(
    np.conjugate,
    "real(conj(x*w)*y)",
    lambda x, y: np.real(np.conj(x * W) * (y + 2j * x)),
    [((3, 4), (3, 4)), (None, (4,))],
)
add(np.conjugate, "x.conj()", lambda x: np.imag(x.conj() * W), [((5,),)])
add(np.angle, "angle(x+iy)", lambda x, y: np.angle(x + 1j * y), [((3, 4), (3, 4))])
add(
    np.angle,
    "angle(deg=True)",
    lambda x, y: np.angle(y * W + 1j * x, deg=True),
    [(None, None), ((5,), (5,))],
)
add(np.angle, "angle(x)", lambda x: np.angle(x) + x, [((5,),)], (AWAY,))
add(astype, "astype(longdouble)", lambda x: x.astype(np.longdouble) ** 2, [((3, 4),)])
add(astype, "astype(complex)", lambda x: np.abs(x.astype(complex) * W), [((5,),)])
add(astype, "astype(float64)", lambda x: x.astype("float64") ** 2, [((5,),)])


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
@pytest.mark.parametrize("mode", ["reverse", "forward"])
def test_directional_derivative_matches_central_difference(case, mode):
    rng = np.random.default_rng(zlib.crc32(case.name.encode()))
    args = case.args(rng)
    f = scalarize(case.fn, args, rng)
    directions = tuple(
        random_value(rng, None if isinstance(a, float) else np.shape(a)) for a in args
    )
    fd = central_difference(f, args, directions)
    if mode == "reverse":
        value = reverse_directional(f, args, directions)
    else:
        value = forward_directional(f, args, directions)
    assert_matches_fd(value, fd)


def test_every_differentiable_primitive_has_a_case():
    covered = {case.key for case in CASES}
    missing = [
        prim.name for key, prim in REGISTRY.items() if prim.vjps and key not in covered
    ]
    assert not missing


def test_every_rule_has_both_modes():
    for prim in REGISTRY.values():
        for vjp_rule, jvp_rule in zip(prim.vjps, prim.jvps, strict=True):
            assert (vjp_rule is None) == (jvp_rule is None), prim.name
