"""The exact dual constraint ``phi(v) = max_{||u|| <= 1} |v^T (Z u)_+|`` (MATH.md section 4).

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
from .patterns import distinct_points
from .sweep import ANGLE_TOL, TWO_PI, neuron_on_circle, sweep_chunks


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
        order = np.argsort(-values, kind="stable")
        values, neurons, signs = values[order], neurons[order], signs[order]
        # greedy: the best remaining candidate, then drop those of its sign within ``separation`` of it
        free = np.ones(values.size, bool)
        keep: list[int] = []
        while free.any() and len(keep) < max(1, self.keep):
            i = int(np.argmax(free))
            keep.append(i)
            near = (signs == signs[i]) & (np.linalg.norm(neurons - neurons[i], axis=1) <= self.separation)
            free &= ~near
            free[i] = False
        return DualPeaks(values[keep], neurons[keep], signs[keep])


def _relu_value(Z: np.ndarray, v: np.ndarray, U: np.ndarray) -> np.ndarray:
    """``v^T (Z u)_+`` for each row ``u`` of ``U``."""
    return np.maximum(Z @ U.T, 0.0).T @ v


def _planar_peaks(U: np.ndarray, v: np.ndarray, best: _Best) -> None:
    """Visit every candidate of ``phi`` for distinct 2-D points ``U`` (with bias) and aggregated ``v``."""
    m = U.shape[0]
    Zu = lift(U)
    if m == 1:
        z = Zu[0] / np.linalg.norm(Zu[0])
        best.offer(np.array([abs(v[0]) * np.linalg.norm(Zu[0])]), z[None], 1 if v[0] >= 0 else -1)
        return
    cells_c, cells_norm = [], []
    for ch in sweep_chunks(U):
        zp = Zu[ch.pivots]  # (c, 3)
        zo = Zu[ch.others]  # (c, r, 3)
        vo = v[ch.others]  # (c, r)
        c0 = np.einsum("cr,crk->ck", np.where(ch.active0, vo, 0.0), zo)
        zt = np.take_along_axis(zo, ch.event_point[..., None], axis=1)
        vt = np.take_along_axis(vo, ch.event_point, axis=1) * ch.event_sign
        C = c0[:, None, :] + np.cumsum(vt[..., None] * zt, axis=1)  # (c, 2r, 3): c_D after each event
        # vertices (lines through the pivot and another point)
        uv = neuron_on_circle(U[ch.pivots], ch.event_angle)
        val = np.einsum("cek,cek->ce", C, uv)
        best.offer(val, uv, 1)
        best.offer(-val, uv, -1)
        # edges: the projection of c onto the plane z_p . u = 0, when it falls inside the edge
        ci, ei = np.nonzero(ch.edge)
        Ce = C[ci, ei]
        zpe = zp[ci]
        q = Ce - (np.einsum("ek,ek->e", Ce, zpe) / np.einsum("ek,ek->e", zpe, zpe))[:, None] * zpe
        R = np.linalg.norm(q, axis=1)
        th = np.arctan2(q[:, 1], q[:, 0])
        start, gap = ch.event_angle[ci, ei], ch.gap[ci, ei]
        ok = R > 0
        for sgn, shift in ((1, 0.0), (-1, np.pi)):
            inside = ok & (np.mod(th + shift - start, TWO_PI) < gap)
            if inside.any():
                best.offer(R[inside], sgn * q[inside] / R[inside, None], sgn)
        # cells on both sides of each edge: candidates +-c_D / ||c_D||, checked later.  Cheap necessary
        # tests first: the candidate must lie on the cell's side of the pivot's line and of the lines of
        # the two points whose events bound the edge.
        two_r = ch.event_angle.shape[1]
        e_next = (ei + 1) % two_r
        j1 = ch.others[ci, ch.event_point[ci, ei]]
        j2 = ch.others[ci, ch.event_point[ci, e_next]]
        side1 = ch.event_sign[ci, ei].astype(float)  # state of j1 after its event
        side2 = -ch.event_sign[ci, e_next].astype(float)  # state of j2 before its event
        Con = Ce + (v[ch.pivots[ci]])[:, None] * zpe
        for Cc, side_p in ((Ce, -1.0), (Con, 1.0)):
            sp = side_p * np.einsum("ek,ek->e", Cc, zpe)
            s1 = side1 * np.einsum("ek,ek->e", Cc, Zu[j1])
            s2 = side2 * np.einsum("ek,ek->e", Cc, Zu[j2])
            nrm = np.linalg.norm(Cc, axis=1)
            for sgn in (1.0, -1.0):
                sel = (sgn * sp > 0) & (sgn * s1 >= 0) & (sgn * s2 >= 0) & (nrm > best.bar)
                cells_c.append(sgn * Cc[sel])
                cells_norm.append(nrm[sel])
    # all-on cell (the all-off cell has c = 0)
    c_all = Zu.T @ v
    cells_c += [c_all[None], -c_all[None]]
    cells_norm += [np.array([np.linalg.norm(c_all)])] * 2
    Cc, Nc = np.vstack(cells_c), np.concatenate(cells_norm)
    order = np.argsort(-Nc, kind="stable")
    Cc, Nc = Cc[order], Nc[order]
    batch = 128
    for s in range(0, Nc.size, batch):
        if Nc[s] <= best.bar or Nc[s] == 0.0:
            break
        Ub = Cc[s : s + batch] / Nc[s : s + batch, None]
        vals = _relu_value(Zu, v, Ub)
        pos = vals >= 0  # +c_D/||c_D|| candidates of phi+(v); -c_D/||c_D|| ones of phi+(-v)
        best.offer(vals[pos], Ub[pos], 1)
        best.offer(-vals[~pos], Ub[~pos], -1)


def _circle_peaks(Z: np.ndarray, v: np.ndarray, best: _Best) -> None:
    """Candidates of ``phi`` when ``Z`` has two columns (1-D data with bias, 2-D data without bias)."""
    nz = np.linalg.norm(Z, axis=1) > 0
    if not nz.any():
        return
    gamma = np.mod(np.arctan2(Z[nz, 1], Z[nz, 0]), np.pi)
    gamma = np.where(gamma >= np.pi - ANGLE_TOL, gamma - np.pi, gamma)
    gs = np.sort(gamma)
    lines = gs[np.concatenate([[True], np.diff(gs) > ANGLE_TOL])]
    bound = np.concatenate([lines + 0.5 * np.pi, lines + 1.5 * np.pi])
    nxt = np.append(bound[1:], bound[0] + TWO_PI)
    mids = 0.5 * (bound + nxt)
    D = (Z @ np.stack([np.cos(mids), np.sin(mids)]) >= 0.0).T  # (cells, n)
    C = D @ (v[:, None] * Z)  # (cells, 2)
    ends = np.stack([np.cos(bound), np.sin(bound)], axis=1)
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
        U, inv = distinct_points(X)
        vagg = np.bincount(inv, weights=v, minlength=U.shape[0])
        _planar_peaks(U, vagg, best)
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
