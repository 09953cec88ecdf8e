"""Gated ReLU (Mishkin, Sahiner & Pilanci 2022; docs/math.md section 2): the convex twin without cone constraints.

    min over u_i of  1/2 || sum_i D_i Z u_i - y ||^2 + beta * sum_i ||u_i||,    Z = [X, 1]

an unconstrained group lasso over the activation patterns ``D_i = diag(1[Z g_i >= 0])`` of gates ``g_i``.
A gated unit computes ``1[z . g_i >= 0] (z . u_i)``: its on/off switch (the gate) is decoupled from its
linear part.  With all patterns the problem relaxes the ReLU twin (``u = v - w`` is feasible with
``||v - w|| <= ||v|| + ||w||``), so its optimum is a LOWER bound on the ReLU optimum ``p*``; its solution
is not a ReLU network and no ReLU certificate applies to it.

Solved by a working-set method: the group lasso on a few patterns (:mod:`solvers.group_lasso`: Newton's
method from the previous round's blocks, Clarabel when that falls short), priced over EVERY pattern by
``||Z^T D_i r||``, the most violated patterns added, until the group lasso's own duality gap is within the
tolerance:

    d(v) = -1/2 ||v - y||^2 + 1/2 ||y||^2,   v = min(1, beta / max_i ||Z^T D_i r||) r,   r = y - A u.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
from scipy.optimize import linprog

from geometry import MAX_POINTS, activation_patterns, lift, sampled_patterns

from .base import Estimator, SolveRecord
from .certificate import DEFAULT_TOL, GATED_RELAXATION, SAMPLED_PROGRAM, Certificate, relative, scaled_dual
from .estimator import PATTERN_MODES
from .network import GatedNetwork, gated_objective
from .group_lasso import GroupLasso
from .polish import Blocks, sparsify_blocks
from .validation import MAX_PATTERNS, check_choice, check_count, check_fitted, check_positive, check_X, check_y

GATED_MAX_POINTS = 100
"""Most points the gated model accepts with all ``n^2 - n + 2`` patterns; use ``patterns="sampled"`` above."""


@dataclass(frozen=True)
class GatedSolution:
    """Blocks ``u_i`` of the group lasso over patterns ``D_i``, with its own duality gap."""

    patterns: np.ndarray  # (P, n) bool
    blocks: np.ndarray  # (P, k)
    objective: float  # 1/2 ||sum_i D_i Z u_i - y||^2 + beta sum_i ||u_i||
    dual: np.ndarray  # feasible dual vector of the group lasso
    dual_objective: float
    gap: float
    relative_gap: float
    n_iter: int
    converged: bool
    timed_out: bool = False


def gated_prediction(Z: np.ndarray, D: np.ndarray, U: np.ndarray) -> np.ndarray:
    """``sum_i D_i Z u_i`` for patterns ``D`` (P, n) and blocks ``U`` (P, k)."""
    return np.einsum("pn,np->n", D, Z @ U.T)


def gated_correlations(Z: np.ndarray, Df: np.ndarray, r: np.ndarray) -> np.ndarray:
    """``||Z^T D_i r||`` for every pattern: the group lasso's dual constraint is ``max_i <= beta``."""
    return np.linalg.norm((Df * r) @ Z, axis=1)


