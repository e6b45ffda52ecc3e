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

The first nodes are the inputs (leaves, with no rule). :meth:`Tape.backward` is
the whole reverse sweep, written for reading. :mod:`histbp.autodiff.fastpath`
records some nodes in more compact forms (a single parent as an ``int``, whose
rule returns one cotangent) and sweeps them with a specialised copy of the same
loop; its tests hold the two paths equal.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any

from histbp.autodiff.errors import EscapedTracerError

__all__ = ["Tape"]


class Tape:
    """A record of the operations performed on traced values, in order."""

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

    def backward(
        self, out: int, seed: Any, n_leaves: int, keep: bool = True
    ) -> list[Any]:
        """Sweep the tape backwards from node ``out`` seeded with ``seed``.

        Each node's cotangent is complete when the sweep reaches it, since all
        its uses come later on the tape; its rule then passes a share to each
        parent, and a node used several times receives the sum of its shares.
        Nodes that do not lead to ``out`` never receive a cotangent and are
        skipped.

        Parameters
        ----------
        out
            Index of the output node.
        seed
            Cotangent of the output.
        n_leaves
            Number of leading leaf nodes, whose cotangents are returned.
        keep
            If false, each node's saved values are released once its rule has
            run, so memory shrinks during the sweep; the tape cannot then be
            swept again.

        Returns
        -------
        list
            The cotangent of each leaf, or ``None`` for a leaf the output does
            not depend on.
        """
        cts: list[Any] = [None] * (out + 1)
        cts[out] = seed
        for i in range(out, n_leaves - 1, -1):
            g = cts[i]
            if g is None:
                continue
            cts[i] = None  # release it: only leaves' cotangents are returned
            shares = self.fns[i](g, *self.data[i])
            for parent, share in zip(self.parents[i], shares, strict=True):
                cts[parent] = share if cts[parent] is None else cts[parent] + share
            if not keep:
                self.data[i] = None
        return cts[:n_leaves]

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
