"""Stochastic training, the regularization path and what pattern sampling gives up, each checked against an
independent computation: explicit objectives and per-sample gradients written out here, weak duality,
concavity of p*(beta), Cover's count and brute-force pattern sets."""

from __future__ import annotations

import itertools
import re
import warnings

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from geometry import PlanarOracle, activation_patterns, phi, sampled_patterns
from solvers import ConvergenceWarning, ConvexReLU, ReLUNetwork, canonical_objective
from solvers.nonconvex import MAX_SNAPSHOTS, NonconvexReLU
from solvers.path import regularization_path
from solvers.sampling import coverage_of, pattern_coverage, sampling_bounds, sampling_curve
from planar_data import xor


def explicit_objective(X, y, W, b, a, beta):
    """1/2 ||relu(X W^T + b) a - y||^2 + beta/2 (||W||^2 + ||b||^2 + ||a||^2), written out neuron by neuron."""
    out = np.zeros(X.shape[0])
    for j in range(a.size):
        out += a[j] * np.maximum(X @ W[j] + b[j], 0.0)
    return 0.5 * np.sum((out - y) ** 2) + 0.5 * beta * (np.sum(W * W) + np.sum(b * b) + np.sum(a * a))


def sample_gradient(x, yi, net, beta, scale):
    """Gradient of ``scale * 1/2 r_i^2 + beta * penalty`` for one sample (ReLU'(0) = 0)."""
    pre = net.W @ x + net.b
    on = (pre > 0).astype(float)
    r = float(net.a @ np.maximum(pre, 0.0) - yi)
    gW = scale * r * (net.a * on)[:, None] * x[None, :] + beta * net.W
    gb = scale * r * net.a * on + beta * net.b
    ga = scale * r * np.maximum(pre, 0.0) + beta * net.a
    return np.concatenate([gW.ravel(), gb, ga])


def flat(net):
    return np.concatenate([net.W.ravel(), net.b, net.a])


# ------------------------------------------------------------------ never below a certified optimum
@settings(max_examples=30, deadline=None)
@given(
    n=st.integers(3, 9),
    data_seed=st.integers(0, 10_000),
    seed=st.integers(0, 1000),
    beta=st.sampled_from([0.02, 0.1, 0.5]),
    optimizer=st.sampled_from(["adam", "sgd", "gd"]),
    batch=st.sampled_from([None, 1, 2, 4]),
    schedule=st.sampled_from(["constant", "step", "cosine"]),
)
def test_no_training_run_goes_below_the_certified_optimum(n, data_seed, seed, beta, optimizer, batch, schedule):
    X, y = xor(n, data_seed)
    oracle = PlanarOracle(X)
    exact = ConvexReLU(beta=beta).fit(X, y, oracle=oracle)
    assert exact.certified_
    lr = {"adam": 0.05, "sgd": 0.01, "gd": 0.05}[optimizer]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)  # a diverged run is still a network
        run = NonconvexReLU(
            beta=beta, width=5, optimizer=optimizer, lr=lr, steps=80, seed=seed, lr_schedule=schedule,
            batch_size=None if optimizer == "gd" else batch,
        ).fit(X, y, oracle=oracle)
    assert np.all(np.isfinite(run.history_))
    assert run.history_.min() >= exact.objective_ * (1 - 1e-9)
    assert run.history_.min() >= exact.dual_objective_ - 1e-12  # weak duality: d(v) <= p* <= any network
    assert run.dual_objective_ <= exact.objective_ * (1 + 1e-9)


