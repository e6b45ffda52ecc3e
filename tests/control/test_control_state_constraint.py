import numpy as np
import pytest

from histbp.control import bryson_denham
from histbp.testing import check_grads


def reported(limit):
    """The optimum 4 / (9 l) reported for l <= 1/6 (checked here, not assumed)."""
    return 4.0 / (9.0 * limit)


def test_cost_converges_to_four_at_one_ninth():
    costs = {N: bryson_denham(1 / 9, N).cost for N in (100, 200, 400, 800)}
    errors = np.array([costs[N] - 4.0 for N in (100, 200, 400, 800)])
    # measured: 8.87e-4, 2.22e-4, 5.60e-5, 1.40e-5 (second order, from above)
    assert np.all(errors > 0)
    np.testing.assert_allclose(errors[:-1] / errors[1:], 4.0, rtol=0.02)
    assert errors[-1] < 1.5e-5
    extrapolated = (4 * costs[800] - costs[400]) / 3
    assert extrapolated == pytest.approx(4.0, abs=1e-7)


@pytest.mark.parametrize("limit", [0.05, 1 / 12, 0.15, 1 / 6])
def test_cost_matches_the_reported_formula(limit):
    fine, coarse = bryson_denham(limit, 800).cost, bryson_denham(limit, 400).cost
    extrapolated = (4 * fine - coarse) / 3
    assert extrapolated == pytest.approx(reported(limit), rel=1e-7)


def test_path_rides_the_ceiling_on_the_middle_third():
    sol = bryson_denham(1 / 9, 600)
    h = 1 / 600
    assert np.max(sol.position) <= 1 / 9 + 1e-12
    touching = sol.touching
    assert touching[0] == pytest.approx(1 / 3, abs=2 * h)
    assert touching[-1] == pytest.approx(2 / 3, abs=2 * h)
    # on the boundary arc the control vanishes as h -> 0 (measured 2.5e-5 = 9 h^2,
    # against |u| up to 6 off the arc)
    arc = (sol.times[:-1] > 1 / 3 + 2 * h) & (sol.times[:-1] < 2 / 3 - 3 * h)
    assert np.max(np.abs(sol.control[arc])) < 1e-4
    assert sol.control[0] == pytest.approx(-2 / (3 * (1 / 9)), rel=0.01)


def test_multipliers_give_the_sensitivity_of_the_optimum():
    # dJ*/dl = -4 / (9 l^2) = -36 at l = 1/9: the multipliers sum to 36
    sol = bryson_denham(1 / 9, 800)
    assert np.all(sol.multipliers >= 0)
    assert sol.multipliers.sum() == pytest.approx(36.0, rel=1e-4)
    check_grads(  # the slope of the optimal cost in l, by central differences
        lambda length: bryson_denham(length, 800).cost,
        (1 / 9,),
        grad_fn=lambda _: -sol.multipliers.sum(),
        step=1e-4,
        rtol=1e-6,
        atol=0.0,
    )


def test_kkt_conditions_hold():
    sol = bryson_denham(0.08, 300)
    slack = 0.08 - sol.position[1:-1]
    assert np.min(slack) >= -1e-13
    assert np.max(sol.multipliers * slack) < 1e-12
    assert sol.position[-1] == pytest.approx(0.0, abs=1e-12)
    assert sol.velocity[-1] == pytest.approx(-1.0, abs=1e-12)
    assert sol.position[0] == 0.0 and sol.velocity[0] == 1.0


def test_a_high_ceiling_does_not_bind():
    for limit in (0.25, 1.0):
        sol = bryson_denham(limit, 50)
        assert sol.cost == pytest.approx(2.0, abs=1e-12)
        np.testing.assert_allclose(sol.control, -2.0, atol=1e-12)
        assert np.all(sol.multipliers == 0)
        assert sol.iterations == 0


def test_errors():
    with pytest.raises(ValueError, match=r"limit must lie in \(0.0, inf\]"):
        bryson_denham(0.0, 10)
    with pytest.raises(TypeError, match="limit must be a real number"):
        bryson_denham("1/9", 10)
    with pytest.raises(ValueError, match="n_steps must be at least 4"):
        bryson_denham(0.1, 3)
    with pytest.raises(TypeError, match="n_steps must be an integer"):
        bryson_denham(0.1, 10.0)
