"""Linear regions of a ReLU network: a tiling of the box, one pattern per cell, the right number of cells."""

import itertools

import numpy as np
import pytest
import shapely
from hypothesis import given
from hypothesis import strategies as st

from geometry.regions import linear_regions, network_patterns

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
    for poly, pat in zip(R.polygons, R.patterns):
        pt = poly.representative_point()
        assert np.array_equal(network_patterns(W, b, [pt.x, pt.y])[0], pat)


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
