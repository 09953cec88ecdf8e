"""The Lasso dictionary of a deep narrow ReLU network on 1-D data (docs/math.md section 5.1): ramps and
capped ramps with breakpoints at the data points and, at depth 4, at reflections ``2 x_j - x_i``."""

from __future__ import annotations

import numbers
from dataclasses import dataclass

import numpy as np

from geometry.lift import check_points, check_vector
from solvers.validation import MAX_MAGNITUDE

DEPTHS = (2, 3, 4)

SHAPES = ("ramp up", "ramp down", "capped ramp")
"""Feature shapes: ``(x - p)_+``, ``(p - x)_+`` and ``clip(x - p, 0, q - p)`` (``p < q``)."""

POINT_KINDS = ("data point", "reflection")
"""Breakpoint kinds: a data value ``x_j``, or a reflection ``2 x_j - x_i`` of one data value about another.
(Reflections of reflections do not arise in the deep narrow ReLU networks of depth <= 4.)"""


def check_x(x, name: str = "x", max_points: int | None = None) -> np.ndarray:
    """1-D data ``x`` of shape ``(n,)`` or ``(n, 1)`` as a float vector (:func:`geometry.check_points`)."""
    A = check_points(x, name=name, max_points=max_points if max_points is not None else np.iinfo(np.int64).max,
                     max_magnitude=MAX_MAGNITUDE)
    if A.shape[1] != 1:
        raise ValueError(f"{name} must be 1-D data of shape (n,) or (n, 1); got shape {np.shape(x)}")
    return A[:, 0]


def check_targets(y, n: int) -> np.ndarray:
    """Targets ``y`` of shape ``(n,)`` or ``(n, 1)`` as a float vector (:func:`geometry.lift.check_vector`)."""
    return check_vector(y, n, name="y", max_magnitude=MAX_MAGNITUDE)


def check_depth(depth) -> int:
    if isinstance(depth, bool) or not isinstance(depth, numbers.Integral) or int(depth) not in DEPTHS:
        raise ValueError(f"depth must be one of {DEPTHS}; got {depth!r}")
    return int(depth)


def _merge_points(values: np.ndarray, kinds: np.ndarray, scale: float):
    """Sorted distinct breakpoints (values closer than ``1e-12 scale`` merged, a data point winning over a
    reflection) and the index of each input value among them."""
    order = np.lexsort((kinds, values))
    v = values[order]
    new = np.ones(v.size, bool)
    new[1:] = np.diff(v) > 1e-12 * scale
    group = np.cumsum(new) - 1
    first = np.flatnonzero(new)
    index = np.empty(values.size, np.int64)
    index[order] = group
    return v[first], kinds[order][first], order[first], index


@dataclass(frozen=True)
class Dictionary:
    """The Lasso dictionary of the depth-``depth`` deep narrow ReLU network (docs/math.md section 5).

    ``points`` are the breakpoints (sorted), ``point_kind[t]`` 0 for a data point, 1 for a reflection
    ``2 x_j - x_i`` with ``(i, j) = point_source[t]`` (indices into ``values``, the sorted distinct data).
    Feature ``k`` has shape ``SHAPES[shape[k]]`` and breakpoints ``points[p[k]]`` (and ``points[q[k]]``
    for a capped ramp, ``q = -1`` otherwise)::

        depth 2:  (x - x_j)_+, (x_j - x)_+                                       (all data x_j)
        depth 3:  those and clip(x - x_i, 0, x_j - x_i)                          (x_i < x_j)
        depth 4:  those and, for every ordered pair x_i != x_j with r = 2 x_j - x_i, the ramp at r that
                  points away from x_j and clip between r and every data value x_k on r's side of x_j
                  (x_j included): the features of the paper's recursion
                  f_1 = x, f_{l+1} = (s_l (f_l(x) - f_l(a_l)))_+ with a_1 = r, a_2 = x_j, a_3 = x_k.
    """

    depth: int
    values: np.ndarray
    points: np.ndarray
    point_kind: np.ndarray
    point_source: np.ndarray
    shape: np.ndarray
    p: np.ndarray
    q: np.ndarray

    @property
    def size(self) -> int:
        return int(self.shape.size)

    def matrix(self, x, idx=None) -> np.ndarray:
        """Features ``idx`` (default: all) evaluated at ``x``: shape ``(len(x), len(idx))``."""
        x = np.asarray(x, float).reshape(-1)
        idx = np.arange(self.size) if idx is None else np.asarray(idx, np.int64)
        sh, P = self.shape[idx], self.points[self.p[idx]]
        Q = np.where(sh == 2, self.points[np.maximum(self.q[idx], 0)], np.inf)
        d = x[:, None] - P[None, :]
        up = np.clip(d, 0.0, (Q - P)[None, :])  # ramp up (Q = inf) or capped ramp
        return np.where((sh == 1)[None, :], np.maximum(-d, 0.0), up)

    def breakpoints(self, k: int) -> tuple[float, ...]:
        if self.shape[k] == 2:
            return (float(self.points[self.p[k]]), float(self.points[self.q[k]]))
        return (float(self.points[self.p[k]]),)


