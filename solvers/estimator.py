"""``ConvexReLU``: a scikit-learn-style estimator that fits a two-layer ReLU network with weight decay to
its certified global optimum (MATH.md sections 1, 2 and 4).

    minimize  1/2 || sum_j (X w_j + b_j)_+ a_j - y ||^2 + beta/2 sum_j (||w_j||^2 + b_j^2 + a_j^2)

``fit`` solves the convex twin (the fast exact method, the CVXPY reference, or the twin restricted to
sampled patterns), then certifies the returned network with the exact dual oracle ``phi``: every number
it reports is computed from the weights it returns.
"""

from __future__ import annotations

import inspect
import time

import numpy as np

from geometry import MAX_POINTS, PlanarOracle, pattern_count, sampled_patterns

from .certificate import DEFAULT_TOL, certify
from .fast import solve_exact
from .network import ReLUNetwork, canonical_objective
from .reference import solve_reference
from .result import SolveResult
from .validation import (
    MAX_PATTERNS,
    MAX_TOL,
    MIN_BETA,
    TASKS,
    check_choice,
    check_count,
    check_fitted,
    check_positive,
    check_seed,
    check_X,
    check_y,
    r2_score,
)

METHODS = ("exact", "reference")
"""``exact``: the fast exact method of :mod:`solvers.fast`; ``reference``: the CVXPY convex twin."""

PATTERN_MODES = ("all", "sampled")
"""``all``: every activation pattern (the global optimum); ``sampled``: patterns of random gates (an upper bound)."""


class _Estimator:
    """Parameter handling and prediction shared by the estimators (scikit-learn conventions)."""

    task: str
    _fitted_attr = "network_"

    @classmethod
    def _param_names(cls) -> list[str]:
        sig = inspect.signature(cls.__init__)
        return [p for p in sig.parameters if p != "self"]

    def get_params(self, deep: bool = True) -> dict:
        """Hyper-parameters as given to ``__init__``."""
        return {name: getattr(self, name) for name in self._param_names()}

    def set_params(self, **params):
        """Set hyper-parameters by name; returns ``self``."""
        names = self._param_names()
        for key, value in params.items():
            if key not in names:
                raise ValueError(f"{type(self).__name__} has no parameter {key!r}; valid ones are {', '.join(names)}")
            setattr(self, key, value)
        return self

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_params().items())
        return f"{type(self).__name__}({args})"

    def _check_common(self) -> tuple[float, float]:
        """The checks every estimator shares (``beta``, ``task``, ``seed``, ``tol``); returns beta and tol."""
        beta = check_positive(self.beta, "beta", low=MIN_BETA)
        check_choice(self.task, "task", TASKS)
        check_seed(self.seed)
        tol = check_positive(self.tol, "tol", high=MAX_TOL)
        return beta, tol

    def _check_predict_X(self, X) -> np.ndarray:
        check_fitted(self, self._fitted_attr)
        return check_X(X, max_points=np.iinfo(np.int64).max)

    def predict(self, X) -> np.ndarray:
        """Classification: ``sign(f(x))`` in {+1, -1} (an output of exactly 0 gives +1); regression: ``f(x)``."""
        out = self.decision_function(X)
        if self.task == "classification":
            return np.where(out >= 0.0, 1.0, -1.0)
        return out

    def score(self, X, y) -> float:
        """Classification: accuracy of :meth:`predict`; regression: ``R^2 = 1 - ||y - f||^2 / ||y - mean y||^2``."""
        Xc = self._check_predict_X(X)
        yc = check_y(y, Xc.shape[0], self.task)
        pred = self.predict(Xc)
        if self.task == "classification":
            return float(np.mean(pred == yc))
        return r2_score(yc, pred)


