"""Live reports of the exact fit: every report's bound is a true lower bound, and a report can cancel."""

import warnings

import numpy as np
import pytest

from solvers import ConvexReLU, Progress, fast, solve_reference
from solvers.network import canonical_objective


def spiral(n, seed=0):
    rng = np.random.default_rng(seed)
    t = rng.uniform(0.2, 1.0, n)
    cls = rng.integers(0, 2, n)
    ang = 4 * np.pi * t + np.pi * cls
    X = np.column_stack([t * np.cos(ang), t * np.sin(ang)]) + 0.02 * rng.normal(size=(n, 2))
    return X, np.where(cls == 1, 1.0, -1.0)


@pytest.fixture
def every_round(monkeypatch):
    """Report after every pricing round."""
    monkeypatch.setattr(fast, "REPORT_EVERY", 0.0)


def test_reports_bound_the_optimum_of_the_reference(every_round):
    """Each report's dual value is <= p* (from CVXPY over all patterns) <= its network's objective."""
    X, y = spiral(30)
    beta = 1e-3
    reports: list[Progress] = []
    model = ConvexReLU(beta=beta).fit(X, y, progress=lambda p: reports.append(p) or False)
    p_star = canonical_objective(X, y, solve_reference(X, y, beta).network, beta)
    assert model.certified_
    assert len(reports) >= 2
    for r in reports:
        assert r.certificate.objective == pytest.approx(canonical_objective(X, y, r.network, beta), rel=1e-12)
        assert r.certificate.dual_objective <= p_star * (1 + 1e-7)
        assert r.certificate.objective >= p_star * (1 - 1e-7)
        assert r.relative_gap >= -1e-12
    assert [r.rounds for r in reports] == sorted(r.rounds for r in reports)


def test_returning_true_cancels_the_fit(every_round):
    X, y = spiral(120, seed=1)
    seen = []

    def cancel(p):
        seen.append(p.rounds)
        return True

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = ConvexReLU(beta=1e-4).fit(X, y, progress=cancel)
    assert seen == [1]
    assert model.solve_.info["cancelled"]
    assert model.solve_.n_iter == 1
    assert not model.certified_


def test_progress_must_be_callable():
    with pytest.raises(ValueError, match="progress"):
        ConvexReLU(beta=0.1).fit(np.eye(2), np.array([1.0, -1.0]), progress=3)