# ------------------------------------------------------------------ the history is the full-data objective
@pytest.mark.parametrize("optimizer, batch", [("adam", None), ("adam", 3), ("sgd", 1), ("sgd", None), ("gd", None)])
def test_history_is_the_full_objective_at_its_steps_and_ends_at_the_returned_weights(optimizer, batch):
    X, y = xor(11, 4)
    beta, steps, every = 0.05, 47, 10
    model = NonconvexReLU(
        beta=beta, width=7, optimizer=optimizer, lr=0.01, steps=steps, seed=2, batch_size=batch,
        record_every=every, snapshot_steps=[0, 10, 20, 30, 40, 47],
    ).fit(X, y)
    np.testing.assert_array_equal(model.history_steps_, [0, 10, 20, 30, 40, 47])
    np.testing.assert_array_equal(model.snapshot_steps_, model.history_steps_)
    for h, net in zip(model.history_, model.snapshots_):
        assert isinstance(net, ReLUNetwork)
        assert h == pytest.approx(explicit_objective(X, y, net.W, net.b, net.a, beta), rel=1e-12)
    net = model.network_  # the final iterate, which is the last snapshot
    np.testing.assert_array_equal(flat(net), flat(model.snapshots_[-1]))
    assert model.history_[-1] == model.objective_
    assert model.history_[-1] == pytest.approx(explicit_objective(X, y, net.W, net.b, net.a, beta), rel=1e-12)
    assert model.solve_.converged and model.n_iter_ == steps


def test_the_returned_network_is_the_final_iterate_not_the_best_one():
    X, y = xor(10, 1)
    model = NonconvexReLU(beta=0.05, width=6, optimizer="sgd", lr=0.02, steps=200, seed=0, batch_size=1).fit(X, y)
    assert model.history_.size == 201 and model.history_[-1] == model.objective_
    assert model.history_.min() < model.history_[-1]  # SGD noise: the last iterate is not the best one


# ------------------------------------------------------------------ minibatches are minibatches
def _identify_batch(X, y, before, after, lr, beta, sizes):
    """The subsets ``S`` (sizes in ``sizes``) with ``-(after - before) / lr == (n / |S|) sum_S g_i + beta theta``."""
    n = X.shape[0]
    step = -(flat(after) - flat(before)) / lr
    found = []
    for s in sizes:
        for S in itertools.combinations(range(n), s):
            # the penalty's gradient is counted once: sum the data terms, then add beta * theta
            g = sum(sample_gradient(X[i], y[i], before, 0.0, n / s) for i in S) + beta * flat(before)
            if np.allclose(step, g, rtol=1e-9, atol=1e-12):
                found.append(S)
    return found


def test_batch_size_one_steps_on_one_sample_each_a_permutation_per_epoch():
    X, y = xor(6, 3)
    n, beta, lr = 6, 0.05, 0.01
    model = NonconvexReLU(
        beta=beta, width=4, optimizer="sgd", momentum=0.0, lr=lr, steps=2 * n, seed=5, batch_size=1,
        snapshot_steps=range(2 * n + 1),
    ).fit(X, y)
    snaps = model.snapshots_
    used = []
    for t in range(1, 2 * n + 1):
        S = _identify_batch(X, y, snaps[t - 1], snaps[t], lr, beta, [1])
        assert len(S) == 1, f"step {t} is not one sample's stochastic gradient: {S}"
        used.append(S[0][0])
        full = sum(sample_gradient(X[i], y[i], snaps[t - 1], 0.0, 1.0) for i in range(n)) + beta * flat(snaps[t - 1])
        assert not np.allclose(-(flat(snaps[t]) - flat(snaps[t - 1])) / lr, full, rtol=1e-6)
    assert sorted(used[:n]) == list(range(n)) and sorted(used[n:]) == list(range(n))  # each epoch: a permutation
    assert used[:n] != used[n:]  # a fresh permutation each epoch (for this seed)


def test_the_last_minibatch_of_an_epoch_holds_the_remainder():
    X, y = xor(5, 8)
    beta, lr = 0.1, 0.01
    model = NonconvexReLU(
        beta=beta, width=3, optimizer="sgd", momentum=0.0, lr=lr, steps=3, seed=1, batch_size=2,
        n_snapshots=4,
    ).fit(X, y)
    np.testing.assert_array_equal(model.snapshot_steps_, [0, 1, 2, 3])
    batches = []
    for t in (1, 2, 3):
        S = _identify_batch(X, y, model.snapshots_[t - 1], model.snapshots_[t], lr, beta, [1, 2])
        assert len(S) == 1
        batches.append(S[0])
    assert [len(S) for S in batches] == [2, 2, 1]
    assert sorted(i for S in batches for i in S) == list(range(5))
    assert model.solve_.info["epochs"] == pytest.approx(1.0)


