"""The zonotope sum_i [0, z_i]: checked against brute-force convex hulls of all 2^n subset sums."""

import itertools

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy.spatial import ConvexHull

from geometry import lift, pattern_count
from geometry.zonotope import (
    cell_interior_neurons,
    zonogon_polygon,
    lifted_zonotope,
    vertex_of,
    zonotope_facet_normals,
    zonotope_mesh,
    zonotope_vertices,
)


def subset_sums(Z):
    """Every sum_{i in S} z_i over the 2^n subsets S (brute force)."""
    n = Z.shape[0]
    S = np.array(list(itertools.product([0.0, 1.0], repeat=n)))
    return S @ Z


def brute_hull_vertices(Z):
    """Extreme points of the subset sums, as a set of rounded tuples."""
    pts = np.unique(np.round(subset_sums(Z), 9), axis=0)
    hull = ConvexHull(pts)
    return {tuple(np.round(p, 6)) for p in pts[hull.vertices]}


def as_set(V):
    return {tuple(np.round(p, 6)) for p in V}


RANDOM = [np.random.default_rng(s).standard_normal((n, 2)) for s, n in [(0, 3), (1, 5), (2, 8), (3, 10)]]
GRID = np.array([[i, j] for i in range(3) for j in range(3)], float)  # many collinear triples
DUPES = np.array([[0, 0], [1, 0], [0, 1], [1, 0], [2, 2], [0, 0], [1, 1]], float)  # duplicates + a collinear triple
DEGENERATE = [GRID, DUPES, np.array([[0, 0], [1, 1], [2, 2], [0, 1], [3, 0.5]], float)]


@pytest.mark.parametrize("X", RANDOM + DEGENERATE)
def test_vertices_are_the_extreme_subset_sums(X):
    V = zonotope_vertices(X)
    assert len(as_set(V)) == V.shape[0]  # one distinct vertex per pattern
    assert as_set(V) == brute_hull_vertices(lift(X))
    assert V.shape[0] == pattern_count(X)


@pytest.mark.parametrize("X", RANDOM)
def test_general_position_count_is_covers(X):
    n = X.shape[0]
    assert zonotope_vertices(X).shape[0] == n * n - n + 2


@pytest.mark.parametrize("X", RANDOM + DEGENERATE)
def test_vertex_is_Z_transpose_D_one_and_its_cell_is_the_normal_cone(X):
    Zt = lifted_zonotope(X)
    Z = lift(X)
    for D, vtx in zip(Zt.patterns, Zt.vertices):
        assert np.allclose(Z[D].sum(axis=0), vtx)
    U = cell_interior_neurons(Zt)
    A = Z @ U.T  # (n, P)
    # strictly inside the cell: no point on the neuron's line, and the pattern is exactly D
    assert np.all(np.abs(A) > 1e-9)
    assert np.array_equal((A > 0).T, Zt.patterns)
    # and the vertex maximizes u . x over every subset sum (normal cone)
    best = subset_sums(Z) @ U.T
    assert np.allclose(best.max(axis=0), np.einsum("pk,pk->p", Zt.vertices, U))


@pytest.mark.parametrize("X", RANDOM + DEGENERATE)
def test_facet_normals_are_lines_through_two_points(X):
    Zt = lifted_zonotope(X)
    mesh = zonotope_mesh(Zt)
    hull_normals = as_set(np.round(mesh.triangle_normals, 7))
    N = zonotope_facet_normals(X)
    assert as_set(np.round(N, 7)) == hull_normals
    # each is parallel to z_i x z_j for two distinct data points
    Z = lift(X)
    for nrm in N:
        on = np.flatnonzero(np.abs(Z @ nrm) < 1e-9)
        pts = np.unique(X[on], axis=0)
        assert pts.shape[0] >= 2
        c = np.cross(lift(pts[:1])[0], lift(pts[1:2])[0])
        assert np.linalg.norm(np.cross(c, nrm)) < 1e-9 * np.linalg.norm(c)


def test_mesh_edges_are_translates_of_generators():
    X = RANDOM[2]
    Zt = lifted_zonotope(X)
    mesh = zonotope_mesh(Zt)
    Z = lift(X)
    E = mesh.vertices[mesh.edges[:, 1]] - mesh.vertices[mesh.edges[:, 0]]
    for e in E:
        assert np.min(np.minimum(np.linalg.norm(Z - e, axis=1), np.linalg.norm(Z + e, axis=1))) < 1e-9
    # Euler: V - E + F = 2 with F = number of facets (lines through two points, both sides)
    F = zonotope_facet_normals(X).shape[0]
    assert mesh.vertices.shape[0] - mesh.edges.shape[0] + F == 2


