"""``DeepLasso1D``: a deep narrow ReLU network on 1-D data fit to its global optimum as a Lasso with
reflection features (docs/math.md section 5.1)."""

from __future__ import annotations

import numbers
import time
from dataclasses import dataclass

import numpy as np

from solvers.base import Params
from solvers.validation import check_fitted, check_positive

from .dictionary import POINT_KINDS, SHAPES, Correlator, Dictionary, build_dictionary, check_depth, check_targets, check_x
from .lasso import LassoSolution, lasso_active_set, lasso_cvxpy
from .network import network_from_lasso

MAX_POINTS = {2: 2000, 3: 600, 4: 120}
"""Most training points accepted at each depth (the dictionary has about 2n, n^2/2 and n^3/2 features)."""

SOLVERS = ("active-set", "cvxpy")

@dataclass(frozen=True)
class Feature:
    """A feature the fit uses: its shape, breakpoints, their kinds, and its Lasso coefficient.

    ``kind`` is "reflection" when a breakpoint is a reflection ``2 x_j - x_i`` (``reflection_of`` gives
    ``(x_i, x_j)``), else "data point".
    """

    shape: str
    breakpoints: tuple[float, ...]
    breakpoint_kinds: tuple[str, ...]
    kind: str
    coefficient: float
    reflection_of: tuple[float, float] | None = None

    def __call__(self, x) -> np.ndarray:
        x = np.asarray(x, float)
        p = self.breakpoints[0]
        if self.shape == "ramp up":
            return np.maximum(x - p, 0.0)
        if self.shape == "ramp down":
            return np.maximum(p - x, 0.0)
        return np.clip(x - p, 0.0, self.breakpoints[1] - p)


