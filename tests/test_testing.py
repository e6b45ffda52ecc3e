"""histbp.testing.check_grads: passes on right derivatives, fails on wrong ones, and
refuses bad input with a message naming the problem."""

import doctest

import numpy as np
import pytest

import histbp.testing
from histbp.autodiff import grad
from histbp.testing import check_grads


def mixed(W, x, scale):
    """A vector-valued function of a matrix, a vector and a Python float."""
    return scale * np.tanh(W @ x) + np.sin(x[:2]) * scale**2


POINT = (np.arange(6.0).reshape(2, 3) / 7, np.array([0.3, -1.2, 0.8]), 1.7)


def test_the_docstring_examples_run():
    result = doctest.testmod(histbp.testing, optionflags=doctest.ELLIPSIS)
    assert result.attempted >= 4
    assert result.failed == 0


@pytest.mark.parametrize("modes", [None, ("forward",), ("reverse",), "reverse"])
@pytest.mark.parametrize("directions", [1, 3, "coordinates"])
def test_passes_on_the_engine_for_a_vector_valued_function(modes, directions):
    check_grads(mixed, POINT, modes=modes, directions=directions)


def test_passes_on_a_right_hand_written_gradient_of_every_argument():
    def loss(W, x, scale):
        return np.sum(mixed(W, x, scale) ** 2)

    check_grads(loss, POINT, grad_fn=grad(loss, argnum=(0, 1, 2)), directions=2)
    check_grads(
        loss, POINT, grad_fn=grad(loss, argnum=(0, 1, 2)), modes=("forward", "reverse")
    )


def test_other_arguments_pass_through_unchanged():
    def f(x, n, flag):
        assert isinstance(n, int) and flag is True
        return np.sum(x**n)

    check_grads(f, (np.array([1.0, 2.0]), 3, True), argnums=0)
    check_grads(
        f,
        [np.array([1.0, 2.0]), 3, True],
        argnums=(0,),
        grad_fn=lambda x, n, _: n * x ** (n - 1),
    )


def test_a_wrong_hand_written_gradient_fails_naming_argument_and_discrepancy():
    def f(x, y):
        return np.sum(np.sin(x) * y)

    def wrong(x, y):  # the derivative in y is right, in x it misses a factor
        return np.cos(x), np.sin(x)

    x, y = np.array([0.1, 0.5, 0.9]), np.array([1.0, 2.0, 3.0])
    with pytest.raises(AssertionError) as err:
        check_grads(f, (x, y), grad_fn=wrong, directions="coordinates")
    message = str(err.value)
    assert message.startswith("grad_fn disagrees with central differences")
    assert "argument 0 along coordinate (1,)" in message  # the worst-off first fails
    assert "discrepancy" in message and "atol=1e-06" in message
    check_grads(f, (x, y), grad_fn=lambda x, y: np.sin(x), argnums=1)


def test_the_fourth_order_formula_holds_a_tighter_tolerance_at_a_larger_step():
    def f(x):
        return np.sum(np.exp(x) * np.sin(3 * x))

    def exact(x):
        return np.exp(x) * (np.sin(3 * x) + 3 * np.cos(3 * x))

    x = np.array([0.2, -0.7, 1.1])
    kwargs = {"grad_fn": exact, "step": 1e-3, "rtol": 0.0, "atol": 1e-10}
    check_grads(f, (x,), order=4, directions="coordinates", **kwargs)
    with pytest.raises(AssertionError, match="order 2"):
        check_grads(f, (x,), order=2, directions="coordinates", **kwargs)


def test_a_hand_written_jacobian_of_a_vector_valued_function():
    def f(x, a):
        return np.array([x[0] * x[1], np.sin(x[2]) * a, x[0] ** 2])

    def jacobians(x, a):
        dx = [[x[1], x[0], 0.0], [0.0, 0.0, np.cos(x[2]) * a], [2 * x[0], 0.0, 0.0]]
        return np.array(dx), np.array([0.0, np.sin(x[2]), 0.0])

    point = (np.array([0.3, -1.1, 0.7]), 2.5)
    check_grads(f, point, grad_fn=jacobians, directions=2)
    check_grads(f, point, grad_fn=jacobians, directions="coordinates")
    with pytest.raises(AssertionError, match=r"argument 1 .* at output index \(1,\)"):
        check_grads(
            f,
            point,
            grad_fn=lambda x, a: (jacobians(x, a)[0], np.array([0.0, 1.0, 0.0])),
        )


