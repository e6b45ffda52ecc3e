"""The time-lag tasks of the 1991-93 experiments: a cause, a long wait, a target.

Two sequences differ only in their first symbol (``a`` or ``x``); after a run of
symbols that both share, a target channel carries 1 after ``a`` and 0 after ``x``.
A learner that predicts the stream must carry the first symbol across the whole
lag. :func:`time_lag_task` is the 1992 chunker's kind of task, the run a fixed
sequence of distinct symbols; :func:`deep_time_lag_task` the 1993 history
compressor's, the run regular at several time scales.

References
----------
Schmidhuber (1992) [schmidhuber1992]; Schmidhuber (1993)
[schmidhuber1993habilitation].
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from math import prod

import numpy as np

from histbp._validation import check_positive_int

__all__ = ["DeepTimeLagTask", "TimeLagTask", "deep_time_lag_task", "time_lag_task"]


@dataclass(frozen=True, slots=True)
class TimeLagTask:
    """Two sequences that differ only in their first symbol, with a late target.

    The alphabet has ``lag + 2`` symbols: ``a`` (0), ``x`` (1) and ``b1 ...
    b_lag`` (2 ... lag + 1). The two sequences are ``a b1 ... b_lag`` and
    ``x b1 ... b_lag``; after the last symbol the target channel of the stream
    carries 1 after an ``a`` sequence and 0 after an ``x`` sequence. A learner
    that predicts the stream must carry the first symbol across ``lag`` steps.

    Attributes
    ----------
    lag
        Steps between the deciding symbol and the target.
    streams
        Shape ``(2, lag + 2, lag + 3)``: for each sequence, one row per step of
        the stream (the ``lag + 1`` symbols, then the target), one column per
        symbol plus a last column for the target channel.
    targets
        ``(1.0, 0.0)``: the target after each sequence.
    """

    lag: int
    streams: np.ndarray
    targets: tuple[float, float]

    @property
    def n_symbols(self) -> int:
        """Symbols in the alphabet, ``lag + 2``."""
        return self.lag + 2

    @property
    def width(self) -> int:
        """Count the channels of a stream vector, the symbols and the target channel."""
        return self.lag + 3


def time_lag_task(lag: int) -> TimeLagTask:
    """The two-sequence task with the target ``lag`` steps after its cause.

    References
    ----------
    Schmidhuber (1992) [schmidhuber1992].

    Examples
    --------
    >>> task = time_lag_task(3)
    >>> task.streams.shape
    (2, 5, 6)
    >>> task.streams[0].argmax(axis=1).tolist()  # a b1 b2 b3, then the target
    [0, 2, 3, 4, 5]
    """
    lag = check_positive_int(lag, "lag")
    width = lag + 3
    streams = np.zeros((2, lag + 2, width))
    for seq, first in enumerate((0, 1)):
        streams[seq, 0, first] = 1.0
        for t in range(1, lag + 1):
            streams[seq, t, t + 1] = 1.0
    streams[0, lag + 1, width - 1] = 1.0  # after `a ...` the target is 1
    return TimeLagTask(lag, streams, (1.0, 0.0))


@dataclass(frozen=True, slots=True)
class DeepTimeLagTask:
    """Two long sequences that differ only in their first symbol and the target.

    With ``periods = (L_1, ..., L_K)`` and ``lag = L_1 L_2 ... L_K``, the
    alphabet is ``a`` (0), ``x`` (1) and the regular symbols ``r_0 ... r_K``
    (2 ... K + 2). A sequence is its first symbol, then for ``t = 1 ... lag``
    the symbol ``r_j`` with ``j`` the largest level such that ``L_1 ... L_j``
    divides ``t`` (so ``r_0`` most of the time, ``r_1`` every ``L_1`` steps,
    ``r_2`` every ``L_1 L_2`` steps, ...), and then the target: 1 after ``a``,
    0 after ``x``.

    Attributes
    ----------
    periods
        ``(L_1, ..., L_K)``.
    streams
        Shape ``(2, lag + 2, K + 4)``: for each sequence one row per step (the
        ``lag + 1`` symbols, then the target), one column per symbol and a last
        column for the target channel.
    targets
        ``(1.0, 0.0)``: the target after each sequence.
    """

    periods: tuple[int, ...]
    streams: np.ndarray
    targets: tuple[float, float]

    @property
    def lag(self) -> int:
        """Steps between the first symbol and the step that must give the target."""
        return prod(self.periods)

    @property
    def width(self) -> int:
        """The number of channels of a stream vector (symbols and target)."""
        return len(self.periods) + 4

    def level_lengths(self) -> tuple[int, ...]:
        """Inputs per level under :func:`histbp.nets.one_step_compression`.

        In closed form, level ``k <= K`` receives the first symbol, the
        ``lag / (L_1 ... L_k)`` regular symbols ``r_k, r_{k+1}, ...`` and the
        target; level ``K + 1`` the first symbol and the target only. (This holds
        when every period is at least 5 and the tolerance is 0.3: then a
        predictor that knows only the current input predicts each run's
        repetition but not its end.)
        """
        steps = [
            2 + self.lag // prod(self.periods[:k]) for k in range(len(self.periods) + 1)
        ]
        return (*steps, 2)


def deep_time_lag_task(periods: Sequence[int] = (10, 10, 12)) -> DeepTimeLagTask:
    """The two-sequence task with a lag of ``prod(periods)`` steps.

    Parameters
    ----------
    periods
        The repeat length of the regular symbols at each time scale, each at
        least 2. The default gives a lag of 1,200 steps.

    Returns
    -------
    DeepTimeLagTask

    References
    ----------
    Schmidhuber (1993) [schmidhuber1993habilitation].

    Examples
    --------
    >>> task = deep_time_lag_task((3, 2))
    >>> task.lag, task.streams.shape
    (6, (2, 8, 6))
    >>> task.streams[0, :-1].argmax(axis=1).tolist()  # a, then r_j at t = 1..6
    [0, 2, 2, 3, 2, 2, 4]
    """
    if isinstance(periods, (str, bytes)) or not isinstance(periods, Sequence):
        raise TypeError(
            f"periods must be a sequence of integers, got {type(periods).__name__}"
        )
    if len(periods) == 0:
        raise ValueError("periods must name at least one period")
    checked = tuple(check_positive_int(p, "each period") for p in periods)
    if min(checked) < 2:
        raise ValueError(f"each period must be at least 2, got {list(checked)}")
    lag = prod(checked)
    levels = len(checked)
    width = levels + 4
    marks = np.cumprod(checked)
    t = np.arange(1, lag + 1)
    level_of = (t[:, None] % marks[None, :] == 0).sum(axis=1)
    streams = np.zeros((2, lag + 2, width))
    for seq in (0, 1):
        streams[seq, 0, seq] = 1.0
        streams[seq, t, 2 + level_of] = 1.0
    streams[0, lag + 1, width - 1] = 1.0  # after `a ...` the target is 1
    return DeepTimeLagTask(checked, streams, (1.0, 0.0))
