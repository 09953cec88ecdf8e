"""DeepLasso1D: deep narrow ReLU networks on 1-D data as a Lasso with reflection features (docs/math.md
section 5).  Independent computations (the paper's recursive features with loops, linear programs,
CVXPY, a forward pass written here, Adam) check the dictionary, the solver and the network."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from scipy.optimize import linprog

from solvers.deep1d import (
    MAX_POINTS,
    DeepLasso1D,
    DeepNarrowNetwork,
    Layer,
    autoregressive_example,
    build_dictionary,
    lasso_cvxpy,
    load_nile,
    train_adam,
)

PAPER_X = np.array([0.0, 4.0, 5.0, 7.0, 10.0, 11.0])
PAPER_Y = np.array([0.0, 0.0, 0.0, 2.0, 3.0, 3.0])


def relu(t):
    return np.maximum(t, 0.0)


def paper_feature(L, s, j, k, data, x):
    """The paper's recursive feature: f_1 = x, f_{l+1} = (s_l (f_l(x) - f_l(a_l)))_+ with a_l = x_{j_l},
    except a_1 = 2 x_{j_2} - x_{j_1} (a reflection) when k = 1 (depth 4)."""

    def f(level, t):
        if level == 1:
            return t
        m = level - 1
        a = 2 * data[j[1]] - data[j[0]] if (m == 1 and k == 1) else data[j[m - 1]]
        return relu(s[m - 1] * (f(m, t) - f(m, a)))

    return f(L, x)


def paper_dictionary(L, data, x):
    cols = []
    for s in itertools.product([-1, 1], repeat=L - 1):
        for j in itertools.product(range(len(data)), repeat=L - 1):
            for k in [0, 1] if L == 4 else [0]:
                cols.append(paper_feature(L, s, j, k, data, x))
    return np.array(cols).T


def feature_set(F):
    """Nonconstant columns as functions modulo sign and an additive constant."""
    F = F - F[:1]
    out = set()
    for col in F.T:
        if np.max(np.abs(col)) < 1e-12:
            continue
        first = col[np.argmax(np.abs(col) > 1e-9)]
        out.add(tuple(np.round(col / np.sign(first), 8)))
    return out


def min_norm_lp(A, y, c_extra=None, bound=None, maximize=False):
    """min ||z||_1 s.t. A z + xi 1 = y (or, with c_extra, min/max c_extra^T (z, xi) over ||z||_1 <= bound)."""
    n, K = A.shape
    Aeq = np.c_[A, -A, np.ones(n)]
    bounds = [(0, None)] * (2 * K) + [(None, None)]
    norm = np.r_[np.ones(2 * K), 0.0]
    if c_extra is None:
        return linprog(norm, A_eq=Aeq, b_eq=y, bounds=bounds, method="highs").fun
    g, const = c_extra
    cost = np.r_[g, -g, 1.0] * (-1 if maximize else 1)
    res = linprog(cost, A_ub=norm[None, :], b_ub=[bound], A_eq=Aeq, b_eq=y, bounds=bounds, method="highs")
    return -res.fun if maximize else res.fun


def random_data(n, seed):
    rng = np.random.default_rng(seed)
    x = rng.uniform(-1, 1, n)
    return x, np.sin(3 * x) + 0.2 * rng.standard_normal(n)


def beta_max(x, y, depth):
    D = build_dictionary(x, depth)
    A = D.matrix(x)
    return float(np.max(np.abs((A - A.mean(0)).T @ (y - y.mean()))))


# ------------------------------------------------------------------------------------------ the paper's example
def test_paper_example_minimum_norm_interpolants_differ_with_depth():
    """x = (0, 4, 5, 7, 10, 11), y = (0, 0, 0, 2, 3, 3): the least ||z||_1 of an interpolant is 2 at depth 2
    and 1 at depths 3 and 4; depths 2 and 3 pin the interpolant (7/3 at x = 8) while depth 4 also admits
    the paper's single feature clip(x - 5, 0, 3), whose breakpoint 8 = 2*4 - 0 is a reflection."""
    norms, ranges = {}, {}
    g8 = {}
    for L in (2, 3, 4):
        A = paper_dictionary(L, PAPER_X, PAPER_X)
        norms[L] = min_norm_lp(A, PAPER_Y)
        g = paper_dictionary(L, PAPER_X, np.array([8.0]))[0]
        lo = min_norm_lp(A, PAPER_Y, (g, 1.0), norms[L] + 1e-9)
        hi = min_norm_lp(A, PAPER_Y, (g, 1.0), norms[L] + 1e-9, maximize=True)
        ranges[L] = (lo, hi)
        g8[L] = A
    assert norms[2] == pytest.approx(2.0, abs=1e-8)
    assert norms[3] == pytest.approx(1.0, abs=1e-8)
    assert norms[4] == pytest.approx(1.0, abs=1e-8)
    assert ranges[2] == pytest.approx((7 / 3, 7 / 3), abs=1e-7)
    assert ranges[3] == pytest.approx((7 / 3, 7 / 3), abs=1e-7)
    assert ranges[4][0] == pytest.approx(7 / 3, abs=1e-7) and ranges[4][1] == pytest.approx(3.0, abs=1e-7)

    # the paper's stated minimum-norm interpolants
    x = PAPER_X
    f2 = relu(x - 5) - 2 / 3 * relu(x - 7) - 1 / 3 * relu(x - 10)
    f3 = 2 / 3 * np.clip(x - 5, 0, 2) + 1 / 3 * np.clip(x - 5, 0, 5)
    f4 = np.clip(x - 5, 0, 3)
    for f in (f2, f3, f4):
        np.testing.assert_allclose(f, PAPER_Y, atol=1e-12)
    # f4 is one column of the depth-4 recursion (a reflection feature) and no column of depth 3
    assert tuple(np.round(f4 - f4[0], 8)) in feature_set(g8[4])
    assert tuple(np.round(f4 - f4[0], 8)) not in feature_set(g8[3])

    # the estimator at tiny beta: objective / beta -> the minimum norm, fit -> interpolation
    for L in (2, 3, 4):
        est = DeepLasso1D(depth=L, beta=1e-7).fit(PAPER_X, PAPER_Y)
        assert est.objective_ / 1e-7 == pytest.approx(norms[L], rel=1e-5)
        np.testing.assert_allclose(est.predict(PAPER_X), PAPER_Y, atol=1e-5)
        assert est.network_objective_ == pytest.approx(est.objective_, rel=1e-9)
    D4 = build_dictionary(PAPER_X, 4)
    i8 = int(np.argmin(np.abs(D4.points - 8.0)))
    assert D4.points[i8] == 8.0 and D4.point_kind[i8] == 1
    i5 = int(np.flatnonzero(D4.points == 5.0)[0])
    assert np.any((D4.shape == 2) & (D4.p == i5) & (D4.q == i8))


