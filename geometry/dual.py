"""The exact dual constraint ``phi(v) = max_{||u|| <= 1} |v^T (Z u)_+|`` (docs/math.md section 4).

On the cone of a pattern ``D`` the function is linear, ``v^T (Z u)_+ = c_D . u`` with ``c_D = Z^T D v``,
so its maximum over the unit sphere lies at one of three kinds of points, all visited by the
rotating-line sweep of :mod:`geometry.sweep`:

* a vertex ``+-(z_i x z_j)/||.||`` of the arrangement (a line through two data points);
* the maximizer of ``c . u`` along an edge of a great circle ``{z_p . u = 0}``, i.e. the projection of
  ``c`` onto that plane when it falls inside the edge (a 1-D maximization of ``A cos t + B sin t``);
* a cell-interior point ``c_D/||c_D||`` when that point has pattern ``D`` (value ``||c_D||``).

Every candidate's value is the function itself at a unit vector, so the maximum over candidates is
never above ``phi`` and, since the true maximizer is among them, equals it.  No sampling anywhere.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .lift import check_points, check_vector, lift
from .patterns import check_neurons, distinct_points, euler_cell_count, line_terms
from .circle import circle_cells, unit
from . import sweep_pass
from .sweep import TWO_PI, neuron_on_circle, sweep_chunks


@dataclass(frozen=True)
class DualPeaks:
    """Unit neurons where ``sign * v^T (Z u)_+`` is large, best first.

    ``values[0] == phi(v)``; ``neurons`` has shape ``(q, k)`` with ``k = d + bias``; ``signs`` are +1 where
    ``v^T (Z u)_+ = +value`` (a neuron with positive output weight) and -1 where it equals ``-value``.
    """

    values: np.ndarray
    neurons: np.ndarray
    signs: np.ndarray

    @property
    def value(self) -> float:
        """``phi(v)``."""
        return float(self.values[0])

    @property
    def neuron(self) -> np.ndarray:
        """A unit neuron attaining ``phi(v)``."""
        return self.neurons[0]

    @property
    def sign(self) -> int:
        """Sign of ``v^T (Z u)_+`` at the maximizer."""
        return int(self.signs[0])


def select_peaks(values, neurons, signs, keep: int, separation: float, compiled: bool | None = None) -> DualPeaks:
    """The best ``keep`` candidates, greedily: take the best remaining one, then drop the candidates of
    its sign within ``separation`` of it (the same point reached twice, or its close neighbours).

    ``compiled`` (default: when numba compiled :mod:`geometry.sweep_pass`) runs the compiled loop
    :func:`geometry.sweep_pass.separated_peaks`, 3-60x faster on the pools of ~50-3000 candidates that a pricing
    collects; otherwise one numpy pass per pick."""
    if compiled is None:
        compiled = sweep_pass.ready()
    if compiled:
        values, neurons = np.ascontiguousarray(values, float), np.ascontiguousarray(neurons, float)
        signs = np.ascontiguousarray(signs, np.int64)
        picked = sweep_pass.separated_peaks(values, neurons, signs, int(keep), float(separation))
        return DualPeaks(values[picked], neurons[picked], signs[picked])
    order = np.argsort(-values, kind="stable")
    values, neurons, signs = values[order], neurons[order], signs[order]
    square = np.einsum("ij,ij->i", neurons, neurons)
    free = np.arange(values.size)  # the candidates not yet picked nor dropped, best first
    picked: list[int] = []
    while free.size and len(picked) < max(1, keep):
        i, rest = free[0], free[1:]
        picked.append(int(i))
        # ||u_j - u_i||^2 from inner products: one matrix-vector product per pick
        dist2 = square[rest] + square[i] - 2.0 * (neurons[rest] @ neurons[i])
        free = rest[~((signs[rest] == signs[i]) & (dist2 <= separation * separation))]
    return DualPeaks(values[picked], neurons[picked], signs[picked])


class _Best:
    """Running maximum and, optionally, the best candidates at or above a threshold (at most ``keep``)."""

    def __init__(self, threshold: float | None, keep: int = 16, separation: float = 1e-9):
        self.value, self.u, self.sign = -np.inf, None, 1
        self.threshold = threshold
        self.keep = keep
        self.pool_v = np.zeros(0)
        self.pool_u = np.zeros((0, 3))
        self.pool_s = np.zeros(0, np.int8)
        self.kth = -np.inf  # the pool's smallest value once it is full
        self.separation = separation

    @property
    def bar(self) -> float:
        """Candidates whose value cannot exceed this are irrelevant (to phi, and to the pool when collecting)."""
        if self.threshold is None:
            return self.value
        return max(min(self.threshold, self.value), self.kth)

    def offer(self, values: np.ndarray, U: np.ndarray, sign: int) -> None:
        values = np.asarray(values).ravel()
        if values.size == 0:
            return
        U = U.reshape(-1, U.shape[-1])
        i = int(np.argmax(values))
        if values[i] > self.value:
            self.value, self.u, self.sign = float(values[i]), U[i].copy(), sign
        if self.threshold is not None:
            sel = values >= max(self.threshold, self.kth)
            if sel.any():
                if self.pool_u.shape[1] != U.shape[1]:
                    self.pool_u = np.zeros((0, U.shape[1]))
                self.pool_v = np.concatenate([self.pool_v, values[sel]])
                self.pool_u = np.vstack([self.pool_u, U[sel]])
                self.pool_s = np.concatenate([self.pool_s, np.full(int(sel.sum()), sign, np.int8)])
                cap = 32 * self.keep  # room for copies of one point (several sweeps reach it) and neighbours
                if self.pool_v.size > 2 * cap:
                    top = np.argpartition(-self.pool_v, cap)[:cap]
                    self.pool_v, self.pool_u, self.pool_s = self.pool_v[top], self.pool_u[top], self.pool_s[top]
                if self.pool_v.size >= cap:
                    self.kth = float(np.partition(self.pool_v, self.pool_v.size - cap)[self.pool_v.size - cap])

    def result(self, k: int) -> DualPeaks:
        if self.u is None:  # v == 0 or no data: phi = 0 at any neuron
            self.value, self.u = 0.0, np.eye(k)[-1]
        values = np.concatenate([[self.value], self.pool_v])
        neurons = np.vstack([self.u[None, :], self.pool_u.reshape(-1, k)])
        signs = np.concatenate([[self.sign], self.pool_s]).astype(int)
        return select_peaks(values, neurons, signs, self.keep, self.separation)


def _relu_value(Z: np.ndarray, v: np.ndarray, U: np.ndarray) -> np.ndarray:
    """``v^T (Z u)_+`` for each neuron ``u`` (last axis of ``U``), shape ``U.shape[:-1]``."""
    return np.maximum(U @ Z.T, 0.0) @ v


def relu_correlation(X, v, U, bias: bool = True) -> np.ndarray:
    """``v^T ([X, 1] u)_+`` (``v^T (X u)_+`` without bias) for each neuron ``u`` (last axis of ``U``).

    The function whose largest absolute value over unit ``u`` is ``phi(v)``; shape ``U.shape[:-1]``.
    """
    X = check_points(X)
    v = check_vector(v, X.shape[0])
    Z = lift(X, bias)
    return _relu_value(Z, v, check_neurons(U, Z.shape[1]))


class PlanarOracle:
    """The exact ``phi`` of fixed 2-D data (with bias), for many vectors ``v``.

    Everything that depends on the points alone (the sweeps, their vertices, edges and the lines that
    bound each edge) is computed once; each evaluation then costs a few passes over ``O(n^2)`` arrays.
    ``n_patterns`` is the number of activation patterns of the points (:func:`geometry.pattern_count`),
    counted from the same sweep.
    """

    def __init__(self, X, compiled: bool | None = None):
        X = check_points(X)
        if X.shape[1] != 2:
            raise ValueError(f"PlanarOracle needs 2-D data; got d={X.shape[1]}")
        self.n = X.shape[0]
        self.U, self.inverse = distinct_points(X)
        self.Zu = lift(self.U)
        # the compiled pass (geometry.sweep_pass) when numba is there, else the numpy passes over self.parts
        self.compiled = (compiled is None or bool(compiled)) and sweep_pass.ready()
        self.parts = []
        px, py = self.U[:, 0], self.U[:, 1]
        inv_sizes, n_dirs = 0.0, 0
        packed = []
        for ch in sweep_chunks(self.U):
            a, b = line_terms(ch)
            inv_sizes += a
            n_dirs += b
            ev_idx = np.take_along_axis(ch.others, ch.event_point, axis=1)  # point passed at each event
            if self.compiled:
                uv = neuron_on_circle(self.U[ch.pivots], ch.event_angle)
                packed.append((ch.others.astype(np.int32), ch.active0, ev_idx.astype(np.int32), ch.event_sign,
                               ch.edge, uv[..., 0], uv[..., 1], uv[..., 2]))
                continue
            two_r = ch.event_angle.shape[1]
            ci, ei = np.nonzero(ch.edge)
            flat = ci * two_r + ei
            e_next = (ei + 1) % two_r
            j1, j2 = ev_idx[ci, ei], ev_idx[ci, e_next]
            s1 = ch.event_sign[ci, ei].astype(float)  # side of j1 after its event
            s2 = -ch.event_sign[ci, e_next].astype(float)  # side of j2 before its event
            piv = ch.pivots[ci]
            zz = px[piv] ** 2 + py[piv] ** 2 + 1.0
            uv = neuron_on_circle(self.U[ch.pivots], ch.event_angle)
            end = ch.event_angle[ci, ei] + ch.gap[ci, ei]
            sgn = ch.event_sign.astype(float)
            act0 = ch.active0.astype(float)
            self.parts.append(
                dict(
                    others=ch.others,
                    a0=[act0 * px[ch.others], act0 * py[ch.others], act0],  # rows active before event 0
                    ev_idx=ev_idx,
                    T=[sgn * px[ev_idx], sgn * py[ev_idx], sgn],  # +-z_j toggled at each event
                    uv=[np.ascontiguousarray(uv[..., i]) for i in range(3)],
                    uv_all=uv,
                    flat=flat,
                    pivot=piv,
                    zp=[px[piv], py[piv]],
                    zz=zz,
                    ws=[np.cos(ch.event_angle[ci, ei]), np.sin(ch.event_angle[ci, ei])],  # edge start
                    we=[np.cos(end), np.sin(end)],  # edge end
                    z1=[s1 * px[j1], s1 * py[j1], s1],
                    z2=[s2 * px[j2], s2 * py[j2], s2],
                )
            )
        self.n_patterns = euler_cell_count(inv_sizes, n_dirs)
        self._flat = tuple(np.ascontiguousarray(np.concatenate(a)) for a in zip(*packed)) if packed else None

    def aggregate(self, v) -> np.ndarray:
        """Dual weights of the distinct points (duplicates always share their pattern)."""
        return self._aggregate(check_vector(v, self.n))

    def _aggregate(self, v: np.ndarray) -> np.ndarray:
        """:meth:`aggregate` of an already checked vector."""
        return np.bincount(self.inverse, weights=v, minlength=self.U.shape[0])

    def peaks(
        self, v, threshold: float | None = None, keep: int = 16, separation: float = 1e-9, lazy: bool = False
    ) -> DualPeaks:
        """Like :func:`dual_peaks` (``threshold=None``: only the maximizer, i.e. ``phi``).

        ``lazy=True`` (pricing): when a vertex or an edge already exceeds ``threshold``, return those
        candidates without visiting the cell interiors; ``values[0]`` is then a lower bound on ``phi``
        that exceeds the threshold.  Otherwise every candidate is visited and ``values[0] == phi``.
        """
        best = _Best(threshold, keep, separation)
        self._visit(self.aggregate(v), best, lazy and threshold is not None)
        return best.result(3)

    def phi(self, v) -> float:
        """``phi(v)``."""
        return self.peaks(v).value

    def _visit(self, v: np.ndarray, best: _Best, lazy: bool = False) -> None:
        """Visit every candidate of ``phi`` for the aggregated dual weights ``v``."""
        Zu = self.Zu
        if self.U.shape[0] == 1:
            z = Zu[0] / np.linalg.norm(Zu[0])
            best.offer(np.array([abs(v[0]) * np.linalg.norm(Zu[0])]), z[None], 1 if v[0] >= 0 else -1)
            return
        if self._flat is not None:
            self._visit_compiled(v, best, lazy)
            return
        cells_c, cells_norm = [], []
        edges = []
        for P in self.parts:
            vo = v[P["others"]]
            ve = v[P["ev_idx"]]
            # c_D after each event, one coordinate at a time
            C = [
                (vo * a).sum(axis=1)[:, None] + np.cumsum(ve * t, axis=1)
                for a, t in zip(P["a0"], P["T"])
            ]
            # vertices (lines through the pivot and another point)
            val = C[0] * P["uv"][0] + C[1] * P["uv"][1] + C[2] * P["uv"][2]
            best.offer(val, P["uv_all"], 1)
            best.offer(-val, P["uv_all"], -1)
            # edges: the projection q of c onto the plane z_p . u = 0, when it falls inside the edge
            ex, ey, ez = (c.ravel()[P["flat"]] for c in C)
            zx, zy = P["zp"]
            dot = (ex * zx + ey * zy + ez) / P["zz"]
            qx, qy, qz = ex - dot * zx, ey - dot * zy, ez - dot
            R = np.sqrt(qx * qx + qy * qy + qz * qz)
            # q's line direction (qx, qy) between the edge's start and end directions (edges span <= pi)
            cs = P["ws"][0] * qy - P["ws"][1] * qx
            ce = qx * P["we"][1] - qy * P["we"][0]
            for sgn, inside in ((1, (cs > 0) & (ce > 0)), (-1, (cs < 0) & (ce < 0))):
                inside &= R > 0
                if inside.any():
                    Q = np.stack([qx[inside], qy[inside], qz[inside]], axis=1) / R[inside, None]
                    best.offer(R[inside], sgn * Q, sgn)
            edges.append((P, ex, ey, ez))
        if lazy and best.value > best.threshold:
            return
        # cells on both sides of each edge: candidates +-c_D/||c_D||, evaluated below.  Cheap necessary
        # tests first: the candidate lies on the cell's side of the pivot's line and of the lines of
        # the two points whose events bound the edge.
        for P, ex, ey, ez in edges:
            zx, zy = P["zp"]
            vp = v[P["pivot"]]
            for side_p in (-1.0, 1.0):
                cx, cy, cz = (ex, ey, ez) if side_p < 0 else (ex + vp * zx, ey + vp * zy, ez + vp)
                nrm = np.sqrt(cx * cx + cy * cy + cz * cz)
                big = nrm > best.bar
                if not big.any():
                    continue
                sp = side_p * (cx * zx + cy * zy + cz)
                z1, z2 = P["z1"], P["z2"]
                s1 = cx * z1[0] + cy * z1[1] + cz * z1[2]
                s2 = cx * z2[0] + cy * z2[1] + cz * z2[2]
                for sgn in (1.0, -1.0):
                    sel = big & (sgn * sp > 0) & (sgn * s1 >= 0) & (sgn * s2 >= 0)
                    if sel.any():
                        cells_c.append(sgn * np.stack([cx[sel], cy[sel], cz[sel]], axis=1))
                        cells_norm.append(nrm[sel])
        # all-on cell (the all-off cell has c = 0)
        c_all = Zu.T @ v
        cells_c += [c_all[None], -c_all[None]]
        cells_norm += [np.array([np.linalg.norm(c_all)])] * 2
        Cc, Nc = np.vstack(cells_c), np.concatenate(cells_norm)
        Cc, Nc = Cc[Nc > 0], Nc[Nc > 0]
        order = np.argsort(-Nc, kind="stable")
        Cc, Nc = Cc[order], Nc[order]
        batch = 128
        for s in range(0, Nc.size, batch):
            if Nc[s] <= best.bar:
                break
            Ub = Cc[s : s + batch] / Nc[s : s + batch, None]
            vals = _relu_value(Zu, v, Ub)
            pos = vals >= 0  # +c_D/||c_D|| candidates of phi+(v); -c_D/||c_D|| ones of phi+(-v)
            best.offer(vals[pos], Ub[pos], 1)
            best.offer(-vals[~pos], Ub[~pos], -1)


    def _visit_compiled(self, v: np.ndarray, best: _Best, lazy: bool) -> None:
        """:meth:`_visit` by the compiled pass of :func:`geometry.sweep_pass.sweep_pass`."""
        collect = best.threshold is not None
        top, pv, pu, ps = sweep_pass.sweep_pass(
            np.ascontiguousarray(v, float), self.Zu, *self._flat,
            float(best.threshold) if collect else 0.0, collect, bool(lazy), int(best.keep),
        )
        if np.isfinite(top[0]) and top[0] > best.value:
            best.value, best.u, best.sign = float(top[0]), top[1:4].copy(), int(top[4])
        if collect and pv.size:
            best.pool_v = np.concatenate([best.pool_v, pv])
            best.pool_u = np.vstack([best.pool_u.reshape(-1, 3), pu])
            best.pool_s = np.concatenate([best.pool_s, ps])


def _circle_peaks(Z: np.ndarray, v: np.ndarray, best: _Best) -> None:
    """Candidates of ``phi`` when ``Z`` has two columns (1-D data with bias, 2-D data without bias)."""
    if not np.any(np.linalg.norm(Z, axis=1) > 0):
        return
    bound, nxt, mids = circle_cells(Z)
    D = (Z @ unit(mids).T >= 0.0).T  # (cells, n)
    C = D @ (v[:, None] * Z)  # (cells, 2)
    ends = unit(bound)
    ends_next = np.roll(ends, -1, axis=0)
    R = np.linalg.norm(C, axis=1)
    th = np.arctan2(C[:, 1], C[:, 0])
    for sgn, shift in ((1, 0.0), (-1, np.pi)):
        inside = (R > 0) & (np.mod(th + shift - bound, TWO_PI) < nxt - bound)
        if inside.any():
            best.offer(R[inside], sgn * C[inside] / R[inside, None], sgn)
        best.offer(sgn * np.einsum("ck,ck->c", C, ends), ends, sgn)
        best.offer(sgn * np.einsum("ck,ck->c", C, ends_next), ends_next, sgn)


def _peaks(X, v, bias: bool, threshold: float | None, keep: int = 16, separation: float = 1e-9) -> DualPeaks:
    X = check_points(X)
    v = check_vector(v, X.shape[0])
    n, d = X.shape
    k = d + int(bias)
    best = _Best(threshold, keep, separation)
    if k == 3 and bias:
        oracle = PlanarOracle(X)
        oracle._visit(oracle._aggregate(v), best)
    elif k == 2:
        _circle_peaks(lift(X, bias), v, best)
    elif k == 1:
        z = lift(X, bias)[:, 0]
        for u in (np.array([1.0]), np.array([-1.0])):
            val = float(v @ np.maximum(z * u[0], 0.0))
            best.offer(np.array([val]), u[None], 1)
            best.offer(np.array([-val]), u[None], -1)
    else:
        raise ValueError(f"the exact phi needs d + bias <= 3 (2-D data with bias); got d={d}, bias={bias}")
    return best.result(k)


def phi(X, v, bias: bool = True) -> float:
    """``phi(v) = max_{||u|| <= 1} |v^T ([X, 1] u)_+|``, computed exactly (no sampling)."""
    return _peaks(X, v, bias, None).value


def phi_argmax(X, v, bias: bool = True) -> DualPeaks:
    """``phi(v)`` with a unit neuron attaining it and the sign of ``v^T (Z u)_+`` there."""
    return _peaks(X, v, bias, None)


def dual_peaks(
    X, v, threshold: float, max_peaks: int = 16, separation: float = 1e-9, bias: bool = True
) -> DualPeaks:
    """The best (at most ``max_peaks``) distinct candidate neurons with ``|v^T (Z u)_+| >= threshold``.

    Candidates are vertices, edge maxima and cell maxima of the sweep; the first is always the maximizer
    (so ``values[0] == phi(v)``, and when no candidate reaches the threshold it is the only one); two
    neurons of the same sign are at least ``separation`` apart (spread the picks over the sphere).  These
    are the neurons where the dual constraint is violated (``> beta``) or tight (``= beta``): what column
    generation adds, and where the active neurons of an optimal network sit.
    """
    return _peaks(X, v, bias, float(threshold), int(max_peaks), float(separation))


def beta_max(X, y, bias: bool = True) -> float:
    """``beta_max = phi(y)``: for ``beta >= beta_max`` the optimal network is zero."""
    return phi(X, y, bias)
