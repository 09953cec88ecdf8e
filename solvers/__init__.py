"""Fitting two-layer ReLU networks with weight decay: the convex twin, its certificate, gated ReLU.

Any dimension: ``ConvexReLURegressor`` and ``ConvexReLUClassifier`` (:mod:`solvers.anyd`) fit sampled-pattern
programs and follow scikit-learn's conventions.

Every estimator's fit has three typed members: ``network_`` (:class:`ReLUNetwork` or :class:`GatedNetwork`),
``certificate_`` (:class:`Certificate`) and ``solve_`` (:class:`SolveRecord`); see :mod:`solvers.base`.
"""

from geometry import beta_max

from .anyd import BatchNormNetwork, ConvexReLUClassifier, ConvexReLURegressor, OneVsRestNetwork, gate_patterns, solve_gated_program, solve_relu_program
from .base import ConvergenceWarning, Estimator, SolveRecord
from .deep1d import DeepLasso1D
from .certificate import DEFAULT_TOL, GATED_RELAXATION, KINDS, NO_CERTIFICATE, RELU_GLOBAL, SAMPLED_PROGRAM, Certificate, certify
from .estimator import ConvexReLU
from .gated import GATED_MAX_POINTS, GatedReLU, GatedSolution, solve_gated
from .network import GatedNetwork, ReLUNetwork, Units, canonical_objective, gated_objective, merge_parallel, network_from_blocks, network_from_twin
from .nonconvex import NonconvexReLU
from .path import RegularizationPath, beta_grid, regularization_path
from .sampling import SamplingBounds, coverage_of, pattern_coverage, sampling_bounds, sampling_curve
from .progress import Progress
from .reference import REFERENCE_MAX_POINTS, solve_reference
from .result import SolveResult
from .validation import NotFittedError
from .wedge import WedgeFit, wedge_fit

__all__ = [
    "ConvexReLU",
    "ConvexReLURegressor",
    "ConvexReLUClassifier",
    "BatchNormNetwork",
    "OneVsRestNetwork",
    "gate_patterns",
    "solve_gated_program",
    "solve_relu_program",
    "NonconvexReLU",
    "DeepLasso1D",
    "GatedReLU",
    "Estimator",
    "ReLUNetwork",
    "GatedNetwork",
    "Units",
    "canonical_objective",
    "gated_objective",
    "certify",
    "Certificate",
    "KINDS",
    "RELU_GLOBAL",
    "GATED_RELAXATION",
    "SAMPLED_PROGRAM",
    "NO_CERTIFICATE",
    "ConvergenceWarning",
    "SolveRecord",
    "Progress",
    "DEFAULT_TOL",
    "beta_max",
    "solve_reference",
    "solve_gated",
    "GatedSolution",
    "GATED_MAX_POINTS",
    "REFERENCE_MAX_POINTS",
    "SolveResult",
    "merge_parallel",
    "network_from_blocks",
    "network_from_twin",
    "NotFittedError",
    "wedge_fit",
    "regularization_path",
    "RegularizationPath",
    "beta_grid",
    "pattern_coverage",
    "coverage_of",
    "sampling_bounds",
    "sampling_curve",
    "SamplingBounds",
    "WedgeFit",
]
