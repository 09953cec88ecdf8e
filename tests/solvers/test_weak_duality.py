"""Weak duality as a property: no network beats a certified optimum, and every dual value is a lower bound."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from solvers import ConvexReLU, ReLUNetwork, canonical_objective, certify

coord = st.integers(-4, 4).map(lambda k: k / 2)  # a coarse grid: duplicates and collinear triples happen


@st.composite
def problems(draw, max_points=7):
    n = draw(st.integers(1, max_points))
    X = np.array([[draw(coord), draw(coord)] for _ in range(n)])
    y = np.array([draw(st.floats(-2, 2, allow_nan=False, allow_infinity=False)) for _ in range(n)])
    beta = 10 ** draw(st.floats(-2.5, 0.5))
    return X, y, beta


def objective_here(X, y, W, b, a, beta):
    """1/2 ||sum_j a_j (X w_j + b_j)_+ - y||^2 + beta/2 sum_j (||w_j||^2 + b_j^2 + a_j^2), from raw arrays."""
    out = np.maximum(X @ W.T + b, 0.0) @ a
    return 0.5 * np.sum((out - y) ** 2) + 0.5 * beta * (np.sum(W**2) + np.sum(b**2) + np.sum(a**2))


def dual_value_here(y, v):
    return -0.5 * np.sum((v - y) ** 2) + 0.5 * np.sum(y**2)


@settings(max_examples=30)
@given(problems(), st.integers(0, 2**31 - 1), st.sampled_from(["reference", "exact"]))
def test_no_network_beats_a_certified_fit(problem, seed, method):
    X, y, beta = problem
    model = ConvexReLU(beta, task="regression", method=method).fit(X, y)
    scale = max(1.0, 0.5 * float(y @ y))
    # the dual value is a lower bound, computed here from the reported dual vector
    assert np.isclose(model.dual_objective_, dual_value_here(y, model.dual_), rtol=1e-12, atol=1e-15)
    assert model.dual_objective_ <= model.objective_ + 1e-12 * scale
    # the reported objective is the returned weights' own objective
    assert np.isclose(
        model.objective_,
        objective_here(X, y, model.hidden_weights_, model.hidden_biases_, model.output_weights_, beta),
        rtol=1e-12,
        atol=1e-15,
    )
    assert model.certified_, model.certificate_reason_
    rng = np.random.default_rng(seed)
    for _ in range(20):
        m = int(rng.integers(1, 9))
        s = 10 ** rng.uniform(-1.5, 1)
        W, b, a = rng.normal(0, s, (m, 2)), rng.normal(0, s, m), rng.normal(0, s, m)
        p = objective_here(X, y, W, b, a, beta)
        assert p >= model.objective_ * (1 - 1e-9) - 1e-13 * scale
        assert p >= model.dual_objective_ - 1e-12 * scale
    # small perturbations of the optimum itself cannot go below the dual value
    for _ in range(10):
        eps = 10 ** rng.uniform(-6, -2)
        W = model.hidden_weights_ + eps * rng.standard_normal(model.hidden_weights_.shape)
        b = model.hidden_biases_ + eps * rng.standard_normal(model.hidden_biases_.shape)
        a = model.output_weights_ + eps * rng.standard_normal(model.output_weights_.shape)
        assert objective_here(X, y, W, b, a, beta) >= model.dual_objective_ - 1e-12 * scale


@settings(max_examples=40)
@given(problems(), st.integers(0, 2**31 - 1))
def test_certify_never_reports_a_negative_gap(problem, seed):
    X, y, beta = problem
    rng = np.random.default_rng(seed)
    m = int(rng.integers(0, 6))
    s = 10 ** rng.uniform(-1.5, 1)
    net = ReLUNetwork(rng.normal(0, s, (m, 2)), rng.normal(0, s, m), rng.normal(0, s, m))
    cert = certify(X, y, net, beta)
    scale = max(1.0, 0.5 * float(y @ y))
    assert cert.dual_objective <= cert.objective + 1e-12 * scale
    assert np.isclose(cert.objective, canonical_objective(X, y, net, beta), rtol=1e-12)
    assert np.isclose(cert.dual_objective, dual_value_here(y, cert.dual), rtol=1e-12, atol=1e-15)
    # the dual vector is feasible: no sampled neuron sees |v^T (Z u)_+| above beta (a necessary check)
    Z = np.hstack([X, np.ones((len(X), 1))])
    U = rng.standard_normal((2000, 3))
    U /= np.linalg.norm(U, axis=1, keepdims=True)
    seen = np.abs(np.maximum(Z @ U.T, 0.0).T @ cert.dual).max()
    assert seen <= beta * (1 + 1e-9)
