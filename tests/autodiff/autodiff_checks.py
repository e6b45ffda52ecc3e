"""Shared helpers for the tests of histbp.autodiff: random points, a random scalar
projection, and directional derivatives by both modes (central differences are
:func:`histbp.testing.check_grads`)."""

from __future__ import annotations

import numpy as np

from histbp.autodiff import grad, jvp


def random_value(rng: np.random.Generator, shape):
    """A Python float for ``shape is None``, else a float64 array of ``shape``."""
    if shape is None:
        return float(rng.standard_normal())
    return np.asarray(rng.standard_normal(shape))


def scalarize(f, args, rng):
    """``F(*args) = sum(f(*args) * W)`` for a fixed random ``W`` of f's output shape.

    A random projection turns any output into a scalar while still exercising the
    rules with a non-trivial cotangent.
    """
    out = f(*args)
    weights = random_value(rng, None if np.ndim(out) == 0 else np.shape(out))

    def scalar_f(*xs):
        return np.sum(f(*xs) * weights)

    return scalar_f


def reverse_directional(f, args, directions):
    """<grad f(args), directions> by reverse mode."""
    grads = grad(f, argnum=tuple(range(len(args))))(*args)
    return float(sum(np.sum(g * v) for g, v in zip(grads, directions, strict=True)))


def forward_directional(f, args, directions):
    """The directional derivative by forward mode (one JVP)."""
    return float(jvp(f, tuple(args), tuple(directions))[1])
