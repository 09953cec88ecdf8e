"""Bad input raises a ValueError that names the problem; degenerate but valid data fits and certifies."""

from __future__ import annotations

import re

import numpy as np
import pytest

from solvers import ConvexReLU, GatedReLU, NotFittedError

X_OK = np.array([[0.0, 0.0], [1.0, 0.0], [0.0, 1.0], [1.0, 1.0]])
Y_OK = np.array([1.0, -1.0, -1.0, 1.0])


@pytest.mark.parametrize("Model", [ConvexReLU, GatedReLU])
@pytest.mark.parametrize(
    "X, y, match",
    [
        (np.array([[0.0, np.nan], [1.0, 0.0]]), np.array([1.0, -1.0]), "NaN or infinite"),
        (np.array([[0.0, np.inf], [1.0, 0.0]]), np.array([1.0, -1.0]), "NaN or infinite"),
        (X_OK, np.array([1.0, np.nan, 1.0, -1.0]), "y contains NaN"),
        (np.zeros((3, 3)), np.ones(3), r"X must have shape \(n, 2\)"),
        (np.zeros(4), np.ones(4), r"X must have shape \(n, 2\)"),
        (np.zeros((2, 2, 2)), np.ones(2), r"X must have shape"),
        (X_OK, Y_OK[:, None], r"y must have shape \(n,\)"),
        (X_OK, Y_OK[:3], "lengths must match"),
        (np.zeros((0, 2)), np.zeros(0), "X is empty"),
        (X_OK, np.array([0.0, 1.0, 0.0, 1.0]), r"\+1/-1"),
        (X_OK, np.array([1.0, 2.0, -1.0, 1.0]), r"\+1/-1"),
        ([["a", "b"]], [1.0], "numeric"),
    ],
)
def test_bad_data(Model, X, y, match):
    with pytest.raises(ValueError, match=match):
        Model(0.1).fit(X, y)


@pytest.mark.parametrize("Model", [ConvexReLU, GatedReLU])
@pytest.mark.parametrize(
    "params, match",
    [
        (dict(beta=0.0), "beta"),
        (dict(beta=-1.0), "beta"),
        (dict(beta=np.nan), "beta"),
        (dict(beta=np.inf), "beta"),
        (dict(beta="0.1"), "beta"),
        (dict(task="clustering"), "task"),
        (dict(patterns="some"), "patterns"),
        (dict(n_patterns=0), "n_patterns"),
        (dict(seed=-1), "seed"),
        (dict(tol=0.0), "tol"),
        (dict(max_points=0), "max_points"),
    ],
)
def test_bad_hyper_parameters(Model, params, match):
    model = Model(**params)  # __init__ only stores
    with pytest.raises(ValueError, match=match):
        model.fit(X_OK, Y_OK)


def test_unknown_method_and_bad_warm_start():
    with pytest.raises(ValueError, match="method"):
        ConvexReLU(0.1, method="sgd").fit(X_OK, Y_OK)
    with pytest.raises(ValueError, match="warm_start"):
        ConvexReLU(0.1, warm_start="yes").fit(X_OK, Y_OK)


@pytest.mark.parametrize("Model", [ConvexReLU, GatedReLU])
def test_too_many_points(Model):
    X = np.random.default_rng(0).standard_normal((11, 2))
    with pytest.raises(ValueError, match="max_points=10"):
        Model(0.1, task="regression", max_points=10).fit(X, np.zeros(11))


@pytest.mark.parametrize("Model", [ConvexReLU, GatedReLU])
def test_use_before_fit(Model):
    with pytest.raises(NotFittedError, match="not fitted"):
        Model(0.1).predict(X_OK)
    with pytest.raises(ValueError):
        Model(0.1).decision_function(X_OK)


def test_bad_prediction_input():
    model = ConvexReLU(0.1, method="reference").fit(X_OK, Y_OK)
    with pytest.raises(ValueError, match=r"shape \(n, 2\)"):
        model.predict(np.zeros((3, 3)))
    with pytest.raises(ValueError, match="NaN"):
        model.decision_function(np.array([[np.nan, 0.0]]))
    with pytest.raises(ValueError, match="lengths must match"):
        model.score(X_OK, Y_OK[:2])


