"""A cold fit at small beta walks down from a larger beta: it must end on the same certified optimum as the
CVXPY reference and as a fit without the walk, within its time limit, reporting and cancellable throughout."""

import numpy as np
import pytest

from geometry import beta_max
from solvers import certify, solve_reference
from solvers.fast import CONTINUE_BELOW, CONTINUE_RATIO, CONTINUE_TOP, solve_exact
from planar_data import xor, surface


@pytest.mark.parametrize("data", [xor(14, 3), surface(14, 4)], ids=["xor", "surface"])
def test_the_walk_ends_on_the_reference_optimum(data):
    X, y = data
    beta = 1e-6 * beta_max(X, y)
    assert beta < CONTINUE_BELOW * beta_max(X, y)
    res = solve_exact(X, y, beta)
    stages = res.info["continuation"]
    assert stages[0] == pytest.approx(CONTINUE_TOP * beta) and stages[-1] == beta
    np.testing.assert_allclose(stages[:-1] / np.array(stages[1:]), CONTINUE_RATIO)
    cert = certify(X, y, res.network, beta)
    assert cert.certified and res.info["converged"]
    ref = certify(X, y, solve_reference(X, y, beta).network, beta)
    assert cert.objective == pytest.approx(ref.objective, rel=1e-7)
    plain = solve_exact(X, y, beta, continuation=False)
    assert "continuation" not in plain.info
    assert cert.objective == pytest.approx(certify(X, y, plain.network, beta).objective, rel=1e-7)


def test_no_walk_above_the_threshold_or_from_a_warm_start():
    X, y = xor(14, 3)
    bmax = beta_max(X, y)
    assert "continuation" not in solve_exact(X, y, 10 * CONTINUE_BELOW * bmax).info
    small = 1e-6 * bmax
    warm = solve_exact(X, y, small, init=solve_exact(X, y, 1e-3 * bmax).network)
    assert "continuation" not in warm.info and certify(X, y, warm.network, small).certified


def test_the_walk_is_deterministic():
    X, y = surface(30, 5)
    beta = 1e-6 * beta_max(X, y)
    a, b = solve_exact(X, y, beta).network, solve_exact(X, y, beta).network
    np.testing.assert_array_equal(a.neurons, b.neurons)
    np.testing.assert_array_equal(a.a, b.a)


def test_time_limit_reports_and_cancel_cover_the_whole_walk():
    X, y = xor(120, 2)
    beta = 1e-6 * beta_max(X, y)
    res = solve_exact(X, y, beta, max_seconds=0.5)
    assert res.info["seconds"] <= 0.5 * 1.1 + 0.2  # one round's slack
    assert not res.info["converged"] and "time limit" in res.info["reason"]

    seen = []

    def watch(net, seconds, rounds):
        seen.append((seconds, rounds, certify(X, y, net, beta).gap))
        return len(seen) >= 4  # cancel at the fourth report

    res = solve_exact(X, y, beta, on_round=watch, report_every=0.0)
    assert res.info["cancelled"] and len(seen) == 4
    assert all(g >= -1e-12 for _, _, g in seen)  # every report is a feasible network: its gap is a proof
    assert [s for s, _, _ in seen] == sorted(s for s, _, _ in seen)
    assert [r for _, r, _ in seen] == sorted(r for _, r, _ in seen) and seen[-1][1] > seen[0][1]
