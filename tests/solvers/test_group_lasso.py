"""The exact group-lasso master against an independent CVXPY solve, in both Clarabel forms."""

from __future__ import annotations

import cvxpy as cp
import numpy as np
import pytest

from solvers.group_lasso import GroupLasso


def cvxpy_value(blocks, y, beta) -> float:
    xs = [cp.Variable(A.shape[1]) for A in blocks]
    fit = sum(A @ x for A, x in zip(blocks, xs))
    prob = cp.Problem(cp.Minimize(0.5 * cp.sum_squares(fit - y) + beta * sum(cp.norm(x) for x in xs)))
    prob.solve(solver=cp.CLARABEL, tol_gap_abs=1e-11, tol_gap_rel=1e-11, tol_feas=1e-11)
    return float(prob.value)


@pytest.mark.parametrize("residual_form", [False, True])
@pytest.mark.parametrize("n, J, beta", [(8, 3, 0.3), (8, 12, 0.3), (15, 40, 0.05), (15, 40, 5.0)])
def test_group_lasso_matches_cvxpy_and_its_optimality_conditions(residual_form, n, J, beta):
    rng = np.random.default_rng(n * J)
    blocks = [rng.normal(size=(n, int(rng.integers(1, 4)))) for _ in range(J)]
    y = rng.normal(size=n)
    master = GroupLasso(blocks, y, beta, residual_form=residual_form)
    x = master.solve(np.zeros(master.A.shape[1]), warm=False)
    assert master.objective(x) == pytest.approx(cvxpy_value(blocks, y, beta), rel=1e-8, abs=1e-10)
    # A_j^T r = beta x_j / ||x_j|| on the support, ||A_j^T r|| <= beta off it (checked here, not by kkt())
    r = y - master.A @ x
    for A, xj in zip(blocks, master.blocks(x)):
        g = A.T @ r
        if np.any(xj):
            np.testing.assert_allclose(g, beta * xj / np.linalg.norm(xj), atol=1e-8 * max(beta, 1.0))
        else:
            assert np.linalg.norm(g) <= beta * (1 + 1e-8)


def test_warm_start_from_a_smaller_working_set_reaches_the_same_optimum():
    rng = np.random.default_rng(5)
    blocks = [rng.normal(size=(10, 3)) for _ in range(9)]
    y = rng.normal(size=10)
    beta = 0.4
    small = GroupLasso(blocks[:4], y, beta)
    x4 = small.solve(np.zeros(12), warm=False)
    full = GroupLasso(blocks, y, beta)
    x = full.solve(np.concatenate([x4, np.zeros(15)]))
    assert full.objective(x) == pytest.approx(cvxpy_value(blocks, y, beta), rel=1e-8)
