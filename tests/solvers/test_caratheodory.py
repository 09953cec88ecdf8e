"""Caratheodory reduction of masses: same outputs and total, independent support, nothing negative."""

from __future__ import annotations

import numpy as np
import pytest

from solvers.polish import caratheodory_masses


def check_reduction(F, c):
    out = caratheodory_masses(F, c)
    assert np.all(out >= 0.0)
    assert np.all(out[c == 0] == 0.0)
    scale = np.abs(F).max() * c.sum()
    np.testing.assert_allclose(F @ out, F @ c, atol=1e-10 * scale)
    assert out.sum() == pytest.approx(c.sum(), rel=1e-12)
    support = np.flatnonzero(out > 0)
    M = np.vstack([F[:, support], np.ones((1, support.size))])
    assert np.linalg.matrix_rank(M) == support.size  # independent columns (checked with numpy's own SVD rank)
    return out


@pytest.mark.parametrize("rows, cols", [(3, 10), (20, 60), (60, 200), (100, 101)])
def test_random_masses_reduce_to_an_independent_support(rows, cols):
    rng = np.random.default_rng(rows * cols)
    F = rng.standard_normal((rows, cols))
    c = rng.uniform(0.1, 2.0, cols)
    out = check_reduction(F, c)
    assert np.count_nonzero(out) <= rows + 1


def test_repeated_and_zero_columns_and_zero_masses():
    rng = np.random.default_rng(3)
    base = rng.standard_normal((8, 5))
    F = np.hstack([base, base, np.zeros((8, 2)), 2.0 * base[:, :3]])  # duplicates, zeros, multiples
    c = rng.uniform(0.5, 1.0, F.shape[1])
    c[[1, 7]] = 0.0
    out = check_reduction(F, c)
    assert np.count_nonzero(out) <= 6  # rank([F; 1]) <= 5 + 1


def test_nonnegative_features_of_relu_type():
    """ReLU features (nonnegative, many shared zeros) as in the solvers' use."""
    rng = np.random.default_rng(9)
    X = rng.uniform(-1, 1, (40, 2))
    Z = np.hstack([X, np.ones((40, 1))])
    E = rng.standard_normal((150, 3))
    F = np.maximum(Z @ E.T, 0.0) * rng.choice([-1.0, 1.0], 150)
    out = check_reduction(F, rng.uniform(0.01, 1.0, 150))
    assert np.count_nonzero(out) <= 41
