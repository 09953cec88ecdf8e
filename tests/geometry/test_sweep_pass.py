"""The compiled sweep pass of phi against the numpy pass, per-pattern SOCPs and its own neurons."""

import numpy as np
import pytest
from brute_force import brute_force_phi

from geometry import PlanarOracle, relu_correlation
from geometry import sweep_pass


def oracles(X):
    return PlanarOracle(X, compiled=True), PlanarOracle(X, compiled=False)


DEGENERATE = {
    "duplicates": [[0, 0], [0, 0], [1, 1], [1, 1], [2, 0], [0, 2], [1, 0]],
    "collinear": [[t, 2 * t + 1] for t in range(-3, 5)],
    "grid": [[i, j] for i in range(3) for j in range(3)],
    "two_points": [[0.2, 0.1], [-0.3, 0.5]],
    "one_point": [[0.3, -0.2]],
}


def test_numba_is_used_when_installed():
    assert sweep_pass.AVAILABLE
    X = np.random.default_rng(0).uniform(-1, 1, (9, 2))
    assert PlanarOracle(X).compiled and not PlanarOracle(X, compiled=False).compiled


@pytest.mark.parametrize("seed", range(3))
def test_compiled_phi_equals_per_pattern_socps_and_the_numpy_pass(seed):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((6 + seed, 2))
    v = rng.standard_normal(len(X))
    fast, slow = oracles(X)
    assert fast.phi(v) == pytest.approx(brute_force_phi(X, v), rel=1e-6, abs=1e-9)
    assert fast.phi(v) == pytest.approx(slow.phi(v), rel=1e-12, abs=1e-13)


@pytest.mark.parametrize("name", sorted(DEGENERATE))
def test_compiled_phi_on_degenerate_data(name):
    X = np.array(DEGENERATE[name], float)
    fast, slow = oracles(X)
    for seed in range(3):
        v = np.random.default_rng(seed).standard_normal(len(X))
        assert fast.phi(v) == pytest.approx(brute_force_phi(X, v), rel=1e-6, abs=1e-9)
        assert fast.phi(v) == pytest.approx(slow.phi(v), rel=1e-12, abs=1e-13)


@pytest.mark.parametrize("n", [40, 300])
@pytest.mark.parametrize("lazy", [False, True])
def test_compiled_peaks_are_attained_and_match_the_numpy_pass(n, lazy):
    """Every returned neuron attains its value, none exceeds phi, and the maxima agree (lazy: both stop after
    the vertices and edges when one of those exceeds the threshold)."""
    rng = np.random.default_rng(n)
    X = np.round(rng.uniform(-1, 1, (n, 2)), 2)  # a grid of 0.01: collinear triples and duplicates
    fast, slow = oracles(X)
    for trial in range(3):
        v = rng.standard_normal(n)
        top = slow.phi(v)
        for frac in (0.5, 0.95, 1.01):
            a = fast.peaks(v, frac * top, keep=16, separation=0.3, lazy=lazy)
            b = slow.peaks(v, frac * top, keep=16, separation=0.3, lazy=lazy)
            assert a.value == pytest.approx(b.value, rel=1e-12)
            assert np.allclose(np.linalg.norm(a.neurons, axis=1), 1.0)
            got = relu_correlation(X, v, a.neurons) * a.signs
            assert np.allclose(got, a.values, rtol=1e-10, atol=1e-10)
            assert np.all(a.values <= top * (1 + 1e-12))
            if not lazy:
                # the maximum is exact; the other peaks are candidates at or above the threshold (the
                # compiled pass skips cell candidates that lie outside their cell, so the pools differ)
                assert a.value == pytest.approx(top, rel=1e-12)
                assert np.all(a.values[1:] >= frac * top * (1 - 1e-12))


def test_compiled_pass_at_a_near_optimal_residual_is_exact():
    """The pass the solver makes: a residual whose phi is close to beta (many near-ties)."""
    from solvers.fast import solve_exact

    rng = np.random.default_rng(4)
    X = rng.uniform(-1, 1, (80, 2))
    y = np.sign(X[:, 0] * X[:, 1])
    net = solve_exact(X, y, 0.05).network
    r = y - net.output(X)
    fast, slow = oracles(X)
    assert fast.phi(r) == pytest.approx(slow.phi(r), rel=1e-12)
    assert fast.phi(r) <= 0.05 * (1 + 1e-9)
