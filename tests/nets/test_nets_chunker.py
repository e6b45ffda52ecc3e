"""The 1991 chunker: surprise signal, compression, BPTT, and the 1992 ordering."""

from __future__ import annotations

import numpy as np
import pytest

from histbp.autodiff import grad
from histbp.nets import (
    RecurrentNet,
    bptt,
    chunker_input,
    compress,
    init_recurrent_net,
    surprises,
    time_lag_task,
    train_chunker,
    train_conventional,
)
from histbp.testing import check_grads

# --- the surprise signal and the compressed stream -------------------------------


def test_surprise_signal_on_a_hand_made_sequence():
    # The stream a b c b d over the alphabet (a, b, c, d), one-hot.
    stream = np.eye(4)[[0, 1, 2, 1, 3]]
    guesses = np.array(
        [
            [0.0, 0.9, 0.1, 0.0],  # after a: b, right within 0.3
            [0.0, 0.0, 0.6, 0.0],  # after b: c, but only 0.6 -> surprise
            [0.1, 0.8, 0.0, 0.2],  # after c: b, right
            [0.0, 0.0, 0.0, 0.0],  # after b: nothing -> d is a surprise
        ]
    )
    mask = surprises(guesses, stream, tolerance=0.3)
    assert mask.tolist() == [True, False, True, False, True]
    # a looser tolerance accepts the hesitant guess of c
    assert surprises(guesses, stream, tolerance=0.45).tolist() == [
        True,
        False,
        False,
        False,
        True,
    ]
    events, times = compress(stream, mask)
    assert times.tolist() == [0, 2, 4]
    np.testing.assert_array_equal(events[:, :4], stream[[0, 2, 4]])
    np.testing.assert_allclose(events[:, 4], [0.0, 0.4, 0.8])
    bare, _ = compress(stream, mask, time_stamps=False)
    assert bare.shape == (3, 4)


def test_a_perfect_predictor_passes_only_the_first_input():
    stream = np.eye(5)[[0, 1, 2, 3, 4]]
    mask = surprises(stream[1:], stream)
    assert mask.tolist() == [True, False, False, False, False]


def test_chunker_input_passes_up_what_the_automatizer_missed():
    # An automatizer whose outputs ignore the input and sit at 1/2 (zero output
    # weights and biases) predicts nothing: every vector goes up, stamped t / (T-1).
    stream = np.eye(4)[[0, 1, 2, 1, 3]]
    blind = init_recurrent_net(4, 3, 4, seed=0)
    blind = RecurrentNet(*blind.arrays()[:3], np.zeros((3, 4)), np.zeros(4))
    events, times = chunker_input(blind, stream)
    assert times.tolist() == [0, 1, 2, 3, 4]
    np.testing.assert_allclose(events[:, -1], [0.0, 0.25, 0.5, 0.75, 1.0])
    # It is surprises and compress composed, on the automatizer's own guesses.
    net = init_recurrent_net(4, 3, 6, scale=2.0, seed=5)  # 2 extra outputs
    _, guesses = net.run(stream[:-1])
    mask = surprises(guesses[:, :4], stream, tolerance=0.3)
    kept, at = compress(stream, mask, time_stamps=False)
    bare, times = chunker_input(net, stream, time_stamps=False)
    np.testing.assert_array_equal(times, at)
    np.testing.assert_array_equal(bare, kept)


def test_time_lag_task_layout():
    task = time_lag_task(20)
    assert task.streams.shape == (2, 22, 23)
    assert task.n_symbols == 22
    symbols = task.streams[:, :21].argmax(axis=2)
    assert symbols[0].tolist() == [0, *range(2, 22)]
    assert symbols[1].tolist() == [1, *range(2, 22)]
    # the two streams differ in the first symbol and the final target only
    differ = np.flatnonzero(np.any(task.streams[0] != task.streams[1], axis=1))
    assert differ.tolist() == [0, 21]
    assert task.streams[0, 21].tolist() == [0.0] * 22 + [1.0]
    assert not task.streams[1, 21].any()


