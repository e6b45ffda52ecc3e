"""The user-facing transformations: grad, value_and_grad, vjp, jvp, jacobian.

Reverse mode (``grad``, ``value_and_grad``, ``vjp``) runs the function once on
:class:`~histbp.autodiff.ReverseTracer` inputs, recording a tape, then
sweeps the tape backwards once per cotangent: the gradient of a scalar costs a small
constant times the function itself, whatever the number of inputs (Linnainmaa
1970). Forward mode (``jvp``) runs the function on
:class:`~histbp.autodiff.Dual` inputs and yields one directional derivative
per run. ``jacobian`` builds a full Jacobian either way: one VJP per output
component, or one JVP per input component.

Derivatives are first order only: calling one of these inside a function being
differentiated raises :class:`~histbp.autodiff.NestedDifferentiationError`
(:func:`tracing` keeps the per-thread record of the differentiation under way).

Complex numbers follow HIPS autograd's convention (see
:mod:`histbp.autodiff._rules.complex`): for a complex input ``z = x + iy`` of a
real-valued ``f``, ``grad(f)(z) = df/dx - i df/dy``, which is ``f'(z)`` for a
holomorphic ``f``; a real input whose computation passes through complex
intermediates gets the real gradient. ``grad`` refuses a complex-valued output
(take ``np.real`` or ``np.abs`` of it first); ``vjp`` accepts it with a complex
cotangent, and ``jvp`` carries complex tangents.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import numpy as np

from histbp._validation import check_callable, check_choice, check_int_or_int_tuple
from histbp.autodiff import _fastpath  # noqa: F401  (installs the fast paths)
from histbp.autodiff._arguments import (
    as_input,
    as_output,
    finalize,
    lift_output,
    normalize_argnum,
    refuse_traced,
)
from histbp.autodiff._dual import Dual
from histbp.autodiff._errors import NestedDifferentiationError
from histbp.autodiff._reverse import ReverseTracer
from histbp.autodiff._tape import Tape, backward_pass
from histbp.autodiff._tracer import is_complex

__all__ = [
    "accumulate_jacobian",
    "grad",
    "jacobian",
    "jvp",
    "tracing",
    "value_and_grad",
    "vjp",
]

_state = threading.local()


@contextmanager
def tracing(who: str) -> Iterator[None]:
    """Mark a differentiation by ``who`` as under way, for its duration.

    One differentiation at a time per thread: calling ``grad``, ``vjp``,
    ``jvp`` or ``jacobian`` while another is tracing (``grad(grad(f))``, a
    ``jvp`` inside a ``grad``) would mix two tapes, so it raises
    :class:`~histbp.autodiff.NestedDifferentiationError`. Separate
    threads may differentiate independently.
    """
    active = getattr(_state, "active", None)
    if active is not None:
        raise NestedDifferentiationError(
            f"{who} was called inside a function that {active} is "
            "differentiating: higher-order (nested) derivatives are not supported"
        )
    _state.active = who
    try:
        yield
    finally:
        _state.active = None


def _trace(
    f: Callable[..., Any],
    args: Sequence[Any],
    kwargs: dict[str, Any],
    positions: Sequence[int],
    who: str,
) -> tuple[Tape, list[Any], Any]:
    """Run ``f`` with the arguments at ``positions`` traced on a fresh tape.

    Returns the tape, the converted inputs (in the order of ``positions``) and
    ``f``'s output; the tape's first ``len(positions)`` nodes are the inputs.
    """
    tape = Tape()
    call = list(args)
    inputs = []
    with tracing(who):
        for n in positions:
            x = as_input(call[n], f"argument {n}")
            inputs.append(x)
            call[n] = ReverseTracer(x, tape.record(None, (), None), tape)
        try:
            out = lift_output(f(*call, **kwargs))
        finally:
            tape.stop()
    return tape, inputs, out


def _backward(tape: Tape, out: Any, seed: Any, n_leaves: int, keep: bool) -> list[Any]:
    """The leaves' cotangents by :func:`backward_pass`; ``None`` each if untraced."""
    if not (isinstance(out, ReverseTracer) and out.tape is tape):
        return [None] * n_leaves
    return backward_pass(tape, out.idx, seed, n_leaves, keep)


