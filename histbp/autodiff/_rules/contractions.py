"""Rules for contractions: einsum, tensordot, inner, kron, N-D dot.

``numpy.dot`` with operands of any dimension is one of them.

A contraction is linear in each operand, so its JVP with respect to one operand
is the same contraction with that operand replaced by its tangent. Its VJP with
respect to operand ``k`` is again a contraction: of the output's cotangent with
every other operand, producing operand ``k``'s subscripts. Two cases need care:
an index repeated within operand ``k`` (``einsum("ii", a)`` reads a diagonal),
whose cotangent is written back onto that diagonal by contracting with an
identity matrix; and an index of operand ``k`` that appears nowhere else (it is
summed away), along which the cotangent is constant, by contracting with a
vector of ones. Axes that broadcasting stretched from length 1 are summed back.

Both of numpy's forms are supported: subscripts as a string, and the sublist form
``einsum(a, [0, 1], b, [1, 2], [0, 2])``.

``tensordot``, ``inner`` and ``dot`` are written as ``einsum`` subscripts and
share those rules. ``kron(a, b)`` is the outer product of ``a`` and ``b`` with
their axes interleaved and merged; its VJP contracts the cotangent, split back
into those axes, with the other factor.
"""

from __future__ import annotations

from string import ascii_letters
from typing import Any

import numpy as np

from histbp.autodiff._registry import defprimitive, unsupported

__all__: list[str] = []

_MAX_OPERANDS = 32


# -- einsum subscripts -----------------------------------------------------------------


def _explicit(subscripts: str, shapes: list[tuple[int, ...]]) -> tuple[list[str], str]:
    """Subscripts without ellipses or implicit output: ``(inputs, output)``.

    ``"...ij,jk"`` on shapes ``(2, 3, 4), (4, 5)`` becomes ``(["Zij", "jk"],
    "Zik")``, with fresh letters for the axes an ellipsis stands for (aligned
    from the right, as broadcasting) and numpy's implicit output: the ellipsis
    axes, then the indices used once, in alphabetical order.
    """
    spec = subscripts.replace(" ", "")
    inputs_part, arrow, output = spec.partition("->")
    inputs = inputs_part.split(",")
    if len(inputs) != len(shapes):
        raise ValueError(
            f"einsum: {len(inputs)} operand subscripts for {len(shapes)} operands"
        )
    free = [c for c in ascii_letters if c not in spec]
    n_ellipsis = max(
        (
            len(s) - len(term.replace("...", ""))
            for term, s in zip(inputs, shapes, strict=True)
            if "..." in term
        ),
        default=0,
    )
    if n_ellipsis > len(free):
        raise unsupported("numpy.einsum", "that many axes under an ellipsis")
    ellipsis = "".join(free[:n_ellipsis])
    expanded = []
    for term, shape in zip(inputs, shapes, strict=True):
        if "..." in term:
            k = len(shape) - len(term.replace("...", ""))
            term = term.replace("...", ellipsis[n_ellipsis - k :] if k else "")
        expanded.append(term)
    if arrow:
        output = output.replace("...", ellipsis)
    else:
        letters = "".join(expanded)
        once = sorted(
            c for c in set(letters) if letters.count(c) == 1 and c not in ellipsis
        )
        output = ellipsis + "".join(once)
    return expanded, output


def _sizes(inputs: list[str], operands: list[Any]) -> dict[str, int]:
    """The length of each index (the largest, where one is broadcast from 1)."""
    sizes: dict[str, int] = {}
    for term, a in zip(inputs, operands, strict=True):
        for c, n in zip(term, np.shape(a), strict=True):
            sizes[c] = max(sizes.get(c, 1), n)
    return sizes


def _like(r: Any, x: Any) -> Any:
    """A cotangent for the operand ``x``: its shape, and a float for a float."""
    if type(x) is float:
        return float(np.reshape(r, ()))
    return r


