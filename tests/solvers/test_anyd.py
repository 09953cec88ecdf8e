"""Convex training in any dimension on sampled patterns (solvers.anyd; docs/math.md sections 7 and 8).

Every expected number here comes from an independent computation: the same sampled programs written in
CVXPY and solved by Clarabel, the exact 2-D solver, a batch-norm forward pass and NNLS written in this file.

scikit-learn checks that are expected to fail (``EXPECTED_FAILURES``), and why:

* ``check_supervised_y_2d``: scikit-learn wants a column-vector ``y`` accepted with a
  ``DataConversionWarning``; the library refuses it with a ValueError (its one checker is strict about shapes,
  and it cannot raise scikit-learn's warning class without importing scikit-learn).
* ``check_dtype_object``: scikit-learn wants a ``TypeError`` for an array holding a dict; the library's one
  input checker (``geometry.lift.check_points``) reports every non-numeric input as a ``ValueError``.

Not run: ``check_array_api_input`` (scikit-learn itself skips it unless ``SCIPY_ARRAY_API=1`` is set before
SciPy is imported); the test asserts instead that the estimators declare no array-API support.
scikit-learn's collection-time warning that the estimators do not inherit ``BaseEstimator`` is silenced:
they implement its protocol by duck typing (``get_params``/``set_params``, ``__sklearn_tags__`` importing
scikit-learn only when scikit-learn calls it), because scikit-learn is a test dependency only.
"""

from __future__ import annotations

import subprocess
import sys
import tracemalloc
import warnings
from pathlib import Path

import cvxpy as cp
import numpy as np
import pytest
from scipy.optimize import nnls

from geometry import activation_patterns
from solvers import ConvexReLU, GatedReLU, SAMPLED_PROGRAM
from solvers.anyd import BatchNormNetwork, ConvexReLUClassifier, ConvexReLURegressor, OneVsRestNetwork
from solvers.base import ConvergenceWarning
from solvers.network import GatedNetwork, ReLUNetwork

rng = np.random.default_rng(7)
X3 = rng.standard_normal((40, 3))
Y3 = np.sin(X3[:, 0]) + X3[:, 1] * X3[:, 2]
X2 = rng.uniform(-1, 1, (8, 2))
Y2 = X2[:, 0] ** 2 - np.abs(X2[:, 1]) + 0.3
X6 = np.random.default_rng(2).uniform(-1, 1, (6, 2))  # 20000 gates find all 31 non-empty patterns
Y6 = np.array([0.5, -0.2, 0.9, 0.1, -0.7, 0.4])
EVERY = 20000


def lift_points(X):
    return np.hstack([X, np.ones((len(X), 1))])


def clarabel_solve(prob):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # "optimal_inaccurate" at these tight tolerances
        prob.solve(solver=cp.CLARABEL, tol_gap_abs=1e-10, tol_gap_rel=1e-10, tol_feas=1e-10, max_iter=500)
    assert prob.status in (cp.OPTIMAL, cp.OPTIMAL_INACCURATE)
    return float(prob.value)


def gated_program(Z, y, beta, patterns) -> float:
    """min 1/2 ||sum_i D_i Z u_i - y||^2 + beta sum_i ||u_i||, written here in CVXPY."""
    us = [cp.Variable(Z.shape[1]) for _ in patterns]
    fit = sum((np.asarray(d, float)[:, None] * Z) @ u for d, u in zip(patterns, us))
    return clarabel_solve(cp.Problem(cp.Minimize(0.5 * cp.sum_squares(fit - y) + beta * sum(cp.norm(u) for u in us))))


def relu_program(Z, y, beta, patterns) -> float:
    """The ReLU program with cone constraints on the given patterns, written here in CVXPY."""
    fit, pen, cons = 0, 0, []
    for d in patterns:
        d = np.asarray(d, float)
        v, w = cp.Variable(Z.shape[1]), cp.Variable(Z.shape[1])
        fit = fit + (d[:, None] * Z) @ (v - w)
        pen = pen + cp.norm(v) + cp.norm(w)
        S = (2 * d - 1)[:, None] * Z
        cons += [S @ v >= 0, S @ w >= 0]
    return clarabel_solve(cp.Problem(cp.Minimize(0.5 * cp.sum_squares(fit - y) + beta * pen), cons))