def value_and_grad(
    f: Callable[..., Any], argnum: int | tuple[int, ...] = 0
) -> Callable[..., tuple[Any, Any]]:
    """Make a function returning ``f``'s value and its gradient.

    Parameters
    ----------
    f
        Function of one or more positional arguments returning a real scalar
        (a float, or an array with one entry: shape ``()``, ``(1,)``,
        ``(1, 1)``...), written with numpy operations.
    argnum
        Position of the argument to differentiate with respect to, or a tuple
        of positions (negative positions count from the end).

    Returns
    -------
    Callable
        Takes ``f``'s arguments and returns ``(value, gradient)``, where the
        gradient has the shape and dtype of the argument (a Python float for a
        Python float or int argument), or is a tuple of such gradients when
        ``argnum`` is a tuple. For a complex argument ``z = x + iy`` the
        gradient is ``df/dx - i df/dy`` (HIPS autograd's convention).

    Raises
    ------
    ValueError
        If ``f`` returns more than one number, or ``argnum`` is out of range.
    TypeError
        If ``f`` returns a complex value, or a differentiated argument is not
        a number or a numeric array.
    NestedDifferentiationError
        If called inside a function being differentiated.
    """
    check_callable(f, "f")
    check_int_or_int_tuple(argnum, "argnum")

    @functools.wraps(f)
    def value_and_grad_f(*args: Any, **kwargs: Any) -> tuple[Any, Any]:
        positions, single = normalize_argnum(argnum, len(args))
        unique = tuple(dict.fromkeys(positions))
        tape, inputs, out = _trace(f, args, kwargs, unique, "grad")
        value = as_output(out, "grad")
        if np.size(value) != 1:
            raise ValueError(
                "grad needs a scalar-valued function, but the function returned "
                f"an array of shape {np.shape(value)}; use jacobian (or vjp with a "
                "cotangent) for functions with non-scalar outputs"
            )
        if is_complex(value):
            raise TypeError(
                "grad needs a real-valued function, but the function returned a "
                "complex value; differentiate np.real, np.imag or np.abs of it, or "
                "use vjp with a complex cotangent"
            )
        seed = 1.0 if np.ndim(value) == 0 else np.ones(np.shape(value))
        cts = _backward(tape, out, seed, len(unique), keep=False)
        grads = dict(zip(unique, map(finalize, cts, inputs), strict=True))
        if single:
            return value, grads[positions[0]]
        return value, tuple(grads[n] for n in positions)

    return value_and_grad_f


def grad(
    f: Callable[..., Any], argnum: int | tuple[int, ...] = 0
) -> Callable[..., Any]:
    """Make a function returning the gradient of scalar-valued ``f``.

    Reverse mode: ``f`` runs once, recording a tape, and one backward sweep of
    the tape yields the derivative with respect to every entry of the argument.

    Parameters
    ----------
    f
        Function of one or more positional arguments returning a scalar.
    argnum
        Position of the argument to differentiate with respect to, or a tuple
        of positions (then the gradients come as a tuple).

    Returns
    -------
    Callable
        Takes ``f``'s arguments and returns the gradient; see
        :func:`value_and_grad` for its type.

    Examples
    --------
    >>> import numpy as np
    >>> from histbp.autodiff import grad
    >>> grad(lambda x: np.sum(x**2))(np.array([1.0, 2.0]))
    array([2., 4.])
    >>> grad(lambda x, y: x * y, argnum=(0, 1))(3.0, 4.0)
    (4.0, 3.0)
    """
    value_and_grad_f = value_and_grad(f, argnum)

    @functools.wraps(f)
    def grad_f(*args: Any, **kwargs: Any) -> Any:
        return value_and_grad_f(*args, **kwargs)[1]

    return grad_f