def _contract_back(
    inputs: list[str], output: str, operands: list[Any], k: int, g: Any
) -> Any:
    """The VJP of the contraction ``inputs -> output`` with respect to operand k."""
    term = inputs[k]
    sizes = _sizes(inputs, operands)
    elsewhere = set(output).union(*(inputs[i] for i in range(len(inputs)) if i != k))
    free = iter(c for c in ascii_letters if c not in "".join(inputs) + output)
    terms = [output] + [inputs[i] for i in range(len(inputs)) if i != k]
    args: list[Any] = [g] + [operands[i] for i in range(len(inputs)) if i != k]
    target, seen = [], set()
    for c in term:
        if c in seen:  # a diagonal: a fresh index tied to c by an identity
            fresh = next(free)
            terms.append(c + fresh)
            args.append(np.eye(sizes[c]))
            target.append(fresh)
            continue
        seen.add(c)
        target.append(c)
        if c not in elsewhere:  # summed in this operand only: constant along it
            terms.append(c)
            args.append(np.ones(sizes[c]))
            elsewhere.add(c)
    r = np.einsum(",".join(terms) + "->" + "".join(target), *args)
    shape = np.shape(operands[k])
    stretched = tuple(i for i, n in enumerate(shape) if n == 1 and r.shape[i] != 1)
    if stretched:
        r = r.sum(axis=stretched, keepdims=True)
    return _like(r, operands[k])


# -- einsum ----------------------------------------------------------------------------


def _sublist(labels: Any) -> str:
    """Subscripts of the sublist form (``[0, 1]``, ``[Ellipsis, 0]``) as letters."""
    return "".join("..." if k is Ellipsis else ascii_letters[k] for k in labels)


def _einsum_parts(args: tuple[Any, ...], position: int = 0) -> tuple[str, list, int]:
    """The subscripts, the operands, and which operand is at ``position``.

    Both of numpy's forms: ``einsum("ij,jk", a, b)`` and the sublist form
    ``einsum(a, [0, 1], b, [1, 2])`` (with an optional output sublist last).
    """
    if isinstance(args[0], str):
        return args[0], list(args[1:]), position - 1
    operands = list(args[0::2])
    terms = [_sublist(labels) for labels in args[1::2]]
    output = ""
    if len(args) % 2:  # an output sublist
        operands.pop()
        output = "->" + _sublist(args[-1])
    return ",".join(terms[: len(operands)]) + output, operands, position // 2


def _einsum_vjp(position: int) -> Any:
    def vjp(g, ans, *args, **kwargs):
        subscripts, operands, k = _einsum_parts(args, position)
        inputs, output = _explicit(subscripts, [np.shape(a) for a in operands])
        return _contract_back(inputs, output, operands, k, g)

    return vjp


def _einsum_jvp(position: int) -> Any:
    def jvp(t, ans, *args, **kwargs):
        replaced = list(args)
        replaced[position] = t
        return np.einsum(*replaced, **kwargs)

    return jvp


# Positions 0, 2, 4, ... are operands in the sublist form; in the string form
# position 0 holds the subscripts, which are never traced.
_POSITIONS = range(2 * _MAX_OPERANDS + 1)
defprimitive(
    np.einsum,
    tuple(_einsum_vjp(p) for p in _POSITIONS),
    tuple(_einsum_jvp(p) for p in _POSITIONS),
    kwargs=("optimize",),
    defaults={"out": None, "dtype": None, "order": "K", "casting": "safe"},
)


# -- tensordot, inner, dot as einsum subscripts ----------------------------------------


