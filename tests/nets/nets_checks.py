"""Shared references for the network-gradient tests: the squared error written in
plain numpy for histbp.autodiff, and central differences over every parameter."""

from __future__ import annotations

import numpy as np

from histbp.autodiff import grad, sigmoid
from histbp.nets import NetworkGradient

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


def central_differences(weights, biases, X, D, activation="sigmoid", h=1e-6):
    """Every partial derivative by central differences, as a NetworkGradient."""
    weights = [np.array(w, dtype=float) for w in weights]
    biases = [np.array(b, dtype=float) for b in biases]

    def partials(arrays):
        out = []
        for a in arrays:
            g = np.zeros_like(a)
            for idx in np.ndindex(a.shape):
                keep = a[idx]
                a[idx] = keep + h
                up = squared_error(weights, biases, X, D, activation)
                a[idx] = keep - h
                down = squared_error(weights, biases, X, D, activation)
                a[idx] = keep
                g[idx] = (up - down) / (2 * h)
            out.append(g)
        return tuple(out)

    value = float(squared_error(weights, biases, X, D, activation))
    return NetworkGradient(value, partials(weights), partials(biases))
