"""Exact activation patterns against LP brute force, Cover's count and exact integer line counting."""

import numpy as np
import pytest
from brute_force import brute_force_patterns, lifted, lines_through_points, realizable

from geometry import PlanarOracle, activation_patterns, neuron_patterns, pattern_count, sampled_patterns


def as_set(P):
    return {tuple(map(bool, row)) for row in P}


@pytest.mark.parametrize("n", [1, 2, 3, 4, 6, 8])
def test_general_position_matches_brute_force_and_cover(n):
    X = np.random.default_rng(n).standard_normal((n, 2))
    P = activation_patterns(X)
    assert P.shape == (n * n - n + 2, n)
    assert len(as_set(P)) == P.shape[0]  # distinct rows
    assert as_set(P) == brute_force_patterns(X)
    assert pattern_count(X) == n * n - n + 2


DEGENERATE = {
    "duplicates": [[0, 0], [0, 0], [1, 2], [3, 1], [1, 2]],
    "collinear_triple": [[0, 0], [1, 1], [2, 2], [0, 2], [3, 0]],
    "all_on_a_line": [[0, 0], [1, 2], [2, 4], [-1, -2], [3, 6]],
    "vertical_line": [[1, 0], [1, 1], [1, 3], [1, -2]],
    "single_point": [[0.5, -1.0]],
    "same_point_thrice": [[2, 2], [2, 2], [2, 2]],
    "grid_3x3": [[i, j] for i in range(3) for j in range(3)],
    "square_and_centre": [[0, 0], [2, 0], [0, 2], [2, 2], [1, 1], [0, 0]],
    "origin_and_opposites": [[0, 0], [1, 0], [-1, 0], [0, 1], [0, -1]],
}


@pytest.mark.parametrize("name", sorted(DEGENERATE))
def test_degenerate_data_matches_brute_force(name):
    X = np.array(DEGENERATE[name], float)
    P = activation_patterns(X)
    truth = brute_force_patterns(X)
    assert as_set(P) == truth
    assert P.shape[0] == len(truth)
    assert pattern_count(X) == len(truth)


def test_collinear_points_give_2m_patterns():
    X = np.array([[t, 2 * t + 1] for t in range(7)], float)
    assert pattern_count(X) == 2 * 7
    assert activation_patterns(X).shape == (14, 7)


@pytest.mark.parametrize("side", [4, 6])
def test_integer_grid_count_equals_exact_line_count(side):
    """Euler's formula P = 2 + 2 sum_L (t_L - 1), with lines found by exact integer arithmetic."""
    X = np.array([[i, j] for i in range(side) for j in range(side)], float)
    lines = lines_through_points(X)
    expected = 2 + 2 * sum(len(pts) - 1 for pts in lines.values())
    assert pattern_count(X) == expected
    P = activation_patterns(X)
    assert P.shape[0] == expected
    assert len(as_set(P)) == expected
    Z = lifted(X)
    rng = np.random.default_rng(0)
    for row in P[rng.choice(len(P), 40, replace=False)]:
        assert realizable(Z, row)


@pytest.mark.parametrize("n", [30, 120])
def test_cover_count_at_larger_n(n):
    X = np.random.default_rng(7).uniform(-1, 1, (n, 2))
    P = activation_patterns(X)
    assert P.shape == (n * n - n + 2, n)
    assert len(np.unique(P, axis=0)) == P.shape[0]
    assert pattern_count(X) == n * n - n + 2
    # every pattern is realizable: check a random sample by LP
    Z = lifted(X)
    for row in P[np.random.default_rng(1).choice(len(P), 25, replace=False)]:
        assert realizable(Z, row)


def test_patterns_of_random_neurons_are_all_found():
    X = np.random.default_rng(3).standard_normal((25, 2))
    P = as_set(activation_patterns(X))
    U = np.random.default_rng(4).standard_normal((20000, 3))
    seen = as_set((lifted(X) @ U.T >= 0).T)
    assert seen <= P


@pytest.mark.parametrize(
    "X",
    [
        np.array([[0.0], [1.0], [2.5], [-1.0]]),
        np.array([[0.0], [1.0], [1.0], [3.0]]),
        np.array([[2.0]]),
    ],
)
def test_one_dimensional_data_with_bias(X):
    P = activation_patterns(X)
    assert as_set(P) == brute_force_patterns(X)
    m = len(np.unique(X))
    assert P.shape[0] == 2 * m


@pytest.mark.parametrize(
    "X",
    [
        np.random.default_rng(5).standard_normal((6, 2)),
        np.array([[1.0, 0.0], [-2.0, 0.0], [0.0, 1.0], [1.0, 1.0]]),  # two points on one line through 0
        np.array([[0.0, 0.0], [1.0, 2.0], [2.0, 4.0], [-1.0, 3.0]]),  # the origin and a repeated direction
        np.array([[1.0, 0.0], [-1.0, 0.0]]),
    ],
)
def test_no_bias_patterns_match_brute_force(X):
    P = activation_patterns(X, bias=False)
    assert as_set(P) == brute_force_patterns(X, bias=False)


