"""The history compressor of 1993: the neural sequence chunker stacked into levels.

Level 0 is a recurrent net that reads the raw stream and predicts each next input.
The inputs it fails to predict (:func:`histbp.nets.chunker.surprises`), each with
the time step at which it arrived, are the whole input of level 1, a second
recurrent net that predicts *its* next input; what level 1 fails to predict goes
up to level 2, and so on (:func:`pass_up`). Every level learns by backpropagation
through time truncated to a few of its own steps (:func:`level_gradient`), so no
error signal travels far; but each level's stream is shorter than the one below,
and a lag of a thousand steps at the bottom can become a lag of one or two steps
at the top.

:func:`deep_time_lag_task` builds a task with that structure: after a first
symbol (``a`` or ``x``) come ``lag`` regular symbols whose pattern repeats at
several time scales, and then a target that depends on the first symbol alone.
:func:`one_step_compression` computes what each level receives when every level
predicts as well as its current input allows; :func:`train_history_compressor`
trains the stack, and :func:`train_plain_bptt` trains one recurrent net on the
same stream by full backpropagation through time, the conventional method.

References
----------
Schmidhuber (1993) [schmidhuber1993habilitation]; Schmidhuber (1992)
[schmidhuber1992]; Schmidhuber (2021) [schmidhuber2021pretraining].
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from math import prod
from typing import Any

import numpy as np

from histbp._validation import check_positive_int, check_real
from histbp.nets.bptt import RecurrentNet, _as_sequence, _bptt, init_recurrent_net
from histbp.nets.chunker import compress, surprises

__all__ = [
    "DeepTimeLagTask",
    "HistoryCompressorRun",
    "PlainBPTTRun",
    "deep_time_lag_task",
    "level_gradient",
    "one_step_compression",
    "pass_up",
    "train_history_compressor",
    "train_plain_bptt",
]


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
        """Inputs per level under :func:`one_step_compression`, in closed form.

        Level ``k <= K`` receives the first symbol, the ``lag / (L_1 ... L_k)``
        regular symbols ``r_k, r_{k+1}, ...`` and the target; level ``K + 1``
        the first symbol and the target only. (This holds when every period is
        at least 5 and the tolerance is 0.3: then a predictor that knows only
        the current input predicts each run's repetition but not its end.)
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


def _check_task(task: Any) -> DeepTimeLagTask:
    if not isinstance(task, DeepTimeLagTask):
        raise TypeError(
            "task must be a DeepTimeLagTask (see deep_time_lag_task), "
            f"got {type(task).__name__}"
        )
    return task


def _with_stamps(
    symbols: np.ndarray, times: np.ndarray | None, span: int
) -> np.ndarray:
    """A level's input: the symbol vectors, and the time stamps above level 0."""
    if times is None:
        return symbols
    return np.hstack([symbols, (times / span)[:, None]])


def pass_up(
    symbols: Any, times: Any, predictions: Any, tolerance: float = 0.3
) -> tuple[np.ndarray, np.ndarray]:
    """The inputs one level failed to predict, with their original time steps.

    Parameters
    ----------
    symbols
        The level's input vectors without time stamps, shape ``(T, n)``.
    times
        The step of the raw stream at which each arrived, shape ``(T,)``.
    predictions
        Shape ``(T - 1, n)`` or more rows: the level's guess of each next vector.
    tolerance
        As in :func:`histbp.nets.chunker.surprises`.

    Returns
    -------
    symbols : numpy.ndarray
        The unpredicted vectors (the first always among them), ``(m, n)``.
    times : numpy.ndarray
        Their steps in the raw stream, ``(m,)``.

    References
    ----------
    Schmidhuber (1993) [schmidhuber1993habilitation].
    """
    x = np.asarray(symbols, dtype=float)
    if x.ndim != 2 or x.shape[0] == 0:
        raise ValueError(f"symbols must be a non-empty 2-D array, got shape {x.shape}")
    if not np.all(np.isfinite(x)):
        raise ValueError("symbols contains non-finite values")
    steps = np.asarray(times)
    if steps.shape != (x.shape[0],) or not np.issubdtype(steps.dtype, np.integer):
        raise ValueError(
            f"times must be {x.shape[0]} integer steps, one per row of symbols, "
            f"got shape {steps.shape} of {steps.dtype}"
        )
    if not np.all(np.isfinite(np.asarray(predictions, dtype=float))):
        raise ValueError("predictions contains non-finite values")
    mask = surprises(predictions, x, tolerance)
    kept, rows = compress(x, mask, time_stamps=False)
    return kept, steps[rows]


def one_step_compression(
    task: DeepTimeLagTask, levels: int, tolerance: float = 0.3
) -> np.ndarray:
    """What each level receives when it predicts as well as its current input allows.

    Every level's guess of the next vector is the average, over both sequences,
    of the vectors that follow the current one at that level: the best a
    predictor can do that remembers nothing before its current input (and close
    to what a net trained with BPTT truncated to a few steps learns).

    Parameters
    ----------
    task
        From :func:`deep_time_lag_task`.
    levels
        How many levels to stack.
    tolerance
        As in :func:`pass_up`.

    Returns
    -------
    numpy.ndarray
        Integer, shape ``(levels, 2)``: the inputs of each level on each sequence;
        compare :meth:`DeepTimeLagTask.level_lengths`.

    References
    ----------
    Schmidhuber (1993) [schmidhuber1993habilitation].
    """
    task = _check_task(task)
    levels = check_positive_int(levels, "levels")
    tolerance = check_real(tolerance, "tolerance", low=0.0, high=0.5, low_open=True)
    rows = np.arange(task.lag + 2)
    current = [(stream, rows) for stream in task.streams]
    lengths = np.zeros((levels, 2), dtype=int)
    for level in range(levels):
        lengths[level] = [len(symbols) for symbols, _ in current]
        following: dict[bytes, list[np.ndarray]] = {}
        for symbols, _ in current:
            for now, after in itertools.pairwise(symbols):
                following.setdefault(now.tobytes(), []).append(after)
        mean = {key: np.mean(nexts, axis=0) for key, nexts in following.items()}
        current = [
            pass_up(
                symbols,
                times,
                np.array([mean[row.tobytes()] for row in symbols[:-1]]).reshape(
                    -1, task.width
                ),
                tolerance,
            )
            for symbols, times in current
        ]
    return lengths


def level_gradient(
    net: RecurrentNet,
    symbols: Any,
    times: Any = None,
    *,
    span: int = 1,
    truncation: int | None = 3,
) -> tuple[float, RecurrentNet]:
    """One level's prediction loss on its input stream, and its gradient.

    The level reads ``symbols`` (with the time stamps ``times / span`` as an
    extra input channel when ``times`` is given) and predicts each next symbol
    vector; the loss is the cross-entropy of :func:`histbp.nets.bptt.bptt`
    averaged over the ``T - 1`` predictions, so that one step size suits long
    and short streams alike.

    Parameters
    ----------
    net
        The level's net: ``n`` (or ``n + 1`` with time stamps) inputs, ``n``
        outputs.
    symbols
        Shape ``(T, n)``, ``T >= 2``.
    times
        ``None`` (level 0) or the ``T`` steps of the raw stream.
    span
        The time stamps are ``times / span``.
    truncation
        How many steps back the error signals travel (``None``: full BPTT).

    Returns
    -------
    loss : float
    gradient : RecurrentNet

    References
    ----------
    Schmidhuber (1993) [schmidhuber1993habilitation]; Schmidhuber (1992)
    [schmidhuber1992].
    """
    if not isinstance(net, RecurrentNet):
        raise TypeError(f"net must be a RecurrentNet, got {type(net).__name__}")
    n_in, _, n_out = net.shape
    x = _as_sequence(symbols, n_out, "symbols")
    if x.shape[0] < 2:
        raise ValueError("symbols must have at least 2 rows: nothing to predict")
    stamps = None
    if times is not None:
        stamps = _as_sequence(np.reshape(times, (-1, 1)), 1, "times")[:, 0]
        if stamps.shape[0] != x.shape[0]:
            raise ValueError(
                f"times has {stamps.shape[0]} steps but symbols has {x.shape[0]}"
            )
    span = check_positive_int(span, "span")
    if truncation is not None:
        truncation = check_positive_int(truncation, "truncation")
    inputs = _with_stamps(x, stamps, span)
    if inputs.shape[1] != n_in:
        raise ValueError(
            f"net has {n_in} inputs but the level's input has {inputs.shape[1]} "
            "channels (symbols, plus one for time stamps)"
        )
    return _level_gradient(net, inputs, x, truncation)


def _level_gradient(
    net: RecurrentNet,
    inputs: np.ndarray,
    symbols: np.ndarray,
    truncation: int | None,
    forward: tuple[np.ndarray, np.ndarray] | None = None,
) -> tuple[float, RecurrentNet]:
    targets = np.vstack([symbols[1:], np.zeros((1, symbols.shape[1]))])
    mask = np.ones_like(targets)
    mask[-1] = 0.0
    loss, grad = _bptt(net, inputs, targets, mask, truncation, forward)
    scale = 1.0 / (symbols.shape[0] - 1)
    return loss * scale, RecurrentNet(*(g * scale for g in grad.arrays()))


@dataclass(frozen=True, slots=True)
class HistoryCompressorRun:
    """The outcome of :func:`train_history_compressor`.

    Attributes
    ----------
    solved_at
        Training sequences until, for the first time, one level predicted the
        target right on both sequences (the target reached that level on both,
        and its guess, made before the target arrived, was within the
        tolerance), or ``None``.
    sequences
        Training sequences used.
    nets
        The trained nets, level 0 first.
    lengths
        Shape ``(sequences, levels)``: the inputs of each level per training
        sequence.
    """

    solved_at: int | None
    sequences: int
    nets: tuple[RecurrentNet, ...]
    lengths: np.ndarray


@dataclass(frozen=True, slots=True)
class PlainBPTTRun:
    """The outcome of :func:`train_plain_bptt`.

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


def _climb(
    nets: Sequence[RecurrentNet], stream: np.ndarray, tolerance: float
) -> list[tuple[np.ndarray, np.ndarray, np.ndarray, tuple[np.ndarray, np.ndarray]]]:
    """Each level's symbols, times, input and forward pass on one stream."""
    span = stream.shape[0] - 1
    symbols, times = stream, np.arange(stream.shape[0])
    climbed = []
    for level, net in enumerate(nets):
        inputs = _with_stamps(symbols, times if level else None, span)
        forward = net._run(inputs)
        climbed.append((symbols, times, inputs, forward))
        if level + 1 < len(nets):
            symbols, times = pass_up(symbols, times, forward[1], tolerance)
    return climbed


def _levels_recalling(
    climbed_per_stream: list, targets: Sequence[float], tolerance: float
) -> list[int]:
    """The levels that predicted the target in time on every sequence.

    A level counts only if the target's step reached it on every sequence and
    its guess, made before the target arrived, was within ``tolerance`` each
    time: one net must tell the sequences apart, so a level that always guesses
    0 cannot count as right after ``x``.
    """
    recalling = []
    for level in range(len(climbed_per_stream[0])):
        right = True
        for climbed, target in zip(climbed_per_stream, targets, strict=True):
            _, times, _, (_, y) = climbed[level]
            last = climbed[0][1][-1]
            if (
                len(times) < 2
                or times[-1] != last
                or abs(y[-2, -1] - target) > tolerance
            ):
                right = False
        if right:
            recalling.append(level)
    return recalling


def train_history_compressor(
    task: DeepTimeLagTask,
    *,
    levels: int = 4,
    max_sequences: int = 1000,
    hidden: int = 8,
    learning_rate: float = 1.0,
    truncation: int = 3,
    tolerance: float = 0.3,
    init_scale: float = 0.5,
    check_every: int = 10,
    until: str = "solved",
    seed: int | None = 0,
) -> HistoryCompressorRun:
    """Train a stack of ``levels`` predictors on a deep time-lag task.

    For each training sequence (one of the task's two, at random), from the
    bottom up: the level reads its input (level 0 the raw stream, level
    ``k + 1`` what level ``k`` failed to predict, with time stamps), predicts
    each next input, and changes its weights once by ``-learning_rate`` times
    :func:`level_gradient`, BPTT truncated to ``truncation`` of its own steps.

    Parameters
    ----------
    task
        From :func:`deep_time_lag_task`.
    levels
        How many recurrent nets to stack (1 is a single net with truncated BPTT).
    max_sequences
        Budget of training sequences.
    hidden
        Hidden units of each level.
    learning_rate
        Step size on each level's averaged loss.
    truncation
        Steps an error signal travels back within a level.
    tolerance
        A vector is predicted when every component is within it; also the
        criterion for the target.
    init_scale
        Initial weights are uniform in ``[-init_scale, init_scale]``.
    check_every
        Sequences between checks of the target on both sequences.
    until
        ``"solved"`` stops at the first success, ``"budget"`` never early.
    seed
        Seed of the weights and the order of the sequences.

    Returns
    -------
    HistoryCompressorRun

    References
    ----------
    Schmidhuber (1993) [schmidhuber1993habilitation]; Schmidhuber (1992)
    [schmidhuber1992].
    """
    task = _check_task(task)
    levels = check_positive_int(levels, "levels")
    max_sequences = check_positive_int(max_sequences, "max_sequences")
    hidden = check_positive_int(hidden, "hidden")
    lr = check_real(learning_rate, "learning_rate", low=0.0, low_open=True)
    truncation = check_positive_int(truncation, "truncation")
    tolerance = check_real(tolerance, "tolerance", low=0.0, high=0.5, low_open=True)
    init_scale = check_real(init_scale, "init_scale", low=0.0, low_open=True)
    check_every = check_positive_int(check_every, "check_every")
    if until not in ("solved", "budget"):
        raise ValueError(f"until must be 'solved' or 'budget', got {until!r}")
    width = task.width
    rng = np.random.default_rng(seed)
    params = [
        [
            a.copy()
            for a in init_recurrent_net(
                width + (level > 0), hidden, width, scale=init_scale, seed=rng
            ).arrays()
        ]
        for level in range(levels)
    ]
    lengths = np.zeros((max_sequences, levels), dtype=int)
    solved_at = None
    for n in range(1, max_sequences + 1):
        nets = [RecurrentNet(*p) for p in params]
        climbed = _climb(nets, task.streams[rng.integers(2)], tolerance)
        for level, (symbols, _, inputs, forward) in enumerate(climbed):
            lengths[n - 1, level] = len(symbols)
            if len(symbols) < 2:
                continue
            _, grad = _level_gradient(nets[level], inputs, symbols, truncation, forward)
            for p, g in zip(params[level], grad.arrays(), strict=True):
                p -= lr * g
        if n % check_every == 0 and solved_at is None:
            nets = [RecurrentNet(*p) for p in params]
            climbed = [_climb(nets, stream, tolerance) for stream in task.streams]
            if _levels_recalling(climbed, task.targets, tolerance):
                solved_at = n
                if until == "solved":
                    break
    return HistoryCompressorRun(
        solved_at,
        n,
        tuple(RecurrentNet(*p) for p in params),
        lengths[:n],
    )


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
    seed: int | None = 0,
) -> PlainBPTTRun:
    """One recurrent net that predicts the whole stream, by full BPTT.

    The net is level 0 of :func:`train_history_compressor` alone, with the
    error signals travelling back through the whole sequence: the conventional
    method. Its loss is the same averaged cross-entropy
    (:func:`level_gradient`).

    Parameters
    ----------
    task
        From :func:`deep_time_lag_task`.
    max_sequences
        Budget of training sequences.
    hidden
        Hidden units.
    learning_rate
        Step size on the averaged loss.
    truncation
        ``None`` (full BPTT, the default) or the truncation depth.
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
    PlainBPTTRun

    References
    ----------
    Schmidhuber (1992) [schmidhuber1992].
    """
    task = _check_task(task)
    max_sequences = check_positive_int(max_sequences, "max_sequences")
    hidden = check_positive_int(hidden, "hidden")
    lr = check_real(learning_rate, "learning_rate", low=0.0, low_open=True)
    if truncation is not None:
        truncation = check_positive_int(truncation, "truncation")
    tolerance = check_real(tolerance, "tolerance", low=0.0, high=0.5, low_open=True)
    init_scale = check_real(init_scale, "init_scale", low=0.0, low_open=True)
    check_every = check_positive_int(check_every, "check_every")
    rng = np.random.default_rng(seed)
    width = task.width
    params = [
        a.copy()
        for a in init_recurrent_net(
            width, hidden, width, scale=init_scale, seed=rng
        ).arrays()
    ]
    for n in range(1, max_sequences + 1):
        stream = task.streams[rng.integers(2)]
        _, grad = _level_gradient(RecurrentNet(*params), stream, stream, truncation)
        for p, g in zip(params, grad.arrays(), strict=True):
            p -= lr * g
        if n % check_every == 0:
            net = RecurrentNet(*params)
            if all(
                abs(net._run(stream[:-1])[1][-1, -1] - target) <= tolerance
                for stream, target in zip(task.streams, task.targets, strict=True)
            ):
                return PlainBPTTRun(n, n, net)
    return PlainBPTTRun(None, max_sequences, RecurrentNet(*params))