def test_full_batch_size_is_the_full_batch():
    X, y = xor(9, 2)
    a = NonconvexReLU(beta=0.05, width=5, optimizer="adam", steps=60, batch_size=None).fit(X, y)
    b = NonconvexReLU(beta=0.05, width=5, optimizer="adam", steps=60, batch_size=50).fit(X, y)
    np.testing.assert_array_equal(a.history_, b.history_)


# ------------------------------------------------------------------ schedules, snapshots and parameters
@pytest.mark.parametrize("schedule", ["constant", "step", "cosine"])
def test_learning_rate_schedules_do_what_they_say(schedule):
    X, y = xor(8, 6)
    beta, lr, steps = 0.05, 0.02, 8
    model = NonconvexReLU(
        beta=beta, width=4, optimizer="gd", lr=lr, steps=steps, lr_schedule=schedule, n_snapshots=steps + 1,
    ).fit(X, y)
    assert list(model.snapshot_steps_) == list(range(steps + 1))
    for t in range(1, steps + 1):
        prev = model.snapshots_[t - 1]
        g = sum(sample_gradient(X[i], y[i], prev, 0.0, 1.0) for i in range(8)) + beta * flat(prev)
        delta = flat(model.snapshots_[t]) - flat(prev)
        lr_t = -(delta @ g) / (g @ g)
        np.testing.assert_allclose(delta, -lr_t * g, rtol=1e-9, atol=1e-14)  # a plain gradient step
        expected = {
            "constant": lr,
            "step": lr * (1.0 if t <= steps / 2 else 0.1 if t <= 3 * steps / 4 else 0.01),
            "cosine": lr * (1 + np.cos(np.pi * (t - 1) / steps)) / 2,
        }[schedule]
        assert lr_t == pytest.approx(expected, rel=1e-9)


def test_snapshots_are_evenly_spaced_and_bounded():
    X, y = xor(8, 0)
    m = NonconvexReLU(beta=0.05, width=3, steps=100, n_snapshots=5).fit(X, y)
    np.testing.assert_array_equal(m.snapshot_steps_, [0, 25, 50, 75, 100])
    np.testing.assert_array_equal(flat(m.snapshots_[-1]), flat(m.network_))
    assert NonconvexReLU(beta=0.05, width=3, steps=10).fit(X, y).snapshots_ == ()
    m = NonconvexReLU(beta=0.05, width=3, steps=1000, n_snapshots=MAX_SNAPSHOTS).fit(X, y)
    assert len(m.snapshots_) == MAX_SNAPSHOTS and m.snapshot_steps_[0] == 0 and m.snapshot_steps_[-1] == 1000


@pytest.mark.parametrize(
    "kwargs, match",
    [
        (dict(optimizer="rmsprop"), "optimizer"),
        (dict(lr_schedule="linear"), "lr_schedule"),
        (dict(batch_size=0), "batch_size"),
        (dict(optimizer="gd", batch_size=4), "full-batch"),
        (dict(momentum=1.0), "momentum"),
        (dict(momentum=-0.1), "momentum"),
        (dict(record_every=0), "record_every"),
        (dict(n_snapshots=MAX_SNAPSHOTS + 1), "n_snapshots"),
        (dict(n_snapshots=3, snapshot_steps=[1]), "not both"),
        (dict(steps=10, snapshot_steps=[0, 11]), "snapshot_steps"),
        (dict(snapshot_steps=list(range(MAX_SNAPSHOTS + 1))), "at most"),
    ],
)
def test_bad_training_parameters_are_named(kwargs, match):
    X, y = xor(6)
    est = NonconvexReLU(**kwargs)
    assert {k: est.get_params()[k] for k in kwargs} == kwargs  # stored unchanged, checked in fit
    with pytest.raises(ValueError, match=match):
        est.fit(X, y)


