import numpy as np
import pytest

from histbp.control import (
    discrete_minimum_time,
    minimum_time_double_integrator,
    simulate_double_integrator,
    switching_curve,
)

STARTS = [4.0, -4.0, 1.0, 0.3, -2.5, 100.0]


@pytest.mark.parametrize("x0", STARTS)
def test_minimum_time_from_rest(x0):
    sol = minimum_time_double_integrator(x0)
    assert sol.time == pytest.approx(2 * np.sqrt(abs(x0)), rel=1e-14)
    assert sol.switch_time == pytest.approx(sol.time / 2, rel=1e-14)
    assert sol.first_control == -np.sign(x0)
    x, v = sol.state(sol.time)
    assert abs(x) < 1e-13 * max(1.0, abs(x0)) and abs(v) < 1e-13 * sol.time


@pytest.mark.parametrize("x0", STARTS)
def test_costate_conditions_hold(x0):
    sol = minimum_time_double_integrator(x0)
    t = np.linspace(0, sol.time, 401)
    inside = (t > 0) & (t < sol.time) & (np.abs(t - sol.switch_time) > 1e-9)
    # u minimises H: u = -sign(lambda_2), with exactly one sign change
    np.testing.assert_array_equal(
        sol.control(t[inside]), -np.sign(sol.switching_function(t[inside]))
    )
    assert sol.switching_function(sol.switch_time) == pytest.approx(0.0, abs=1e-15)
    # H = 0 all along (free final time, autonomous problem)
    assert np.max(np.abs(sol.hamiltonian(t))) < 1e-12


@pytest.mark.parametrize(
    ("x0", "v0"), [(1.0, 1.0), (1.0, -1.0), (-1.0, 3.0), (0.0, 1.0), (0.5, -1.0)]
)
def test_moving_starts_match_the_closed_form(x0, v0):
    # above the switching curve T = v0 + 2 sqrt(v0^2/2 + x0), below it the mirror
    if x0 >= switching_curve(v0):
        expected = v0 + 2 * np.sqrt(0.5 * v0**2 + x0)
    else:
        expected = -v0 + 2 * np.sqrt(0.5 * v0**2 - x0)
    sol = minimum_time_double_integrator(x0, v0)
    assert sol.time == pytest.approx(expected, rel=1e-13)
    x, v = sol.state(sol.time)
    assert abs(x) < 1e-12 and abs(v) < 1e-12


def test_start_on_the_switching_curve_needs_no_switch():
    sol = minimum_time_double_integrator(0.5, -1.0)
    assert sol.time == pytest.approx(1.0)
    assert sol.switch_time == 0.0
    np.testing.assert_array_equal(sol.control([0.1, 0.5, 0.9]), 1.0)


@pytest.mark.parametrize("x0", [1.0, -3.0, 0.25])
def test_discrete_search_agrees_without_the_principle(x0):
    exact = 2 * np.sqrt(abs(x0))
    # an even number of intervals puts a grid point at T/2: the same optimum
    for n in (2, 10, 64):
        assert discrete_minimum_time(x0, n) == pytest.approx(exact, rel=1e-12)
    # an odd number cannot switch at T/2 and needs longer, converging as n grows:
    # the best is full thrust, one coasting interval, full braking, which takes
    # n h with h^2 (n^2 - 1) / 4 = |x0|, i.e. T* n / sqrt(n^2 - 1)
    for n in (3, 11, 101):
        coast = exact * n / np.sqrt(n * n - 1.0)
        assert discrete_minimum_time(x0, n) == pytest.approx(coast, rel=1e-12)


def test_simulation_arrives_at_the_origin():
    sol = minimum_time_double_integrator(2.0)
    # step sizes that straddle the switch: first-order error from the jump in u
    errors = [
        np.abs(
            simulate_double_integrator(sol.control, (2.0, 0.0), sol.time, n)[-1]
        ).max()
        for n in (11, 101, 1001)
    ]
    assert errors[0] > errors[1] > errors[2]
    assert errors[2] < 3e-3


def test_errors():
    with pytest.raises(ValueError, match="already the target"):
        minimum_time_double_integrator(0.0)
    with pytest.raises(ValueError, match=r"position must lie in"):
        minimum_time_double_integrator(np.inf)
    with pytest.raises(TypeError, match="velocity must be a real number"):
        minimum_time_double_integrator(1.0, "fast")
    with pytest.raises(ValueError, match="position must not be 0"):
        discrete_minimum_time(0.0, 10)
    with pytest.raises(ValueError, match="n_steps must be at least 2"):
        discrete_minimum_time(1.0, 1)
    with pytest.raises(TypeError, match="control must be callable"):
        simulate_double_integrator(1.0, (1.0, 0.0), 1.0, 10)
    with pytest.raises(
        ValueError, match=r"initial_state has shape \(3,\) but it must be a pair"
    ):
        simulate_double_integrator(np.sign, (1.0, 0.0, 0.0), 1.0, 10)
    with pytest.raises(ValueError, match=r"duration must lie in \(0.0, inf\]"):
        simulate_double_integrator(np.sign, (1.0, 0.0), -1.0, 10)
