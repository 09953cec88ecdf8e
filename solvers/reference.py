"""The reference solver: the convex twin of the two-layer ReLU problem in CVXPY (docs/math.md section 2).

    min over v_i, w_i of  1/2 || sum_i D_i Z (v_i - w_i) - y ||^2 + beta * sum_i (||v_i|| + ||w_i||)
    s.t.  (2 D_i - I) Z v_i >= 0,  (2 D_i - I) Z w_i >= 0

over every activation pattern ``D_i`` of ``Z = [X, 1]`` (or a given subset of them), solved by the
interior-point solver Clarabel at tight tolerances.  Interior-point solutions carry small dense noise in
every block and are accurate in objective value but not in the residual the certificate needs, so the
solve is *polished*:

1. the support (blocks above ``SUPPORT_RATIO`` of the largest) is kept and the problem restricted to its
   patterns is solved again;
2. its blocks are sparsified exactly to at most ``n + 1`` (Caratheodory) and refined by Newton's method
   on the faces of their cones (:mod:`solvers.polish`);
3. the exact ``phi`` oracle prices every pattern at the new residual; patterns around tight or violated
   neurons join the restricted problem (column generation) until the exact duality gap is at rounding
   level.

The network is recovered as ``v -> (v/sqrt||v||, +sqrt||v||)``, ``w -> (w/sqrt||w||, -sqrt||w||)`` with
neurons that share a direction merged.  The polished network is kept only if its canonical objective is
not above the full solve's beyond ``POLISH_RTOL`` (or its exact gap is no worse than the full solve's);
otherwise the full solve's dense network is returned.  ``info["convex_objective"]`` is the twin's
objective at the full solve's blocks.

The reference is slow (``P ~ n^2`` patterns, ``~2 P n`` constraints, about 20-60 s at 60 points): it
accepts at most :data:`REFERENCE_MAX_POINTS` points with all patterns; use ``method="exact"`` for more.
"""

from __future__ import annotations

import time
import warnings

import cvxpy as cp
import numpy as np

from geometry import activation_patterns, dual_peaks, lift, phi

from .certificate import certify
from .network import ReLUNetwork, canonical_objective, merge_parallel, network_from_twin
from .polish import Blocks, newton_refine, sparsify_blocks
from .result import SolveResult

REFERENCE_MAX_POINTS = 60
"""Most points the reference solver accepts with all ``n^2 - n + 2`` patterns (20-60 s there on one core)."""

REFERENCE_MAX_ENTRIES = REFERENCE_MAX_POINTS * (REFERENCE_MAX_POINTS**2 - REFERENCE_MAX_POINTS + 2)
"""Most pattern entries ``P * n`` (cone constraints per sign) the reference accepts for given patterns."""

CLARABEL_OPTIONS = dict(
    tol_gap_abs=1e-11,
    tol_gap_rel=1e-11,
    tol_feas=1e-11,
    tol_ktratio=1e-9,
    max_iter=400,
)
"""Clarabel settings of every reference solve: tight tolerances, the solver's own accuracy limit."""

SUPPORT_RATIO = 1e-5
"""A block belongs to the support when its norm is at least this fraction of the largest block norm."""

NOISE_RATIO = 1e-8
"""Blocks of the restricted (polish) solve below this fraction of the largest block are solver noise."""

POLISH_GAP = 1e-10
"""The polish stops once the exact relative duality gap of its network is at most this."""

POLISH_ROUNDS = 10
"""Most restricted re-solves of the polish."""

PRICE_MARGIN = 1e-9
"""Pricing adds the patterns around neurons with ``|v^T (Z u)_+| >= (1 - PRICE_MARGIN) beta`` (tight or violated)."""

POLISH_RTOL = 1e-9
"""The polished network is accepted when its objective is at most ``(1 + POLISH_RTOL)`` times the full solve's."""


def convex_objective(Z: np.ndarray, y: np.ndarray, D: np.ndarray, V: np.ndarray, W: np.ndarray, beta: float) -> float:
    """``1/2 || sum_i D_i Z (v_i - w_i) - y ||^2 + beta sum_i (||v_i|| + ||w_i||)`` at given blocks."""
    r = convex_prediction(Z, D, V - W) - y
    return 0.5 * float(r @ r) + beta * float(np.linalg.norm(V, axis=1).sum() + np.linalg.norm(W, axis=1).sum())


