"""The neural sequence chunker (1991): history compression by two recurrent nets.

The *automatizer* A is a recurrent net that reads a stream of input vectors and
predicts each next one. Whatever A predicts is redundant; only the inputs A fails
to predict (:func:`surprises`), each with its time stamp (:func:`compress`),
go up to the *chunker* C, a second recurrent net that learns to predict its own,
much shorter stream of surprises. A long time lag in the raw stream becomes a
short one for C. A is also taught to predict C's hidden state, so that C's
knowledge moves down into A: once A predicts everything C does, the two-level
hierarchy has collapsed into one net. Both nets learn by backpropagation through
time truncated to a few steps (:func:`histbp.nets.bptt.bptt`).

:func:`time_lag_task` builds a task of the kind used in 1992: the first symbol of
a sequence (``a`` or ``x``) decides a target that is asked for ``lag`` steps
later, and everything in between is the same fixed run of symbols ``b1 ... b_lag``.
:func:`train_chunker` trains the A/C system on it, and
:func:`train_conventional` trains a single recurrent net with the same
objective by full backpropagation through time, the conventional method.

References
----------
Schmidhuber (1991) [schmidhuber1991chunkers]; Schmidhuber (1992)
[schmidhuber1992]; Schmidhuber (1993) [schmidhuber1993habilitation];
Schmidhuber, Mozer and Prelinger (1993) [schmidhuber1993continuous];
Schmidhuber (2021) [schmidhuber2021pretraining].
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from histbp._validation import check_positive_int, check_real
from histbp.nets.bptt import RecurrentNet, _bptt, init_recurrent_net

__all__ = [
    "ChunkerRun",
    "ConventionalRun",
    "TimeLagTask",
    "compress",
    "surprises",
    "time_lag_task",
    "train_chunker",
    "train_conventional",
]


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


def surprises(predictions: Any, stream: Any, tolerance: float = 0.3) -> np.ndarray:
    """Which stream vectors the predictor failed to predict.

    Parameters
    ----------
    predictions
        Shape ``(T - 1, n)`` (or longer): ``predictions[t]`` is the predictor's
        guess of ``stream[t + 1]``, made after reading ``stream[: t + 1]``.
    stream
        Shape ``(T, n)``.
    tolerance
        A vector counts as predicted when every component of the guess is within
        ``tolerance`` of it.

    Returns
    -------
    numpy.ndarray
        Boolean, shape ``(T,)``. The first vector is always a surprise, since
        nothing predicted it.

    Examples
    --------
    >>> import numpy as np
    >>> stream = np.eye(3)[[0, 1, 2, 1]]
    >>> guesses = np.array([[0, .9, 0], [0, .5, .5], [0, .8, .1]])
    >>> surprises(guesses, stream).tolist()
    [True, False, True, False]
    """
    x = np.asarray(stream, dtype=float)
    p = np.asarray(predictions, dtype=float)
    if x.ndim != 2 or x.shape[0] == 0:
        raise ValueError(f"stream must be a non-empty 2-D array, got shape {x.shape}")
    if p.ndim != 2 or p.shape[1] != x.shape[1] or p.shape[0] < x.shape[0] - 1:
        raise ValueError(
            f"predictions must have shape ({x.shape[0] - 1}, {x.shape[1]}) or more "
            f"rows, got {p.shape}"
        )
    tolerance = check_real(tolerance, "tolerance", low=0.0, low_open=True)
    miss = np.abs(p[: x.shape[0] - 1] - x[1:]).max(axis=1) > tolerance
    return np.concatenate([[True], miss])


def compress(
    stream: Any, mask: Any, *, time_stamps: bool = True
) -> tuple[np.ndarray, np.ndarray]:
    """Keep the surprising vectors of a stream, each with its time step.

    Parameters
    ----------
    stream
        Shape ``(T, n)``.
    mask
        Boolean, shape ``(T,)``, e.g. from :func:`surprises`.
    time_stamps
        Whether to append the time ``t / T`` as an extra input channel.

    Returns
    -------
    events : numpy.ndarray
        Shape ``(m, n + 1)`` (or ``(m, n)`` without time stamps): the chunker's
        input stream.
    times : numpy.ndarray
        The ``m`` time steps of the events.
    """
    x = np.asarray(stream, dtype=float)
    keep = np.asarray(mask, dtype=bool)
    if x.ndim != 2 or keep.shape != (x.shape[0],):
        raise ValueError(
            f"mask must have shape ({x.shape[0]},) to match stream rows, "
            f"got {keep.shape}"
        )
    times = np.flatnonzero(keep)
    events = x[times]
    if time_stamps:
        events = np.hstack([events, (times / x.shape[0])[:, None]])
    return events, times


@dataclass(frozen=True, slots=True)
class ChunkerRun:
    """The outcome of :func:`train_chunker`.

    Attributes
    ----------
    solved_at
        Training sequences until the system first predicted the target right on
        both sequences (A where A is right, C where A fails), or ``None``.
    collapsed_at
        Training sequences until the automatizer alone predicted the target
        right on both sequences, or ``None``.
    sequences
        Training sequences used.
    automatizer, chunker
        The trained nets.
    compressed_lengths
        Events passed to the chunker per training sequence.
    """

    solved_at: int | None
    collapsed_at: int | None
    sequences: int
    automatizer: RecurrentNet
    chunker: RecurrentNet
    compressed_lengths: np.ndarray


@dataclass(frozen=True, slots=True)
class ConventionalRun:
    """The outcome of :func:`train_conventional`.

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


