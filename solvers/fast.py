"""The fast exact solver: column generation over the faces of the arrangement, with exact masters.

The convex twin (docs/math.md section 2) is a sparse problem over neuron directions on the sphere.  An
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

import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from geometry import lift
from geometry.dual import PlanarOracle

from .certificate import scaled_dual
from .group_lasso import GroupLasso, block_norms
from .network import ReLUNetwork, merge_parallel, network_from_blocks
from .polish import caratheodory_masses, caratheodory_prune, null_basis
from .result import SolveResult

ON_LINE = 1e-10
"""A data point lies on a neuron's line when ``|z_i . u| <= ON_LINE * ||z_i||`` (``u`` a unit vector)."""


REPORT_EVERY = 0.25
"""Seconds between two reports of a running solve to its ``on_round`` callback."""


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
    dim: int = field(init=False)  # r, the number of coordinates x

    def __post_init__(self):
        self.dim = int(self.basis.shape[1])


def face_of(Z: np.ndarray, u: np.ndarray, sign: int, extra_on_line=(), known=frozenset()) -> Face | None:
    """The face of the arrangement that contains the direction ``u`` (plus the given on-line points); None when
    the face is only the origin, or when its key is in ``known`` (tested before its basis is computed)."""
    u = u / math.sqrt(float(u @ u))
    zn = np.sqrt(np.einsum("ij,ij->i", Z, Z))
    s = Z @ u
    near = np.abs(s) <= ON_LINE * zn
    if extra_on_line:
        near[list(extra_on_line)] = True
    on_line = tuple(np.flatnonzero(near).tolist())
    pattern = (s >= 0) | near
    key = (int(sign), on_line, np.packbits(pattern).tobytes())
    if key in known:
        return None
    basis = null_basis(Z[list(on_line)], Z.shape[1])
    if basis.shape[1] == 0:
        return None
    ZB = Z @ basis
    A = sign * np.where(pattern[:, None], ZB, 0.0)
    M = np.where(pattern[:, None], ZB, -ZB)
    if on_line:
        M[list(on_line)] = 0.0
    return Face(int(sign), on_line, pattern, basis, A, M, key, float(zn.max()))


def _split(faces: list[Face], x: np.ndarray) -> list[np.ndarray]:
    """The blocks ``x_F`` of the stacked vector ``x``, one per face."""
    ends = np.cumsum([f.dim for f in faces]).astype(int)
    return [x[e - f.dim : e] for f, e in zip(faces, ends)]


def _slack(f: Face, b: np.ndarray) -> float:
    """Rounding allowance for the cone test ``M b >= 0``."""
    return 1e-12 * max(1.0, float(np.max(np.abs(f.M @ b))) if b.size else 1.0)


def _cone_values(faces: list[Face], x: np.ndarray) -> np.ndarray:
    """``M_F x_F`` for every face, as the columns of an ``(n, |faces|)`` array (``x_F`` in cone(F) iff its column is
    ``>= 0``)."""
    if not faces:
        return np.zeros((0, 0))
    starts = np.concatenate([[0], np.cumsum([f.dim for f in faces])[:-1]]).astype(int)
    return np.add.reduceat(np.hstack([f.M for f in faces]) * x, starts, axis=1)


def _first_crossings(faces: list[Face], x0: np.ndarray, x1: np.ndarray) -> dict:
    """For each block whose path ``x0_j + t (x1_j - x0_j)`` leaves its face's cone: ``(t_j, point)``, the
    fraction of the path at which it first meets a line and that line's data point."""
    if not faces:
        return {}
    m0, m1 = _cone_values(faces, x0), _cone_values(faces, x1)
    scale = 1e-12 * np.maximum(1.0, np.maximum(np.abs(m0).max(axis=0), np.abs(m1).max(axis=0)))
    bad = m1 < -scale
    out = {}
    for j in np.flatnonzero(bad.any(axis=0)):
        rows = np.flatnonzero(bad[:, j])
        t = np.clip(np.maximum(m0[rows, j], 0.0) / (m0[rows, j] - m1[rows, j]), 0.0, 1.0)
        i_local = int(np.argmin(t))
        out[int(j)] = (float(t[i_local]), int(rows[i_local]))
    return out