def convex_prediction(Z: np.ndarray, D: np.ndarray, U: np.ndarray) -> np.ndarray:
    """``sum_i D_i Z u_i`` for patterns ``D`` (P, n) and blocks ``U`` (P, k)."""
    return np.einsum("pn,np->n", D.astype(float), Z @ U.T)


def _solve_twin(Z: np.ndarray, y: np.ndarray, D: np.ndarray, beta: float, time_limit: float | None = None):
    """Solve the convex twin on patterns ``D`` with Clarabel; return blocks ``V, W`` and iteration count.

    ``time_limit`` (seconds) is Clarabel's own; a solve that reaches it before it has any iterate returns
    ``None`` blocks."""
    P, k = D.shape[0], Z.shape[1]
    if P == 0:
        return np.zeros((0, k)), np.zeros((0, k)), 0
    M = D.T.astype(float)  # (n, P)
    S = 2.0 * M - 1.0
    V = cp.Variable((P, k))
    W = cp.Variable((P, k))
    ZV, ZW = Z @ V.T, Z @ W.T  # (n, P)
    pred = cp.sum(cp.multiply(M, ZV - ZW), axis=1)
    obj = 0.5 * cp.sum_squares(pred - y) + beta * (cp.sum(cp.norm(V, 2, axis=1)) + cp.sum(cp.norm(W, 2, axis=1)))
    cons = [cp.multiply(S, ZV) >= 0, cp.multiply(S, ZW) >= 0]
    prob = cp.Problem(cp.Minimize(obj), cons)
    with warnings.catch_warnings():
        # "solution may be inaccurate": the tolerances are at Clarabel's limit; the polish and the exact
        # certificate judge the result
        warnings.simplefilter("ignore", UserWarning)
        limit = {} if time_limit is None else {"time_limit": max(float(time_limit), 1e-3)}
        try:
            prob.solve(solver=cp.CLARABEL, **CLARABEL_OPTIONS, **limit)
        except cp.error.SolverError:
            try:
                prob.solve(solver=cp.CLARABEL, **limit)  # default tolerances when the tight ones stall
            except cp.error.SolverError as exc:
                if time_limit is not None:
                    return None, None, 0
                raise RuntimeError(f"the reference solve failed in Clarabel: {exc}") from exc
    if (V.value is None or W.value is None) and time_limit is not None:
        return None, None, 0
    if V.value is None or W.value is None:
        raise RuntimeError(f"the reference solve failed (CVXPY status {prob.status})")
    iters = prob.solver_stats.num_iters if prob.solver_stats is not None else 0
    return np.array(V.value), np.array(W.value), int(iters or 0)


def _support(V: np.ndarray, W: np.ndarray, ratio: float) -> np.ndarray:
    """Patterns whose ``v_i`` or ``w_i`` block has norm at least ``ratio`` times the largest block norm."""
    nv, nw = np.linalg.norm(V, axis=1), np.linalg.norm(W, axis=1)
    top = max(nv.max(initial=0.0), nw.max(initial=0.0))
    if top == 0.0:
        return np.zeros(V.shape[0], bool)
    return (nv >= ratio * top) | (nw >= ratio * top)


def check_patterns(patterns, n: int) -> np.ndarray:
    """Return given patterns as a ``(P, n)`` bool array of distinct rows; raise ``ValueError`` otherwise."""
    D = np.asarray(patterns)
    if D.ndim != 2 or D.shape[1] != n:
        raise ValueError(f"patterns must have shape (P, n) with n = {n}; got shape {D.shape}")
    if D.shape[0] == 0:
        raise ValueError("patterns is empty: at least one pattern is needed")
    if D.dtype != bool:
        if not np.all(np.isin(D, (0, 1))):
            raise ValueError("patterns must be boolean (0/1) activation patterns")
        D = D.astype(bool)
    return np.unique(D, axis=0)


