"""The planar slice of the dual feasible set ``F = {v : phi(v) <= beta}`` through ``span{y, v}``.

docs/math.md section 4: ``F`` is convex, ``v* = Proj_F(y)`` and ``yhat = y - v*`` is normal to ``F`` at ``v*``.
``phi`` is positively homogeneous and even (``phi(-v) = phi(v)``), so the slice is a convex set symmetric
about the origin whose boundary along a unit direction ``e`` of the plane is the point ``e * beta / phi(e)``.
The plane contains ``y``, ``v`` and ``y - v``, so one picture shows the whole certificate.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import shapely

from .dual import PlanarOracle, phi
from .lift import check_points, check_vector


@dataclass(frozen=True)
class DualSlice:
    """Boundary of ``{(s, t) : phi(s e1 + t e2) <= beta}`` sampled along directions, in plane coordinates.

    ``basis`` rows are the orthonormal ``e1 = y/||y||`` and ``e2`` (the part of ``v`` orthogonal to ``y``);
    ``boundary[q] = radii[q] * (cos angles[q], sin angles[q])`` with ``radii = beta / phi(e)`` (capped at
    ``cap`` where ``phi(e) == 0``, the set being unbounded there).  ``y2``, ``v2`` are the coordinates of
    ``y`` and ``v`` (both exactly in the plane).
    """

    basis: np.ndarray  # (2, n)
    angles: np.ndarray  # (q,)
    radii: np.ndarray  # (q,)
    phi_unit: np.ndarray  # (q,) phi(e) along each direction
    beta: float
    y2: np.ndarray
    v2: np.ndarray
    cap: float
    unbounded: bool

    @property
    def boundary(self) -> np.ndarray:
        """Boundary points ``radius * (cos a, sin a)`` in plane coordinates, shape ``(q, 2)``."""
        return self.radii[:, None] * np.stack([np.cos(self.angles), np.sin(self.angles)], axis=1)

    @property
    def polygon(self) -> shapely.Polygon:
        """The inscribed polygon through the boundary points (inside the slice, since the slice is convex)."""
        return shapely.Polygon(self.boundary)

    def lift_points(self, P2) -> np.ndarray:
        """Plane coordinates ``(q, 2)`` back to vectors of R^n: ``s e1 + t e2``."""
        return np.asarray(P2, float).reshape(-1, 2) @ self.basis


def slice_basis(y: np.ndarray, v: np.ndarray) -> np.ndarray:
    """Orthonormal ``(e1, e2)`` with ``e1 = y/||y||`` and ``e2`` along ``v - (v . e1) e1`` (any unit vector
    orthogonal to ``y`` when ``v`` is parallel to ``y``)."""
    ny = np.linalg.norm(y)
    e1 = y / ny
    r = v - (v @ e1) * e1
    if np.linalg.norm(r) <= 1e-12 * max(1.0, np.linalg.norm(v)):
        k = int(np.argmin(np.abs(e1)))
        r = np.zeros_like(y)
        r[k] = 1.0
        r -= (r @ e1) * e1
    return np.stack([e1, r / np.linalg.norm(r)])


def dual_slice(X, y, v, beta: float, n_dirs: int = 96, oracle: PlanarOracle | None = None) -> DualSlice:
    """Sample the boundary ``e beta / phi(e)`` of the slice of ``{phi <= beta}`` through ``span{y, v}``.

    ``n_dirs`` directions evenly spaced over a half turn (the other half by symmetry), plus the exact
    directions of ``y`` and ``v`` so that the sampled boundary passes through ``v`` when ``phi(v) = beta``.
    2-D data: one sweep of the points (:class:`~geometry.PlanarOracle`; ``oracle``, the oracle of ``X`` when
    the caller already has it) serves every direction; other data: :func:`geometry.phi` per direction.
    """
    X = check_points(X)
    n = X.shape[0]
    y = check_vector(y, n, name="y")
    v = check_vector(v, n, name="v")
    if not (np.isfinite(beta) and beta > 0):
        raise ValueError(f"beta must be a positive number; got {beta!r}")
    if not isinstance(n_dirs, (int, np.integer)) or n_dirs < 3:
        raise ValueError(f"n_dirs must be an integer >= 3; got {n_dirs!r}")
    if oracle is not None and oracle.n != n:
        raise ValueError(f"the oracle was built for {oracle.n} points but X has {n}")
    if n < 2:
        raise ValueError("one point: the dual vectors form a line (R^1), there is no plane to slice")
    if np.linalg.norm(y) == 0:
        raise ValueError("y is zero: the slice through span{y, v} needs y != 0")
    B = slice_basis(y, v)
    y2, v2 = B @ y, B @ v
    a_v = float(np.mod(np.arctan2(v2[1], v2[0]), np.pi)) if np.linalg.norm(v2) > 0 else 0.0
    half = np.unique(np.concatenate([np.linspace(0.0, np.pi, n_dirs, endpoint=False), [0.0, a_v]]))
    half = half[np.concatenate([[True], np.diff(half) > 1e-12])]
    E = np.stack([np.cos(half), np.sin(half)], axis=1) @ B  # unit vectors of R^n
    if oracle is None and X.shape[1] == 2:
        oracle = PlanarOracle(X)
    ph = np.array([oracle.phi(e) if oracle is not None else phi(X, e) for e in E])
    scale = max(np.linalg.norm(y), np.linalg.norm(v), 1e-300)
    cap = 4.0 * scale
    with np.errstate(divide="ignore"):
        r = np.where(ph > 0, beta / np.where(ph > 0, ph, 1.0), np.inf)
    unbounded = bool(np.any(~np.isfinite(r)) or np.any(r > cap))
    r = np.minimum(r, cap)
    angles = np.concatenate([half, half + np.pi])
    return DualSlice(B, angles, np.concatenate([r, r]), np.concatenate([ph, ph]), float(beta), y2, v2, cap, unbounded)