def relu_objective(X, y, W, b, a, beta) -> float:
    """The canonical objective of section 1 from raw weights."""
    f = np.maximum(X @ W.T + b, 0.0) @ a
    return 0.5 * np.sum((f - y) ** 2) + 0.5 * beta * (np.sum(W**2) + np.sum(b**2) + np.sum(a**2))


def proj_norm(Z, pattern, c) -> float:
    """||Proj_K(c)|| for K = {u : (2D - I) Z u >= 0} as min_{lambda >= 0} ||c + Z^T (2D - I) lambda|| (NNLS)."""
    S = (2.0 * pattern - 1.0)[:, None] * Z
    _, res = nnls(S.T, -c, maxiter=5000)
    return float(res)


@pytest.fixture(scope="module")
def relu3():
    return ConvexReLURegressor(0.2, model="relu", n_patterns=12, tol=1e-9).fit(X3, Y3)


@pytest.fixture(scope="module")
def gated3():
    return ConvexReLURegressor(0.2, model="gated", n_patterns=12, tol=1e-9).fit(X3, Y3)


# ---------------------------------------------------------------------- against CVXPY + Clarabel
def test_gated_matches_cvxpy_and_its_kkt(gated3):
    est, beta, Z = gated3, 0.2, lift_points(X3)
    assert est.certificate_.kind == SAMPLED_PROGRAM and est.solve_.converged
    assert est.objective_ == pytest.approx(gated_program(Z, Y3, beta, est.patterns_), rel=1e-6)
    # KKT from the returned gates and blocks: ||Z^T D_i r|| <= beta everywhere, = beta along u_i where u_i != 0
    r = Y3 - est.predict(X3)
    corr = np.array([Z.T @ (d * r) for d in est.patterns_.astype(float)])
    assert np.linalg.norm(corr, axis=1).max() <= beta * (1 + 1e-4)
    net = est.network_
    for g, u in zip(net.gates, net.blocks):
        c = Z.T @ ((Z @ g >= 0) * r)
        np.testing.assert_allclose(c, beta * u / np.linalg.norm(u), atol=1e-4 * beta)
    assert 0 <= est.duality_gap_ <= 1e-9 * est.objective_ + 1e-12


def test_relu_matches_cvxpy_gap_and_cones(relu3):
    est, beta, Z = relu3, 0.2, lift_points(X3)
    assert est.certificate_.kind == SAMPLED_PROGRAM and est.solve_.converged
    expected = relu_program(Z, Y3, beta, est.patterns_)
    assert est.objective_ == pytest.approx(expected, rel=1e-6)
    # the program's gap, recomputed here: scaled residual with NNLS projections over every pattern and sign
    r = Y3 - est.predict(X3)
    M = max(proj_norm(Z, d, s * Z.T @ (d * r)) for d in est.patterns_.astype(float) for s in (1, -1))
    v = r * min(1.0, beta / M)
    dual = -0.5 * np.sum((v - Y3) ** 2) + 0.5 * np.sum(Y3**2)
    assert dual <= expected * (1 + 1e-9)
    assert est.objective_ - dual <= 1e-6 * est.objective_
    assert est.dual_objective_ == pytest.approx(dual, rel=1e-6)
    # cone feasibility: every neuron's own activation pattern is one of the sampled ones
    pats = est.patterns_
    for u in est.network_.neurons:
        s = Z @ u
        scale = np.linalg.norm(u) * np.linalg.norm(Z, axis=1)
        on, off = s > 1e-9 * scale, s < -1e-9 * scale
        assert np.any(np.all(pats[:, on], axis=1) & ~np.any(pats[:, off], axis=1))


# ---------------------------------------------------------------------- recovery
def test_reported_objectives_come_from_the_returned_weights(relu3, gated3):
    net = relu3.network_
    assert isinstance(net, ReLUNetwork)
    assert relu3.objective_ == pytest.approx(relu_objective(X3, Y3, net.W, net.b, net.a, 0.2), rel=1e-12)
    np.testing.assert_allclose(relu3.predict(X3), np.maximum(X3 @ net.W.T + net.b, 0) @ net.a, atol=1e-12)
    g = gated3.network_
    assert isinstance(g, GatedNetwork)
    Z = lift_points(X3)
    out = np.sum((Z @ g.gates.T >= 0) * (Z @ g.blocks.T), axis=1)
    p = 0.5 * np.sum((out - Y3) ** 2) + 0.2 * np.linalg.norm(g.blocks, axis=1).sum()
    assert gated3.objective_ == pytest.approx(p, rel=1e-12)
    assert gated3.gates_.shape == (gated3.patterns_.shape[0], 4)
    assert np.array_equal(gated3.patterns_, (Z @ gated3.gates_.T >= 0).T)


