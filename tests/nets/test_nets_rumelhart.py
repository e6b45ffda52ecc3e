"""Rumelhart, Hinton and Williams (1985/86): the backward pass, the momentum rule,
and the experiments (XOR, 8-3-8 encoder, symmetry, family trees)."""

import numpy as np
import pytest

from histbp.autodiff import grad, sigmoid
from histbp.data import encoder, family_trees, symmetry, xor
from histbp.nets import (
    FAMILY_TREES_LAYERS,
    BackpropEnsemble,
    BackpropNet,
    family_trees_connections,
    family_trees_net,
    generalized_delta_rule,
    logistic,
    mirror_weights,
    person_features,
)
from histbp.nets._rumelhart import forward_pass
from histbp.testing import check_grads


def reference_error(weights, X, Y):
    """E = 1/2 sum (y - d)^2 in plain numpy, independent of histbp.nets."""
    a = X
    for w in weights:
        a = sigmoid(a @ w[:, :-1].T + w[:, -1])
    r = a - Y
    return 0.5 * np.sum(r * r)


def random_problem(sizes, patterns=7, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.uniform(-1, 1, (patterns, sizes[0]))
    Y = rng.uniform(0, 1, (patterns, sizes[-1]))
    return X, Y


# ----- the backward pass ------------------------------------------------------


@pytest.mark.parametrize("sizes", [(2, 2, 1), (3, 4, 2, 2), (5, 3, 4, 3, 2)])
def test_backward_pass_matches_central_differences(sizes):
    X, Y = random_problem(sizes)
    net = BackpropNet(sizes, init_range=1.0, seed=1)
    check_grads(
        lambda *w: reference_error(w, X, Y),
        net.weights,
        grad_fn=lambda *_: net.gradient(X, Y),
        directions="coordinates",
        rtol=1e-6,
        atol=1e-8,
    )


@pytest.mark.parametrize("sizes", [(2, 2, 1), (3, 4, 2, 2), (5, 3, 4, 3, 2)])
def test_backward_pass_matches_histbp_autodiff(sizes):
    X, Y = random_problem(sizes, seed=2)
    net = BackpropNet(sizes, init_range=1.0, seed=3)
    ws = net.weights
    ref = grad(lambda *w: reference_error(w, X, Y), argnum=tuple(range(len(ws))))(*ws)
    for g, r in zip(net.gradient(X, Y), ref, strict=True):
        np.testing.assert_allclose(g, r, rtol=1e-12, atol=1e-14)
    assert net.error(X, Y) == pytest.approx(float(reference_error(ws, X, Y)), rel=1e-14)


def test_family_trees_gradient_matches_autodiff_and_respects_the_groups():
    X, Y = family_trees()
    net = family_trees_net(seed=4, margin=0.0)
    ws = net.weights
    ref = grad(lambda *w: reference_error(w, X, Y), argnum=(0, 1, 2, 3))(*ws)
    mask = family_trees_connections()[0]
    grads = net.gradient(X, Y)
    np.testing.assert_allclose(grads[0][:, :-1][mask], ref[0][:, :-1][mask], rtol=1e-10)
    for g, r in zip(grads[1:], ref[1:], strict=True):
        np.testing.assert_allclose(g, r, rtol=1e-10, atol=1e-13)
    # no connection, no gradient and no weight
    assert np.all(grads[0][:, :-1][~mask] == 0)
    assert np.all(ws[0][:, :-1][~mask] == 0)


def test_backward_written_out_for_one_hidden_layer():
    # the deltas of the paper by hand: delta_out = (y - d) y (1 - y),
    # delta_hidden = h (1 - h) W^T delta_out
    X, Y = random_problem((3, 2, 1), seed=5)
    rng = np.random.default_rng(6)
    w1, w2 = rng.normal(size=(2, 4)), rng.normal(size=(1, 3))
    h = 1 / (1 + np.exp(-(X @ w1[:, :3].T + w1[:, 3])))
    y = 1 / (1 + np.exp(-(h @ w2[:, :2].T + w2[:, 2])))
    d_out = (y - Y) * y * (1 - y)
    d_hid = h * (1 - h) * (d_out @ w2[:, :2])
    ones = np.ones((len(X), 1))
    error, (g1, g2) = generalized_delta_rule([w1, w2], forward_pass([w1, w2], X), Y)
    np.testing.assert_allclose(g2, d_out.T @ np.hstack([h, ones]), rtol=1e-13)
    np.testing.assert_allclose(g1, d_hid.T @ np.hstack([X, ones]), rtol=1e-13)
    assert error == pytest.approx(0.5 * np.sum((y - Y) ** 2), rel=1e-14)


def test_margin_drops_outputs_close_enough():
    w = [np.array([[0.0, 0.0]])]  # output 0.5 whatever the input
    X = np.array([[1.0], [1.0]])
    Y = np.array([[0.6], [0.0]])
    error, (g,) = generalized_delta_rule(w, forward_pass(w, X), Y, margin=0.2)
    # only the second pattern counts: (0.5 - 0)^2 / 2, delta 0.5 * 0.25
    assert error == pytest.approx(0.125)
    np.testing.assert_allclose(g, [[0.125, 0.125]])


def test_logistic_is_stable_and_exact():
    x = np.array([-1000.0, -30.0, -1.0, 0.0, 2.5, 1000.0])
    y = logistic(x)
    assert np.all(np.isfinite(y)) and 0.0 < y[0] < 1e-300 and y[-1] == 1.0
    np.testing.assert_allclose(y[1:-1], 1 / (1 + np.exp(-x[1:-1])), rtol=1e-14)


# ----- the update rule ----------------------------------------------------------


def test_momentum_rule_step_by_step():
    X, Y = random_problem((3, 2, 2), seed=7)
    eps, alpha = 0.3, 0.8
    net = BackpropNet((3, 2, 2), learning_rate=eps, momentum=alpha, seed=8)
    ref = BackpropNet((3, 2, 2), seed=8)
    w0 = ref.weights
    g0 = ref.gradient(X, Y)
    w1 = [w - eps * g for w, g in zip(w0, g0, strict=True)]
    ref.set_weights(w1)
    g1 = ref.gradient(X, Y)
    w2 = [b - eps * g + alpha * (b - a) for a, b, g in zip(w0, w1, g1, strict=True)]
    history = net.fit(X, Y, sweeps=2, until_converged=False)
    assert history.sweeps == 2 and history.errors.shape == (3,)
    for w, ref_w in zip(net.weights, w2, strict=True):
        np.testing.assert_allclose(w, ref_w, rtol=1e-13)


def test_momentum_carries_over_between_fits():
    X, Y = random_problem((3, 2, 2), seed=9)
    once = BackpropNet((3, 2, 2), seed=10)
    once.fit(X, Y, sweeps=7, until_converged=False)
    twice = BackpropNet((3, 2, 2), seed=10)
    twice.fit(X, Y, sweeps=3, until_converged=False)
    twice.fit(X, Y, sweeps=4, until_converged=False)
    for a, b in zip(once.weights, twice.weights, strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-14)


def test_weight_decay_shrinks_after_the_step():
    X, Y = random_problem((2, 1), seed=11)
    net = BackpropNet((2, 1), learning_rate=0.1, weight_decay=0.01, seed=12)
    (w0,), (g0,) = net.weights, net.gradient(X, Y)
    net.fit(X, Y, sweeps=1, until_converged=False)
    np.testing.assert_allclose(net.weights[0], 0.99 * (w0 - 0.1 * g0), rtol=1e-14)


def test_initial_weights_uniform_in_range_with_biases():
    net = BackpropNet((6, 2, 1), seed=0)
    w1, w2 = net.weights
    assert w1.shape == (2, 7) and w2.shape == (1, 3)
    everything = np.concatenate([w1.ravel(), w2.ravel()])
    assert np.all(np.abs(everything) < 0.3)
    big = BackpropNet((200, 200, 1), seed=1).weights[0]
    assert abs(big.mean()) < 0.01 and big.std() == pytest.approx(
        0.3 / np.sqrt(3), rel=0.01
    )
    np.testing.assert_array_equal(BackpropNet((6, 2, 1), seed=0).weights[0], w1)


def test_history_and_convergence_criterion():
    X, Y = xor()
    net = BackpropNet((2, 2, 1), learning_rate=0.5, init_range=1.0, seed=3)
    h = net.fit(X, Y, sweeps=5000, tol=0.1)
    assert h.converged and h.sweeps == h.sweeps_to_converge
    assert h.errors.shape == h.max_deviation.shape == (h.sweeps + 1,)
    assert h.max_deviation[-1] < 0.1 <= h.max_deviation[-2]
    assert np.max(np.abs(net.predict(X) - Y)) < 0.1
    # not converged: None, and every sweep is made
    h2 = BackpropNet((2, 2, 1), seed=3).fit(X, Y, sweeps=5, tol=0.1)
    assert h2.sweeps_to_converge is None and not h2.converged and h2.sweeps == 5


def test_ensemble_follows_the_single_networks():
    X, Y = symmetry(6)
    ens = BackpropEnsemble((6, 2, 1), [1, 3, 5])
    h = ens.fit(X, Y, sweeps=3000, tol=0.2)
    for i, seed in enumerate([1, 3, 5]):
        net = BackpropNet((6, 2, 1), seed=seed)
        single = net.fit(X, Y, sweeps=3000, tol=0.2)
        assert h.sweeps_to_converge[i] == (single.sweeps_to_converge or -1)
        for a, b in zip(ens.weights, net.weights, strict=True):
            np.testing.assert_allclose(a[i], b, rtol=1e-9, atol=1e-9)
    assert h.errors.shape == (h.sweeps + 1, 3)


# ----- the experiments --------------------------------------------------------


def test_xor_with_two_hidden_units():
    X, Y = xor()
    h = BackpropEnsemble((2, 2, 1), range(100), learning_rate=0.5).fit(
        X, Y, sweeps=5000, tol=0.1
    )
    # measured: 98 of 100 seeds, median 535 sweeps; the other two stick
    assert 95 <= h.converged.sum() <= 100
    assert 400 < np.median(h.converged_sweeps()) < 700


def test_encoder_8_3_8_learns_a_code():
    X, Y = encoder(8)
    ens = BackpropEnsemble((8, 3, 8), range(50), learning_rate=0.2)
    h = ens.fit(X, Y, sweeps=5000, tol=0.1)
    assert h.converged.all()  # measured: median 919 sweeps, 10th-90th 725-1,487
    assert 700 < np.median(h.sweeps_to_converge) < 1200
    codes = ens.activities(X)[1]
    distinct = [len({tuple(c) for c in (code > 0.5)}) for code in codes]
    # measured: 29 of 50 nets give the eight patterns eight different binary
    # codes (rounded at 0.5); the rest use intermediate activity levels, and 69%
    # of all hidden activities lie within 0.1 of 0 or 1
    assert 20 <= sum(d == 8 for d in distinct) <= 40
    near_binary = np.mean(np.minimum(codes, 1 - codes) < 0.1)
    assert 0.6 < near_binary < 0.9


@pytest.fixture(scope="module")
def symmetry_runs():
    X, Y = symmetry(6)
    ens = BackpropEnsemble((6, 2, 1), range(100), learning_rate=0.1, momentum=0.9)
    return ens, ens.fit(X, Y, sweeps=20000, tol=0.2)


def test_symmetry_sweeps_distribution(symmetry_runs):
    _, h = symmetry_runs
    sweeps = np.where(h.converged, h.sweeps_to_converge, np.inf)
    # measured: 94 of 100 converge within 20,000 sweeps; median over all 100
    # seeds 3,200 sweeps, 10th-90th percentile of the converged 827-13,665, and
    # 24 of 100 as fast as the 1,425 sweeps the paper reports for its run
    assert 90 <= h.converged.sum() <= 98
    assert 2500 < np.median(sweeps) < 3400
    p10, p90 = np.percentile(h.converged_sweeps(), [10, 90])
    assert p10 < 1425 < p90
    assert 0.15 < np.mean(sweeps <= 1425) < 0.35
    assert 400 < h.converged_sweeps().min() < 600  # measured: 476


def test_symmetry_weights_are_mirror_antisymmetric(symmetry_runs):
    ens, h = symmetry_runs
    w = ens.weights[0][h.converged]
    found = [mirror_weights(wi) for wi in w]
    assert max(m.antisymmetry.max() for m in found) < 0.01
    ratios = np.array([m.ratios for m in found])  # (nets, 2 hidden, 3 pairs)
    one_two_four = np.all(np.abs(ratios - [1, 2, 4]) < 0.4, axis=(1, 2))
    two_three_four = np.all(np.abs(ratios - [1, 1.5, 2]) < 0.15, axis=(1, 2))
    # measured: 68 of 94 converged nets have 1:2:4 in both hidden units, the
    # other 26 the ratio 2:3:4, which also never cancels
    assert 0.6 < one_two_four.mean() < 0.85
    assert np.all(one_two_four | two_three_four)


def test_symmetry_single_seed_is_deterministic():
    X, Y = symmetry(6)
    h = BackpropNet((6, 2, 1), seed=1).fit(X, Y, sweeps=5000, tol=0.2)
    assert h.sweeps_to_converge == 756


def _family_run(split, seeds, sweeps):
    """Train on 100 facts, the 4 of ``split`` held out, with the page's schedule."""
    X, Y = family_trees()
    test = np.sort(np.random.default_rng(split).choice(104, 4, replace=False))
    train = np.setdiff1d(np.arange(104), test)
    ens = BackpropEnsemble(
        FAMILY_TREES_LAYERS,
        seeds,
        learning_rate=0.05,
        momentum=0.9,
        init_range=1.0,
        connections=family_trees_connections(),
        margin=0.2,
        weight_decay=0.001,
    )
    ens.fit(
        X[train],
        Y[train],
        sweeps=20,
        learning_rate=0.005,
        momentum=0.5,
        until_converged=False,
    )
    ens.fit(X[train], Y[train], sweeps=sweeps - 20, until_converged=False)

    def correct(y, d):
        return np.all((y > 0.5) == (d > 0.5), axis=-1)

    on_train = correct(ens.predict(X[train]), Y[train]).mean(axis=-1)
    on_test = correct(ens.predict(X[test]), Y[test]).sum(axis=-1)
    return ens, on_train, on_test


def _best_correlation(features, labels):
    """For each net, the largest |correlation| of one of its 6 units with labels."""
    return np.array(
        [
            max(abs(np.corrcoef(f[:, j], labels)[0, 1]) for j in range(6))
            for f in features
        ]
    )


@pytest.fixture(scope="module")
def family_runs():
    # 4 held-out sets x 4 seeds, 1,500 sweeps each
    return [_family_run(split, range(4), 1500) for split in range(4)]


def test_family_trees_train_100_test_4(family_runs):
    on_train = np.concatenate([r[1] for r in family_runs])
    on_test = np.concatenate([r[2] for r in family_runs])
    # measured: 95% of the training facts fully right on average (84-100%);
    # held-out facts fully right: 3 3 2 2 | 2 3 4 2 | 1 2 0 0 | 2 2 1 0 out of 4
    assert on_train.mean() > 0.9 and on_train.min() > 0.8
    assert 1.4 < on_test.mean() < 2.3
    assert on_test.max() >= 3 and np.sum(on_test >= 2) >= 8


def test_family_trees_person_features(family_runs):
    features = np.concatenate([person_features(r[0]) for r in family_runs])
    assert features.shape == (16, 24, 6)
    english_or_italian = np.r_[np.zeros(12), np.ones(12)]
    generation = np.tile([1, 1, 1, 1, 2, 2, 2, 2, 2, 2, 3, 3], 2)
    # six random features reach a best |r| of 0.34 in the median and 0.60 at the
    # 99th percentile; measured over these 16 nets: 0.64-0.95 (median 0.85) for
    # nationality and 0.67-0.97 (median 0.77) for generation
    for labels in (english_or_italian, generation):
        best = _best_correlation(features, labels)
        assert best.min() > 0.6 and np.median(best) > 0.75


# ----- clear errors -------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"layer_sizes": 3}, TypeError, "layer_sizes must be a sequence"),
        ({"layer_sizes": (3,)}, ValueError, "at least an input and an output"),
        (
            {"layer_sizes": (3, 0, 1)},
            ValueError,
            r"layer_sizes\[1\] must be a positive",
        ),
        (
            {"layer_sizes": (3, 2.0, 1)},
            TypeError,
            r"layer_sizes\[1\] must be an integer",
        ),
        ({"learning_rate": 0.0}, ValueError, "learning_rate must lie in"),
        ({"learning_rate": "0.1"}, TypeError, "learning_rate must be a real number"),
        ({"momentum": 1.0}, ValueError, "momentum must lie in"),
        ({"momentum": -0.1}, ValueError, "momentum must lie in"),
        ({"init_range": -1.0}, ValueError, "init_range must lie in"),
        ({"margin": 1.0}, ValueError, "margin must lie in"),
        ({"weight_decay": 1.0}, ValueError, "weight_decay must lie in"),
        ({"seed": -1}, ValueError, "seed must be a non-negative integer"),
        ({"seed": 1.5}, TypeError, "seed must be None, a non-negative integer"),
        ({"connections": [None]}, ValueError, "connections has 1 entries but"),
        ({"connections": np.ones((2, 3))}, TypeError, "connections must be None or"),
        (
            {"connections": [np.ones((2, 3)), None]},
            TypeError,
            r"connections\[0\] must be a boolean array",
        ),
        (
            {"connections": [np.ones((3, 2), bool), None]},
            ValueError,
            r"connections\[0\] has shape \(3, 2\); expected \(2, 3\)",
        ),
    ],
)
def test_bad_network_options(kwargs, error, message):
    options = {"layer_sizes": (3, 2, 1), **kwargs}
    sizes = options.pop("layer_sizes")
    with pytest.raises(error, match=message):
        BackpropNet(sizes, **options)


