"""Every primitive, both modes, against central differences along random directions.

For random ``x`` and, for each argument, a random direction ``v``, ``<grad F(x), v>``
(reverse mode) and ``jvp(F, x, v)`` (forward mode) must match ``(F(x + eps v) - F(x -
eps v)) / 2 eps`` (:func:`histbp.testing.check_grads`, step and tolerances ``1e-6``),
where ``F`` is the primitive followed by a fixed random projection to a scalar.
"""

from __future__ import annotations

import operator
import zlib
from dataclasses import dataclass
from typing import Any

import numpy as np
import pytest
from autodiff_checks import random_value, scalarize

from histbp.autodiff import sigmoid
from histbp.autodiff._registry import REGISTRY
from histbp.autodiff._rules.casting import astype
from histbp.autodiff._rules.linalg_decompositions import (
    _eigh_packed,
    _logabsdet,
    _singular_values,
    _svd_packed,
)
from histbp.testing import check_grads


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
# -- issue 12: more ufuncs ------------------------------------------------------------
ABOVE1 = _keep_float(lambda a: np.abs(a) + 1.2)  # arccosh
for ufunc, domain in [
    (np.log2, POS),
    (np.log10, POS),
    (np.exp2, ANY),
    (np.arcsin, UNIT),
    (np.arccos, UNIT),
    (np.arcsinh, ANY),
    (np.arccosh, ABOVE1),
    (np.arctanh, UNIT),
    (np.fabs, AWAY),
    (np.deg2rad, ANY),
    (np.radians, ANY),
    (np.rad2deg, ANY),
    (np.degrees, ANY),
]:
    add(ufunc, ufunc.__name__, ufunc, [(s,) for s in UNARY_SHAPES], (domain,))
for ufunc, domains in [
    (np.logaddexp, ()),
    (np.logaddexp2, ()),
    (np.hypot, ()),
    (np.arctan2, (ANY, AWAY)),
    (np.remainder, (ANY, AWAY)),
    (np.fmod, (ANY, AWAY)),
    (np.fmax, ()),
    (np.fmin, ()),
]:
    add(ufunc, ufunc.__name__, ufunc, BINARY_SHAPES, domains)
add(np.remainder, "x%y", operator.mod, OPERATOR_SHAPES, (ANY, AWAY))
add(np.remainder, "3.5%x", lambda x: 3.5 % x, [(None,), ((3, 4),)], (AWAY,))
add(np.remainder, "mod", lambda x: np.mod(x, 0.7), [((3, 4),)])
add(np.nan_to_num, "nan_to_num", np.nan_to_num, [(None,), ((3, 4),)])
add(
    np.nan_to_num,
    "nan_to_num(nan=1)",
    lambda x: np.nan_to_num(x, nan=1.0, posinf=9.0),
    [((3, 4),)],
)

# -- issue 12: var, std, cumprod -------------------------------------------------------
for func in (np.var, np.std):
    name = func.__name__
    add(func, name, func, [((5,),), ((3, 4),)])
    add(func, f"{name}(ddof=1)", lambda x, func=func: func(x, ddof=1), [((3, 4),)])
    for axis in (0, -1, (0, 2)):
        for keepdims in (False, True):

            def spread(x, func=func, axis=axis, keepdims=keepdims):
                return func(x, axis=axis, keepdims=keepdims, ddof=1)

            add(
                func, f"{name}(axis={axis},keepdims={keepdims})", spread, [((2, 3, 4),)]
            )
    add(
        func,
        f"{name}(x,1,dtype=None)",
        lambda x, func=func: func(x, 1, None),
        [((3, 4),)],
    )
add(np.cumprod, "cumprod", np.cumprod, [(None,), ((5,),), ((3, 4),)])
for axis in (0, -1, 1):
    add(
        np.cumprod,
        f"cumprod(axis={axis})",
        lambda x, axis=axis: np.cumprod(x, axis=axis),
        [((2, 3, 4),)],
    )
add(np.cumprod, "cumprod(one zero)", np.cumprod, [((5,),)], (_zeros_at(2),))
add(
    np.cumprod,
    "cumprod(zeros,axis=1)",
    lambda x: np.cumprod(x, axis=1),
    [((3, 4),)],
    (_zeros_at((0, 1), (1, 0), (1, 3), (2, 2)),),
)