@given(st.lists(st.tuples(st.integers(-2, 2), st.integers(-2, 2)), min_size=3, max_size=7))
def test_integer_points_match_brute_force(pts):
    X = np.array(pts, float)
    if np.linalg.matrix_rank(lift(X)) < 3:
        return  # flat zonotope: covered by test_collinear_data_is_a_zonogon
    assert as_set(zonotope_vertices(X)) == brute_hull_vertices(lift(X))


def test_collinear_data_is_a_zonogon():
    X = np.array([[0, 0], [1, 2], [2, 4], [-1, -2]], float)
    V = zonotope_vertices(X)
    assert V.shape[0] == 2 * 4  # 2n cells of n great circles through one pair of antipodes
    with pytest.raises(ValueError, match="flat"):
        zonotope_mesh(lifted_zonotope(X))


def test_no_bias_zonogon_has_2n_vertices():
    rng = np.random.default_rng(7)
    X = rng.standard_normal((9, 2))
    P = zonogon_polygon(X)
    assert P.shape[0] == 2 * 9
    pts = subset_sums(X)
    hull = ConvexHull(pts)
    assert as_set(P) == as_set(pts[hull.vertices])
    # counter-clockwise and convex: all turns are left turns
    d1 = np.roll(P, -1, axis=0) - P
    d2 = np.roll(P, -2, axis=0) - np.roll(P, -1, axis=0)
    assert np.all(d1[:, 0] * d2[:, 1] - d1[:, 1] * d2[:, 0] > 0)


def test_no_bias_opposite_points_share_a_line():
    X = np.array([[1, 0], [-2, 0], [0, 1], [1, 1]], float)  # first two on one line through the origin
    assert zonotope_vertices(X, bias=False).shape[0] == 2 * 3


def test_bad_input():
    with pytest.raises(ValueError, match="2-D"):
        zonotope_vertices(np.zeros((4, 3)))
    with pytest.raises(ValueError, match="NaN"):
        zonotope_vertices(np.array([[0, np.nan]]))


@pytest.mark.parametrize(
    "X",
    [np.array([[0, 0], [1, 2], [2, 4], [-1, -2], [1, 2]], float), np.array([[1.0, 1.0], [1.0, 1.0]])],
)
def test_cell_neurons_of_flat_data(X):
    Zt = lifted_zonotope(X)
    U = cell_interior_neurons(Zt)
    A = lift(X) @ U.T
    assert np.all(np.abs(A) > 1e-9)
    assert np.array_equal((A > 0).T, Zt.patterns)
    assert np.allclose(np.linalg.norm(U, axis=1), 1)


def test_wedge_dictionary_neurons_pass_through_two_points():
    from geometry import wedge_dictionary

    X = np.vstack([GRID, RANDOM[1]])
    N = wedge_dictionary(X)
    Z = lift(X)
    U = np.unique(X, axis=0)
    m = U.shape[0]
    # brute force: the distinct lines through two of the distinct points (collinear points share a line)
    lines = set()
    for i, j in itertools.combinations(range(m), 2):
        c = np.cross(lift(U[i : i + 1])[0], lift(U[j : j + 1])[0])
        c /= np.linalg.norm(c)
        c *= np.sign(c[np.flatnonzero(np.abs(c) > 1e-12)[0]])
        lines.add(tuple(np.round(c, 6)))
    assert N.shape[0] == 2 * len(lines)
    assert as_set(N[: len(lines)]) == lines
    assert np.allclose(N[len(lines) :], -N[: len(lines)])
    for u in N:
        assert np.unique(X[np.abs(Z @ u) < 1e-9], axis=0).shape[0] >= 2