def solve_reference(
    X, y, beta: float, patterns=None, *, max_points: int = REFERENCE_MAX_POINTS, max_seconds: float | None = None
) -> SolveResult:
    """Convex twin over all patterns (or the given ``(P, n)`` bool ``patterns``) in CVXPY/Clarabel, polished.

    Returns a :class:`SolveResult` whose ``info`` holds ``convex_objective`` (the twin's objective at the
    full solve's blocks), ``objective`` (canonical objective of the returned network), ``patterns`` (the
    rows of the final restricted problem), ``polished``, ``polish_rounds``, ``n_patterns_total`` and
    ``solve_time``; ``n_iter`` counts Clarabel iterations over all solves.  ``X`` must be ``(n, 2)``, ``y`` ``(n,)``, ``beta > 0``.
    """
    t0 = time.perf_counter()
    X = np.asarray(X, float)
    y = np.asarray(y, float)
    if X.ndim != 2 or X.shape[1] != 2:
        raise ValueError(f"X must have shape (n, 2); got {X.shape}")
    n = X.shape[0]
    if y.shape != (n,):
        raise ValueError(f"y must have shape ({n},); got {y.shape}")
    if not (np.isfinite(beta) and beta > 0):
        raise ValueError(f"beta must be a positive finite number; got {beta!r}")
    Z = lift(X)
    if patterns is None:
        if n > max_points:
            raise ValueError(
                f"the reference solver accepts at most {max_points} points with all patterns (it solves a "
                f"program with ~n^2 blocks); got {n}: use method=\"exact\""
            )
        D = activation_patterns(X)
    else:
        D = check_patterns(patterns, n)
        if D.shape[0] * n > REFERENCE_MAX_ENTRIES:
            raise ValueError(
                f"the reference solver accepts at most {REFERENCE_MAX_ENTRIES} pattern entries P*n; got "
                f"{D.shape[0]} patterns x {n} points: use fewer patterns, or all patterns with method=\"exact\""
            )
    if phi(X, y) <= beta:
        # beta >= beta_max = phi(y): v = y is dual feasible with d(y) = 1/2 ||y||^2 = p(zero network), so
        # every block of the twin is zero at the optimum
        obj = 0.5 * float(y @ y)
        info = dict(convex_objective=obj, objective=obj, patterns=D[:0], polished=True, polish_rounds=0,
                    n_patterns_total=int(D.shape[0]), solve_time=time.perf_counter() - t0)
        return SolveResult(ReLUNetwork.empty(2), n_iter=0, n_patterns=int(D.shape[0]), info=info)
    def left() -> float | None:
        return None if max_seconds is None else max_seconds - (time.perf_counter() - t0)

    V, W, iters = _solve_twin(Z, y, D, beta, left())
    if V is None:  # the time limit came before Clarabel had a solution
        reason = f"it reached its time limit of {max_seconds:g} s in the interior-point solve"
        info = dict(convex_objective=np.nan, objective=0.5 * float(y @ y), patterns=D[:0], polished=False,
                    polish_rounds=0, n_patterns_total=int(D.shape[0]), solve_time=time.perf_counter() - t0,
                    converged=False, reason=reason)
        return SolveResult(ReLUNetwork.empty(2), n_iter=0, n_patterns=int(D.shape[0]), info=info)
    full = convex_objective(Z, y, D, V, W, beta)
    dense = network_from_twin(V, W)  # every block, noise included
    if left() is not None and left() <= 0:  # stopped by the time limit: no time to polish an inexact solve
        reason = f"it reached its time limit of {max_seconds:g} s in the interior-point solve"
        info = dict(convex_objective=full, objective=canonical_objective(X, y, dense, beta), patterns=D,
                    polished=False, polish_rounds=0, n_patterns_total=int(D.shape[0]),
                    solve_time=time.perf_counter() - t0, converged=False, reason=reason)
        return SolveResult(dense, n_iter=iters, n_patterns=int(D.shape[0]), info=info)

    # polish: restrict to the support, re-solve, price every pattern with the exact phi and add the
    # patterns around tight or violated neurons (column generation) until the exact gap is at rounding level
    allowed = {row.tobytes() for row in D}  # the polish only uses patterns of the given set
    Ds = D[_support(V, W, SUPPORT_RATIO)]
    best, best_gap, best_D, rounds = None, np.inf, Ds, 0
    timed_out = False
    for rounds in range(1, POLISH_ROUNDS + 1):
        net = ReLUNetwork.empty(2)
        if best is not None and left() is not None and left() <= 0:
            timed_out = True
            break
        if Ds.shape[0]:
            Vs, Ws, it = _solve_twin(Z, y, Ds, beta, left())
            if Vs is None:
                timed_out = True
                break
            iters += it
            top = _top(Vs, Ws)  # the restricted solve's own noise-level blocks are dropped
            Vs = np.where(np.linalg.norm(Vs, axis=1, keepdims=True) >= NOISE_RATIO * top, Vs, 0.0)
            Ws = np.where(np.linalg.norm(Ws, axis=1, keepdims=True) >= NOISE_RATIO * top, Ws, 0.0)
            net, cert = _polished_network(X, Z, y, beta, Blocks.from_twin(Ds, Vs, Ws))
        else:
            cert = certify(X, y, net, beta, POLISH_GAP)
        if best is None or cert.relative_gap < best_gap:
            best, best_gap, best_D = net, cert.relative_gap, Ds
        if cert.certified:
            break
        peaks = dual_peaks(X, y - net.output(X), beta * (1.0 - PRICE_MARGIN))
        cand = [row for u in peaks.neurons for row in patterns_at(Z, u) if row.tobytes() in allowed]
        grown = np.unique(np.vstack([Ds, *cand]), axis=0) if cand else Ds
        if grown.shape[0] == Ds.shape[0]:
            break  # nothing left to add: what remains is the solver's accuracy
        Ds = grown
    if best is None:  # the time limit came before the first polish: the full solve's network
        best, best_D = dense, D
    net = best
    obj = canonical_objective(X, y, net, beta)
    polished = bool(
        obj <= full + POLISH_RTOL * abs(full) + 1e-15 * float(y @ y)
        or best_gap <= certify(X, y, dense, beta).relative_gap
    )
    if not polished:
        # the polish lost accuracy: return every nonzero block of the full solve (dense, the twin's objective)
        net, obj, best_D = dense, canonical_objective(X, y, dense, beta), D
    info = dict(
        convex_objective=full,
        objective=obj,
        patterns=best_D,
        polished=polished,
        polish_rounds=rounds,
        n_patterns_total=int(D.shape[0]),
        solve_time=time.perf_counter() - t0,
    )
    if timed_out:
        info.update(converged=False, reason=f"it reached its time limit of {max_seconds:g} s while polishing")
    return SolveResult(net, n_iter=iters, n_patterns=int(D.shape[0]), info=info)


