"""The zonotope ``sum_i [0, z_i]`` of the lifted data ``Z = [X, 1]`` and its duality with the arrangement.

MATH.md section 3: the zonotope has exactly one vertex ``Z^T D 1`` per activation pattern ``D``; its
normal fan is the hyperplane arrangement ``{u : z_i . u = 0}`` (the normal cone at the vertex of ``D`` is
the cell of ``D``), and its facet normals are ``+-(z_i x z_j)``: the lines through two data points.
Without bias the zonotope is a zonogon in the plane with one vertex per cell of the central line
arrangement (``2n`` for points in distinct directions).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.spatial import ConvexHull

from .lift import check_points, lift
from .patterns import activation_patterns, distinct_points

_PARALLEL_TOL = 1e-12


@dataclass(frozen=True)
class Zonotope:
    """Vertices ``Z^T D 1`` of ``sum_i [0, z_i]``, one per activation pattern ``D`` (row ``patterns[p]``)."""

    vertices: np.ndarray  # (P, k)
    patterns: np.ndarray  # (P, n) bool: patterns[p] is the D of vertices[p]
    generators: np.ndarray  # (n, k): the rows z_i

    @property
    def center(self) -> np.ndarray:
        """Centre ``Z^T 1 / 2`` (the zonotope is symmetric about it)."""
        return 0.5 * self.generators.sum(axis=0)


def _central_cell_patterns(Z: np.ndarray) -> np.ndarray:
    """Open-cell patterns ``1[Z u > 0]`` of the central line arrangement in R^2, one per cell (2 per line)."""
    n = Z.shape[0]
    nz = np.linalg.norm(Z, axis=1) > 0
    if not nz.any():
        return np.zeros((1, n), bool)
    gamma = np.mod(np.arctan2(Z[nz, 1], Z[nz, 0]), np.pi)
    gamma = np.where(gamma >= np.pi - 1e-12, gamma - np.pi, gamma)
    gs = np.sort(gamma)
    lines = gs[np.concatenate([[True], np.diff(gs) > 1e-12])]
    bound = np.sort(np.mod(np.concatenate([lines + 0.5 * np.pi, lines + 1.5 * np.pi]), 2 * np.pi))
    nxt = np.append(bound[1:], bound[0] + 2 * np.pi)
    mids = 0.5 * (bound + nxt)
    W = np.stack([np.cos(mids), np.sin(mids)], axis=1)
    return (Z @ W.T > 0.0).T


def zonotope(X, bias: bool = True) -> Zonotope:
    """The zonotope ``sum_i [0, z_i]`` with ``z_i = [x_i, 1]`` (or ``x_i`` without bias): vertices ``Z^T D 1``.

    With bias (2-D data) the patterns are those of :func:`geometry.activation_patterns` (every closed
    pattern of ``[X, 1]`` is the pattern of an open cell); without bias, the open cells of the central
    line arrangement, one vertex each.
    """
    X = check_points(X)
    if X.shape[1] != 2:
        raise ValueError(f"the zonotope view needs 2-D data; got {X.shape[1]} columns")
    Z = lift(X, bias)
    D = activation_patterns(X) if bias else _central_cell_patterns(Z)
    return Zonotope(D.astype(float) @ Z, D, Z)


def zonotope_vertices(X, bias: bool = True) -> np.ndarray:
    """Vertices ``Z^T D 1`` of ``sum_i [0, z_i]``, one row per activation pattern ``D``."""
    return zonotope(X, bias).vertices


def zonotope_facet_normals(X) -> np.ndarray:
    """Unit outer facet normals ``+-(z_i x z_j)/||z_i x z_j||`` of the 3-D zonotope: one pair per line through
    two (or more) distinct data points.  Shape ``(2 L, 3)`` for ``L`` distinct lines."""
    X = check_points(X)
    if X.shape[1] != 2:
        raise ValueError(f"facet normals need 2-D data; got {X.shape[1]} columns")
    U, _ = distinct_points(X)
    m = U.shape[0]
    if m < 2:
        return np.zeros((0, 3))
    Zu = lift(U)
    i, j = np.triu_indices(m, 1)
    N = np.cross(Zu[i], Zu[j])
    N /= np.linalg.norm(N, axis=1, keepdims=True)
    # orient each normal (first nonzero coordinate positive) and merge lines through 3+ points
    sgn = np.sign(np.where(np.abs(N[:, 0]) > 1e-12, N[:, 0], np.where(np.abs(N[:, 1]) > 1e-12, N[:, 1], N[:, 2])))
    N = N * sgn[:, None]
    key = np.round(N, 9)
    _, first = np.unique(key, axis=0, return_index=True)
    N = N[np.sort(first)]
    return np.vstack([N, -N])


@dataclass(frozen=True)
class ZonotopeMesh:
    """A triangulated surface of the 3-D zonotope for drawing.

    ``triangles`` index ``vertices``; ``edges`` are the polytope's edges (pairs of vertex indices, the
    diagonals of triangulated faces left out); ``triangle_normals`` are unit outer normals.
    """

    vertices: np.ndarray
    triangles: np.ndarray
    triangle_normals: np.ndarray
    edges: np.ndarray


def zonotope_mesh(Zt: Zonotope) -> ZonotopeMesh:
    """Convex hull (scipy) of the zonotope's vertices; ``ValueError`` when it is not 3-dimensional
    (all points on one line, or fewer than three distinct points)."""
    V = Zt.vertices
    if V.shape[1] != 3:
        raise ValueError("the mesh needs the 3-D zonotope (2-D data with bias)")
    if V.shape[0] < 4 or np.linalg.matrix_rank(V - V.mean(axis=0), tol=1e-9) < 3:
        raise ValueError("the zonotope is flat: the data points lie on one line")
    hull = ConvexHull(V)
    T = hull.simplices
    Nrm = hull.equations[:, :3]
    # make triangles counter-clockwise seen from outside
    a, b, c = V[T[:, 0]], V[T[:, 1]], V[T[:, 2]]
    flip = np.einsum("ij,ij->i", np.cross(b - a, c - a), Nrm) < 0
    T = T.copy()
    T[flip] = T[flip][:, [0, 2, 1]]
    edges = []
    for s in range(T.shape[0]):
        for j in range(3):
            nb = hull.neighbors[s, j]
            if nb > s and Nrm[s] @ Nrm[nb] < 1 - 1e-9:
                e = np.delete(hull.simplices[s], j)
                edges.append(e)
    E = np.array(edges, dtype=int).reshape(-1, 2)
    return ZonotopeMesh(V, T, Nrm, E)


def cell_interior_neurons(Zt: Zonotope, mesh: ZonotopeMesh | None = None) -> np.ndarray:
    """A unit neuron strictly inside the cell of each pattern: the normalized sum of the outer normals of
    the hull triangles at the vertex ``Z^T D 1`` (the normal cone at a vertex is the cell of ``D``, and a
    positive combination of all its generating normals lies in its interior).  Shape ``(P, 3)``."""
    mesh = zonotope_mesh(Zt) if mesh is None else mesh
    P = mesh.vertices.shape[0]
    S = np.zeros((P, 3))
    for j in range(3):
        np.add.at(S, mesh.triangles[:, j], mesh.triangle_normals)
    return S / np.linalg.norm(S, axis=1, keepdims=True)


def zonogon_polygon(X) -> np.ndarray:
    """Vertices of the no-bias zonogon ``sum_i [0, x_i]`` in counter-clockwise order, shape ``(P, 2)``."""
    Zt = zonotope(X, bias=False)
    V = Zt.vertices
    c = Zt.center
    order = np.argsort(np.arctan2(V[:, 1] - c[1], V[:, 0] - c[0]))
    return V[order]
