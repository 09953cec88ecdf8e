"""Linear regions of a ReLU network: a tiling of the box, one pattern per cell, the right number of cells."""

import itertools

import numpy as np
import pytest
import shapely
from hypothesis import given
from hypothesis import strategies as st

from geometry.regions import half_plane, linear_regions

BOX = (-2.0, -1.5, 3.0, 2.5)


def random_net(seed, m):
    rng = np.random.default_rng(seed)
    return rng.standard_normal((m, 2)), 0.5 * rng.standard_normal(m)


def assert_tiling(R, box):
    area = (box[2] - box[0]) * (box[3] - box[1])
    assert sum(p.area for p in R.polygons) == pytest.approx(area, rel=1e-9)
    boxpoly = shapely.box(*box)
    for p in R.polygons:
        assert p.is_valid
        assert boxpoly.buffer(1e-9).contains(p)
    for p, q in itertools.combinations(R.polygons, 2):
        assert p.intersection(q).area < 1e-9 * area
    assert shapely.union_all(R.polygons).area == pytest.approx(area, rel=1e-9)


def assert_patterns(R, W, b):
    """Each cell's pattern is neuron j active (w_j . x + b_j > 0) at a point inside the cell, one neuron at a time."""
    assert R.patterns.shape == (len(R), len(b))
    for poly, pat in zip(R.polygons, R.patterns):
        pt = poly.representative_point()
        for j in range(len(b)):
            assert pat[j] == (W[j][0] * pt.x + W[j][1] * pt.y + b[j] > 0)


@pytest.mark.parametrize("seed,m", [(0, 1), (1, 3), (2, 6), (3, 12)])
def test_regions_tile_the_box_and_carry_the_network_pattern(seed, m):
    W, b = random_net(seed, m)
    R = linear_regions(W, b, BOX)
    assert_tiling(R, BOX)
    assert_patterns(R, W, b)
    # distinct cells have distinct patterns (each cell is one side of each line)
    assert len({tuple(p) for p in R.patterns}) == len(R)


def expected_cells(W, b, box):
    """Closed form for lines in general position: 1 + (lines crossing the box) + (crossings inside the box)."""
    x0, y0, x1, y1 = box
    corners = np.array([[x0, y0], [x1, y0], [x1, y1], [x0, y1]])
    crossing = [j for j in range(len(b)) if np.ptp(np.sign(corners @ W[j] + b[j])) > 0]
    inside = 0
    for i, j in itertools.combinations(crossing, 2):
        p = np.linalg.solve(np.array([W[i], W[j]]), -np.array([b[i], b[j]]))
        inside += int(x0 < p[0] < x1 and y0 < p[1] < y1)
    return 1 + len(crossing) + inside


@pytest.mark.parametrize("seed,m", [(4, 2), (5, 5), (6, 9), (7, 15)])
def test_region_count_closed_form(seed, m):
    W, b = random_net(seed, m)
    assert len(linear_regions(W, b, BOX)) == expected_cells(W, b, BOX)


def test_grid_lines_make_a_grid():
    # x = 0, x = 1, y = 0 inside the unit-ish box: 3 x 2 rectangles
    W = np.array([[1, 0], [1, 0], [0, 1], [-2, 0]], float)
    b = np.array([0, -1, 0, 0], float)  # the last one repeats x = 0 with the other orientation
    R = linear_regions(W, b, (-1, -1, 2, 1))
    assert len(R) == 6
    assert sorted(round(p.area, 12) for p in R.polygons) == [1.0] * 6
    assert_tiling(R, (-1, -1, 2, 1))
    assert_patterns(R, W, b)


def test_no_neurons_and_constant_neurons():
    R = linear_regions(np.zeros((0, 2)), np.zeros(0), BOX)
    assert len(R) == 1 and R.patterns.shape == (1, 0)
    R = linear_regions(np.array([[0.0, 0.0], [1.0, 0.0]]), np.array([1.0, 0.0]), BOX)
    assert len(R) == 2
    assert R.patterns[:, 0].all()  # w = 0, b > 0: always active


def test_line_outside_the_box_does_not_cut():
    R = linear_regions(np.array([[1.0, 0.0]]), np.array([-10.0]), BOX)
    assert len(R) == 1


