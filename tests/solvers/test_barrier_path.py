"""The group-lasso master's barrier path against independent computations: finite differences for its
smoothed norm, CVXPY for its optimum, weak duality for its gap."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from solvers.group_lasso import BARRIER_ACCEPT, GroupLasso, barrier_terms
from test_group_lasso import cvxpy_value  # the same independent CVXPY value (rootdir test import)


def random_master(seed: int, n: int, J: int, scale_beta: float, duplicate: bool = False):
    rng = np.random.default_rng(seed)
    blocks = [rng.normal(size=(n, int(rng.integers(1, 4)))) for _ in range(J)]
    if duplicate:  # redundant features: a degenerate master whose optimum is not unique
        blocks += [blocks[0].copy(), np.hstack([blocks[1], blocks[2]])]
    y = rng.normal(size=n) + sum(A @ rng.normal(size=A.shape[1]) for A in blocks[:3])
    top = max(np.linalg.norm(A.T @ y) for A in blocks)
    return blocks, y, scale_beta * top


def test_barrier_terms_are_the_gradient_and_hessian_of_the_smoothed_norm():
    rng = np.random.default_rng(0)
    beta, mu = 0.7, 1e-2
    x = rng.normal(size=3)

    def h(z):
        return float(barrier_terms(np.array([np.linalg.norm(z)]), beta, mu)[0][0])

    _, kappa, gamma = barrier_terms(np.array([np.linalg.norm(x)]), beta, mu)
    eps = 1e-5
    grad_fd = np.array([(h(x + eps * e) - h(x - eps * e)) / (2 * eps) for e in np.eye(3)])
    np.testing.assert_allclose(grad_fd, kappa[0] * x, rtol=1e-7)
    hess_fd = np.array([[(h(x + eps * a + eps * b) - h(x + eps * a - eps * b) - h(x - eps * a + eps * b)
                          + h(x - eps * a - eps * b)) / (4 * eps**2) for b in np.eye(3)] for a in np.eye(3)])
    np.testing.assert_allclose(hess_fd, kappa[0] * np.eye(3) - gamma[0] * np.outer(x, x), rtol=1e-4, atol=1e-6)
    # h is the log barrier of the cone with t minimized out, and tends to beta r
    r = 1.3
    t = np.linspace(r + 1e-9, r + 5, 200001)
    inner = beta * t - mu * np.log(t * t - r * r)
    const = mu * (1 - np.log(2 * mu / beta**2))
    assert inner.min() == pytest.approx(float(barrier_terms(np.array([r]), beta, mu)[0][0]) + const, rel=1e-8)
    tiny = barrier_terms(np.array([0.0, r]), beta, 1e-12)[0]
    assert tiny[1] - tiny[0] == pytest.approx(beta * r, rel=1e-9)


@pytest.mark.parametrize("seed", range(3))
@pytest.mark.parametrize("n, J, scale_beta, duplicate", [
    (15, 8, 0.1, False),  # well posed: fewer unknowns than rows
    (40, 60, 0.02, False),  # more unknowns than rows
    (60, 40, 1e-5, False),  # small beta: the optimum nearly interpolates
    (30, 25, 1e-3, True),  # redundant blocks: a non-unique optimum
])
def test_barrier_path_reaches_the_cvxpy_optimum(seed, n, J, scale_beta, duplicate):
    blocks, y, beta = random_master(seed, n, J, scale_beta, duplicate)
    master = GroupLasso(blocks, y, beta)
    x0 = np.zeros(master.A.shape[1])
    reference = cvxpy_value(blocks, y, beta)
    z = master._barrier_path(x0)
    assert z is not None, "the barrier path should reach its acceptance gap on these masters"
    assert master.gap(z) <= BARRIER_ACCEPT
    assert master.objective(z) == pytest.approx(reference, rel=1e-5)
    # the whole solve (barrier, polish, fallback) against CVXPY and against Clarabel alone
    x = master.solve(x0, warm=False)
    assert master.objective(x) == pytest.approx(reference, rel=1e-8, abs=1e-12)
    clarabel = GroupLasso(blocks, y, beta, interior="clarabel")
    assert master.objective(x) == pytest.approx(clarabel.objective(clarabel.solve(x0, warm=False)), rel=1e-9)


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 10**6), scale=st.floats(-3, 3))
def test_the_master_gap_is_never_negative(seed, scale):
    """``d(v) <= p* <= p(x)`` for every ``x``: the master's gap is a proof, so it is nonnegative."""
    blocks, y, beta = random_master(seed, 12, 6, 0.1)
    master = GroupLasso(blocks, y, beta)
    x = np.random.default_rng(seed).normal(size=master.A.shape[1]) * 10.0**scale
    assert master.gap(x) >= -1e-12
    opt = master.solve(np.zeros_like(x), warm=False)
    assert master.objective(x) >= master.objective(opt) - 1e-12 * abs(master.objective(opt))


def test_interior_must_be_known():
    with pytest.raises(ValueError, match="interior"):
        GroupLasso([np.eye(3)], np.ones(3), 0.1, interior="simplex")


def smoothed_objective(blocks, y, beta, mu, z):
    """``F_mu(z) = 1/2 ||A z - y||^2 + sum_j (s_j - mu log(mu + s_j))``, ``s_j = sqrt(mu^2 + beta^2 ||z_j||^2)``,
    written out here from the definition (independently of the master's own evaluation)."""
    A = np.hstack(blocks)
    r = A @ z - y
    cuts = np.cumsum([B.shape[1] for B in blocks])[:-1]
    s = np.array([np.sqrt(mu**2 + beta**2 * float(p @ p)) for p in np.split(z, cuts)])
    return 0.5 * float(r @ r) + float(np.sum(s - mu * np.log(mu + s)))