def test_bad_seeds_for_an_ensemble():
    with pytest.raises(ValueError, match="seeds must not be empty"):
        BackpropEnsemble((2, 1), [])
    with pytest.raises(ValueError, match="seeds must be distinct"):
        BackpropEnsemble((2, 1), [1, 1])
    with pytest.raises(TypeError, match="seeds must be a sequence"):
        BackpropEnsemble((2, 1), 5)
    with pytest.raises(
        TypeError, match=r"seeds\[1\] must be None, a non-negative integer"
    ):
        BackpropEnsemble((2, 1), [1, "a"])


@pytest.mark.parametrize(
    ("X", "Y", "error", "message"),
    [
        (
            np.ones((4, 3)),
            np.ones((4, 1)),
            ValueError,
            "X has 3 columns but the network has 2 input",
        ),
        (
            np.ones((4, 2)),
            np.ones((4, 2)),
            ValueError,
            "Y has 2 columns but the network has 1 output",
        ),
        (np.ones((4, 2)), np.ones((3, 1)), ValueError, "Y has 3 rows but X has 4"),
        (np.ones(2), np.ones((1, 1)), ValueError, r"X must be a non-empty 2-D array"),
        ([[np.nan, 0.0]], [[1.0]], ValueError, "X contains non-finite values"),
        ([[0.0, 0.0]], [[1.5]], ValueError, r"Y must lie in \[0, 1\]"),
        ([[0.0, 0.0]], [[-0.5]], ValueError, "cannot reach targets"),
        ([["a", 0.0]], [[1.0]], TypeError, "X must be a numeric 2-D array"),
    ],
)
def test_bad_patterns(X, Y, error, message):
    net = BackpropNet((2, 2, 1), seed=0)
    with pytest.raises(error, match=message):
        net.fit(X, Y)
    with pytest.raises(error, match=message):
        net.gradient(X, Y)


