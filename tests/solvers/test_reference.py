"""The CVXPY reference solver against independent computations: an LP enumeration of the patterns and a
convex twin written here from docs/math.md section 2, closed forms for one location, and the recovery identity."""

from __future__ import annotations

import itertools

import cvxpy as cp
import numpy as np
import pytest
from scipy.optimize import linprog

from solvers import ConvexReLU, canonical_objective, certify, solve_reference


def lift_points(X):
    X = np.asarray(X, float)
    return np.hstack([X, np.ones((X.shape[0], 1))])


def lp_patterns(X) -> np.ndarray:
    """Every sign vector s in {0,1}^n realized by an open cell: some g with z_j.g >= 1 on s, <= -1 off s.

    (Every pattern 1[Z u >= 0] is one: tilting u towards (0, 0, 1) turns its zeros positive.)"""
    Z = lift_points(X)
    n = Z.shape[0]
    found = []
    for bits in itertools.product([False, True], repeat=n):
        s = np.where(bits, 1.0, -1.0)
        res = linprog(np.zeros(3), A_ub=-(s[:, None] * Z), b_ub=-np.ones(n), bounds=[(None, None)] * 3, method="highs")
        if res.status == 0:
            found.append(bits)
    return np.array(found, dtype=bool)


def twin_value(X, y, beta, patterns) -> float:
    """min 1/2||sum_i D_i Z (v_i - w_i) - y||^2 + beta sum_i (||v_i|| + ||w_i||), (2D_i - I) Z v_i >= 0 etc.,
    one CVXPY variable per block and an explicit epigraph for every norm."""
    Z = lift_points(X)
    y = np.asarray(y, float)
    fit = 0
    cons, ts = [], []
    for d in patterns:
        Dz = np.asarray(d, float)[:, None] * Z
        S = (2.0 * np.asarray(d, float) - 1.0)[:, None] * Z
        v, w = cp.Variable(3), cp.Variable(3)
        tv, tw = cp.Variable(), cp.Variable()
        fit = fit + Dz @ (v - w)
        cons += [S @ v >= 0, S @ w >= 0, cp.SOC(tv, v), cp.SOC(tw, w)]
        ts += [tv, tw]
    r = cp.Variable(len(y))
    cons.append(r == fit - y)
    prob = cp.Problem(cp.Minimize(0.5 * cp.sum_squares(r) + beta * cp.sum(cp.hstack(ts))), cons)
    prob.solve(solver=cp.CLARABEL, tol_gap_abs=1e-10, tol_gap_rel=1e-10, tol_feas=1e-10)
    return float(prob.value)


def one_location_optimum(x, ys, beta) -> float:
    """All points at one location x (||z|| = ||(x, 1)||) with labels ys: output s there costs at least
    beta |s| / ||z|| (Cauchy-Schwarz: (z.u)_+ |a| <= ||z|| ||u|| |a|), so
    p* = min_s n/2 (s - mean)^2 + beta |s| / ||z|| + 1/2 sum (y_i - mean)^2  (soft thresholding)."""
    ys = np.asarray(ys, float)
    n, m = ys.size, ys.mean()
    nz = np.linalg.norm([*x, 1.0])
    s = np.sign(m) * max(0.0, abs(m) - beta / (n * nz))
    return 0.5 * n * (s - m) ** 2 + beta * abs(s) / nz + 0.5 * float(np.sum((ys - m) ** 2))


rng = np.random.default_rng(7)
DATASETS = {
    "general-classification": (rng.standard_normal((6, 2)), np.array([1, -1, 1, 1, -1, -1.0]), 0.1),
    "general-regression": (rng.uniform(-1, 1, (7, 2)), rng.standard_normal(7), 0.05),
    "collinear": (np.array([[0, 0], [1, 1], [2, 2], [3, 3], [-1, -1.0]]), np.array([1, -1, 1, -1, -1.0]), 0.05),
    "duplicates": (
        np.array([[0, 0], [0, 0], [1, 0], [1, 0], [0, 1], [0.5, 0.5]]),
        np.array([1, -1, 1, 1, -1, 1.0]),
        0.02,
    ),
    "collinear-and-duplicates": (
        np.array([[0, 0], [1, 0], [2, 0], [2, 0], [0, 1], [1, 2]]),
        np.array([0.5, -1.0, 2.0, 1.5, -0.3, 0.8]),
        0.1,
    ),
}


@pytest.mark.parametrize("name", sorted(DATASETS))
def test_reference_matches_independent_twin(name):
    X, y, beta = DATASETS[name]
    pats = lp_patterns(X)
    expected = twin_value(X, y, beta, pats)
    res = solve_reference(X, y, beta)
    assert res.n_patterns == len(pats)
    # the convex value of the solve, and the canonical objective of the network it returns
    assert res.info["convex_objective"] == pytest.approx(expected, rel=1e-6)
    p = canonical_objective(X, y, res.network, beta)
    assert p == pytest.approx(res.info["convex_objective"], rel=1e-7)
    assert p == pytest.approx(expected, rel=1e-6)
    assert p <= expected * (1 + 1e-6)
    # sparse: at most n + 1 neurons (Caratheodory), and exactly certified
    assert res.network.width <= len(y) + 1
    cert = certify(X, y, res.network, beta)
    assert cert.certified, cert.reason


