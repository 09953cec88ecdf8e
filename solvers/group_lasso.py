"""The group lasso ``min_x 1/2 ||sum_j A_j x_j - y||^2 + beta sum_j ||x_j||`` with small blocks, solved exactly.

It is the master problem of both convex models: the ReLU twin on a working set of arrangement faces
(:mod:`solvers.fast`, which adds the cone constraints by an active-set rule) and gated ReLU on a working
set of patterns (:mod:`solvers.gated`); its Newton method also refines polished blocks on the faces of
their cones (:func:`solvers.polish.newton_refine`).  Optimality: ``A_j^T r = beta x_j / ||x_j||`` where
``x_j != 0`` and ``||A_j^T r|| <= beta`` where ``x_j = 0``, with ``r = y - A x``.
"""

from __future__ import annotations

from typing import Callable

import time

import clarabel
import numpy as np
import scipy.linalg
from scipy import sparse

from .certificate import scaled_dual


def block_solve(G: np.ndarray, g: np.ndarray, beta: float) -> np.ndarray:
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


def newton_direction(H: np.ndarray, g: np.ndarray) -> tuple[np.ndarray, bool]:
    """``H^{-1} g`` for the positive semidefinite Newton matrix ``H``: a Cholesky solve (``N^3 / 3`` flops, ~10x
    faster than an SVD at ``N = 300``) when ``H`` is safely positive definite (every pivot ``L_ii^2`` above
    ``1e-8`` of the largest, so the condition number is at most about ``1e8``), else the least-squares
    solution that a singular ``H`` (redundant faces: about half of the masters at small beta) needs.  Also
    returns whether ``H`` was found positive definite."""
    step, definite, _ = _newton_direction(H, g)
    return step, definite


def _newton_direction(H: np.ndarray, g: np.ndarray) -> tuple[np.ndarray, bool, tuple | None]:
    """:func:`newton_direction`, plus the eigendecomposition ``(w, V)`` of ``H`` when it was not found
    positive definite (else None).  The least-squares solution of the symmetric ``H`` is its pseudo-inverse
    from ``eigh`` (singular values ``|w|``, cut below ``1e-13`` of the largest as ``lstsq(rcond=1e-13)`` does):
    ~3x faster than ``lstsq``'s SVD at ``N = 300``, and :meth:`GroupLasso._mass_transfer` reuses its null space."""
    try:
        L = np.linalg.cholesky(H)
    except np.linalg.LinAlgError:
        L = None
    if L is not None:
        d = np.abs(np.diag(L))
        if d.size and d.min() > 1e-4 * d.max():
            return scipy.linalg.cho_solve((L, True), g, check_finite=False), True, None
    w, V = np.linalg.eigh(H)
    if not np.all(np.isfinite(w)):
        return np.linalg.lstsq(H, g, rcond=1e-13)[0], False, None
    aw = np.abs(w)
    keep = aw > 1e-13 * aw.max(initial=0.0)
    Vk = V[:, keep]
    return Vk @ ((Vk.T @ g) / w[keep]), False, (w, V)


BARRIER_START = 1e-4
"""The barrier path's first ``mu``, relative to ``beta max_j ||x_j||`` of its warm start (a small start keeps the
warm start's support: a master changes little between two pricing rounds).  From zero it starts at ``beta ||A^T y|| /
max_i G_ii``."""
BARRIER_SHRINK = 30.0
"""Factor by which the barrier path lowers ``mu`` once a stage is centred."""
BARRIER_MIN_N = 100
"""Smallest master (unknowns) for the barrier path: below it Clarabel's few milliseconds are less than the path's
~30 Newton steps of Python overhead (measured break-even: about 90 unknowns)."""
BARRIER_MAX_N = 800
"""Largest master (unknowns) for the barrier path: its dense ``N^3 / 3`` Cholesky per step outgrows Clarabel's
sparse one beyond a few hundred unknowns."""
BARRIER_STEPS = 200
"""Newton steps the barrier path may take in all (a master takes ~20-40)."""
BARRIER_GAP = 1e-12
"""The barrier path stops at this relative duality gap of the master."""
BARRIER_STALL = 0.5
"""The barrier path also stops when a centred stage's gap is above this fraction of the best before it: ``mu`` has
fallen below what the master's rounding resolves (a stage should cut the gap ~``BARRIER_SHRINK`` times), and
Newton's polish does better from there."""
BARRIER_ACCEPT = 1e-5
"""The barrier path's result is polished by Newton when its relative gap is within this; else Clarabel runs.  (At
small beta its gap stalls near 1e-7: the smoothing error ``mu / (beta ||x_j||)`` of the smallest active blocks.)"""
BARRIER_POLISHED = 1e-8
"""A polished barrier result with a larger relative gap than this is replaced by Clarabel's (then polished)."""

