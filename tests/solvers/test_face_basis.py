"""A face's basis is an orthonormal basis of the directions orthogonal to its on-line points: checked against
scipy's SVD null space, also for repeated and nearly repeated points."""

import numpy as np
import pytest
import scipy.linalg

from solvers.polish import null_basis


def same_span(B, C):
    """Two orthonormal bases span the same space: equal projectors."""
    return np.allclose(B @ B.T, C @ C.T, atol=1e-12)


@pytest.mark.parametrize("rows", [1, 2, 3])
def test_against_the_svd_null_space(rows):
    rng = np.random.default_rng(rows)
    for _ in range(200):
        R = rng.standard_normal((rows, 3))
        B = null_basis(R, 3)
        assert B.shape == (3, 3 - rows)
        np.testing.assert_allclose(B.T @ B, np.eye(3 - rows), atol=1e-14)
        assert same_span(B, scipy.linalg.null_space(R))


@pytest.mark.parametrize("eps", [0.0, 1e-14, 1e-9, 1e-6])
def test_two_points_that_coincide_or_nearly_do(eps):
    z = np.array([0.3, -0.7, 1.0])
    R = np.vstack([z, z + eps * np.array([1.0, 2.0, 0.0])])
    B = null_basis(R, 3)
    # a null space of the right dimension, orthogonal to both rows to rounding
    expected = scipy.linalg.null_space(R, rcond=1e-10)
    assert B.shape == expected.shape and same_span(B, expected)
    assert np.abs(R @ B).max() <= 1e-9
