import numpy as np
import pytest

from histbp.nets import GMDH, GMDHUnit, NotFittedError, fit_gmdh_layer


def planted(n, seed, noise=0.01, n_features=6):
    """y = x1 x2 + x3^2 (+ noise), with n_features - 3 distractor inputs."""
    rng = np.random.default_rng(seed)
    X = rng.uniform(-1, 1, size=(n, n_features))
    y = X[:, 0] * X[:, 1] + X[:, 2] ** 2 + noise * rng.standard_normal(n)
    return X, y


def linear_validation_error(model, X, y):
    design = np.column_stack([np.ones(len(X)), X])
    train, val = model.train_indices_, model.validation_indices_
    coef = np.linalg.lstsq(design[train], y[train], rcond=None)[0]
    return float(np.mean((design[val] @ coef - y[val]) ** 2))


def test_recovers_planted_polynomial_within_three_layers():
    X, y = planted(2000, seed=1965)
    model = GMDH(keep=6, max_layers=3, random_state=0).fit(X, y)
    var = np.var(y[model.validation_indices_])
    relative = model.validation_errors_ / var
    # layer 1 can only see pairs, so it misses one of the two terms
    assert relative[0] > 0.3
    # layer 2 combines the (x1, x2) unit with an x3 unit: error near the floor
    assert relative[1] < 0.005
    assert relative[2] <= relative[1]
    assert len(model.layers_) == 3
    # the first layer's best unit is the pair (x1, x2); an x3 unit is kept too
    assert model.layers_[0][0].inputs == (0, 1)
    assert any(2 in unit.inputs for unit in model.layers_[0])
    # a linear model explains none of it
    linear = linear_validation_error(model, X, y) / var
    assert linear > 0.95
    assert linear > 100 * relative[2]
    # fresh data from the same law: R^2 above 0.99
    X_new, y_new = planted(1000, seed=7)
    assert model.score(X_new, y_new) > 0.99


def test_error_floor_shrinks_with_more_training_data():
    # the first layer's units fit y with the other term as noise; their estimation
    # error sets a floor that falls roughly like 1 / n_train
    floors = []
    for n in (500, 2000):
        X, y = planted(n, seed=3, noise=0.0)
        model = GMDH(keep=6, max_layers=3, random_state=0).fit(X, y)
        floors.append(model.validation_errors_[:3].min() / np.var(y))
    assert floors[1] < floors[0] / 2.5


def test_exact_quadratic_of_two_inputs_in_one_layer():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(60, 3))
    y = 1 + 2 * X[:, 1] - X[:, 2] + 0.5 * X[:, 1] ** 2 + 3 * X[:, 1] * X[:, 2]
    model = GMDH(keep=3, max_layers=4, random_state=1).fit(X, y)
    best = model.layers_[0][0]
    assert best.inputs == (1, 2)
    np.testing.assert_allclose(best.coefficients, [1, 2, -1, 0.5, 0, 3], atol=1e-10)
    assert best.validation_error < 1e-20
    # later layers can only shuffle rounding errors
    assert np.all(model.validation_errors_ < 1e-20)
    np.testing.assert_allclose(model.predict(X), y, atol=1e-9)


def test_stops_when_validation_error_rises():
    X, y = planted(200, seed=11, noise=0.3)
    model = GMDH(keep=4, max_layers=10, random_state=2).fit(X, y)
    errors = model.validation_errors_
    assert len(model.layers_) < 10
    assert len(errors) == len(model.layers_) + 1
    assert errors[-1] >= errors[-2]
    assert np.all(np.diff(errors[:-1]) < 0)


def test_layers_are_inspectable_and_predict_is_consistent():
    X, y = planted(400, seed=5)
    model = GMDH(keep=5, max_layers=3, random_state=3).fit(X, y)
    for depth, layer in enumerate(model.layers_):
        assert 1 <= len(layer) <= 5
        width_below = X.shape[1] if depth == 0 else len(model.layers_[depth - 1])
        for unit in layer:
            assert isinstance(unit, GMDHUnit)
            i, j = unit.inputs
            assert 0 <= i < j < width_below
            assert unit.coefficients.shape == (6,)
        errors = [unit.validation_error for unit in layer]
        assert errors == sorted(errors)
        assert errors[0] == model.validation_errors_[depth]
    # predict by hand through the active units
    outputs = X
    for layer in model.layers_:
        outputs = np.column_stack(
            [u(outputs[:, u.inputs[0]], outputs[:, u.inputs[1]]) for u in layer]
        )
    np.testing.assert_allclose(model.predict(X), outputs[:, 0])
    active = model.active_units()
    assert active[-1] == (0,)
    assert set(active[-2]) == set(model.layers_[-1][0].inputs)


def test_split_is_reproducible_and_disjoint():
    X, y = planted(100, seed=2)
    a = GMDH(random_state=4).fit(X, y)
    b = GMDH(random_state=4).fit(X, y)
    np.testing.assert_array_equal(a.validation_indices_, b.validation_indices_)
    assert set(a.train_indices_).isdisjoint(a.validation_indices_)
    assert len(a.train_indices_) + len(a.validation_indices_) == 100
    assert len(a.validation_indices_) == 50
    np.testing.assert_array_equal(a.predict(X), b.predict(X))