# -- issue 12: contractions ------------------------------------------------------------
EINSUMS = [
    ("ij,jk->ik", ((3, 4), (4, 5))),
    ("ij,jk", ((3, 4), (4, 5))),
    ("ii->i", ((4, 4),)),
    ("ii", ((4, 4),)),
    ("iij->ji", ((3, 3, 2),)),
    ("i,i", ((4,), (4,))),
    ("i,j->ij", ((3,), (4,))),
    ("ij->", ((3, 4),)),
    ("ijk->kj", ((2, 3, 4),)),
    ("ij,ij->ij", ((1, 4), (3, 4))),
    ("...ij,...jk->...ik", ((1, 3, 4), (2, 4, 5))),
    ("...ij,jk", ((2, 3, 4), (4, 5))),
    ("ij...,j->i...", ((3, 4, 2), (4,))),
    ("bij,bjk->bik", ((2, 3, 4), (2, 4, 5))),
    ("ij,jk,kl->il", ((2, 3), (3, 4), (4, 2))),
    ("i,->i", ((3,), None)),
    ("ij,ik->", ((3, 2), (3, 4))),
]
for spec, shapes in EINSUMS:
    add(
        np.einsum,
        f"einsum({spec})",
        lambda *xs, spec=spec: np.einsum(spec, *xs),
        [shapes],
    )
add(
    np.einsum,
    "einsum(sublists)",
    lambda x, y: np.einsum(x, [0, 1], y, [1, 2], [0, 2]),
    [((3, 4), (4, 5))],
)
add(
    np.einsum,
    "einsum(sublists,implicit,ellipsis)",
    lambda x, y: np.einsum(x, [Ellipsis, 0, 1], y, [1]),
    [((2, 3, 4), (4,))],
)
add(
    np.einsum,
    "einsum(x,const,optimize)",
    lambda x: np.einsum("ij,jk->ik", x, PLAIN34, optimize=True),
    [((2, 3),)],
)
add(
    np.einsum,
    "einsum(const,x,x)",
    lambda x: np.einsum("ij,j,j->i", PLAIN34, x, x, dtype=None, casting="safe"),
    [((4,),)],
)
TENSORDOTS = [
    (2, ((2, 3, 4), (3, 4, 5))),
    (1, ((3, 4), (4, 5))),
    (0, ((3,), (2, 2))),
    (([1, 0], [0, 1]), ((3, 4, 2), (4, 3))),
    ((2, 0), ((3, 4, 5), (5, 2))),
]
for axes, shapes in TENSORDOTS:
    add(
        np.tensordot,
        f"tensordot(axes={axes})",
        lambda a, b, axes=axes: np.tensordot(a, b, axes=axes),
        [shapes],
    )
add(np.tensordot, "tensordot(default)", np.tensordot, [((3, 2, 4), (2, 4, 3))])
add(
    np.inner,
    "inner",
    np.inner,
    [((4,), (4,)), ((3, 4), (4,)), ((3, 4), (2, 5, 4)), (None, (3,)), ((3,), ())],
)
add(
    np.kron,
    "kron",
    np.kron,
    [((2,), (3,)), ((2, 3), (2, 2)), ((2,), (2, 3)), ((2, 2, 1), (3, 2)), (None, (3,))],
)
add(
    np.dot,
    "dot(N-D)",
    np.dot,
    [((2, 3, 4), (4,)), ((2, 3, 4), (5, 4, 2)), ((3, 4), (2, 4, 5)), ((4,), (2, 4, 3))],
)

