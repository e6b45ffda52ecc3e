"""The data of the timeline's experiments.

The small tasks of the 1985-86 experiments are functions returning ``(X, Y)``:
input patterns and desired outputs, one pattern per row, as float arrays of zeros
and ones. The real MNIST of the 2010 entry is :func:`load_mnist`, which lives in
:mod:`histbp.mnist` and is re-exported here.

References
----------
Rumelhart, Hinton and Williams (1985) [rumelhart1985];
Rumelhart, Hinton and Williams (1986) [rumelhart1986].
"""

from __future__ import annotations

import itertools
import numbers
from typing import Any

import numpy as np

from histbp.mnist import load_mnist

__all__ = [
    "FAMILY_PEOPLE",
    "FAMILY_RELATIONS",
    "encoder",
    "family_tree_facts",
    "family_trees",
    "load_mnist",
    "parity",
    "symmetry",
    "xor",
]

_MAX_BITS = 20


def _bits(n: Any, name: str, low: int) -> int:
    """Check a pattern length: an integer from ``low`` to 20."""
    if isinstance(n, bool) or not isinstance(n, numbers.Integral):
        raise TypeError(f"{name} must be an integer, got {type(n).__name__}")
    if not low <= n <= _MAX_BITS:
        raise ValueError(
            f"{name} must be an integer from {low} to {_MAX_BITS} "
            f"(2**{name} patterns are built), got {n}"
        )
    return int(n)


def _all_patterns(n: int) -> np.ndarray:
    """All ``2**n`` binary strings of length ``n``, in counting order."""
    return np.array(list(itertools.product((0.0, 1.0), repeat=n)))


def xor() -> tuple[np.ndarray, np.ndarray]:
    """Return the exclusive-or task: four patterns of two bits, one target.

    Returns
    -------
    X : numpy.ndarray
        ``[[0, 0], [0, 1], [1, 0], [1, 1]]``.
    Y : numpy.ndarray
        ``[[0], [1], [1], [0]]``.
    """
    X = _all_patterns(2)
    return X, (X.sum(axis=1, keepdims=True) == 1).astype(float)


def encoder(n: int = 8) -> tuple[np.ndarray, np.ndarray]:
    """Return the ``n``-``log2 n``-``n`` encoder task: reproduce one-of-``n`` inputs.

    The ``n`` patterns each have a single unit on, and the target is the input
    itself; a network must pass them through a bottleneck of ``log2(n)`` hidden
    units, which forces a binary-like code.

    Parameters
    ----------
    n
        Number of input (and output) units: a power of two, at least 2.

    Returns
    -------
    X, Y : numpy.ndarray
        Both the ``n`` by ``n`` identity matrix.

    Raises
    ------
    TypeError
        If ``n`` is not an integer.
    ValueError
        If ``n`` is not a power of two from 2 to 2**20.
    """
    if isinstance(n, bool) or not isinstance(n, numbers.Integral):
        raise TypeError(f"n must be an integer, got {type(n).__name__}")
    if n < 2 or n > 2**_MAX_BITS or n & (n - 1):
        raise ValueError(f"n must be a power of two from 2 to 2**{_MAX_BITS}, got {n}")
    eye = np.eye(int(n))
    return eye, eye.copy()


def symmetry(n: int = 6) -> tuple[np.ndarray, np.ndarray]:
    """Return the mirror-symmetry task on all ``2**n`` binary strings of length ``n``.

    The target is 1 when the string reads the same backwards (is symmetric about
    its centre), else 0. For ``n = 6`` there are 64 patterns, 8 of them symmetric.

    Parameters
    ----------
    n
        String length, an integer from 2 to 20.

    Returns
    -------
    X : numpy.ndarray
        Shape ``(2**n, n)``, the strings in counting order (first bit most
        significant).
    Y : numpy.ndarray
        Shape ``(2**n, 1)``: 1.0 for a symmetric string, else 0.0.

    Raises
    ------
    TypeError
        If ``n`` is not an integer.
    ValueError
        If ``n`` is outside 2 to 20.
    """
    X = _all_patterns(_bits(n, "n", 2))
    return X, np.all(X == X[:, ::-1], axis=1, keepdims=True).astype(float)


def parity(n: int) -> tuple[np.ndarray, np.ndarray]:
    """Return the parity task: target 1 when a string has an odd number of ones.

    Parameters
    ----------
    n
        String length, an integer from 1 to 20; ``parity(2)`` is exclusive-or.

    Returns
    -------
    X : numpy.ndarray
        Shape ``(2**n, n)``, all strings in counting order.
    Y : numpy.ndarray
        Shape ``(2**n, 1)``: 1.0 for an odd number of ones, else 0.0.

    Raises
    ------
    TypeError, ValueError
        If ``n`` is not an integer, or is outside 1 to 20.
    """
    X = _all_patterns(_bits(n, "n", 1))
    return X, (X.sum(axis=1, keepdims=True) % 2).astype(float)


