"""Linear regions of a two-layer ReLU network in the data plane.

The network ``f(x) = sum_j a_j (w_j . x + b_j)_+`` is affine on every cell of the arrangement of its
neuron lines ``{x : w_j . x + b_j = 0}``; inside a cell the activation pattern ``1[W x + b > 0]`` is
constant.  The cells are built by cutting a bounding box successively by each line (convex polygons stay
convex), and returned as shapely polygons with their patterns.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import shapely

_EPS = 1e-12


@dataclass(frozen=True)
class LinearRegions:
    """Convex polygons tiling ``box`` (``(xmin, ymin, xmax, ymax)``) with the pattern ``1[W x + b > 0]`` of each."""

    polygons: list  # shapely Polygons
    patterns: np.ndarray  # (R, m) bool, row r = which neurons are active inside polygons[r]
    box: tuple

    def __len__(self) -> int:
        return len(self.polygons)


def _clip(poly: np.ndarray, w: np.ndarray, b: float, side: int) -> np.ndarray:
    """The part of the convex polygon ``poly`` (``(q, 2)``, no repeated closing vertex) with
    ``side * (w . x + b) >= 0`` (Sutherland-Hodgman for one half-plane)."""
    s = side * (poly @ w + b)
    out = []
    q = poly.shape[0]
    for i in range(q):
        j = (i + 1) % q
        if s[i] >= 0:
            out.append(poly[i])
        if (s[i] > 0 and s[j] < 0) or (s[i] < 0 and s[j] > 0):
            t = s[i] / (s[i] - s[j])
            out.append(poly[i] + t * (poly[j] - poly[i]))
    return np.array(out).reshape(-1, 2)


def _area(poly: np.ndarray) -> float:
    x, y = poly[:, 0], poly[:, 1]
    return 0.5 * float(np.dot(x, np.roll(y, -1)) - np.dot(y, np.roll(x, -1)))


def check_box(box) -> tuple:
    """``(xmin, ymin, xmax, ymax)`` as floats; ``ValueError`` unless finite with ``xmin < xmax``, ``ymin < ymax``."""
    try:
        b = tuple(float(t) for t in box)
    except (TypeError, ValueError) as exc:
        raise ValueError("box must be four numbers (xmin, ymin, xmax, ymax)") from exc
    if len(b) != 4 or not np.all(np.isfinite(b)) or not (b[0] < b[2] and b[1] < b[3]):
        raise ValueError(f"box must be finite (xmin, ymin, xmax, ymax) with xmin < xmax and ymin < ymax; got {box!r}")
    return b


def half_plane(w, b: float, box) -> shapely.Polygon:
    """The closed half-plane ``{x : w . x + b >= 0}`` inside ``box`` (``(xmin, ymin, xmax, ymax)``), a convex
    polygon (empty when the box lies on the negative side; the whole box when ``w = 0`` and ``b >= 0``)."""
    box = check_box(box)
    w = np.asarray(w, dtype=float).ravel()
    b = float(b)
    if w.shape != (2,) or not (np.all(np.isfinite(w)) and np.isfinite(b)):
        raise ValueError(f"the half-plane needs a finite w in R^2 and a finite b; got w={w!r}, b={b!r}")
    x0, y0, x1, y1 = box
    part = _clip(np.array([[x0, y0], [x1, y0], [x1, y1], [x0, y1]]), w, b, 1)
    if part.shape[0] < 3 or _area(part) <= 0.0:
        return shapely.Polygon()
    return shapely.Polygon(part)


def linear_regions(W, b, box, min_area_fraction: float = 1e-12) -> LinearRegions:
    """The cells of the lines ``W[j] . x + b[j] = 0`` inside ``box``, each with its activation pattern.

    ``W`` has shape ``(m, 2)`` and ``b`` shape ``(m,)``; neurons with ``w_j = 0`` have no line (they are
    constant and count as active where ``b_j > 0``).  Slivers below ``min_area_fraction`` of the box are
    dropped (they come only from rounding where lines nearly meet the box's corners).
    """
    box = check_box(box)
    W = np.asarray(W, dtype=float).reshape(-1, 2) if np.size(W) else np.zeros((0, 2))
    b = np.asarray(b, dtype=float).ravel()
    if W.shape[0] != b.shape[0]:
        raise ValueError(f"W has {W.shape[0]} neurons but b has {b.shape[0]}")
    if not (np.all(np.isfinite(W)) and np.all(np.isfinite(b))):
        raise ValueError("neuron weights contain NaN or infinite values")
    x0, y0, x1, y1 = box
    min_area = min_area_fraction * (x1 - x0) * (y1 - y0)
    cells = [np.array([[x0, y0], [x1, y0], [x1, y1], [x0, y1]])]
    seen = []
    for j in range(W.shape[0]):
        nrm = np.hypot(*W[j])
        if nrm <= _EPS * max(1.0, abs(b[j])):
            continue
        line = np.append(W[j], b[j]) / nrm
        if any(np.allclose(line, s, atol=1e-12) or np.allclose(line, -s, atol=1e-12) for s in seen):
            continue  # the same line again: no new cut
        seen.append(line)
        w, c = line[:2], line[2]
        nxt = []
        for poly in cells:
            s = poly @ w + c
            if np.all(s >= 0) or np.all(s <= 0):
                nxt.append(poly)
                continue
            for side in (1, -1):
                part = _clip(poly, w, c, side)
                if part.shape[0] >= 3 and abs(_area(part)) > min_area:
                    nxt.append(part)
        cells = nxt
    polygons = [shapely.Polygon(p) for p in cells]
    reps = np.array([p.mean(axis=0) for p in cells])  # a convex polygon's vertex mean is interior
    patterns = (reps @ W.T + b > 0) if W.shape[0] else np.zeros((len(cells), 0), bool)
    return LinearRegions(polygons, patterns, box)