def _tensordot_subscripts(a: Any, b: Any, axes: Any = 2) -> tuple[list[str], str]:
    na, nb = np.ndim(a), np.ndim(b)
    if isinstance(axes, int | np.integer):
        axes_a, axes_b = list(range(na - axes, na)), list(range(int(axes)))
    else:
        axes_a, axes_b = axes
        axes_a = [axes_a] if isinstance(axes_a, int | np.integer) else list(axes_a)
        axes_b = [axes_b] if isinstance(axes_b, int | np.integer) else list(axes_b)
    axes_a = [int(i) % na for i in axes_a]
    axes_b = [int(i) % nb for i in axes_b]
    letters = iter(ascii_letters)
    sa = [next(letters) for _ in range(na)]
    sb = [next(letters) for _ in range(nb)]
    for i, j in zip(axes_a, axes_b, strict=True):
        sb[j] = sa[i]
    out = [c for i, c in enumerate(sa) if i not in axes_a]
    out += [c for j, c in enumerate(sb) if j not in axes_b]
    return ["".join(sa), "".join(sb)], "".join(out)


def _inner_subscripts(a: Any, b: Any) -> tuple[list[str], str]:
    if np.ndim(a) == 0 or np.ndim(b) == 0:  # a product
        return _tensordot_subscripts(a, b, 0)
    return _tensordot_subscripts(a, b, ([-1], [-1]))


def _dot_subscripts(a: Any, b: Any) -> tuple[list[str], str]:
    if np.ndim(a) == 0 or np.ndim(b) == 0:
        return _tensordot_subscripts(a, b, 0)
    return _tensordot_subscripts(a, b, ([-1], [-1 if np.ndim(b) == 1 else -2]))


def _pair_rules(subscripts: Any, func: Any) -> tuple[tuple[Any, Any], tuple[Any, Any]]:
    """VJP and JVP rules of a bilinear ``func(a, b, *rest)`` given as einsum."""

    def vjp(k: int) -> Any:
        def rule(g, ans, a, b, *rest, **kwargs):
            inputs, output = subscripts(a, b, *rest, **kwargs)
            return _contract_back(inputs, output, [a, b], k, g)

        return rule

    return (
        (vjp(0), vjp(1)),
        (
            lambda t, ans, a, b, *rest, **kw: func(t, b, *rest, **kw),
            lambda t, ans, a, b, *rest, **kw: func(a, t, *rest, **kw),
        ),
    )


_vjps, _jvps = _pair_rules(_tensordot_subscripts, np.tensordot)
defprimitive(np.tensordot, _vjps, _jvps, kwargs=("axes",))
_vjps, _jvps = _pair_rules(_inner_subscripts, np.inner)
defprimitive(np.inner, _vjps, _jvps)
DOT_RULES = _pair_rules(_dot_subscripts, np.dot)


# -- kron ------------------------------------------------------------------------------


def _kron_vjp(g: Any, a: Any, b: Any, first: bool) -> Any:
    """The cotangent of ``a`` (``first``) or of ``b`` in ``kron(a, b)``.

    ``g`` is cut into blocks, one per entry of ``a``, each of ``b``'s shape (both
    shapes padded with leading 1s to a common length); each block is contracted
    with ``b`` for ``a``'s entry, and the blocks are summed with weights ``a`` for
    ``b``'s cotangent.
    """
    sa, sb = np.shape(a), np.shape(b)
    n = max(len(sa), len(sb))
    sa, sb = (1,) * (n - len(sa)) + sa, (1,) * (n - len(sb)) + sb
    blocks = np.reshape(g, [m for pair in zip(sa, sb, strict=True) for m in pair])
    mine, other, other_shape = (a, b, sb) if first else (b, a, sa)
    summed = range(1, 2 * n, 2) if first else range(0, 2 * n, 2)
    r = np.tensordot(
        blocks, np.reshape(other, other_shape), axes=(list(summed), list(range(n)))
    )
    return _like(np.reshape(r, np.shape(mine)), mine)


defprimitive(
    np.kron,
    (
        lambda g, ans, a, b: _kron_vjp(g, a, b, first=True),
        lambda g, ans, a, b: _kron_vjp(g, a, b, first=False),
    ),
    (lambda t, ans, a, b: np.kron(t, b), lambda t, ans, a, b: np.kron(a, t)),
)
