"""Gated ReLU (a relaxation: a lower bound on p*) and sampled patterns (a restriction: an upper bound)."""

from __future__ import annotations

import itertools

import cvxpy as cp
import numpy as np
import pytest
from scipy.optimize import linprog

from geometry import sampled_patterns
from solvers import ConvexReLU, GatedReLU, solve_gated

rng = np.random.default_rng(11)
X_CLS = rng.uniform(-1, 1, (7, 2))
Y_CLS = np.array([1, -1, 1, 1, -1, -1, 1.0])
X_REG = rng.uniform(-1, 1, (6, 2))
Y_REG = X_REG[:, 0] ** 2 - np.abs(X_REG[:, 1])
CASES = [("classification", X_CLS, Y_CLS, 0.05), ("regression", X_REG, Y_REG, 0.02), ("classification", X_CLS, Y_CLS, 0.5)]


def lift_points(X):
    return np.hstack([X, np.ones((len(X), 1))])


def lp_patterns(X) -> np.ndarray:
    """Sign vectors realized by an open cell (some g with z_j.g >= 1 on the pattern, <= -1 off it)."""
    Z = lift_points(X)
    out = []
    for bits in itertools.product([False, True], repeat=len(Z)):
        s = np.where(bits, 1.0, -1.0)
        res = linprog(np.zeros(3), A_ub=-(s[:, None] * Z), b_ub=-np.ones(len(Z)), bounds=[(None, None)] * 3, method="highs")
        if res.status == 0:
            out.append(bits)
    return np.array(out, bool)


def group_lasso_value(X, y, beta, patterns) -> float:
    """min 1/2 ||sum_i D_i Z u_i - y||^2 + beta sum_i ||u_i||, written here in CVXPY."""
    Z = lift_points(X)
    us = [cp.Variable(3) for _ in patterns]
    fit = sum((np.asarray(d, float)[:, None] * Z) @ u for d, u in zip(patterns, us))
    obj = 0.5 * cp.sum_squares(fit - y) + beta * sum(cp.norm(u) for u in us)
    prob = cp.Problem(cp.Minimize(obj))
    prob.solve(solver=cp.CLARABEL, tol_gap_abs=1e-10, tol_gap_rel=1e-10, tol_feas=1e-10)
    return float(prob.value)


def relu_twin_value(X, y, beta, patterns) -> float:
    """The ReLU convex twin (cone constraints) over the given patterns, written here in CVXPY."""
    Z = lift_points(X)
    fit, pen, cons = 0, 0, []
    for d in patterns:
        Dz = np.asarray(d, float)[:, None] * Z
        S = (2.0 * np.asarray(d, float) - 1.0)[:, None] * Z
        v, w = cp.Variable(3), cp.Variable(3)
        fit = fit + Dz @ (v - w)
        pen = pen + cp.norm(v) + cp.norm(w)
        cons += [S @ v >= 0, S @ w >= 0]
    prob = cp.Problem(cp.Minimize(0.5 * cp.sum_squares(fit - y) + beta * pen), cons)
    prob.solve(solver=cp.CLARABEL, tol_gap_abs=1e-10, tol_gap_rel=1e-10, tol_feas=1e-10)
    return float(prob.value)


@pytest.mark.parametrize("task, X, y, beta", CASES)
def test_gated_is_a_lower_bound_on_relu(task, X, y, beta):
    gated = GatedReLU(beta, task=task, tol=1e-9).fit(X, y)
    relu = ConvexReLU(beta, task=task, method="reference").fit(X, y)
    assert relu.certified_
    # rigorous chain: gated dual <= gated optimum <= p* <= relu objective
    assert gated.dual_objective_ <= relu.objective_ + 1e-12
    assert gated.objective_ <= relu.objective_ * (1 + 1e-6)
    assert gated.dual_objective_ <= gated.objective_ + 1e-12
    assert gated.certified_ is False
    reason = gated.certificate_reason_
    assert "relaxation" in reason and "lower bound" in reason and "not a ReLU certificate" in reason


@pytest.mark.parametrize("task, X, y, beta", CASES)
def test_gated_matches_independent_group_lasso(task, X, y, beta):
    expected = group_lasso_value(X, y, beta, lp_patterns(X))
    gated = GatedReLU(beta, task=task, tol=1e-9).fit(X, y)
    assert gated.converged_
    assert gated.objective_ == pytest.approx(expected, rel=1e-6)
    assert gated.n_patterns_ == len(lp_patterns(X))


def test_gated_reporting_comes_from_gates_and_blocks():
    X, y, beta = X_CLS, Y_CLS, 0.05
    model = GatedReLU(beta, tol=1e-9).fit(X, y)
    Z = lift_points(X)
    G, U = model.gates_, model.block_weights_
    assert G.shape == U.shape and G.shape[1] == 3 and len(G) >= 1
    masks = Z @ G.T >= 0  # (n, m): each gate's pattern is one of the arrangement's
    pats = {tuple(p) for p in lp_patterns(X)}
    assert all(tuple(col) in pats for col in masks.T)
    out = np.sum(masks * (Z @ U.T), axis=1)
    np.testing.assert_allclose(model.decision_function(X), out, atol=1e-12)
    p = 0.5 * np.sum((out - y) ** 2) + beta * np.sum(np.linalg.norm(U, axis=1))
    assert model.objective_ == pytest.approx(p, rel=1e-12)
    np.testing.assert_array_equal(model.hidden_weights_, U[:, :2])
    np.testing.assert_array_equal(model.hidden_biases_, U[:, 2])
    np.testing.assert_array_equal(model.predict(X), np.where(out >= 0, 1.0, -1.0))
    assert model.score(X, y) == pytest.approx(np.mean(model.predict(X) == y))
    assert model.method_ == "gated"


