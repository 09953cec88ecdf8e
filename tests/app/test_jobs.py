"""The page's fit jobs: the live path returns the same certified optimum as a plain fit (and as the CVXPY
reference), running jobs are shared and cancelled when nobody waits, and the store is bounded."""

from __future__ import annotations

import threading
from dataclasses import replace

import numpy as np
import pytest

import app.models
from app.fitting import fit_points
from app.jobs import FitStore
from geometry import beta_max
from solvers import fast, solve_reference
from solvers.network import canonical_objective


def key_of(points, beta, model="exact"):
    return (points, "classification", beta, model, 100, 0)


def as_points(X, y):
    return tuple((float(a), float(b), float(c)) for (a, b), c in zip(X, y))


def random_case():
    rng = np.random.default_rng(3)
    X = rng.uniform(-1, 1, (24, 2))
    return X, np.where(X[:, 0] * X[:, 1] > 0, 1.0, -1.0), 0.05


def degenerate_case():
    g = np.array([-1.0, 0.0, 1.0])
    X = np.array([(a, b) for a in g for b in g] + [(0.0, 0.0), (1.0, 1.0), (0.5, 0.5)])  # duplicates, collinear
    y = np.array([1.0 if a * b >= 0 else -1.0 for a, b in X])
    y[9] = 1.0  # a duplicate of (0, 0) with the same label
    return X, y, 0.02


def small_beta_case():
    rng = np.random.default_rng(5)
    t = rng.uniform(0.2, 1.0, 30)
    cls = rng.integers(0, 2, 30)
    X = np.column_stack([t * np.cos(4 * t + np.pi * cls), t * np.sin(4 * t + np.pi * cls)])
    y = np.where(cls == 1, 1.0, -1.0)
    return X, y, 1e-3 * beta_max(X, y)


@pytest.mark.parametrize("case", [random_case, degenerate_case, small_beta_case])
def test_live_path_gives_the_plain_fit_and_the_reference_optimum(monkeypatch, case):
    monkeypatch.setattr(fast, "REPORT_EVERY", 0.0)  # a report after every pricing round
    X, y, beta = case()
    points = as_points(X, y)
    store = FitStore()
    job = store.job(key_of(points, beta), "me", live=True)
    live = job.wait(120)
    plain_fit = fit_points(points, "classification", beta, "exact", 100, 0)
    assert live is not None and live.model.certified_
    # the identical picture: a link that redraws the state without the live reports gets the same canvas
    assert np.array_equal(live.surface, plain_fit.surface)
    assert np.array_equal(live.model.network_.W, plain_fit.model.network_.W)
    p_star = canonical_objective(X, y, solve_reference(X, y, beta).network, beta)
    assert live.model.objective_ == pytest.approx(p_star, rel=1e-7)
    assert len(live.trace) == len(job.reports) + 1 >= 2
    assert live.trace[-1][1] == live.model.certificate_.relative_gap <= 1e-6  # the curve ends certified
    for r in job.reports:  # every report's bound is a true bound
        assert r.dual_objective <= p_star * (1 + 1e-9) <= r.objective * (1 + 2e-9)
    assert store.finished(key_of(points, beta)) is live


class _Endless:
    """A live model that reports until it is cancelled (the store raises inside its report)."""

    started = threading.Event()

    def fit(self, X, y, oracle=None, progress=None):
        from solvers import Progress

        while True:
            _Endless.started.set()
            progress(Progress(network=_NET, certificate=_CERT, seconds=0.0, rounds=1))


def _endless(monkeypatch):
    from solvers import ConvexReLU

    X, y = np.array([[0.0, 0.0], [1.0, 0.0]]), np.array([1.0, -1.0])
    global _NET, _CERT
    fitted = ConvexReLU(beta=0.1).fit(X, y)
    _NET, _CERT = fitted.network_, fitted.certificate_
    spec = app.models.MODELS["exact"]
    monkeypatch.setitem(app.models.MODELS, "exact", replace(spec, factory=lambda *a: _Endless()))
    _Endless.started.clear()
    return ((0.0, 0.0, 1.0), (1.0, 0.0, -1.0))


def test_a_job_nobody_waits_for_is_cancelled_and_keeps_nothing(monkeypatch):
    points = _endless(monkeypatch)
    store = FitStore()
    key = key_of(points, 0.1)
    job = store.job(key, "a", live=True)
    assert store.job(key, "b", live=True) is job  # a second session shares the running fit
    assert _Endless.started.wait(10)
    store.release(key, "a")
    assert not job.cancelled.is_set() and store.running() == 1  # "b" still waits
    store.release(key, "b")
    assert job.wait(10) is None and job.cancelled.is_set()
    assert store.running() == 0 and store.finished(key) is None
    monkeypatch.undo()
    fit = store.fit(key, "a")  # asked again: a fresh job, which now finishes
    assert fit.model is not None and store.finished(key) is fit


def test_the_store_keeps_only_the_most_recent_fits():
    store = FitStore(size=2)
    keys = [key_of(((0.1 * i, 0.2, 1.0), (-0.3, 0.1 * i, -1.0)), 0.1) for i in range(1, 4)]
    fits = [store.fit(k, "me") for k in keys]
    assert store.finished(keys[0]) is None
    assert store.finished(keys[1]) is fits[1] and store.finished(keys[2]) is fits[2]


def test_a_failing_fit_becomes_a_short_message(monkeypatch):
    class Broken:
        def fit(self, X, y, oracle=None, progress=None):
            raise RuntimeError("bug")

    spec = app.models.MODELS["exact"]
    monkeypatch.setitem(app.models.MODELS, "exact", replace(spec, factory=lambda *a: Broken()))
    fit = FitStore().fit(key_of(((0.0, 0.0, 1.0),), 0.1), "me")
    assert fit.model is None and "solver failed" in fit.error and "RuntimeError" in fit.error