def test_circle_arcs_brute_force():
    from geometry.zonotope import circle_arcs

    X = np.array([[1, 0], [-2, 0], [0, 1], [1, 1], [0, 0], [3, 3]], float)  # shared lines and a zero row
    bounds, pats = circle_arcs(X)
    assert pats.shape == (2 * 3, 6)  # three distinct lines through the origin
    t = np.linspace(0, 2 * np.pi, 3601)[:-1] + 1e-4
    W = np.stack([np.cos(t), np.sin(t)], axis=1)
    brute = {tuple(r) for r in (X @ W.T > 1e-9).T}  # samples of every arc (none on a boundary)
    assert {tuple(r) for r in pats} == brute
    assert not pats[:, 4].any()  # the point at the origin is never strictly active
    assert np.all(np.diff(bounds) > 0) and bounds[-1] - bounds[0] == pytest.approx(2 * np.pi)


@pytest.mark.parametrize("X", [RANDOM[2], GRID, DUPES])
def test_each_facet_is_the_zonogon_of_the_points_on_its_line(X):
    from geometry.zonotope import zonotope_face

    Zt = lifted_zonotope(X)
    Z = lift(X)
    for nrm in zonotope_facet_normals(X):
        face = zonotope_face(Zt, nrm)
        on = np.abs(Z @ nrm) < 1e-9
        t = np.unique(X[on], axis=0).shape[0]
        assert face.size == 2 * t
        # every face vertex = (points strictly on the positive side) + (a subset of the points on the line)
        base = Z[(Z @ nrm) > 1e-9].sum(axis=0)
        sums = subset_sums(Z[on])
        for p in Zt.vertices[face]:
            assert np.min(np.linalg.norm(sums + base - p, axis=1)) < 1e-9
        # counter-clockwise seen from outside: consecutive cross products point along the normal
        P = Zt.vertices[face]
        turn = np.cross(np.roll(P, -1, axis=0) - P, np.roll(P, -2, axis=0) - np.roll(P, -1, axis=0)) @ nrm
        assert np.all(turn > 0)


@pytest.mark.parametrize("X", RANDOM + DEGENERATE)
def test_vertex_of_a_neuron_is_the_extreme_subset_sum_of_its_pattern(X):
    Zt = lifted_zonotope(X)
    Z = lift(X)
    S = subset_sums(Z)
    for u in np.random.default_rng(5).standard_normal((15, 3)):
        p = vertex_of(Zt.vertices, u)
        # brute force: the largest u . x over all 2^n subset sums, attained by the subset {i : z_i . u > 0}
        assert Zt.vertices[p] @ u == pytest.approx(np.max(S @ u), rel=1e-12, abs=1e-12)
        assert np.allclose(Zt.vertices[p], Z[Z @ u > 0].sum(axis=0))
        assert np.array_equal(Zt.patterns[p], Z @ u > 0)  # a random neuron lies inside a cell


def test_vertex_of_an_explicit_square():
    V = np.array([[0.0, 0.0], [1.0, 0.0], [1.0, 1.0], [0.0, 1.0]])
    assert [vertex_of(V, u) for u in ([1, -1], [1, 1], [-1, 1], [-1, -1])] == [1, 2, 3, 0]
    with pytest.raises(ValueError, match="do not match"):
        vertex_of(V, [1.0, 0.0, 0.0])



def test_facet_sides_are_the_points_on_each_side_of_the_line():
    from geometry.zonotope import facet_sides, zonotope_face

    rng = np.random.default_rng(5)
    X = rng.uniform(-1, 1, (9, 2))
    for i, j in [(0, 1), (2, 7), (4, 8)]:
        n = np.cross(np.append(X[i], 1.0), np.append(X[j], 1.0))
        positive, on = facet_sides(X, n)
        assert set(np.flatnonzero(on)) == {i, j}  # general position: only the two points on their line
        for k in range(9):
            if k in (i, j):
                continue
            # orientation of (x_i, x_j, x_k) by the 2-D determinant, written out
            det = (X[j, 0] - X[i, 0]) * (X[k, 1] - X[i, 1]) - (X[j, 1] - X[i, 1]) * (X[k, 0] - X[i, 0])
            assert positive[k] == (det > 0)
        # the facet maximizing n is the sum of the positive points plus the segments of the points on the line
        Zt = lifted_zonotope(X)
        face = zonotope_face(Zt, n)
        Z = np.column_stack([X, np.ones(9)])
        base = Z[positive].sum(axis=0)
        corners = {tuple(np.round(base + a * Z[i] + b * Z[j], 9)) for a in (0, 1) for b in (0, 1)}
        assert {tuple(np.round(v, 9)) for v in Zt.vertices[face]} == corners