def test_a_small_error_in_one_partial_is_caught_along_its_coordinate():
    def f(x):
        return np.sum(x**3)

    def nearly(x):
        g = 3 * x**2
        g[4] += 1e-5
        return g

    x = np.linspace(-1.0, 1.0, 6)
    with pytest.raises(AssertionError, match=r"argument 0 along coordinate \(4,\)"):
        check_grads(f, (x,), grad_fn=nearly, directions="coordinates")
    # and the tolerance is what decides it
    check_grads(f, (x,), grad_fn=nearly, directions="coordinates", atol=2e-5)


def traced_differently(x):
    """Plain arrays get ``x**2``, the engine's traced values ``x**2 + x``: the
    engine then differentiates another function than central differences do, as it
    would with a wrong rule."""
    if isinstance(x, np.ndarray):
        return x**2
    return x**2 + x


def test_a_wrong_engine_derivative_fails_in_each_mode():
    x = np.array([0.5, 1.5])
    with pytest.raises(AssertionError, match=r"forward mode disagrees.*argument 0"):
        check_grads(traced_differently, (x,), modes="forward")
    with pytest.raises(AssertionError, match=r"reverse mode disagrees.*argument 0"):
        check_grads(traced_differently, (x,), modes="reverse")


def test_messages_name_the_output_entry_of_a_vector_valued_function():
    def f(x):
        second = x[1] ** 2 + (1e-3 * x[1] if isinstance(x, np.ndarray) else 0.0)
        return np.stack([x[0] * 2, second])

    with pytest.raises(AssertionError, match=r"at output index \(1,\)"):
        check_grads(f, (np.array([1.0, 2.0]),), modes="forward", atol=1e-7)
    check_grads(f, (np.array([1.0, 2.0]),), modes="forward", atol=2e-3, rtol=0.0)


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"f": 3}, TypeError, "f must be callable"),
        ({"grad_fn": "grad"}, TypeError, "grad_fn must be callable"),
        ({"args": np.ones(3)}, TypeError, "args must be a tuple or list"),
        ({"args": (np.array([1.0, np.nan]),)}, ValueError, "argument 0 has non-finite"),
        ({"args": (np.inf,)}, ValueError, "argument 0 has non-finite"),
        ({"args": ("x",)}, TypeError, "argument 0 must be real and numeric"),
        ({"args": (True,)}, TypeError, "argument 0 must be real and numeric"),
        ({"args": (1j,)}, TypeError, "argument 0 is complex"),
        ({"args": ([[1.0], [1.0, 2.0]],)}, TypeError, "argument 0 is not a numeric"),
        ({"modes": ("backward",)}, ValueError, "unknown mode 'backward'"),
        ({"modes": ()}, ValueError, "nothing to check"),
        ({"argnums": 1}, ValueError, "argnums names argument 1 but f gets 1"),
        ({"argnums": (0, 0)}, ValueError, "argnums repeats"),
        ({"argnums": "0"}, TypeError, "argnums must be an int"),
        ({"argnums": ()}, ValueError, "no argument to check"),
        ({"step": 0.0}, ValueError, "step must lie in"),
        ({"rtol": -1e-6}, ValueError, "rtol must lie in"),
        ({"atol": np.nan}, ValueError, "atol must lie in"),
        ({"order": 3}, ValueError, "order must be 2 or 4"),
        ({"directions": 0}, ValueError, "directions must be a positive"),
        ({"directions": "axes"}, TypeError, "directions must be an integer"),
    ],
)
def test_bad_input_is_refused_with_a_message_naming_it(kwargs, error, match):
    call = {"f": lambda x: np.sum(x**2), "args": (np.array([1.0, 2.0]),), **kwargs}
    with pytest.raises(error, match=match):
        check_grads(call.pop("f"), call.pop("args"), **call)


def test_bad_output_and_bad_gradients_are_refused():
    x = (np.array([1.0, 2.0]),)
    with pytest.raises(ValueError, match="f returns non-finite"):
        check_grads(lambda x: x * np.inf, x)
    with pytest.raises(TypeError, match="f must return a real number or array"):
        check_grads(lambda x: "loss", x, grad_fn=lambda x: x)
    with pytest.raises(ValueError, match=r"expected \(2, 2\) \(f's output shape"):
        check_grads(lambda x: x**2, x, grad_fn=lambda x: 2 * x)
    with pytest.raises(ValueError, match=r"derivative for argument 0 has shape \(3,\)"):
        check_grads(lambda x: np.sum(x**2), x, grad_fn=lambda x: np.ones(3))
    with pytest.raises(ValueError, match=r"grad_fn must return 2 gradient"):
        check_grads(lambda x, y: np.sum(x * y), (*x, *x), grad_fn=lambda x, y: y)
