"""Geometry of two-layer ReLU networks on 2-D data: activation patterns, the exact dual constraint
``phi``, zonotopes, linear regions and slices of the dual feasible set.

numpy/scipy/shapely, with the oracle's sweep pass compiled by numba (geometry/sweep_pass.py; a numpy pass
when numba is missing); never imports the app or the solvers.
"""

from .dual import DualPeaks, PlanarOracle, beta_max, dual_peaks, phi, phi_argmax, relu_correlation
from .sphere import cell_ids, lon_lat, sphere_grid, switching_latitudes
from .dual_slice import DualSlice, dual_slice
from .lift import MAX_POINTS, check_points, lift
from .patterns import (
    SampledPatterns,
    activation_patterns,
    distinct_points,
    neuron_patterns,
    pattern_count,
    sampled_patterns,
)
from .regions import LinearRegions, half_plane, linear_regions
from .wedge import wedge_dictionary
from .zonotope import Zonotope, lifted_zonotope, vertex_of, zonotope_facet_normals, zonotope_vertices

__all__ = [
    "MAX_POINTS",
    "check_points",
    "lift",
    "activation_patterns",
    "neuron_patterns",
    "pattern_count",
    "distinct_points",
    "sampled_patterns",
    "SampledPatterns",
    "phi",
    "phi_argmax",
    "relu_correlation",
    "sphere_grid",
    "lon_lat",
    "switching_latitudes",
    "cell_ids",
    "dual_peaks",
    "beta_max",
    "DualPeaks",
    "PlanarOracle",
    "dual_slice",
    "DualSlice",
    "linear_regions",
    "LinearRegions",
    "half_plane",
    "wedge_dictionary",
    "lifted_zonotope",
    "Zonotope",
    "zonotope_facet_normals",
    "zonotope_vertices",
    "vertex_of",
]
