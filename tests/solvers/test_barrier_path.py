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
