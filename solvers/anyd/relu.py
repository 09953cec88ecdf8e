"""The ReLU program on sampled patterns: cone-constrained group lasso by projected R-FISTA with cutting
planes (docs/math.md section 7).

    primal:  min over v_i, w_i in K_i of  1/2 || sum_i D_i Z (v_i - w_i) - y ||^2 + beta sum_i (||v_i|| + ||w_i||)
    dual:    max over r of  -1/2 ||r - y||^2 + 1/2 ||y||^2
             s.t.  ||Proj_{K_i}(Z^T D_i r)|| <= beta  and  ||Proj_{K_i}(-Z^T D_i r)|| <= beta  for every sampled i

Method.  The ``2P`` blocks (``v`` with sign +1, ``w`` with sign -1) are iterated by R-FISTA
(:mod:`.fista`) whose proximal map projects each block onto the cutting-plane cone ``K_{J_i}`` of its
pattern and then soft-thresholds it (:mod:`.cones`).  Every ``check_every`` iterations

1. the nonzero blocks are checked against ALL ``n`` constraints of their cones; violated constraints become
   cuts ("deep" cuts: constraint generation towards each block's projection onto its full cone), and
   FISTA goes on with its momentum, its next proximal steps projecting onto the tightened cones;
2. when no block violates its cone and the objective has stalled (or every few checks), every block is
   priced: ``||Proj_{K_i}(+-Z^T D_i r)||`` by the per-block NNLS on the cuts plus constraint generation
   (an upper bound always, exact where it finishes).  With ``M`` the largest value, ``v = min(1, beta/M) r``
   is feasible for the dual above, and the run stops when ``(p - d(v)) / p <= tol``; blocks priced above
   ``beta`` join the working set, zero blocks priced at most ``beta`` leave it;
3. once the gap is below ``POLISH_BELOW`` (relative), Newton's method on each block's face (the span
   orthogonal to its tight cuts; :mod:`.polish`) is tried; its point is kept only if every block still lies
   in its cone and its priced gap is smaller.

So the returned blocks are feasible for every cone constraint (to ``FEAS_TOL`` relative) and the gap is the
gap of the whole sampled ReLU program.  What it proves: this program's optimum, an UPPER bound on the ReLU
optimum ``p*``; never a global certificate, because patterns outside the sample are never priced.

Why not an augmented Lagrangian: with multipliers on the ``2 P n`` cone constraints the method-of-
multipliers rate is about ``H / (H + rho ||z||^2)`` per outer step (``H ~ n`` the loss curvature of a
block), so a useful ``rho`` makes the inner problem ill-conditioned by the same factor; on
``n = 1000, d = 10, P = 100`` it had not reached a 1e-3 gap after 100 s, while the cutting-plane
projection enforces the binding constraints exactly and converges like the gated program.
"""

from __future__ import annotations

import time

import numpy as np

from .cones import ConeCuts
from .design import BlockDesign
from .cones import FEAS_TOL
from .fista import rfista
from .polish import face_basis, newton_polish
from .solution import ProgramSolution, dual_value, relative_gap

IDLE_CHECKS = 3
"""A block that has been zero at this many consecutive checks leaves the working set (pricing brings it
back if the dual says it should be nonzero)."""

POLISH_BELOW = 1e-2
"""Try Newton on the blocks' faces (:mod:`.polish`) once the relative gap is below this (and above ``tol``)."""

PRICE_EVERY = 5
"""Price all blocks every this many checks, and every second check while the objective stalls."""


def relu_blocks(P: int) -> tuple[np.ndarray, np.ndarray]:
    """Pattern index and output sign of the ``2P`` blocks: ``v_1..v_P`` (+1), then ``w_1..w_P`` (-1)."""
    return np.concatenate([np.arange(P), np.arange(P)]), np.concatenate([np.ones(P), -np.ones(P)])


