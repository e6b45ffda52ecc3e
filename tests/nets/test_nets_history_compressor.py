"""The 1993 history compressor: the task, the level-by-level compression, the
gradient each level learns by, and the 1,200-step lag against plain BPTT."""

from __future__ import annotations

from math import prod

import numpy as np
import pytest

from histbp.nets import (
    RecurrentNet,
    bptt,
    climb_stack,
    deep_time_lag_task,
    init_recurrent_net,
    level_gradient,
    one_step_compression,
    pass_up,
    time_lag_task,
    train_conventional,
    train_history_compressor,
    train_plain_bptt,
)
from histbp.nets._history_compressor import _levels_recalling
from histbp.testing import check_grads

TASK = deep_time_lag_task((10, 10, 12))  # the lag of 1,200 steps


# --- the task and the compression, deterministic ---------------------------------


def test_task_layout():
    assert TASK.lag == 1200
    assert TASK.streams.shape == (2, 1202, 7)
    symbols = TASK.streams[:, :-1].argmax(axis=2)
    assert symbols[:, 0].tolist() == [0, 1]  # a, x
    regular = symbols[0, 1:] - 2  # the level j of r_j at t = 1 ... 1200
    t = np.arange(1, 1201)
    assert np.array_equal(regular >= 1, t % 10 == 0)
    assert np.array_equal(regular >= 2, t % 100 == 0)
    assert np.flatnonzero(regular == 3).tolist() == [1199]  # only at t = 1200
    differ = np.flatnonzero(np.any(TASK.streams[0] != TASK.streams[1], axis=1))
    assert differ.tolist() == [0, 1201]
    assert TASK.streams[0, -1].tolist() == [0.0] * 6 + [1.0]
    assert not TASK.streams[1, -1].any()


