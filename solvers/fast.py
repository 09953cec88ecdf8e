"""The fast exact solver: column generation over the faces of the arrangement, with exact masters.

The convex twin (MATH.md section 2) is a sparse problem over neuron directions on the sphere.  An
optimal neuron sits on some *face* of the arrangement of the great circles ``{z_i . u = 0}``: a cell
(no data point on its line), an edge (the line passes one data point) or a vertex (two).  On a face
``F`` with pattern ``D`` and on-line points ``E`` a neuron is ``u = B x`` (``B`` an orthonormal basis of
``{u : z_i . u = 0, i in E}``) and its feature is linear, ``(Z u)_+ = D Z B x``, as long as ``x`` stays
in the face's cone ``(2 D - I) Z B x >= 0``.  So with a working set of signed faces the problem is

    min_x  1/2 || sum_F s_F D_F Z B_F x_F - y ||^2 + beta sum_F ||x_F||     s.t.  x_F in cone(F),

a group lasso with at most 3-dimensional blocks.  It is solved exactly (block updates, then Newton on
the support), the cone constraints by a primal active-set rule: when a block would leave its cone it
stops on the face's boundary and moves to that lower-dimensional face.  The exact dual oracle
(:class:`geometry.dual.PlanarOracle`) then prices every face at once: while ``phi(y - yhat) > beta`` it returns
the violating neurons, whose faces join the working set.  Each master solve is exact, so the loop ends
on the certified global optimum of the full arrangement; the ``(P, n)`` pattern matrix is never built.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import clarabel
import numpy as np
from scipy import sparse

from geometry import lift
from geometry.dual import PlanarOracle

from .network import ReLUNetwork, merge_parallel
from .polish import caratheodory_prune, full_svd
from .result import SolveResult

ON_LINE = 1e-10
"""A data point lies on a neuron's line when ``|z_i . u| <= ON_LINE * ||z_i||`` (``u`` a unit vector)."""


@dataclass
class Face:
    """A signed face of the arrangement: a neuron ``u = B x`` with feature ``D Z B x`` and output sign ``s``."""

    sign: int
    on_line: tuple  # indices i with z_i . u = 0 on the face
    pattern: np.ndarray  # (n,) bool, D (points on the line count as active)
    basis: np.ndarray  # (k, r) orthonormal basis of the face's linear span
    A: np.ndarray  # (n, r) = s D Z B
    M: np.ndarray  # (n, r) = (2D - I) Z B: cone(F) = {x : M x >= 0 off the line}
    key: tuple
    zscale: float = 1.0  # max_i ||z_i||, for tolerances

    @property
    def dim(self) -> int:
        return self.basis.shape[1]


def face_of(Z: np.ndarray, u: np.ndarray, sign: int, extra_on_line=()) -> Face | None:
    """The face of the arrangement that contains the direction ``u`` (plus the given on-line points)."""
    u = u / np.linalg.norm(u)
    zn = np.linalg.norm(Z, axis=1)
    s = Z @ u
    on = set(np.flatnonzero(np.abs(s) <= ON_LINE * zn).tolist()) | set(extra_on_line)
    on_line = tuple(sorted(on))
    pattern = s >= 0
    pattern[list(on_line)] = True
    if on_line:
        _, sv, vt = full_svd(Z[list(on_line)])
        rank = int(np.sum(sv > 1e-10 * sv[0]))
        basis = vt[rank:].T
    else:
        basis = np.eye(Z.shape[1])
    if basis.shape[1] == 0:
        return None
    ZB = Z @ basis
    A = sign * np.where(pattern[:, None], ZB, 0.0)
    M = np.where(pattern[:, None], ZB, -ZB)
    if on_line:
        M[list(on_line)] = 0.0
    key = (int(sign), on_line, np.packbits(pattern).tobytes())
    return Face(int(sign), on_line, pattern, basis, A, M, key, float(zn.max()))