def test_predict_checks_its_input():
    with pytest.raises(ValueError, match="X has 3 columns"):
        BackpropNet((2, 1)).predict(np.ones((1, 3)))


def test_bad_fit_options():
    X, Y = xor()
    net = BackpropNet((2, 2, 1), seed=0)
    with pytest.raises(ValueError, match="sweeps must be a positive integer"):
        net.fit(X, Y, sweeps=0)
    with pytest.raises(TypeError, match="sweeps must be an integer"):
        net.fit(X, Y, sweeps=10.0)
    with pytest.raises(ValueError, match="tol must lie in"):
        net.fit(X, Y, tol=0.0)
    with pytest.raises(ValueError, match="learning_rate must lie in"):
        net.fit(X, Y, learning_rate=-1.0)
    with pytest.raises(ValueError, match="momentum must lie in"):
        net.fit(X, Y, momentum=1.5)


def test_set_weights_checks_shapes_and_connections():
    net = family_trees_net(seed=0)
    good = list(net.weights)
    with pytest.raises(ValueError, match="weights has 1 entries but the network has 4"):
        net.set_weights(good[:1])
    with pytest.raises(ValueError, match=r"weights\[1\] has shape \(12, 12\)"):
        net.set_weights([good[0], good[1][:, :-1], good[2], good[3]])
    bad = [w.copy() for w in good]
    bad[0][0, 30] = 1.0  # a relation input into a person unit
    with pytest.raises(ValueError, match="non-zero where connections leaves"):
        net.set_weights(bad)
    bad[0][0, 30] = np.inf
    with pytest.raises(ValueError, match=r"weights\[0\] contains non-finite"):
        net.set_weights(bad)
    with pytest.raises(TypeError, match="weights must be a sequence of arrays"):
        net.set_weights(good[0])
    net.set_weights(good)
    np.testing.assert_array_equal(net.weights[2], good[2])


