"""The Lasso ``min_{z, xi} 1/2 ||A z + xi 1 - y||^2 + beta ||z||_1`` over a deep 1-D dictionary, solved exactly
by a primal active-set method (and by CVXPY as the reference)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .dictionary import Correlator, Dictionary

@dataclass(frozen=True)
class LassoSolution:
    """A solution of (P): coefficients ``coef`` on features ``support``, intercept, and how it was found."""

    support: np.ndarray
    coef: np.ndarray
    intercept: float
    n_iter: int
    converged: bool
    method: str
    stop_reason: str


def _restricted_step(B: np.ndarray, yc: np.ndarray, theta: np.ndarray, beta: float, rcond: float = 1e-11):
    """Minimizer of ``1/2 ||yc - B u||^2 + beta theta^T u`` (the min-norm one), or, when none exists
    (``theta`` leaves the row space of ``B``), ``None`` and the component ``d`` of ``theta`` in ``null(B)``:
    along ``-d`` the fit is fixed and the objective falls."""
    U, s, Vt = np.linalg.svd(B, full_matrices=False)
    rank = int(np.sum(s > rcond * s[0])) if s.size and s[0] > 0 else 0
    V = Vt[:rank].T
    d = theta - V @ (V.T @ theta)
    if np.linalg.norm(d) > 1e-9 * np.linalg.norm(theta):
        return None, d
    s = s[:rank]
    v = V @ ((U[:, :rank].T @ yc) / s - beta * (V.T @ theta) / s**2)
    return v, None


def lasso_active_set(
    D: Dictionary, x: np.ndarray, y: np.ndarray, beta: float, *, tol: float = 1e-10, max_iter: int | None = None
) -> LassoSolution:
    """Exact solution of ``min 1/2 ||A z + xi 1 - y||^2 + beta ||z||_1`` (docs/math.md section 5).

    ``xi`` is eliminated by centring (``xi = mean(y - A z)``).  A primal active-set method: add the feature
    that violates ``|a_k^T r| <= beta`` most (sign ``sign(a_k^T r)``), then solve the KKT equations
    ``A_S^T (y - A_S z_S) = beta sign(z_S)`` on the support exactly (SVD); when a coefficient would change
    sign, stop at the first zero and drop it; when the equations have no solution (a dependent feature),
    move along the null direction of ``A_S`` that lowers ``||z_S||_1`` until a coefficient reaches zero.
    It stops when every KKT condition holds to ``tol`` relative to ``beta`` (plus a rounding floor of
    ``1e-12 max_k |a_k^T y|``, which matters only for tiny ``beta``): the solution is exact up to rounding
    (the duality gap is reported by the estimator).
    """
    n = x.size
    corr = Correlator(D, x)
    yc = y - y.mean()
    max_iter = 20 * n + 200 if max_iter is None else int(max_iter)

    def columns(idx):
        A = D.matrix(x, idx)
        return A - A.mean(axis=0)

    active: list[int] = []
    u = np.zeros(0)
    theta = np.zeros(0)
    r = yc.copy()
    c = corr.centered(r)
    # rounding floor of the correlations: at tiny beta, |a_k^T r| is known only to ~1e-12 beta_max
    atol = 1e-12 * float(np.max(np.abs(c), initial=0.0))
    n_iter, stalls, reason, converged = 0, 0, "iteration limit", False
    while n_iter < max_iter:
        viol = np.abs(c)
        if active:
            viol[active] = -np.inf
        k = int(np.argmax(viol))
        if viol[k] <= beta * (1.0 + tol) + atol:
            converged, reason = True, "KKT conditions hold"
            break
        n_iter += 1
        active.append(k)
        u = np.append(u, 0.0)
        theta = np.append(theta, np.sign(c[k]))
        for _inner in range(4 * n + 50):
            B = columns(active)
            v, d = _restricted_step(B, yc, theta, beta)
            if v is None:  # dependent features: slide along -d until a coefficient reaches zero
                move = -d
                hit = (u * move < 0) | ((u == 0) & (theta * move < 0))
                if not np.any(hit):
                    stalls += 1
                    break
                steps = np.where(hit, -u / np.where(hit, move, 1.0), np.inf)
                t = float(np.min(steps))
                u = u + t * move
                drop = steps <= t
            else:
                wrong = theta * v < 0
                steps = np.where(wrong, u / np.where(wrong, u - v, 1.0), np.inf)
                t = min(1.0, float(np.min(steps)))
                u = u + t * (v - u)
                drop = (steps <= t) | (theta * u <= 0)
                if t >= 1.0 and not np.any(drop):
                    break
            if t <= 0.0 and drop[-1] and active[-1] == k:
                stalls += 1  # the new feature left at once: no progress
            keep = ~drop
            active = [a for a, kp in zip(active, keep) if kp]
            u, theta = u[keep], theta[keep]
            if not active:
                break
        r = yc - (columns(active) @ u if active else 0.0)
        c = corr.centered(r)
        if stalls > 5:
            reason = "stalled (degenerate ties)"
            viol = np.abs(c)
            viol[active] = -np.inf
            converged = bool(np.max(viol, initial=0.0) <= beta * (1.0 + 1e-6) + atol)
            break
    support = np.asarray(active, np.int64)
    if support.size:
        A = D.matrix(x, support)
        intercept = float(np.mean(y - A @ u))
    else:
        intercept = float(y.mean())
    return LassoSolution(support, u.copy(), intercept, n_iter, converged, "active-set", reason)


def lasso_cvxpy(A: np.ndarray, y: np.ndarray, beta: float) -> tuple[np.ndarray, float, float]:
    """(P) on an explicit matrix with CVXPY and Clarabel at tight tolerances: ``(z, xi, objective)``."""
    import cvxpy as cp

    z = cp.Variable(A.shape[1])
    xi = cp.Variable()
    prob = cp.Problem(cp.Minimize(0.5 * cp.sum_squares(A @ z + xi - y) + beta * cp.norm1(z)))
    prob.solve(solver=cp.CLARABEL, tol_gap_abs=1e-12, tol_gap_rel=1e-12, tol_feas=1e-12, max_iter=500)
    return np.asarray(z.value, float), float(xi.value), float(prob.value)