@pytest.mark.parametrize("periods", [(10, 10, 12), (5, 5), (6, 7, 5), (12,)])
def test_each_level_receives_what_the_theory_says(periods):
    task = deep_time_lag_task(periods)
    levels = len(periods) + 3
    lengths = one_step_compression(task, levels)
    # level k <= K: the first symbol, lag / (L_1 ... L_k) regular symbols and the
    # target; level K + 1: the first symbol and the target; then the first symbol
    lag = prod(periods)
    expected = [2 + lag // prod(periods[:k]) for k in range(len(periods) + 1)]
    expected += [2, 1]
    assert lengths[:, 0].tolist() == expected
    assert lengths[:, 1].tolist() == expected
    assert list(task.level_lengths()) == expected[:-1]


def test_the_1200_step_stream_shrinks_to_three_inputs():
    assert one_step_compression(TASK, 5)[:, 0].tolist() == [1202, 122, 14, 3, 2]


def test_pass_up_keeps_the_original_time_steps():
    symbols = np.eye(3)[[0, 1, 1, 2, 1]]
    times = np.array([0, 10, 20, 30, 40])
    guesses = np.eye(3)[[1, 1, 1, 1]]  # always "1 comes next"
    kept, kept_times = pass_up(symbols, times, guesses)
    assert kept_times.tolist() == [0, 30]
    np.testing.assert_array_equal(kept, symbols[[0, 3]])


# --- the gradient of one level ---------------------------------------------------


def _level(seed, stamps):
    rng = np.random.default_rng(seed)
    steps, width = 9, 4
    net = init_recurrent_net(width + stamps, 5, width, scale=0.8, seed=seed)
    symbols = rng.random((steps, width))
    times = np.sort(rng.choice(100, steps, replace=False)) if stamps else None
    return net, symbols, times


@pytest.mark.parametrize("stamps", [0, 1])
def test_level_gradient_matches_central_differences(stamps):
    net, symbols, times = _level(seed=5 + stamps, stamps=stamps)

    def level(*params):
        net = RecurrentNet(*params)
        return level_gradient(net, symbols, times, span=100, truncation=None)

    check_grads(
        lambda *params: level(*params)[0],
        net.arrays(),
        grad_fn=lambda *params: level(*params)[1].arrays(),
        directions=3,
        seed=1993,
    )


def test_truncated_level_gradient_is_bptt_averaged():
    net, symbols, times = _level(seed=3, stamps=1)
    inputs = np.hstack([symbols, (times / 100)[:, None]])
    targets = np.vstack([symbols[1:], np.zeros((1, 4))])
    mask = np.vstack([np.ones((8, 4)), np.zeros((1, 4))])
    loss, reference = bptt(net, inputs, targets, mask, truncation=3)
    mine_loss, mine = level_gradient(net, symbols, times, span=100, truncation=3)
    assert mine_loss == pytest.approx(loss / 8, rel=1e-12)
    for a, b in zip(mine.arrays(), reference.arrays(), strict=True):
        np.testing.assert_allclose(a, b / 8, rtol=1e-12, atol=1e-15)


# --- the 1,200-step lag ----------------------------------------------------------


def test_four_levels_learn_the_1200_step_lag():
    # seeds 0-2; benchmarks/reproduce_history_compressor.py runs 10 per lag
    runs = [
        train_history_compressor(TASK, levels=4, max_sequences=300, seed=s)
        for s in range(3)
    ]
    solved = [r.solved_at for r in runs]
    assert sum(n is not None for n in solved) >= 2, solved
    for run in runs:
        if run.solved_at is not None:
            # levels 0-2 receive what the theory says, or less (a level may
            # predict more than its current input tells); the top a handful
            recent = np.median(run.lengths[-10:], axis=0)
            assert np.all(recent[:3] <= [1202, 122, 14]), recent
            assert recent[0] == 1202 and recent[3] <= 5, recent


def test_the_learnt_hierarchy_passes_few_inputs_to_the_top():
    run = train_history_compressor(
        TASK, levels=4, max_sequences=60, seed=0, until="budget"
    )
    assert run.lengths[0].tolist() == [1202] * 4  # at first nothing is predicted
    assert np.median(run.lengths[-20:, 3]) <= 4


def _constant_net(n_in, outputs):
    """A net with no weights whose outputs are the given constants."""
    p = np.clip(np.asarray(outputs, dtype=float), 1e-6, 1 - 1e-6)
    return RecurrentNet(
        np.zeros((n_in, 2)),
        np.zeros((2, 2)),
        np.zeros(2),
        np.zeros((2, len(p))),
        np.log(p / (1 - p)),
    )


def test_climb_stack_passes_up_level_by_level():
    # A stack of untrained levels, climbed by hand with pass_up, gives the same
    # symbols, times and guesses at every level.
    task = deep_time_lag_task((3, 2))
    nets = [
        init_recurrent_net(task.width + (k > 0), 4, task.width, scale=1.5, seed=k)
        for k in range(3)
    ]
    stream = task.streams[0]
    climbed = climb_stack(nets, stream)
    symbols, times = stream, np.arange(len(stream))
    for level, (net, seen) in enumerate(zip(nets, climbed, strict=True)):
        np.testing.assert_array_equal(seen.symbols, symbols)
        np.testing.assert_array_equal(seen.times, times)
        span = len(stream) - 1
        stamps = times[:, None] / span if level else np.empty((len(times), 0))
        _, guesses = net.run(np.hstack([symbols, stamps]))
        np.testing.assert_array_equal(seen.guesses, guesses)
        symbols, times = pass_up(symbols, times, guesses)


def test_a_level_must_recall_the_target_on_both_sequences():
    # Level 0 guesses 0 for every channel, so the all-zero target after x counts
    # as predicted and goes no higher; the top always guesses a target of 1.
    # Each sequence's target is then "right" at some level, but no level tells
    # a from x: not solved.
    low = _constant_net(TASK.width, [0.0] * TASK.width)
    top = _constant_net(TASK.width + 1, [0.0] * (TASK.width - 1) + [1.0])
    climbed = [climb_stack([low, top], stream) for stream in TASK.streams]
    assert len(climbed[0][1].times) == 1202  # after a, every input goes up
    assert climbed[1][1].times[-1] == 1200  # after x, the target stays below
    assert _levels_recalling(climbed, TASK.targets, 0.3) == []
    # one net whose two self-exciting units hold a and x for 1,200 steps, and
    # whose target channel reads them, does count
    recall = RecurrentNet(
        np.eye(TASK.width, 2) * 4.0,
        np.eye(2) * 2.0,
        np.zeros(2),
        np.hstack([np.zeros((2, TASK.width - 1)), [[8.0], [-8.0]]]),
        np.append(np.full(TASK.width - 1, -4.0), 0.0),
    )
    climbed = [climb_stack([recall], stream) for stream in TASK.streams]
    assert _levels_recalling(climbed, TASK.targets, 0.3) == [0]


def test_plain_bptt_fails_within_the_same_budget():
    run = train_plain_bptt(TASK, max_sequences=150, seed=0)
    assert run.solved_at is None and run.sequences == 150
    # after 1,200 steps the net's guess of the target no longer depends on the
    # first symbol (solving needs the two guesses more than 0.4 apart)
    after_a, after_x = (run.net.run(s[:-1])[1][-1, -1] for s in TASK.streams)
    assert abs(after_a - after_x) < 0.1


def test_plain_bptt_is_the_conventional_net_with_the_averaged_loss():
    task = deep_time_lag_task((3, 2))
    plain = train_plain_bptt(task, max_sequences=20, seed=3)
    same = train_conventional(
        task, max_sequences=20, learning_rate=1.0, average=True, seed=3
    )
    summed = train_conventional(task, max_sequences=20, learning_rate=1.0, seed=3)
    arrays = zip(
        plain.net.arrays(), same.net.arrays(), summed.net.arrays(), strict=True
    )
    for a, b, c in arrays:
        np.testing.assert_array_equal(a, b)
        assert not np.allclose(a, c) or not a.any()


def test_plain_bptt_learns_a_short_lag():
    # the same method on a lag of 2 steps: the baseline itself can learn
    run = train_plain_bptt(deep_time_lag_task((2,)), max_sequences=500, seed=0)
    assert run.solved_at is not None


# --- bad input -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("call", "error", "match"),
    [
        (lambda: deep_time_lag_task(()), ValueError, "at least one period"),
        (lambda: deep_time_lag_task((10, 1)), ValueError, "at least 2"),
        (lambda: deep_time_lag_task((10, 2.5)), TypeError, "period"),
        (lambda: deep_time_lag_task(12), TypeError, "periods"),
        (lambda: deep_time_lag_task("12"), TypeError, "periods"),
        (lambda: one_step_compression(TASK, 0), ValueError, "levels"),
        (lambda: one_step_compression("task", 2), TypeError, "DeepTimeLagTask"),
        (lambda: train_history_compressor(TASK, levels=0), ValueError, "levels"),
        (lambda: train_history_compressor(TASK, levels=2.0), TypeError, "levels"),
        (lambda: train_history_compressor(TASK, truncation=0), ValueError, "trunc"),
        (lambda: train_history_compressor(TASK, until="never"), ValueError, "until"),
        (lambda: train_plain_bptt(TASK, tolerance=0.6), ValueError, "tolerance"),
        (lambda: train_plain_bptt(TASK, learning_rate=np.inf), ValueError, "learn"),
        (
            lambda: pass_up(np.eye(3), [0, 1], np.eye(3)[:2]),
            ValueError,
            "times must be 3 integer steps",
        ),
        (
            lambda: pass_up(np.eye(3), [0, 1, 2], np.full((2, 3), np.nan)),
            ValueError,
            "predictions contains non-finite",
        ),
        (
            lambda: pass_up(np.full((3, 3), np.inf), [0, 1, 2], np.eye(3)[:2]),
            ValueError,
            "symbols contains non-finite",
        ),
        (
            lambda: level_gradient(init_recurrent_net(3, 2, 3), np.eye(3)[:1]),
            ValueError,
            "at least 2 rows",
        ),
        (
            lambda: level_gradient(init_recurrent_net(3, 2, 3), np.eye(4)),
            ValueError,
            r"symbols must have shape \(steps, 3\)",
        ),
        (
            lambda: level_gradient(init_recurrent_net(3, 2, 3), np.eye(3), [0, 1, 2]),
            ValueError,
            "3 inputs but the level's input has 4",
        ),
        (
            lambda: level_gradient(init_recurrent_net(4, 2, 3), np.eye(3), [0, 1]),
            ValueError,
            "times has 2 steps",
        ),
        (lambda: level_gradient("net", np.eye(3)), TypeError, "RecurrentNet"),
        (lambda: climb_stack([], np.eye(3)), TypeError, "non-empty sequence"),
        (
            lambda: climb_stack([init_recurrent_net(3, 2, 3)] * 2, np.eye(3)),
            ValueError,
            "level 1 has 3 inputs and 3 outputs; expected 4 and 3",
        ),
        (
            lambda: train_plain_bptt(time_lag_task(3)),
            TypeError,
            "DeepTimeLagTask",
        ),
    ],
)
def test_bad_arguments(call, error, match):
    with pytest.raises(error, match=match):
        call()