def relu_dual_bounds(cones: ConeCuts, r: np.ndarray, beta: float) -> np.ndarray:
    """Upper bounds on ``||Proj_{K_i}(s_b Z^T D_i r)||`` for the ``2P`` blocks (exact where constraint
    generation finished; rows already ``<= beta`` are not refined further)."""
    c = BlockDesign(cones.Z, cones.mask).adjoint(r)
    pattern_of, _ = relu_blocks(c.shape[0])
    keys = pattern_of.size + np.arange(pattern_of.size)  # the dual's warm-start keys follow the prox's
    bounds, _ = cones.projection_norms(np.vstack([c, -c]), pattern_of, beta, keys=keys)
    return bounds


def binding_faces(cones: ConeCuts, X: np.ndarray, patterns: np.ndarray) -> list:
    """Orthonormal bases of the faces the blocks sit on: the span orthogonal to the cuts that are tight at
    ``x_b`` (``|a_j . x_b| <= 1e-9 ||z_j|| ||x_b||``)."""
    out = []
    k = X.shape[1]
    for x, p in zip(X, patterns):
        A = cones.rows[int(p)]
        nx = float(np.linalg.norm(x))
        if nx == 0 or A.shape[0] == 0:
            out.append(np.eye(k))
            continue
        tight = np.abs(A @ x) <= 1e-9 * nx * np.linalg.norm(A, axis=1)
        out.append(face_basis(A[tight], k))
    return out