def test_no_bias_distinct_directions_give_2n():
    ang = np.sort(np.random.default_rng(2).uniform(0, np.pi, 9))
    X = np.stack([np.cos(ang), np.sin(ang)], axis=1) * np.random.default_rng(3).uniform(0.5, 2, (9, 1))
    assert activation_patterns(X, bias=False).shape[0] == 2 * 9


def test_sampled_patterns_are_a_marked_subset():
    X = np.random.default_rng(9).standard_normal((15, 2))
    S = sampled_patterns(X, n_gates=50, seed=1)
    assert not S.exact and "sampled" in S.reason
    assert as_set(S.patterns) <= as_set(activation_patterns(X))
    assert np.array_equal((lifted(X) @ S.gates.T >= 0).T, S.patterns)


def test_sampled_patterns_any_dimension():
    X = np.random.default_rng(9).standard_normal((12, 5))
    S = sampled_patterns(X, n_gates=30, seed=0)
    assert S.patterns.shape[1] == 12 and S.gates.shape[1] == 6
    for row in S.patterns:
        assert realizable(lifted(X), row)


@pytest.mark.parametrize(
    "bad, message",
    [
        (np.zeros((0, 2)), "empty"),
        (np.array([[np.nan, 1.0]]), "NaN"),
        (np.array([[np.inf, 1.0]]), "NaN or infinite"),
        (np.zeros((2, 2, 2)), "shape"),
        ("abc", "numeric"),
    ],
)
def test_bad_input_raises_value_error(bad, message):
    with pytest.raises(ValueError, match=message):
        activation_patterns(bad)


def test_higher_dimension_exact_is_refused_with_a_pointer():
    with pytest.raises(ValueError, match="sampled_patterns"):
        activation_patterns(np.zeros((4, 3)))


def test_too_many_points_is_refused():
    with pytest.raises(ValueError, match="limit"):
        pattern_count(np.random.default_rng(0).standard_normal((6000, 2)))


# ------------------------------------------------------------------- the oracle's count, patterns of neurons
ORACLE_DATA = {
    "random": np.random.default_rng(7).standard_normal((9, 2)),
    "collinear": np.array([[t, 0.5 * t - 1] for t in range(6)], float),
    "duplicates": np.array(DEGENERATE["duplicates"], float),
    "grid_3x3": np.array(DEGENERATE["grid_3x3"], float),
    "single_point": np.array(DEGENERATE["single_point"], float),
    "same_point_thrice": np.array(DEGENERATE["same_point_thrice"], float),
}


@pytest.mark.parametrize("name", sorted(ORACLE_DATA))
def test_oracle_counts_the_patterns_of_its_points(name):
    X = ORACLE_DATA[name]
    truth = len(brute_force_patterns(X))  # one LP per sign vector, independent of the sweep
    assert PlanarOracle(X).n_patterns == truth
    assert pattern_count(X) == truth
    assert activation_patterns(X).shape[0] == truth


def test_oracle_count_on_collinear_points_is_2m():
    X = np.array([[t, 3 - t] for t in range(8)] + [[2, 1], [5, -2]], float)  # 8 distinct points on a line
    assert PlanarOracle(X).n_patterns == 2 * 8


def test_neuron_patterns_are_the_sign_tests_point_by_point():
    rng = np.random.default_rng(3)
    X = rng.standard_normal((6, 2))
    U = rng.standard_normal((4, 5, 3))
    A = neuron_patterns(X, U)
    assert A.shape == (4, 5, 6) and A.dtype == bool
    for i in range(4):
        for j in range(5):
            for k in range(6):
                assert A[i, j, k] == (X[k, 0] * U[i, j, 0] + X[k, 1] * U[i, j, 1] + U[i, j, 2] >= 0)
    # a neuron through a point counts that point as active (closed side)
    u = np.array([1.0, -2.0, -(X[0, 0] - 2 * X[0, 1])])
    assert neuron_patterns(X, u)[0]
    # without bias: w . x >= 0
    W = rng.standard_normal((7, 2))
    assert np.array_equal(neuron_patterns(X, W, bias=False), np.array([[w @ x >= 0 for x in X] for w in W]))
    # every pattern of a neuron is one of the arrangement's patterns
    assert as_set(neuron_patterns(X, U.reshape(-1, 3))) <= as_set(activation_patterns(X))


def test_neuron_patterns_bad_input():
    X = np.zeros((3, 2))
    with pytest.raises(ValueError, match="coordinates"):
        neuron_patterns(X, np.ones((2, 2)))
    with pytest.raises(ValueError, match="NaN"):
        neuron_patterns(X, np.array([np.nan, 0.0, 1.0]))
