"""The certificate of a fit: what its duality gap proves, with the exact ``phi`` oracle (docs/math.md sections 4, 8).

For a ReLU network with residual ``r = y - f(X)``, ``v = min(1, beta/phi(r)) r`` is dual feasible, and

    gap = p(network) - d(v),   d(v) = -1/2 ||v - y||^2 + 1/2 ||y||^2  <=  p*  <=  p(network).

A gap within ``tol * p`` proves the network is a global optimum to that relative accuracy.  The other
programs the library solves (gated ReLU, programs on sampled patterns) have duals of their own; their
certificates say which program their gap is about (:data:`KINDS`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from geometry import PlanarOracle, phi

from .network import ReLUNetwork, canonical_objective

DEFAULT_TOL = 1e-6
"""Relative duality-gap tolerance for ``certified``: ``p - d <= tol * p``."""

RELU_GLOBAL = "relu-global"
GATED_RELAXATION = "gated-relaxation"
SAMPLED_PROGRAM = "sampled-program"
NO_CERTIFICATE = "none"

KINDS = {
    RELU_GLOBAL: "the global optimum of the two-layer ReLU problem, checked with the exact phi over every pattern",
    GATED_RELAXATION: "the gated ReLU relaxation over every pattern: its dual objective is a lower bound on the "
    "ReLU optimum p*",
    SAMPLED_PROGRAM: "only the program on its sampled patterns: nothing about the global optimum p*",
    NO_CERTIFICATE: "nothing",
}
"""What a certificate of each kind is about (docs/math.md section 8)."""


@dataclass(frozen=True)
class Certificate:
    """Primal and dual values of a fit, the gap between them, what that gap proves and whether it certifies.

    ``certified`` is True only for kind ``relu-global`` with ``relative_gap <= tolerance``: only then is the
    fit a proven global optimum.  ``phi`` is the dual constraint's value at the residual before scaling:
    ``phi(y - f(X))`` for ReLU, ``max_i ||Z^T D_i r||`` for a gated program.
    """

    kind: str
    objective: float  # the program's objective at the returned weights
    dual: np.ndarray | None  # feasible dual vector v (None: no dual)
    dual_objective: float  # d(v) = -1/2 ||v - y||^2 + 1/2 ||y||^2 (nan: no dual)
    gap: float  # objective - dual_objective (>= 0 up to rounding, by weak duality)
    relative_gap: float  # gap / objective (0 when both are 0)
    phi: float
    beta: float
    beta_max: float  # smallest beta whose optimum is the zero model (nan: unknown)
    tolerance: float
    certified: bool
    reason: str

    @property
    def proves(self) -> str:
        """One sentence: what this certificate's numbers prove."""
        if self.kind == RELU_GLOBAL:
            if self.certified:
                return (f"global optimum: no two-layer ReLU network of any width has an objective below "
                        f"{self.dual_objective:.6g} (relative gap {self.relative_gap:.1e})")
            return f"the network is within {self.gap:.3g} of the global optimum p* (p - p* <= gap)"
        if self.kind == GATED_RELAXATION:
            return (f"the gated ReLU relaxation is solved to within {self.gap:.3g}; its dual objective "
                    f"{self.dual_objective:.6g} is a lower bound on the ReLU optimum p*")
        if self.kind == SAMPLED_PROGRAM:
            return (f"the program on its sampled patterns is solved to within {self.gap:.3g}; this says nothing "
                    f"about the global optimum p*")
        return "nothing: this fit carries no certificate"

    @property
    def bounds_optimum(self) -> bool:
        """Is ``dual_objective`` a lower bound on the global ReLU optimum ``p*``?"""
        return self.kind in (RELU_GLOBAL, GATED_RELAXATION) and self.dual is not None

    @property
    def phi_dual(self) -> float:
        """The dual constraint at the scaled dual vector: ``phi(v) = min(phi(r), beta)``."""
        return min(self.phi, self.beta)


def dual_objective(y: np.ndarray, v: np.ndarray) -> float:
    """``d(v) = -1/2 ||v - y||^2 + 1/2 ||y||^2``, computed as ``y^T v - 1/2 ||v||^2`` (the same number without
    the cancellation of two ``||y||^2``-sized terms, which at small beta is ~1e-10 of ``d``)."""
    y = np.asarray(y, float)
    v = np.asarray(v, float)
    return float(y @ v - 0.5 * (v @ v))


def relative(gap: float, objective: float) -> float:
    """``gap / objective``, with ``0/0 = 0``."""
    if objective > 0:
        return gap / objective
    return 0.0 if gap <= 0 else np.inf


def scaled_dual(y: np.ndarray, r: np.ndarray, constraint: float, beta: float) -> tuple[np.ndarray, float]:
    """``v = min(1, beta / constraint) r`` (dual feasible when ``constraint`` is the dual constraint at ``r``)
    and ``d(v)``."""
    v = r * (1.0 if constraint <= beta else beta / constraint)
    return v, dual_objective(y, v)


def certify(
    X, y, net: ReLUNetwork, beta: float, tol: float = DEFAULT_TOL, oracle: PlanarOracle | None = None,
    beta_max: float = float("nan"),
) -> Certificate:
    """Exact ``relu-global`` certificate of ``net`` for the canonical objective with weight decay ``beta``
    (``oracle``: the points' :class:`~geometry.PlanarOracle`, when the caller already has it)."""
    y = np.asarray(y, float)
    p = canonical_objective(X, y, net, beta)
    r = y - net.output(X)
    ph = oracle.phi(r) if oracle is not None else phi(X, r)
    v, d = scaled_dual(y, r, ph, beta)
    gap = p - d
    rel = relative(gap, p)
    ok = bool(rel <= tol)
    if ok:
        reason = f"certified: relative duality gap {rel:.1e} <= {tol:.0e}"
    else:
        reason = f"not certified: relative duality gap {rel:.1e} > {tol:.0e} (phi(residual)/beta = {ph / beta:.6f})"
    return Certificate(RELU_GLOBAL, p, v, d, gap, rel, float(ph), float(beta), float(beta_max), float(tol), ok, reason)
