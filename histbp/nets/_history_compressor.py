"""The history compressor of 1993: the neural sequence chunker stacked into levels.

Level 0 is a recurrent net that reads the raw stream and predicts each next input.
The inputs it fails to predict (:func:`histbp.nets.surprises`), each with
the time step at which it arrived, are the whole input of level 1, a second
recurrent net that predicts *its* next input; what level 1 fails to predict goes
up to level 2, and so on (:func:`pass_up`). Every level learns by backpropagation
through time truncated to a few of its own steps (:func:`level_gradient`), so no
error signal travels far; but each level's stream is shorter than the one below,
and a lag of a thousand steps at the bottom can become a lag of one or two steps
at the top.

:func:`histbp.nets.deep_time_lag_task` builds a task with that structure: after a first
symbol (``a`` or ``x``) come ``lag`` regular symbols whose pattern repeats at
several time scales, and then a target that depends on the first symbol alone.
:func:`one_step_compression` computes what each level receives when every level
predicts as well as its current input allows; :func:`train_history_compressor`
trains the stack, and :func:`histbp.nets.train_plain_bptt` trains one recurrent
net on the same stream by full backpropagation through time, the conventional
method.

References
----------
Schmidhuber (1993) [schmidhuber1993habilitation]; Schmidhuber (1992)
[schmidhuber1992]; Schmidhuber (2021) [schmidhuber2021pretraining].
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from histbp._validation import check_positive_int, check_random_state, check_real
from histbp.nets._bptt import RecurrentNet, _as_sequence, _bptt, init_recurrent_net
from histbp.nets._chunker import compress, surprises
from histbp.nets._time_lag_tasks import DeepTimeLagTask

__all__ = [
    "HistoryCompressorResult",
    "LevelInput",
    "climb_stack",
    "level_gradient",
    "one_step_compression",
    "pass_up",
    "train_history_compressor",
]


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
        As in :func:`histbp.nets.surprises`.

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
        From :func:`histbp.nets.deep_time_lag_task`.
    levels
        How many levels to stack.
    tolerance
        As in :func:`pass_up`.

    Returns
    -------
    numpy.ndarray
        Integer, shape ``(levels, 2)``: the inputs of each level on each sequence;
        compare :meth:`histbp.nets.DeepTimeLagTask.level_lengths`.

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
    vector; the loss is the cross-entropy of :func:`histbp.nets.bptt`
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
class HistoryCompressorResult:
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
class LevelInput:
    """What one level of the stack read on one stream, and what it guessed.

    Attributes
    ----------
    symbols
        The level's input vectors without time stamps, ``(T_k, n)``.
    times
        The step of the raw stream at which each arrived, ``(T_k,)``.
    inputs
        What the net read: ``symbols``, with the time stamps as a last column
        above level 0.
    hidden, guesses
        The net's hidden states and its guesses of each next vector.
    """

    symbols: np.ndarray
    times: np.ndarray
    inputs: np.ndarray
    hidden: np.ndarray
    guesses: np.ndarray


def climb_stack(
    nets: Sequence[RecurrentNet], stream: Any, *, tolerance: float = 0.3
) -> list[LevelInput]:
    """Run a stack of predictors on one stream, each level reading what the last missed.

    Level 0 reads the raw stream; each level above reads the vectors the level
    below failed to predict (:func:`pass_up`), with the time stamps ``t / (T - 1)``
    of their steps ``t`` in the raw stream as an extra input channel.

    Parameters
    ----------
    nets
        The levels, bottom first: ``n`` inputs at level 0, ``n + 1`` above, and
        ``n`` outputs each.
    stream
        The raw stream, shape ``(T, n)``.
    tolerance
        As in :func:`pass_up`.

    Returns
    -------
    list of LevelInput
        One per level, bottom first.

    References
    ----------
    Schmidhuber (1993) [schmidhuber1993habilitation].
    """
    nets = _as_stack(nets)
    x = _as_sequence(stream, nets[0].shape[0], "stream")
    span = x.shape[0] - 1
    symbols, times = x, np.arange(x.shape[0])
    climbed = []
    for level, net in enumerate(nets):
        inputs = _with_stamps(symbols, times if level else None, span)
        hidden, guesses = net._run(inputs)
        climbed.append(LevelInput(symbols, times, inputs, hidden, guesses))
        if level + 1 < len(nets):
            symbols, times = pass_up(symbols, times, guesses, tolerance)
    return climbed


def _as_stack(nets: Any) -> tuple[RecurrentNet, ...]:
    """The levels as a tuple, each with ``n`` (level 0) or ``n + 1`` inputs."""
    stack = tuple(nets)
    if not stack or not all(isinstance(net, RecurrentNet) for net in stack):
        raise TypeError("nets must be a non-empty sequence of RecurrentNet")
    width = stack[0].shape[2]
    for level, net in enumerate(stack):
        expected = (width + (level > 0), width)
        if (net.shape[0], net.shape[2]) != expected:
            raise ValueError(
                f"level {level} has {net.shape[0]} inputs and {net.shape[2]} outputs; "
                f"expected {expected[0]} and {expected[1]}"
            )
    return stack


def _levels_recalling(
    climbed_per_stream: Sequence[Sequence[LevelInput]],
    targets: Sequence[float],
    tolerance: float,
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
            times, y = climbed[level].times, climbed[level].guesses
            last = climbed[0].times[-1]
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
    seed: int | np.random.Generator | None = 0,
) -> HistoryCompressorResult:
    """Train a stack of ``levels`` predictors on a deep time-lag task.

    For each training sequence (one of the task's two, at random), from the
    bottom up: the level reads its input (level 0 the raw stream, level
    ``k + 1`` what level ``k`` failed to predict, with time stamps), predicts
    each next input, and changes its weights once by ``-learning_rate`` times
    :func:`level_gradient`, BPTT truncated to ``truncation`` of its own steps.

    Parameters
    ----------
    task
        From :func:`histbp.nets.deep_time_lag_task`.
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
    HistoryCompressorResult

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
    rng = check_random_state(seed)
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
        stream = task.streams[rng.integers(2)]
        for level, seen in enumerate(climb_stack(nets, stream, tolerance=tolerance)):
            lengths[n - 1, level] = len(seen.symbols)
            if len(seen.symbols) < 2:
                continue
            forward = (seen.hidden, seen.guesses)
            _, grad = _level_gradient(
                nets[level], seen.inputs, seen.symbols, truncation, forward
            )
            for p, g in zip(params[level], grad.arrays(), strict=True):
                p -= lr * g
        if n % check_every == 0 and solved_at is None:
            nets = [RecurrentNet(*p) for p in params]
            climbed = [
                climb_stack(nets, stream, tolerance=tolerance)
                for stream in task.streams
            ]
            if _levels_recalling(climbed, task.targets, tolerance):
                solved_at = n
                if until == "solved":
                    break
    return HistoryCompressorResult(
        solved_at,
        n,
        tuple(RecurrentNet(*p) for p in params),
        lengths[:n],
    )
