"""The gated ReLU program on sampled patterns, by R-FISTA over a working set (docs/math.md section 7).

    primal:  min over u_i of  1/2 || sum_i D_i Z u_i - y ||^2 + beta sum_i ||u_i||
    dual:    max over r of    -1/2 ||r - y||^2 + 1/2 ||y||^2   s.t.  ||Z^T D_i r|| <= beta  for every sampled i

The certificate scales the residual ``r = y - yhat`` by ``min(1, beta / max_i ||Z^T D_i r||)``; the
relative gap ``(p - d(v)) / p <= tol`` is the stopping rule.  It proves that THIS program is solved, and
this program is a relaxation of the ReLU program on the same patterns: never a ReLU certificate.

Working set: only the blocks that can be nonzero are iterated.  It starts with the patterns whose
``||Z^T D_i y|| > beta``; every ``check_every`` iterations all patterns are priced at the current residual
(one matrix product), patterns with ``||Z^T D_i r|| > beta`` join, zero blocks priced below
``DROP * beta`` leave, and FISTA restarts on the new set.  Since every pattern is priced, the gap is the
gap of the whole sampled program.

Polish: once the gap is below ``POLISH_BELOW`` (relative), Newton's method on the support
(:mod:`.polish`) is tried (at most three times, when the support is small enough); its point is kept only
if its own priced gap is smaller.  R-FISTA alone identifies the support quickly but approaches a tight gap
slowly; Newton finishes it in a few steps.
"""

from __future__ import annotations

import time

import numpy as np

from .design import BlockDesign
from .fista import rfista
from .polish import newton_polish
from .solution import ProgramSolution, dual_value, relative_gap

DROP = 0.9
"""A zero block leaves the working set when its dual value is below ``DROP * beta``."""

POLISH_BELOW = 1e-2
"""Try Newton on the support (:mod:`.polish`) once the relative gap is below this (and above ``tol``)."""


def solve_gated_program(
    Z: np.ndarray,
    y: np.ndarray,
    mask: np.ndarray,
    beta: float,
    *,
    tol: float = 1e-6,
    max_iter: int = 10_000,
    max_seconds: float | None = None,
    check_every: int = 10,
) -> ProgramSolution:
    """Solve the gated program on the patterns of ``mask`` ((n, P) float 0/1) to relative gap ``tol``."""
    t0 = time.perf_counter()
    Z = np.asarray(Z, float)
    y = np.asarray(y, float)
    n, k = Z.shape
    P = mask.shape[1]
    full = BlockDesign(Z, mask)
    U = np.zeros((P, k))
    c_norm = np.linalg.norm(full.adjoint(y), axis=1)
    beta_max = float(c_norm.max(initial=0.0))
    state = {"p": 0.5 * float(y @ y), "d": 0.5 * float(y @ y) if beta >= beta_max else -np.inf}
    if beta >= beta_max:
        v, d = dual_value(y, y, beta_max, beta)
        return ProgramSolution(U, np.ones(P), np.arange(P), state["p"], v, d, state["p"] - d, 0.0, beta_max,
                               beta_max, 0, True, "beta >= beta_max: the zero model is optimal")
    work = np.flatnonzero(c_norm > beta)
    x = np.zeros((work.size, k))
    step = None
    total, n_sets, reason, converged = 0, 0, "", False
    best = {}
    polished = {"tries": 0}

    def evaluate(xw, pred):
        r = y - pred
        p = 0.5 * float(r @ r) + beta * float(np.linalg.norm(xw, axis=1).sum())
        c = np.linalg.norm(full.adjoint(r), axis=1)
        m = float(c.max(initial=0.0))
        v, d = dual_value(y, r, m, beta)
        return p, v, d, m, c

    while True:
        design = None  # let the previous working set's mask go before building this one
        design = BlockDesign(Z, mask[:, work])
        if step is None:
            step = 1.0 / design.lipschitz()
        change = {}

        def check(xw, pred):
            p, v, d, m, c = evaluate(xw, pred)
            if not best or p - d < best["gap"]:
                best.update(gap=p - d, p=p, v=v, d=d, m=m, x=xw.copy(), work=work.copy())
            if tol * p < p - d <= POLISH_BELOW * p and polished["tries"] < 3:
                polished["tries"] += 1
                xn = newton_polish(Z, y, mask, beta, xw, np.ones(work.size), work)
                if xn is not None:
                    pn, vn, dn, mn, _ = evaluate(xn, design.forward(xn))
                    if pn - dn < best["gap"]:
                        best.update(gap=pn - dn, p=pn, v=vn, d=dn, m=mn, x=xn, work=work.copy())
            if best["gap"] <= tol * best["p"]:
                change["done"] = True
                return True
            if max_seconds is not None and time.perf_counter() - t0 > max_seconds:
                change["time"] = True
                return True
            outside = np.ones(P, bool)
            outside[work] = False
            enter = np.flatnonzero(outside & (c > beta))
            zero = np.linalg.norm(xw, axis=1) == 0.0
            leave = zero & (c[work] < DROP * beta)
            if enter.size or leave.sum() > max(8, work.size // 4):
                change["enter"], change["stay"] = enter, ~leave
                return True
            return False

        run = rfista(design, y, beta, x, step, max_iter - total, check=check, check_every=check_every)
        total += run.n_iter
        step = run.step
        n_sets += 1
        if change.get("done"):
            converged, reason = True, f"relative duality gap <= {tol:g}"
            break
        if change.get("time"):
            reason = f"time limit of {max_seconds:g} s"
            break
        if not run.stopped or total >= max_iter:
            reason = f"iteration limit of {max_iter}"
            break
        stay = change["stay"]
        work = np.concatenate([work[stay], change["enter"]])
        x = np.vstack([run.x[stay], np.zeros((change["enter"].size, k))])
    U = np.zeros((P, k))
    U[best["work"]] = best["x"]
    p, d = best["p"], best["d"]
    return ProgramSolution(
        U, np.ones(P), np.arange(P), p, best["v"], d, p - d, relative_gap(p - d, p), best["m"], beta_max, total,
        converged, reason, 0.0, {"working_sets": n_sets, "seconds": time.perf_counter() - t0},
    )