# --- backpropagation through time ------------------------------------------------


def _loss_numpy(w_in, w_rec, b, w_out, c, x, d, m):
    """The same cross-entropy written in plain numpy for histbp.autodiff."""
    h = np.zeros(w_rec.shape[0])
    total = 0.0
    for t in range(x.shape[0]):
        h = np.tanh(x[t] @ w_in + h @ w_rec + b)
        y = 1.0 / (1.0 + np.exp(-(h @ w_out + c)))
        total = total - np.sum(m[t] * (d[t] * np.log(y) + (1 - d[t]) * np.log(1 - y)))
    return total


def _problem(seed=0, steps=7):
    rng = np.random.default_rng(seed)
    net = init_recurrent_net(4, 3, 2, scale=0.8, seed=seed)
    x = rng.normal(size=(steps, 4))
    d = rng.random((steps, 2))
    m = (rng.random((steps, 2)) < 0.7).astype(float)
    return net, x, d, m


def test_full_bptt_matches_autodiff_and_finite_differences():
    net, x, d, m = _problem()
    loss, g = bptt(net, x, d, m)
    params = net.arrays()
    assert loss == pytest.approx(float(_loss_numpy(*params, x, d, m)), rel=1e-12)
    auto = grad(lambda *p: _loss_numpy(*p, x, d, m), argnum=(0, 1, 2, 3, 4))(*params)
    for mine, ref in zip(g.arrays(), auto, strict=True):
        np.testing.assert_allclose(mine, ref, rtol=1e-10, atol=1e-12)
    check_grads(
        lambda *p: bptt(RecurrentNet(*p), x, d, m)[0],
        params,
        grad_fn=lambda *_: g.arrays(),
        directions="coordinates",
        rtol=0.0,
        atol=1e-7,
    )


def _truncated_reference(net, x, d, m, k):
    """Truncated BPTT by brute force: for each step t, autodiff of the error at t
    with the state k + 1 steps back held constant."""
    hidden, _ = net.run(x)
    params = net.arrays()
    total = [np.zeros_like(a) for a in params]
    for t in range(x.shape[0]):
        start = max(0, t - k)
        h0 = hidden[start - 1] if start > 0 else np.zeros(hidden.shape[1])

        def err_t(w_in, w_rec, b, w_out, c, start=start, h0=h0, t=t):
            h = h0
            for s in range(start, t + 1):
                h = np.tanh(x[s] @ w_in + h @ w_rec + b)
            y = 1.0 / (1.0 + np.exp(-(h @ w_out + c)))
            return -np.sum(m[t] * (d[t] * np.log(y) + (1 - d[t]) * np.log(1 - y)))

        for acc, g in zip(
            total, grad(err_t, argnum=(0, 1, 2, 3, 4))(*params), strict=True
        ):
            acc += g
    return total


@pytest.mark.parametrize("k", [0, 1, 3])
def test_truncated_bptt_matches_brute_force(k):
    net, x, d, m = _problem(seed=2, steps=8)
    _, g = bptt(net, x, d, m, truncation=k)
    for mine, ref in zip(
        g.arrays(), _truncated_reference(net, x, d, m, k), strict=True
    ):
        np.testing.assert_allclose(mine, ref, rtol=1e-10, atol=1e-12)


def test_long_truncation_is_full_bptt():
    net, x, d, m = _problem(seed=3, steps=6)
    _, full = bptt(net, x, d, m)
    _, long = bptt(net, x, d, m, truncation=5)
    _, short = bptt(net, x, d, m, truncation=4)
    for a, b in zip(full.arrays(), long.arrays(), strict=True):
        np.testing.assert_array_equal(a, b)
    assert not np.allclose(full.w_in, short.w_in)


# --- the 1992 experiment, scaled -------------------------------------------------

