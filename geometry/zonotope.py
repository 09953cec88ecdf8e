"""The zonotope ``sum_i [0, z_i]`` of the lifted data ``Z = [X, 1]`` and its duality with the arrangement.

docs/math.md section 3: the zonotope has exactly one vertex ``Z^T D 1`` per activation pattern ``D``; its
normal fan is the hyperplane arrangement ``{u : z_i . u = 0}`` (the normal cone at the vertex of ``D`` is
the cell of ``D``), and its facet normals are ``+-(z_i x z_j)``: the lines through two data points.
Without bias the zonotope is a zonogon in the plane with one vertex per cell of the central line
arrangement (``2n`` for points in distinct directions).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.spatial import ConvexHull

from .circle import circle_cells, unit
from .lift import check_points, lift
from .patterns import activation_patterns
from .wedge import wedge_dictionary



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


def circle_arcs(Z: np.ndarray):
    """Cells of the central line arrangement ``{u in R^2 : z_i . u = 0}`` on the unit circle.

    Returns ``(bounds, patterns)``: the arc boundaries ``bounds[0] < ... < bounds[q] = bounds[0] + 2 pi`` (the
    angles orthogonal to some nonzero ``z_i``) and the open-arc patterns ``1[Z u > 0]``, shape ``(q, n)``
    (``q = 2 x`` the number of distinct lines; rows ``z_i = 0`` are never active).  No lines: one arc.
    """
    Z = np.asarray(Z, float)
    n = Z.shape[0]
    if not np.any(np.linalg.norm(Z, axis=1) > 0):
        return np.array([-np.pi, np.pi]), np.zeros((1, n), bool)
    bound = np.sort(np.mod(circle_cells(Z)[0], 2 * np.pi))
    closed = np.append(bound, bound[0] + 2 * np.pi)
    mids = 0.5 * (closed[:-1] + closed[1:])
    return closed, (Z @ unit(mids).T > 0.0).T


def _central_cell_patterns(Z: np.ndarray) -> np.ndarray:
    """Open-cell patterns ``1[Z u > 0]`` of the central line arrangement in R^2, one per cell (2 per line)."""
    return circle_arcs(Z)[1]


def lifted_zonotope(X, bias: bool = True) -> Zonotope:
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


def vertex_of(vertices, u) -> int:
    """Index of the vertex maximizing ``u . x``: the vertex ``Z^T D 1`` whose normal cone (the cell of ``D``)
    holds the neuron ``u``, i.e. the vertex of ``u``'s own pattern (ties, ``u`` on a cell boundary: the first)."""
    V = np.asarray(vertices, dtype=float)
    u = np.asarray(u, dtype=float).ravel()
    if V.ndim != 2 or V.shape[0] == 0 or V.shape[1] != u.shape[0]:
        raise ValueError(f"vertices of shape {V.shape} and a neuron with {u.shape[0]} coordinates do not match")
    return int(np.argmax(V @ u))


def zonotope_vertices(X, bias: bool = True) -> np.ndarray:
    """Vertices ``Z^T D 1`` of ``sum_i [0, z_i]``, one row per activation pattern ``D``."""
    return lifted_zonotope(X, bias).vertices


def zonotope_facet_normals(X) -> np.ndarray:
    """Unit outer facet normals ``+-(z_i x z_j)/||z_i x z_j||`` of the 3-D zonotope: one pair per line through
    two (or more) distinct data points, the wedge-product neurons of :func:`geometry.wedge.wedge_dictionary`."""
    return wedge_dictionary(X)


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
    # an edge of the polytope: two hull triangles meeting there with different normals (not a face diagonal)
    S, NB = hull.simplices, hull.neighbors
    E = []
    for j in range(3):
        nb = NB[:, j]
        ok = (nb > np.arange(S.shape[0])) & (np.einsum("ij,ij->i", Nrm, Nrm[nb]) < 1 - 1e-9)
        E.append(S[ok][:, [(j + 1) % 3, (j + 2) % 3]])
    E = np.vstack(E).astype(int).reshape(-1, 2)
    return ZonotopeMesh(V, T, Nrm, E)