# ------------------------------------------------------------------ divergence
@pytest.mark.parametrize("optimizer, batch, lr", [("sgd", 2, 3.0), ("gd", None, 5.0), ("adam", None, 1e100)])
def test_a_diverging_run_stops_keeps_the_last_finite_weights_and_says_so(optimizer, batch, lr):
    X, y = xor(12, 0)
    X = X * 20.0
    with pytest.warns(ConvergenceWarning, match="diverged at step"):
        m = NonconvexReLU(beta=0.05, width=6, optimizer=optimizer, lr=lr, steps=5000, batch_size=batch).fit(X, y)
    got = re.search(r"diverged at step (\d+) with lr=([0-9.e+-]+)", m.solve_.stop_reason)
    assert got and float(got.group(2)) == pytest.approx(lr)
    t = int(got.group(1))
    assert 1 <= t < 5000 and not m.solve_.converged
    assert f"diverged at step {t} with lr=" in m.certificate_reason_ and not m.certified_
    assert m.n_iter_ == t - 1 and m.history_steps_[-1] == t - 1
    net = m.network_
    assert np.all(np.isfinite(flat(net))) and np.all(np.isfinite(m.history_))
    assert m.history_[-1] == m.objective_
    assert m.objective_ == pytest.approx(explicit_objective(X, y, net.W, net.b, net.a, 0.05), rel=1e-12)


# ------------------------------------------------------------------ the regularization path
def test_above_beta_max_the_path_is_the_certified_zero_network():
    X, y = xor(15, 2)
    bmax = phi(X, y)
    path = regularization_path(X, y, [3 * bmax, bmax, 1.5 * bmax])
    np.testing.assert_array_equal(path.betas, [3 * bmax, 1.5 * bmax, bmax])
    for m in path:
        assert m.certified_ and m.n_neurons_ == 0 and m.objective_ == 0.5 * float(y @ y)
    below = regularization_path(X, y, [0.99 * bmax]).models[0]  # beta_max is the threshold, not just a bound
    assert below.certified_ and below.n_neurons_ > 0 and below.objective_ < 0.5 * float(y @ y)


@pytest.mark.parametrize("degenerate", [False, True])
def test_the_path_is_certified_monotone_concave_and_agrees_with_cold_fits(degenerate):
    X, y = xor(18, 7)
    task = "classification"
    if degenerate:  # duplicates and collinear points: several optimal networks may exist
        X = np.vstack([X[:10], X[:4], np.c_[np.linspace(-1, 1, 6), np.linspace(-1, 1, 6)]])
        y = np.r_[y[:10], y[:4], np.sin(3 * np.linspace(-1, 1, 6))]
        task = "regression"
    tol = 1e-8
    path = regularization_path(X, y, None, task=task, n_betas=6, ratio=1e-2, tol=tol)
    b = path.betas
    assert b[0] == phi(X, y) == path.beta_max
    np.testing.assert_allclose(b, phi(X, y) * 1e-2 ** (np.arange(6) / 5), rtol=1e-15)
    assert path.certified.all() and path.models[0].n_neurons_ == 0
    p = path.objectives
    assert np.all(np.diff(p) <= 0)  # betas decrease along the path, so do the optima
    # p*(beta) is a minimum of functions affine in beta, hence concave: chords lie below the graph
    for i in range(1, len(b) - 1):
        w = (b[i] - b[i + 1]) / (b[i - 1] - b[i + 1])
        assert p[i] >= w * p[i - 1] + (1 - w) * p[i + 1] - 1e-9 * p[i]
    # every path network is feasible at every beta: p*(beta_j) <= its objective there
    for mi in path:
        for bj, mj in zip(b, path):
            assert mj.dual_objective_ <= canonical_objective(X, y, mi.network_, bj) * (1 + 1e-12)
    for beta, m in zip(b, path):
        assert m.get_params()["beta"] == beta and m.warm_start
        cold = ConvexReLU(beta=beta, task=task, tol=tol).fit(X, y)
        assert cold.certified_
        assert m.objective_ == pytest.approx(cold.objective_, rel=1e-7)


