"""Fitting two-layer ReLU networks with weight decay: the convex twin, its certificate, gated ReLU."""

from .certificate import DEFAULT_TOL, Certificate, certify
from .estimator import ConvexReLU
from .gated import GATED_MAX_POINTS, GatedReLU, GatedSolution, solve_gated
from .nonconvex import NonconvexReLU
from .network import ReLUNetwork, canonical_objective, merge_parallel, network_from_blocks
from .reference import REFERENCE_MAX_POINTS, solve_reference
from .result import SolveResult
from .validation import NotFittedError

__all__ = [
    "ConvexReLU",
    "NonconvexReLU",
    "GatedReLU",
    "ReLUNetwork",
    "canonical_objective",
    "certify",
    "Certificate",
    "DEFAULT_TOL",
    "solve_reference",
    "solve_gated",
    "GatedSolution",
    "GATED_MAX_POINTS",
    "REFERENCE_MAX_POINTS",
    "SolveResult",
    "merge_parallel",
    "network_from_blocks",
    "NotFittedError",
]
