"""Warm starts, the live (progress) path and time limits of the exact method, against the CVXPY reference."""

import time
import warnings

import numpy as np
import pytest

from geometry import beta_max
from solvers import ConvexReLU, certify, solve_reference
from solvers.fast import solve_exact
from planar_data import xor, surface


CASES = {
    "xor": xor(16, 0),
    "surface": surface(14, 1),
    "duplicates": (
        np.array([[0, 0], [0, 0], [1, 1], [1, 1], [2, 0], [0, 2], [1, 0], [2, 2]], float),
        np.array([1, 1, -1, -1, 1, 1, -1, 1.0]),
    ),
    "collinear": (np.array([[t, 2 * t] for t in range(-3, 4)], float), np.array([1, -1, 1, 1, -1, 1, -1.0])),
    "grid": (np.array([[i, j] for i in range(3) for j in range(3)], float), np.array([1, -1, 1, -1, 1, -1, 1, -1, 1.0])),
}


def reference_objective(X, y, beta):
    return certify(X, y, solve_reference(X, y, beta).network, beta).objective


@pytest.mark.parametrize("name", sorted(CASES))
@pytest.mark.parametrize("fraction", [1e-2, 1e-3, 1e-4])
def test_warm_start_from_a_larger_beta_agrees_with_the_reference(name, fraction):
    """Continuation: the optimum at 0.1 beta_max warm-starts the fit at a (much) smaller beta."""
    X, y = CASES[name]
    bmax = beta_max(X, y)
    prev = solve_exact(X, y, 0.1 * bmax).network
    beta = fraction * bmax
    warm = solve_exact(X, y, beta, init=prev)
    cert = certify(X, y, warm.network, beta)
    assert cert.certified and cert.relative_gap <= 1e-6, cert.reason
    assert cert.objective == pytest.approx(reference_objective(X, y, beta), rel=1e-7, abs=1e-12)


@pytest.mark.parametrize("name", ["xor", "surface", "duplicates"])
def test_warm_start_after_moving_a_point_agrees_with_the_reference(name):
    X, y = CASES[name]
    beta = 3e-3 * beta_max(X, y)
    prev = solve_exact(X, y, beta).network
    X2 = X.copy()
    X2[len(X) // 2] += [0.05, -0.03]
    warm = solve_exact(X2, y, beta, init=prev)
    cert = certify(X2, y, warm.network, beta)
    assert cert.certified, cert.reason
    assert cert.objective == pytest.approx(reference_objective(X2, y, beta), rel=1e-7, abs=1e-12)


@pytest.mark.parametrize("name", ["xor", "grid"])
def test_the_live_path_with_warm_starts_ends_on_the_reference_optimum(name, monkeypatch):
    """The estimator as the page drives it: progress reports, then warm re-fits down a beta slider."""
    import solvers.fast

    monkeypatch.setattr(solvers.fast, "REPORT_EVERY", 0.0)  # report after every pricing round
    X, y = CASES[name]
    bmax = beta_max(X, y)
    seen = []
    model = ConvexReLU(task="regression", warm_start=True)
    for fraction in (0.3, 1e-2, 1e-3):
        beta = fraction * bmax
        model.set_params(beta=beta).fit(X, y, progress=lambda p: seen.append(p.certificate.gap) and False)
        assert model.certified_, model.certificate_reason_
        assert model.objective_ == pytest.approx(reference_objective(X, y, beta), rel=1e-7, abs=1e-12)
    # every report was an exact certificate of a feasible network: its gap is never negative
    assert seen and all(g >= -1e-12 for g in seen)


def test_a_time_limit_holds_to_about_one_round():
    """Small beta on 200 points takes many rounds; a 1 s budget must end the fit soon after 1 s."""
    rng = np.random.default_rng(3)
    X = rng.uniform(-0.9, 0.9, (200, 2))
    y = np.where(X[:, 0] * X[:, 1] >= 0, 1.0, -1.0)
    t = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = ConvexReLU(beta=1e-4, max_seconds=1.0).fit(X, y)
    seconds = time.perf_counter() - t
    assert seconds < 3.0
    if not model.certified_:
        assert "time limit" in model.certificate_reason_
    # whatever came back is certified for what it is: a feasible network and an exact dual bound
    assert model.certificate_.gap >= 0


def plane_grid():
    g = np.linspace(-1.3, 1.3, 41)
    return np.array([[a, b] for a in g for b in g])


@pytest.mark.parametrize("name", sorted(CASES))
def test_warm_and_cold_fits_draw_the_same_picture(name):
    """The optimal network is not always unique as a list of neurons (pairs (u)_+ - (-u)_+ = u . z make the
    linear part ambiguous), but on these data its function on the whole plane is: a warm fit (from a larger
    beta, or after moving a point back) draws what the cold fit draws, and the neurons come in a fixed order."""
    X, y = CASES[name]
    beta = 3e-3 * beta_max(X, y)
    cold = solve_exact(X, y, beta).network
    from_beta = solve_exact(X, y, beta, init=solve_exact(X, y, 5 * beta).network).network
    X2 = X.copy()
    X2[3] += [0.05, -0.03]
    moved_back = solve_exact(X, y, beta, init=solve_exact(X2, y, beta).network).network
    G = plane_grid()
    scale = max(1.0, float(np.abs(y).max()))
    for warm in (from_beta, moved_back):
        assert np.abs(warm.output(G) - cold.output(G)).max() <= 1e-8 * scale
    for net in (cold, from_beta, moved_back):
        U = net.neurons / np.linalg.norm(net.neurons, axis=1, keepdims=True)
        key = np.stack([-np.sign(net.a), np.arctan2(U[:, 1], U[:, 0])], axis=1)
        assert all(tuple(key[i]) <= tuple(key[i + 1]) for i in range(len(key) - 1))