@pytest.mark.parametrize("name", sorted(DATASETS))
def test_estimator_reference_objective(name):
    X, y, beta = DATASETS[name]
    expected = twin_value(X, y, beta, lp_patterns(X))
    model = ConvexReLU(beta, task="regression", method="reference").fit(X, y)
    assert model.certified_, model.certificate_reason_
    assert model.objective_ == pytest.approx(expected, rel=1e-6)
    assert model.dual_objective_ <= model.objective_ + 1e-12
    assert model.n_patterns_ == len(lp_patterns(X))


def test_given_patterns_give_the_restricted_twin():
    X, y, beta = DATASETS["general-regression"]
    pats = lp_patterns(X)
    subset = pats[:: 3]
    expected = twin_value(X, y, beta, subset)
    res = solve_reference(X, y, beta, patterns=subset)
    assert res.n_patterns == len(subset)
    p = canonical_objective(X, y, res.network, beta)
    assert p == pytest.approx(expected, rel=1e-6)
    # fewer patterns: an upper bound on the full optimum
    assert p >= twin_value(X, y, beta, pats) * (1 - 1e-7)


@pytest.mark.parametrize(
    "x, ys, beta",
    [
        ((0.0, 0.0), [1.0], 0.3),  # single point at the origin
        ((2.0, -1.0), [-1.5], 0.5),  # single point elsewhere
        ((1.0, 1.0), [1.0, -1.0, 1.0, 1.0], 0.2),  # duplicates with conflicting labels
        ((1.0, 1.0), [1.0, 1.0, 1.0], 0.05),  # duplicates, all labels equal
        ((0.5, 0.0), [0.2], 5.0),  # beta above the threshold: the zero network
    ],
)
def test_one_location_closed_form(x, ys, beta):
    X = np.tile(np.asarray(x, float), (len(ys), 1))
    y = np.asarray(ys, float)
    expected = one_location_optimum(x, ys, beta)
    res = solve_reference(X, y, beta)
    assert canonical_objective(X, y, res.network, beta) == pytest.approx(expected, rel=1e-7, abs=1e-12)
    model = ConvexReLU(beta, task="regression", method="reference").fit(X, y)
    assert model.certified_
    assert model.objective_ == pytest.approx(expected, rel=1e-7, abs=1e-12)


def test_zero_targets_give_the_zero_network():
    X = np.array([[0, 0], [1, 0], [0, 1.0]])
    res = solve_reference(X, np.zeros(3), 0.1)
    assert res.network.width == 0
    assert canonical_objective(X, np.zeros(3), res.network, 0.1) == 0.0


def test_recovered_neurons_respect_their_patterns():
    """Each neuron of the reference network is balanced (||u_j|| = |a_j|) and the network's output on the
    data equals sum_j a_j (Z u_j)_+ computed here."""
    X, y, beta = DATASETS["general-classification"]
    net = solve_reference(X, y, beta).network
    U = np.hstack([net.W, net.b[:, None]])
    np.testing.assert_allclose(np.linalg.norm(U, axis=1), np.abs(net.a), rtol=1e-9)
    out = np.maximum(lift_points(X) @ U.T, 0.0) @ net.a
    np.testing.assert_allclose(net.output(X), out, atol=1e-12)


def test_size_guard_names_the_exact_method():
    X = np.random.default_rng(0).standard_normal((61, 2))
    y = np.ones(61)
    with pytest.raises(ValueError, match="exact"):
        solve_reference(X, y, 0.1)
    with pytest.raises(ValueError, match="exact"):
        ConvexReLU(0.1, method="reference").fit(X, y)


def test_bad_patterns_are_rejected():
    X, y, beta = DATASETS["general-regression"]
    with pytest.raises(ValueError, match="patterns"):
        solve_reference(X, y, beta, patterns=np.ones((3, 4), bool))
    with pytest.raises(ValueError, match="patterns"):
        solve_reference(X, y, beta, patterns=np.full((2, 7), 2))


def test_caratheodory_prune_keeps_outputs_and_penalty():
    from solvers import ReLUNetwork
    from solvers.polish import caratheodory_prune

    gen = np.random.default_rng(5)
    X = gen.standard_normal((5, 2))
    W, b, a = gen.standard_normal((20, 2)), gen.standard_normal(20), gen.standard_normal(20)
    net = ReLUNetwork(W, b, a)
    pruned = caratheodory_prune(X, net)
    assert pruned.width <= len(X) + 1
    out = np.maximum(X @ W.T + b, 0.0) @ a
    np.testing.assert_allclose(pruned.output(X), out, atol=1e-10)
    strength = np.sum(np.sqrt(np.sum(W**2, axis=1) + b**2) * np.abs(a))  # sum_j ||u_j|| |a_j|
    U = np.hstack([pruned.W, pruned.b[:, None]])
    assert np.sum(np.linalg.norm(U, axis=1) * np.abs(pruned.a)) == pytest.approx(strength, rel=1e-10)


@pytest.mark.parametrize("beta", [0.3, 0.01, 0.001])
def test_polish_reaches_rounding_level_gaps(beta):
    """A 15-point problem with many neurons at small beta: the polished network's exact gap is tiny and
    its objective equals the full interior-point solve's."""
    gen = np.random.default_rng(15)
    X = gen.uniform(-1, 1, (15, 2))
    y = np.where(X[:, 0] * X[:, 1] >= 0, 1.0, -1.0)
    res = solve_reference(X, y, beta)
    cert = certify(X, y, res.network, beta)
    assert cert.relative_gap <= 1e-9, cert.reason
    assert res.info["polished"]
    assert res.network.width <= len(y) + 1
    assert cert.objective == pytest.approx(res.info["convex_objective"], rel=1e-8)
