"""ConvexReLU as a scikit-learn-style estimator: its attributes are the mathematics of the returned weights."""

from __future__ import annotations

import numpy as np
import pytest

from solvers import ConvexReLU, ReLUNetwork, SolveResult, solve_reference
from solvers import estimator as estimator_module

rng = np.random.default_rng(3)
X_CLS = rng.uniform(-1, 1, (12, 2))
Y_CLS = np.where(X_CLS[:, 0] * X_CLS[:, 1] >= 0, 1.0, -1.0)
X_REG = rng.uniform(-1, 1, (10, 2))
Y_REG = np.sin(2 * X_REG[:, 0]) + X_REG[:, 1] ** 2


def lift_points(X):
    return np.hstack([X, np.ones((len(X), 1))])


def sampled_phi_lower_bound(X, v, n=50000, seed=0):
    """max over random unit u of |v^T (Z u)_+|: never above phi(v)."""
    U = np.random.default_rng(seed).standard_normal((n, 3))
    U /= np.linalg.norm(U, axis=1, keepdims=True)
    return float(np.abs(np.maximum(lift_points(X) @ U.T, 0.0).T @ v).max())


@pytest.fixture(scope="module")
def cls_model():
    return ConvexReLU(0.05, method="reference").fit(X_CLS, Y_CLS)


@pytest.fixture(scope="module")
def reg_model():
    return ConvexReLU(0.02, task="regression", method="reference").fit(X_REG, Y_REG)


def test_init_only_stores():
    model = ConvexReLU(beta=-3, task="nonsense", method="x", patterns="y", n_patterns=-1, seed="s")
    assert model.get_params()["beta"] == -3
    assert model.get_params()["task"] == "nonsense"
    assert not any(name.endswith("_") and not name.startswith("_") for name in vars(model))


def test_params_round_trip():
    model = ConvexReLU(0.2, task="regression", method="reference")
    params = model.get_params()
    assert params["beta"] == 0.2 and params["task"] == "regression" and params["method"] == "reference"
    clone = ConvexReLU(**params)
    assert clone.get_params() == params
    assert model.set_params(beta=0.5) is model and model.beta == 0.5
    assert "ConvexReLU(" in repr(model)


def test_fit_returns_self_and_attribute_shapes(cls_model):
    m = cls_model.network_.width
    n = len(Y_CLS)
    assert cls_model.hidden_weights_.shape == (m, 2)
    assert cls_model.hidden_biases_.shape == (m,)
    assert cls_model.output_weights_.shape == (m,)
    assert cls_model.dual_.shape == (n,)
    assert isinstance(cls_model.network_, ReLUNetwork)
    assert isinstance(cls_model.certified_, bool)
    assert cls_model.method_ == "reference"
    assert cls_model.n_iter_ > 0 and cls_model.solve_time_ > 0
    assert cls_model.tolerance_ == pytest.approx(1e-6)
    model = ConvexReLU(0.05, method="reference")
    assert model.fit(X_CLS, Y_CLS) is model


@pytest.mark.parametrize("which", ["cls", "reg"])
def test_reported_numbers_come_from_the_returned_weights(which, cls_model, reg_model):
    model, X, y, beta = (cls_model, X_CLS, Y_CLS, 0.05) if which == "cls" else (reg_model, X_REG, Y_REG, 0.02)
    W, b, a = model.hidden_weights_, model.hidden_biases_, model.output_weights_
    out = np.maximum(X @ W.T + b, 0.0) @ a
    np.testing.assert_allclose(model.decision_function(X), out, atol=1e-12)
    p = 0.5 * np.sum((out - y) ** 2) + 0.5 * beta * (np.sum(W**2) + np.sum(b**2) + np.sum(a**2))
    assert model.objective_ == pytest.approx(p, rel=1e-12)
    v = model.dual_
    d = -0.5 * np.sum((v - y) ** 2) + 0.5 * np.sum(y**2)
    assert model.dual_objective_ == pytest.approx(d, rel=1e-12, abs=1e-14)
    assert model.duality_gap_ == pytest.approx(model.objective_ - model.dual_objective_, abs=1e-14)
    assert model.relative_gap_ == pytest.approx(model.duality_gap_ / model.objective_, rel=1e-9, abs=1e-15)
    assert model.certified_ and model.relative_gap_ <= model.tolerance_
    assert "certified" in model.certificate_reason_
    # the dual vector is the scaled residual, and phi_ is at least every sampled |r^T (Z u)_+|
    r = y - out
    assert model.phi_ >= sampled_phi_lower_bound(X, r) * (1 - 1e-12)
    np.testing.assert_allclose(v, r * min(1.0, beta / model.phi_), rtol=1e-12, atol=1e-15)
    # at the optimum the dual constraint is tight: phi(residual) = beta
    assert model.phi_ == pytest.approx(beta, rel=1e-4)