def solve_relu_program(
    Z: np.ndarray,
    y: np.ndarray,
    mask: np.ndarray,
    beta: float,
    *,
    tol: float = 1e-6,
    max_iter: int = 10_000,
    max_seconds: float | None = None,
    check_every: int = 10,
    cones: ConeCuts | None = None,
) -> ProgramSolution:
    """Solve the ReLU program on the patterns of ``mask`` ((n, P) float 0/1) to relative gap ``tol`` with
    every nonzero block inside its cone.  ``cones``: a :class:`~.cones.ConeCuts` of ``(Z, mask)`` to reuse
    (it keeps the cuts, so a later certificate can reuse them)."""
    t0 = time.perf_counter()
    Z = np.asarray(Z, float)
    y = np.asarray(y, float)
    n, k = Z.shape
    P = mask.shape[1]
    pattern_of, signs = relu_blocks(P)
    cones = ConeCuts(Z, mask) if cones is None else cones
    # ||Z^T D_i y|| bounds every block's dual value at r = y: blocks below beta start (and stay) at zero
    c = BlockDesign(Z, mask).adjoint(y)
    bounds = np.tile(np.linalg.norm(c, axis=1), 2)
    beta_max = float(bounds.max(initial=0.0))  # an upper bound on the ReLU program's beta_max
    if beta >= beta_max:
        v, d = dual_value(y, y, beta_max, beta)
        p = 0.5 * float(y @ y)
        return ProgramSolution(np.zeros((2 * P, k)), signs, pattern_of, p, v, d, p - d, 0.0, beta_max, beta_max, 0,
                               True, "beta >= beta_max: the zero model is optimal")
    work = np.flatnonzero(bounds > beta)
    x = np.zeros((work.size, k))
    zero_count = np.zeros(work.size, int)  # consecutive checks at which each working block was zero
    step = None
    total, n_sets, n_price, reason, converged = 0, 0, 0, "", False
    best: dict = {}
    polished = {"tries": 0}
    while True:
        pats = pattern_of[work]
        design = None  # let the previous working set's mask go before building this one
        signed = mask[:, pats]
        signed *= signs[work]
        design = BlockDesign(Z, signed)
        if step is None:
            step = 1.0 / design.lipschitz()
        change: dict = {}
        track = {"p": np.inf, "since": 0, "zero": zero_count}

        view = cones.view(pats, work)

        def prox(V, s):
            return view(V, s * beta)

        def check(xw, pred):
            if max_seconds is not None and time.perf_counter() - t0 > max_seconds:
                change["time"] = True
                return True
            nonzero = np.linalg.norm(xw, axis=1) > 0
            track["zero"] = np.where(nonzero, 0, track["zero"] + 1)
            idle = track["zero"] >= IDLE_CHECKS
            if idle.sum() > max(8, work.size // 4):  # blocks that stayed at zero: iterate without them
                change["enter"], change["stay"] = np.zeros(0, int), ~idle
                return True
            added, _ = cones.cut(xw[nonzero], pats[nonzero])
            if added:  # keep the momentum: the next proximal step projects onto the tightened cones
                return False
            r = y - pred
            p = 0.5 * float(r @ r) + beta * float(np.linalg.norm(xw, axis=1).sum())
            track["since"] += 1
            stalled = track["p"] - p <= 0.1 * tol * p
            track["p"] = p
            if track["since"] < (2 if stalled else PRICE_EVERY):
                return False
            track["since"] = 0
            change["priced"] = change.get("priced", 0) + 1
            b = relu_dual_bounds(cones, r, beta)
            m = float(b.max(initial=0.0))
            v, d = dual_value(y, r, m, beta)
            if not best or p - d < best["gap"]:
                best.update(gap=p - d, p=p, v=v, d=d, m=m, x=xw.copy(), work=work.copy())
            if tol * p < p - d <= POLISH_BELOW * p and polished["tries"] < 3:
                polished["tries"] += 1
                xn = newton_polish(Z, y, mask, beta, xw, signs[work], pats, binding_faces(cones, xw, pats))
                if xn is not None:
                    live = np.linalg.norm(xn, axis=1) > 0
                    worst = cones.worst_violations(xn[live], pats[live], 1)[0].max(initial=0.0)
                    if worst <= FEAS_TOL:
                        rn = y - design.forward(xn)
                        pn = 0.5 * float(rn @ rn) + beta * float(np.linalg.norm(xn, axis=1).sum())
                        bn = relu_dual_bounds(cones, rn, beta)
                        mn = float(bn.max(initial=0.0))
                        vn, dn = dual_value(y, rn, mn, beta)
                        if pn - dn < best["gap"]:
                            best.update(gap=pn - dn, p=pn, v=vn, d=dn, m=mn, x=xn, work=work.copy())
            if best["gap"] <= tol * best["p"]:
                change["done"] = True
                return True
            outside = np.ones(2 * P, bool)
            outside[work] = False
            enter = np.flatnonzero(outside & (b > beta))
            leave = ~nonzero & (b[work] <= beta)
            if enter.size or leave.sum() > max(8, work.size // 4):
                change["enter"], change["stay"] = enter, ~leave
                return True
            return False

        run = rfista(design, y, beta, x, step, max_iter - total, prox=prox, check=check, check_every=check_every)
        total += run.n_iter
        step = run.step
        n_price += change.get("priced", 0)
        if change.get("done"):
            converged, reason = True, f"relative duality gap <= {tol:g} and every block inside its cone"
            break
        if change.get("time") or (max_seconds is not None and time.perf_counter() - t0 > max_seconds):
            reason = f"time limit of {max_seconds:g} s"
            break
        if not run.stopped or total >= max_iter:
            reason = f"iteration limit of {max_iter}"
            break
        n_sets += 1
        stay = change["stay"]
        work = np.concatenate([work[stay], change["enter"]])
        x = np.vstack([run.x[stay], np.zeros((change["enter"].size, k))])
        zero_count = np.concatenate([track["zero"][stay], np.zeros(change["enter"].size, int)])
    if not best:  # stopped before any pricing: certify the last feasible iterate
        x_last = view(run.x, 0.0)
        pred = design.forward(x_last)
        r = y - pred
        p = 0.5 * float(r @ r) + beta * float(np.linalg.norm(x_last, axis=1).sum())
        b = relu_dual_bounds(cones, r, beta)
        m = float(b.max(initial=0.0))
        v, d = dual_value(y, r, m, beta)
        best.update(gap=p - d, p=p, v=v, d=d, m=m, x=x_last, work=work.copy())
    blocks = np.zeros((2 * P, k))
    blocks[best["work"]] = best["x"]
    nz = np.flatnonzero(np.linalg.norm(blocks, axis=1) > 0)
    worst = float(cones.worst_violations(blocks[nz], pattern_of[nz], 1)[0].max(initial=0.0))
    p, d = best["p"], best["d"]
    return ProgramSolution(
        blocks, signs, pattern_of, p, best["v"], d, p - d, relative_gap(p - d, p), best["m"], beta_max, total,
        converged, reason, worst,
        {"working_sets": n_sets + 1, "pricings": n_price, "cuts": cones.n_cuts, "seconds": time.perf_counter() - t0},
    )
