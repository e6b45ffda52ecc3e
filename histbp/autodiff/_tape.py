"""The tape: Linnainmaa's record of a computation, swept backwards.

Linnainmaa (1970) observed that the derivative of a computation's result with
respect to every intermediate quantity can be accumulated in one pass over the
operations *in reverse order*, provided each operation remembered its operands
and the local derivative rule. The tape is that memory. Operations are appended
as they happen, so every operand is recorded before its uses and reverse creation
order is a valid topological order: no graph search and no recursion is needed.

A *node* is three things, kept in three parallel lists (parallel lists of small
objects cost far less memory and garbage-collector time than one object per
node):

``fns[i]``
    its cotangent rule, called as ``fns[i](g, *data[i])`` with the cotangent
    ``g`` of node ``i``; it returns one cotangent per parent;
``parents[i]``
    the indices of the nodes it was computed from (its traced operands);
``data[i]``
    what the rule needs: the output, the operands, the keyword arguments.

The first nodes are the inputs (leaves, with no rule). :func:`backward_pass` is
the whole reverse sweep. :mod:`histbp.autodiff._fastpath` records some nodes in a
more compact form (a single parent as an ``int``, whose rule returns one
cotangent), which the same sweep reads.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any

from histbp.autodiff._errors import EscapedTracerError

__all__ = ["Tape", "backward_pass"]


class Tape:
    """The record of the operations performed on traced values, in order.

    :func:`~histbp.autodiff.grad` and the other reverse-mode functions make one
    tape per call, record a node on it for every operation on a
    :class:`~histbp.autodiff.ReverseTracer` (whose ``tape`` and ``idx`` name
    the tape and the node), and sweep it with :func:`backward_pass`.

    Attributes
    ----------
    fns : list
        The cotangent rule of each node (``None`` for an input).
    parents : list
        The parents of each node: a tuple of node indices, or one ``int``.
    data : list
        What each node's rule needs, a tuple (``None`` for an input).
    recording : bool
        False once the differentiation that made the tape has returned.
    """

    __slots__ = ("data", "fns", "parents", "recording")

    def __init__(self) -> None:
        self.fns: list[Callable[..., Any] | None] = []
        self.parents: list[Any] = []
        self.data: list[tuple[Any, ...] | None] = []
        self.recording = True

    def __len__(self) -> int:
        return len(self.fns)

    def record(
        self, fn: Callable[..., Any] | None, parents: Any, data: tuple[Any, ...] | None
    ) -> int:
        """Append a node and return its index."""
        if not self.recording:
            raise self.escaped()
        fns = self.fns
        index = len(fns)
        fns.append(fn)
        self.parents.append(parents)
        self.data.append(data)
        return index

    @staticmethod
    def escaped() -> EscapedTracerError:
        """The error for recording on a tape whose differentiation has ended."""
        return EscapedTracerError(
            "a traced value was used after the grad/vjp/jacobian call that "
            "created it had returned; return plain values from the function "
            "instead of storing traced ones"
        )

    def stop(self) -> None:
        """End recording: later operations on this tape's values raise."""
        self.recording = False

    def nbytes(self) -> int:
        """Estimate the memory held by the tape's nodes, in bytes.

        Counts the three lists, the node tuples and the integers and floats they
        hold directly; arrays are counted by ``sys.getsizeof`` (their buffers,
        when they own them). Shared objects are counted once.
        """
        seen: set[int] = set()
        total = 0
        stack: list[Any] = [self.fns, self.parents, self.data]
        while stack:
            obj = stack.pop()
            if id(obj) in seen or callable(obj) or obj is None:
                continue
            seen.add(id(obj))
            total += sys.getsizeof(obj)
            if isinstance(obj, list | tuple):
                stack.extend(obj)
        return total


def backward_pass(
    tape: Tape, out: int, seed: Any, n_leaves: int, keep: bool = True
) -> list[Any]:
    """Sweep ``tape`` backwards from node ``out``: the chain rule, output first.

    The cotangent of a node is the derivative of the output with respect to
    the node's value. It is complete when the sweep reaches the node, since all
    the node's uses come later on the tape; the node's rule then turns it into
    one share per parent (the cotangent times the local partial derivative),
    and a node used several times receives the sum of its shares. Nodes that do
    not lead to ``out`` never receive a cotangent and are skipped.

    A node's parents are a tuple, whose rule returns a tuple of shares, or a
    single ``int``, whose rule returns the one share alone (the compact form
    that the fast paths record).

    Parameters
    ----------
    tape
        The record of the computation.
    out
        Index of the output node.
    seed
        Cotangent of the output (1 for the gradient of a scalar).
    n_leaves
        Number of leading leaf nodes (the inputs), whose cotangents are returned.
    keep
        If false, each node's saved values are released once its rule has run,
        so memory shrinks during the sweep; the tape cannot then be swept again.

    Returns
    -------
    list
        The cotangent of each leaf, or ``None`` for a leaf the output does not
        depend on.

    Examples
    --------
    :func:`~histbp.autodiff.grad` records the tape and calls this sweep; a
    traced value knows its tape and its node, so the sweep can also be called
    by hand, here from the output of ``x * x + x`` at ``x = 3``:

    >>> from histbp.autodiff import backward_pass, grad
    >>> def f(x):
    ...     y = x * x + x
    ...     print(backward_pass(y.tape, y.idx, 1.0, n_leaves=1))
    ...     return y
    >>> grad(f)(3.0)
    [7.0]
    7.0
    """
    fns, parents, data = tape.fns, tape.parents, tape.data
    cts: list[Any] = [None] * (out + 1)
    cts[out] = seed
    for i in range(out, n_leaves - 1, -1):
        g = cts[i]
        if g is None:
            continue
        cts[i] = None  # only the leaves' cotangents are returned
        saved = data[i]
        if not keep:
            data[i] = None
        p = parents[i]
        if type(p) is int:  # one parent: the rule returns its share alone
            share = fns[i](g, *saved)
            c = cts[p]
            cts[p] = share if c is None else c + share
        elif len(p) == 2:  # two parents, unrolled: the commonest case
            a, b = p
            share_a, share_b = fns[i](g, *saved)
            c = cts[a]
            cts[a] = share_a if c is None else c + share_a
            c = cts[b]
            cts[b] = share_b if c is None else c + share_b
        else:
            for j, share in zip(p, fns[i](g, *saved), strict=True):
                c = cts[j]
                cts[j] = share if c is None else c + share
    return cts[:n_leaves]