def centre(blocks, y, beta, mu, z0):
    """The barrier path's centre ``argmin F_mu``, by scipy's trust-region Newton on :func:`smoothed_objective`
    (its gradient by the chain rule, its Hessian by central differences of that gradient), then scipy's root
    finder on the gradient, to a gradient norm of 1e-12."""
    import scipy.optimize

    A = np.hstack(blocks)
    cuts = np.cumsum([B.shape[1] for B in blocks])[:-1]

    def grad(z):
        parts = [beta**2 / (mu + np.sqrt(mu**2 + beta**2 * float(p @ p))) * p for p in np.split(z, cuts)]
        return A.T @ (A @ z - y) + np.concatenate(parts)

    def hess(z, eps=1e-6):
        return np.array([(grad(z + eps * e) - grad(z - eps * e)) / (2 * eps) for e in np.eye(z.size)])

    out = scipy.optimize.minimize(lambda z: smoothed_objective(blocks, y, beta, mu, z), z0, jac=grad, hess=hess,
                                  method="trust-exact", options={"gtol": 1e-9, "maxiter": 500})
    # then MINPACK's root finder on grad F_mu = 0 (F_mu is strictly convex: its stationary point is the centre)
    root = scipy.optimize.root(grad, out.x, jac=hess, method="hybr", tol=1e-15)
    assert np.linalg.norm(grad(root.x)) < 1e-12
    return root.x


@pytest.mark.parametrize("seed", range(3))
def test_smoothed_newton_is_the_gradient_and_hessian_of_the_smoothed_objective(seed):
    blocks, y, beta = random_master(seed, 12, 5, 0.2)
    master = GroupLasso(blocks, y, beta)
    mu = 0.05 * beta
    z = np.random.default_rng(seed).normal(size=master.A.shape[1])
    r, h, g, H = master._smoothed_newton(z, mu)
    np.testing.assert_allclose(r, master.A @ z - y, rtol=1e-12, atol=1e-12)
    assert 0.5 * float(r @ r) + float(h.sum()) == pytest.approx(smoothed_objective(blocks, y, beta, mu, z), rel=1e-12)
    assert master._smoothed(r, z, mu) == pytest.approx(smoothed_objective(blocks, y, beta, mu, z), rel=1e-12)
    eps = 1e-5
    F = lambda w: smoothed_objective(blocks, y, beta, mu, w)  # noqa: E731
    basis = np.eye(z.size)
    g_fd = np.array([(F(z + eps * e) - F(z - eps * e)) / (2 * eps) for e in basis])
    np.testing.assert_allclose(g, g_fd, rtol=1e-6, atol=1e-7)
    # the Hessian by central differences of the gradient (which the lines above check against F itself)
    step = 1e-6
    H_fd = np.array([(master._smoothed_newton(z + step * e, mu)[2] - master._smoothed_newton(z - step * e, mu)[2])
                     / (2 * step) for e in basis])
    np.testing.assert_allclose(H, H_fd, rtol=1e-6, atol=1e-7)


@pytest.mark.parametrize("seed", range(3))
@pytest.mark.parametrize("level", [0.3, 0.02])
def test_path_tangent_is_the_derivative_of_the_centres(seed, level):
    """``dz/dmu`` against a central difference of centres computed by scipy at ``mu (1 -+ eps)``."""
    blocks, y, beta = random_master(seed, 14, 5, 0.1)
    master = GroupLasso(blocks, y, beta)
    mu = level * beta
    z = centre(blocks, y, beta, mu, np.zeros(master.A.shape[1]))
    eps = 1e-4
    lo = centre(blocks, y, beta, mu * (1 - eps), z)
    hi = centre(blocks, y, beta, mu * (1 + eps), z)
    fd = (hi - lo) / (2 * eps * mu)
    np.testing.assert_allclose(master._path_tangent(z, mu), fd, rtol=1e-5, atol=1e-6 * np.abs(fd).max())
    # the predictor's move toward the next centre: closer to it than the centre it starts from
    mu_next = mu / 2
    target = centre(blocks, y, beta, mu_next, z)
    factor = scipy_factor(master._smoothed_newton(z, mu)[3])
    moved = master._predicted(z, factor, mu, mu_next)
    assert np.linalg.norm(moved - target) < 0.5 * np.linalg.norm(z - target)


def scipy_factor(H):
    """LAPACK's lower Cholesky factor, as the barrier path hands it to the predictor."""
    import scipy.linalg

    factor, info = scipy.linalg.lapack.dpotrf(H, lower=1, clean=0)
    assert info == 0
    return factor


@pytest.mark.parametrize("dims", [[], [1], [3], [1, 2, 3, 1, 2], [2] * 40, [3, 1] * 20])
def test_within_block_is_every_pair_of_one_blocks_unknowns(dims):
    rng = np.random.default_rng(len(dims))
    blocks = [rng.normal(size=(6, d)) for d in dims] or [np.zeros((6, 0))]
    master = GroupLasso(blocks, rng.normal(size=6), 0.1)
    rows, cols = master._within_block()
    seg = master.seg
    brute = set(zip(*np.nonzero(seg[:, None] == seg[None, :])))
    assert len(rows) == len(brute) == sum(d * d for d in dims)
    assert set(zip(rows.tolist(), cols.tolist())) == {(int(i), int(j)) for i, j in brute}