# ------------------------------------------------------------------------------------------ the dictionary
@pytest.mark.parametrize("L", [2, 3, 4])
def test_dictionary_equals_the_papers_recursive_features(L):
    x = np.sort(np.random.default_rng(5).uniform(-2, 2, 5))
    D = build_dictionary(x, L)
    grid = np.unique(np.r_[np.linspace(-12, 12, 2401), D.points, x])
    assert feature_set(paper_dictionary(L, x, grid)) == feature_set(D.matrix(grid))


@pytest.mark.parametrize("x", [PAPER_X, np.random.default_rng(3).uniform(-1, 1, 7)])
def test_depth4_breakpoints_include_every_reflection(x):
    """Depth 4 names every reflection 2 x_j - x_i (i != j); depths 2 and 3 name only the data points."""
    for L in (2, 3):
        np.testing.assert_array_equal(build_dictionary(x, L).points, np.unique(x))
    D = build_dictionary(x, 4)
    est = DeepLasso1D(depth=4, beta=0.05).fit(x, np.cos(x))
    pts = est.dictionary_breakpoints_
    data = set(np.unique(x).tolist())
    for i in range(len(x)):
        for j in range(len(x)):
            if x[i] == x[j]:
                continue
            r = 2 * x[j] - x[i]
            k = int(np.argmin(np.abs(pts - r)))
            assert abs(pts[k] - r) <= 1e-12 * max(1.0, abs(r))
            assert est.dictionary_breakpoint_kinds_[k] == ("data point" if pts[k] in data else "reflection")
    assert D.size == est.dictionary_size_


def test_depth4_reflections_keep_the_depth3_optimum():
    """Every depth-4 feature is a capped ramp of slope +-1, as at depth 3, so the two optima coincide;
    depth 2 is never lower."""
    for seed in (0, 1):
        x, y = random_data(9, seed)
        for beta in (0.02, 0.2):
            o2, o3, o4 = (DeepLasso1D(depth=L, beta=beta).fit(x, y).objective_ for L in (2, 3, 4))
            assert o4 == pytest.approx(o3, rel=1e-9)
            assert o2 >= o3 * (1 - 1e-12)


