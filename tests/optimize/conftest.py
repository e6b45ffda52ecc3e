"""Shared helpers for the tests of histbp.optimize."""

import numpy as np
import pytest


def spd_matrix(n: int, condition: float, seed: int) -> np.ndarray:
    """A random symmetric positive-definite matrix with eigenvalues in [1, condition].

    The extreme eigenvalues are exactly 1 and ``condition``.
    """
    rng = np.random.default_rng(seed)
    q, _ = np.linalg.qr(rng.standard_normal((n, n)))
    eigenvalues = np.concatenate(([1.0, condition], rng.uniform(1, condition, n - 2)))
    a = q @ np.diag(eigenvalues) @ q.T
    return 0.5 * (a + a.T)


@pytest.fixture
def make_spd():
    return spd_matrix