def test_gated_zero_above_its_threshold():
    """The group lasso is zero iff max_i ||Z^T D_i y|| <= beta (its own dual threshold)."""
    X, y = X_REG, Y_REG
    Z = lift_points(X)
    thr = max(np.linalg.norm(Z.T @ (d * y)) for d in lp_patterns(X).astype(float))
    assert GatedReLU(0.1, task="regression").fit(X, y).beta_max_ == pytest.approx(thr, rel=1e-12)
    assert GatedReLU(thr * 1.001, task="regression").fit(X, y).block_weights_.shape[0] == 0
    assert GatedReLU(thr * 0.99, task="regression").fit(X, y).block_weights_.shape[0] >= 1


def test_solve_gated_duality_gap_is_honest():
    X, y, beta = X_REG, Y_REG, 0.02
    sol = solve_gated(X, y, beta, tol=1e-10)
    Z = lift_points(X)
    v = sol.dual
    assert max(np.linalg.norm(Z.T @ (d * v)) for d in sol.patterns.astype(float)) <= beta * (1 + 1e-12)
    assert sol.dual_objective == pytest.approx(-0.5 * np.sum((v - y) ** 2) + 0.5 * np.sum(y**2), rel=1e-12)
    assert sol.relative_gap <= 1e-10


def test_gated_time_limit_is_reported_and_its_dual_still_bounds():
    """A budget that runs out before the first round: the zero start is returned, said to be unsolved,
    and its dual objective is still a lower bound on the group lasso's optimum."""
    X, y, beta = X_CLS, Y_CLS, 0.05
    model = GatedReLU(beta, tol=1e-9, max_seconds=1e-12).fit(X, y)
    assert not model.converged_ and model.n_iter_ == 0
    assert "NOT fully solved (time limit" in model.certificate_reason_
    assert model.dual_objective_ <= group_lasso_value(X, y, beta, lp_patterns(X)) + 1e-9
    full = GatedReLU(beta, tol=1e-9, max_seconds=60.0).fit(X, y)
    assert full.converged_ and "time limit" not in full.certificate_reason_
    with pytest.raises(ValueError, match="max_seconds"):
        GatedReLU(beta, max_seconds=0.0).fit(X, y)


def test_gated_sampled_patterns():
    X, y, beta = X_CLS, Y_CLS, 0.05
    model = GatedReLU(beta, patterns="sampled", n_patterns=8, seed=1, tol=1e-9).fit(X, y)
    pats = sampled_patterns(X, 8, 1).patterns
    assert model.n_patterns_ == len(pats)
    assert model.objective_ == pytest.approx(group_lasso_value(X, y, beta, pats), rel=1e-6)
    assert "sampled" in model.certificate_reason_


@pytest.mark.parametrize("task, X, y, beta", CASES)
@pytest.mark.parametrize("k, seed", [(5, 0), (12, 3)])
def test_sampled_mode_is_an_upper_bound(task, X, y, beta, k, seed):
    exact = ConvexReLU(beta, task=task, method="reference").fit(X, y)
    model = ConvexReLU(beta, task=task, patterns="sampled", n_patterns=k, seed=seed).fit(X, y)
    pats = sampled_patterns(X, k, seed).patterns
    assert model.n_patterns_ == len(pats) <= k
    assert model.method_ in ("sampled", "zero")
    # the twin on the sampled patterns, computed independently here
    if model.method_ == "sampled":
        assert model.objective_ == pytest.approx(relu_twin_value(X, y, beta, pats), rel=1e-6)
    assert model.objective_ >= exact.objective_ * (1 - 1e-7)
    assert "sampled" in model.certificate_reason_ and "upper bound" in model.certificate_reason_
    assert model.certified_ == bool(model.relative_gap_ <= model.tolerance_)
    assert model.dual_objective_ <= exact.objective_ + 1e-12


def test_sampled_with_every_pattern_found_certifies():
    X = np.array([[0.0, 0.0], [1.0, 0.0], [0.0, 1.0], [-1.0, 0.3], [0.4, -0.8]])  # no tiny cells
    y, beta = np.array([0.3, -1.0, 0.5, 1.2, -0.4]), 0.02
    exact = ConvexReLU(beta, task="regression", method="reference").fit(X, y)
    model = ConvexReLU(beta, task="regression", patterns="sampled", n_patterns=5000, seed=0).fit(X, y)
    assert model.n_patterns_ == len(lp_patterns(X))
    assert model.objective_ == pytest.approx(exact.objective_, rel=1e-6)
    assert model.certified_, model.certificate_reason_
    assert "sampled" in model.certificate_reason_


def test_sampled_mode_misses_the_optimum_and_says_so():
    X, y, beta = X_CLS, Y_CLS, 0.05
    exact = ConvexReLU(beta, method="reference").fit(X, y)
    model = ConvexReLU(beta, patterns="sampled", n_patterns=3, seed=0).fit(X, y)
    assert model.objective_ > exact.objective_ * (1 + 1e-3)
    assert not model.certified_
    assert "not certified" in model.certificate_reason_
