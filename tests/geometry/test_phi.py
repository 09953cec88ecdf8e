"""The exact dual constraint phi against per-pattern SOCPs, dense sampling and its own argmax."""

import numpy as np
import pytest
from brute_force import brute_force_phi, lifted, sampled_phi
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from geometry import PlanarOracle, beta_max, dual_peaks, phi, phi_argmax, relu_correlation, sphere_grid


@pytest.mark.parametrize("seed", range(4))
def test_phi_equals_per_pattern_socp_maximum(seed):
    rng = np.random.default_rng(seed)
    n = 5 + seed
    X = rng.standard_normal((n, 2))
    v = rng.standard_normal(n)
    assert phi(X, v) == pytest.approx(brute_force_phi(X, v), rel=1e-6, abs=1e-9)


@pytest.mark.parametrize(
    "X",
    [
        [[0, 0], [1, 1], [2, 2], [0, 2], [3, 0], [1, 1]],
        [[0, 0], [1, 2], [2, 4], [3, 6]],
        [[1, 1]],
        [[0, 0], [2, 0], [0, 2], [2, 2], [1, 1]],
    ],
)
def test_phi_on_degenerate_data_equals_brute_force(X):
    X = np.array(X, float)
    v = np.random.default_rng(len(X)).standard_normal(len(X))
    assert phi(X, v) == pytest.approx(brute_force_phi(X, v), rel=1e-6, abs=1e-9)


@pytest.mark.parametrize("n", [10, 60, 150])
def test_sampling_never_exceeds_phi_and_comes_close(n):
    rng = np.random.default_rng(n)
    X = rng.uniform(-1, 1, (n, 2))
    v = rng.standard_normal(n)
    exact = phi(X, v)
    approx = sampled_phi(X, v, n_dirs=100_000)
    assert approx <= exact * (1 + 1e-12)
    assert approx >= 0.97 * exact


def test_argmax_attains_phi_with_its_sign():
    rng = np.random.default_rng(11)
    X = rng.standard_normal((40, 2))
    v = rng.standard_normal(40)
    peaks = phi_argmax(X, v)
    u = peaks.neuron
    assert np.linalg.norm(u) == pytest.approx(1.0)
    assert peaks.sign * (v @ np.maximum(lifted(X) @ u, 0.0)) == pytest.approx(peaks.value, rel=1e-12)


def test_dual_peaks_lists_points_above_threshold_with_true_values():
    rng = np.random.default_rng(12)
    X = rng.standard_normal((30, 2))
    v = rng.standard_normal(30)
    top = phi(X, v)
    peaks = dual_peaks(X, v, 0.8 * top)
    assert peaks.values[0] == pytest.approx(top)
    vals = peaks.signs * (np.maximum(lifted(X) @ peaks.neurons.T, 0.0).T @ v)
    assert np.allclose(vals, peaks.values, rtol=1e-10, atol=1e-12)
    assert np.all(peaks.values >= 0.8 * top - 1e-12)


def test_beta_max_equals_the_brute_force_maximum_for_y():
    rng = np.random.default_rng(13)
    X = rng.standard_normal((7, 2))
    y = np.sign(rng.standard_normal(7))
    assert beta_max(X, y) == pytest.approx(brute_force_phi(X, y), rel=1e-6)


def test_phi_of_zero_is_zero():
    X = np.random.default_rng(1).standard_normal((8, 2))
    assert phi(X, np.zeros(8)) == 0.0


def test_duplicates_merge_their_dual_weights():
    X = np.array([[0.0, 0.0], [1.0, 0.0], [1.0, 0.0], [0.0, 1.0]])
    v = np.array([0.3, 0.5, -0.2, 1.0])
    X2 = np.array([[0.0, 0.0], [1.0, 0.0], [0.0, 1.0]])
    v2 = np.array([0.3, 0.3, 1.0])
    assert phi(X, v) == pytest.approx(phi(X2, v2), rel=1e-12)


@pytest.mark.parametrize("bias,X", [(True, np.array([[0.0], [1.0], [2.5], [-1.0], [1.0]])), (False, None)])
def test_phi_in_the_plane_cases(bias, X):
    if X is None:
        X = np.array([[1.0, 0.0], [-2.0, 0.5], [0.3, 1.0], [0.0, 0.0], [-1.0, -1.0]])
    v = np.random.default_rng(2).standard_normal(len(X))
    assert phi(X, v, bias=bias) == pytest.approx(brute_force_phi(X, v, bias=bias), rel=1e-6, abs=1e-9)
    assert sampled_phi(X, v, bias=bias, n_dirs=20000) <= phi(X, v, bias=bias) + 1e-12


