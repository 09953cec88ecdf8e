"""The typed members of a fit (network_, certificate_, solve_), the flat views read off them, and the
convergence warning; every number checked against a computation of its own."""

import warnings

import numpy as np
import pytest

from geometry import PlanarOracle, activation_patterns, phi
from solvers import (
    Certificate,
    ConvergenceWarning,
    ConvexReLU,
    GatedNetwork,
    GatedReLU,
    NonconvexReLU,
    ReLUNetwork,
    SolveRecord,
)

rng = np.random.default_rng(11)
X = rng.uniform(-1, 1, (14, 2))
Y = np.where(X[:, 0] * X[:, 1] >= 0, 1.0, -1.0)
Z = np.column_stack([X, np.ones(len(X))])


def canonical_by_hand(W, b, a, beta, X=X, Y=Y):
    """1/2 ||sum_j a_j (w_j . x + b_j)_+ - y||^2 + beta/2 sum_j (||w_j||^2 + b_j^2 + a_j^2), by loops."""
    loss = 0.0
    for x, t in zip(X, Y):
        f = sum(a[j] * max(W[j] @ x + b[j], 0.0) for j in range(len(a)))
        loss += 0.5 * (f - t) ** 2
    return loss + 0.5 * beta * sum(W[j] @ W[j] + b[j] ** 2 + a[j] ** 2 for j in range(len(a)))


def test_relu_fit_members_and_views_agree_with_independent_numbers():
    beta = 0.05
    m = ConvexReLU(beta).fit(X, Y)
    assert isinstance(m.network_, ReLUNetwork) and isinstance(m.certificate_, Certificate)
    assert isinstance(m.solve_, SolveRecord) and m.solve_.method == "exact"
    c = m.certificate_
    assert c.kind == "relu-global" and c.certified and c.bounds_optimum
    # the views are the members
    assert m.objective_ == c.objective and m.dual_objective_ == c.dual_objective and m.certified_ is c.certified
    assert np.array_equal(m.hidden_weights_, m.network_.W) and m.n_iter_ == m.solve_.n_iter
    # ... and the members are the mathematics: objective from the weights, dual value, phi, beta_max
    W, b, a = m.hidden_weights_, m.hidden_biases_, m.output_weights_
    assert c.objective == pytest.approx(canonical_by_hand(W, b, a, beta), rel=1e-12)
    v = c.dual
    assert c.dual_objective == pytest.approx(-0.5 * np.sum((v - Y) ** 2) + 0.5 * np.sum(Y**2), rel=1e-12)
    assert c.phi == pytest.approx(phi(X, Y - m.decision_function(X)), rel=1e-12)
    assert c.phi_dual == pytest.approx(phi(X, v), rel=1e-12) and c.phi_dual <= beta * (1 + 1e-12)
    assert c.beta_max == pytest.approx(phi(X, Y), rel=1e-12) and c.beta == beta
    assert m.n_patterns_ == len(activation_patterns(X))  # n^2 - n + 2 in general position
    assert "global optimum" in c.proves


def test_flat_views_are_read_only_and_absent_before_fit():
    m = ConvexReLU(0.1)
    assert not hasattr(m, "objective_") and not hasattr(m, "certified_")
    m.fit(X, Y)
    with pytest.raises(AttributeError):
        m.objective_ = 0.0
    assert m.hidden_weights_ is not m.network_.W  # a copy: editing it cannot change the network


def test_relu_units_switch_on_their_own_lines():
    m = ConvexReLU(0.05).fit(X, Y)
    u = m.network_.units()
    U = m.network_.neurons
    assert np.allclose(u.lines, U)
    assert np.array_equal(u.signs, np.sign(m.output_weights_))
    assert np.allclose(u.strengths, np.abs(m.output_weights_) * np.linalg.norm(U, axis=1))
    # the output is the sum of sign * strength * (unit feature along the unit direction)
    E = u.lines / np.linalg.norm(u.lines, axis=1, keepdims=True)
    out = np.maximum(Z @ E.T, 0) @ (u.signs * u.strengths)
    assert np.allclose(out, m.decision_function(X), atol=1e-12)


@pytest.mark.parametrize("patterns, kind", [("all", "gated-relaxation"), ("sampled", "sampled-program")])
def test_gated_fit_members(patterns, kind):
    beta = 0.05
    g = GatedReLU(beta, patterns=patterns, n_patterns=40, seed=2).fit(X, Y)
    net = g.network_
    assert isinstance(net, GatedNetwork) and g.certificate_.kind == kind and not g.certified_
    # output and objective from the gates and blocks, by hand
    out = np.array([sum(float(z @ net.gates[i] >= 0) * (z @ net.blocks[i]) for i in range(net.width)) for z in Z])
    assert np.allclose(out, g.decision_function(X), atol=1e-12)
    p = 0.5 * np.sum((out - Y) ** 2) + beta * np.sum(np.linalg.norm(net.blocks, axis=1))
    assert g.objective_ == pytest.approx(p, rel=1e-12)
    # a gated unit switches on its gate's line, has no single sign, and its strength is ||u_i||
    u = net.units()
    assert np.allclose(u.lines, net.gates) and np.all(u.signs == 0)
    assert np.allclose(u.strengths, np.linalg.norm(net.blocks, axis=1))
    assert g.certificate_.bounds_optimum == (patterns == "all")


