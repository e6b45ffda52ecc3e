import math

import numpy as np
import pytest

from histbp.autodiff import grad
from histbp.control import (
    BrachistochroneResult,
    Cycloid,
    brachistochrone,
    cycloid,
    discrete_travel_time,
    polygon_travel_time,
)
from histbp.testing import check_grads

END = (math.pi, 2.0)  # (pi R, 2 R) with R = 1 m
G = 9.81


@pytest.fixture(scope="module")
def ladder():
    """Discrete brachistochrones on 4 to 64 segments, each started from the last."""
    results, previous = {}, None
    for n in (4, 8, 16, 32, 64):
        results[n] = brachistochrone(END, n, G, initial_heights=previous)
        previous = results[n].y[1:-1]
    return results


def test_cycloid_time_for_the_lowest_point():
    c = cycloid(END, G)
    assert isinstance(c, Cycloid)
    assert c.radius == pytest.approx(1.0, abs=1e-14)
    assert c.theta_end == pytest.approx(math.pi, abs=1e-14)
    assert c.time == pytest.approx(math.pi * math.sqrt(1.0 / G), abs=1e-14)
    assert round(c.time, 6) == 1.003033


@pytest.mark.parametrize("end", [(1.0, 2.0), (5.0, 0.3), (2.0, 2.0), (0.1, 10.0)])
def test_cycloid_passes_through_any_reachable_end(end):
    c = cycloid(end, 3.0)
    x, y = c.points(50)
    assert (x[0], y[0]) == (0.0, 0.0)
    assert x[-1] == pytest.approx(end[0], rel=1e-12)
    assert y[-1] == pytest.approx(end[1], rel=1e-12)
    assert c.height([end[0]])[0] == pytest.approx(end[1], rel=1e-9)


def test_cycloid_to_the_same_height_is_one_arch():
    c = cycloid((2.0 * math.pi, 0.0), 1.0)
    assert c.theta_end == 2.0 * math.pi and c.radius == pytest.approx(1.0)
    assert c.time == pytest.approx(2.0 * math.pi)


def test_cycloid_time_agrees_with_a_fine_inscribed_polygon():
    # the polygon through points of the cycloid takes nearly the cycloid's time
    c = cycloid(END, G)
    n = 4096
    x = np.linspace(0.0, END[0], n + 1)
    t = polygon_travel_time(c.height(x[1:-1]), END, G)
    assert t == pytest.approx(c.time, rel=2e-3)


def test_discrete_time_converges_to_the_cycloid(ladder):
    exact = cycloid(END, G).time
    times = np.array([ladder[n].time for n in (4, 8, 16, 32, 64)])
    errors = times - exact
    assert np.all(errors > 0)  # a polygon is never faster than the brachistochrone
    assert np.all(np.diff(times) < 0)
    # the error halves with each doubling (the cusp at the start limits it to 1/n)
    np.testing.assert_allclose(errors[:-1] / errors[1:], 2.1, atol=0.25)
    assert errors[-1] < 1.5e-3
    np.testing.assert_allclose(
        times, [1.0280817, 1.0144910, 1.0084649, 1.0056611, 1.0043205], atol=2e-7
    )


def test_discrete_path_approaches_the_cycloid(ladder):
    c = cycloid(END, G)
    gaps = [np.abs(ladder[n].y - c.height(ladder[n].x)).max() for n in (4, 16, 64)]
    assert gaps[0] > gaps[1] > gaps[2]
    assert gaps[2] < 0.025


def test_descent_converged_and_decreased_time(ladder):
    for n, res in ladder.items():
        assert isinstance(res, BrachistochroneResult)
        assert res.converged
        assert res.x.shape == res.y.shape == (n + 1,)
        assert (res.x[0], res.y[0], res.y[-1]) == (0.0, 0.0, END[1])
        assert res.x[-1] == pytest.approx(END[0])
        assert np.all(np.diff(res.times) <= 0) and res.times[-1] == res.time
        assert polygon_travel_time(res.y[1:-1], END, G) == pytest.approx(res.time)