def _as_cotangent(cotangent: Any, value: Any) -> Any:
    """Check a cotangent against the output ``value`` and convert it."""
    refuse_traced(cotangent, "the cotangent")
    if np.shape(cotangent) != np.shape(value):
        raise ValueError(
            f"the cotangent has shape {np.shape(cotangent)} but the function's "
            f"output has shape {np.shape(value)}"
        )
    if is_complex(cotangent) and not is_complex(value):
        raise TypeError(
            "the cotangent is complex but the function's output is real: pass a "
            "real cotangent"
        )
    dtype = np.complex128 if is_complex(value) else np.float64
    ct = np.array(cotangent, dtype=dtype)  # a copy: never alias the caller's
    if ct.ndim:
        return ct
    return complex(ct) if is_complex(value) else float(ct)


def vjp(f: Callable[..., Any], *primals: Any) -> tuple[Any, Callable[..., Any]]:
    """Evaluate ``f`` at ``primals`` and return its vector-Jacobian product.

    Parameters
    ----------
    f
        Function of ``len(primals)`` positional arguments returning a float or
        an array.
    *primals
        The point: floats, ints or numeric arrays.

    Returns
    -------
    value : Any
        ``f(*primals)``.
    vjp_fn : Callable
        ``vjp_fn(cotangent)``, with ``cotangent`` of the output's shape, returns
        a tuple with one cotangent per primal, ``cotangent @ J_i`` for the
        Jacobian ``J_i`` of ``f`` with respect to primal ``i``. It may be called
        any number of times; each call is one backward sweep of the same tape.
        For complex values the cotangents follow HIPS autograd's convention
        (see :func:`value_and_grad`); a complex output takes a complex
        cotangent, a real output a real one.
    """
    check_callable(f, "f")
    n = len(primals)
    tape, inputs, out = _trace(f, primals, {}, range(n), "vjp")
    value = as_output(out, "vjp")

    def vjp_fn(cotangent: Any) -> tuple[Any, ...]:
        cts = _backward(tape, out, _as_cotangent(cotangent, value), n, keep=True)
        return tuple(map(finalize, cts, inputs))

    return value, vjp_fn


def _as_tangent(tangent: Any, x: Any, i: int) -> Any:
    """Check a tangent against its primal ``x`` and convert it."""
    t = as_input(tangent, f"tangent {i}")
    if np.shape(t) != np.shape(x):
        raise ValueError(
            f"tangent {i} has shape {np.shape(t)} but primal {i} has shape "
            f"{np.shape(x)}"
        )
    if is_complex(t) and not is_complex(x):
        raise TypeError(f"tangent {i} is complex but primal {i} is real")
    if type(x) is float:
        return float(t)
    return complex(t) if type(x) is complex else t


def jvp(
    f: Callable[..., Any], primals: Sequence[Any], tangents: Sequence[Any]
) -> tuple[Any, Any]:
    """Evaluate ``f`` and its directional derivative by forward mode.

    Every value is carried with its tangent (a dual number) through ``f``; each
    operation applies its JVP rule. Nothing is recorded.

    Parameters
    ----------
    f
        Function of ``len(primals)`` positional arguments.
    primals
        Tuple (or list) of the point's coordinates: floats, ints or arrays.
    tangents
        Tuple (or list) of directions, one per primal, of the same shapes.

    Returns
    -------
    value : Any
        ``f(*primals)``.
    tangent_out : Any
        ``sum_i J_i @ tangents[i]``, of the output's shape (a Python float for a
        scalar output). Complex primals take complex tangents ``dx + i dy``.
    """
    check_callable(f, "f")
    for name, seq in (("primals", primals), ("tangents", tangents)):
        if not isinstance(seq, tuple | list):
            raise TypeError(
                f"jvp takes {name} as a tuple, e.g. (x,), not {type(seq).__name__}"
            )
    if len(primals) != len(tangents):
        raise ValueError(f"jvp got {len(primals)} primals but {len(tangents)} tangents")
    with tracing("jvp"):
        xs = [as_input(p, f"primal {i}") for i, p in enumerate(primals)]
        ts = [
            _as_tangent(t, x, i)
            for i, (t, x) in enumerate(zip(tangents, xs, strict=True))
        ]
        out = lift_output(f(*map(Dual, xs, ts)))
    value = as_output(out, "jvp")
    tangent = out.tangent if isinstance(out, Dual) else None
    return value, finalize(tangent, value)


