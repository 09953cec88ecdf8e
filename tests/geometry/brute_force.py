"""Independent references for the geometry tests: LP feasibility of sign vectors, per-pattern SOCPs."""

from __future__ import annotations

import itertools

import cvxpy as cp
import numpy as np
from scipy.optimize import linprog


def lifted(X, bias=True):
    X = np.asarray(X, float)
    if X.ndim == 1:
        X = X[:, None]
    return np.hstack([X, np.ones((len(X), 1))]) if bias else X


def realizable(Z: np.ndarray, pattern) -> bool:
    """Is there u with z_i.u >= 0 on the pattern and z_i.u < 0 off it?  (Scale: off-pattern rows <= -1.)"""
    pattern = np.asarray(pattern, bool)
    A = np.vstack([-Z[pattern], Z[~pattern]])
    b = np.concatenate([np.zeros(pattern.sum()), -np.ones((~pattern).sum())])
    if A.shape[0] == 0:
        return True
    res = linprog(np.zeros(Z.shape[1]), A_ub=A, b_ub=b, bounds=[(None, None)] * Z.shape[1], method="highs")
    return res.status == 0


def brute_force_patterns(X, bias=True) -> set:
    """Every sign vector of length n that some u realizes, by one LP per sign vector (n <= 10)."""
    Z = lifted(X, bias)
    n = Z.shape[0]
    return {s for s in itertools.product([False, True], repeat=n) if realizable(Z, np.array(s))}


def brute_force_phi(X, v, bias=True) -> float:
    """max over patterns D of max_{u in K_D, ||u|| <= 1} |c_D . u|, one SOCP per pattern and sign."""
    Z = lifted(X, bias)
    best = 0.0
    for s in brute_force_patterns(X, bias):
        D = np.array(s, float)
        u = cp.Variable(Z.shape[1])
        cone = [cp.multiply(2 * D - 1, Z @ u) >= 0, cp.norm(u) <= 1]
        c = Z.T @ (D * v)
        for sign in (1.0, -1.0):
            prob = cp.Problem(cp.Maximize(sign * c @ u), cone)
            prob.solve(solver=cp.CLARABEL)
            best = max(best, prob.value)
    return best


def sampled_phi(X, v, n_dirs=200_000, seed=0, bias=True) -> float:
    """A lower bound on phi by random unit directions."""
    Z = lifted(X, bias)
    U = np.random.default_rng(seed).standard_normal((n_dirs, Z.shape[1]))
    U /= np.linalg.norm(U, axis=1, keepdims=True)
    return float(np.abs(np.maximum(Z @ U.T, 0.0).T @ v).max())


def lines_through_points(P) -> dict:
    """Exact integer lines a x + b y + c = 0 through >= 2 distinct integer points, with their point counts."""
    pts = sorted({(int(x), int(y)) for x, y in P})
    from math import gcd

    lines: dict = {}
    for (x1, y1), (x2, y2) in itertools.combinations(pts, 2):
        a, b = y2 - y1, x1 - x2
        c = -(a * x1 + b * y1)
        g = gcd(gcd(abs(a), abs(b)), abs(c)) or 1
        a, b, c = a // g, b // g, c // g
        if a < 0 or (a == 0 and b < 0):
            a, b, c = -a, -b, -c
        lines.setdefault((a, b, c), set()).update({(x1, y1), (x2, y2)})
    return lines