# -- issue 12: linear algebra ----------------------------------------------------------
WELL = lambda a: a + 4.0 * np.eye(a.shape[-1])  # noqa: E731  (well conditioned)
NEGDET = lambda a: WELL(a) * np.array([[-1.0], [1.0], [1.0]])  # noqa: E731
SPD = lambda a: a @ np.swapaxes(a, -1, -2) + 3.0 * np.eye(a.shape[-1])  # noqa: E731
add(np.linalg.inv, "inv", np.linalg.inv, [((3, 3),), ((2, 3, 3),)], (WELL,))
add(
    np.linalg.solve,
    "solve",
    np.linalg.solve,
    [((3, 3), (3,)), ((3, 3), (3, 2)), ((2, 3, 3), (2, 3, 4)), ((2, 3, 3), (3,))],
    (WELL, ANY),
)
add(np.linalg.det, "det", np.linalg.det, [((3, 3),), ((2, 3, 3),)], (WELL,))
add(np.linalg.det, "det(negative)", np.linalg.det, [((3, 3),)], (NEGDET,))
add(np.linalg.det, "det(singular)", np.linalg.det, [((3, 3),)], (_zeros_at(1),))
add(np.linalg.det, "det(1x1)", np.linalg.det, [((1, 1),)])
add(
    _logabsdet,
    "slogdet",
    lambda a: np.linalg.slogdet(a)[1] * np.linalg.slogdet(a).sign,
    [((3, 3),), ((2, 3, 3),)],
    (WELL,),
)
add(
    _logabsdet,
    "slogdet(negative)",
    lambda a: np.linalg.slogdet(a)[1],
    [((3, 3),)],
    (NEGDET,),
)
add(
    np.linalg.cholesky,
    "cholesky",
    np.linalg.cholesky,
    [((3, 3),), ((2, 4, 4),)],
    (SPD,),
)
add(_eigh_packed, "eigh.w", lambda a: np.linalg.eigh(a)[0], [((3, 3),), ((2, 4, 4),)])
add(_eigh_packed, "eigh.v", lambda a: np.linalg.eigh(a)[1], [((3, 3),), ((2, 4, 4),)])
add(
    _eigh_packed,
    "eigh(UPLO=U)",
    lambda a: np.linalg.eigh(a, UPLO="U").eigenvectors * 2.0,
    [((4, 4),)],
)
add(
    _eigh_packed,
    "eigh(w,v)",
    lambda a: np.linalg.eigh(a).eigenvalues[..., None] * np.linalg.eigh(a)[1],
    [((3, 3),)],
)
SVD_SHAPES = [((3, 3),), ((4, 3),), ((3, 5),), ((2, 4, 3),)]
for part in range(3):
    add(
        _svd_packed,
        f"svd[{part}]",
        lambda a, part=part: np.linalg.svd(a, full_matrices=False)[part],
        SVD_SHAPES,
    )
add(
    _svd_packed,
    "svd(U*S@Vh)",
    lambda a: (lambda u, s, vh: (u * s[..., None, :]) @ vh**2)(
        *np.linalg.svd(a, full_matrices=False)
    ),
    [((4, 3),), ((3, 5),)],
)
add(_svd_packed, "svd(square,default)", lambda a: np.linalg.svd(a).U, [((3, 3),)])
add(
    _singular_values,
    "svd(compute_uv=False)",
    lambda a: np.linalg.svd(a, compute_uv=False),
    SVD_SHAPES,
)

# -- issue 12: norms of every order ----------------------------------------------------
for ord in (1, 2, 3, 0.5, -1, np.inf, -np.inf, 0):
    add(
        np.linalg.norm,
        f"norm(ord={ord})",
        lambda x, ord=ord: np.linalg.norm(x, ord),
        [((5,),)],
        (AWAY,),
    )
    add(
        np.linalg.norm,
        f"norm(ord={ord},axis=1)",
        lambda x, ord=ord: np.linalg.norm(x, ord, axis=1, keepdims=True),
        [((3, 4),)],
        (AWAY,),
    )
for ord in ("fro", "nuc", 1, -1, 2, -2, np.inf, -np.inf, None):
    add(
        np.linalg.norm,
        f"norm(matrix,ord={ord})",
        lambda x, ord=ord: np.linalg.norm(x, ord),
        [((3, 4),)],
    )
    add(
        np.linalg.norm,
        f"norm(matrix,ord={ord},axis=(0,2))",
        lambda x, ord=ord: np.linalg.norm(x, ord, axis=(0, 2)),
        [((3, 2, 4),)],
    )

