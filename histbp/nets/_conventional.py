"""The conventional baseline of 1991-93: one recurrent net, trained by full BPTT.

The chunker (1991) and the history compressor (1993) are both measured against the
method they were meant to improve on: a single recurrent net that reads the whole
stream of a time-lag task, predicts each next vector (the late target included) and
learns by backpropagation through time with nothing truncated, so that the error at
the target has to travel back across the whole lag. :func:`train_conventional` is
that net for both tasks; :func:`train_plain_bptt` is it with the loss and the
defaults of the 1993 page.

References
----------
Schmidhuber (1992) [schmidhuber1992]; Schmidhuber (1993)
[schmidhuber1993habilitation].
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from histbp._validation import check_positive_int, check_random_state, check_real
from histbp.nets._bptt import RecurrentNet, _bptt, init_recurrent_net
from histbp.nets._history_compressor import _level_gradient
from histbp.nets._time_lag_tasks import DeepTimeLagTask, TimeLagTask

__all__ = ["ConventionalResult", "train_conventional", "train_plain_bptt"]


@dataclass(frozen=True, slots=True)
class ConventionalResult:
    """The outcome of :func:`train_conventional` and :func:`train_plain_bptt`.

    Attributes
    ----------
    solved_at
        Training sequences until the target was first right on both sequences,
        or ``None`` if the budget ran out first.
    sequences
        Training sequences used.
    net
        The trained net.
    """

    solved_at: int | None
    sequences: int
    net: RecurrentNet


def train_conventional(
    task: TimeLagTask | DeepTimeLagTask,
    *,
    max_sequences: int = 10_000,
    hidden: int = 16,
    learning_rate: float = 0.03,
    truncation: int | None = None,
    average: bool = False,
    tolerance: float = 0.3,
    init_scale: float = 0.5,
    check_every: int = 10,
    seed: int | np.random.Generator | None = 0,
) -> ConventionalResult:
    """One recurrent net that predicts the whole stream, by full BPTT.

    Each training sequence is one of the task's two, chosen at random; the net
    reads the symbols and predicts each next stream vector, the target included,
    and its weights change once per sequence by ``-learning_rate`` times the
    gradient of :func:`histbp.nets.bptt` (or, with ``average``, of
    :func:`histbp.nets.level_gradient`, the same cross-entropy divided by the
    number of predictions).

    Parameters
    ----------
    task
        From :func:`histbp.nets.time_lag_task` or
        :func:`histbp.nets.deep_time_lag_task`.
    max_sequences
        Budget of training sequences.
    hidden
        Hidden units.
    learning_rate
        Step size per sequence.
    truncation
        ``None`` (full BPTT, the default) or the truncation depth.
    average
        Whether the loss is averaged over the predictions of a sequence (as for
        each level of :func:`histbp.nets.train_history_compressor`) rather than
        summed.
    tolerance
        The target counts as right when the prediction is within it.
    init_scale
        Initial weights are uniform in ``[-init_scale, init_scale]``.
    check_every
        Sequences between checks of the target on both sequences.
    seed
        Seed of the weights and the order of the sequences.

    Returns
    -------
    ConventionalResult

    References
    ----------
    Schmidhuber (1992) [schmidhuber1992].
    """
    if not isinstance(task, TimeLagTask | DeepTimeLagTask):
        raise TypeError(
            "task must be a TimeLagTask or a DeepTimeLagTask (see time_lag_task "
            f"and deep_time_lag_task), got {type(task).__name__}"
        )
    max_sequences = check_positive_int(max_sequences, "max_sequences")
    hidden = check_positive_int(hidden, "hidden")
    lr = check_real(learning_rate, "learning_rate", low=0.0, low_open=True)
    if truncation is not None:
        truncation = check_positive_int(truncation, "truncation")
    tolerance = check_real(tolerance, "tolerance", low=0.0, high=0.5, low_open=True)
    init_scale = check_real(init_scale, "init_scale", low=0.0, low_open=True)
    check_every = check_positive_int(check_every, "check_every")
    rng = check_random_state(seed)
    width = task.width
    net = init_recurrent_net(width, hidden, width, scale=init_scale, seed=rng)
    params = [a.copy() for a in net.arrays()]
    gradient = _sequence_gradient(truncation, average)
    for n in range(1, max_sequences + 1):
        stream = task.streams[rng.integers(2)]
        for p, g in zip(params, gradient(RecurrentNet(*params), stream), strict=True):
            p -= lr * g
        if n % check_every == 0:
            net = RecurrentNet(*params)
            if all(
                abs(net._run(stream[:-1])[1][-1, -1] - target) <= tolerance
                for stream, target in zip(task.streams, task.targets, strict=True)
            ):
                return ConventionalResult(n, n, net)
    return ConventionalResult(None, max_sequences, RecurrentNet(*params))


def _sequence_gradient(
    truncation: int | None, average: bool
) -> Callable[[RecurrentNet, np.ndarray], tuple[np.ndarray, ...]]:
    """The gradient of one sequence's prediction loss, summed or averaged."""

    def summed(net: RecurrentNet, stream: np.ndarray) -> tuple[np.ndarray, ...]:
        mask = np.ones_like(stream[1:])
        return _bptt(net, stream[:-1], stream[1:], mask, truncation)[1].arrays()

    def averaged(net: RecurrentNet, stream: np.ndarray) -> tuple[np.ndarray, ...]:
        return _level_gradient(net, stream, stream, truncation)[1].arrays()

    return averaged if average else summed


def train_plain_bptt(
    task: DeepTimeLagTask,
    *,
    max_sequences: int = 1000,
    hidden: int = 16,
    learning_rate: float = 1.0,
    truncation: int | None = None,
    tolerance: float = 0.3,
    init_scale: float = 0.5,
    check_every: int = 10,
    seed: int | np.random.Generator | None = 0,
) -> ConventionalResult:
    """:func:`train_conventional` on a deep time-lag task, with the averaged loss.

    The net is level 0 of :func:`histbp.nets.train_history_compressor` alone,
    with the error signals travelling back through the whole sequence: the
    conventional method. Its loss is the same averaged cross-entropy
    (:func:`histbp.nets.level_gradient`); the parameters are those of
    :func:`train_conventional`, with defaults suited to the 1993 task.

    References
    ----------
    Schmidhuber (1992) [schmidhuber1992]; Schmidhuber (1993)
    [schmidhuber1993habilitation].
    """
    if not isinstance(task, DeepTimeLagTask):
        raise TypeError(
            "task must be a DeepTimeLagTask (see deep_time_lag_task), "
            f"got {type(task).__name__}"
        )
    return train_conventional(
        task,
        max_sequences=max_sequences,
        hidden=hidden,
        learning_rate=learning_rate,
        truncation=truncation,
        average=True,
        tolerance=tolerance,
        init_scale=init_scale,
        check_every=check_every,
        seed=seed,
    )