@given(st.lists(st.tuples(st.integers(-3, 3), st.integers(-3, 3), st.integers(-3, 3)), min_size=1, max_size=6))
def test_degenerate_integer_lines_still_tile(rows):
    A = np.array(rows, float)
    W, b = A[:, :2], A[:, 2]
    box = (-2.0, -2.0, 2.0, 2.0)  # lines through the corners and concurrent lines are common here
    R = linear_regions(W, b, box)
    assert_tiling(R, box)
    assert_patterns(R, W, b)


def test_bad_input():
    with pytest.raises(ValueError, match="box"):
        linear_regions(np.ones((1, 2)), np.ones(1), (1, 0, 0, 1))
    with pytest.raises(ValueError, match="neurons"):
        linear_regions(np.ones((2, 2)), np.ones(3), BOX)
    with pytest.raises(ValueError, match="NaN"):
        linear_regions(np.array([[np.nan, 1.0]]), np.ones(1), BOX)


# ------------------------------------------------------------------------------------------ half-planes
def test_half_plane_known_areas():
    box = (0.0, 0.0, 4.0, 2.0)
    # x1 >= 1: a 3 x 2 rectangle
    H = half_plane([1.0, 0.0], -1.0, box)
    assert H.area == pytest.approx(6.0, rel=1e-12)
    assert H.equals(shapely.box(1.0, 0.0, 4.0, 2.0))
    # x2 <= x1 (w = (1, -1), b = 0): the box minus the triangle (0,0), (2,2), (0,2): 8 - 2 = 6
    assert half_plane([1.0, -1.0], 0.0, box).area == pytest.approx(6.0, rel=1e-12)
    # x1 + x2 <= 1: the corner triangle, area 1/2
    assert half_plane([-1.0, -1.0], 1.0, box).area == pytest.approx(0.5, rel=1e-12)
    # the whole box, nothing, and w = 0 (the sign of b decides)
    assert half_plane([1.0, 0.0], 10.0, box).area == pytest.approx(8.0)
    assert half_plane([1.0, 0.0], -10.0, box).is_empty
    assert half_plane([0.0, 0.0], 0.0, box).area == pytest.approx(8.0)
    assert half_plane([0.0, 0.0], -1.0, box).is_empty
    # touching a corner only: empty
    assert half_plane([1.0, 1.0], -6.0, box).is_empty


@pytest.mark.parametrize("seed", range(4))
def test_half_plane_against_shapely_and_monte_carlo(seed):
    rng = np.random.default_rng(seed)
    w, b = rng.standard_normal(2), 0.5 * rng.standard_normal()
    H = half_plane(w, b, BOX)
    assert H.is_valid
    # shapely: the box cut by a huge polygon on the positive side of the line
    nrm = np.linalg.norm(w)
    p0, d, n = -b * w / nrm**2, np.array([-w[1], w[0]]) / nrm, w / nrm
    L = 1e3
    big = shapely.Polygon([p0 - L * d, p0 + L * d, p0 + L * d + L * n, p0 - L * d + L * n])
    ref = shapely.box(*BOX).intersection(big)
    assert H.symmetric_difference(ref).area < 1e-9
    # Monte Carlo: the fraction of uniform points of the box with w . x + b >= 0
    P = rng.uniform(BOX[:2], BOX[2:], (200_000, 2))
    frac = np.mean(P @ w + b >= 0)
    box_area = (BOX[2] - BOX[0]) * (BOX[3] - BOX[1])
    assert H.area / box_area == pytest.approx(frac, abs=5e-3)
    # the positive cell of linear_regions with that one neuron is the same polygon
    R = linear_regions(w[None], np.array([b]), BOX)
    pos = [p for p, pat in zip(R.polygons, R.patterns) if pat.all()]
    assert len(pos) == (0 if H.is_empty else 1)
    assert all(p.symmetric_difference(H).area < 1e-9 for p in pos)


def test_half_plane_bad_input():
    with pytest.raises(ValueError, match="box"):
        half_plane([1.0, 0.0], 0.0, (1, 0, 0, 1))
    with pytest.raises(ValueError, match="finite"):
        half_plane([np.nan, 0.0], 0.0, BOX)
    with pytest.raises(ValueError, match="R\\^2"):
        half_plane([1.0, 0.0, 1.0], 0.0, BOX)