def block_norms(seg: np.ndarray, x: np.ndarray, count: int) -> np.ndarray:
    """``||x_j||`` for the ``count`` blocks of ``x``, entry ``i`` in block ``seg[i]`` (one pass over ``x``)."""
    return np.sqrt(np.bincount(seg, weights=x * x, minlength=count))


def barrier_terms(r: np.ndarray, beta: float, mu: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The smoothed norm of the barrier path at block norms ``r``: ``h = s - mu log(mu + s)`` with
    ``s = sqrt(mu^2 + beta^2 r^2)``, ``kappa = beta^2 / (mu + s)`` (``grad h(||x||) = kappa x``) and
    ``gamma = beta^4 / (s (mu + s)^2)`` (``Hess h(||x||) = kappa I - gamma x x^T``).  ``h`` is ``min_t beta t -
    mu log(t^2 - r^2)`` up to the constant ``mu (1 - log(2 mu / beta^2))``, and ``h(r) - h(0) -> beta r`` as ``mu -> 0``."""
    s = np.sqrt(mu * mu + (beta * r) ** 2)
    return s - mu * np.log(mu + s), beta * beta / (mu + s), beta**4 / (s * (mu + s) ** 2)


MaxStep = Callable[[np.ndarray, np.ndarray], tuple[float, object]]
"""``max_step(x, dx) -> (t_max, hit)``: the longest step ``x + t dx`` a caller's constraints allow, and what
stops it there (``None`` when nothing does); see :meth:`GroupLasso.newton`."""

POLISH_STEPS = 5
"""Newton steps after the interior point.  A few reach machine accuracy on a well-posed master; on a
degenerate one (more active unknowns than data points, as at small beta) more steps crawl along flat
directions at ~1 ms each without improving the certificate."""
WARM_STEPS = 8
"""Newton steps a warm start may take before the master goes to an interior point (by default)."""


class GroupLasso:
    """``min_x 1/2 ||sum_j A_j x_j - y||^2 + beta sum_j ||x_j||`` over blocks ``x_j`` (``A_j``: (n, d_j)),
    solved exactly: Newton on the support from a warm start, else an interior point then Newton.

    ``interior`` chooses the interior point for a master that Newton cannot finish from its warm start:
    ``"barrier"`` (default), a dense barrier path (:meth:`_barrier_path`) with Clarabel as its fallback (for
    masters in Gram form with ``BARRIER_MIN_N`` to ``BARRIER_MAX_N`` unknowns; Clarabel outside that range),
    or ``"clarabel"`` alone.  ``residual_form`` gives Clarabel the residual ``r = A x - y`` as a variable
    (``n N`` nonzeros instead of the Gram form's ``N^2 / 2``): faster when the blocks have many more unknowns ``N`` than rows ``n``.
    The two forms end at different points of a degenerate master's optimal set.
    """

    def __init__(
        self, blocks: list[np.ndarray], y: np.ndarray, beta: float, residual_form: bool = False, interior: str = "barrier"
    ):
        if interior not in ("barrier", "clarabel"):
            raise ValueError(f"interior must be 'barrier' or 'clarabel', not {interior!r}")
        self.y, self.beta, self.residual_form, self.interior = y, beta, residual_form, interior
        self.dims = [A.shape[1] for A in blocks]
        self.J = len(blocks)
        self.offsets = np.concatenate([[0], np.cumsum(self.dims)]).astype(int)
        self.seg = np.repeat(np.arange(self.J), self.dims)
        self.A = np.hstack(blocks) if blocks else np.zeros((len(y), 0))
        self.G = self.A.T @ self.A
        self.Ay = self.A.T @ y
        self._within = None

    def blocks(self, x: np.ndarray) -> list[np.ndarray]:
        o = self.offsets
        return [x[o[j] : o[j + 1]] for j in range(self.J)]

    def norms(self, x: np.ndarray) -> np.ndarray:
        """``||x_j||`` for every block."""
        return block_norms(self.seg, x, self.J)

    def nonzero(self, x: np.ndarray) -> np.ndarray:
        """Whether each block ``x_j`` has a nonzero entry."""
        return np.bincount(self.seg, weights=(x != 0.0), minlength=self.J) > 0

    def objective(self, x: np.ndarray) -> float:
        """``1/2 ||A x - y||^2 + beta sum_j ||x_j||``."""
        r = self.A @ x - self.y
        return 0.5 * float(r @ r) + self.beta * float(self.norms(x).sum())

    def solve(
        self,
        x: np.ndarray,
        warm: bool = True,
        polish: int = POLISH_STEPS,
        seconds: float | None = None,
        warm_steps: int = WARM_STEPS,
    ) -> np.ndarray:
        """Newton from a warm start (at most ``warm_steps`` steps; with 0, ``x`` is only tested for optimality)
        when that reaches the optimum; otherwise an interior point method finds
        the support (:meth:`_barrier_path`, or Clarabel where that does not reach its gap) and at most
        ``polish`` Newton steps polish it (KKT residual ~1e-13 on a well-posed master).  A thorough solve
        (``polish > POLISH_STEPS``) keeps the barrier's result only when its KKT residual is within 1e-10, and
        otherwise also runs Clarabel and returns the better of the two.  ``seconds`` caps the
        interior point's time (it then returns its last iterate when that improves on ``x``, else ``x``)."""
        if self.J == 0:
            return x
        t0 = time.perf_counter()
        if warm and np.any(x):
            xn = self.newton(x, warm_steps)[0] if warm_steps > 0 else x
            if self.kkt(xn) <= 1e-10:
                return xn
        z = None
        if self.interior == "barrier" and not self.residual_form and BARRIER_MIN_N <= self.G.shape[0] <= BARRIER_MAX_N:
            z = self._barrier_path(x, seconds)
            if z is not None:
                z = self.newton(z, polish)[0]
                if self.gap(z) <= BARRIER_POLISHED and (polish <= POLISH_STEPS or self.kkt(z) <= 1e-10):
                    return z
        left = None if seconds is None else max(seconds - (time.perf_counter() - t0), 0.0)
        zc = self.newton(self._interior_point(x, left), polish)[0]
        if z is not None and (self.kkt(z), self.gap(z)) < (self.kkt(zc), self.gap(zc)):
            return z  # Clarabel did no better (the master is at the limit of double precision)
        return zc

    def kkt(self, x: np.ndarray) -> float:
        """Largest violation of the optimality conditions, relative to beta.  The gradient comes from the
        residual, ``A^T (y - A x)``: the Gram form ``A^T y - G x`` cancels to ~``eps ||G|| ||x||``, which at small
        beta is ~1e-10 beta and would hide an optimal point from the warm start's test in :meth:`solve`."""
        g = self.A.T @ (self.y - self.A @ x)
        nb = self.norms(x)
        on = nb[self.seg] > 0
        unit = np.where(on, x / np.where(on, nb[self.seg], 1.0), 0.0)
        res = np.where(on, g - self.beta * unit, g)
        rn = np.sqrt(np.bincount(self.seg, weights=res * res, minlength=self.J)) / self.beta
        active = nb > 0
        worst_on = rn[active].max() if active.any() else 0.0
        worst_off = (rn[~active] - 1.0).max() if (~active).any() else 0.0
        return float(max(worst_on, worst_off, 0.0))

    def _barrier_path(self, x: np.ndarray, seconds: float | None = None) -> np.ndarray | None:
        """The master by a primal barrier path, on dense matrices: Newton's method on

            F_mu(x) = 1/2 ||A x - y||^2 + sum_j h_mu(||x_j||),   h_mu(r) = s - mu log(mu + s),  s = sqrt(mu^2 + beta^2 r^2),

        for ``mu`` falling by ``BARRIER_SHRINK`` per stage.  ``h_mu`` is what the log barrier
        ``beta t - mu log(t^2 - r^2)`` of the cone ``||x_j|| <= t_j`` leaves once ``t_j`` is minimized out
        (``t = (mu + s) / beta``, up to a constant), so ``h_mu(r) -> beta r`` and the path ends at the group
        lasso's optimum.  ``grad h_mu(||x_j||) = kappa_j x_j`` with ``kappa = beta^2 / (mu + s)``, and its Hessian
        ``kappa_j I - beta^4 / (s (mu + s)^2) x_j x_j^T`` is positive definite, so every Newton matrix ``G + ...``
        has a Cholesky factor (no singular steps, unlike Newton on the support).  A dense factorization of
        the ``N x N`` matrix per step measured 2.5-3.5x faster than Clarabel at ``N`` ~ 100-300
        (docs/math.md section 4).  At each shrink a predictor step along the path's tangent
        (:meth:`_predicted`) starts the next stage near its centre: ~37 steps per path instead of ~47.

        Stops when the master's duality gap (scaled residual) is within ``BARRIER_GAP`` of the objective, when
        a stage no longer halves the gap (``BARRIER_STALL``), or when the barrier is too small to factor;
        returns None when it did not get within ``BARRIER_ACCEPT`` (the caller then runs Clarabel) or ran out
        of ``seconds``."""
        beta, A = self.beta, self.A
        nb = self.norms(x)
        scale = float(nb.max(initial=0.0))
        start = BARRIER_START
        if scale <= 0:  # a cold start: a wide barrier first
            scale, start = float(np.linalg.norm(self.Ay)) / max(float(np.max(np.diag(self.G))), 1e-300), 1.0
        mu = start * beta * scale
        mu_end = 1e-16 * beta * scale

        deadline = None if seconds is None else time.perf_counter() + seconds
        z, best, best_gap = x.copy(), None, np.inf
        for _ in range(BARRIER_STEPS):
            r, h, g, H = self._smoothed_newton(z, mu)
            # LAPACK's Cholesky directly (scipy's checking wrappers cost ~20% of it at N ~ 150)
            factor, info = scipy.linalg.lapack.dpotrf(H, lower=1, clean=0, overwrite_a=1)
            if info != 0:
                break  # the barrier is below what the factorization resolves
            dz = -scipy.linalg.lapack.dpotrs(factor, g, lower=1)[0]
            decrement = -float(g @ dz)
            t = 1.0
            if decrement > 1e-3 * mu:
                Adz = A @ dz  # F_mu along the step, its residual r + t A dz from this one product by A
                f0 = 0.5 * float(r @ r) + float(np.sum(h))
                while self._smoothed(r + t * Adz, z + t * dz, mu) > f0 - 0.25 * t * decrement:
                    t *= 0.5
                    if t < 1e-4:
                        break
                if t < 1e-4:
                    break  # no descent that rounding lets the objective see: the path's precision limit
                z = z + t * dz
            if decrement <= 0.1 * mu and t == 1.0:  # centred: check the gap, then shrink the barrier
                gap = self.gap(z)
                stalled = gap > BARRIER_STALL * best_gap
                if gap < best_gap:
                    best, best_gap = z.copy(), gap
                if gap <= BARRIER_GAP or mu <= mu_end or stalled:
                    break
                mu_next = mu / BARRIER_SHRINK
                z = self._predicted(z, factor, mu, mu_next)
                mu = mu_next
            if deadline is not None and time.perf_counter() > deadline:
                break
        if best is None or best_gap > BARRIER_ACCEPT:
            return None
        return self._cleaned(best, x)

    def _smoothed_newton(self, z: np.ndarray, mu: float):
        """``(r, h, g, H)`` of the barrier path's ``F_mu`` at ``z``: the residual ``r = A z - y``, the smoothed
        norms ``h_mu(||z_j||)``, the gradient ``g = A^T r + kappa_j z_j`` and the Hessian
        ``H = G + kappa_j I - gamma_j z_j z_j^T`` (block diagonal terms; :func:`barrier_terms`)."""
        seg = self.seg
        h, kappa, gamma = barrier_terms(self.norms(z), self.beta, mu)
        r = self.A @ z - self.y
        g = self.A.T @ r + kappa[seg] * z
        H = self.G.copy()
        diag = np.arange(z.size)
        H[diag, diag] += kappa[seg]
        rows, cols = self._within_block()
        H[rows, cols] -= gamma[seg[rows]] * z[rows] * z[cols]
        return r, h, g, H

    def _path_tangent(self, z: np.ndarray, mu: float, factor=None) -> np.ndarray:
        """``dz/dmu`` of the barrier path's centre ``z(mu)`` (where ``grad F_mu(z) = 0``): ``-H^{-1} d(grad F_mu)/dmu``,
        ``d(grad F_mu)/dmu = (d kappa_j / d mu) z_j`` with ``d kappa / d mu = -beta^2 (1 + mu / s) / (mu + s)^2``
        (:func:`barrier_terms`).  ``factor``: LAPACK's lower Cholesky factor of ``H`` at (or near) ``z``."""
        if factor is None:
            factor, info = scipy.linalg.lapack.dpotrf(self._smoothed_newton(z, mu)[3], lower=1, clean=0)
            if info != 0:
                raise ValueError("the barrier's Newton matrix is not positive definite at this point")
        beta = self.beta
        s = np.sqrt(mu * mu + (beta * self.norms(z)) ** 2)
        dkappa = -beta * beta * (1.0 + mu / s) / (mu + s) ** 2
        return -scipy.linalg.lapack.dpotrs(factor, dkappa[self.seg] * z, lower=1)[0]

    def _smoothed(self, r: np.ndarray, z: np.ndarray, mu: float) -> float:
        """``F_mu(z) = 1/2 ||r||^2 + sum_j h_mu(||z_j||)`` from the residual ``r = A z - y`` (:meth:`_barrier_path`)."""
        return 0.5 * float(r @ r) + float(np.sum(barrier_terms(self.norms(z), self.beta, mu)[0]))

    def _predicted(self, z: np.ndarray, factor, mu: float, mu_next: float) -> np.ndarray:
        """The centre ``z(mu)`` carried to ``mu_next`` along the path's tangent, ``z + (mu_next - mu) dz/dmu``
        (:meth:`_path_tangent`), when that lowers ``F_mu_next``; else ``z``.  A centred stage then needs about 5
        Newton steps instead of 8 (measured on the n = 200 presets' masters: 37 steps per path instead of 47)."""
        trial = z + (mu_next - mu) * self._path_tangent(z, mu, factor)
        A, y = self.A, self.y
        return trial if self._smoothed(A @ trial - y, trial, mu_next) < self._smoothed(A @ z - y, z, mu_next) else z

    def gap(self, x: np.ndarray) -> float:
        """The master's relative duality gap at ``x``: ``(p(x) - d(v)) / p(x)`` with the dual point
        ``v = min(1, beta / max_j ||A_j^T r||) r``, ``r = y - A x``, and ``d(v) = y^T v - 1/2 ||v||^2``."""
        r = self.y - self.A @ x
        worst = float(np.sqrt(np.bincount(self.seg, weights=(self.A.T @ r) ** 2, minlength=self.J)).max(initial=0.0))
        _, d = scaled_dual(self.y, r, worst, self.beta)
        p = self.objective(x)
        return (p - d) / max(abs(p), 1e-300)

    def _within_block(self) -> tuple[np.ndarray, np.ndarray]:
        """Row and column indices of the entries of the block diagonal (one ``d_j x d_j`` block per group)."""
        if self._within is None:
            # unknown i of block j meets the d_j unknowns offsets[j], ..., offsets[j] + d_j - 1
            width = np.asarray(self.dims, dtype=np.int64)[self.seg]
            rows = np.repeat(np.arange(self.seg.size), width)
            run_start = np.repeat(np.cumsum(width) - width, width)
            cols = self.offsets[self.seg[rows]] + (np.arange(rows.size) - run_start)
            self._within = (rows, cols.astype(np.int64))
        return self._within

    def _interior_point(self, x: np.ndarray, seconds: float | None = None) -> np.ndarray:
        """``min 1/2 ||A x - y||^2 + beta sum_j t_j`` s.t. ``||x_j|| <= t_j`` with Clarabel.

        In residual form (when asked for and ``N > 2 n``) the objective is ``1/2 ||r||^2`` with ``A x - r = y``;
        otherwise it is the Gram form ``1/2 x^T G x - (A^T y)^T x``."""
        J, N = self.J, self.G.shape[0]
        n = self.A.shape[0]
        residual = self.residual_form and N > 2 * n
        R = n if residual else 0
        if residual:
            P = sparse.csc_matrix((np.ones(n), (N + J + np.arange(n), N + J + np.arange(n))), shape=(N + J + n,) * 2)
            q = np.concatenate([np.zeros(N), np.full(J, self.beta), np.zeros(n)])
            # A x - r = y as a zero cone
            first = sparse.hstack([sparse.csc_matrix(self.A), sparse.csc_matrix((n, J)), -sparse.identity(n)])
            rhs = [self.y]
        else:
            # the upper triangle of G, built directly in CSC order (column c holds rows 0..c; the t_j columns
            # are empty): no COO sort
            c_, r_ = np.tril_indices(N)
            indptr = np.concatenate([[0], np.cumsum(np.arange(1, N + 1)), np.full(J, N * (N + 1) // 2)])
            P = sparse.csc_matrix((self.G[r_, c_], r_, indptr), shape=(N + J, N + J))
            q = np.concatenate([-self.Ay, np.full(J, self.beta)])
            first, rhs = None, []
        # rows: for each block j, (t_j, x_j) in the second-order cone, as  -[t_j; x_j] + s = 0
        # (block j's cone starts at row offsets[j] + j with t_j, then x_j): one entry per row and per column
        # (x's and t's), so CSC is direct: column c's row
        heads = self.offsets[:-1] + np.arange(J)
        row_of = np.empty(N + J, dtype=np.int64)
        row_of[N:] = heads
        row_of[:N] = np.arange(N) + self.seg + 1
        indptr = np.concatenate([np.arange(N + J + 1), np.full(R, N + J)])
        A = sparse.csc_matrix((-np.ones(N + J), row_of, indptr), shape=(N + J, N + J + R))
        if first is not None:
            A = sparse.vstack([first, A]).tocsc()
        b = np.concatenate(rhs + [np.zeros(N + J)])
        cones = ([clarabel.ZeroConeT(n)] if residual else []) + [clarabel.SecondOrderConeT(d + 1) for d in self.dims]
        settings = clarabel.DefaultSettings()
        settings.verbose = False
        settings.tol_gap_abs = 1e-12
        settings.tol_gap_rel = 1e-12
        settings.tol_feas = 1e-12
        settings.max_iter = 200
        if seconds is not None:
            settings.time_limit = max(float(seconds), 1e-3)
        sol = clarabel.DefaultSolver(P, q, A, b, cones, settings).solve()
        z = np.asarray(sol.x)[:N]
        if not np.all(np.isfinite(z)):
            return x
        return self._cleaned(z, x)

    def _cleaned(self, z: np.ndarray, x: np.ndarray) -> np.ndarray:
        """An interior point's ``z`` with its blocks at the solver's noise level (``||z_j|| <= 1e-7 max_i ||z_i||``)
        set to zero, when that does not lose to the start ``x``; else ``x``."""
        nb = self.norms(z)
        z = np.where((nb <= 1e-7 * max(nb.max(initial=0.0), 1e-300))[self.seg], 0.0, z)
        return z if self.objective(z) <= self.objective(x) + 1e-12 * abs(self.objective(x)) else x

    def newton(
        self, x: np.ndarray, iters: int, max_step: MaxStep | None = None, gtol: float | None = None
    ) -> tuple[np.ndarray, object]:
        """At most ``iters`` steps of Newton's method on the support (nonzero blocks), where the objective is
        smooth, until the gradient there has norm ``<= gtol`` (default ``1e-14 max(1, ||A^T y||)``).  A block
        that the step would carry through zero is set to zero instead (its optimum is the kink).

        ``max_step(x, dx) -> (t_max, hit)`` limits each step ``x + t dx`` (``dx`` is zero off the support) to
        ``t <= t_max``, for constraints the group lasso does not know (polish's cones): when a step is taken
        in full to ``t_max``, Newton stops there and returns ``hit`` so that the caller can change the problem.
        Otherwise (converged, stalled or out of steps) it returns ``(x, None)``.  Zero blocks that violate
        ``||A_j^T r|| <= beta`` join the support at the optimum on it only without ``max_step`` (a woken block
        would not respect its constraints).  When a step on a singular Newton matrix makes no progress,
        :meth:`_mass_transfer` moves along its null space instead (also only without ``max_step``)."""
        beta, G = self.beta, self.G
        if gtol is None:
            gtol = 1e-14 * max(1.0, float(np.linalg.norm(self.Ay)))
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
                return x, None
            idx = np.flatnonzero(on_blocks[self.seg])
            seg = self.seg[idx]
            xs = x[idx]
            unit = xs / nb[seg]
            # the gradient from the residual: the Gram form G x - A^T y cancels to ~eps ||G|| ||x|| near the optimum
            A_on = self.A[:, idx]
            grad = A_on.T @ (self.A @ x - self.y) + beta * unit
            gnorm = float(np.linalg.norm(grad))
            if gnorm <= gtol:
                # optimal on the support: zero blocks that violate ||A_j^T r|| <= beta join it
                woke = False
                for j in np.flatnonzero(~on_blocks) if max_step is None else ():
                    sl = slice(self.offsets[j], self.offsets[j + 1])
                    g = self.Ay[sl] - G[sl] @ x
                    if np.linalg.norm(g) > beta * (1 + 1e-11):
                        x[sl] = block_solve(G[sl, sl], g, beta)
                        woke = True
                if not woke:
                    return x, None
                continue
            H = G[np.ix_(idx, idx)].copy()
            same = seg[:, None] == seg[None, :]
            H += np.where(same, (beta / nb[seg])[:, None] * (np.eye(idx.size) - unit[:, None] * unit[None, :]), 0.0)
            # least squares: redundant faces (a vertex at the end of an edge in the set) make H singular
            step, definite, eig = _newton_direction(H, grad)
            step = -step
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
            t_max, hit = np.inf, None
            if max_step is not None:
                dx = np.zeros_like(x)
                dx[idx] = step
                t_max, hit = max_step(x, dx)
            slope = max(0.0, -float(grad @ step))
            t, accepted = min(1.0, t_stop, t_max), None
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
                        g1 = A_on.T @ (self.A @ trial - self.y) + beta * trial[idx] / tn[seg]
                        if np.linalg.norm(g1) <= (1 - 1e-4 * t) * gnorm:
                            accepted = trial
                            break
                t *= 0.5
            stalled = accepted is None or f0 - self.objective(accepted) <= 1e-13 * abs(f0)
            if stalled and max_step is None and not definite:
                moved = self._mass_transfer(x, idx, seg, xs, H, grad, nb, on_blocks, f0, eig)
                if moved is not None and (accepted is None or self.objective(moved) < self.objective(accepted)):
                    accepted = moved
            if accepted is None:
                return x, None
            x = accepted
            if hit is not None and t == t_max:
                return x, hit  # the step reached the caller's constraint
        return x, None

    def _mass_transfer(self, x, idx, seg, xs, H, grad, nb, on_blocks, f0, eig=None):
        """When Newton stalls on a singular ``H``: the part ``p`` of the gradient in ``null(H)``.  There
        ``A d = 0`` and every ``d_j`` is parallel to ``x_j``, so along ``d = -p`` the fit stays and the penalty
        falls linearly (slope ``-||p||^2``) until a block reaches zero: mass moves between blocks with the same
        features, as in Caratheodory's step.  Returns that point (the block dropped), or None when it does
        not lower the objective.  ``eig``: ``eigh(H)`` when the caller has it."""
        w, V = np.linalg.eigh(H) if eig is None else eig
        null = V[:, w <= 1e-9 * max(float(w.max(initial=0.0)), 1e-300)]
        if null.shape[1] == 0:
            return None
        d = -(null @ (null.T @ grad))
        if not np.any(d):
            return None
        xd = np.bincount(seg, weights=xs * d, minlength=self.J)
        dd = np.bincount(seg, weights=d * d, minlength=self.J)
        moving = dd > 0
        t_min = np.where(moving, -xd / np.where(moving, dd, 1.0), np.inf)
        closest = nb**2 - np.where(moving, xd * xd / np.where(moving, dd, 1.0), 0.0)
        hits = on_blocks & (t_min > 0) & (closest <= 1e-2 * nb**2)
        if not hits.any():
            return None
        t = float(t_min[hits].min())
        trial = x.copy()
        trial[idx] = xs + t * d
        trial[np.flatnonzero((hits & (t_min <= t * (1 + 1e-12)))[self.seg])] = 0.0
        return trial if self.objective(trial) < f0 else None
