"""Rules for operations that copy, move or mask entries.

Flips, rolls, repeats, tiles, pads, diagonals, triangles, differences,
``atleast_nd``, ``broadcast_to`` and ``append``.

Each is linear in its array, so its JVP is the operation applied to the tangent
(with zeros where it inserts constants) and its VJP is the transposed map:
a flip or a roll is undone by the opposite flip or roll, a repeat or a tile by
summing the copies, a pad by cutting the padding off, ``diagonal`` and ``diag``
by writing the cotangent onto a diagonal of zeros, ``diff`` by the negative
difference of the cotangent padded with a zero at each end.

``numpy.pad`` is supported in the modes that copy entries (``constant``,
``edge``, ``wrap``, ``reflect`` and ``symmetric`` with the default
``reflect_type="even"``): its VJP sums the cotangent of each output entry into
the entry it was copied from, found by padding an array of indices.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from histbp.autodiff._broadcasting import unbroadcast
from histbp.autodiff._registry import defprimitive, unsupported

__all__: list[str] = []


def _shaped(g: Any, x: Any) -> Any:
    """Cotangent ``g`` reshaped to the operand ``x`` (a float for a float)."""
    if type(x) is float:
        return float(np.reshape(g, ()))
    shape = np.shape(x)
    return g if np.shape(g) == shape else np.reshape(g, shape)


def _same_op(func):
    """JVP rule of a linear operation: apply it to the tangent."""
    return lambda t, ans, x, *args, **kwargs: func(t, *args, **kwargs)


def _to_shape(g, ans, x, *args, **kwargs):
    """VJP of an operation that only adds length-1 axes."""
    return _shaped(g, x)


# -- flips and rotations ---------------------------------------------------------------


def _flip_vjp(g, ans, m, axis=None):
    return np.flip(g, axis)


def _rot90_vjp(g, ans, m, k=1, axes=(0, 1)):
    return np.rot90(g, -k, axes)


defprimitive(np.flip, (_flip_vjp,), (_same_op(np.flip),), kwargs=("axis",))
defprimitive(np.fliplr, (lambda g, ans, m: np.fliplr(g),), (_same_op(np.fliplr),))
defprimitive(np.flipud, (lambda g, ans, m: np.flipud(g),), (_same_op(np.flipud),))
defprimitive(np.rot90, (_rot90_vjp,), (_same_op(np.rot90),), kwargs=("k", "axes"))


def _roll_vjp(g, ans, a, shift, axis=None):
    return np.roll(g, np.negative(shift), axis)


defprimitive(np.roll, (_roll_vjp,), (_same_op(np.roll),), kwargs=("shift", "axis"))


# -- repeat, tile, broadcast_to --------------------------------------------------------


def _repeat_vjp(g, ans, a, repeats, axis=None):
    flat = axis is None
    x = np.ravel(a) if flat else np.asarray(a)
    ax = 0 if flat else int(axis) % x.ndim
    n = x.shape[ax]
    source = np.repeat(np.arange(n), repeats)  # the entry each output entry copies
    out = np.zeros((n, *np.delete(x.shape, ax)), dtype=np.result_type(g, 0.0))
    np.add.at(out, source, np.moveaxis(np.reshape(g, np.shape(ans)), ax, 0))
    return _shaped(np.moveaxis(out, 0, ax), a)


defprimitive(
    np.repeat,
    (_repeat_vjp,),
    (_same_op(np.repeat),),
    kwargs=("repeats", "axis"),
)


def _tile_vjp(g, ans, A, reps):
    reps = (reps,) if np.ndim(reps) == 0 else tuple(reps)
    shape = np.shape(A)
    d = max(len(reps), len(shape))
    shape_d = (1,) * (d - len(shape)) + shape
    reps_d = (1,) * (d - len(reps)) + reps
    blocks = np.reshape(
        g, [n for pair in zip(reps_d, shape_d, strict=True) for n in pair]
    )
    return _shaped(blocks.sum(axis=tuple(range(0, 2 * d, 2))), A)


defprimitive(np.tile, (_tile_vjp,), (_same_op(np.tile),), kwargs=("reps",))


def _broadcast_to_vjp(g, ans, array, shape, subok=False):
    return _shaped(unbroadcast(g, np.shape(array)), array)


defprimitive(
    np.broadcast_to,
    (_broadcast_to_vjp,),
    (lambda t, ans, array, shape, subok=False: np.broadcast_to(t, shape),),
    kwargs=("shape",),
)


# -- atleast_1d/2d/3d: one array at a time ---------------------------------------------


def _atleast(func: Any) -> Any:
    name = f"numpy.{func.__name__}"

    def impl(*arys: Any) -> Any:
        if len(arys) != 1:
            raise unsupported(
                name, "several arrays in one call (call it once per array)"
            )
        return func(arys[0])

    defprimitive(func, (_to_shape,), (_same_op(func),), impl=impl, name=name)


for _func in (np.atleast_1d, np.atleast_2d, np.atleast_3d):
    _atleast(_func)


# -- pad ------------------------------------------------------------------------------

_COPYING_MODES = ("constant", "edge", "wrap", "reflect", "symmetric")


def _pad_options(mode: Any, kwargs: dict) -> dict:
    """The keywords that shape the padding, after checking the mode is supported."""
    if not isinstance(mode, str) or mode not in _COPYING_MODES:
        raise unsupported(
            "numpy.pad",
            f"mode={mode!r} (supported: {', '.join(_COPYING_MODES)})",
        )
    if kwargs.get("reflect_type", "even") != "even":
        raise unsupported(
            "numpy.pad", f"reflect_type={kwargs['reflect_type']!r} (only 'even')"
        )
    return {k: v for k, v in kwargs.items() if k == "reflect_type"}


def _pad(array, pad_width, mode="constant", **kwargs):
    _pad_options(mode, kwargs)
    return np.pad(array, pad_width, mode, **kwargs)


def _pad_vjp(g, ans, array, pad_width, mode="constant", **kwargs):
    shape = np.shape(array)
    index = np.arange(int(np.prod(shape))).reshape(shape)
    if mode == "constant":
        source = np.pad(index, pad_width, "constant", constant_values=-1)
    else:
        source = np.pad(index, pad_width, mode, **_pad_options(mode, kwargs))
    kept = source >= 0
    sums = np.bincount(source[kept], weights=np.asarray(g)[kept], minlength=index.size)
    return _shaped(sums, array)


def _pad_jvp(t, ans, array, pad_width, mode="constant", **kwargs):
    if mode == "constant":  # the constants have tangent 0
        return np.pad(t, pad_width, "constant")
    return np.pad(t, pad_width, mode, **_pad_options(mode, kwargs))


defprimitive(
    np.pad,
    (_pad_vjp,),
    (_pad_jvp,),
    impl=_pad,
    kwargs=("pad_width", "mode", "constant_values", "reflect_type"),
)


# -- diagonals and triangles -----------------------------------------------------------


def _diagonal_vjp(g, ans, a, offset=0, axis1=0, axis2=1):
    x = np.asarray(a)
    moved = np.moveaxis(
        np.zeros(x.shape, dtype=np.result_type(g, 0.0)), (axis1, axis2), (-2, -1)
    )
    n = np.shape(g)[-1]
    rows = np.arange(n) + max(-offset, 0)
    cols = np.arange(n) + max(offset, 0)
    moved[..., rows, cols] = g
    return np.moveaxis(moved, (-2, -1), (axis1, axis2))


def _trace_vjp(g, ans, a, offset=0, axis1=0, axis2=1, dtype=None, out=None):
    x = np.asarray(a)
    n = np.diagonal(x, offset, axis1, axis2).shape[-1]
    spread = np.broadcast_to(np.expand_dims(g, -1), (*np.shape(g), n))
    return _diagonal_vjp(spread, None, x, offset, axis1, axis2)


def _trace_jvp(t, ans, a, offset=0, axis1=0, axis2=1, dtype=None, out=None):
    return np.trace(t, offset, axis1, axis2)


def _diag_vjp(g, ans, v, k=0):
    if np.ndim(v) == 1:  # v was put on a diagonal: read it back
        return np.diagonal(g, k).copy()
    return _diagonal_vjp(g, ans, v, k)


defprimitive(
    np.diagonal,
    (_diagonal_vjp,),
    (_same_op(np.diagonal),),
    kwargs=("offset", "axis1", "axis2"),
)
defprimitive(
    np.trace, (_trace_vjp,), (_trace_jvp,), kwargs=("offset", "axis1", "axis2")
)
defprimitive(np.diag, (_diag_vjp,), (_same_op(np.diag),), kwargs=("k",))
defprimitive(
    np.tril,
    (lambda g, ans, m, k=0: np.tril(g, k),),
    (_same_op(np.tril),),
    kwargs=("k",),
)
defprimitive(
    np.triu,
    (lambda g, ans, m, k=0: np.triu(g, k),),
    (_same_op(np.triu),),
    kwargs=("k",),
)


# -- diff ------------------------------------------------------------------------------

_NO_VALUE = object()


def _ends(x: Any, axis: int, prepend: Any, append: Any) -> tuple[int, int]:
    """How many entries ``prepend`` and ``append`` add along ``axis``."""

    def count(v: Any) -> int:
        if v is _NO_VALUE:
            return 0
        return 1 if np.ndim(v) == 0 else np.shape(v)[axis]

    return count(prepend), count(append)


def _diff_vjp(g, ans, a, n=1, axis=-1, prepend=_NO_VALUE, append=_NO_VALUE):
    x = np.asarray(a)
    ax = axis % x.ndim
    before, after = _ends(x, ax, prepend, append)
    widths = [(0, 0)] * x.ndim
    for _ in range(n):  # the transpose of one difference, n times
        widths[ax] = (1, 0)
        left = np.pad(g, widths)
        widths[ax] = (0, 1)
        g = left - np.pad(g, widths)
    index = [slice(None)] * x.ndim
    index[ax] = slice(before, g.shape[ax] - after)
    return g[tuple(index)]


def _diff_jvp(t, ans, a, n=1, axis=-1, prepend=_NO_VALUE, append=_NO_VALUE):
    ends = {}
    for name, v in (("prepend", prepend), ("append", append)):
        if v is not _NO_VALUE:
            ends[name] = np.zeros(np.shape(v))  # constants: tangent 0
    return np.diff(t, n, axis, **ends)


defprimitive(
    np.diff,
    (_diff_vjp,),
    (_diff_jvp,),
    kwargs=("n", "axis", "prepend", "append"),
)


# -- append ----------------------------------------------------------------------------


def _append_parts(ans: Any, arr: Any, values: Any, axis: Any) -> tuple[Any, Any]:
    """Index of ``arr``'s part and of ``values``' part in ``append``'s output."""
    if axis is None:
        n = np.size(arr)
        return slice(0, n), slice(n, None)
    ax = axis % np.ndim(ans)
    n = np.shape(arr)[ax]
    head = (slice(None),) * ax
    return (*head, slice(0, n)), (*head, slice(n, None))


def _append_vjp_arr(g, ans, arr, values, axis=None):
    part = g[_append_parts(ans, arr, values, axis)[0]]
    return _shaped(part, arr)


def _append_vjp_values(g, ans, arr, values, axis=None):
    part = g[_append_parts(ans, arr, values, axis)[1]]
    return _shaped(part, values)


defprimitive(
    np.append,
    (_append_vjp_arr, _append_vjp_values),
    (
        lambda t, ans, arr, values, axis=None: np.append(
            t, np.zeros(np.shape(values)), axis
        ),
        lambda t, ans, arr, values, axis=None: np.append(
            np.zeros(np.shape(arr)), t, axis
        ),
    ),
    kwargs=("axis",),
)