class ConvexReLU(_Estimator):
    """Two-layer ReLU network with weight decay, fit to its global optimum through the convex twin.

    ``min 1/2 ||sum_j (X w_j + b_j)_+ a_j - y||^2 + beta/2 sum_j (||(w_j, b_j)||^2 + a_j^2)``

    Parameters
    ----------
    beta : weight decay ``beta > 0``.
    task : ``"classification"`` (labels +1/-1, squared loss, predict the sign) or ``"regression"``.
    method : ``"exact"`` (fast exact solver) or ``"reference"`` (CVXPY convex twin, at most
        :data:`~solvers.reference.REFERENCE_MAX_POINTS` points).
    patterns : ``"all"`` (global optimum) or ``"sampled"`` (the twin on the patterns of ``n_patterns``
        random Gaussian gates drawn with ``seed``: an upper bound on the optimum, certified only if the
        exact duality gap happens to close).
    tol : relative duality-gap tolerance of the certificate.
    max_points : most training points accepted.
    warm_start : start the exact method from the previous fit's network.
    max_seconds : time budget of the exact method (``None``: none); a fit that runs out is reported as
        not certified, with the reason.

    Fitted attributes: ``hidden_weights_`` (m, 2), ``hidden_biases_`` (m,), ``output_weights_`` (m,),
    ``network_``, ``objective_`` (canonical objective of the returned weights), ``dual_`` (n,),
    ``dual_objective_``, ``duality_gap_``, ``relative_gap_``, ``certified_``, ``certificate_reason_``,
    ``tolerance_``, ``phi_`` (``phi`` of the residual), ``beta_max_`` (``phi(y)``), ``n_patterns_``,
    ``n_iter_``, ``solve_time_`` (seconds), ``method_`` (``"exact"``, ``"reference"``, ``"sampled"`` or
    ``"zero"`` when ``beta >= beta_max`` makes the zero network optimal).
    """

    def __init__(
        self,
        beta=0.01,
        *,
        task="classification",
        method="exact",
        patterns="all",
        n_patterns=100,
        seed=0,
        tol=DEFAULT_TOL,
        max_points=MAX_POINTS,
        warm_start=False,
        max_seconds=None,
    ):
        self.beta = beta
        self.task = task
        self.method = method
        self.patterns = patterns
        self.n_patterns = n_patterns
        self.seed = seed
        self.tol = tol
        self.max_points = max_points
        self.warm_start = warm_start
        self.max_seconds = max_seconds

    def _check_params(self) -> float:
        beta, _ = self._check_common()
        check_choice(self.method, "method", METHODS)
        check_choice(self.patterns, "patterns", PATTERN_MODES)
        check_count(self.n_patterns, "n_patterns", high=MAX_PATTERNS)
        check_count(self.max_points, "max_points")
        if self.max_seconds is not None:
            check_positive(self.max_seconds, "max_seconds")
        if not isinstance(self.warm_start, (bool, np.bool_)):
            raise ValueError(f"warm_start must be True or False; got {self.warm_start!r}")
        return beta

    def fit(self, X, y):
        """Fit the network to ``X`` (n, 2) and ``y`` (n,), certify it, and return ``self``."""
        beta = self._check_params()
        X = check_X(X, max_points=self.max_points)
        y = check_y(y, X.shape[0], self.task)
        tol = float(self.tol)
        init = self.network_ if (self.warm_start and hasattr(self, "network_")) else None

        t0 = time.perf_counter()
        oracle = PlanarOracle(X)  # the sweep of these points, shared by beta_max, the solver and the certificate
        bmax = oracle.phi(y)
        sampled = self.patterns == "sampled"
        prefix = ""
        if sampled:
            sp = sampled_patterns(X, int(self.n_patterns), int(self.seed))
            n_pat = int(sp.patterns.shape[0])
            prefix = (
                f"fit on {n_pat} sampled patterns (of {pattern_count(X)}): the sampled problem's optimum is an "
                f"upper bound on p*, so only the exact duality gap can certify it; "
            )
        else:
            n_pat = pattern_count(X)
        if beta >= bmax:
            # phi(y) <= beta: v = y is dual feasible with d(y) = 1/2 ||y||^2 = p(zero network)
            res, method = SolveResult(ReLUNetwork.empty(2), info={"beta_max": bmax}), "zero"
        elif sampled:
            res, method = solve_reference(X, y, beta, patterns=sp.patterns), "sampled"
        elif self.method == "reference":
            res, method = solve_reference(X, y, beta), "reference"
        else:
            res, method = solve_exact(X, y, beta, init=init, oracle=oracle, max_seconds=self.max_seconds), "exact"
        solve_time = time.perf_counter() - t0

        net = res.network
        cert = certify(X, y, net, beta, tol, oracle=oracle)
        self.network_ = net
        self.hidden_weights_ = net.W.copy()
        self.hidden_biases_ = net.b.copy()
        self.output_weights_ = net.a.copy()
        self.objective_ = canonical_objective(X, y, net, beta)
        self.dual_ = cert.dual
        self.dual_objective_ = cert.dual_objective
        self.duality_gap_ = cert.gap
        self.relative_gap_ = cert.relative_gap
        self.certified_ = bool(cert.certified)
        reason = cert.reason
        if method == "zero" and cert.certified:
            reason += f"; beta >= beta_max = phi(y) = {bmax:.6g}, so the zero network is optimal"
        if not cert.certified and res.info.get("reason"):
            reason += f"; the solver stopped because {res.info['reason']}"
        self.certificate_reason_ = prefix + reason
        self.tolerance_ = tol
        self.phi_ = cert.phi_residual
        self.beta_max_ = bmax
        self.n_patterns_ = n_pat
        self.n_iter_ = int(res.n_iter)
        self.solve_time_ = solve_time
        self.method_ = method
        self.solve_info_ = dict(res.info)
        self.n_features_in_ = X.shape[1]
        return self

    @property
    def n_neurons_(self) -> int:
        """Number of hidden neurons of the fitted network."""
        check_fitted(self)
        return self.network_.width

    def decision_function(self, X) -> np.ndarray:
        """Network output ``f(x) = sum_j a_j (w_j . x + b_j)_+`` at each row of ``X``."""
        X = self._check_predict_X(X)
        return self.network_.output(X)
