"""The wedge-product dictionary: neurons whose line passes through two data points.

The vertices of the arrangement ``{u : z_i . u = 0}`` on the sphere of neurons are ``+-(z_i x z_j)`` (the
lines through two data points, the wedge products of the geometric-algebra view, docs/math.md section 3).
Restricting a fit to these neurons is a Lasso over fixed features ``(Z u)_+``; it is a candidate set, not
the full search space: optimal neurons may also sit on edges or inside cells of the arrangement.
"""

from __future__ import annotations

import numpy as np

from .lift import check_points, lift
from .patterns import distinct_points


def wedge_dictionary(X) -> np.ndarray:
    """Unit neurons ``+-(z_i x z_j)/||z_i x z_j||`` for every line through two distinct data points (a line
    through three or more points appears once per orientation).  Shape ``(2 L, 3)``: first the ``L``
    orientations with a positive leading nonzero coordinate, then their negatives."""
    X = check_points(X)
    if X.shape[1] != 2:
        raise ValueError(f"the wedge dictionary needs 2-D data; got {X.shape[1]} columns")
    U, _ = distinct_points(X)
    m = U.shape[0]
    if m < 2:
        return np.zeros((0, 3))
    Zu = lift(U)
    i, j = np.triu_indices(m, 1)
    N = np.cross(Zu[i], Zu[j])
    N /= np.linalg.norm(N, axis=1, keepdims=True)
    lead = np.where(np.abs(N[:, 0]) > 1e-12, N[:, 0], np.where(np.abs(N[:, 1]) > 1e-12, N[:, 1], N[:, 2]))
    N = N * np.sign(lead)[:, None]
    _, first = np.unique(np.round(N, 9), axis=0, return_index=True)
    N = N[np.sort(first)]
    return np.vstack([N, -N])