def test_keep_one_gives_a_single_layer():
    X, y = planted(100, seed=2)
    model = GMDH(keep=1, random_state=0).fit(X, y)
    assert len(model.layers_) == 1
    assert len(model.layers_[0]) == 1


def test_params_interface():
    model = GMDH(keep=3)
    assert model.get_params() == {
        "keep": 3,
        "max_layers": 5,
        "validation_fraction": 0.5,
        "random_state": None,
    }
    assert model.set_params(max_layers=2) is model
    assert model.max_layers == 2
    assert repr(model).startswith("GMDH(keep=3, max_layers=2")
    with pytest.raises(ValueError, match="unknown parameter 'depth'"):
        model.set_params(depth=3)


def test_predict_before_fit_raises_not_fitted():
    with pytest.raises(NotFittedError, match="not fitted yet"):
        GMDH().predict(np.zeros((3, 2)))
    # catchable as either base class
    with pytest.raises(ValueError):
        GMDH().score(np.zeros((3, 2)), np.zeros(3))
    with pytest.raises(AttributeError):
        GMDH().active_units()


@pytest.mark.parametrize(
    ("X", "y", "match"),
    [
        (np.zeros((20, 3)), np.zeros(19), "y has 19 samples but X has 20"),
        (np.zeros((20, 1)), np.zeros(20), "X must have at least 2 columns"),
        (np.zeros(20), np.zeros(20), "X must be a non-empty 2-D array"),
        (np.full((20, 3), np.nan), np.zeros(20), "X contains non-finite"),
        (np.zeros((20, 3)), np.r_[np.zeros(19), np.inf], "y contains non-finite"),
        (np.zeros((10, 3)), np.zeros(10), "too few samples"),
        (np.zeros((20, 3)), np.zeros((20, 1)), "y must be a 1-D array"),
    ],
)
def test_fit_rejects_bad_data(X, y, match):
    with pytest.raises(ValueError, match=match):
        GMDH().fit(X, y)


@pytest.mark.parametrize(
    ("params", "error", "match"),
    [
        ({"keep": 0}, ValueError, "keep must be a positive integer"),
        ({"keep": 2.5}, TypeError, "keep must be an integer"),
        ({"max_layers": -1}, ValueError, "max_layers must be a positive integer"),
        ({"validation_fraction": 1.0}, ValueError, "validation_fraction must lie"),
        ({"random_state": "a"}, TypeError, "random_state must be None"),
    ],
)
def test_fit_rejects_bad_parameters(params, error, match):
    X, y = planted(50, seed=0)
    with pytest.raises(error, match=match):
        GMDH(**params).fit(X, y)


def test_predict_rejects_wrong_width_and_nan():
    X, y = planted(50, seed=0)
    model = GMDH(random_state=0).fit(X, y)
    with pytest.raises(ValueError, match="X has 3 columns but the model was fitted"):
        model.predict(X[:, :3])
    bad = X.copy()
    bad[0, 0] = np.nan
    with pytest.raises(ValueError, match="non-finite"):
        model.predict(bad)


def test_fit_gmdh_layer_is_the_layer_that_fit_grows():
    X, y = planted(400, seed=2)
    model = GMDH(keep=4, max_layers=1, random_state=0).fit(X, y)
    train, val = model.train_indices_, model.validation_indices_
    layer = fit_gmdh_layer(X[train], y[train], X[val], y[val], keep=4)
    assert [u.inputs for u in layer] == [u.inputs for u in model.layers_[0]]
    for a, b in zip(layer, model.layers_[0], strict=True):
        np.testing.assert_allclose(a.coefficients, b.coefficients, rtol=1e-12)
    every = fit_gmdh_layer(X[train], y[train], X[val], y[val], keep=100)
    assert len(every) == 15  # all pairs of six inputs, best first
    errors = [u.validation_error for u in every]
    assert errors == sorted(errors)


def test_fit_gmdh_layer_fits_an_exact_quadratic_unit():
    rng = np.random.default_rng(5)
    x = rng.uniform(-1, 1, (60, 3))
    y = 1.0 - 2.0 * x[:, 1] + 0.5 * x[:, 2] ** 2 + 3.0 * x[:, 1] * x[:, 2]
    best = fit_gmdh_layer(x[:30], y[:30], x[30:], y[30:], keep=1)[0]
    assert best.inputs == (1, 2)
    np.testing.assert_allclose(
        best.coefficients, [1.0, -2.0, 0.0, 0.0, 0.5, 3.0], atol=1e-10
    )


@pytest.mark.parametrize(
    ("change", "error", "match"),
    [
        ({"keep": 0}, ValueError, "keep must be a positive integer"),
        ({"x_val": np.zeros((5, 2))}, ValueError, "x_val must have at least 3"),
        ({"x_train": np.zeros((8, 1))}, ValueError, "x_train must have at least 2"),
        ({"y_val": np.zeros(4)}, ValueError, "y_val has 4 samples"),
        ({"y_train": np.full(8, np.nan)}, ValueError, "y_train contains non-finite"),
    ],
)
def test_fit_gmdh_layer_errors(change, error, match):
    args = {
        "x_train": np.zeros((8, 3)),
        "y_train": np.zeros(8),
        "x_val": np.zeros((5, 3)),
        "y_val": np.zeros(5),
        "keep": 2,
        **change,
    }
    with pytest.raises(error, match=match):
        fit_gmdh_layer(**args)