def build_dictionary(x, depth: int) -> Dictionary:
    """The dictionary of the depth-``depth`` network on the data ``x`` (see :class:`Dictionary`)."""
    depth = check_depth(depth)
    u = np.unique(check_x(x))
    M = u.size
    scale = max(1.0, float(np.max(np.abs(u))))
    vals, kinds, src = [u], [np.zeros(M, np.int8)], [np.full((M, 2), -1, np.int64)]
    if depth == 4 and M > 1:
        I, J = np.nonzero(~np.eye(M, dtype=bool))  # ordered pairs i != j: r = 2 u_j - u_i
        vals.append(2.0 * u[J] - u[I])
        kinds.append(np.ones(I.size, np.int8))
        src.append(np.stack([I, J], axis=1))
    allv, allk, alls = np.concatenate(vals), np.concatenate(kinds), np.concatenate(src)
    points, point_kind, first, index = _merge_points(allv, allk, scale)
    point_source = alls[first]
    d = index[:M]  # breakpoint index of each data value

    feats = [
        np.stack([np.zeros(M, np.int64), d, np.full(M, -1)], axis=1),
        np.stack([np.ones(M, np.int64), d, np.full(M, -1)], axis=1),
    ]
    if depth >= 3:
        a, b = np.triu_indices(M, 1)
        feats.append(np.stack([np.full(a.size, 2), d[a], d[b]], axis=1))
    if depth == 4 and M > 1:
        t = index[M:]  # breakpoint index of the reflection of pair (I, J)
        r = points[t]
        right = r > u[J]  # the reflection lies right of x_j: its ramp points right
        feats.append(np.stack([np.where(right, 0, 1), t, np.full(t.size, -1)], axis=1))
        # capped ramps between r and x_k, x_k on r's side of x_j or x_k = x_j
        side = np.where(right[:, None], u[None, :] >= u[J][:, None], u[None, :] <= u[J][:, None])
        pr, k = np.nonzero(side)
        tp, dk = t[pr], d[k]
        keep = tp != dk
        tp, dk = tp[keep], dk[keep]
        lo, hi = np.minimum(tp, dk), np.maximum(tp, dk)
        feats.append(np.stack([np.full(lo.size, 2), lo, hi], axis=1))
    F = np.unique(np.concatenate(feats).astype(np.int64), axis=0)
    return Dictionary(
        depth=depth,
        values=u,
        points=points,
        point_kind=point_kind,
        point_source=point_source,
        shape=F[:, 0].astype(np.int8),
        p=F[:, 1],
        q=F[:, 2],
    )


class Correlator:
    """``A^T r`` for every feature without forming ``A``: with ``rho(t) = sum_n r_n (x_n - t)_+`` and
    ``lam(t) = sum_n r_n (t - x_n)_+`` at the breakpoints, a ramp up gives ``rho(p)``, a ramp down
    ``lam(p)`` and a capped ramp ``rho(p) - rho(q)``."""

    def __init__(self, D: Dictionary, x: np.ndarray):
        self.D = D
        diff = x[:, None] - D.points[None, :]
        self.up = np.maximum(diff, 0.0)
        self.down = np.maximum(-diff, 0.0)
        self.cap = D.shape == 2
        self.is_down = D.shape == 1
        self.col_mean = self.raw(np.full(x.size, 1.0 / x.size))

    def raw(self, r: np.ndarray) -> np.ndarray:
        D = self.D
        rho, lam = self.up.T @ r, self.down.T @ r
        c = np.where(self.is_down, lam[D.p], rho[D.p])
        c[self.cap] -= rho[D.q[self.cap]]
        return c

    def centered(self, r: np.ndarray) -> np.ndarray:
        """``(A - 1 mean(A))^T r``."""
        return self.raw(r) - self.col_mean * float(np.sum(r))