def _block_solve(G: np.ndarray, g: np.ndarray, beta: float) -> np.ndarray:
    """``argmin_x 1/2 x^T G x - g^T x + beta ||x||`` (a group soft-threshold with curvature ``G``)."""
    ng = np.linalg.norm(g)
    if ng <= beta:
        return np.zeros_like(g)
    mu, Q = np.linalg.eigh(G)
    mu = np.maximum(mu, 0.0)
    h = Q.T @ g
    # x = (G + rho I)^{-1} g with ||x|| = beta / rho; in omega = 1/rho solve 1/sqrt(s(omega)) = 1/beta,
    # s(omega) = sum h_k^2 / (1 + mu_k omega)^2 (Newton from omega = 0 converges monotonically).
    omega = 0.0
    for _ in range(60):
        den = 1.0 + mu * omega
        s = np.sum(h**2 / den**2)
        f = 1.0 / np.sqrt(s) - 1.0 / beta
        ds = -2.0 * np.sum(h**2 * mu / den**3)
        df = -0.5 * s**-1.5 * ds
        if df <= 0:
            break
        step = f / df
        omega -= step
        if abs(step) <= 1e-15 * max(omega, 1e-300):
            break
    x = omega * (Q @ (h / (1.0 + mu * omega)))
    return x