def _check_task(task: Any) -> TimeLagTask:
    if not isinstance(task, TimeLagTask):
        raise TypeError(
            f"task must be a TimeLagTask (see time_lag_task), got {type(task).__name__}"
        )
    return task


def _target_right(guess: float, target: float, tolerance: float) -> bool:
    return abs(guess - target) <= tolerance


def train_conventional(
    task: TimeLagTask,
    *,
    max_sequences: int = 10_000,
    hidden: int = 16,
    learning_rate: float = 0.03,
    truncation: int | None = None,
    tolerance: float = 0.3,
    init_scale: float = 0.5,
    check_every: int = 10,
    seed: int | None = 0,
) -> ConventionalRun:
    """One recurrent net that predicts the whole stream, by full BPTT.

    Each training sequence is one of the task's two, chosen at random; the net
    reads the symbols and predicts each next stream vector, the target included,
    and its weights change once per sequence by ``-learning_rate`` times the
    gradient of :func:`histbp.nets.bptt.bptt`.

    Parameters
    ----------
    task
        From :func:`time_lag_task`.
    max_sequences
        Budget of training sequences.
    hidden
        Hidden units.
    learning_rate
        Step size per sequence.
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
    ConventionalRun

    References
    ----------
    Schmidhuber (1992) [schmidhuber1992].
    """
    task = _check_task(task)
    max_sequences = check_positive_int(max_sequences, "max_sequences")
    check_every = check_positive_int(check_every, "check_every")
    lr = check_real(learning_rate, "learning_rate", low=0.0, low_open=True)
    tolerance = check_real(tolerance, "tolerance", low=0.0, high=0.5, low_open=True)
    hidden = check_positive_int(hidden, "hidden")
    init_scale = check_real(init_scale, "init_scale", low=0.0, low_open=True)
    width = task.width
    rng = np.random.default_rng(seed)
    net = init_recurrent_net(width, hidden, width, scale=init_scale, seed=rng)
    mask = np.ones((task.lag + 1, width))
    params = [a.copy() for a in net.arrays()]

    def solved(current: RecurrentNet) -> bool:
        for stream, target in zip(task.streams, task.targets, strict=True):
            _, y = current._run(stream[:-1])
            if not _target_right(y[-1, -1], target, tolerance):
                return False
        return True

    for n in range(1, max_sequences + 1):
        stream = task.streams[rng.integers(2)]
        _, grad = _bptt(
            RecurrentNet(*params), stream[:-1], stream[1:], mask, truncation
        )
        for p, g in zip(params, grad.arrays(), strict=True):
            p -= lr * g
        if n % check_every == 0 and solved(RecurrentNet(*params)):
            return ConventionalRun(n, n, RecurrentNet(*params))
    return ConventionalRun(None, max_sequences, RecurrentNet(*params))