def test_balanced_recovery_equals_the_convex_value(relu3):
    """Each neuron is a balanced block (||u|| = |a|), so its penalty equals the twin's beta ||v||."""
    net = relu3.network_
    assert net.width >= 1
    np.testing.assert_allclose(np.linalg.norm(net.neurons, axis=1), np.abs(net.a), rtol=1e-12)


# ---------------------------------------------------------------------- what the gap proves
@pytest.fixture(scope="module")
def exact2():
    return ConvexReLU(0.05, task="regression").fit(X2, Y2)


def test_sampled_relu_is_an_upper_bound_on_p_star(exact2):
    assert exact2.certified_
    for seed in range(3):
        est = ConvexReLURegressor(0.05, n_patterns=6, seed=seed, tol=1e-9).fit(X2, Y2)
        assert est.objective_ >= exact2.objective_ * (1 - 1e-9)
        assert not est.certified_ and est.certificate_.kind == SAMPLED_PROGRAM
        assert not est.certificate_.bounds_optimum
        reason = est.certificate_reason_
        assert "UPPER bound on the global optimum p*" in reason and "never a global certificate" in reason


def test_with_every_pattern_sampled_the_programs_bracket_p_star():
    beta = 0.05
    exact = ConvexReLU(beta, task="regression").fit(X6, Y6)
    all_patterns = {tuple(p) for p in activation_patterns(X6) if p.any()}
    relu = ConvexReLURegressor(beta, n_patterns=EVERY, tol=1e-9).fit(X6, Y6)
    assert {tuple(p) for p in relu.patterns_} == all_patterns
    # the ReLU program on every pattern is the convex twin: its optimum is p*
    assert relu.objective_ == pytest.approx(exact.objective_, rel=1e-6)
    gated = ConvexReLURegressor(beta, model="gated", n_patterns=EVERY, tol=1e-9).fit(X6, Y6)
    reference = GatedReLU(beta, task="regression", tol=1e-9).fit(X6, Y6)
    assert gated.objective_ == pytest.approx(reference.objective_, rel=1e-6)
    # a relaxation: below p*, and its dual below p* too
    assert gated.dual_objective_ <= gated.objective_ <= exact.objective_ * (1 + 1e-6)
    assert "relaxation" in gated.certificate_reason_ and "never a global certificate" in gated.certificate_reason_


# ---------------------------------------------------------------------- batch normalization
def bn_forward(X, W, gamma, alpha, a):
    """Training-mode batch norm before the ReLU: centre each pre-activation, divide by its standard deviation
    (biased variance, no epsilon)."""
    H = X @ W.T
    return np.maximum((H - H.mean(axis=0)) / H.std(axis=0) * gamma + alpha, 0.0) @ a


def test_batch_norm_network_reaches_the_convex_objective():
    beta = 1.0
    est = ConvexReLURegressor(beta, batch_norm=True, n_patterns=12, tol=1e-9).fit(X3, Y3)
    net = est.network_
    assert isinstance(net, BatchNormNetwork) and net.width >= 1
    f = bn_forward(X3, net.weights, net.gamma, net.alpha, net.a)
    p = 0.5 * np.sum((f - Y3) ** 2) + 0.5 * beta * np.sum(net.gamma**2 + net.alpha**2 + net.a**2)
    assert est.objective_ == pytest.approx(p, rel=1e-10)
    # the convex program on the whitened data [sqrt(n) U, 1] with the same patterns, from an SVD taken here
    U, s, _ = np.linalg.svd(X3 - X3.mean(axis=0), full_matrices=False)
    expected = relu_program(lift_points(np.sqrt(len(X3)) * U), Y3, beta, est.patterns_)
    assert est.objective_ == pytest.approx(expected, rel=1e-6)
    # scale invariance of the first layer, and inference with the training statistics at the training points
    assert np.allclose(bn_forward(X3, 3.0 * net.weights, net.gamma, net.alpha, net.a), f)
    np.testing.assert_allclose(est.predict(X3), f, atol=1e-10)
    np.testing.assert_allclose(net.as_relu().output(X3), f, atol=1e-10)