class _Master:
    """The group lasso on the working set of faces (cone constraints handled by the caller)."""

    def __init__(self, faces: list[Face], y: np.ndarray, beta: float):
        self.faces, self.y, self.beta = faces, y, beta
        self.dims = [f.dim for f in faces]
        self.J = len(faces)
        self.offsets = np.concatenate([[0], np.cumsum(self.dims)]).astype(int)
        self.seg = np.repeat(np.arange(self.J), self.dims)
        self.A = np.hstack([f.A for f in faces]) if faces else np.zeros((len(y), 0))
        self.G = self.A.T @ self.A
        self.Ay = self.A.T @ y

    def blocks(self, x: np.ndarray) -> list[np.ndarray]:
        o = self.offsets
        return [x[o[j] : o[j + 1]] for j in range(self.J)]

    def norms(self, x: np.ndarray) -> np.ndarray:
        """``||x_j||`` for every block."""
        return np.sqrt(np.bincount(self.seg, weights=x * x, minlength=self.J))

    def objective(self, x: np.ndarray) -> float:
        """``1/2 ||A x - y||^2 + beta sum_j ||x_j||``."""
        r = self.A @ x - self.y
        return 0.5 * float(r @ r) + self.beta * float(self.norms(x).sum())

    def solve(self, x: np.ndarray, warm: bool = True) -> np.ndarray:
        """Newton from a warm start when that reaches the optimum; otherwise an interior point method
        (Clarabel) finds the support and Newton polishes it.  KKT residual ~1e-13."""
        if self.J == 0:
            return x
        if warm and np.any(x):
            xn = self._newton(x, 8)
            if self.kkt(xn) <= 1e-10:
                return xn
        x = self._interior_point(x)
        return self._newton(x, 50)

    def kkt(self, x: np.ndarray) -> float:
        """Largest violation of the optimality conditions, relative to beta."""
        g = self.Ay - self.G @ x
        nb = self.norms(x)
        on = nb[self.seg] > 0
        unit = np.where(on, x / np.where(on, nb[self.seg], 1.0), 0.0)
        res = np.where(on, g - self.beta * unit, g)
        rn = np.sqrt(np.bincount(self.seg, weights=res * res, minlength=self.J)) / self.beta
        active = nb > 0
        worst_on = rn[active].max() if active.any() else 0.0
        worst_off = (rn[~active] - 1.0).max() if (~active).any() else 0.0
        return float(max(worst_on, worst_off, 0.0))

    def _interior_point(self, x: np.ndarray) -> np.ndarray:
        """``min 1/2 x^T G x - (A^T y)^T x + beta sum_j t_j`` s.t. ``||x_j|| <= t_j`` with Clarabel."""
        J, N = self.J, self.G.shape[0]
        Gu = np.triu(self.G)
        r_, c_ = np.nonzero(Gu)
        P = sparse.csc_matrix((Gu[r_, c_], (r_, c_)), shape=(N + J, N + J))
        q = np.concatenate([-self.Ay, np.full(J, self.beta)])
        # rows: for each block j, (t_j, x_j) in the second-order cone, as  -[t_j; x_j] + s = 0
        cols = np.concatenate([np.concatenate([[N + j], np.arange(self.offsets[j], self.offsets[j + 1])]) for j in range(J)])
        A = sparse.csc_matrix((-np.ones(cols.size), (np.arange(cols.size), cols)), shape=(cols.size, N + J))
        cones = [clarabel.SecondOrderConeT(d + 1) for d in self.dims]
        settings = clarabel.DefaultSettings()
        settings.verbose = False
        settings.tol_gap_abs = 1e-12
        settings.tol_gap_rel = 1e-12
        settings.tol_feas = 1e-12
        settings.max_iter = 200
        sol = clarabel.DefaultSolver(P, q, A, np.zeros(A.shape[0]), cones, settings).solve()
        z = np.asarray(sol.x)[:N]
        if not np.all(np.isfinite(z)):
            return x
        # blocks at the solver's noise level are zero
        nb = self.norms(z)
        z = np.where((nb <= 1e-7 * max(nb.max(initial=0.0), 1e-300))[self.seg], 0.0, z)
        return z if self.objective(z) <= self.objective(x) + 1e-12 * abs(self.objective(x)) else x

    def _newton(self, x: np.ndarray, iters: int) -> np.ndarray:
        """Newton's method on the support (nonzero blocks), where the objective is smooth.  A block
        that the step would carry through zero is set to zero instead (its optimum is the kink)."""
        beta, G = self.beta, self.G
        scale = max(1.0, float(np.linalg.norm(self.Ay)))
        x = x.copy()
        for _ in range(iters):
            nb = self.norms(x)
            # tiny blocks whose zero is optimal given the rest: drop
            grad_full = G @ x - self.Ay
            tiny = (nb > 0) & (nb <= 1e-6 * nb.max(initial=0.0))
            for j in np.flatnonzero(tiny):
                sl = slice(self.offsets[j], self.offsets[j + 1])
                if np.linalg.norm(grad_full[sl] - G[sl, sl] @ x[sl]) <= beta * (1 + 1e-9):
                    x[sl] = 0.0
                    nb[j] = 0.0
            on_blocks = nb > 0
            if not on_blocks.any():
                return x
            idx = np.flatnonzero(on_blocks[self.seg])
            seg = self.seg[idx]
            xs = x[idx]
            unit = xs / nb[seg]
            grad = G[idx] @ x - self.Ay[idx] + beta * unit
            gnorm = float(np.linalg.norm(grad))
            if gnorm <= 1e-14 * scale:
                # optimal on the support: zero blocks that violate ||A_j^T r|| <= beta join it
                woke = False
                for j in np.flatnonzero(~on_blocks):
                    sl = slice(self.offsets[j], self.offsets[j + 1])
                    g = self.Ay[sl] - G[sl] @ x
                    if np.linalg.norm(g) > beta * (1 + 1e-11):
                        x[sl] = _block_solve(G[sl, sl], g, beta)
                        woke = True
                if not woke:
                    return x
                continue
            H = G[np.ix_(idx, idx)].copy()
            same = seg[:, None] == seg[None, :]
            H += np.where(same, (beta / nb[seg])[:, None] * (np.eye(idx.size) - unit[:, None] * unit[None, :]), 0.0)
            # least squares: redundant faces (a vertex at the end of an edge in the set) make H singular
            step = -np.linalg.lstsq(H, grad, rcond=1e-13)[0]
            f0 = self.objective(x)
            # the step is exact only while the support stays: it stops where a block first reaches
            # zero (a 1-D block changing sign, or a block passing close to the origin), which is
            # where degenerate masters (several neuron pairs adding up to the same linear function)
            # want to go; that block then leaves the support
            xd = np.bincount(seg, weights=xs * step, minlength=self.J)
            dd = np.bincount(seg, weights=step * step, minlength=self.J)
            moving = dd > 0
            t_min = np.where(moving, -xd / np.where(moving, dd, 1.0), np.inf)
            closest = nb**2 - np.where(moving, xd * xd / np.where(moving, dd, 1.0), 0.0)
            hits = on_blocks & (t_min > 0) & (closest <= 1e-2 * nb**2)
            t_stop = float(t_min[hits].min()) if hits.any() else np.inf
            slope = max(0.0, -float(grad @ step))
            t, accepted = min(1.0, t_stop), None
            for _ in range(20):
                trial = x.copy()
                trial[idx] = xs + t * step
                if t == t_stop:
                    trial[np.flatnonzero((hits & (t_min <= t_stop * (1 + 1e-12)))[self.seg])] = 0.0
                f1 = self.objective(trial)
                if f1 <= f0 - 1e-4 * t * slope:
                    accepted = trial
                    break
                if f1 <= f0 + 1e-12 * abs(f0):
                    # near rounding level the objective cannot see the gain: the gradient can
                    tn = self.norms(trial)
                    if np.all((tn > 0) == on_blocks):
                        g1 = G[idx] @ trial - self.Ay[idx] + beta * trial[idx] / tn[seg]
                        if np.linalg.norm(g1) <= (1 - 1e-4 * t) * gnorm:
                            accepted = trial
                            break
                t *= 0.5
            if accepted is None:
                return x
            x = accepted
        return x