def train_chunker(
    task: TimeLagTask,
    *,
    max_sequences: int = 10_000,
    hidden_automatizer: int = 16,
    hidden_chunker: int = 4,
    learning_rate: float = 0.03,
    chunker_learning_rate: float | None = 0.1,
    truncation: int = 3,
    tolerance: float = 0.3,
    time_stamps: bool = True,
    distill: bool = True,
    init_scale: float = 0.5,
    check_every: int = 10,
    until: str = "collapsed",
    seed: int | None = 0,
) -> ChunkerRun:
    """Train the automatizer/chunker pair on a time-lag task.

    For each training sequence (one of the task's two, at random):

    1. A reads the symbols and predicts every next stream vector (the target
       after the last symbol included).
    2. :func:`surprises` marks the vectors A failed to predict (the first one
       always); :func:`compress` hands them, with time stamps, to C.
    3. C reads its short stream and predicts each next surprise; C learns by
       BPTT truncated to ``truncation`` of its own steps.
    4. A learns by BPTT truncated to ``truncation`` steps to predict the stream
       and, if ``distill``, also C's hidden state at every step (the state
       after C's latest input), scaled to ``[0, 1]``.

    The system is *solved* when, on both sequences, the target is predicted
    within ``tolerance`` by A or, where A fails (and the target would be passed
    up), by C after reading the surprises of the sequence up to its last symbol;
    the hierarchy has *collapsed* when A's own prediction of the target is right
    on both.

    Parameters
    ----------
    task
        From :func:`time_lag_task`.
    max_sequences
        Budget of training sequences.
    hidden_automatizer, hidden_chunker
        Hidden units of A and C.
    learning_rate, chunker_learning_rate
        Step sizes per sequence for A and C (``None`` gives C the step of A).
    truncation
        How many steps back the error signals of both nets travel.
    tolerance
        A vector is predicted when every component is within it; also the
        criterion for the target.
    time_stamps
        Whether C receives the step ``t`` of each surprise, as ``t / (lag + 1)``.
    distill
        Whether A is taught C's hidden state (the collapse of the hierarchy).
    init_scale
        Initial weights are uniform in ``[-init_scale, init_scale]``.
    check_every
        Sequences between checks on both sequences.
    until
        ``"solved"`` stops when the system is solved, ``"collapsed"`` when A
        alone is right, ``"budget"`` never stops early.
    seed
        Seed of the weights and the order of the sequences.

    Returns
    -------
    ChunkerRun

    References
    ----------
    Schmidhuber (1991) [schmidhuber1991chunkers]; Schmidhuber (1992)
    [schmidhuber1992].
    """
    task = _check_task(task)
    max_sequences = check_positive_int(max_sequences, "max_sequences")
    check_every = check_positive_int(check_every, "check_every")
    lr_a = check_real(learning_rate, "learning_rate", low=0.0, low_open=True)
    lr_c = (
        lr_a
        if chunker_learning_rate is None
        else check_real(
            chunker_learning_rate, "chunker_learning_rate", low=0.0, low_open=True
        )
    )
    truncation = check_positive_int(truncation, "truncation")
    tolerance = check_real(tolerance, "tolerance", low=0.0, high=0.5, low_open=True)
    hidden_c = check_positive_int(hidden_chunker, "hidden_chunker")
    hidden_automatizer = check_positive_int(hidden_automatizer, "hidden_automatizer")
    init_scale = check_real(init_scale, "init_scale", low=0.0, low_open=True)
    if until not in ("solved", "collapsed", "budget"):
        raise ValueError(
            f"until must be 'solved', 'collapsed' or 'budget', got {until!r}"
        )
    width = task.width
    c_in = width + 1 if time_stamps else width
    n_distill = hidden_c if distill else 0
    rng = np.random.default_rng(seed)
    a_params = [
        a.copy()
        for a in init_recurrent_net(
            width, hidden_automatizer, width + n_distill, scale=init_scale, seed=rng
        ).arrays()
    ]
    c_params = [
        a.copy()
        for a in init_recurrent_net(
            c_in, hidden_c, width, scale=init_scale, seed=rng
        ).arrays()
    ]
    steps = task.lag + 1  # symbols per sequence; the stream has one more row
    lengths: list[int] = []
    solved_at: int | None = None
    collapsed_at: int | None = None

    def chunker_view(
        a_net: RecurrentNet, stream: np.ndarray
    ) -> tuple[tuple[np.ndarray, np.ndarray], np.ndarray, np.ndarray]:
        """A's hidden states and outputs, and C's events with their times."""
        hidden, y = a_net._run(stream[:-1])
        mask = surprises(y[:, :width], stream, tolerance)
        events, times = compress(stream, mask, time_stamps=False)
        if time_stamps:
            events = np.hstack([events, (times / steps)[:, None]])
        return (hidden, y), events, times

    for n in range(1, max_sequences + 1):
        a_net, c_net = RecurrentNet(*a_params), RecurrentNet(*c_params)
        stream = task.streams[rng.integers(2)]
        a_forward, events, times = chunker_view(a_net, stream)
        lengths.append(len(times))

        # C: predict each next surprise from the surprises so far.
        c_hidden, _ = c_net._run(events)
        if len(times) > 1:
            c_mask = np.ones((len(times), width))
            c_mask[-1] = 0.0
            c_targets = np.vstack([events[1:, :width], np.zeros((1, width))])
            _, c_grad = _bptt(c_net, events, c_targets, c_mask, truncation)
            for p, g in zip(c_params, c_grad.arrays(), strict=True):
                p -= lr_c * g

        # A: predict the stream and, for the collapse, C's current state.
        a_targets = stream[1:]
        a_mask = np.ones((steps, width))
        if distill:
            latest = np.searchsorted(times, np.arange(steps), side="right") - 1
            state = 0.5 * (c_hidden[latest] + 1.0)
            a_targets = np.hstack([a_targets, state])
            a_mask = np.hstack([a_mask, np.ones((steps, n_distill))])
        _, a_grad = _bptt(a_net, stream[:-1], a_targets, a_mask, truncation, a_forward)
        for p, g in zip(a_params, a_grad.arrays(), strict=True):
            p -= lr_a * g

        if n % check_every == 0:
            a_net, c_net = RecurrentNet(*a_params), RecurrentNet(*c_params)
            system_ok = a_alone_ok = True
            for stream, target in zip(task.streams, task.targets, strict=True):
                (_, y), events, times = chunker_view(a_net, stream)
                seen = events[times < steps]
                _, c_out = c_net._run(seen)
                a_right = _target_right(y[-1, width - 1], target, tolerance)
                c_right = _target_right(c_out[-1, width - 1], target, tolerance)
                # A target that A predicts never reaches C: then A's answer counts.
                system_ok &= a_right or c_right
                a_alone_ok &= a_right
            if system_ok and solved_at is None:
                solved_at = n
            if a_alone_ok and collapsed_at is None:
                collapsed_at = n
            if (until == "solved" and solved_at is not None) or (
                until == "collapsed" and collapsed_at is not None
            ):
                break
    return ChunkerRun(
        solved_at,
        collapsed_at,
        n,
        RecurrentNet(*a_params),
        RecurrentNet(*c_params),
        np.array(lengths),
    )