def test_batch_norm_on_every_pattern_is_the_whitened_global_optimum():
    """In 2-D the whitened data has the same arrangement, so the exact solver on sqrt(n) U gives the BN optimum."""
    beta = 0.05
    U, _, _ = np.linalg.svd(X6 - X6.mean(axis=0), full_matrices=False)
    exact = ConvexReLU(beta, task="regression").fit(np.sqrt(len(X6)) * U, Y6)
    est = ConvexReLURegressor(beta, batch_norm=True, n_patterns=EVERY, tol=1e-9).fit(X6, Y6)
    assert {tuple(p) for p in est.patterns_} == {tuple(p) for p in activation_patterns(X6) if p.any()}
    assert est.objective_ == pytest.approx(exact.objective_, rel=1e-6)


# ---------------------------------------------------------------------- classifier
def test_classifier_labels_and_one_vs_rest():
    y = np.array(["left", "mid", "right"])[np.digitize(X3[:, 0], [-0.4, 0.4])]
    est = ConvexReLUClassifier(0.5, model="gated", n_patterns=12, tol=1e-7).fit(X3, y)
    assert list(est.classes_) == ["left", "mid", "right"]
    assert isinstance(est.network_, OneVsRestNetwork) and len(est.certificates_) == 3
    scores = est.decision_function(X3)
    assert scores.shape == (40, 3)
    assert np.array_equal(est.predict(X3), est.classes_[np.argmax(scores, axis=1)])
    assert est.score(X3, y) > 0.8
    total = sum(c.objective for c in est.certificates_)
    assert est.objective_ == pytest.approx(total, rel=1e-12)
    assert all(c.kind == SAMPLED_PROGRAM for c in est.certificates_)
    yb = np.where(X3[:, 0] > 0, 7, 3)
    binary = ConvexReLUClassifier(0.5, n_patterns=12, tol=1e-7).fit(X3, yb)
    f = binary.decision_function(X3)
    assert f.shape == (40,) and set(binary.predict(X3)) <= {3, 7}
    np.testing.assert_array_equal(binary.predict(X3), np.where(f >= 0, 7, 3))
    # internally +1/-1: the certificate is the regression one on those targets
    reg = ConvexReLURegressor(0.5, n_patterns=12, tol=1e-7).fit(X3, np.where(yb == 7, 1.0, -1.0))
    assert binary.objective_ == pytest.approx(reg.objective_, rel=1e-6)
    assert not hasattr(binary, "predict_proba")


def test_bad_input_and_parameters():
    est = ConvexReLURegressor(0.1, n_patterns=8).fit(X3, Y3)
    with pytest.raises(ValueError, match="X has 2 features, but ConvexReLURegressor is expecting 3"):
        est.predict(X3[:, :2])
    with pytest.raises(ValueError, match="batch_norm"):
        ConvexReLURegressor(model="gated", batch_norm=True).fit(X3, Y3)
    with pytest.raises(ValueError, match="model"):
        ConvexReLURegressor(model="deep").fit(X3, Y3)
    with pytest.raises(ValueError, match="NaN"):
        ConvexReLURegressor().fit(np.full((3, 2), np.nan), np.zeros(3))
    with pytest.raises(ValueError, match="at least 2 classes"):
        ConvexReLUClassifier().fit(X3, np.ones(40))
    with pytest.raises(ValueError, match="Unknown label type"):
        ConvexReLUClassifier().fit(X3, Y3)
    assert not hasattr(est, "decision_function")


def test_time_limit_warns_and_still_certifies_the_program():
    with pytest.warns(ConvergenceWarning):
        est = ConvexReLURegressor(0.01, n_patterns=30, tol=1e-12, max_iter=20).fit(X3, Y3)
    assert not est.solve_.converged and "NOT converged" in est.certificate_reason_
    exact = relu_program(lift_points(X3), Y3, 0.01, est.patterns_)
    assert est.dual_objective_ <= exact * (1 + 1e-9) <= est.objective_ * (1 + 1e-9)


# ---------------------------------------------------------------------- memory: no n x P x d tensor
@pytest.mark.parametrize("model", ["gated", "relu"])
def test_no_n_by_P_by_d_tensor(model):
    r = np.random.default_rng(1)
    n, d, P = 2000, 20, 100
    X = r.standard_normal((n, d))
    y = np.maximum(X @ r.standard_normal(d), 0.0) + 0.1 * r.standard_normal(n)
    tracemalloc.start()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        est = ConvexReLURegressor(50.0, model=model, n_patterns=P, tol=1e-3, max_iter=40).fit(X, y)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert est.n_patterns_ == P and est.network_.width >= 1 and np.isfinite(est.duality_gap_)
    # an n x P x d float tensor alone would take n P d 8 bytes: the whole fit peaks at less than half of that
    assert peak < 0.5 * n * P * d * 8, f"peak {peak / 1e6:.1f} MB"


