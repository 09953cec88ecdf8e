"""The fit restricted to the wedge-product dictionary (neurons whose line passes through two data points).

With unit neurons ``e_k = +-(z_i x z_j)/||.||`` fixed (the vertices of the arrangement, docs/math.md
section 3), the canonical problem is the Lasso

    min_c  1/2 || F c - y ||^2 + beta ||c||_1,      F = (Z E^T)_+,

and the network with neurons ``sqrt|c_k| e_k`` and output weights ``sign(c_k) sqrt|c_k|`` has exactly that
canonical objective (docs/math.md section 1).  An optimal neuron can also sit on an edge or inside a cell,
so the dictionary fit is an upper bound on ``p*``: the gap to the exact optimum is what is lost.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from geometry import lift, wedge_dictionary

from .network import ReLUNetwork, canonical_objective, network_from_blocks
from .validation import check_positive, check_X, check_y


@dataclass(frozen=True)
class WedgeFit:
    """The Lasso over the wedge dictionary: its balanced network and canonical objective."""

    network: ReLUNetwork
    objective: float  # canonical objective of the network's own weights
    dictionary_size: int


def wedge_fit(X, y, beta: float, support_ratio: float = 1e-6) -> WedgeFit:
    """Fit with only the neurons ``+-(z_i x z_j)/||.||`` (CVXPY, Clarabel) and return the balanced network."""
    X = check_X(X)
    y = check_y(y, X.shape[0], "regression")
    beta = check_positive(beta, "beta")
    E = wedge_dictionary(X)
    if E.shape[0] == 0:
        return WedgeFit(ReLUNetwork.empty(2), 0.5 * float(y @ y), 0)
    F = np.maximum(lift(X) @ E.T, 0.0)
    keep = np.linalg.norm(F, axis=0) > 0  # neurons active on no point compute zero
    E, F = E[keep], F[:, keep]
    coef = _lasso(F, y, beta)
    best = _fit_of(X, y, E, coef, beta)
    # interior-point noise: keep the clear support, solve again there, keep whichever network is better
    support = np.abs(coef) > support_ratio * max(np.abs(coef).max(initial=0.0), 1e-300)
    if support.any():
        polished = _fit_of(X, y, E[support], _lasso(F[:, support], y, beta), beta)
        if polished.objective <= best.objective + 1e-12 * max(1.0, best.objective):
            best = polished
    return WedgeFit(best.network, best.objective, int(E.shape[0]))


def _lasso(F: np.ndarray, y: np.ndarray, beta: float) -> np.ndarray:
    """``argmin_c 1/2 ||F c - y||^2 + beta ||c||_1`` (CVXPY, Clarabel)."""
    import cvxpy as cp  # only when the comparison is asked for

    c = cp.Variable(F.shape[1])
    prob = cp.Problem(cp.Minimize(0.5 * cp.sum_squares(F @ c - y) + beta * cp.norm1(c)))
    prob.solve(solver=cp.CLARABEL, tol_gap_abs=1e-11, tol_gap_rel=1e-11, tol_feas=1e-11, max_iter=400)
    if c.value is None:
        raise ValueError(f"the wedge-dictionary Lasso did not solve ({prob.status})")
    return np.asarray(c.value, float)


def _fit_of(X, y, E: np.ndarray, coef: np.ndarray, beta: float) -> WedgeFit:
    """The network of Lasso coefficients (a coefficient ``c_k`` is the block ``|c_k| e_k`` of sign ``sign(c_k)``)."""
    nz = coef != 0
    net = network_from_blocks(np.abs(coef[nz])[:, None] * E[nz], np.sign(coef[nz]))
    return WedgeFit(net, canonical_objective(X, y, net, beta), int(E.shape[0]))
