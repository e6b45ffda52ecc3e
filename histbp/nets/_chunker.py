"""The neural sequence chunker (1991): history compression by two recurrent nets.

The *automatizer* A is a recurrent net that reads a stream of input vectors and
predicts each next one. Whatever A predicts is redundant; only the inputs A fails
to predict (:func:`surprises`), each with its time stamp (:func:`compress`),
go up to the *chunker* C (:func:`chunker_input`), a second recurrent net that
learns to predict its own, much shorter stream of surprises. A long time lag in
the raw stream becomes a short one for C. A is also taught to predict C's hidden
state, so that C's knowledge moves down into A: once A predicts everything C
does, the two-level hierarchy has collapsed into one net. Both nets learn by
backpropagation through time truncated to a few steps (:func:`histbp.nets.bptt`).

:func:`histbp.nets.time_lag_task` builds a task of the kind used in 1992: the
first symbol of a sequence (``a`` or ``x``) decides a target that is asked for
``lag`` steps later, and everything in between is the same fixed run of symbols
``b1 ... b_lag``.
:func:`train_chunker` trains the A/C system on it;
:func:`histbp.nets.train_conventional` trains a single recurrent net with the
same objective by full backpropagation through time, the conventional method.

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

from histbp._validation import check_positive_int, check_random_state, check_real
from histbp.nets._bptt import RecurrentNet, _as_sequence, _bptt, init_recurrent_net
from histbp.nets._time_lag_tasks import TimeLagTask

__all__ = [
    "ChunkerResult",
    "chunker_input",
    "compress",
    "surprises",
    "train_chunker",
]


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
class ChunkerResult:
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


def chunker_input(
    automatizer: RecurrentNet,
    stream: Any,
    *,
    tolerance: float = 0.3,
    time_stamps: bool = True,
) -> tuple[np.ndarray, np.ndarray]:
    """What the chunker sees: the vectors of a stream the automatizer failed to predict.

    The automatizer reads the stream and guesses each next vector; the vectors it
    missed (:func:`surprises`), the first always among them, are kept with their
    steps (:func:`compress`), and the step ``t`` of each, as ``t / (T - 1)``, is
    appended as a time stamp.

    Parameters
    ----------
    automatizer
        A recurrent net whose first ``n`` outputs predict the next stream vector.
    stream
        Shape ``(T, n)``, ``T >= 2``.
    tolerance
        As in :func:`surprises`.
    time_stamps
        Whether to append the time stamps.

    Returns
    -------
    events : numpy.ndarray
        Shape ``(m, n + 1)`` (``(m, n)`` without time stamps): the chunker's input.
    times : numpy.ndarray
        The ``m`` steps of the events.

    References
    ----------
    Schmidhuber (1992) [schmidhuber1992].
    """
    if not isinstance(automatizer, RecurrentNet):
        raise TypeError(
            f"automatizer must be a RecurrentNet, got {type(automatizer).__name__}"
        )
    x = _as_sequence(stream, automatizer.shape[0], "stream")
    if x.shape[0] < 2:
        raise ValueError("stream must have at least 2 rows: nothing to predict")
    _, guesses = automatizer._run(x[:-1])  # guesses[t] is A's guess of x[t + 1]
    missed = surprises(guesses[:, : x.shape[1]], x, tolerance)
    events, times = compress(x, missed, time_stamps=False)
    if time_stamps:
        events = np.hstack([events, (times / (x.shape[0] - 1))[:, None]])
    return events, times


def _check_task(task: Any) -> TimeLagTask:
    if not isinstance(task, TimeLagTask):
        raise TypeError(
            f"task must be a TimeLagTask (see time_lag_task), got {type(task).__name__}"
        )
    return task


def _target_predicted(
    automatizer: RecurrentNet,
    chunker: RecurrentNet,
    task: TimeLagTask,
    tolerance: float,
    time_stamps: bool,
) -> tuple[bool, bool]:
    """Whether the system, and the automatizer alone, predict both targets.

    A target that A predicts never reaches C: then A's answer counts. Otherwise
    C's guess after the surprises up to the last symbol counts.
    """
    width, steps = task.width, task.lag + 1
    system_right = automatizer_right = True
    for stream, target in zip(task.streams, task.targets, strict=True):
        _, y = automatizer._run(stream[:-1])
        events, times = chunker_input(
            automatizer, stream, tolerance=tolerance, time_stamps=time_stamps
        )
        _, c_out = chunker._run(events[times < steps])
        a_right = abs(y[-1, width - 1] - target) <= tolerance
        c_right = abs(c_out[-1, width - 1] - target) <= tolerance
        system_right &= a_right or c_right
        automatizer_right &= a_right
    return system_right, automatizer_right


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
    seed: int | np.random.Generator | None = 0,
) -> ChunkerResult:
    """Train the automatizer/chunker pair on a time-lag task.

    For each training sequence (one of the task's two, at random):

    1. A reads the symbols and predicts every next stream vector (the target
       after the last symbol included).
    2. :func:`chunker_input` marks the vectors A failed to predict (the first
       one always) and hands them, with time stamps, to C.
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
        From :func:`histbp.nets.time_lag_task`.
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
    ChunkerResult

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
    rng = check_random_state(seed)
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
    for n in range(1, max_sequences + 1):
        a_net, c_net = RecurrentNet(*a_params), RecurrentNet(*c_params)
        stream = task.streams[rng.integers(2)]
        events, times = chunker_input(
            a_net, stream, tolerance=tolerance, time_stamps=time_stamps
        )
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
        _, a_grad = _bptt(a_net, stream[:-1], a_targets, a_mask, truncation)
        for p, g in zip(a_params, a_grad.arrays(), strict=True):
            p -= lr_a * g

        if n % check_every == 0:
            system_right, automatizer_right = _target_predicted(
                RecurrentNet(*a_params),
                RecurrentNet(*c_params),
                task,
                tolerance,
                time_stamps,
            )
            if system_right and solved_at is None:
                solved_at = n
            if automatizer_right and collapsed_at is None:
                collapsed_at = n
            if (until == "solved" and solved_at is not None) or (
                until == "collapsed" and collapsed_at is not None
            ):
                break
    return ChunkerResult(
        solved_at,
        collapsed_at,
        n,
        RecurrentNet(*a_params),
        RecurrentNet(*c_params),
        np.array(lengths),
    )
