"""Convex training of two-layer ReLU networks beyond the plane, on sampled patterns (docs/math.md section 7).

* :mod:`.patterns`: sampled gate patterns of ``Z = [X, 1]`` as an ``(n, P)`` mask;
* :mod:`.design`: the program's linear map by matrix products (never an ``n x P x d`` tensor);
* :mod:`.fista`: R-FISTA (restarts, backtracking);
* :mod:`.gated`: the gated program on a working set, stopping on its own duality gap;
* :mod:`.cones`: the pattern cones by cutting planes, projections and the per-block NNLS of the dual;
* :mod:`.relu`: the ReLU program with cone constraints, stopping on its own gap and cone feasibility;
* :mod:`.batchnorm`: batch normalization before the ReLU and its convex form on the whitened data;
* :mod:`.estimators`: ``ConvexReLURegressor`` and ``ConvexReLUClassifier``.
"""

from .batchnorm import BatchNormNetwork, Whitening, bn_objective, network_from_bn_blocks, whiten
from .estimators import ConvexReLUClassifier, ConvexReLURegressor
from .gated import solve_gated_program
from .ovr import OneVsRestNetwork
from .patterns import GatePatterns, gate_patterns
from .relu import relu_dual_bounds, solve_relu_program
from .solution import ProgramSolution

__all__ = [
    "ConvexReLURegressor",
    "ConvexReLUClassifier",
    "BatchNormNetwork",
    "Whitening",
    "whiten",
    "bn_objective",
    "network_from_bn_blocks",
    "OneVsRestNetwork",
    "GatePatterns",
    "gate_patterns",
    "solve_gated_program",
    "solve_relu_program",
    "relu_dual_bounds",
    "ProgramSolution",
]
