import numpy as np
import pytest

from histbp.autodiff import grad
from histbp.control import (
    FINAL_TIME,
    MASS_RATE,
    THRUST,
    OrbitRaisingResult,
    orbit_raising,
    orbit_raising_terminal,
)
from histbp.testing import check_grads


@pytest.fixture(scope="module")
def ladder():
    """Solutions on grids of 40 to 320 steps, each started from the last."""
    results, previous = {}, None
    for n in (40, 80, 160, 320):
        results[n] = orbit_raising(n, initial_angles=previous)
        previous = results[n].thrust_angle
    return results


def radius_traced(phi, n):
    """r(tf) by the same Runge-Kutta steps, state as scalars, for reverse mode."""
    h = FINAL_TIME / n

    def rhs(r, u, v, k, t):
        a = THRUST / (1.0 - MASS_RATE * t)
        return (
            u,
            v * v / r - 1.0 / (r * r) + a * np.sin(phi[k]),
            -u * v / r + a * np.cos(phi[k]),
        )

    r, u, v = 1.0, 0.0, 1.0
    for k in range(n):
        t = k * h
        a = rhs(r, u, v, k, t)
        b = rhs(r + h / 2 * a[0], u + h / 2 * a[1], v + h / 2 * a[2], k, t + h / 2)
        c = rhs(r + h / 2 * b[0], u + h / 2 * b[1], v + h / 2 * b[2], k, t + h / 2)
        d = rhs(r + h * c[0], u + h * c[1], v + h * c[2], k, t + h)
        r = r + h / 6 * (a[0] + 2 * b[0] + 2 * c[0] + d[0])
        u = u + h / 6 * (a[1] + 2 * b[1] + 2 * c[1] + d[1])
        v = v + h / 6 * (a[2] + 2 * b[2] + 2 * c[2] + d[2])
    return r


def test_adjoint_gradients_match_finite_differences():
    rng = np.random.default_rng(1969)
    phi = rng.uniform(-1.0, 1.0, 20)
    _, gradients = orbit_raising_terminal(phi)
    check_grads(  # every terminal quantity in every angle, fourth-order differences
        lambda p: orbit_raising_terminal(p)[0],
        (phi,),
        grad_fn=lambda _: gradients,
        directions="coordinates",
        step=1e-3,
        order=4,
        rtol=1e-8,
        atol=1e-11,
    )


def test_adjoint_gradient_matches_histbp_reverse_mode():
    rng = np.random.default_rng(7)
    phi = rng.uniform(-1.0, 1.0, 16)
    values, gradients = orbit_raising_terminal(phi)
    assert radius_traced(phi, 16) == pytest.approx(values[0], rel=1e-13)
    np.testing.assert_allclose(grad(radius_traced)(phi, 16), gradients[0], rtol=1e-11)


def test_textbook_radius_is_confirmed(ladder):
    # Bryson and Ho report r(tf) ~ 1.525 (U). Our discrete optima converge like
    # h^2; Richardson's extrapolation from 80 and 160 steps gives 1.52528.
    r80, r160 = ladder[80].final_radius, ladder[160].final_radius
    assert r160 == pytest.approx(1.5252682, abs=2e-7)
    extrapolated = r160 + (r160 - r80) / 3.0
    assert extrapolated == pytest.approx(1.525278, abs=3e-6)
    assert round(extrapolated, 3) == 1.525
    r320 = ladder[320].final_radius
    assert r320 + (r320 - r160) / 3.0 == pytest.approx(extrapolated, abs=1e-6)


def test_grid_convergence_is_second_order(ladder):
    r = np.array([ladder[n].final_radius for n in (40, 80, 160, 320)])
    assert np.all(np.diff(r) > 0)
    ratios = np.diff(r)[:-1] / np.diff(r)[1:]
    assert np.all((3.5 < ratios) & (ratios < 4.5))


def test_solution_meets_the_terminal_conditions(ladder):
    for res in ladder.values():
        assert isinstance(res, OrbitRaisingResult)
        assert res.converged
        assert np.abs(res.terminal_violation).max() < 1e-9
        assert res.radial_velocity[-1] == pytest.approx(0.0, abs=1e-9)
        assert res.tangential_velocity[-1] == pytest.approx(
            res.final_radius**-0.5, abs=1e-9
        )
        assert res.radius[-1] == res.final_radius
        assert res.radius_history[-1] == pytest.approx(res.final_radius)


def test_thrust_direction_sweeps_round(ladder):
    # Outward and forward at first, inward and forward at the end, turning
    # steadily through the backward direction in between.
    phi = np.degrees(ladder[160].thrust_angle)
    assert np.all(np.diff(phi) > 0)
    assert 20 < phi[0] < 30
    assert 300 < phi[-1] < 315
    assert ladder[160].polar_angle[-1] == pytest.approx(2.4893, abs=1e-3)


def test_other_starts_reach_the_same_optimum(ladder):
    for start in (np.full(40, 0.5), np.linspace(0.0, 2.0 * np.pi, 40)):
        other = orbit_raising(40, initial_angles=start)
        assert other.converged
        assert other.final_radius == pytest.approx(ladder[40].final_radius, abs=1e-9)


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"n_steps": 0}, ValueError, "n_steps must be a positive integer"),
        ({"n_steps": 2.5}, TypeError, "n_steps must be an integer"),
        ({"thrust": -0.1}, ValueError, "thrust must lie in"),
        ({"mass_rate": 0.5}, ValueError, "run out of mass"),
        ({"final_time": 0.0}, ValueError, "final_time must lie in"),
        ({"initial_angles": [[0.0]]}, ValueError, "initial_angles must be"),
        ({"initial_angles": [np.nan, 0.0]}, ValueError, "initial_angles contains"),
        ({"max_iterations": 0}, ValueError, "max_iterations must be a positive"),
        ({"tol": 0.0}, ValueError, "tol must lie in"),
    ],
)
def test_errors(kwargs, error, match):
    with pytest.raises(error, match=match):
        orbit_raising(**{"n_steps": 10, **kwargs})


def test_terminal_errors():
    with pytest.raises(ValueError, match="angles must be a non-empty 1-D"):
        orbit_raising_terminal([])
    with pytest.raises(ValueError, match="angles contains non-finite"):
        orbit_raising_terminal([0.0, np.inf])
    with pytest.raises(TypeError, match="thrust must be a real number"):
        orbit_raising_terminal([0.0], thrust="big")