# ------------------------------------------------------------------------------------------ the solver
@pytest.mark.parametrize("L", [2, 3, 4])
def test_active_set_agrees_with_cvxpy(L):
    x, y = random_data(10, 11 + L)
    bmax = beta_max(x, y, L)
    for frac in (0.5, 0.05, 0.005):
        beta = frac * bmax
        est = DeepLasso1D(depth=L, beta=beta).fit(x, y)
        assert est.solver_ == "active-set" and est.converged_
        _, _, ref = lasso_cvxpy(est.dictionary_.matrix(x), y, beta)
        assert abs(est.objective_ - ref) <= 1e-7 * ref
        assert est.objective_ <= ref * (1 + 1e-9)
        assert est.kkt_violation_ < 1e-8
        assert abs(est.duality_gap_) <= 1e-9 * est.objective_ + 1e-14


def test_kkt_at_the_solution_is_tight():
    x, y = random_data(25, 2)
    for L in (2, 3, 4):
        est = DeepLasso1D(depth=L, beta=0.01).fit(x, y)
        assert est.kkt_violation_ < 1e-9
        A = est.dictionary_.matrix(x)
        r = y - est.predict(x)
        c = A.T @ r
        assert abs(r.sum()) < 1e-10
        assert np.max(np.abs(c)) <= 0.01 * (1 + 1e-8)
        np.testing.assert_allclose(c[est.support_], 0.01 * np.sign(est.coef_), rtol=1e-8)


# ------------------------------------------------------------------------------------------ the network
def forward_dense(layers, x):
    """The network from its layer weights as dense matrices: 1 x m, diagonal m x m, then m x 1."""
    h = relu(x[:, None] @ layers[0].weight[None, :] + layers[0].bias)
    for layer in layers[1:-1]:
        h = relu(h @ np.diag(layer.weight) + layer.bias)
    return h @ layers[-1].weight[:, None][:, 0] + layers[-1].bias[0]


@pytest.mark.parametrize("L", [2, 3, 4])
def test_network_objective_and_predictions_equal_the_lasso(L):
    cases = [(PAPER_X, PAPER_Y), random_data(12, 7), random_data(30, 8)]
    for x, y in cases:
        for beta in (1e-3, 0.05, 0.5):
            est = DeepLasso1D(depth=L, beta=beta).fit(x, y)
            layers = est.layers_
            assert len(layers) == L and all(layer.weight.size == est.n_units_ for layer in layers)
            out = forward_dense(layers, x)
            pen = beta / L * sum(float(np.sum(np.abs(layer.weight) ** L)) for layer in layers)
            own = 0.5 * float(np.sum((out - y) ** 2)) + pen
            assert own == pytest.approx(est.objective_, rel=1e-10, abs=1e-14)
            assert est.network_objective_ == pytest.approx(est.objective_, rel=1e-10, abs=1e-14)
            assert pen == pytest.approx(beta * np.sum(np.abs(est.coef_)), rel=1e-10, abs=1e-15)
            grid = np.linspace(x.min() - 3, x.max() + 3, 401)
            for t in (x, grid):
                np.testing.assert_allclose(est.network_predict(t), est.predict(t), atol=1e-10)
                np.testing.assert_allclose(forward_dense(layers, t), est.predict(t), atol=1e-10)
            for f, z in zip(est.features_, est.coef_):
                assert f.coefficient == z and f.kind in ("data point", "reflection")


def test_features_report_reflections_at_depth4():
    _, flow = load_nile()
    s = (flow - flow.mean()) / flow.std()
    x, y = s[:40], s[1:41]
    est = DeepLasso1D(depth=4, beta=0.05).fit(x, y)
    refl = [f for f in est.features_ if f.kind == "reflection"]
    assert refl, "expected reflection features on this series"
    for f in refl:
        xi, xj = f.reflection_of
        assert any(abs(b - (2 * xj - xi)) < 1e-9 for b in f.breakpoints)
        assert "reflection" in f.breakpoint_kinds
    assert set(est.breakpoints_) == {b for f in est.features_ for b in f.breakpoints}


# ------------------------------------------------------------------------------------------ nonconvex training
@pytest.mark.parametrize("L", [2, 3, 4])
def test_adam_never_beats_the_convex_network(L):
    x = (PAPER_X - PAPER_X.mean()) / PAPER_X.std()
    xr, yr = random_data(10, 21)
    for xx, yy, beta in ((x, PAPER_Y, 0.1), (xr, yr, 0.05)):
        est = DeepLasso1D(depth=L, beta=beta).fit(xx, yy)
        best = est.network_objective_
        for seed in range(3):
            net, hist = train_adam(xx, yy, L, beta, width=8, steps=300, lr=0.02, seed=seed)
            assert np.all(hist >= best * (1 - 1e-9) - 1e-12)
            assert net.objective(xx, yy, beta) >= best * (1 - 1e-9) - 1e-12
        rng = np.random.default_rng(L)
        def jitter(a):
            return a + 1e-3 * rng.standard_normal(a.size)

        start = DeepNarrowNetwork(L, tuple(Layer(jitter(ly.weight), jitter(ly.bias), ly.activation) for ly in est.layers_))
        _, hist = train_adam(xx, yy, L, beta, steps=200, lr=1e-3, init=start)
        assert np.min(hist) >= best * (1 - 1e-9) - 1e-12


