"""The duality-gap certificate of a network (MATH.md section 4), with the exact ``phi`` oracle.

For a network with residual ``r = y - f(X)``, ``v = min(1, beta/phi(r)) r`` is dual feasible, and

    gap = p(network) - d(v),   d(v) = -1/2 ||v - y||^2 + 1/2 ||y||^2  <=  p*  <=  p(network).

A gap within ``tol * p`` proves the network is a global optimum to that relative accuracy.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from geometry import PlanarOracle, phi

from .network import ReLUNetwork, canonical_objective

DEFAULT_TOL = 1e-6
"""Relative duality-gap tolerance for ``certified``: ``p - d <= tol * p``."""


@dataclass(frozen=True)
class Certificate:
    """Primal and dual values of a network, the gap between them and whether it proves optimality."""

    objective: float  # canonical objective of the network's own weights
    dual: np.ndarray  # feasible dual vector v
    dual_objective: float  # d(v) = -1/2 ||v - y||^2 + 1/2 ||y||^2
    gap: float  # objective - dual_objective (>= 0 up to rounding, by weak duality)
    relative_gap: float  # gap / objective (0 when both are 0)
    phi_residual: float  # phi(y - f(X)), before scaling
    tolerance: float
    certified: bool
    reason: str


def dual_objective(y: np.ndarray, v: np.ndarray) -> float:
    """``d(v) = -1/2 ||v - y||^2 + 1/2 ||y||^2``."""
    y = np.asarray(y, float)
    return float(-0.5 * np.sum((v - y) ** 2) + 0.5 * np.sum(y * y))


def relative(gap: float, objective: float) -> float:
    """``gap / objective``, with ``0/0 = 0``."""
    if objective > 0:
        return gap / objective
    return 0.0 if gap <= 0 else np.inf


def certify(X, y, net: ReLUNetwork, beta: float, tol: float = DEFAULT_TOL, oracle: PlanarOracle | None = None) -> Certificate:
    """Exact certificate of ``net`` for the canonical objective with weight decay ``beta``
    (``oracle``: the points' :class:`~geometry.PlanarOracle`, when the caller already has it)."""
    y = np.asarray(y, float)
    p = canonical_objective(X, y, net, beta)
    r = y - net.output(X)
    ph = oracle.phi(r) if oracle is not None else phi(X, r)
    scale = 1.0 if ph <= beta else beta / ph
    v = scale * r
    d = dual_objective(y, v)
    gap = p - d
    rel = relative(gap, p)
    ok = bool(rel <= tol)
    if ok:
        reason = f"certified: relative duality gap {rel:.1e} <= {tol:.0e}"
    else:
        reason = f"not certified: relative duality gap {rel:.1e} > {tol:.0e} (phi(residual)/beta = {ph / beta:.6f})"
    return Certificate(p, v, d, gap, rel, ph, tol, ok, reason)