def _polished_network(X, Z, y, beta, blocks: Blocks):
    """The restricted solution's network, sparsified to at most n + 1 neurons and refined by Newton's method on
    the faces of its cones when that lowers the exact duality gap; with its certificate."""
    sparse = sparsify_blocks(Z, blocks)
    found = []
    for cand in (sparse, newton_refine(Z, y, beta, sparse)):
        net = merge_parallel(cand.network())
        found.append((net, certify(X, y, net, beta, POLISH_GAP)))
    if min(c.relative_gap for _, c in found) <= 1e-4:
        return min(found, key=lambda nc: nc[1].relative_gap)
    # far from the global optimum (a restricted pattern set): the lower objective is the better solve
    return min(found, key=lambda nc: nc[1].objective)


def patterns_at(Z: np.ndarray, u: np.ndarray, max_ties: int = 4) -> np.ndarray:
    """Every pattern whose closed cone ``{(2 D - I) Z u >= 0}`` holds ``u`` (up to rounding): points with
    ``|z . u| <= 1e-9 ||z|| ||u||`` may be on or off; at most ``2^max_ties`` patterns (the nearest ties)."""
    s = Z @ u
    scale = 1e-9 * np.linalg.norm(Z, axis=1) * np.linalg.norm(u)
    base = s > scale
    ties = np.flatnonzero(np.abs(s) <= scale)
    ties = ties[np.argsort(np.abs(s[ties]))][:max_ties]
    out = np.repeat(base[None, :], 2 ** ties.size, axis=0)
    for j, t in enumerate(ties):
        out[:, t] = (np.arange(2 ** ties.size) >> j) & 1
    return out


def _top(V: np.ndarray, W: np.ndarray) -> float:
    """Largest block norm among ``V`` and ``W``."""
    return max(np.linalg.norm(V, axis=1).max(initial=0.0), np.linalg.norm(W, axis=1).max(initial=0.0))