def test_gated_relaxation_dual_bounds_the_relu_optimum():
    beta = 0.05
    g = GatedReLU(beta, tol=1e-9).fit(X, Y)
    m = ConvexReLU(beta).fit(X, Y)
    v = g.dual_
    # its dual point is ReLU-dual feasible (checked with the exact phi), so d(v) <= p*
    assert phi(X, v) <= beta * (1 + 1e-9)
    assert g.dual_objective_ <= m.objective_ * (1 + 1e-9)
    assert g.objective_ <= m.objective_ * (1 + 1e-6)  # the relaxation's optimum is below p*


def test_an_unconverged_fit_warns_and_says_why():
    Xl = np.random.default_rng(0).uniform(-1, 1, (60, 2))
    yl = np.where(Xl[:, 0] * Xl[:, 1] >= 0, 1.0, -1.0)
    with pytest.warns(ConvergenceWarning, match="did not converge"):
        m = ConvexReLU(1e-3, max_seconds=1e-9).fit(Xl, yl)
    assert not m.solve_.converged and "time limit" in m.solve_.stop_reason and not m.certified_
    with pytest.warns(ConvergenceWarning, match="time limit"):
        GatedReLU(1e-3, max_seconds=1e-12).fit(Xl, yl)


def test_a_converged_fit_does_not_warn():
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        m = ConvexReLU(0.1).fit(X, Y)
    assert m.solve_.converged


def test_a_given_oracle_is_used_and_must_belong_to_the_points():
    oracle = PlanarOracle(X)
    m = ConvexReLU(0.05).fit(X, Y, oracle=oracle)
    alone = ConvexReLU(0.05).fit(X, Y)
    assert m.certified_ and m.objective_ == pytest.approx(alone.objective_, rel=1e-12)
    assert m.beta_max_ == pytest.approx(phi(X, Y), rel=1e-12) and m.n_patterns_ == oracle.n_patterns
    with pytest.raises(ValueError, match="other points"):
        ConvexReLU(0.05).fit(X, Y, oracle=PlanarOracle(X[::-1]))
    with pytest.raises(ValueError, match="PlanarOracle"):
        NonconvexReLU(0.05, steps=5).fit(X, Y, oracle="not an oracle")


def test_large_data_that_does_not_certify_suggests_rescaling():
    import warnings as w

    rng = np.random.default_rng(0)
    Xl = rng.uniform(-1, 1, (30, 2)) * 1e6
    yl = np.where(Xl[:, 0] * Xl[:, 1] >= 0, 1.0, -1.0) * 1e6
    with w.catch_warnings():
        w.simplefilter("ignore", ConvergenceWarning)
        stopped = ConvexReLU(5e4, task="regression", max_seconds=1e-9).fit(Xl, yl)  # stops before certifying
        small = ConvexReLU(0.05, task="regression", max_seconds=1e-9).fit(Xl / 1e6, yl / 1e6)
    assert not stopped.certified_ and "rescale X and y" in stopped.certificate_reason_
    assert not small.certified_ and "rescale" not in small.certificate_reason_  # unit-sized data: no such hint


@pytest.mark.parametrize("kwargs", [dict(method="reference"), dict(patterns="sampled", n_patterns=2000)])
def test_reference_and_sampled_fits_keep_a_time_limit(kwargs):
    import time as _time

    rng = np.random.default_rng(0)
    Xl = rng.uniform(-1, 1, (40, 2))
    yl = np.where(Xl[:, 0] * Xl[:, 1] >= 0, 1.0, -1.0)
    t0 = _time.perf_counter()
    with pytest.warns(ConvergenceWarning, match="time limit"):
        m = ConvexReLU(1e-4, max_seconds=0.05, **kwargs).fit(Xl, yl)
    # CVXPY's compilation is not interruptible: the limit holds to that overhead (about a second here)
    assert _time.perf_counter() - t0 < 0.05 + 5.0
    assert not m.certified_ and "time limit" in m.certificate_reason_
    # the objective reported is still the returned weights' own
    assert m.objective_ == pytest.approx(canonical_by_hand(m.hidden_weights_, m.hidden_biases_, m.output_weights_,
                                                           1e-4, Xl, yl), rel=1e-10)
