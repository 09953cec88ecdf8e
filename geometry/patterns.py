"""Activation patterns ``D = diag(1[Z u >= 0])`` of the lifted data ``Z = [X, 1]`` (docs/math.md section 3).

* 2-D data with bias: exact enumeration by the rotating-line sweep (:mod:`geometry.sweep`), ``O(n^2 log n)``
  to find the distinct patterns plus ``O(P n)`` to write them out; points in general position give
  Cover's count ``n^2 - n + 2``, degenerate data (duplicates, collinear points) fewer, exactly.
* 1-D data with bias and 2-D data without bias: the arrangement of lines through the origin of the plane.
* Any dimension: patterns of random Gaussian gates, a subset, marked as sampled.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .lift import check_points, lift
from .circle import circle_cells, unit
from .sweep import sweep_chunks


def distinct_points(X: np.ndarray):
    """Distinct rows ``U`` of ``X`` and ``inverse`` with ``X == U[inverse]``."""
    U, inverse = np.unique(X, axis=0, return_inverse=True)
    return U, np.asarray(inverse).ravel()


def _pattern_keys(m: int) -> np.ndarray:
    """Random 128-bit keys (two uint64 columns) per point: a pattern's hash is the XOR of its active keys."""
    rng = np.random.default_rng(0x5EED)
    return rng.integers(0, np.iinfo(np.uint64).max, size=(m, 2), dtype=np.uint64, endpoint=True)


def _planar_candidates(U: np.ndarray):
    """Hash, pivot, edge angle and side of every (edge, side) the sweep visits, plus all-on and all-off."""
    m = U.shape[0]
    keys = _pattern_keys(m)
    hashes = [np.zeros((1, 2), np.uint64), np.bitwise_xor.reduce(keys, axis=0, keepdims=True)]
    pivots = [np.array([-1, -1])]
    angles = [np.array([0.0, 0.0])]
    sides = [np.array([False, True])]
    for ch in sweep_chunks(U):
        k_oth = keys[ch.others]  # (c, r, 2)
        h0 = np.bitwise_xor.reduce(np.where(ch.active0[..., None], k_oth, np.uint64(0)), axis=1)
        toggles = np.take_along_axis(k_oth, ch.event_point[..., None], axis=1)
        h = h0[:, None, :] ^ np.bitwise_xor.accumulate(toggles, axis=1)
        ci, ki = np.nonzero(ch.edge)
        off = h[ci, ki]
        on = off ^ keys[ch.pivots[ci]]
        hashes += [off, on]
        pivots += [ch.pivots[ci]] * 2
        angles += [ch.mid[ci, ki]] * 2
        sides += [np.zeros(ci.size, bool), np.ones(ci.size, bool)]
    return (np.concatenate(hashes), np.concatenate(pivots), np.concatenate(angles), np.concatenate(sides))


def _unique_rows_u64(H: np.ndarray) -> np.ndarray:
    """Indices of the first occurrence of each distinct row of a ``(N, 2)`` uint64 array."""
    order = np.lexsort((H[:, 1], H[:, 0]))
    Hs = H[order]
    first = np.ones(len(order), bool)
    first[1:] = np.any(Hs[1:] != Hs[:-1], axis=1)
    return np.sort(order[first])


def _planar_patterns(U: np.ndarray) -> np.ndarray:
    """All distinct patterns of distinct 2-D points ``U`` with bias, as a ``(P, m)`` bool array."""
    m = U.shape[0]
    if m == 1:
        return np.array([[False], [True]])
    H, piv, ang, side = _planar_candidates(U)
    keep = _unique_rows_u64(H)
    piv, ang, side = piv[keep], ang[keep], side[keep]
    out = np.empty((keep.size, m), bool)
    special = piv < 0
    out[special] = side[special][:, None]
    idx = np.nonzero(~special)[0]
    idx = idx[np.argsort(piv[idx], kind="stable")]
    bounds = np.flatnonzero(np.diff(piv[idx])) + 1
    for grp in np.split(idx, bounds):
        if grp.size == 0:
            continue
        p = piv[grp[0]]
        W = np.stack([np.cos(ang[grp]), np.sin(ang[grp])], axis=1)
        rows = W @ (U - U[p]).T >= 0.0
        rows[:, p] = side[grp]
        out[grp] = rows
    return out


def _central_plane_patterns(Z: np.ndarray) -> np.ndarray:
    """All patterns ``1[Z u >= 0]``, ``u`` in R^2 (cells, boundary rays and the origin), as ``(P, n)`` bool."""
    n = Z.shape[0]
    nz = np.linalg.norm(Z, axis=1) > 0
    if not nz.any():
        return np.ones((1, n), bool)
    W = unit(circle_cells(Z)[2])
    cells = Z @ W.T >= 0.0  # (n, 2L); rows with z_i = 0 are active everywhere
    cells[~nz] = True
    cells = cells.T
    # a boundary ray between cell k-1 and cell k: the points on that line are exactly 0, hence active
    rays = cells | np.roll(cells, 1, axis=0)
    pats = np.vstack([cells, rays, np.ones((1, n), bool)])
    return np.unique(pats, axis=0)