def _slack(f: Face, b: np.ndarray) -> float:
    """Rounding allowance for the cone test ``M b >= 0``."""
    return 1e-12 * max(1.0, float(np.max(np.abs(f.M @ b))) if b.size else 1.0)


def _first_crossings(faces: list[Face], master: _Master, x0: np.ndarray, x1: np.ndarray) -> dict:
    """For each block whose path ``x0_j + t (x1_j - x0_j)`` leaves its face's cone: ``(t_j, point)``, the
    fraction of the path at which it first meets a line and that line's data point."""
    out = {}
    b0, b1 = master.blocks(x0), master.blocks(x1)
    for j, f in enumerate(faces):
        m0, m1 = f.M @ b0[j], f.M @ b1[j]
        scale = 1e-12 * max(1.0, float(np.max(np.abs(m0))), float(np.max(np.abs(m1))))
        bad = m1 < -scale
        if not bad.any():
            continue
        den = m0[bad] - m1[bad]
        t = np.clip(np.maximum(m0[bad], 0.0) / den, 0.0, 1.0)
        i_local = int(np.argmin(t))
        out[j] = (float(t[i_local]), int(np.flatnonzero(bad)[i_local]))
    return out


def _network(faces: list[Face], blocks: list[np.ndarray], k: int) -> ReLUNetwork:
    rows, amps = [], []
    for f, b in zip(faces, blocks):
        nb = np.linalg.norm(b)
        if nb > 0:
            v = f.basis @ b
            rows.append(v / np.sqrt(nb))
            amps.append(f.sign * np.sqrt(nb))
    if not rows:
        return ReLUNetwork.from_neurons(np.zeros((0, k)), np.zeros(0))
    return merge_parallel(ReLUNetwork.from_neurons(np.array(rows), np.array(amps)))


