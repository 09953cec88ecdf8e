"""The cones ``K_i = {u : (2 D_i - I) Z u >= 0}`` of sampled patterns, by cutting planes (docs/math.md section 7).

Each ``K_i`` is cut out by ``n`` half-spaces ``a_j . u >= 0`` with ``a_j = (2 D_ij - 1) z_j``.  Few of them
matter near any given block, so each pattern keeps a growing set ``J_i`` of its constraints (the "cuts")
and ``K_{J_i} = {u : a_j . u >= 0, j in J_i}``, a polyhedral cone that CONTAINS ``K_i``.

* **Projection** onto ``K_J`` is a small nonnegative least-squares problem (Moreau):
  ``Proj_{K_J}(w) = w + A_J^T mu``, ``mu = argmin_{mu >= 0} ||w + A_J^T mu||``.
* **Proximal map of the cone-constrained block**: for a cone ``K`` and ``u = t e`` with ``e`` a unit vector
  of ``K``, ``1/2 ||u - w||^2 + s beta ||u||`` is smallest at ``e = Proj_K(w) / ||Proj_K(w)||`` and
  ``t = max(0, ||Proj_K(w)|| - s beta)``: the prox is group soft-thresholding of the projection.
* **Cuts**: a block that violates a constraint of the full ``K_i`` gets its most violated constraints
  added to ``J_i``; at the end every nonzero block satisfies all ``n`` constraints of its pattern.
* **Dual constraint** (section 7): ``||Proj_{K_i}(c)|| = min_{lambda >= 0} ||c + Z^T (2 D_i - I) lambda||``.
  Since ``K_i`` lies in ``K_J``, ``||Proj_{K_J}(c)|| >= ||Proj_{K_i}(c)||`` for every ``J``: the small NNLS on
  the cuts always gives a VALID upper bound, and constraint generation (project on ``K_J``, add the
  constraints the projection violates, repeat) makes it exact.  The NNLS multipliers are the cone
  multipliers ``lambda`` of the certificate.
"""

from __future__ import annotations

import numpy as np
from scipy.optimize import nnls

FEAS_TOL = 1e-10
"""A block ``u`` violates ``a_j . u >= 0`` when ``-a_j . u > FEAS_TOL ||z_j|| ||u||``."""

CUTS_PER_ROUND = 8
"""Most violated constraints added to a pattern's cuts per check."""

VIOLATION_CHUNK = 64
"""Blocks checked against all their cone constraints at once (bounds the ``n x chunk`` temporaries)."""


