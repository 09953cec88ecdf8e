"""Geometry of two-layer ReLU networks: activation patterns, the exact dual constraint ``phi``.

Pure numpy/scipy/shapely; never imports the app or the solvers.
"""

from .lift import MAX_POINTS, check_points, lift
from .patterns import SampledPatterns, activation_patterns, distinct_points, pattern_count, sampled_patterns

__all__ = [
    "MAX_POINTS",
    "check_points",
    "lift",
    "activation_patterns",
    "pattern_count",
    "distinct_points",
    "sampled_patterns",
    "SampledPatterns",
]

from .dual import DualPeaks, beta_max, dual_peaks, phi, phi_argmax

__all__ += ["phi", "phi_argmax", "dual_peaks", "beta_max", "DualPeaks"]