def _network(faces: list[Face], blocks: list[np.ndarray], k: int) -> ReLUNetwork:
    """The faces' blocks ``x_F`` as neurons: block ``u = B_F x_F`` with sign ``s_F``, parallel ones merged."""
    U = np.array([f.basis @ b for f, b in zip(faces, blocks)]).reshape(-1, k)
    return merge_parallel(network_from_blocks(U, np.array([f.sign for f in faces], float)))


GROW = 2.0
"""A pricing round adds at most ``max(GROW_MIN, GROW |working set|)`` faces: an early round's many violators
mostly leave again, each through a cone crossing that costs a master solve (xor, n = 40: 34 added at once
took 17 solves)."""
GROW_MIN = 8


TAIL_BELOW = 1.5
"""Pricing takes its finer settings (``tail_peaks`` neurons at least ``tail_separation`` apart) once the last round's
``phi / beta`` is below this: there the remaining violations are small and close together."""


RESOLVE_STEPS = 0
"""Newton steps from the start of a master re-solve (after a cone crossing or a dropped block) before its interior
point."""


CONTINUE_BELOW = 1e-5
"""A cold fit with ``beta < CONTINUE_BELOW beta_max`` walks down to ``beta`` (see :func:`solve_exact`)."""
CONTINUE_TOP = 27.0
"""The walk starts at ``CONTINUE_TOP beta`` ..."""
CONTINUE_RATIO = 3.0
"""... and divides beta by ``CONTINUE_RATIO`` per stage."""
CONTINUE_GAP = 1e-4
"""Relative duality gap at which an intermediate stage stops: it only has to hand on a good working set."""


def solve_exact(X, y, beta: float, *, init: ReLUNetwork | None = None, continuation: bool = True, **options) -> SolveResult:
    """Certified global optimum of the two-layer ReLU problem over the full arrangement of 2-D data
    (:func:`solve_exact_at` for ``init`` and the ``options``).

    With ``continuation`` (default), a cold fit at small beta (``beta < CONTINUE_BELOW beta_max``, where the
    optimum nearly interpolates and a cold column generation needs ~150 rounds) first solves at
    ``27 beta, 9 beta, 3 beta`` to a relative gap of ``CONTINUE_GAP``, each stage warm-started from the one
    before, and then at ``beta`` to full accuracy.  Measured on the page's presets at n = 200 and beta = 1e-4:
    2-3x faster (xor 24.7 -> 8.7 s).  Above that threshold it measured no faster, so it is not used.  The
    result is a function of the data alone, like every cold fit: the walk is deterministic.  ``max_seconds``,
    ``on_round`` (with seconds and rounds counted from the start) and cancellation cover the whole walk; each
    stage's network is a feasible point of the final problem, so what ``on_round`` sees stays a valid primal.
    """
    if init is not None or not continuation:
        return solve_exact_at(X, y, beta, init=init, **options)
    X = np.asarray(X, float)
    y = np.asarray(y, float)
    oracle = options.pop("oracle", None) or PlanarOracle(X)
    top = oracle.phi(y)
    if not beta < CONTINUE_BELOW * top:
        return solve_exact_at(X, y, beta, oracle=oracle, **options)
    t0 = time.perf_counter()
    max_seconds = options.pop("max_seconds", None)
    on_round = options.pop("on_round", None)
    stage_options = {key: value for key, value in options.items() if key != "gap_tol"}
    rounds = 0
    net, stages = None, []
    b = CONTINUE_TOP * beta
    while True:
        last = b <= beta * (1 + 1e-9)
        b = beta if last else b
        left = None if max_seconds is None else max_seconds - (time.perf_counter() - t0)
        report = None
        if on_round is not None:
            def report(network, seconds, r, _before=rounds):
                return on_round(network, time.perf_counter() - t0, _before + r)
        res = solve_exact_at(
            X, y, b, init=net, oracle=oracle, max_seconds=left, on_round=report,
            **(options if last else {**stage_options, "gap_tol": CONTINUE_GAP}),
        )
        rounds += res.n_iter
        stages.append(float(b))
        net = res.network
        stopped = res.info["cancelled"] or (left is not None and time.perf_counter() - t0 >= max_seconds)
        if last or stopped:
            break
        b /= CONTINUE_RATIO
    info = dict(res.info)
    info["continuation"] = stages
    info["seconds"] = time.perf_counter() - t0
    if not last and not info["cancelled"]:
        info["converged"] = False
        info["reason"] = f"it reached its time limit of {max_seconds:g} s while walking down to beta = {beta:g}"
    return SolveResult(net, n_iter=rounds, n_patterns=res.n_patterns, info=info)