small_data = st.integers(2, 9).flatmap(
    lambda n: st.tuples(
        arrays(np.float64, (n, 2), elements=st.integers(-3, 3).map(float)),
        arrays(np.float64, (n,), elements=st.floats(-2, 2)),
    )
)


@given(small_data, st.floats(-3, 3))
def test_phi_is_absolutely_homogeneous_and_above_samples(data, t):
    X, v = data
    p = phi(X, v)
    assert phi(X, t * v) == pytest.approx(abs(t) * p, rel=1e-9, abs=1e-9)
    assert sampled_phi(X, v, n_dirs=3000) <= p * (1 + 1e-9) + 1e-12


@given(small_data)
def test_phi_equals_brute_force_on_integer_grids(data):
    X, v = data
    X = X[:6]
    v = v[:6]
    assert phi(X, v) == pytest.approx(brute_force_phi(X, v), rel=1e-6, abs=1e-8)


# ------------------------------------------------------------------------ v^T (Z u)_+ at given neurons
def test_relu_correlation_equals_an_explicit_loop():
    rng = np.random.default_rng(11)
    X, v = rng.standard_normal((6, 2)), rng.standard_normal(6)
    U = rng.standard_normal((3, 4, 3))
    S = relu_correlation(X, v, U)
    assert S.shape == (3, 4)
    for i in range(3):
        for j in range(4):
            w1, w2, b = U[i, j]
            loop = sum(v[k] * max(0.0, w1 * X[k, 0] + w2 * X[k, 1] + b) for k in range(6))
            assert S[i, j] == pytest.approx(loop, rel=1e-12, abs=1e-14)
    # without bias: v^T (X w)_+ at unit w = (cos t, sin t)
    t = np.linspace(-np.pi, np.pi, 13)
    W = np.stack([np.cos(t), np.sin(t)], axis=1)
    S0 = relu_correlation(X, v, W, bias=False)
    for q in range(13):
        loop = sum(v[k] * max(0.0, np.cos(t[q]) * X[k, 0] + np.sin(t[q]) * X[k, 1]) for k in range(6))
        assert S0[q] == pytest.approx(loop, rel=1e-12, abs=1e-14)


def test_relu_correlation_never_exceeds_phi_and_reaches_it_at_the_argmax():
    rng = np.random.default_rng(12)
    X, v = rng.standard_normal((8, 2)), rng.standard_normal(8)
    _, _, U = sphere_grid(31, 61)
    assert np.abs(relu_correlation(X, v, U)).max() <= phi(X, v) + 1e-12
    pk = phi_argmax(X, v)
    assert pk.sign * relu_correlation(X, v, pk.neuron) == pytest.approx(pk.value, rel=1e-9)


def test_sphere_grid_is_unit_neurons_at_their_longitude_and_latitude():
    lat, lon, U = sphere_grid(7, 13)
    assert lat.shape == (7,) and lon.shape == (13,) and U.shape == (7, 13, 3)
    assert lat[0] == -np.pi / 2 and lat[-1] == np.pi / 2 and lon[0] == -np.pi and lon[-1] == np.pi
    assert np.allclose(np.linalg.norm(U, axis=-1), 1.0)
    i, j = 2, 9
    assert np.allclose(U[i, j], [np.cos(lat[i]) * np.cos(lon[j]), np.cos(lat[i]) * np.sin(lon[j]), np.sin(lat[i])])
    # latitude is the angle of b, longitude that of (w1, w2)
    assert np.allclose(np.arcsin(U[:, j, 2]), lat)
    assert np.allclose(np.arctan2(U[3, 1:-1, 1], U[3, 1:-1, 0]), lon[1:-1])


def test_relu_correlation_bad_input():
    X = np.zeros((3, 2))
    with pytest.raises(ValueError, match="length"):
        relu_correlation(X, np.ones(4), np.ones(3))
    with pytest.raises(ValueError, match="coordinates"):
        relu_correlation(X, np.ones(3), np.ones((2, 2)))
    with pytest.raises(ValueError, match="coordinates"):
        relu_correlation(X, np.ones(3), np.ones(3), bias=False)


def test_oracle_checks_its_input_on_every_public_path():
    X = np.random.default_rng(13).standard_normal((5, 2))
    oracle = PlanarOracle(X)
    for bad, msg in ((np.ones(4), "length"), (np.array([1.0, np.nan, 0, 0, 0]), "NaN"), (np.ones((2, 5)), "shape")):
        for call in (oracle.aggregate, oracle.phi, oracle.peaks):
            with pytest.raises(ValueError, match=msg):
                call(bad)
    v = np.random.default_rng(14).standard_normal(5)
    assert oracle.phi(v) == pytest.approx(phi(X, v), rel=1e-12)