def solve_gated(
    X,
    y,
    beta: float,
    patterns=None,
    *,
    tol: float = 1e-8,
    max_rounds: int = 50,
    batch: int | None = None,
    max_seconds: float | None = None,
) -> GatedSolution:
    """Group lasso over all patterns of ``[X, 1]`` (or the given ``(P, n)`` bool patterns).

    Working-set method: solve the problem on a few patterns (:class:`~solvers.group_lasso.GroupLasso`:
    Newton's method from the previous round's blocks, Clarabel when that does not reach the optimum; blocks
    at zero leave the set and Caratheodory keeps at most ``n + 1``), price EVERY pattern by ``||Z^T D_i r||``
    at the residual ``r``, add the ``batch`` most violated ones, and stop when the duality gap ``p - d(v)``
    with ``v = min(1, beta / max_i ||Z^T D_i r||) r`` is at most ``tol * p``, when no pattern is violated (the
    gap is then the solver's accuracy), or at the first round that starts after ``max_seconds``.
    """
    t0 = time.perf_counter()
    X = np.asarray(X, float)
    y = np.asarray(y, float)
    Z = lift(X)
    D = activation_patterns(X) if patterns is None else np.asarray(patterns, bool)
    Df = D.astype(float)
    P, k = D.shape[0], Z.shape[1]
    batch = max(10, Z.shape[0]) if batch is None else int(batch)

    def evaluate(U):
        r = y - gated_prediction(Z, Df, U)
        p = 0.5 * float(r @ r) + beta * float(np.linalg.norm(U, axis=1).sum())
        corr = gated_correlations(Z, Df, r)
        v, d = scaled_dual(y, r, corr.max(initial=0.0), beta)
        return p, v, d, corr

    U = np.zeros((P, k))
    p, v, d, corr = evaluate(U)
    work = np.zeros(0, int)  # working-set patterns; x holds their blocks
    x = np.zeros(0)
    rounds, converged = 0, p - d <= tol * p
    best = (p - d, U, p, v, d)
    timed_out = False
    while not converged and rounds < max_rounds:
        if max_seconds is not None and time.perf_counter() - t0 > max_seconds:
            timed_out = True
            break
        rounds += 1
        outside = np.ones(P, bool)
        outside[work] = False
        fresh = np.flatnonzero(outside & (corr > beta))
        if fresh.size == 0:
            break  # every pattern prices within beta: what remains is the solver's accuracy
        work = np.concatenate([work, fresh[np.argsort(-corr[fresh])][:batch]])
        x = np.concatenate([x, np.zeros(k * (work.size - x.size // k))])
        x = GroupLasso([Df[i][:, None] * Z for i in work], y, beta, residual_form=True).solve(x)
        Uw = x.reshape(-1, k)
        live = np.any(Uw != 0.0, axis=1)  # blocks at zero leave the set (pricing brings them back if needed)
        work, Uw = work[live], Uw[live]
        if work.size > Z.shape[0] + 1:
            # Caratheodory: the same outputs and penalty (so still optimal) on at most n + 1 blocks
            kept = sparsify_blocks(Z, Blocks(D[work], np.ones(work.size), Uw))
            row = {r.tobytes(): i for i, r in zip(work, D[work])}
            work, Uw = np.array([row[pat.tobytes()] for pat in kept.patterns], int), kept.U
        x = Uw.ravel()
        U = np.zeros((P, k))
        U[work] = x.reshape(-1, k)
        p, v, d, corr = evaluate(U)
        if p - d < best[0]:
            best = (p - d, U, p, v, d)
        converged = p - d <= tol * p
    gap, U, p, v, d = best
    return GatedSolution(D, U, p, v, d, gap, relative(gap, p), rounds, bool(gap <= tol * p), timed_out)


def interior_gate(Z: np.ndarray, pattern: np.ndarray) -> np.ndarray:
    """A gate ``g`` with ``1[Z g >= 0] = pattern`` strictly (max-margin LP: ``max t, s_j z_j . g >= t, |g| <= 1``)."""
    s = np.where(pattern, 1.0, -1.0)
    k = Z.shape[1]
    A_ub = np.hstack([-(s[:, None] * Z), np.ones((Z.shape[0], 1))])
    res = linprog(
        np.r_[np.zeros(k), -1.0],
        A_ub=A_ub,
        b_ub=np.zeros(Z.shape[0]),
        bounds=[(-1.0, 1.0)] * k + [(None, 1.0)],
        method="highs",
    )
    if res.status != 0 or -res.fun <= 0.0:
        raise RuntimeError("a pattern has no gate strictly inside its cell")
    return res.x[:k]


class GatedReLU(Estimator):
    """Gated ReLU model ``f(x) = sum_i 1[(x, 1) . g_i >= 0] (x, 1) . u_i`` fit by the group lasso

    ``min 1/2 ||sum_i D_i Z u_i - y||^2 + beta sum_i ||u_i||`` over the patterns ``D_i = diag(1[Z g_i >= 0])``.

    With ``patterns="all"`` its optimum is a lower bound on the ReLU optimum ``p*`` (a relaxation); it is
    never a ReLU certificate, so ``certified_`` is always False.

    Fitted members: ``network_`` (a :class:`~solvers.network.GatedNetwork`: ``gates`` (m, 3), the gate
    vectors ``g_i`` of the active units, and ``blocks`` (m, 3), their ``u_i = (w_i, b_i)``), ``certificate_``
    (kind ``gated-relaxation`` with all patterns, ``sampled-program`` with sampled ones: the group lasso's own
    duality gap, how well it was solved; ``beta_max`` is ``max_i ||Z^T D_i y||``, the gated model is zero
    iff ``beta >= beta_max``) and ``solve_`` (``method`` ``"gated"``, ``n_iter`` working-set rounds).
    ``gates_``, ``block_weights_``, ``converged_`` and the flat views of :mod:`solvers.base` read them;
    ``hidden_weights_``/``hidden_biases_`` are the linear parts and ``output_weights_`` ones.

    ``max_seconds`` bounds the working-set rounds (``None``: no bound); a fit that runs out keeps its best
    iterate, says in ``certificate_reason_`` that the group lasso was not fully solved, and emits a
    :class:`~solvers.base.ConvergenceWarning`.
    """

    def __init__(
        self,
        beta=0.01,
        *,
        task="classification",
        patterns="all",
        n_patterns=100,
        seed=0,
        tol=DEFAULT_TOL,
        max_rounds=50,
        max_points=MAX_POINTS,
        max_seconds=None,
    ):
        self.beta = beta
        self.task = task
        self.patterns = patterns
        self.n_patterns = n_patterns
        self.seed = seed
        self.tol = tol
        self.max_rounds = max_rounds
        self.max_points = max_points
        self.max_seconds = max_seconds

    def fit(self, X, y, oracle=None):
        """Fit the group lasso to ``X`` (n, 2) and ``y`` (n,); returns ``self``.

        ``oracle`` is accepted so that every estimator of the plane takes the same fit parameters; the group
        lasso prices its patterns directly and does not use it."""
        beta, tol = self._check_common()
        check_choice(self.patterns, "patterns", PATTERN_MODES)
        check_count(self.n_patterns, "n_patterns", high=MAX_PATTERNS)
        check_count(self.max_rounds, "max_rounds")
        check_count(self.max_points, "max_points")
        if self.max_seconds is not None:
            check_positive(self.max_seconds, "max_seconds")
        X = check_X(X, max_points=self.max_points)
        y = check_y(y, X.shape[0], self.task)
        t0 = time.perf_counter()
        Z = lift(X)
        gates = None
        if self.patterns == "sampled":
            sp = sampled_patterns(X, int(self.n_patterns), int(self.seed))
            D, gates = sp.patterns, sp.gates
        else:
            if X.shape[0] > GATED_MAX_POINTS:
                raise ValueError(
                    f"the gated model with all patterns accepts at most {GATED_MAX_POINTS} points; got "
                    f"{X.shape[0]}: use patterns=\"sampled\""
                )
            D = activation_patterns(X)
        sol = solve_gated(X, y, beta, D, tol=tol, max_rounds=int(self.max_rounds), max_seconds=self.max_seconds)
        active = np.flatnonzero(np.linalg.norm(sol.blocks, axis=1) > 0.0)
        if gates is None:
            G = np.array([interior_gate(Z, D[i]) for i in active]).reshape(-1, Z.shape[1])
        else:
            G = gates[active]
        net = GatedNetwork(G, sol.blocks[active])
        objective = gated_objective(X, y, net, beta)  # from the returned gates and blocks themselves
        gap = objective - sol.dual_objective
        rel = relative(gap, objective)
        if self.patterns == "all":
            kind, scope = GATED_RELAXATION, f"all {D.shape[0]} patterns, so its optimum is a lower bound on the ReLU optimum p*"
        else:
            kind, scope = SAMPLED_PROGRAM, f"{D.shape[0]} sampled patterns (neither bound on p* is guaranteed)"
        solved = "solved" if sol.converged else "NOT fully solved"
        stop = ""
        if sol.timed_out and not sol.converged:
            stop = f"time limit of {self.max_seconds:g} s"
            solved += f" ({stop})"
        elif not sol.converged:
            stop = f"relative gap {rel:.1e} after {sol.n_iter} rounds"
        reason = (
            f"not a ReLU certificate: gated ReLU is a relaxation of the ReLU problem (gates decoupled from "
            f"the weights); fit on {scope}; the group lasso was {solved} to relative gap {rel:.1e} of its own dual"
        )
        r = y - net.output(X)
        cert = Certificate(
            kind, objective, sol.dual, sol.dual_objective, gap, rel,
            float(gated_correlations(Z, D.astype(float), r).max(initial=0.0)), beta,
            float(gated_correlations(Z, D.astype(float), y).max(initial=0.0)), tol, False, reason,
        )
        record = SolveRecord("gated", int(sol.n_iter), int(D.shape[0]), time.perf_counter() - t0,
                             bool(sol.converged), stop)
        self._set_fit(net, cert, record, X.shape[1])
        return self

    @property
    def gates_(self) -> np.ndarray:
        """Gate vectors ``g_i`` (m, 3) of the active units."""
        check_fitted(self)
        return self.network_.gates

    @property
    def block_weights_(self) -> np.ndarray:
        """Linear parts ``u_i = (w_i, b_i)`` (m, 3) of the active units."""
        check_fitted(self)
        return self.network_.blocks

    @property
    def converged_(self) -> bool:
        """Whether the group lasso reached its own tolerance."""
        check_fitted(self)
        return self.solve_.converged
