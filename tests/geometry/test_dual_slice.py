"""The planar slice of the dual feasible set {phi <= beta} through span{y, v*}."""

import numpy as np
import pytest
import shapely

from geometry import PlanarOracle, beta_max, lift, phi
from geometry.dual_slice import dual_slice, slice_basis


def certified_fit(X, y, beta):
    """Dual vector v* of a certified optimal fit (the project's solver, CVXPY reference method at this size)."""
    from solvers import ConvexReLU

    m = ConvexReLU(beta=beta, task="regression", method="reference").fit(X, y)
    assert m.certified_
    return np.asarray(m.dual_, float), m


def sampled_phi_lower_bound(X, v, n=4000, seed=0):
    """max over random unit u of |v^T (Z u)_+|: a lower bound of phi, independent of the exact oracle."""
    U = np.random.default_rng(seed).standard_normal((n, 3))
    U /= np.linalg.norm(U, axis=1, keepdims=True)
    return float(np.max(np.abs(np.maximum(lift(X) @ U.T, 0.0).T @ v)))


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_boundary_points_have_phi_equal_beta(seed):
    rng = np.random.default_rng(seed)
    X, y, v = rng.standard_normal((12, 2)), rng.standard_normal(12), rng.standard_normal(12)
    beta = 0.3
    S = dual_slice(X, y, v, beta, n_dirs=24)
    P = S.lift_points(S.boundary)
    for p in P:
        assert phi(X, p) == pytest.approx(beta, abs=1e-8)
        assert sampled_phi_lower_bound(X, p, n=500) <= beta + 1e-12
    # the plane holds y and v exactly
    assert np.allclose(S.lift_points(S.y2)[0], y) and np.allclose(S.lift_points(S.v2)[0], v)
    assert np.allclose(S.basis @ S.basis.T, np.eye(2))


def test_slice_is_convex_and_symmetric():
    rng = np.random.default_rng(3)
    X, y, v = rng.standard_normal((9, 2)), rng.standard_normal(9), rng.standard_normal(9)
    S = dual_slice(X, y, v, 0.5, n_dirs=40)
    poly = S.polygon
    assert poly.is_valid
    assert poly.convex_hull.area == pytest.approx(poly.area, rel=1e-9)
    B = S.boundary
    assert np.allclose(np.sort(np.round(B, 9), axis=0), np.sort(np.round(-B, 9), axis=0))


def test_points_inside_and_outside():
    rng = np.random.default_rng(4)
    X, y, w = rng.standard_normal((8, 2)), rng.standard_normal(8), rng.standard_normal(8)
    beta = 0.2
    S = dual_slice(X, y, w, beta)
    on = w * beta / phi(X, w)  # on the boundary, in the direction of w (a sampled direction)
    assert np.isclose(S.lift_points(S.boundary), on, atol=1e-9).all(axis=1).any()
    assert S.polygon.buffer(1e-9).contains(shapely.Point(*(S.basis @ (0.5 * on))))
    assert not S.polygon.contains(shapely.Point(*(S.basis @ (1.5 * on))))


@pytest.mark.parametrize("seed,beta", [(0, 0.05), (1, 0.2), (2, 0.5)])
def test_certified_fit_projection_picture(seed, beta):
    rng = np.random.default_rng(seed)
    X = rng.uniform(-1, 1, (10, 2))
    y = np.sign(X[:, 0] * X[:, 1] + 0.1)
    v, m = certified_fit(X, y, beta)
    yhat = y - v
    S = dual_slice(X, y, v, beta, n_dirs=64)
    # the slice contains v*, which lies on its boundary
    assert phi(X, v) == pytest.approx(beta, rel=1e-6)
    assert S.polygon.buffer(1e-7).contains(shapely.Point(*S.v2))
    # distance from y to the slice is ||yhat||, attained at v*
    assert S.polygon.distance(shapely.Point(*S.y2)) == pytest.approx(np.linalg.norm(yhat), rel=1e-5, abs=1e-7)
    nearest = shapely.shortest_line(S.polygon.exterior, shapely.Point(*S.y2)).coords[0]
    assert np.allclose(nearest, S.v2, atol=1e-4)
    # yhat is an outer normal of the slice at v*: every boundary point p has (p - v*) . yhat <= 0
    yhat2 = S.y2 - S.v2
    assert np.max((S.boundary - S.v2) @ yhat2) <= 1e-6 * np.linalg.norm(yhat2) * np.linalg.norm(S.v2)


def test_zero_network_regime():
    rng = np.random.default_rng(5)
    X, y = rng.standard_normal((7, 2)), rng.standard_normal(7)
    beta = 1.5 * beta_max(X, y)
    S = dual_slice(X, y, y, beta)  # v* = y, yhat = 0: y is inside the set
    assert S.polygon.contains(shapely.Point(*S.y2))
    assert S.polygon.distance(shapely.Point(*S.y2)) == 0.0
    B = slice_basis(y, 2 * y)  # v parallel to y: any unit vector orthogonal to y
    assert abs(B[0] @ B[1]) < 1e-12 and np.allclose(np.linalg.norm(B, axis=1), 1)


def test_bad_input():
    X = np.zeros((3, 2))
    with pytest.raises(ValueError, match="beta"):
        dual_slice(X, np.ones(3), np.ones(3), -1.0)
    with pytest.raises(ValueError, match="y is zero"):
        dual_slice(X, np.zeros(3), np.ones(3), 1.0)
    with pytest.raises(ValueError, match="length"):
        dual_slice(X, np.ones(4), np.ones(3), 1.0)
    with pytest.raises(ValueError, match="one point"):
        dual_slice(np.zeros((1, 2)), np.ones(1), np.ones(1), 1.0)
    with pytest.raises(ValueError, match="n_dirs"):
        dual_slice(X, np.ones(3), np.ones(3), 1.0, n_dirs=2)


def test_one_oracle_gives_the_per_direction_phi():
    rng = np.random.default_rng(6)
    X = rng.standard_normal((10, 2))
    X[3] = X[7]  # a duplicate: the oracle merges it
    y, v = rng.standard_normal(10), rng.standard_normal(10)
    beta = 0.4
    S = dual_slice(X, y, v, beta, n_dirs=16)
    E = S.lift_points(np.stack([np.cos(S.angles), np.sin(S.angles)], axis=1))
    assert np.allclose(np.linalg.norm(E, axis=1), 1.0)
    per_direction = np.array([phi(X, e) for e in E])  # a fresh exact phi for every direction
    assert np.allclose(S.phi_unit, per_direction, rtol=1e-12, atol=1e-14)
    # the caller's oracle gives the same slice
    S2 = dual_slice(X, y, v, beta, n_dirs=16, oracle=PlanarOracle(X))
    assert np.array_equal(S2.phi_unit, S.phi_unit) and np.array_equal(S2.radii, S.radii)
    with pytest.raises(ValueError, match="oracle"):
        dual_slice(X, y, v, beta, oracle=PlanarOracle(X[:5]))


def test_one_dimensional_data_uses_phi():
    X = np.array([0.0, 1.0, 2.5, -1.0, 0.3])
    rng = np.random.default_rng(8)
    y, v = rng.standard_normal(5), rng.standard_normal(5)
    S = dual_slice(X, y, v, 0.3, n_dirs=8)
    E = S.lift_points(np.stack([np.cos(S.angles), np.sin(S.angles)], axis=1))
    assert np.allclose(S.phi_unit, [phi(X, e) for e in E], rtol=1e-12)

