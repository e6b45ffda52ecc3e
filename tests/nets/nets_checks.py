"""Shared references for the network-gradient tests: the squared error written in
plain numpy for histbp.autodiff, and a gradient held to central differences over
every parameter (by :func:`histbp.testing.check_grads`)."""

from __future__ import annotations

import numpy as np

from histbp.autodiff import grad, sigmoid
from histbp.nets import NetworkGradient
from histbp.testing import check_grads

XOR_X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
XOR_D = np.array([[0.0], [1.0], [1.0], [0.0]])


def squared_error(weights, biases, X, D, activation="sigmoid"):
    """E = 1/2 sum (y - d)^2, written independently of histbp.nets."""
    f = sigmoid if activation == "sigmoid" else np.tanh
    h = X
    for w, b in zip(weights, biases, strict=True):
        h = f(h @ w.T + b)
    r = h - D
    return 0.5 * np.sum(r * r)


def autodiff_gradient(weights, biases, X, D, activation="sigmoid"):
    """The same gradient by histbp's reverse mode, as a NetworkGradient."""
    n = len(weights)

    def error(*params):
        return squared_error(params[:n], params[n:], X, D, activation)

    params = (*weights, *biases)
    grads = grad(error, argnum=tuple(range(2 * n)))(*params)
    value = float(error(*params))
    return NetworkGradient(value, tuple(grads[:n]), tuple(grads[n:]))


def check_every_partial(
    gradient, weights, biases, X, D, activation="sigmoid", atol=1e-8
):
    """Hold every partial derivative in ``gradient`` (a NetworkGradient) to its
    central difference (step 1e-6) within ``atol``, one coordinate at a time."""
    n = len(weights)

    def error(*params):
        return squared_error(params[:n], params[n:], X, D, activation)

    check_grads(
        error,
        (*weights, *biases),
        grad_fn=lambda *_: (*gradient.weights, *gradient.biases),
        directions="coordinates",
        rtol=0.0,
        atol=atol,
    )
