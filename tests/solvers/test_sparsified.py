"""Between pricing rounds the exact solver keeps at most n + 1 faces (Caratheodory), at no change in fit or
penalty: checked on its own against the features computed from the faces, and through whole fits, whose
working set must end within that bound and on the reference optimum."""

import numpy as np
import pytest

from geometry import beta_max, lift
from solvers import certify, solve_reference
from solvers.fast import _sparsified, face_of, solve_exact


def random_faces(n, m, seed):
    """``m`` signed faces of random directions on ``n`` random points, each with a random mass along its direction."""
    rng = np.random.default_rng(seed)
    X = rng.uniform(-1, 1, (n, 2))
    Z = lift(X)
    faces, blocks = [], []
    while len(faces) < m:
        u = rng.standard_normal(3)
        f = face_of(Z, u, int(rng.choice([-1, 1])))
        if f is None or not np.any(f.A @ (f.basis.T @ u)) or any(f.key == g.key for g in faces):
            continue
        faces.append(f)
        blocks.append(rng.uniform(0.1, 2.0) * f.basis.T @ (u / np.linalg.norm(u)))
    return Z, faces, np.concatenate(blocks)


def fit_and_penalty(faces, x):
    out, pen, at = 0.0, 0.0, 0
    for f in faces:
        b = x[at : at + f.dim]
        at += f.dim
        out = out + f.A @ b
        pen += float(np.linalg.norm(b))
    return out, pen


@pytest.mark.parametrize("n,m,seed", [(6, 20, 0), (9, 30, 1), (12, 13, 2), (5, 16, 3)])
def test_at_most_n_plus_one_faces_with_the_same_fit_and_penalty(n, m, seed):
    Z, faces, x = random_faces(n, m, seed)
    fit, pen = fit_and_penalty(faces, x)
    small, xs = _sparsified(faces, x)
    assert len(small) <= n + 1
    assert {f.key for f in small} <= {f.key for f in faces}
    fit2, pen2 = fit_and_penalty(small, xs)
    np.testing.assert_allclose(fit2, fit, atol=1e-9 * np.abs(fit).max())
    assert pen2 == pytest.approx(pen, rel=1e-10)
    # each kept block keeps its direction (it stays in its own cone) and its features are independent
    at, cols = 0, []
    for f in small:
        b = xs[at : at + f.dim]
        at += f.dim
        assert np.linalg.norm(b) > 0
        assert np.min(f.M @ b) >= -1e-12 * np.linalg.norm(b) * f.zscale
        cols.append(np.append(f.A @ b / np.linalg.norm(b), 1.0))
    assert np.linalg.matrix_rank(np.column_stack(cols)) == len(small)


def spiral(n, seed):
    rng = np.random.default_rng(seed)
    t = rng.uniform(0.3, 3 * np.pi, n)
    lab = rng.integers(0, 2, n)
    r = t / (3 * np.pi)
    X = np.column_stack([r * np.cos(t + np.pi * lab), r * np.sin(t + np.pi * lab)])
    return X + 0.02 * rng.standard_normal((n, 2)), np.where(lab == 1, 1.0, -1.0)


@pytest.mark.parametrize("fraction", [1e-3, 1e-5])
def test_a_small_beta_fit_ends_within_n_plus_one_faces_on_the_reference_optimum(fraction):
    X, y = spiral(24, 7)
    beta = fraction * beta_max(X, y)
    res = solve_exact(X, y, beta)
    assert res.info["converged"]
    assert res.info["working_set"] <= len(y) + 1
    cert = certify(X, y, res.network, beta)
    assert cert.certified
    ref = certify(X, y, solve_reference(X, y, beta).network, beta)
    assert cert.objective == pytest.approx(ref.objective, rel=1e-7)


def test_the_working_set_stays_within_n_plus_one_where_it_would_not():
    # without the step this fit ends on 76 faces for 60 points (a degenerate master)
    X, y = spiral(60, 7)
    beta = 1e-4 * beta_max(X, y)
    res = solve_exact(X, y, beta)
    assert res.info["converged"] and res.info["working_set"] <= len(y) + 1
    assert certify(X, y, res.network, beta).certified
