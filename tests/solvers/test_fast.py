"""The fast exact solver against the CVXPY reference, the exact certificate and warm starts."""

import numpy as np
import pytest

from geometry import beta_max
from solvers import certify, solve_reference
from solvers.fast import solve_exact
from planar_data import xor, surface


def clusters(n, seed):
    rng = np.random.default_rng(seed)
    centres = np.array([[-0.6, -0.5], [0.5, 0.6], [0.6, -0.6]])
    lab = rng.integers(0, 3, n)
    return centres[lab] + 0.08 * rng.standard_normal((n, 2)), np.where(lab == 1, -1.0, 1.0)


DEGENERATE = {
    "collinear": (np.array([[t, 2 * t] for t in range(-3, 4)], float), np.array([1, -1, 1, 1, -1, 1, -1.0])),
    "duplicates": (
        np.array([[0, 0], [0, 0], [1, 1], [1, 1], [2, 0], [0, 2], [1, 0]], float),
        np.array([1, 1, -1, -1, 1, 1, -1.0]),
    ),
    "grid": (np.array([[i, j] for i in range(3) for j in range(3)], float), np.array([1, -1, 1, -1, 1, -1, 1, -1, 1.0])),
    "one_point": (np.array([[0.3, -0.2]]), np.array([1.0])),
    "labels_equal": (np.random.default_rng(1).uniform(-1, 1, (8, 2)), np.ones(8)),
}

DATA = {
    "xor": xor(12, 0),
    "surface": surface(12, 1),
    "clusters": clusters(12, 2),
    **DEGENERATE,
}


@pytest.mark.parametrize("name", sorted(DATA))
@pytest.mark.parametrize("fraction", [1e-3, 3e-2, 0.4, 1.0])
def test_fast_equals_reference_and_certifies(name, fraction):
    X, y = DATA[name]
    beta = fraction * beta_max(X, y)
    res = solve_exact(X, y, beta)
    cert = certify(X, y, res.network, beta)
    ref = certify(X, y, solve_reference(X, y, beta).network, beta)
    assert res.info["converged"], res.info["reason"]
    assert cert.certified and cert.relative_gap <= 1e-6
    assert cert.objective == pytest.approx(ref.objective, rel=1e-7, abs=1e-12)
    if fraction >= 1.0:
        assert res.network.width == 0


def test_network_is_sparse_with_distinct_directions():
    X, y = xor(40, 3)
    beta = 0.01 * beta_max(X, y)
    net = solve_exact(X, y, beta).network
    assert 0 < net.width <= len(X) + 1
    U = net.neurons / np.linalg.norm(net.neurons, axis=1, keepdims=True)
    for i in range(net.width):
        for j in range(i):
            same = np.linalg.norm(U[i] - U[j]) < 1e-9 and np.sign(net.a[i]) == np.sign(net.a[j])
            assert not same


@pytest.mark.parametrize("n", [60, 150])
def test_certifies_at_sizes_beyond_the_reference(n):
    X, y = xor(n, n)
    for fraction in (1e-3, 0.05):
        beta = fraction * beta_max(X, y)
        res = solve_exact(X, y, beta)
        cert = certify(X, y, res.network, beta)
        assert cert.certified, cert.reason


def test_warm_start_after_moving_a_point_reaches_the_same_optimum():
    X, y = xor(60, 5)
    beta = 0.02 * beta_max(X, y)
    first = solve_exact(X, y, beta)
    X2 = X.copy()
    X2[7] += [0.05, -0.03]
    cold = solve_exact(X2, y, beta)
    warm = solve_exact(X2, y, beta, init=first.network)
    c_cold, c_warm = certify(X2, y, cold.network, beta), certify(X2, y, warm.network, beta)
    assert c_warm.certified and c_cold.certified
    assert c_warm.objective == pytest.approx(c_cold.objective, rel=1e-8)
    assert warm.n_iter <= cold.n_iter


def test_warm_start_when_beta_changes_and_points_are_added_or_removed():
    X, y = clusters(50, 6)
    beta = 0.05 * beta_max(X, y)
    prev = solve_exact(X, y, beta).network
    for X2, y2, b2 in (
        (X, y, 0.5 * beta),
        (np.vstack([X, [[0.0, 0.1]]]), np.append(y, -1.0), beta),
        (X[1:], y[1:], beta),
    ):
        warm = solve_exact(X2, y2, b2, init=prev)
        ref = solve_exact(X2, y2, b2)
        cw, cr = certify(X2, y2, warm.network, b2), certify(X2, y2, ref.network, b2)
        assert cw.certified
        assert cw.objective == pytest.approx(cr.objective, rel=1e-8)


def test_zero_targets_give_the_zero_network():
    X = np.random.default_rng(0).uniform(-1, 1, (9, 2))
    res = solve_exact(X, np.zeros(9), 0.1)
    assert res.network.width == 0
    assert certify(X, np.zeros(9), res.network, 0.1).certified


def test_a_stopped_solve_says_why_and_is_not_certified(monkeypatch):
    from solvers import ConvexReLU
    from solvers import estimator as estimator_module

    X, y = xor(30, 8)
    beta = 0.01 * beta_max(X, y)
    res = solve_exact(X, y, beta, max_iter=1)
    assert not res.info["converged"] and "pricing rounds" in res.info["reason"]
    assert not certify(X, y, res.network, beta).certified

    def one_round(*args, **kwargs):
        return solve_exact(*args, **{**kwargs, "max_iter": 1})

    monkeypatch.setattr(estimator_module, "solve_exact", one_round)
    model = ConvexReLU(beta).fit(X, y)
    assert not model.certified_
    assert "not certified" in model.certificate_reason_ and "pricing rounds" in model.certificate_reason_


def test_time_limit_stops_and_says_so():
    X, y = xor(150, 9)
    beta = 1e-3 * beta_max(X, y)
    res = solve_exact(X, y, beta, max_seconds=1e-9)
    assert not res.info["converged"] and "time limit" in res.info["reason"]
    assert res.n_iter == 1


def test_svd_falls_back_when_lapack_does_not_converge(monkeypatch):
    from solvers.polish import full_svd

    def fails(*args, **kwargs):
        raise np.linalg.LinAlgError("SVD did not converge")

    M = np.random.default_rng(0).standard_normal((6, 9))
    monkeypatch.setattr(np.linalg, "svd", fails)
    U, s, Vt = full_svd(M)
    S = np.zeros((6, 9))
    S[:6, :6] = np.diag(s)
    assert np.allclose(U @ S @ Vt, M)
    assert Vt.shape == (9, 9)


@pytest.mark.parametrize("seed", [2, 3])
def test_all_points_on_one_line_certify_at_small_beta(seed):
    """Rounding-level violations at vertices must not hide a real one inside a cell (lazy pricing)."""
    n = 40
    t = np.linspace(-1, 1, n)
    X = np.column_stack([t, 0.5 * t + 0.1])
    y = np.where(np.random.default_rng(seed).standard_normal(n) > 0, 1.0, -1.0)
    beta = 1e-3 * beta_max(X, y)
    res = solve_exact(X, y, beta)
    assert res.info["converged"], res.info["reason"]
    assert certify(X, y, res.network, beta).certified