def test_predict_and_score_classification(cls_model):
    out = cls_model.decision_function(X_CLS)
    pred = cls_model.predict(X_CLS)
    assert set(np.unique(pred)) <= {-1.0, 1.0}
    np.testing.assert_array_equal(pred, np.where(out >= 0, 1.0, -1.0))
    assert cls_model.score(X_CLS, Y_CLS) == pytest.approx(np.mean(pred == Y_CLS))


def test_predict_zero_output_is_plus_one():
    X = np.array([[0.0, 0.0], [1.0, 1.0]])
    model = ConvexReLU(100.0).fit(X, np.array([1.0, -1.0]))  # beta above beta_max: the zero network
    assert model.network_.width == 0
    np.testing.assert_array_equal(model.predict(np.array([[5.0, -3.0], [0.0, 0.0]])), [1.0, 1.0])


def test_predict_and_score_regression(reg_model):
    out = reg_model.decision_function(X_REG)
    np.testing.assert_array_equal(reg_model.predict(X_REG), out)
    r2 = 1 - np.sum((Y_REG - out) ** 2) / np.sum((Y_REG - Y_REG.mean()) ** 2)
    assert reg_model.score(X_REG, Y_REG) == pytest.approx(r2, rel=1e-12)


@pytest.mark.parametrize("task, X, y", [("classification", X_CLS, Y_CLS), ("regression", X_REG, Y_REG)])
def test_beta_max_threshold(task, X, y):
    probe = ConvexReLU(1.0, task=task, method="reference").fit(X, y)
    bmax = probe.beta_max_
    assert bmax >= sampled_phi_lower_bound(X, y) * (1 - 1e-12)  # phi(y) is a max over all neurons
    for beta in (bmax, 1.5 * bmax):
        model = ConvexReLU(beta, task=task, method="reference").fit(X, y)
        assert model.network_.width == 0
        assert model.objective_ == pytest.approx(0.5 * np.sum(y**2))
        assert model.certified_ and model.method_ == "zero"
        assert "beta_max" in model.certificate_reason_
    below = ConvexReLU(0.98 * bmax, task=task, method="reference").fit(X, y)
    assert below.network_.width >= 1
    assert below.objective_ < 0.5 * np.sum(y**2)
    assert below.certified_, below.certificate_reason_


def test_pattern_count_in_general_position():
    model = ConvexReLU(0.1, method="reference").fit(X_CLS, Y_CLS)
    n = len(Y_CLS)
    assert model.n_patterns_ == n * n - n + 2  # Cover's count, no three of these points collinear


@pytest.mark.parametrize("task, X, y, beta", [("classification", X_CLS, Y_CLS, 0.05), ("regression", X_REG, Y_REG, 0.02)])
def test_exact_method_agrees_with_reference(task, X, y, beta):
    ref = ConvexReLU(beta, task=task, method="reference").fit(X, y)
    exact = ConvexReLU(beta, task=task, method="exact").fit(X, y)
    assert exact.certified_, exact.certificate_reason_
    assert exact.objective_ == pytest.approx(ref.objective_, rel=1e-6)
    assert exact.method_ in ("exact", "reference")


def test_warm_start_passes_the_previous_network(monkeypatch):
    calls = []

    def fake_solve_exact(X, y, beta, init, oracle=None, max_seconds=None):
        calls.append(init)
        return SolveResult(solve_reference(X, y, beta).network, n_iter=1)

    monkeypatch.setattr(estimator_module, "solve_exact", fake_solve_exact)
    model = ConvexReLU(0.05, method="exact", warm_start=True)
    model.fit(X_CLS, Y_CLS)
    first = model.network_
    model.set_params(beta=0.04).fit(X_CLS, Y_CLS)
    assert calls[0] is None and calls[1] is first
    assert model.method_ == "exact" and model.certified_
    cold = ConvexReLU(0.05, method="exact").fit(X_CLS, Y_CLS)
    cold.fit(X_CLS, Y_CLS)
    assert calls[2] is None and calls[3] is None