def test_autoregressive_example_on_the_nile():
    years, flow = load_nile()
    assert years[0] == 1871 and years[-1] == 1970 and flow.size == 100
    assert flow.mean() == pytest.approx(919.35) and flow.min() == 456 and flow.max() == 1370
    out = autoregressive_example(depth=3, beta=0.05, steps=100, seeds=(0,), verbose=False)
    assert out["n_pairs"] == 99
    assert out["network_objective"] == pytest.approx(out["lasso_objective"], rel=1e-10)
    assert min(out["adam_objectives"]) >= out["lasso_objective"] * (1 - 1e-9)


# ------------------------------------------------------------------------------------------ the estimator's contract
def test_params_shapes_and_column_input():
    est = DeepLasso1D(depth=4, beta=0.1)
    assert est.get_params() == {"depth": 4, "beta": 0.1, "solver": "active-set", "tol": 1e-10, "max_iter": None}
    assert est.fit(PAPER_X, PAPER_Y) is est
    col = DeepLasso1D(depth=4, beta=0.1).fit(PAPER_X[:, None], PAPER_Y)
    assert col.objective_ == est.objective_
    np.testing.assert_allclose(col.predict(PAPER_X[:, None]), est.predict(PAPER_X))
    ref = DeepLasso1D(depth=3, beta=0.1, solver="cvxpy").fit(PAPER_X, PAPER_Y)
    assert ref.solver_ == "cvxpy"
    assert ref.objective_ == pytest.approx(DeepLasso1D(depth=3, beta=0.1).fit(PAPER_X, PAPER_Y).objective_, rel=1e-7)


@pytest.mark.parametrize(
    "kwargs, x, y, match",
    [
        ({}, np.ones((4, 2)), np.ones(4), "1-D"),
        ({}, np.array([0.0, np.nan, 1.0]), np.ones(3), "NaN"),
        ({}, np.array([0.0, 1.0, 2.0]), np.array([0.0, np.inf, 1.0]), "NaN"),
        ({}, np.array([0.0, 1.0, 2.0]), np.ones(4), "lengths must match"),
        ({}, np.array([0.0, 1.0, 2.0]), np.ones((3, 2)), "y must have shape"),
        ({}, np.array([]), np.array([]), "empty"),
        ({}, np.array([1.0]), np.array([1.0]), "at least 2"),
        ({"beta": 0.0}, PAPER_X, PAPER_Y, "beta"),
        ({"beta": -1.0}, PAPER_X, PAPER_Y, "beta"),
        ({"beta": float("nan")}, PAPER_X, PAPER_Y, "beta"),
        ({"beta": True}, PAPER_X, PAPER_Y, "beta"),
        ({"depth": 1}, PAPER_X, PAPER_Y, "depth"),
        ({"depth": 5}, PAPER_X, PAPER_Y, "depth"),
        ({"depth": "3"}, PAPER_X, PAPER_Y, "depth"),
        ({"depth": 3.0}, PAPER_X, PAPER_Y, "depth"),
        ({"solver": "lbfgs"}, PAPER_X, PAPER_Y, "solver"),
        ({"tol": 0.0}, PAPER_X, PAPER_Y, "tol"),
        ({"max_iter": 0}, PAPER_X, PAPER_Y, "max_iter"),
        ({"depth": 4}, np.arange(MAX_POINTS[4] + 1.0), np.zeros(MAX_POINTS[4] + 1), "the limit is max_points=120"),
        ({}, np.array(["a", "b"]), np.ones(2), "numeric"),
    ],
)
def test_bad_input_raises_value_error(kwargs, x, y, match):
    params = {"depth": 3, "beta": 0.1, **kwargs}
    with pytest.raises(ValueError, match=match):
        DeepLasso1D(**params).fit(x, y)


def test_predict_checks():
    est = DeepLasso1D(depth=2, beta=0.1)
    with pytest.raises(ValueError, match="not fitted"):
        est.predict(PAPER_X)
    est.fit(PAPER_X, PAPER_Y)
    with pytest.raises(ValueError, match="1-D"):
        est.predict(np.ones((3, 3)))
    with pytest.raises(ValueError, match="NaN"):
        est.network_predict(np.array([np.nan]))