class ConeCuts:
    """Cutting-plane descriptions ``K_{J_i}`` of the cones of the patterns in ``mask`` ((n, P) float 0/1).

    Warm starts are kept under integer keys ``0 <= key < n_keys`` (the solvers use one key per block for the
    proximal map and one per block for the dual): the binding constraints of the key's last projection, and
    ``e = A_J^T mu``, the polar-cone vector of that projection.  Since cuts are only ever added, ``e`` stays a
    nonnegative combination of cut normals, so ``||w + t e||`` (any ``t >= 0``) bounds ``||Proj_{K_J}(w)||``
    from above for later ``w`` as well.
    """

    def __init__(self, Z: np.ndarray, mask: np.ndarray, n_keys: int | None = None, n_face_keys: int | None = None):
        self.Z = Z
        self.mask = mask
        self.znorm = np.maximum(np.linalg.norm(Z, axis=1), 1e-300)
        self.zmax = float(self.znorm.max(initial=1.0))
        P = mask.shape[1]
        self.index = [np.zeros(0, int) for _ in range(P)]  # J_i
        self.rows = [np.zeros((0, Z.shape[1])) for _ in range(P)]  # A_J, one constraint normal per row
        self.version = 0  # bumps whenever a cut is added
        n_keys = 4 * P if n_keys is None else int(n_keys)
        k = Z.shape[1]
        self.polar = np.zeros((n_keys, k))  # key -> e = A_J^T mu of its last projection
        # key -> the last projection's face: u = Q w onto the span orthogonal to its binding cuts, whose
        # multipliers are mu = M w (rows padded with zeros); has_face marks keys that have one.  Only the
        # first n_face_keys keys (the proximal map's, called every iteration) keep faces.
        self.n_face_keys = 2 * P if n_face_keys is None else int(n_face_keys)
        self.face_Q = np.zeros((self.n_face_keys, k, k))
        self.face_M = np.zeros((self.n_face_keys, k, k))
        self.has_face = np.zeros(n_keys, bool)
        self.active: dict = {}  # key -> the cut indices binding at its last projection

    @property
    def n_cuts(self) -> int:
        return int(sum(len(j) for j in self.index))

    def add(self, p: int, js: np.ndarray) -> int:
        """Add constraints ``js`` of pattern ``p`` to its cuts; returns how many were new."""
        new = np.setdiff1d(np.asarray(js, int), self.index[p])
        if new.size:
            s = 2.0 * self.mask[new, p] - 1.0
            self.index[p] = np.concatenate([self.index[p], new])
            self.rows[p] = np.vstack([self.rows[p], s[:, None] * self.Z[new]])
            self.version += 1
        return int(new.size)

    # ------------------------------------------------------------------ projection
    def min_slack(self, W: np.ndarray, patterns: np.ndarray) -> np.ndarray:
        """``min_{j in J} a_j . w_b`` for each row ``w_b`` of ``W`` over its pattern's cuts (``+inf`` without
        cuts), one small product per pattern (no padding, no ``n x B`` array)."""
        out = np.full(W.shape[0], np.inf)
        order = np.argsort(patterns, kind="stable")
        ps = patterns[order]
        starts = np.flatnonzero(np.r_[True, ps[1:] != ps[:-1]])
        for lo, hi in zip(starts, np.r_[starts[1:], ps.size]):
            A = self.rows[int(ps[lo])]
            if A.shape[0]:
                rows = order[lo:hi]
                out[rows] = (A @ W[rows].T).min(axis=0)
        return out

    def project(self, p: int, w: np.ndarray, key: int | None = None) -> np.ndarray:
        """``Proj_{K_{J_p}}(w) = w + A_J^T mu`` with ``mu = argmin_{mu >= 0} ||w + A_J^T mu||``.

        The NNLS runs on a subset ``S`` of the cuts (those ``w`` violates, plus the key's last binding ones) and
        ``S`` grows by the cuts its solution still violates: a point of ``K_J`` that is the projection onto the
        larger cone ``K_S`` is the projection onto ``K_J``.  With a ``key``, the projection's face and polar
        vector are kept for warm starts."""
        A = self.rows[p]
        if A.shape[0] == 0:
            return w
        eps = 1e-12 * float(np.linalg.norm(w)) * self.zmax
        insub = A @ w < -eps
        if not insub.any():
            return w
        prev = self.active.get(key) if key is not None else None
        if prev is not None:
            insub[prev[prev < A.shape[0]]] = True
        for _ in range(50):
            sub = np.flatnonzero(insub)
            As = A[sub]
            mu, _ = nnls(As.T, -w, maxiter=50 * max(As.shape))
            u = w + As.T @ mu
            new = (A @ u < -eps) & ~insub
            if not new.any():
                break
            insub |= new
        act = sub[mu > 0]
        mu = mu[mu > 0]
        Aa = A[act]
        if key is not None:
            self.active[key] = act
            self.polar[key] = u - w
        if key is not None and key < self.n_face_keys:
            k = w.size
            try:
                M = -np.linalg.solve(Aa @ Aa.T, Aa) if act.size else np.zeros((0, k))
            except np.linalg.LinAlgError:
                self.has_face[key] = False
                return u
            if M.shape[0] <= k:
                self.face_M[key] = 0.0
                self.face_M[key, : M.shape[0]] = M
                self.face_Q[key] = np.eye(k) + Aa.T @ M
                self.has_face[key] = True
            else:
                self.has_face[key] = False
        return u

    def project_many(self, W: np.ndarray, patterns: np.ndarray, keys: np.ndarray | None,
                     threshold: float | None = None) -> np.ndarray:
        """``Proj_{K_J}`` of every row of ``W``.  Rows already inside are kept; rows whose key's last face
        still gives the KKT point (multipliers ``>= 0``, every cut satisfied) are projected onto it in one
        batched product; the others go through the NNLS.  With a ``threshold``, rows whose face point ``Q w``
        has multipliers ``>= 0`` and norm ``<= threshold`` are returned as zero without projecting: then
        ``||Proj(w)|| <= ||Q w|| <= threshold`` and the soft-thresholded result is zero anyway."""
        out = W.copy()
        if not W.shape[0]:
            return out
        eps = 1e-12 * np.linalg.norm(W, axis=1) * self.zmax
        rest = np.flatnonzero(self.min_slack(W, patterns) < -eps)
        if keys is not None and rest.size:
            face = rest[self.has_face[keys[rest]]]
            if face.size:
                kf = keys[face]
                U = np.matmul(self.face_Q[kf], W[face, :, None])[..., 0]
                mu_ok = np.matmul(self.face_M[kf], W[face, :, None])[..., 0].min(axis=1) >= 0.0
                feas = self.min_slack(U, patterns[face]) >= -eps[face]
                good = mu_ok & feas
                out[face[good]] = U[good]
                self.polar[kf[good]] = U[good] - W[face[good]]
                done = good
                if threshold is not None:
                    small = mu_ok & ~feas & (np.linalg.norm(U, axis=1) <= threshold)
                    out[face[small]] = 0.0
                    done = good | small
                rest = np.setdiff1d(rest, face[done])
        for b in rest:
            out[b] = self.project(int(patterns[b]), W[b], None if keys is None else int(keys[b]))
        return out

    def certified_below(self, W: np.ndarray, threshold: float, keys: np.ndarray) -> np.ndarray:
        """Rows of ``W`` whose kept polar vectors already prove ``||Proj_{K_J}(w)|| <= threshold``: for
        ``e = A_J^T mu`` (``mu >= 0``), ``||Proj_{K_J}(w)|| <= min_{t >= 0} ||w + t e||``."""
        E = self.polar[keys]
        ee = np.einsum("bk,bk->b", E, E)
        we = np.einsum("bk,bk->b", W, E)
        with np.errstate(divide="ignore", invalid="ignore"):
            t = np.where(ee > 0, np.maximum(0.0, -we / np.where(ee > 0, ee, 1.0)), 0.0)
        return np.linalg.norm(W + t[:, None] * E, axis=1) <= threshold

    def view(self, patterns: np.ndarray, keys: np.ndarray) -> "ConeView":
        """The proximal map for the blocks with these patterns and warm-start keys."""
        return ConeView(self, np.asarray(patterns, int), np.asarray(keys, int))

    # ------------------------------------------------------------------ cuts
    def worst_violations(self, X: np.ndarray, patterns: np.ndarray, m: int) -> tuple[np.ndarray, list]:
        """For each block ``x_b``: its largest relative violation ``max_j -a_j . x_b / (||z_j|| ||x_b||)`` (0 when
        feasible or zero) and the indices of its at most ``m`` most violated constraints above
        :data:`FEAS_TOL`.  Blocks are taken ``VIOLATION_CHUNK`` at a time, so no ``n x B`` array is formed."""
        B = X.shape[0]
        worst = np.zeros(B)
        bad: list = [np.zeros(0, int)] * B
        xn = np.linalg.norm(X, axis=1)
        for lo in range(0, B, VIOLATION_CHUNK):
            hi = min(lo + VIOLATION_CHUNK, B)
            live = np.flatnonzero(xn[lo:hi] > 0) + lo
            if not live.size:
                continue
            rel = self.Z @ X[live].T  # (n, chunk): z_j . x_b
            on = self.mask[:, patterns[live]] > 0.5
            np.negative(rel, out=rel, where=on)  # -a_j . x_b = -(2 D_j - 1) z_j . x_b
            rel /= self.znorm[:, None]
            rel /= xn[live]
            worst[live] = np.maximum(rel.max(axis=0), 0.0)
            for i in np.flatnonzero(worst[live] > FEAS_TOL):
                col = rel[:, i]
                js = np.flatnonzero(col > FEAS_TOL)
                if js.size > m:
                    js = js[np.argpartition(-col[js], m - 1)[:m]]
                bad[live[i]] = js
        return worst, bad

    def cut(self, X: np.ndarray, patterns: np.ndarray, per_round: int = CUTS_PER_ROUND,
            max_rounds: int = 3) -> tuple[int, float]:
        """Deep cuts: for each block of ``X`` that violates its cone, add its most violated constraints, then
        keep adding the constraints that the block's projection onto the tightened ``K_J`` still violates
        (constraint generation towards ``Proj_{K_i}(x_b)``), so that ``J`` holds the facets around the block's
        feasible neighbourhood.  ``X`` itself is not changed.  Returns the number of new cuts and the largest
        relative violation of ``X``."""
        worst, bad = self.worst_violations(X, patterns, per_round)
        first = float(worst.max(initial=0.0))
        added = 0
        todo = np.flatnonzero(worst > FEAS_TOL)
        for _ in range(max_rounds):
            if not todo.size:
                break
            for i in todo:
                added += self.add(int(patterns[i]), bad[i])
            U = self.project_many(X[todo], patterns[todo], None)
            worst_u, bad_u = self.worst_violations(U, patterns[todo], per_round)
            still = worst_u > FEAS_TOL
            bad = [None] * X.shape[0]
            for j in np.flatnonzero(still):
                bad[todo[j]] = bad_u[j]
            todo = todo[still]
        return added, first

    # ------------------------------------------------------------------ dual constraint
    def projection_norms(
        self, C: np.ndarray, patterns: np.ndarray, beta: float, keys: np.ndarray | None = None, max_rounds: int = 40
    ) -> tuple[np.ndarray, int]:
        """Upper bounds on ``||Proj_{K_i}(c_b)||`` for the rows ``c_b`` of ``C`` (pattern ``patterns[b]``),
        exact where constraint generation finished; a row stops as soon as its bound is ``<= beta`` (enough
        for dual feasibility).  Returns the bounds and the number of rounds."""
        bounds = np.linalg.norm(C, axis=1)
        todo = np.flatnonzero(bounds > beta)
        if keys is not None and todo.size:
            ok = self.certified_below(C[todo], beta, keys[todo])
            bounds[todo[ok]] = beta  # proven <= beta by the kept multipliers
            todo = todo[~ok]
        rounds = 0
        while todo.size and rounds < max_rounds:
            rounds += 1
            Pj = self.project_many(C[todo], patterns[todo], None if keys is None else keys[todo])
            norms = np.linalg.norm(Pj, axis=1)
            bounds[todo] = np.minimum(bounds[todo], norms)
            open_ = norms > beta
            todo, Pj = todo[open_], Pj[open_]
            if not todo.size:
                break
            worst, bad = self.worst_violations(Pj, patterns[todo], 2 * CUTS_PER_ROUND)
            still = worst > FEAS_TOL
            for i in np.flatnonzero(still):
                self.add(int(patterns[todo[i]]), bad[i])
            todo = todo[still]  # rows whose projection is feasible for the whole cone are exact
        return bounds, rounds