# -- issue 12: copies, rearrangements, selections --------------------------------------
SHAPE_CASES = [
    (np.repeat, "repeat(2)", lambda x: np.repeat(x, 2), [(None,), ((3, 4),)]),
    (
        np.repeat,
        "repeat(axis=1)",
        lambda x: np.repeat(x, [1, 0, 2, 3], axis=1),
        [((3, 4),)],
    ),
    (np.repeat, "repeat(3,0)", lambda x: np.repeat(x, 3, 0), [((3, 4),)]),
    (np.roll, "roll", lambda x: np.roll(x, 2), [((3, 4),)]),
    (np.roll, "roll(axis)", lambda x: np.roll(x, -1, axis=1), [((3, 4),)]),
    (np.roll, "roll(tuple)", lambda x: np.roll(x, (1, 2), axis=(0, 1)), [((3, 4),)]),
    (np.tile, "tile(2)", lambda x: np.tile(x, 2), [(None,), ((3,),), ((3, 4),)]),
    (np.tile, "tile(2,1,3)", lambda x: np.tile(x, (2, 1, 3)), [((3, 4),)]),
    (np.tile, "tile((2,1))", lambda x: np.tile(x, (2, 1)), [((2, 3, 4),)]),
    (np.pad, "pad", lambda x: np.pad(x, 1), [((3, 4),)]),
    (np.pad, "pad(widths)", lambda x: np.pad(x, ((1, 2), (0, 1))), [((3, 4),)]),
    (np.pad, "pad(constant 3)", lambda x: np.pad(x, 2, constant_values=3.0), [((4,),)]),
    (np.pad, "pad(edge)", lambda x: np.pad(x, ((2, 1), (1, 3)), "edge"), [((3, 4),)]),
    (np.pad, "pad(wrap)", lambda x: np.pad(x, 5, mode="wrap"), [((3, 4),)]),
    (np.pad, "pad(reflect)", lambda x: np.pad(x, 2, mode="reflect"), [((3, 4),)]),
    (np.pad, "pad(symmetric)", lambda x: np.pad(x, (1, 4), "symmetric"), [((3, 4),)]),
    (np.flip, "flip", np.flip, [((3, 4),)]),
    (np.flip, "flip(axis)", lambda x: np.flip(x, axis=1), [((2, 3, 4),)]),
    (np.flip, "flip(x,(0,2))", lambda x: np.flip(x, (0, 2)), [((2, 3, 4),)]),
    (np.fliplr, "fliplr", np.fliplr, [((3, 4),)]),
    (np.flipud, "flipud", np.flipud, [((3, 4),), ((5,),)]),
    (np.rot90, "rot90", np.rot90, [((3, 4),)]),
    (np.rot90, "rot90(k=2)", lambda x: np.rot90(x, k=2), [((3, 4),)]),
    (np.rot90, "rot90(-1,(1,2))", lambda x: np.rot90(x, -1, (1, 2)), [((2, 3, 4),)]),
    (np.atleast_1d, "atleast_1d", np.atleast_1d, [(None,), ((3,),)]),
    (np.atleast_2d, "atleast_2d", np.atleast_2d, [(None,), ((3,),), ((2, 3),)]),
    (np.atleast_3d, "atleast_3d", np.atleast_3d, [((3,),), ((2, 3),)]),
    (
        np.broadcast_to,
        "broadcast_to",
        lambda x: np.broadcast_to(x, (2, 3, 4)),
        [((3, 1),), (None,)],
    ),
    (np.diag, "diag(1-D)", np.diag, [((3,),)]),
    (np.diag, "diag(1-D,k=1)", lambda x: np.diag(x, k=1), [((3,),)]),
    (np.diag, "diag(2-D)", np.diag, [((3, 4),)]),
    (np.diag, "diag(2-D,-1)", lambda x: np.diag(x, -1), [((3, 4),)]),
    (np.diagonal, "diagonal", np.diagonal, [((3, 4),)]),
    (np.diagonal, "diagonal(1,1,2)", lambda x: np.diagonal(x, 1, 1, 2), [((2, 3, 4),)]),
    (
        np.diagonal,
        "diagonal(axes)",
        lambda x: np.diagonal(x, axis1=2, axis2=0),
        [((3, 2, 4),)],
    ),
    (np.trace, "trace", np.trace, [((3, 4),)]),
    (np.trace, "trace(offset=1)", lambda x: np.trace(x, offset=1), [((3, 4),)]),
    (np.trace, "trace(0,1,2)", lambda x: np.trace(x, 0, 1, 2), [((2, 3, 3),)]),
    (np.tril, "tril", np.tril, [((3, 4),), ((2, 3, 3),)]),
    (np.tril, "tril(k=-1)", lambda x: np.tril(x, k=-1), [((3, 4),)]),
    (np.triu, "triu", np.triu, [((3, 4),), ((2, 3, 3),)]),
    (np.triu, "triu(1)", lambda x: np.triu(x, 1), [((3, 4),)]),
    (np.diff, "diff", np.diff, [((5,),), ((3, 4),)]),
    (np.diff, "diff(n=2,axis=0)", lambda x: np.diff(x, n=2, axis=0), [((4, 3),)]),
    (
        np.diff,
        "diff(prepend,append)",
        lambda x: np.diff(x, prepend=0.5, append=PLAIN34[:, :2]),
        [((3, 4),)],
    ),
    (np.append, "append", np.append, [((3,), (2, 2)), (None, (3,)), ((3, 4), None)]),
    (
        np.append,
        "append(axis=0)",
        lambda x, y: np.append(x, y, axis=0),
        [((3, 4), (2, 4))],
    ),
    (np.append, "append(x,plain,1)", lambda x: np.append(x, PLAIN34, 1), [((3, 2),)]),
    (
        np.column_stack,
        "column_stack",
        lambda x, y: np.column_stack([x, y]),
        [((3,), (3, 2)), ((3,), (3,))],
    ),
    (
        np.column_stack,
        "column_stack(x,plain)",
        lambda x: np.column_stack((x, PLAIN34)),
        [((3,),)],
    ),
    (np.take, "take", lambda x: np.take(x, [0, 5, 5, 11]), [((3, 4),)]),
    (
        np.take,
        "take(axis=1)",
        lambda x: np.take(x, [[0, 3], [3, 3]], axis=1),
        [((3, 4),)],
    ),
    (
        np.take,
        "take(wrap)",
        lambda x: np.take(x, [-1, 4, 7], 0, mode="wrap"),
        [((3, 4),)],
    ),
    (np.take, "take(clip)", lambda x: np.take(x, [-1, 9], mode="clip"), [((5,),)]),
    (
        np.take_along_axis,
        "take_along_axis",
        lambda x: np.take_along_axis(x, np.array([[0, 0], [3, 1], [2, 2]]), 1),
        [((3, 4),)],
    ),
    (
        np.take_along_axis,
        "take_along_axis(axis=0,broadcast)",
        lambda x: np.take_along_axis(x, np.array([[0, 2, 2, 1]]), axis=0),
        [((3, 4),)],
    ),
    (
        np.take_along_axis,
        "take_along_axis(argsort)",
        lambda x: np.take_along_axis(x, np.argsort(x, axis=0), axis=0),
        [((3, 4),)],
    ),
    (
        np.take_along_axis,
        "take_along_axis(None)",
        lambda x: np.take_along_axis(x, np.array([5, 1, 5]), None),
        [((3, 4),)],
    ),
    (np.sort, "sort", np.sort, [((5,),), ((3, 4),)]),
    (np.sort, "sort(axis=0)", lambda x: np.sort(x, axis=0), [((3, 4),)]),
    (np.sort, "sort(None)", lambda x: np.sort(x, None, kind="stable"), [((3, 4),)]),
    (np.partition, "partition", lambda x: np.partition(x, 2), [((6,),), ((3, 5),)]),
    (
        np.partition,
        "partition(axis=0)",
        lambda x: np.partition(x, (0, 2), axis=0),
        [((4, 3),)],
    ),
    (
        np.partition,
        "partition(None)",
        lambda x: np.partition(x, 5, axis=None),
        [((3, 4),)],
    ),
]
for key, name, fn, shapes in SHAPE_CASES:
    add(key, name, fn, shapes)
