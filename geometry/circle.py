"""The central line arrangement ``{u in R^2 : z_i . u = 0}``: 1-D data with bias, 2-D data without.

Its cells are the arcs of the unit circle between the rays orthogonal to the (nonzero) ``z_i``; two
rows on one line through the origin give the same pair of rays.
"""

from __future__ import annotations

import numpy as np

from .sweep import ANGLE_TOL, TWO_PI


def circle_cells(Z: np.ndarray):
    """``(start, end, mid)`` angles of the arcs, increasing; ``end[k] == start[k + 1]`` (cyclically).

    With no nonzero row there are no rays and one cell, the whole circle.
    """
    Z = np.asarray(Z, float)
    nz = np.linalg.norm(Z, axis=1) > 0
    if not nz.any():
        return np.array([0.0]), np.array([TWO_PI]), np.array([np.pi])
    gamma = np.mod(np.arctan2(Z[nz, 1], Z[nz, 0]), np.pi)
    gamma = np.where(gamma >= np.pi - ANGLE_TOL, gamma - np.pi, gamma)
    gs = np.sort(gamma)
    lines = gs[np.concatenate([[True], np.diff(gs) > ANGLE_TOL])]
    start = np.concatenate([lines + 0.5 * np.pi, lines + 1.5 * np.pi])
    end = np.append(start[1:], start[0] + TWO_PI)
    return start, end, 0.5 * (start + end)


def unit(theta: np.ndarray) -> np.ndarray:
    """Unit vectors ``(cos theta, sin theta)`` as rows."""
    return np.stack([np.cos(theta), np.sin(theta)], axis=-1)