def solve_exact(
    X,
    y,
    beta: float,
    *,
    init: ReLUNetwork | None = None,
    max_iter: int = 200,
    peaks_per_iter: int = 64,
    phi_tol: float = 1e-10,
    separation: float = 0.7,
    oracle: PlanarOracle | None = None,
    max_seconds: float | None = None,
) -> SolveResult:
    """Certified global optimum of the two-layer ReLU problem over the full arrangement of 2-D data.

    ``init`` (a previous network) warm-starts the working set with the faces of its neurons; ``oracle``
    is the points' :class:`~geometry.PlanarOracle` when the caller already built it.  Stops when
    the exact dual constraint holds, ``phi(y - yhat) <= beta (1 + phi_tol)``, after ``max_iter``,
    or once ``max_seconds`` have passed at the end of a pricing round
    pricing rounds (then ``info["converged"]`` is False and says why).
    """
    t0 = time.perf_counter()
    X = np.asarray(X, float)
    y = np.asarray(y, float)
    Z = lift(X)
    n, k = Z.shape
    if oracle is None:
        oracle = PlanarOracle(X)
    faces: list[Face] = []
    x = np.zeros(0)
    if init is not None and init.width > 0:
        for u, a in zip(init.neurons, init.a):
            f = face_of(Z, u, 1 if a > 0 else -1)
            if f is not None and all(f.key != g.key for g in faces):
                faces.append(f)
        # feasible start: each block is the previous neuron's mass along its own direction
        blocks = []
        for f, u, a in zip(faces, init.neurons, init.a):
            v = u * abs(a)
            blocks.append(f.basis.T @ v)
        x = np.concatenate(blocks) if blocks else np.zeros(0)
    start_mass = 1e-9 * max(1.0, float(np.linalg.norm(y)))
    history = []
    converged, reason = False, ""
    resolved = False  # whether the master was just re-solved from scratch
    lazy = True  # price vertices and edges first; cell interiors only when they show no violation
    n_iter = 0
    peak_value = np.inf
    for n_iter in range(1, max_iter + 1):
        # master: exact group lasso on the working set, cone constraints by the active-set rule
        guess = None  # a warm start for the master (x is the feasible point the next step starts from)
        for inner in range(10 * n + 10):
            master = _Master(faces, y, beta)
            x1 = master.solve(x if guess is None else guess, warm=inner > 0)
            guess = None
            b0, b1 = master.blocks(x), master.blocks(x1)
            # a block that starts at zero and stays there leaves the working set; so does one that wants
            # a direction outside its cone, and then the master is solved again (the oracle brings a
            # face back, started inside its cone, if it is needed)
            idle = [j for j in range(len(faces)) if not np.any(b0[j]) and not np.any(b1[j])]
            if idle:
                keep = [j for j in range(len(faces)) if j not in idle]
                faces = [faces[j] for j in keep]
                b0, b1 = [b0[j] for j in keep], [b1[j] for j in keep]
                x = np.concatenate(b0) if faces else np.zeros(0)
                x1 = np.concatenate(b1) if faces else np.zeros(0)
                master = _Master(faces, y, beta)
            out = [j for j, f in enumerate(faces) if not np.any(b0[j]) and np.any(f.M @ b1[j] < -_slack(f, b1[j]))]
            if out:
                faces = [f for j, f in enumerate(faces) if j not in out]
                x = np.concatenate([b for j, b in enumerate(b0) if j not in out]) if faces else np.zeros(0)
                guess = np.concatenate([b for j, b in enumerate(b1) if j not in out]) if faces else np.zeros(0)
                continue
            crossings = _first_crossings(faces, master, x, x1)
            if not crossings:
                x = x1
                break
            # each block stops where it meets its first line; if that does not lower the objective,
            # all blocks stop at the earliest crossing (the segment stays feasible, and by convexity
            # the objective does not grow along it)
            b0 = master.blocks(x)
            trial = [b0[j] + crossings[j][0] * (b1[j] - b0[j]) if j in crossings else b1[j] for j in range(len(faces))]
            x_try = np.concatenate(trial)
            if master.objective(x_try) <= master.objective(x):
                x, hits = x_try, [(j, i) for j, (_, i) in crossings.items()]
            else:
                t = min(tj for tj, _ in crossings.values())
                x = x + t * (x1 - x)
                hits = [(j, i) for j, (tj, i) in crossings.items() if tj <= t + 1e-15]
            blocks = master.blocks(x)
            new_faces, new_blocks = [], []
            hit_pts: dict[int, list[int]] = {}
            for j, i in hits:
                hit_pts.setdefault(j, []).append(i)
            for j, (f, b) in enumerate(zip(faces, blocks)):
                if j in hit_pts and np.any(b):
                    g = face_of(Z, f.basis @ b, f.sign, extra_on_line=f.on_line + tuple(hit_pts[j]))
                    if g is None:
                        continue
                    f, b = g, g.basis.T @ (f.basis @ b)
                new_faces.append(f)
                new_blocks.append(b)
            faces, x = _merge_faces(new_faces, new_blocks)
        # drop empty faces, then price every face of the arrangement with the exact oracle
        blocks = _Master(faces, y, beta).blocks(x) if faces else []
        keep = [j for j, b in enumerate(blocks) if np.any(b)]
        faces = [faces[j] for j in keep]
        x = np.concatenate([blocks[j] for j in keep]) if keep else np.zeros(0)
        resid = y - (np.hstack([f.A for f in faces]) @ x if faces else 0.0)
        peaks = oracle.peaks(resid, beta * (1 + phi_tol), keep=peaks_per_iter, separation=separation, lazy=lazy)
        peak_value = peaks.value
        history.append(peak_value / beta)
        if peak_value <= beta * (1 + phi_tol):
            converged, reason = True, "exact dual constraint holds"
            break
        if max_seconds is not None and time.perf_counter() - t0 > max_seconds:
            reason = f"it reached its time limit of {max_seconds:g} s with phi/beta = {peak_value / beta:.6g}"
            break
        known = {f.key for f in faces}
        added = 0
        blocks = _Master(faces, y, beta).blocks(x) if faces else []
        for val, u, s in zip(peaks.values, peaks.neurons, peaks.signs):
            if val <= beta * (1 + phi_tol):
                continue
            f = face_of(Z, u, int(s))
            if f is None or f.key in known:
                continue
            if any(g.sign == f.sign and g.dim > f.dim and _in_closure(g, u) for g in faces):
                continue  # that larger face already computes this neuron's feature
            known.add(f.key)
            # start inside the cone: the best mass along the violating direction, others fixed
            e = f.basis.T @ u
            feat = f.A @ e
            mass = max(float(feat @ resid) - beta, 0.0) / max(float(feat @ feat), 1e-300)
            start = max(mass, start_mass) * e
            # smaller faces of the same sign inside this one's closed cone hand over their mass
            keep_f, keep_b = [], []
            for g, b in zip(faces, blocks):
                if g.sign == f.sign and g.dim < f.dim and np.any(b) and _in_closure(f, g.basis @ b):
                    start = start + f.basis.T @ (g.basis @ b)
                else:
                    keep_f.append(g)
                    keep_b.append(b)
            faces, blocks = keep_f + [f], keep_b + [start]
            added += 1
        x = np.concatenate(blocks) if blocks else np.zeros(0)
        if added == 0:
            # the violations sit on faces already in the set.  A lazy pricing saw only vertices and
            # edges (a rounding-level violation there hides a real one inside a cell): price fully.
            # Otherwise the master was not solved accurately enough: solve it once more from scratch
            # (interior point, then Newton) and price again.
            if lazy:
                lazy = False
                continue
            if faces and not resolved:
                resolved = True
                master = _Master(faces, y, beta)
                x1 = master.solve(x, warm=False)
                if not _first_crossings(faces, master, x, x1):
                    x = x1
                continue
            reason = (
                f"the master problem could not be solved accurately enough (phi/beta = {peak_value / beta:.6g} "
                f"on faces already in the working set)"
            )
            break
        resolved, lazy = False, True
    else:
        reason = f"it used its {max_iter} pricing rounds with phi/beta = {peak_value / beta:.3g}"
    blocks = _Master(faces, y, beta).blocks(x) if faces else []
    # a degenerate optimum can spread over more than n + 1 neurons: keep outputs and penalty, drop the rest
    net = caratheodory_prune(X, _network(faces, blocks, k))
    info = {
        "converged": converged,
        "reason": reason,
        "phi_over_beta": history,
        "working_set": len(faces),
        "seconds": time.perf_counter() - t0,
    }
    return SolveResult(net, n_iter=n_iter, n_patterns=len(faces), info=info)


def _in_closure(face: Face, w: np.ndarray) -> bool:
    """Is the direction ``w`` in the closed cone of ``face`` (so that its feature there is ``D Z w``)?"""
    nw = np.linalg.norm(w)
    c = face.basis.T @ w
    if np.linalg.norm(face.basis @ c - w) > 1e-10 * nw:
        return False
    return bool(np.min(face.M @ c) >= -1e-10 * nw * face.zscale)


def _merge_faces(faces: list[Face], blocks: list[np.ndarray]):
    """One block per signed face: blocks that reached the same face add up (same basis, same cone)."""
    out_f: list[Face] = []
    out_b: list[np.ndarray] = []
    where: dict = {}
    for f, b in zip(faces, blocks):
        if f.key in where:
            i = where[f.key]
            out_b[i] = out_b[i] + out_f[i].basis.T @ (f.basis @ b)
        else:
            where[f.key] = len(out_f)
            out_f.append(f)
            out_b.append(b)
    x = np.concatenate(out_b) if out_b else np.zeros(0)
    return out_f, x
