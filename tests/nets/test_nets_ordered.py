import numpy as np
import pytest

from histbp.autodiff import grad
from histbp.nets import ordered_derivatives
from histbp.testing import check_grads


def random_system(n_inputs, n_computed, seed):
    """An ordered system: each new variable a smooth function of a few earlier ones."""
    rng = np.random.default_rng(seed)
    functions = []
    for k in range(n_computed):
        n_before = n_inputs + k
        picks = rng.choice(n_before, size=min(3, n_before), replace=False)
        a, b, c = (rng.normal(size=3) * 0.8).tolist()
        i, j, m = (int(p) for p in np.resize(picks, 3))

        def f(*z, i=i, j=j, m=m, a=a, b=b, c=c):
            return np.tanh(a * z[i] + b * z[j]) + c * z[m] * z[j] + 0.1 * np.sin(z[i])

        functions.append(f)
    return functions, rng.normal(size=n_inputs)


def ordered_by_reverse_mode(functions, inputs, target=None):
    """dT+/dz_i from histbp.autodiff: shift each z_i by s_i, differentiate at s=0."""
    m = len(inputs)
    n = m + len(functions)

    def shifted(*s):
        z = [x + s_i for x, s_i in zip(inputs.tolist(), s[:m], strict=True)]
        for f, s_j in zip(functions, s[m:], strict=True):
            z.append(f(*z) + s_j)
        return target(*z) if target is not None else z[-1]

    return np.array(grad(shifted, argnum=tuple(range(n)))(*([0.0] * n)))


def test_two_variable_example():
    r = ordered_derivatives([lambda z1: z1**2], [2.0], target=lambda z1, z2: z1 * z2)
    assert r.values.tolist() == [2.0, 4.0]
    assert r.target == 8.0
    assert r.direct.tolist() == [4.0, 2.0]  # dT/dz1 = z2 with z2 held fixed
    assert r.ordered.tolist() == [12.0, 2.0]  # d(z1^3)/dz1 = 3 z1^2
    assert r.local[1, 0] == 4.0


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_equals_reverse_mode_on_random_system(seed):
    functions, inputs = random_system(4, 40, seed)
    r = ordered_derivatives(functions, inputs)
    reference = ordered_by_reverse_mode(functions, inputs)
    np.testing.assert_allclose(r.ordered, reference, rtol=0, atol=1e-12)
    assert np.max(np.abs(r.ordered)) > 1e-3  # not trivially zero


def test_with_a_target_and_hand_written_partials():
    # z3 = z1 z2, z4 = sin(z3) + z1, T = z4^2 + z2 z3
    functions = [lambda z1, z2: z1 * z2, lambda z1, z2, z3: np.sin(z3) + z1]
    partials = [
        lambda z1, z2: [z2, z1],
        lambda z1, z2, z3: [1.0, 0.0, np.cos(z3)],
    ]

    def target(z1, z2, z3, z4):
        return z4**2 + z2 * z3

    def target_partials(z1, z2, z3, z4):
        return [0.0, z3, z2, 2 * z4]

    inputs = np.array([0.7, -1.3])
    by_hand = ordered_derivatives(
        functions,
        inputs,
        target=target,
        partials=partials,
        target_partials=target_partials,
    )
    by_autodiff = ordered_derivatives(functions, inputs, target=target)
    np.testing.assert_allclose(by_hand.ordered, by_autodiff.ordered, atol=1e-14)
    reference = ordered_by_reverse_mode(functions, inputs, target)
    np.testing.assert_allclose(by_hand.ordered, reference, atol=1e-12)
    # closed form for the inputs: T = (sin(xy) + x)^2 + x y^2
    x, y = inputs
    z4 = np.sin(x * y) + x
    closed = [
        2 * z4 * (np.cos(x * y) * y + 1) + y**2,
        2 * z4 * np.cos(x * y) * x + 2 * x * y,
    ]
    np.testing.assert_allclose(by_hand.ordered[:2], closed, atol=1e-14)


def test_matches_central_differences_on_inputs():
    functions, inputs = random_system(3, 25, 7)
    r = ordered_derivatives(functions, inputs)

    def run(x):
        z = list(x)
        for f in functions:
            z.append(float(f(*z)))
        return z[-1]

    check_grads(
        run,
        (np.asarray(inputs, dtype=float),),
        grad_fn=lambda _: r.ordered[:3],
        directions="coordinates",
        rtol=1e-7,
        atol=1e-8,
    )


def test_unused_variables_get_zero():
    r = ordered_derivatives([lambda a, b: 3.0 * a, lambda a, b, c: c + 1.0], [2.0, 5.0])
    assert r.ordered.tolist() == [3.0, 0.0, 1.0, 1.0]


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"functions": [1.0]}, TypeError, r"functions\[0\] must be callable"),
        ({"inputs": []}, ValueError, "inputs must be a non-empty 1-D array"),
        ({"inputs": [np.nan]}, ValueError, "inputs contains non-finite"),
        ({"partials": []}, ValueError, "partials has 0 entries but there are 1"),
        ({"partials": [lambda z: [1.0, 2.0]]}, ValueError, "returned 2 numbers"),
        ({"target": "z"}, TypeError, "target must be callable"),
        (
            {"functions": [lambda z: np.array([z, z])]},
            ValueError,
            "must return a scalar",
        ),
        ({"functions": [lambda z: np.inf]}, ValueError, "returned a non-finite value"),
        ({"target": lambda a, b: np.log(-1.0 + 0 * a)}, ValueError, "target returned"),
    ],
)
def test_errors(kwargs, error, match):
    args = {"functions": [lambda z: z**2], "inputs": [2.0], **kwargs}
    with np.errstate(invalid="ignore"), pytest.raises(error, match=match):
        ordered_derivatives(args.pop("functions"), args.pop("inputs"), **args)