def test_path_betas_are_sorted_deduped_and_checked():
    X, y = xor(10, 1)
    path = regularization_path(X, y, [0.1, 0.02, 0.1, 0.05])
    np.testing.assert_array_equal(path.betas, [0.1, 0.05, 0.02])
    assert [m.beta for m in path] == [0.1, 0.05, 0.02] and len({id(m) for m in path}) == 3
    assert path.models[1].network_ is not path.models[2].network_
    for bad in ([], [0.1, -1.0], [0.0], [np.nan]):
        with pytest.raises(ValueError, match="betas"):
            regularization_path(X, y, bad)
    with pytest.raises(ValueError, match="ratio"):
        regularization_path(X, y, None, ratio=2.0)


# ------------------------------------------------------------------ what sampling gives up
def test_coverage_against_covers_count_and_brute_force():
    X, _ = xor(4, 0)  # 4 random points: general position, Cover's count 4^2 - 4 + 2 = 14
    exact = activation_patterns(X)
    assert exact.shape[0] == 14
    assert coverage_of(X, exact) == 1.0
    all_subsets = np.array(list(itertools.product([False, True], repeat=4)))
    assert coverage_of(X, all_subsets) == 1.0  # 16 subsets hold the 14 patterns and two non-patterns
    assert coverage_of(X, exact[:5]) == pytest.approx(5 / 14)
    assert coverage_of(X, exact[[0, 0, 1]]) == pytest.approx(2 / 14)
    square = np.array([[-0.5, -0.5], [0.5, -0.5], [-0.5, 0.5], [0.5, 0.5]])  # no three collinear: 14 patterns
    assert activation_patterns(square).shape[0] == 14
    assert pattern_coverage(square, 10, seed=0) < 1.0 and pattern_coverage(square, 1000, seed=0) == 1.0


def test_coverage_is_in_range_and_monotone_for_nested_gate_sets():
    X, _ = xor(12, 5)
    P = 12 * 12 - 12 + 2
    assert activation_patterns(X).shape[0] == P
    ks = [1, 3, 10, 30, 100, 300]
    cov = [pattern_coverage(X, k, seed=4) for k in ks]
    assert all(0.0 < c <= 1.0 for c in cov) and np.all(np.diff(cov) >= 0)
    for k1, k2 in zip(ks, ks[1:]):  # the gates of k1 are the first k1 of those of k2: nested pattern sets
        small = {r.tobytes() for r in sampled_patterns(X, k1, 4).patterns}
        large = {r.tobytes() for r in sampled_patterns(X, k2, 4).patterns}
        assert small <= large
    assert cov[-1] == pytest.approx(len(large) / P)  # every sampled pattern is a pattern


def test_the_optimum_lies_between_the_sampled_program_and_the_gated_relaxation():
    th = 2 * np.pi * np.arange(7) / 7 + 0.1  # a heptagon: 7^2 - 7 + 2 = 44 patterns, none of them tiny
    X = np.c_[np.cos(th), np.sin(th)]
    y = np.array([1.0, -1, 1, -1, 1, 1, -1])
    beta = 0.05
    curve = sampling_curve(X, y, beta, [2, 8, 40, 5000], seed=1)
    exact = ConvexReLU(beta=beta).fit(X, y)
    assert exact.certified_
    prev = np.inf
    for s in curve:
        assert s.optimum == exact.objective_ and s.optimum_certified
        assert s.sampled_objective >= s.optimum * (1 - 1e-9) and s.excess >= -1e-9
        assert s.gated_lower_bound <= s.optimum * (1 + 1e-9)
        assert s.gated_objective <= s.optimum * (1 + 1e-6) and s.relaxation_gap >= -1e-6
        assert s.coverage == pytest.approx(s.n_sampled / s.n_patterns)
        assert s.sampled_objective <= prev * (1 + 1e-6)  # nested sampled sets: a larger program, a lower optimum
        prev = s.sampled_objective
    assert curve[-1].coverage == 1.0
    assert curve[-1].sampled_objective == pytest.approx(exact.objective_, rel=1e-6)
    one = sampling_bounds(X, y, beta, 8, seed=1)
    assert one == curve[1]