def cell_interior_neurons(Zt: Zonotope, mesh: ZonotopeMesh | None = None) -> np.ndarray:
    """A unit neuron strictly inside the cell of each pattern (row ``p`` for ``Zt.patterns[p]``), shape ``(P, 3)``.

    3-D zonotope: the normalized sum of the outer normals of the hull triangles at the vertex ``Z^T D 1`` (the
    normal cone at a vertex is the cell of ``D``, and a positive combination of all its generating normals lies
    in its interior).  Flat data (rank of ``Z`` below 3, all points on one line): the cells are wedges around
    the line ``Z^perp``; the neuron is the middle of the wedge in the plane spanned by the ``z_i``.
    """
    Z = Zt.generators
    Q = np.linalg.svd(Z, full_matrices=False)[2]
    rank = int(np.linalg.matrix_rank(Z, tol=1e-9))
    if rank == 3:
        mesh = zonotope_mesh(Zt) if mesh is None else mesh
        P = mesh.vertices.shape[0]
        S = np.zeros((P, 3))
        for j in range(3):
            np.add.at(S, mesh.triangles[:, j], mesh.triangle_normals)
        # the mesh keeps the order of Zt.vertices
        return S / np.linalg.norm(S, axis=1, keepdims=True)
    Q = Q[:rank]
    if rank == 1:
        W = np.array([[1.0], [-1.0]])
    else:
        Z2 = Z @ Q.T
        gamma = np.mod(np.arctan2(Z2[:, 1], Z2[:, 0]), np.pi)
        gamma = np.where(gamma >= np.pi - 1e-12, gamma - np.pi, gamma)
        gs = np.sort(gamma)
        lines = gs[np.concatenate([[True], np.diff(gs) > 1e-12])]
        bound = np.sort(np.mod(np.concatenate([lines + 0.5 * np.pi, lines + 1.5 * np.pi]), 2 * np.pi))
        mids = 0.5 * (bound + np.append(bound[1:], bound[0] + 2 * np.pi))
        W = np.stack([np.cos(mids), np.sin(mids)], axis=1)
    U = W @ Q
    found = {pattern_key: u for pattern_key, u in zip(map(bytes, np.packbits(Z @ U.T > 0, axis=0).T), U)}
    keys = map(bytes, np.packbits(Zt.patterns, axis=1))
    return np.array([found[k] for k in keys])


def zonogon_polygon(X) -> np.ndarray:
    """Vertices of the no-bias zonogon ``sum_i [0, x_i]`` in counter-clockwise order, shape ``(P, 2)``."""
    Zt = lifted_zonotope(X, bias=False)
    V = Zt.vertices
    c = Zt.center
    order = np.argsort(np.arctan2(V[:, 1] - c[1], V[:, 0] - c[0]))
    return V[order]


def zonotope_face(Zt: Zonotope, normal, rtol: float = 1e-9) -> np.ndarray:
    """Indices of the vertices of the face of ``sum_i [0, z_i]`` maximizing ``normal . x``, in counter-clockwise
    order seen from outside.  For a facet normal ``z_i x z_j`` it is the zonogon of the points on the line
    through ``x_i`` and ``x_j``: ``2 t`` vertices for ``t`` distinct points on that line."""
    nrm = np.asarray(normal, float)
    nrm = nrm / np.linalg.norm(nrm)
    h = Zt.vertices @ nrm
    scale = max(1.0, float(np.abs(Zt.vertices).max()))
    idx = np.flatnonzero(h >= h.max() - rtol * scale)
    P = Zt.vertices[idx]
    c = P.mean(axis=0)
    a = np.cross(nrm, [1.0, 0, 0] if abs(nrm[0]) < 0.9 else [0, 1.0, 0])
    a /= np.linalg.norm(a)
    b = np.cross(nrm, a)
    ang = np.arctan2((P - c) @ b, (P - c) @ a)
    return idx[np.argsort(ang)]


def facet_sides(X, normal, rtol: float = 1e-9) -> tuple[np.ndarray, np.ndarray]:
    """The points of the facet with normal ``n`` (a line through two data points): ``positive`` marks
    ``z_i . n > rtol ||z_i||`` (the points whose whole segment ``[0, z_i]`` the facet contains) and ``on_line``
    marks ``|z_i . n| <= rtol ||z_i||`` (the points on the line, whose segments span the facet)."""
    Z = lift(check_points(X, d=2))
    nrm = np.asarray(normal, float).ravel()
    if nrm.shape != (3,) or not np.all(np.isfinite(nrm)) or not np.any(nrm):
        raise ValueError("normal must be a nonzero finite vector (w1, w2, b)")
    s = Z @ (nrm / np.linalg.norm(nrm))
    tol = rtol * np.linalg.norm(Z, axis=1)
    return s > tol, np.abs(s) <= tol