def test_gradient_by_reverse_mode_matches_differences():
    rng = np.random.default_rng(1744)
    heights = np.linspace(0.3, 2.0, 10)[:-1] + rng.uniform(0, 0.2, 9)

    def time(y):
        return discrete_travel_time(y, END, G)

    check_grads(  # reverse mode on the traced time, against the checked evaluation
        lambda y: polygon_travel_time(y, END, G),
        (heights,),
        grad_fn=grad(time),
        directions="coordinates",
        step=1e-3,
        order=4,
        rtol=1e-8,
        atol=1e-12,
    )
    assert time(heights) == pytest.approx(polygon_travel_time(heights, END, G))


def test_discrete_travel_time_checks_its_input():
    with pytest.raises(ValueError, match="heights must be a non-empty 1-D array"):
        discrete_travel_time(np.array([]), END, G)
    with pytest.raises(ValueError, match="heights must be a non-empty 1-D array"):
        discrete_travel_time(np.ones((2, 2)), END, G)
    with pytest.raises(ValueError, match="unreachable: y must be >= 0"):
        discrete_travel_time(np.ones(3), (1.0, -1.0), G)
    with pytest.raises(ValueError, match="g must lie in"):
        discrete_travel_time(np.ones(3), END, 0.0)


def test_straight_track_closed_form():
    # constant acceleration g Y / L from rest over length L: t = 2 L / v_end
    t = polygon_travel_time([], (3.0, 4.0), 10.0)
    assert t == pytest.approx(2 * 5.0 / math.sqrt(2 * 10.0 * 4.0))
    one = brachistochrone((3.0, 4.0), 1, 10.0)
    assert one.time == pytest.approx(t) and one.steps == 0
    # a track with a node at or above the start cannot be travelled
    assert polygon_travel_time([0.0, 1.0], (3.0, 4.0), 10.0) == math.inf


def test_end_at_the_starting_height():
    res = brachistochrone((2.0, 0.0), 8, 1.0)
    assert res.converged and res.y[-1] == 0.0
    assert res.time > cycloid((2.0, 0.0), 1.0).time


@pytest.mark.parametrize(
    ("args", "error", "match"),
    [
        (((0.0, 1.0), 8), ValueError, "unreachable: x must be positive"),
        (((-1.0, 1.0), 8), ValueError, "unreachable: x must be positive"),
        (((1.0, -0.5), 8), ValueError, "unreachable: y must be >= 0"),
        (((1.0, 1.0, 2.0), 8), ValueError, "end must be a pair"),
        ((5.0, 8), ValueError, "end must be a pair"),
        (((1.0, np.nan), 8), ValueError, "end\\[1\\]"),
        (((1.0, 1.0), 0), ValueError, "n must be a positive integer"),
        (((1.0, 1.0), -4), ValueError, "n must be a positive integer"),
        (((1.0, 1.0), 2.0), TypeError, "n must be an integer"),
        (((1.0, 1.0), 8, 0.0), ValueError, "g must lie in"),
        (((1.0, 0.0), 1), ValueError, "single horizontal segment"),
    ],
)
def test_brachistochrone_errors(args, error, match):
    with pytest.raises(error, match=match):
        brachistochrone(*args)


def test_other_errors():
    with pytest.raises(ValueError, match="unreachable: y must be >= 0"):
        cycloid((1.0, -1.0))
    with pytest.raises(ValueError, match="unreachable: x must be positive"):
        cycloid((0.0, 1.0))
    with pytest.raises(TypeError, match="g must be a real number"):
        cycloid((1.0, 1.0), g="9.81")
    with pytest.raises(ValueError, match="strictly below the start"):
        brachistochrone((1.0, 1.0), 4, initial_heights=[0.5, -0.1, 0.5])
    with pytest.raises(ValueError, match="initial_heights must be"):
        brachistochrone((1.0, 1.0), 4, initial_heights=[[0.5]])
    with pytest.raises(ValueError, match="heights must be a finite 1-D"):
        polygon_travel_time([[1.0]], (1.0, 1.0))
    with pytest.raises(ValueError, match="x must lie in"):
        cycloid((1.0, 1.0)).height([2.0])
    with pytest.raises(ValueError, match="count must be a positive"):
        cycloid((1.0, 1.0)).points(0)
