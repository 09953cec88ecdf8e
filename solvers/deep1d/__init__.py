"""Deep narrow ReLU networks on 1-D data, trained exactly as a Lasso over a dictionary of (capped) ramps
whose breakpoints are data points and, from depth 4 on, reflections of data points about each other
(docs/math.md section 5; Zeger, Wang, Mishkin, Ergen, Candes and Pilanci, "A Library of Mirrors",
arXiv:2403.01046, its deep narrow ReLU networks of depth L = 2, 3, 4).

The network (depth ``L``, ``m`` parallel units, each a chain of ``L - 1`` width-one ReLU layers)::

    h_1^i = (w_1^i x + b_1^i)_+ ,   h_l^i = (w_l^i h_{l-1}^i + b_l^i)_+  (l = 2..L-1),
    f(x)  = sum_i alpha_i h_{L-1}^i + xi

is trained with the squared loss and the l_L penalty of the paper on every weight (no bias)::

    min  1/2 sum_n (f(x_n) - y_n)^2 + beta/L sum_i ( sum_l |w_l^i|^L + |alpha_i|^L ).      (N)

This equals the Lasso (``A`` the dictionary below at the data, ``xi`` a free intercept)::

    min_{z, xi}  1/2 ||A z + xi 1 - y||^2 + beta ||z||_1.                                  (P)

Why: rescaling a unit's layers (weights by ``g_l > 0``, the bias of layer ``l`` by ``g_1...g_l``, the
output weight by ``1/(g_1...g_{L-1})``) keeps its function, and by the AM-GM inequality its best
penalty is ``beta |z_i|`` with ``z_i = alpha_i w_1^i ... w_{L-1}^i``; the unit is then ``z_i`` times a
chain with weights ``+-1``, i.e. ``z_i`` times a ramp ``(x - p)_+``, ``(p - x)_+`` or (depth >= 3) a
capped ramp ``clip(x - p, 0, q - p)`` plus a constant.  The dual constraint of (P) over every such
feature is piecewise linear in ``(p, q)`` with kinks at the data, so breakpoints at data points lose
nothing (depths 2 and 3).  Depth 4 adds the paper's reflection features (breakpoint ``2 x_j - x_i``); they
are capped ramps too, so depth 4 has the same optimal value as depth 3 and the reflections give further
(often sparser) optimal solutions.

``DeepLasso1D.fit`` builds the dictionary, solves (P) exactly with an active-set method of its own
(restricted KKT solves, first-sign-change steps, an exact stop on the KKT conditions and a duality gap),
maps the solution to the network (N) and computes that network's objective from its own weights.
"""

from .dictionary import DEPTHS, POINT_KINDS, SHAPES, Dictionary, build_dictionary
from .estimator import MAX_POINTS, SOLVERS, DeepLasso1D, Feature
from .lasso import LassoSolution, lasso_active_set, lasso_cvxpy
from .network import DeepNarrowNetwork, Layer, network_from_lasso, objective_and_gradient, random_network, train_adam
from .nile import autoregressive_example, load_nile

__all__ = [
    "DEPTHS", "POINT_KINDS", "SHAPES", "MAX_POINTS", "SOLVERS", "Dictionary", "build_dictionary", "DeepLasso1D",
    "Feature", "LassoSolution", "lasso_active_set", "lasso_cvxpy", "DeepNarrowNetwork", "Layer",
    "network_from_lasso", "objective_and_gradient", "random_network", "train_adam", "autoregressive_example",
    "load_nile",
]