def test_mirror_weights_checks_and_reads_a_perfect_code():
    perfect = np.array([[1.0, 2.0, 4.0, -4.0, -2.0, -1.0, 0.5]])
    m = mirror_weights(perfect)
    assert m.antisymmetry[0] == 0.0
    np.testing.assert_allclose(m.magnitudes, [[4.0, 2.0, 1.0]])  # centre outwards
    np.testing.assert_allclose(m.ratios, [[1.0, 2.0, 4.0]])
    with pytest.raises(
        ValueError, match=r"input_weights must have shape \(hidden, n \+ 1\)"
    ):
        mirror_weights(np.ones(7))
    with pytest.raises(ValueError, match="input_weights contains non-finite"):
        mirror_weights([[1.0, np.nan, 2.0]])


def test_person_features_needs_the_family_trees_network():
    with pytest.raises(TypeError, match="net must be a BackpropNet"):
        person_features(np.zeros((36, 12)))
    with pytest.raises(ValueError, match=r"net has layer sizes \(2, 1\)"):
        person_features(BackpropNet((2, 1)))
    assert person_features(family_trees_net(seed=1)).shape == (24, 6)


def test_ensemble_fit_names_an_unknown_option():
    X, Y = xor()
    with pytest.raises(TypeError, match=r"fit got unknown options \['sweep'\]"):
        BackpropEnsemble((2, 2, 1), [0, 1]).fit(X, Y, sweep=10)