def solve_exact_at(
    X,
    y,
    beta: float,
    *,
    init: ReLUNetwork | None = None,
    max_iter: int = 200,
    peaks_per_iter: int = 64,
    phi_tol: float = 1e-10,
    gap_tol: float = 1e-9,
    separation: float = 0.5,
    tail_peaks: int = 32,
    tail_separation: float = 0.15,
    oracle: PlanarOracle | None = None,
    max_seconds: float | None = None,
    on_round: Callable[[ReLUNetwork, float, int], bool | None] | None = None,
    report_every: float | None = None,
) -> SolveResult:
    """Certified global optimum at one beta, by column generation (no continuation).

    ``init`` (a previous network) warm-starts the working set with the faces of its neurons; ``oracle``
    is the points' :class:`~geometry.PlanarOracle` when the caller already built it.  Stops when
    the exact dual constraint holds, ``phi(y - yhat) <= beta (1 + phi_tol)``, or when the scaled residual
    proves a relative duality gap within ``gap_tol`` (at small beta the masters' rounding, ~1e-9 beta, can
    keep ``phi/beta - 1`` above ``phi_tol`` for good, while the gap is a thousand times inside the
    certificate's 1e-6), after ``max_iter``
    pricing rounds, or once ``max_seconds`` have passed (checked between pricing rounds, between the
    steps of a master and inside its interior point; then ``info["converged"]`` is False and says why).

    Each pricing round adds the faces of up to ``peaks_per_iter`` violating neurons, each at least
    ``separation`` from the others of its sign (unit vectors ``(w, b) / ||(w, b)||``), and once ``phi / beta``
    is below ``TAIL_BELOW``, up to ``tail_peaks`` at least ``tail_separation`` apart.  On the page's presets at
    n = 200 and beta = 1e-2..1e-3 these measured 20-30% faster than one setting (64 peaks, 0.7 apart)
    throughout: fewer rounds (xor at 1e-3: 90 -> 64), at masters of about the same cost.

    ``on_round(network, seconds, rounds)``, when given, sees the current network (feasible, not yet
    pruned) after a pricing round, at most every ``report_every`` seconds (default ``REPORT_EVERY``); returning True stops the
    solve (``info["cancelled"]``).
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
    hold = False  # keep the working set as the master left it (no sparsification) for one round
    lazy = True  # price vertices and edges first; cell interiors only when they show no violation
    n_iter = 0
    peak_value = np.inf
    cancelled = False
    last_report = t0
    report_every = REPORT_EVERY if report_every is None else report_every
    deadline = None if max_seconds is None else t0 + float(max_seconds)
    for n_iter in range(1, max_iter + 1):
        # master: exact group lasso on the working set, cone constraints by the active-set rule
        guess = None  # a warm start for the master (x is the feasible point the next step starts from)
        for inner in range(10 * n + 10):
            left = None if deadline is None else deadline - time.perf_counter()
            if left is not None and left <= 0:
                break  # out of time: x is feasible (in its cones); price it and stop below
            master = GroupLasso([f.A for f in faces], y, beta)
            x1 = master.solve(x if guess is None else guess, warm=inner > 0, warm_steps=RESOLVE_STEPS, seconds=left)
            guess = None
            b0, b1 = master.blocks(x), master.blocks(x1)
            on0, on1 = master.nonzero(x), master.nonzero(x1)
            # a block that starts at zero and stays there leaves the working set; so does one that wants
            # a direction outside its cone, and then the master is solved again (the oracle brings a
            # face back, started inside its cone, if it is needed)
            if not np.all(on0 | on1):
                keep = np.flatnonzero(on0 | on1)
                faces = [faces[j] for j in keep]
                b0, b1 = [b0[j] for j in keep], [b1[j] for j in keep]
                on0, on1 = on0[keep], on1[keep]
                x = np.concatenate(b0) if faces else np.zeros(0)
                x1 = np.concatenate(b1) if faces else np.zeros(0)
                master = GroupLasso([f.A for f in faces], y, beta)
            out = {int(j) for j in np.flatnonzero(~on0) if np.any(faces[j].M @ b1[j] < -_slack(faces[j], b1[j]))}
            if out:
                faces = [f for j, f in enumerate(faces) if j not in out]
                x = np.concatenate([b for j, b in enumerate(b0) if j not in out]) if faces else np.zeros(0)
                guess = np.concatenate([b for j, b in enumerate(b1) if j not in out]) if faces else np.zeros(0)
                continue
            crossings = _first_crossings(faces, x, x1)
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
        blocks = _split(faces, x)
        keep = [j for j, b in enumerate(blocks) if np.any(b)]
        faces = [faces[j] for j in keep]
        x = np.concatenate([blocks[j] for j in keep]) if keep else np.zeros(0)
        # the master's optimum is not unique once blocks outnumber the points (at small beta, ~1.5 n
        # blocks): keep one with at most n + 1 blocks, the same outputs and penalty (so still optimal)
        sparsified = False
        if not hold:
            before = len(faces)
            faces, x = _sparsified(faces, x)
            sparsified = len(faces) < before
        hold = False
        resid = y - (np.hstack([f.A for f in faces]) @ x if faces else 0.0)
        keep, apart = (tail_peaks, tail_separation) if peak_value <= TAIL_BELOW * beta else (peaks_per_iter, separation)
        peaks = oracle.peaks(resid, beta * (1 + phi_tol), keep=keep, separation=apart, lazy=lazy)
        peak_value = peaks.value
        history.append(peak_value / beta)
        if peak_value <= beta * (1 + phi_tol):
            if sparsified and _relative_gap(y, resid, beta, peak_value, _penalty(faces, x)) > gap_tol:
                # phi <= beta proves optimality only on an optimal master, and the sparsified one is optimal
                # only up to its rounding: solve it once more, and price it as it is
                hold = True
                continue
            converged, reason = True, "exact dual constraint holds"
            break
        penalty = _penalty(faces, x)
        if _relative_gap(y, resid, beta, peak_value, penalty) <= gap_tol:
            # a lazy pricing's value is only a lower bound on phi: the proof needs phi itself
            if lazy:
                peaks = oracle.peaks(resid, beta * (1 + phi_tol), keep=keep, separation=apart)
                peak_value = peaks.value
                history[-1] = peak_value / beta
            gap = _relative_gap(y, resid, beta, peak_value, penalty)
            if gap <= gap_tol:
                converged, reason = True, f"relative duality gap {gap:.1e} <= {gap_tol:g}"
                break
        now = time.perf_counter()
        if on_round is not None and now - last_report >= report_every:
            last_report = now
            if on_round(_network(faces, _split(faces, x), k), now - t0, n_iter):
                cancelled, reason = True, "it was cancelled"
                break
        if max_seconds is not None and time.perf_counter() - t0 > max_seconds:
            reason = f"it reached its time limit of {max_seconds:g} s with phi/beta = {peak_value / beta:.6g}"
            break
        known = {f.key for f in faces}
        added = 0
        blocks = _split(faces, x)
        cap = max(GROW_MIN, int(GROW * len(faces)))
        for val, u, s in zip(peaks.values, peaks.neurons, peaks.signs):
            if val <= beta * (1 + phi_tol) or added >= cap:
                continue
            f = face_of(Z, u, int(s), known=known)
            if f is None:
                continue  # the origin, or a face already in the working set
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
                master = GroupLasso([f.A for f in faces], y, beta)
                left = None if deadline is None else max(deadline - time.perf_counter(), 0.0)
                x1 = master.solve(x, warm=False, polish=50, seconds=left)  # the thorough solve before giving up
                if not _first_crossings(faces, x, x1):
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
    blocks = _split(faces, x)
    # a degenerate optimum can spread over more than n + 1 neurons: keep outputs and penalty, drop the rest
    net = canonical_order(caratheodory_prune(X, _network(faces, blocks, k)))
    info = {
        "converged": converged,
        "cancelled": cancelled,
        "reason": reason,
        "phi_over_beta": history,
        "working_set": len(faces),
        "seconds": time.perf_counter() - t0,
    }
    return SolveResult(net, n_iter=n_iter, n_patterns=len(faces), info=info)


def _sparsified(faces: list[Face], x: np.ndarray) -> tuple[list[Face], np.ndarray]:
    """The nonzero blocks ``x_F = c_F e_F`` (unit ``e_F``) rescaled by Caratheodory's step: masses ``c' >= 0`` with
    ``sum_F c'_F A_F e_F = sum_F c_F A_F e_F`` and ``sum c' = sum c`` on linearly independent columns of
    ``[A_F e_F; 1]`` (at most ``n + 1``), and the faces whose mass reaches zero dropped (docs/math.md sections 2
    and 4).  Fit and penalty are unchanged, so an optimum of the master stays an optimum of the smaller one,
    whose Newton matrices are then far less often singular.  (The fit is kept only to rounding, about
    ``1e-10 sum c max|A|``: see the stop in :func:`solve_exact_at`.)"""
    if len(faces) <= 1:
        return faces, x
    blocks = _split(faces, x)
    masses = _block_norms(faces, x)
    features = np.column_stack([f.A @ (b / m) for f, b, m in zip(faces, blocks, masses)])
    c = caratheodory_masses(features, masses)
    keep = np.flatnonzero(c > 0)
    if keep.size == len(faces):
        return faces, x
    return [faces[j] for j in keep], np.concatenate([blocks[j] * (c[j] / masses[j]) for j in keep])


def _block_norms(faces: list[Face], x: np.ndarray) -> np.ndarray:
    """``||x_F||`` for every face."""
    return block_norms(np.repeat(np.arange(len(faces)), [f.dim for f in faces]), x, len(faces))


def _penalty(faces: list[Face], x: np.ndarray) -> float:
    """``sum_F ||x_F||``."""
    return float(_block_norms(faces, x).sum()) if faces else 0.0


def _relative_gap(y: np.ndarray, resid: np.ndarray, beta: float, phi_value: float, penalty: float) -> float:
    """``(p - d(v)) / p``: ``p = 1/2 ||r||^2 + beta sum_F ||x_F||`` the working set's objective (at least the
    network's, whose merged neurons cost no more), ``v = min(1, beta / phi(r)) r`` dual feasible and
    ``d(v) = y^T v - 1/2 ||v||^2 <= p*`` (docs/math.md section 4)."""
    p = 0.5 * float(resid @ resid) + beta * penalty
    _, d = scaled_dual(y, resid, phi_value, beta)
    return (p - d) / p if p > 0 else np.inf


def canonical_order(net: ReLUNetwork) -> ReLUNetwork:
    """The neurons in a fixed order: positive output weights first, then by the angle of the line's normal
    ``atan2(w_2, w_1)`` and its offset, so that equal networks (a warm and a cold fit of the same optimum)
    list equal neurons in the same order."""
    if net.width <= 1:
        return net
    U = net.neurons / np.linalg.norm(net.neurons, axis=1, keepdims=True)
    order = np.lexsort((U[:, -1], np.arctan2(U[:, 1], U[:, 0]), -np.sign(net.a)))
    return ReLUNetwork.from_neurons(net.neurons[order], net.a[order])


def _in_closure(face: Face, w: np.ndarray) -> bool:
    """Is the direction ``w`` in the closed cone of ``face`` (so that its feature there is ``D Z w``)?"""
    nw = math.sqrt(float(w @ w))
    c = face.basis.T @ w
    off = face.basis @ c - w  # the part of w outside the face's span
    if math.sqrt(float(off @ off)) > 1e-10 * nw:
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