def _check_real_output(value: Any) -> None:
    if is_complex(value):
        raise TypeError(
            "jacobian needs a real-valued function, but the function returned a "
            "complex value; take np.real and np.imag of it separately"
        )


def jacobian(
    f: Callable[..., Any], argnum: int = 0, mode: str = "reverse"
) -> Callable[..., np.ndarray]:
    """Make a function returning the Jacobian of ``f`` with respect to one input.

    Parameters
    ----------
    f
        Function returning a float or an array.
    argnum
        Position of the argument to differentiate with respect to.
    mode
        ``"reverse"``: one backward sweep (VJP) per output component, cheap for
        few outputs. ``"forward"``: one forward pass (JVP) per input component,
        cheap for few inputs. Both give the same matrix.

    Returns
    -------
    Callable
        Takes ``f``'s arguments and returns a float64 array of shape
        ``output.shape + input.shape`` with entries ``d output[i] / d input[j]``.

    Raises
    ------
    ValueError
        For an unknown ``mode``, or ``argnum`` out of range.
    TypeError
        For a complex input or output: a Jacobian of complex values needs the
        derivatives of real and imaginary parts separately, which the
        convention of :func:`value_and_grad` does not give; use :func:`vjp` or
        :func:`jvp` (complex intermediates are fine).
    NestedDifferentiationError
        If called inside a function being differentiated.
    """
    check_callable(f, "f")
    check_choice(mode, "mode", ("reverse", "forward"))
    if isinstance(argnum, tuple):
        raise TypeError("jacobian takes a single int argnum, not a tuple")
    check_int_or_int_tuple(argnum, "argnum")

    @functools.wraps(f)
    def jacobian_f(*args: Any, **kwargs: Any) -> np.ndarray:
        (n,), _ = normalize_argnum(argnum, len(args))
        x = as_input(args[n], f"argument {n}")
        if is_complex(x):
            raise TypeError(
                f"jacobian needs a real argument, but argument {n} is complex"
            )

        def f_of_x(z: Any) -> Any:
            return f(*args[:n], z, *args[n + 1 :], **kwargs)

        return accumulate_jacobian(f_of_x, x, mode)

    return jacobian_f


def accumulate_jacobian(
    f: Callable[[Any], Any], x: Any, mode: str = "reverse"
) -> np.ndarray:
    """The Jacobian of ``f`` at ``x``, by backward sweeps or by forward passes.

    Reverse accumulation records ``f`` once and sweeps the tape backwards once
    per output component, each sweep giving one row of the Jacobian (the
    derivatives of that output with respect to every input). Forward
    accumulation runs ``f`` once per input component with a unit tangent, each
    run giving one column. The two give the same matrix; they differ in cost
    when the numbers of inputs and outputs differ.

    Parameters
    ----------
    f
        Function of one real argument (a float or an array) returning a real
        float or array.
    x
        The point: a Python float or a float ndarray (as checked by
        :func:`jacobian`).
    mode
        ``"reverse"`` (one sweep per output) or ``"forward"`` (one pass per
        input).

    Returns
    -------
    ndarray
        Shape ``output.shape + x.shape``, entries ``d output[i] / d x[j]``.

    Raises
    ------
    TypeError
        If ``f`` returns a complex value.
    """
    check_choice(mode, "mode", ("reverse", "forward"))
    in_shape = np.shape(x)
    if mode == "reverse":
        value, vjp_fn = vjp(f, x)
        _check_real_output(value)
        out_shape = np.shape(value)
        jac = np.empty(out_shape + in_shape)
        for i in np.ndindex(out_shape):  # one backward sweep per output: a row
            cotangent = np.zeros(out_shape)
            cotangent[i] = 1.0
            jac[i] = vjp_fn(cotangent)[0]
        return jac
    jac = None
    for j in np.ndindex(in_shape):  # one forward pass per input: a column
        direction = np.zeros(in_shape)
        direction[j] = 1.0
        value, column = jvp(f, (x,), (direction,))
        _check_real_output(value)
        if jac is None:
            jac = np.empty(np.shape(value) + in_shape)
        jac[(..., *j)] = column
    if jac is None:  # an input without entries: no column to compute
        jac = np.empty(np.shape(as_output(f(x), "jacobian")) + in_shape)
    return jac
