"""The tape: Linnainmaa's record of a computation, swept backwards.

Linnainmaa (1970) observed that the derivative of a computation's result with
respect to every intermediate quantity can be accumulated in one pass over the
operations *in reverse order*, provided each operation remembered its operands
and the local derivative rule. The tape is that memory. Operations are appended
as they happen, so every operand is recorded before its uses and reverse creation
order is a valid topological order: no graph search and no recursion is needed.

The tape stores its nodes as three parallel lists, ``fns``, ``parents`` and
``data``. Node ``i`` was produced by an operation whose cotangent rule is
``fns[i]``, applied as ``fns[i](g, *data[i])`` to the cotangent ``g`` of node
``i``; ``parents[i]`` is the index of the one traced operand, or a tuple of
indices when several operands are traced, in which case the rule returns one
cotangent per index. Parallel lists of small objects cost far less memory and
garbage-collector time than one object per node.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any

from histbp.autodiff.errors import EscapedTracerError

__all__ = ["Tape"]


class Tape:
    """A record of the operations performed on traced values, in order.

    The first ``n_leaves`` nodes are the inputs being differentiated (leaves,
    with no rule); every later node is an operation.
    """

    __slots__ = ("data", "fns", "parents", "recording")

    def __init__(self) -> None:
        self.fns: list[Callable[..., Any] | None] = []
        self.parents: list[int | tuple[int, ...] | None] = []
        self.data: list[tuple[Any, ...] | None] = []
        self.recording = True

    def __len__(self) -> int:
        return len(self.fns)

    def record(
        self,
        fn: Callable[..., Any] | None,
        parents: int | tuple[int, ...] | None,
        data: tuple[Any, ...] | None,
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

        Cotangents are kept in a list indexed by node; each is released as soon
        as its node's rule has consumed it. Nodes that do not lead to ``out``
        never receive a cotangent and are skipped. A node used several times
        receives the sum of the cotangents of all its uses.

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
        fns, parents, data = self.fns, self.parents, self.data
        cts: list[Any] = [None] * (out + 1)
        cts[out] = seed
        for i in range(out, n_leaves - 1, -1):
            g = cts[i]
            if g is None:
                continue
            cts[i] = None
            p = parents[i]
            saved = data[i]
            if not keep:
                data[i] = None
            if type(p) is int:
                gp = fns[i](g, *saved)
                c = cts[p]
                cts[p] = gp if c is None else c + gp
            elif len(p) == 2:
                a, b = p
                ga, gb = fns[i](g, *saved)
                c = cts[a]
                cts[a] = ga if c is None else c + ga
                c = cts[b]
                cts[b] = gb if c is None else c + gb
            else:
                for j, gj in zip(p, fns[i](g, *saved), strict=True):
                    c = cts[j]
                    cts[j] = gj if c is None else c + gj
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
