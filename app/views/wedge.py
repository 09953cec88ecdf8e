"""The fit restricted to the wedge-product dictionary (neurons through two data points), for comparison.

With unit neurons ``u_k`` fixed, the canonical problem is the Lasso
``min_a 1/2 ||F a - y||^2 + beta ||a||_1`` with features ``F = (Z U^T)_+``: the network with neurons
``sqrt|a_k| u_k`` and output weights ``sign(a_k) sqrt|a_k|`` has exactly that canonical objective.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from geometry import lift, wedge_dictionary


@dataclass(frozen=True)
class WedgeFit:
    """The Lasso over the wedge dictionary: its network (balanced, ``||u_j|| = |a_j|``) and objective."""

    neurons: np.ndarray  # (m, 3) lifted neurons u_j = (w_j, b_j) of the network
    output_weights: np.ndarray  # (m,)
    objective: float  # canonical objective of that network
    dictionary_size: int


def canonical_objective(X, y, U, a, beta: float) -> float:
    """``1/2 ||sum_j a_j (Z u_j)_+ - y||^2 + beta/2 sum_j (||u_j||^2 + a_j^2)``."""
    r = np.maximum(lift(X) @ np.asarray(U).reshape(-1, 3).T, 0.0) @ np.asarray(a) - y
    return 0.5 * float(r @ r) + 0.5 * beta * float(np.sum(np.asarray(U) ** 2) + np.sum(np.asarray(a) ** 2))


def wedge_fit(X, y, beta: float, support_ratio: float = 1e-6) -> WedgeFit:
    """Fit with only the neurons ``+-(z_i x z_j)/||.||`` (CVXPY, Clarabel) and return the balanced network."""
    X = np.asarray(X, float)
    y = np.asarray(y, float).ravel()
    if not (np.isfinite(beta) and beta > 0):
        raise ValueError(f"beta must be a positive number; got {beta!r}")
    Ud = wedge_dictionary(X)
    if Ud.shape[0] == 0:
        return WedgeFit(np.zeros((0, 3)), np.zeros(0), 0.5 * float(y @ y), 0)
    F = np.maximum(lift(X) @ Ud.T, 0.0)
    keep = np.linalg.norm(F, axis=0) > 0  # neurons active on no point compute zero
    Ud, F = Ud[keep], F[:, keep]
    coef = _lasso(F, y, beta)
    # interior-point noise: keep the clear support, solve again there, keep whichever network is better
    sup = np.abs(coef) > support_ratio * max(np.abs(coef).max(initial=0.0), 1e-300)
    best = _network(X, y, Ud, np.where(np.abs(coef) > 0, coef, 0.0), beta)
    if sup.any():
        polished = _network(X, y, Ud[sup], _lasso(F[:, sup], y, beta), beta)
        if polished.objective <= best.objective + 1e-12 * max(1.0, best.objective):
            best = polished
    return WedgeFit(best.neurons, best.output_weights, best.objective, int(Ud.shape[0]))


def _lasso(F: np.ndarray, y: np.ndarray, beta: float) -> np.ndarray:
    """``argmin_a 1/2 ||F a - y||^2 + beta ||a||_1`` (CVXPY, Clarabel)."""
    import cvxpy as cp  # only when the comparison is asked for

    a = cp.Variable(F.shape[1])
    prob = cp.Problem(cp.Minimize(0.5 * cp.sum_squares(F @ a - y) + beta * cp.norm1(a)))
    prob.solve(solver=cp.CLARABEL, tol_gap_abs=1e-11, tol_gap_rel=1e-11, tol_feas=1e-11, max_iter=400)
    if a.value is None:
        raise ValueError(f"the wedge-dictionary Lasso did not solve ({prob.status})")
    return np.asarray(a.value, float)


def _network(X, y, Ud: np.ndarray, coef: np.ndarray, beta: float) -> WedgeFit:
    """Balanced network ``u = sqrt|a| u_k``, ``a = sign(a) sqrt|a|`` of Lasso coefficients, with its objective."""
    nz = coef != 0
    t = np.sqrt(np.abs(coef[nz]))
    U, out = Ud[nz] * t[:, None], np.sign(coef[nz]) * t
    return WedgeFit(U, out, canonical_objective(X, y, U, out, beta), int(Ud.shape[0]))