TASK = time_lag_task(20)


def test_chunker_solves_the_20_step_lag_quickly():
    # Seeds 0-3; the benchmark runs 17 seeds (benchmarks/reproduce_chunker.py).
    solved = [
        train_chunker(TASK, max_sequences=2000, seed=s, until="solved").solved_at
        for s in range(4)
    ]
    assert all(n is not None and n <= 1000 for n in solved), solved


def test_chunker_input_shrinks_to_the_two_unpredictable_events():
    run = train_chunker(TASK, max_sequences=800, seed=0, until="budget")
    assert run.compressed_lengths[0] == 22  # everything is new at first
    # later only the first symbol and the target reach the chunker
    assert np.mean(run.compressed_lengths[-200:] <= 2) >= 0.95


def test_the_hierarchy_collapses_into_the_automatizer():
    run = train_chunker(TASK, max_sequences=3000, seed=0, until="collapsed")
    assert run.collapsed_at is not None
    assert run.solved_at < run.collapsed_at <= 2000
    # A alone now carries the first symbol across the 20 steps
    for stream, target in zip(TASK.streams, TASK.targets, strict=True):
        _, y = run.automatizer.run(stream[:-1])
        # outputs: the next stream vector (its last channel is the target), then
        # the automatizer's copy of the chunker's state
        assert abs(y[-1, TASK.width - 1] - target) <= 0.3


def test_conventional_net_fails_where_the_chunker_succeeds():
    run = train_conventional(TASK, max_sequences=3000, seed=0)
    assert run.solved_at is None
    assert run.sequences == 3000


def test_conventional_net_solves_a_short_lag():
    run = train_conventional(time_lag_task(2), max_sequences=3000, seed=0)
    assert run.solved_at is not None and run.solved_at <= 1000


@pytest.mark.parametrize(
    ("call", "error", "match"),
    [
        (lambda: train_chunker("task"), TypeError, "TimeLagTask"),
        (lambda: train_chunker(TASK, until="never"), ValueError, "until"),
        (lambda: train_chunker(TASK, truncation=0), ValueError, "truncation"),
        (lambda: train_chunker(TASK, tolerance=0.7), ValueError, "tolerance"),
        (
            lambda: train_conventional(TASK, max_sequences=0),
            ValueError,
            "max_sequences",
        ),
        (lambda: time_lag_task(0), ValueError, "lag"),
        (lambda: train_conventional(TASK, truncation=0), ValueError, "truncation"),
        (lambda: train_conventional("task"), TypeError, "TimeLagTask"),
        (lambda: chunker_input("net", np.eye(3)), TypeError, "automatizer"),
        (
            lambda: chunker_input(init_recurrent_net(3, 2, 3), np.eye(3)[:1]),
            ValueError,
            "at least 2 rows",
        ),
        (
            lambda: chunker_input(init_recurrent_net(3, 2, 3), np.eye(4)),
            ValueError,
            r"stream must have shape \(steps, 3\)",
        ),
        (
            lambda: surprises(np.zeros((2, 3)), np.zeros((4, 3))),
            ValueError,
            "predictions",
        ),
        (lambda: compress(np.zeros((4, 3)), [True]), ValueError, "mask"),
        (
            lambda: bptt("net", np.zeros((2, 2)), np.zeros((2, 2))),
            TypeError,
            "RecurrentNet",
        ),
        (
            lambda: bptt(
                init_recurrent_net(2, 2, 2), np.zeros((3, 2)), np.zeros((2, 2))
            ),
            ValueError,
            "targets has 2 steps",
        ),
        (
            lambda: bptt(
                init_recurrent_net(2, 2, 2), np.zeros((3, 5)), np.zeros((3, 2))
            ),
            ValueError,
            r"inputs must have shape \(steps, 2\)",
        ),
    ],
)
def test_bad_arguments(call, error, match):
    with pytest.raises(error, match=match):
        call()