FAMILY_PEOPLE: tuple[str, ...] = (
    "Christopher", "Penelope", "Andrew", "Christine", "Arthur", "Margaret",
    "Victoria", "James", "Jennifer", "Charles", "Colin", "Charlotte",
    "Roberto", "Maria", "Pierro", "Francesca", "Emilio", "Gina",
    "Lucia", "Marco", "Angela", "Tomaso", "Alfonso", "Sophia",
)  # fmt: skip
"""The 24 people, the English family first, then the Italian one in matching order.

Person ``i`` and person ``i + 12`` hold the same place in the two trees.
"""

FAMILY_RELATIONS: tuple[str, ...] = (
    "father", "mother", "husband", "wife", "son", "daughter",
    "uncle", "aunt", "brother", "sister", "nephew", "niece",
)  # fmt: skip
"""The 12 relations, in the order of the relation input units."""

# One family as (husband, wife, children); indices into the first 12 people.
# Generation 1: two couples; generation 2: their children, who marry each other
# or marry in; generation 3: the children of the couple joining both branches.
_COUPLES: tuple[tuple[int, int, tuple[int, ...]], ...] = (
    (0, 1, (4, 6)),  # Christopher & Penelope: Arthur, Victoria
    (2, 3, (7, 8)),  # Andrew & Christine: James, Jennifer
    (4, 5, ()),  # Arthur & Margaret
    (7, 6, (10, 11)),  # James & Victoria: Colin, Charlotte
    (9, 8, ()),  # Charles & Jennifer
)
_MALE = frozenset({0, 2, 4, 7, 9, 10})


def _one_family() -> dict[tuple[int, str], set[int]]:
    """The facts of one tree: ``(person, relation) -> {people}``."""
    facts: dict[tuple[int, str], set[int]] = {}

    def add(person: int, relation: str, other: int) -> None:
        facts.setdefault((person, relation), set()).add(other)

    parents: dict[int, tuple[int, int]] = {}
    spouse: dict[int, int] = {}
    for husband, wife, children in _COUPLES:
        spouse[husband], spouse[wife] = wife, husband
        add(husband, "wife", wife)
        add(wife, "husband", husband)
        for child in children:
            parents[child] = (husband, wife)
            add(child, "father", husband)
            add(child, "mother", wife)
            for parent in (husband, wife):
                add(parent, "son" if child in _MALE else "daughter", child)
    for a, b in itertools.permutations(parents, 2):
        if parents[a] == parents[b]:
            add(a, "brother" if b in _MALE else "sister", b)
    for child, pair in parents.items():
        for parent in pair:
            for sibling in (s for s in parents if s != parent):
                if parent not in parents or parents[sibling] != parents[parent]:
                    continue
                for relative in (sibling, spouse.get(sibling)):
                    if relative is None:
                        continue
                    add(child, "uncle" if relative in _MALE else "aunt", relative)
                    add(relative, "nephew" if child in _MALE else "niece", child)
    return facts


def family_tree_facts() -> tuple[tuple[str, str, frozenset[str]], ...]:
    """Return the 104 facts of the two family trees as named triples.

    Each fact is ``(person1, relation, {person2, ...})``: every person who stands
    in ``relation`` to ``person1`` ("Colin's father is James"). The English facts
    come first, ordered by person and relation, then the same facts of the
    Italian tree. The order matches the rows of :func:`family_trees`.

    Returns
    -------
    tuple
        104 triples of ``(str, str, frozenset of str)``.
    """
    facts = _one_family()
    keys = sorted(facts, key=lambda k: (k[0], FAMILY_RELATIONS.index(k[1])))
    out = []
    for offset in (0, 12):
        for person, relation in keys:
            answers = frozenset(
                FAMILY_PEOPLE[q + offset] for q in facts[person, relation]
            )
            out.append((FAMILY_PEOPLE[person + offset], relation, answers))
    return tuple(out)


def family_trees() -> tuple[np.ndarray, np.ndarray]:
    """Return the family-trees task of the 1986 paper as 104 patterns.

    Two isomorphic trees of 12 people each, an English and an Italian family of
    three generations, with 12 relations. A pattern gives one person (24 input
    units, one on) and one relation (12 units, one on); the target turns on the
    output unit of every person who stands in that relation to the first person.

    Returns
    -------
    X : numpy.ndarray
        Shape ``(104, 36)``: the person one-hot in columns 0-23 (order of
        :data:`FAMILY_PEOPLE`), the relation one-hot in columns 24-35 (order of
        :data:`FAMILY_RELATIONS`).
    Y : numpy.ndarray
        Shape ``(104, 24)``, 1 for each correct second person.

    References
    ----------
    Rumelhart, Hinton and Williams (1986) [rumelhart1986].
    """
    facts = family_tree_facts()
    X = np.zeros((len(facts), 36))
    Y = np.zeros((len(facts), 24))
    for row, (person, relation, answers) in enumerate(facts):
        X[row, FAMILY_PEOPLE.index(person)] = 1.0
        X[row, 24 + FAMILY_RELATIONS.index(relation)] = 1.0
        for other in answers:
            Y[row, FAMILY_PEOPLE.index(other)] = 1.0
    return X, Y