# ---------------------------------------------------------------------- scikit-learn (a test dependency)
def test_the_library_needs_no_sklearn():
    code = (
        "import sys; sys.modules['sklearn'] = None\n"
        "import numpy as np\n"
        "from solvers.anyd import ConvexReLUClassifier\n"
        "X = np.random.default_rng(0).standard_normal((30, 3))\n"
        "est = ConvexReLUClassifier(1.0, n_patterns=8).fit(X, X[:, 0] > 0)\n"
        "assert est.score(X, X[:, 0] > 0) > 0.8 and 'sklearn' not in [m.split('.')[0] for m in sys.modules if sys.modules[m]]\n"
        "try:\n    ConvexReLUClassifier().predict(X)\nexcept ValueError as e:\n    assert 'not fitted' in str(e)\n"
    )
    root = Path(__file__).resolve().parents[2]
    out = subprocess.run([sys.executable, "-c", code], cwd=root, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr


from sklearn.model_selection import GridSearchCV, cross_val_score  # noqa: E402
from sklearn.pipeline import make_pipeline  # noqa: E402
from sklearn.preprocessing import StandardScaler  # noqa: E402
from sklearn.utils.estimator_checks import parametrize_with_checks  # noqa: E402

EXPECTED_FAILURES = {
    "check_supervised_y_2d": "a column-vector y is refused with a ValueError (no DataConversionWarning without "
    "importing scikit-learn)",
    "check_dtype_object": "the library's one input checker reports non-numeric input as ValueError, not TypeError",
}


def _expected_failures(estimator):
    return EXPECTED_FAILURES


FAST = dict(beta=1.0, n_patterns=10, tol=1e-3, max_iter=400)
FAST_RELU = dict(beta=1.0, n_patterns=8, tol=1e-2, max_iter=100)  # the checks test the API, not the optimum


with warnings.catch_warnings():
    # scikit-learn warns that the estimators do not inherit its BaseEstimator: they implement its protocol
    # (get_params/set_params, __sklearn_tags__) without importing it, since it is only a test dependency
    warnings.filterwarnings("ignore", message=".*does not inherit from `sklearn.base.BaseEstimator`")
    SKLEARN_CHECKS = parametrize_with_checks(
        [
            ConvexReLURegressor(**FAST_RELU),
            ConvexReLURegressor(model="gated", **FAST),
            ConvexReLURegressor(batch_norm=True, **FAST_RELU),
            ConvexReLUClassifier(**FAST_RELU),
            ConvexReLUClassifier(model="gated", **FAST),
        ],
        expected_failed_checks=_expected_failures,
    )


@SKLEARN_CHECKS
def test_sklearn_compatible(estimator, check):
    name = getattr(check, "func", check).__name__
    if name == "check_array_api_input":
        # scikit-learn skips this check unless SCIPY_ARRAY_API=1 is set before scipy is imported; the
        # estimators compute with NumPy only, and their tags say so (array_api_support=False)
        from sklearn.utils import get_tags

        assert get_tags(estimator).array_api_support is False
        return
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        check(estimator)


def test_pipeline_grid_search_and_cross_validation():
    r = np.random.default_rng(3)
    X = r.standard_normal((80, 4)) * [1.0, 10.0, 0.1, 3.0]
    y = np.sin(X[:, 0]) + 0.1 * X[:, 1]
    pipe = make_pipeline(StandardScaler(), ConvexReLURegressor(1.0, n_patterns=12, tol=1e-6))
    pipe.fit(X, y)
    assert pipe.score(X, y) > 0.8
    grid = GridSearchCV(pipe, {"convexreluregressor__beta": [0.3, 3.0, 300.0]}, cv=3).fit(X, y)
    assert grid.best_params_["convexreluregressor__beta"] in (0.3, 3.0)
    scores = cross_val_score(ConvexReLUClassifier(1.0, model="gated", n_patterns=12), X, y > 0, cv=3)
    assert scores.shape == (3,) and scores.mean() > 0.7