class DeepLasso1D(Params):
    """Depth-``depth`` deep narrow ReLU network on 1-D data, trained to its global optimum as a Lasso
    with (reflection) features (docs/math.md section 5).

    Network (N): ``f(x) = sum_i alpha_i h^i_{L-1}(x) + xi``, each unit a chain of ``L - 1`` width-one ReLU
    layers, objective ``1/2 ||f(x) - y||^2 + beta/L sum_i (sum_l |w_l^i|^L + |alpha_i|^L)`` (biases free).
    Lasso (P): ``min_{z, xi} 1/2 ||A z + xi 1 - y||^2 + beta ||z||_1`` with ``A`` the depth's dictionary
    (:class:`Dictionary`); (N) and (P) have the same optimal value and ``network_`` attains it.

    Parameters
    ----------
    depth : number of layers ``L`` in {2, 3, 4} (L - 1 ReLU layers and a linear output).
    beta : regularization ``beta > 0``.
    solver : ``"active-set"`` (exact, of this module; falls back to CVXPY if it stalls) or ``"cvxpy"``
        (CVXPY + Clarabel on the explicit dictionary).
    tol : KKT tolerance of the active-set method, relative to ``beta``.
    max_iter : most active-set iterations (None: ``20 n + 200``).

    At most ``MAX_POINTS[depth]`` points (2000, 600, 120).

    Fitted attributes: ``objective_`` (P at the solution), ``network_objective_`` ((N) of ``network_``
    from its own weights), ``network_``, ``layers_``, ``features_`` (:class:`Feature` per nonzero
    coefficient), ``coef_``, ``intercept_``, ``breakpoints_`` (of the fitted predictor),
    ``dictionary_``, ``dictionary_size_``, ``dictionary_breakpoints_``, ``kkt_violation_``,
    ``dual_objective_``, ``duality_gap_``, ``n_iter_``, ``solver_``, ``converged_``, ``fit_time_``.
    """

    def __init__(
        self, depth: int = 3, beta: float = 1e-3, solver: str = "active-set", tol: float = 1e-10, max_iter=None
    ):
        self.depth = depth
        self.beta = beta
        self.solver = solver
        self.tol = tol
        self.max_iter = max_iter

    def _check_params(self):
        depth = check_depth(self.depth)
        beta = check_positive(self.beta, "beta")
        if self.solver not in SOLVERS:
            raise ValueError(f"solver must be one of {SOLVERS}; got {self.solver!r}")
        tol = self.tol
        if isinstance(tol, bool) or not isinstance(tol, numbers.Real) or not (0 < tol < 1e-2):
            raise ValueError(f"tol must be a number in (0, 0.01); got {tol!r}")
        mi = self.max_iter
        if mi is not None and (isinstance(mi, bool) or not isinstance(mi, numbers.Integral) or mi < 1):
            raise ValueError(f"max_iter must be a positive integer or None; got {mi!r}")
        return depth, beta, float(tol)

    def fit(self, x, y):
        depth, beta, tol = self._check_params()
        x = check_x(x, max_points=MAX_POINTS[depth])
        y = check_targets(y, x.size)
        if x.size < 2:
            raise ValueError("need at least 2 points")
        t0 = time.perf_counter()
        D = build_dictionary(x, depth)
        sol = None
        if self.solver == "active-set":
            sol = lasso_active_set(D, x, y, beta, tol=tol, max_iter=self.max_iter)
            if not sol.converged:
                sol = None
        if sol is None:
            z, xi, _ = lasso_cvxpy(D.matrix(x), y, beta)
            support = np.flatnonzero(np.abs(z) > 1e-9 * max(1.0, np.max(np.abs(z), initial=0.0)))
            sol = LassoSolution(support, z[support], xi, 0, True, "cvxpy", "Clarabel")
        self._store(D, x, y, beta, sol)
        self.fit_time_ = time.perf_counter() - t0
        return self

    def _store(self, D: Dictionary, x, y, beta, sol: LassoSolution):
        self.dictionary_ = D
        self.dictionary_size_ = D.size
        self.dictionary_breakpoints_ = D.points.copy()
        self.dictionary_breakpoint_kinds_ = tuple(POINT_KINDS[k] for k in D.point_kind)
        order = np.argsort(D.points[D.p[sol.support]], kind="stable")
        support, coef = sol.support[order], sol.coef[order]
        self.support_ = support
        self.coef_ = coef.copy()
        A = D.matrix(x, support)
        pred = A @ coef
        xi = float(np.mean(y - pred)) if support.size else float(y.mean())
        self.intercept_ = xi
        r = y - pred - xi
        self.objective_ = 0.5 * float(r @ r) + beta * float(np.sum(np.abs(coef)))
        c = Correlator(D, x).centered(r)
        on = np.zeros(D.size, bool)
        on[support] = True
        off_viol = float(np.max(np.abs(c[~on]) - beta, initial=0.0))
        on_viol = float(np.max(np.abs(c[support] - beta * np.sign(coef)), initial=0.0))
        self.kkt_violation_ = max(off_viol, on_viol, 0.0) / beta
        cmax = float(np.max(np.abs(c), initial=0.0))
        lam = r * (min(1.0, beta / cmax) if cmax > 0 else 1.0)
        yc = y - y.mean()
        self.dual_objective_ = float(lam @ yc) - 0.5 * float(lam @ lam)
        self.duality_gap_ = self.objective_ - self.dual_objective_
        self.n_iter_ = sol.n_iter
        self.solver_ = sol.method
        self.converged_ = sol.converged
        self.stop_reason_ = sol.stop_reason
        feats = []
        for k, z in zip(support, coef):
            idx = [D.p[k]] + ([D.q[k]] if D.shape[k] == 2 else [])
            kinds = tuple(POINT_KINDS[D.point_kind[i]] for i in idx)
            refl = None
            for i in idx:
                if D.point_kind[i] == 1:
                    a, b = D.point_source[i]
                    refl = (float(D.values[a]), float(D.values[b]))
            feats.append(
                Feature(
                    shape=SHAPES[D.shape[k]],
                    breakpoints=D.breakpoints(k),
                    breakpoint_kinds=kinds,
                    kind="reflection" if "reflection" in kinds else "data point",
                    coefficient=float(z),
                    reflection_of=refl,
                )
            )
        self.features_ = feats
        self.breakpoints_ = np.unique(np.array([b for f in feats for b in f.breakpoints], float))
        self.network_ = network_from_lasso(D, support, coef, xi)
        self.layers_ = self.network_.layers
        self.network_objective_ = self.network_.objective(x, y, beta)
        self.n_units_ = int(support.size)

    def _check_fitted(self):
        check_fitted(self)

    def predict(self, x) -> np.ndarray:
        """The Lasso predictor ``sum_k z_k a_k(x) + xi``."""
        self._check_fitted()
        x = check_x(x)
        return self.dictionary_.matrix(x, self.support_) @ self.coef_ + self.intercept_

    def network_predict(self, x) -> np.ndarray:
        """The deep network's forward pass ``f(x)``."""
        self._check_fitted()
        return self.network_.forward(check_x(x))
