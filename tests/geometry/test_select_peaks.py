"""The pricing's peak selection: the greedy choice of the best candidates, each at least ``separation`` from
the ones picked before it among those of its sign, against a plain double loop."""

import numpy as np
import pytest

from geometry.dual import select_peaks


def greedy(values, neurons, signs, keep, separation):
    order = sorted(range(len(values)), key=lambda j: -values[j])
    picked = []
    dropped = set()
    for j in order:
        if len(picked) >= max(1, keep):
            break
        if j in dropped:
            continue
        picked.append(j)
        for k in order:
            if signs[k] == signs[j] and np.sqrt(np.sum((neurons[k] - neurons[j]) ** 2)) <= separation:
                dropped.add(k)
    return picked


@pytest.mark.parametrize("compiled", [True, False])
@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("separation", [1e-9, 0.15, 0.5, 1.5])
def test_select_peaks_is_the_greedy_choice(seed, separation, compiled):
    rng = np.random.default_rng(seed)
    m = int(rng.integers(1, 300))
    U = rng.standard_normal((m, 3))
    U /= np.linalg.norm(U, axis=1, keepdims=True)
    U[m // 2 :: 7] = U[0]  # repeated candidates (several sweeps reach the same vertex)
    values = rng.uniform(0, 1, m)
    values[m // 3 :: 5] = values[0]  # ties: the earlier candidate goes first
    signs = rng.choice([-1, 1], m)
    keep = int(rng.integers(1, 70))
    got = select_peaks(values, U, signs, keep, separation, compiled=compiled)
    want = greedy(values, U, signs, keep, separation)
    np.testing.assert_array_equal(got.values, values[want])
    np.testing.assert_array_equal(got.neurons, U[want])
    np.testing.assert_array_equal(got.signs, signs[want])
