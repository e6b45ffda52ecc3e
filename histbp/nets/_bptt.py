"""A small recurrent network and its gradient by backpropagation through time.

The network reads one input vector per step,

    a_t = x_t W_in + h_{t-1} W_rec + b,    h_t = tanh(a_t),    h_{-1} = 0,
    y_t = sigma(h_t W_out + c),

and is scored by the cross-entropy of its logistic outputs ``y_t`` against
targets ``d_t`` wherever a mask is 1. :func:`bptt` unrolls the network in time
and sweeps the error signals backwards through the unrolled copies. With
``truncation=k`` the error injected at step ``t`` travels back at most ``k``
steps (through ``h_t, ..., h_{t-k}``), the cheap approximation the 1991-92
chunker experiments used with ``k = 3``; ``truncation=None`` is full BPTT.

The truncated sweep is computed one lag at a time for all steps at once: the
signals that have travelled ``j`` steps, ``D_j[s] = (D_{j-1}[s+1] W_rec^T) *
(1 - h_s^2)``, are one matrix product per lag, and the gradient sums them.

References
----------
Schmidhuber (1992) [schmidhuber1992].
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from histbp._validation import (
    as_finite_array,
    check_positive_int,
    check_random_state,
    check_real,
)

__all__ = ["RecurrentNet", "bptt", "init_recurrent_net"]

_TINY = 1e-12


def _sigmoid(a: np.ndarray) -> np.ndarray:
    """The logistic function in its tanh form, ``(1 + tanh(a / 2)) / 2``.

    Not :func:`histbp.nets.logistic`, ``1 / (1 + exp(-a))``: the two agree to
    rounding, but training by BPTT over hundreds of sequences amplifies the last
    bits, and with the other form the 1991 and 1993 pages would print other counts
    (the automatizer learning after 1000 sequences instead of 1010, the lag after
    160 instead of 150).
    """
    return 0.5 * (1.0 + np.tanh(0.5 * a))


@dataclass(frozen=True, slots=True)
class RecurrentNet:
    """A recurrent network of tanh hidden units with logistic outputs.

    Attributes
    ----------
    w_in
        Input-to-hidden weights, shape ``(n_in, n_hidden)``.
    w_rec
        Hidden-to-hidden weights from one step to the next,
        ``(n_hidden, n_hidden)``.
    b_hidden
        Hidden biases, ``(n_hidden,)``.
    w_out
        Hidden-to-output weights, ``(n_hidden, n_out)``.
    b_out
        Output biases, ``(n_out,)``.

    The same class holds a gradient, one array per parameter.
    """

    w_in: np.ndarray
    w_rec: np.ndarray
    b_hidden: np.ndarray
    w_out: np.ndarray
    b_out: np.ndarray

    @property
    def shape(self) -> tuple[int, int, int]:
        """``(n_in, n_hidden, n_out)``."""
        return (self.w_in.shape[0], self.w_rec.shape[0], self.w_out.shape[1])

    def arrays(self) -> tuple[np.ndarray, ...]:
        """The parameters in field order."""
        return (self.w_in, self.w_rec, self.b_hidden, self.w_out, self.b_out)

    def run(self, inputs: Any) -> tuple[np.ndarray, np.ndarray]:
        """Hidden states and outputs for one sequence of inputs ``(T, n_in)``."""
        x = _as_sequence(inputs, self.w_in.shape[0], "inputs")
        return self._run(x)

    def _run(self, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        steps = x.shape[0]
        drive = x @ self.w_in + self.b_hidden
        hidden = np.empty((steps, self.w_rec.shape[0]))
        h = np.zeros(self.w_rec.shape[0])
        for t in range(steps):
            h = np.tanh(drive[t] + h @ self.w_rec)
            hidden[t] = h
        return hidden, _sigmoid(hidden @ self.w_out + self.b_out)

    def step(self, x: np.ndarray, h: np.ndarray) -> np.ndarray:
        """One step: the new hidden state from input ``x`` and state ``h``."""
        return np.tanh(x @ self.w_in + h @ self.w_rec + self.b_hidden)

    def outputs(self, h: np.ndarray) -> np.ndarray:
        """The logistic outputs for hidden state(s) ``h``."""
        return _sigmoid(h @ self.w_out + self.b_out)


def init_recurrent_net(
    n_in: int,
    n_hidden: int,
    n_out: int,
    *,
    scale: float = 0.2,
    seed: int | np.random.Generator | None = 0,
) -> RecurrentNet:
    """Weights uniform in ``[-scale, scale]``, biases zero.

    ``seed`` is an integer, ``None`` or a numpy ``Generator`` to draw from.
    """
    n_in = check_positive_int(n_in, "n_in")
    n_hidden = check_positive_int(n_hidden, "n_hidden")
    n_out = check_positive_int(n_out, "n_out")
    scale = check_real(scale, "scale", low=0.0, low_open=True)
    rng = check_random_state(seed)

    def uniform(*shape: int) -> np.ndarray:
        return rng.uniform(-scale, scale, shape)

    return RecurrentNet(
        uniform(n_in, n_hidden),
        uniform(n_hidden, n_hidden),
        np.zeros(n_hidden),
        uniform(n_hidden, n_out),
        np.zeros(n_out),
    )


def _as_sequence(value: Any, width: int, name: str) -> np.ndarray:
    arr = as_finite_array(value, name, 2)
    if arr.shape[1] != width:
        raise ValueError(f"{name} must have shape (steps, {width}), got {arr.shape}")
    return arr


def bptt(
    net: RecurrentNet,
    inputs: Any,
    targets: Any,
    mask: Any = None,
    *,
    truncation: int | None = None,
) -> tuple[float, RecurrentNet]:
    """Cross-entropy of one sequence and its gradient by backpropagation in time.

    Parameters
    ----------
    net
        The network.
    inputs
        Shape ``(T, n_in)``.
    targets
        Desired outputs in ``[0, 1]``, shape ``(T, n_out)``.
    mask
        Which targets count, shape ``(T, n_out)``, entries 0 or 1 (or weights);
        all ones by default.
    truncation
        Largest number of steps an error signal travels back; ``None`` for the
        full unrolled sequence. ``truncation >= T - 1`` equals full BPTT.

    Returns
    -------
    loss : float
        ``-sum mask * [d log y + (1 - d) log(1 - y)]`` over steps and outputs.
    gradient : RecurrentNet
        The derivative of ``loss`` with respect to each parameter (truncated
        as asked).

    References
    ----------
    Schmidhuber (1992) [schmidhuber1992].
    """
    if not isinstance(net, RecurrentNet):
        raise TypeError(f"net must be a RecurrentNet, got {type(net).__name__}")
    n_in, _, n_out = net.shape
    x = _as_sequence(inputs, n_in, "inputs")
    d = _as_sequence(targets, n_out, "targets")
    if d.shape[0] != x.shape[0]:
        raise ValueError(f"targets has {d.shape[0]} steps but inputs has {x.shape[0]}")
    if mask is None:
        m = np.ones_like(d)
    else:
        m = _as_sequence(mask, n_out, "mask")
        if m.shape != d.shape:
            raise ValueError(f"mask has shape {m.shape}; expected {d.shape}")
    if truncation is not None:
        truncation = int(truncation)
        if truncation < 0:
            raise ValueError(f"truncation must be non-negative, got {truncation}")
    return _bptt(net, x, d, m, truncation)


def _bptt(
    net: RecurrentNet,
    x: np.ndarray,
    d: np.ndarray,
    m: np.ndarray,
    truncation: int | None,
    forward: tuple[np.ndarray, np.ndarray] | None = None,
) -> tuple[float, RecurrentNet]:
    """:func:`bptt` without input checks; ``forward`` may pass ``net._run(x)``."""
    hidden, y = net._run(x) if forward is None else forward
    y_safe = np.clip(y, _TINY, 1.0 - _TINY)
    loss = float(-np.sum(m * (d * np.log(y_safe) + (1 - d) * np.log(1 - y_safe))))
    out_signal = m * (y - d)
    slope = 1.0 - hidden * hidden
    injected = (out_signal @ net.w_out.T) * slope
    steps = x.shape[0]
    if truncation is None or truncation >= steps - 1:
        # Full BPTT: one backward recursion, dE/da_t = (e_t + dE/da_{t+1} W_rec^T) h'_t.
        total = np.empty_like(injected)
        carry = np.zeros(hidden.shape[1])
        for t in range(steps - 1, -1, -1):
            carry = injected[t] + (carry @ net.w_rec.T) * slope[t]
            total[t] = carry
    else:
        # Truncated: the signals that have travelled j steps, for j = 1..k.
        total = injected.copy()
        travelling = injected
        for _ in range(truncation):
            moved = np.zeros_like(travelling)
            moved[:-1] = (travelling[1:] @ net.w_rec.T) * slope[:-1]
            travelling = moved
            total += travelling
    previous = np.vstack([np.zeros((1, hidden.shape[1])), hidden[:-1]])
    grad = RecurrentNet(
        x.T @ total,
        previous.T @ total,
        total.sum(axis=0),
        hidden.T @ out_signal,
        out_signal.sum(axis=0),
    )
    return loss, grad