def activation_patterns(X, bias: bool = True) -> np.ndarray:
    """Every distinct pattern ``1[[X, 1] u >= 0]`` over all ``u``, as a ``(P, n)`` bool array.

    Exact for 2-D data with bias (``P = n^2 - n + 2`` in general position), for 1-D data with bias and
    for 2-D data without bias.  Higher dimensions have no exact enumeration here: use
    :func:`sampled_patterns`.
    """
    X = check_points(X)
    n, d = X.shape
    k = d + int(bias)
    if k == 3 and bias:
        U, inv = distinct_points(X)
        return _planar_patterns(U)[:, inv]
    if k == 2:
        return _central_plane_patterns(lift(X, bias))
    if k == 1:
        Z = lift(X, bias)[:, 0]
        pats = {tuple(Z >= 0), tuple(-Z >= 0)}
        return np.array(sorted(pats), dtype=bool)
    raise ValueError(
        f"exact patterns need d + bias <= 3 (2-D data with bias); got d={d}, bias={bias}: use sampled_patterns"
    )


def neuron_patterns(X, U, bias: bool = True) -> np.ndarray:
    """The pattern ``1[[X, 1] u >= 0]`` (point ``i`` active) of each neuron ``u`` (last axis of ``U``), shape
    ``U.shape[:-1] + (n,)``; its sum over the last axis is the number of active points."""
    Z = lift(check_points(X), bias)
    return check_neurons(U, Z.shape[1]) @ Z.T >= 0.0


def check_neurons(U, k: int) -> np.ndarray:
    """``U`` as a finite float array of neurons along its last axis (``k`` coordinates); ``ValueError`` otherwise."""
    try:
        A = np.asarray(U, dtype=float)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"neurons must be a numeric array with {k} coordinates on the last axis") from exc
    if A.ndim == 0 or A.shape[-1] != k:
        raise ValueError(f"neurons must have {k} coordinates (last axis of U); got shape {A.shape}")
    if not np.all(np.isfinite(A)):
        raise ValueError("neurons contain NaN or infinite values")
    return A


def line_terms(chunk) -> tuple[float, int]:
    """The sweep's share of Euler's count: ``(sum 1/t, number of direction groups)`` over the first half-turn
    of each pivot of ``chunk``, where a direction group of ``t - 1`` other points is a line through ``t``
    distinct points (seen once from each of its ``t`` points, so the ``1/t`` add up to the number of lines)."""
    r = chunk.others.shape[1]
    ci, ki = np.nonzero(chunk.edge[:, :r])  # True where a direction group ends, first half of the sweep
    prev = np.empty_like(ki)
    prev[1:] = ki[:-1]
    start = np.ones(ki.size, bool)
    start[1:] = ci[1:] != ci[:-1]
    prev[start] = -1
    sizes = ki - prev  # points per group (t - 1)
    return float(np.sum(1.0 / (sizes + 1))), int(ki.size)


def euler_cell_count(inv_sizes: float, n_dirs: int) -> int:
    """Cells of the arrangement by Euler's formula: ``P = 2 + 2 sum_L (t_L - 1)`` over lines ``L`` through
    ``t_L >= 2`` distinct points (``P = n^2 - n + 2`` when no three points are collinear), from the sums of
    :func:`line_terms` over all the sweeps (``n_dirs = sum_L t_L``, ``inv_sizes = sum_L 1``)."""
    n_lines = int(round(inv_sizes))
    return 2 + 2 * (n_dirs - n_lines)


def _planar_count(U: np.ndarray) -> int:
    """Number of patterns of the distinct 2-D points ``U`` with bias (:func:`euler_cell_count`; 2 for one point)."""
    inv_sizes, n_dirs = 0.0, 0
    for ch in sweep_chunks(U):
        a, b = line_terms(ch)
        inv_sizes += a
        n_dirs += b
    return euler_cell_count(inv_sizes, n_dirs)


def pattern_count(X, bias: bool = True) -> int:
    """Number of distinct activation patterns, without building the ``(P, n)`` matrix (2-D with bias)."""
    X = check_points(X)
    if X.shape[1] == 2 and bias:
        U, _ = distinct_points(X)
        return _planar_count(U)
    return int(activation_patterns(X, bias).shape[0])


@dataclass(frozen=True)
class SampledPatterns:
    """Patterns ``1[Z g >= 0]`` of random Gaussian gates ``g``: a subset of all patterns, not all of them."""

    patterns: np.ndarray  # (P, n) bool, distinct
    gates: np.ndarray  # (P, k) one gate that produces each pattern
    exact: bool = False
    reason: str = "patterns sampled from random Gaussian gates; the full arrangement may have more"


def sampled_patterns(X, n_gates: int = 100, seed: int = 0, bias: bool = True) -> SampledPatterns:
    """Distinct patterns of ``n_gates`` gates ``g ~ N(0, I)`` (any dimension); marked ``exact=False``."""
    X = check_points(X)
    if not isinstance(n_gates, (int, np.integer)) or n_gates < 1:
        raise ValueError(f"n_gates must be a positive integer; got {n_gates!r}")
    Z = lift(X, bias)
    G = np.random.default_rng(seed).standard_normal((int(n_gates), Z.shape[1]))
    pats = (Z @ G.T >= 0.0).T
    _, first = np.unique(pats, axis=0, return_index=True)
    first = np.sort(first)
    return SampledPatterns(pats[first], G[first])
