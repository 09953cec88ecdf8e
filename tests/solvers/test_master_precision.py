"""The master's precision at small beta: the residual-form optimality test and the eigh pseudo-inverse."""

from __future__ import annotations

import cvxpy as cp
import numpy as np
import pytest

from solvers.group_lasso import GroupLasso, newton_direction


def cvxpy_value(blocks, y, beta) -> float:
    xs = [cp.Variable(A.shape[1]) for A in blocks]
    fit = sum(A @ x for A, x in zip(blocks, xs))
    prob = cp.Problem(cp.Minimize(0.5 * cp.sum_squares(fit - y) + beta * sum(cp.norm(x) for x in xs)))
    prob.solve(solver=cp.CLARABEL, tol_gap_abs=1e-11, tol_gap_rel=1e-11, tol_feas=1e-11)
    return float(prob.value)


def degenerate_blocks(rng, n, J):
    """Blocks of dim 1..3 with repeated features (as neighbouring faces of an arrangement have) and more
    unknowns than rows."""
    base = [rng.normal(size=(n, int(rng.integers(1, 4)))) for _ in range(J)]
    copies = [A[:, :1] * rng.uniform(0.5, 2.0) for A in base[: J // 2]]
    return base + copies


@pytest.mark.parametrize("seed", range(3))
def test_newton_direction_is_the_least_squares_solution_on_a_singular_matrix(seed):
    rng = np.random.default_rng(seed)
    B = rng.normal(size=(12, 30))
    H = B.T @ B  # rank 12 of 30
    g = rng.normal(size=30)
    step, definite = newton_direction(H, g)
    assert not definite
    np.testing.assert_allclose(step, np.linalg.lstsq(H, g, rcond=1e-13)[0], rtol=1e-7, atol=1e-9 * np.linalg.norm(step))


@pytest.mark.parametrize("seed, n, J, beta", [(0, 10, 12, 1e-3), (1, 15, 30, 1e-4), (2, 20, 40, 1e-2), (3, 12, 20, 0.3)])
def test_degenerate_small_beta_master_matches_cvxpy(seed, n, J, beta):
    rng = np.random.default_rng(seed)
    blocks = degenerate_blocks(rng, n, J)
    y = rng.normal(size=n)
    master = GroupLasso(blocks, y, beta)
    x = master.solve(np.zeros(master.A.shape[1]), warm=False, polish=50)
    ref = cvxpy_value(blocks, y, beta)
    assert master.objective(x) == pytest.approx(ref, rel=1e-8, abs=1e-10)


@pytest.mark.parametrize("seed", range(3))
def test_a_warm_start_at_the_optimum_is_accepted_at_small_beta(seed, monkeypatch):
    """With 200 rows and beta ~1e-6 of ||A^T y|| the Gram-form gradient ``A^T y - G x`` has rounding noise of
    ~2e-10 beta at the optimum; the residual-form test sees that the optimum is one, so a warm start there
    needs no interior point."""
    rng = np.random.default_rng(seed)
    n = 200
    blocks = [rng.normal(size=(n, int(rng.integers(1, 4)))) for _ in range(12)]
    y = rng.normal(size=n) + sum(A @ rng.normal(size=A.shape[1]) for A in blocks)
    beta = 1e-3
    master = GroupLasso(blocks, y, beta)
    x = master.solve(np.zeros(master.A.shape[1]), warm=False, polish=50)
    assert master.kkt(x) <= 1e-10
    assert master.objective(x) == pytest.approx(cvxpy_value(blocks, y, beta), rel=1e-9)

    def no_interior_point(*args, **kwargs):
        raise AssertionError("the warm start should have been accepted")

    monkeypatch.setattr(master, "_interior_point", no_interior_point)
    x2 = master.solve(x)
    assert master.objective(x2) <= master.objective(x) * (1 + 1e-14)