SELECT_CONDITIONS = [PLAIN34 < -0.3, PLAIN34 > 0.5]
add(
    np.select,
    "select",
    lambda x, y: np.select(SELECT_CONDITIONS, [x, 2.0 * y], default=0.5),
    [((3, 4), (3, 4)), ((4,), None)],
)
add(
    np.select,
    "select(default=x)",
    lambda x: np.select(SELECT_CONDITIONS, [x, x * x], x**3),
    [((3, 4),)],
)


def _pieces(split):
    return lambda x: np.concatenate(
        [np.ravel(piece) * (k + 1) for k, piece in enumerate(split(x))]
    )


for key, name, split, shape in [
    (np.split, "split(3)", lambda x: np.split(x, 3), (6, 2)),
    (np.split, "split([1,4],axis=1)", lambda x: np.split(x, [1, 4], axis=1), (2, 6)),
    (np.array_split, "array_split(4)", lambda x: np.array_split(x, 4), (7,)),
    (np.array_split, "array_split(x,3,1)", lambda x: np.array_split(x, 3, 1), (2, 5)),
    (np.hsplit, "hsplit", lambda x: np.hsplit(x, 2), (3, 4)),
    (np.hsplit, "hsplit(1-D)", lambda x: np.hsplit(x, [2]), (5,)),
    (np.vsplit, "vsplit", lambda x: np.vsplit(x, [1]), (3, 4)),
    (np.dsplit, "dsplit", lambda x: np.dsplit(x, 2), (2, 3, 4)),
]:
    add(key, name, _pieces(split), [(shape,)])


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
@pytest.mark.parametrize("mode", ["reverse", "forward"])
def test_directional_derivative_matches_central_difference(case, mode):
    rng = np.random.default_rng(zlib.crc32(case.name.encode()))
    args = case.args(rng)
    check_grads(scalarize(case.fn, args, rng), args, modes=(mode,), seed=rng)


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
