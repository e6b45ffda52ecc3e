import numpy as np
import pytest

from histbp.data import (
    FAMILY_PEOPLE,
    FAMILY_RELATIONS,
    encoder,
    family_tree_facts,
    family_trees,
    parity,
    symmetry,
    xor,
)


def test_xor():
    X, Y = xor()
    np.testing.assert_array_equal(X, [[0, 0], [0, 1], [1, 0], [1, 1]])
    np.testing.assert_array_equal(Y, [[0], [1], [1], [0]])
    assert X.dtype == Y.dtype == np.float64


@pytest.mark.parametrize("n", [2, 4, 8, 16])
def test_encoder_is_identity(n):
    X, Y = encoder(n)
    np.testing.assert_array_equal(X, np.eye(n))
    np.testing.assert_array_equal(Y, np.eye(n))
    assert X is not Y


def test_encoder_default_is_8():
    assert encoder()[0].shape == (8, 8)


@pytest.mark.parametrize("n", [0, 1, 3, 6, 12, -8])
def test_encoder_rejects_non_powers_of_two(n):
    with pytest.raises(ValueError, match=f"n must be a power of two .* got {n}"):
        encoder(n)


@pytest.mark.parametrize("bad", [8.0, "8", True, None])
def test_encoder_rejects_non_integers(bad):
    with pytest.raises(TypeError, match="n must be an integer"):
        encoder(bad)


def test_symmetry_six():
    X, Y = symmetry(6)
    assert X.shape == (64, 6) and Y.shape == (64, 1)
    assert len({tuple(r) for r in X}) == 64
    assert Y.sum() == 8  # a palindrome of length 6 is fixed by its first 3 bits
    for x, y in zip(X, Y[:, 0], strict=True):
        assert y == float(list(x) == list(x[::-1]))


@pytest.mark.parametrize(("n", "palindromes"), [(2, 2), (3, 4), (5, 8), (7, 16)])
def test_symmetry_counts(n, palindromes):
    X, Y = symmetry(n)
    assert X.shape == (2**n, n)
    assert Y.sum() == palindromes


def test_symmetry_default_is_6():
    assert symmetry()[0].shape == (64, 6)


@pytest.mark.parametrize("n", [1, 2, 5])
def test_parity(n):
    X, Y = parity(n)
    assert X.shape == (2**n, n)
    np.testing.assert_array_equal(Y[:, 0], X.sum(axis=1) % 2)
    assert Y.sum() == 2 ** (n - 1)


def test_parity_two_is_xor():
    np.testing.assert_array_equal(parity(2)[1], xor()[1])


@pytest.mark.parametrize(
    ("func", "n", "low"),
    [(symmetry, 1, 2), (symmetry, 21, 2), (parity, 0, 1), (parity, 25, 1)],
)
def test_pattern_length_out_of_range(func, n, low):
    with pytest.raises(ValueError, match=f"n must be an integer from {low} to 20"):
        func(n)


@pytest.mark.parametrize("func", [symmetry, parity])
def test_pattern_length_not_integer(func):
    with pytest.raises(TypeError, match="n must be an integer, got float"):
        func(6.0)


# ----- family trees -----------------------------------------------------------


def _facts():
    return {(p, r): answers for p, r, answers in family_tree_facts()}


def test_family_trees_has_104_facts_in_two_halves():
    facts = family_tree_facts()
    assert len(facts) == 104
    assert len({(p, r) for p, r, _ in facts}) == 104
    english = set(FAMILY_PEOPLE[:12])
    assert all(p in english for p, _, _ in facts[:52])
    assert all(p not in english for p, _, _ in facts[52:])
    # 112 (person1, relation, person2) triples: 8 questions have two answers
    assert sum(len(a) for _, _, a in facts) == 112


def test_family_trees_arrays():
    X, Y = family_trees()
    assert X.shape == (104, 36) and Y.shape == (104, 24)
    np.testing.assert_array_equal(X[:, :24].sum(axis=1), 1)
    np.testing.assert_array_equal(X[:, 24:].sum(axis=1), 1)
    assert set(np.unique(Y)) == {0.0, 1.0}
    assert set(Y.sum(axis=1)) == {1.0, 2.0}
    # every person appears as person1, every relation is used
    assert np.all(X[:, :24].sum(axis=0) > 0)
    assert np.all(X[:, 24:].sum(axis=0) > 0)


def test_the_two_trees_are_isomorphic():
    X, Y = family_trees()
    shift = np.r_[np.arange(12, 24), np.arange(12)]
    np.testing.assert_array_equal(X[52:, :24], X[:52, :24][:, shift])
    np.testing.assert_array_equal(X[52:, 24:], X[:52, 24:])
    np.testing.assert_array_equal(Y[52:], Y[:52][:, shift])


def test_rows_match_the_named_facts():
    X, Y = family_trees()
    for row, (p, r, answers) in enumerate(family_tree_facts()):
        assert FAMILY_PEOPLE[int(np.argmax(X[row, :24]))] == p
        assert FAMILY_RELATIONS[int(np.argmax(X[row, 24:]))] == r
        assert {FAMILY_PEOPLE[i] for i in np.flatnonzero(Y[row])} == answers


def test_some_known_facts():
    f = _facts()
    assert f["Colin", "father"] == {"James"}
    assert f["Colin", "mother"] == {"Victoria"}
    assert f["Colin", "sister"] == {"Charlotte"}
    assert f["Colin", "uncle"] == {"Arthur", "Charles"}
    assert f["Charlotte", "aunt"] == {"Jennifer", "Margaret"}
    assert f["Margaret", "nephew"] == {"Colin"}
    assert f["Penelope", "husband"] == {"Christopher"}
    assert f["Sophia", "father"] == {"Marco"}
    assert f["Alfonso", "uncle"] == {"Emilio", "Tomaso"}
    assert f["Pierro", "daughter"] == {"Angela"}
    assert ("Christopher", "father") not in f  # the oldest generation has no parents


def test_relations_come_in_inverse_pairs():
    f = _facts()
    male = {"Christopher", "Andrew", "Arthur", "James", "Charles", "Colin"}
    male |= {FAMILY_PEOPLE[FAMILY_PEOPLE.index(m) + 12] for m in male}
    inverse = {
        "father": ("son", "daughter"),
        "mother": ("son", "daughter"),
        "husband": ("wife", "wife"),
        "wife": ("husband", "husband"),
        "uncle": ("nephew", "niece"),
        "aunt": ("nephew", "niece"),
        "brother": ("brother", "sister"),
        "sister": ("brother", "sister"),
    }
    for (p, r), answers in f.items():
        if r not in inverse:
            continue
        back = inverse[r][0] if p in male else inverse[r][1]
        for q in answers:
            assert p in f[q, back], (p, r, q)


def test_relation_counts():
    counts = {}
    for _, r, _ in family_tree_facts():
        counts[r] = counts.get(r, 0) + 1
    # questions per relation in the two trees together: six people per tree have
    # parents, six parents have a son and a daughter, five couples, two children
    # with uncles and aunts (four each), four uncles and aunts with a nephew and
    # a niece, three pairs of brother and sister
    assert counts == {
        "father": 12, "mother": 12, "husband": 10, "wife": 10, "son": 12,
        "daughter": 12, "uncle": 4, "aunt": 4, "brother": 6, "sister": 6,
        "nephew": 8, "niece": 8,
    }  # fmt: skip