def test_set_params_rejects_unknown_names():
    with pytest.raises(ValueError, match="no parameter"):
        ConvexReLU().set_params(lam=0.1)


DEGENERATE = {
    "one point": (np.array([[0.3, -0.2]]), np.array([1.0])),
    "all labels equal": (np.array([[0, 0], [1, 0], [0, 1], [1, 1.5]]), np.ones(4)),
    "duplicates": (np.array([[0, 0], [0, 0], [1, 1], [1, 1], [2, 0]]), np.array([1, -1, 1, 1, -1.0])),
    "collinear": (np.array([[t, 2 * t + 1] for t in range(-2, 4)], float), np.array([1, 1, -1, -1, 1, -1.0])),
    "all at one location": (np.zeros((4, 2)), np.array([1, -1, 1, 1.0])),
}


@pytest.mark.parametrize("method", ["reference", "exact"])
@pytest.mark.parametrize("name", sorted(DEGENERATE))
@pytest.mark.parametrize("beta", [0.01, 0.3])
def test_degenerate_data_fits_and_certifies(name, method, beta):
    X, y = DEGENERATE[name]
    model = ConvexReLU(beta, method=method).fit(X, y)
    assert model.certified_, model.certificate_reason_
    assert model.relative_gap_ <= model.tolerance_
    assert model.predict(X).shape == (len(y),)


@pytest.mark.parametrize("method", ["reference", "exact"])
def test_zero_targets(method):
    X = np.array([[0, 0], [1, 0], [0, 1.0]])
    model = ConvexReLU(0.1, task="regression", method=method).fit(X, np.zeros(3))
    assert model.certified_
    assert model.objective_ == 0.0
    assert model.hidden_weights_.shape == (0, 2)
    assert model.beta_max_ == 0.0
    np.testing.assert_array_equal(model.decision_function(X), 0.0)


def test_degenerate_data_gated():
    for X, y in DEGENERATE.values():
        model = GatedReLU(0.05).fit(X, y)
        assert model.certified_ is False
        assert np.isfinite(model.objective_)


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"beta": 1e-300}, "beta must lie in"),
        ({"tol": 1.0}, "tol must lie in"),
        ({"patterns": "sampled", "n_patterns": 10**9}, "n_patterns must be at most"),
    ],
)
def test_out_of_range_hyper_parameters_are_named(kwargs, message):
    X = np.random.default_rng(0).uniform(-1, 1, (6, 2))
    y = np.array([1.0, -1, 1, -1, 1, -1])
    with pytest.raises(ValueError, match=message):
        ConvexReLU(**kwargs).fit(X, y)


@pytest.mark.parametrize("scale, name", [(1e200, "X"), (1.0, "y")])
def test_values_beyond_the_working_range_ask_to_rescale(scale, name):
    X = np.random.default_rng(0).uniform(-1, 1, (6, 2)) * scale
    y = np.array([1.0, -2, 3, -1, 2, 1e200]) if name == "y" else np.ones(6)
    with pytest.raises(ValueError, match=f"{name} has values beyond"):
        ConvexReLU(task="regression").fit(X, y)


def test_diverging_sgd_stops_keeps_finite_weights_and_says_so():
    from solvers import ConvergenceWarning, NonconvexReLU, canonical_objective

    X = np.random.default_rng(0).uniform(-1, 1, (20, 2))
    y = np.sign(X[:, 0])
    with pytest.warns(ConvergenceWarning, match=r"diverged at step \d+ with lr=1\b"):
        m = NonconvexReLU(optimizer="sgd", lr=1.0, steps=300).fit(X, y)
    t = int(re.search(r"diverged at step (\d+)", m.solve_.stop_reason).group(1))
    assert 1 <= t < 300 and not m.solve_.converged and not m.certified_
    assert f"diverged at step {t} with lr=1" in m.certificate_reason_
    assert m.n_iter_ == t - 1 and m.history_steps_[-1] == t - 1  # stopped at once: the last finite iterate
    net = m.network_
    assert all(np.all(np.isfinite(a)) for a in (net.W, net.b, net.a)) and np.all(np.isfinite(m.history_))
    assert m.history_[-1] == m.objective_ == canonical_objective(X, y, net, 0.01)