class ConeView:
    """The proximal map of ``s beta ||.|| + indicator(K_J)`` for a fixed list of blocks, vectorized: rows
    already inside their cones are only soft-thresholded, rows whose kept polar vectors prove them zero are
    skipped, and only the rest are projected (:meth:`ConeCuts.project_many`)."""

    def __init__(self, cones: ConeCuts, patterns: np.ndarray, keys: np.ndarray):
        self.cones = cones
        self.patterns = patterns
        self.keys = keys

    def __call__(self, V: np.ndarray, threshold: float) -> np.ndarray:
        """Row ``b``: soft-thresholding by ``threshold`` of ``Proj_{K_J}(V[b])``."""
        out = np.zeros_like(V)
        norms = np.linalg.norm(V, axis=1)
        idx = np.flatnonzero(norms > threshold) if threshold > 0 else np.arange(V.shape[0])
        if threshold > 0 and idx.size:  # kept polar vectors prove these zero without projecting
            idx = idx[~self.cones.certified_below(V[idx], threshold, self.keys[idx])]
        if not idx.size:
            return out
        U = self.cones.project_many(V[idx], self.patterns[idx], self.keys[idx], threshold if threshold > 0 else None)
        nu = np.linalg.norm(U, axis=1)
        with np.errstate(divide="ignore", invalid="ignore"):
            scale = np.where(nu > threshold, 1.0 - threshold / np.where(nu > 0, nu, 1.0), 0.0)
        out[idx] = U * scale[:, None]
        return out
