"""``ConvexReLU``: a scikit-learn-style estimator that fits a two-layer ReLU network with weight decay to
its certified global optimum (docs/math.md sections 1, 2 and 4).

    minimize  1/2 || sum_j (X w_j + b_j)_+ a_j - y ||^2 + beta/2 sum_j (||w_j||^2 + b_j^2 + a_j^2)

``fit`` solves the convex twin (the fast exact method, the CVXPY reference, or the twin restricted to
sampled patterns), then certifies the returned network with the exact dual oracle ``phi``: every number
it reports is computed from the weights it returns.
"""

from __future__ import annotations

import time
from dataclasses import replace

import numpy as np

from geometry import MAX_POINTS, PlanarOracle, sampled_patterns

from .base import Estimator, SolveRecord
from .certificate import DEFAULT_TOL, certify
from .fast import solve_exact
from .network import ReLUNetwork
from .progress import Progress
from .reference import solve_reference
from .result import SolveResult
from .validation import MAX_PATTERNS, check_choice, check_count, check_oracle, check_positive, check_X, check_y

METHODS = ("exact", "reference")
"""``exact``: the fast exact method of :mod:`solvers.fast`; ``reference``: the CVXPY convex twin."""

LARGE_DATA = 1e3
"""Beyond this |value| in X or y an uncertified fit suggests rescaling the data."""

PATTERN_MODES = ("all", "sampled")
"""``all``: every activation pattern (the global optimum); ``sampled``: patterns of random gates (an upper bound)."""


class ConvexReLU(Estimator):
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
    max_seconds : time budget of the fit, every method (``None``: none, the default); a fit that runs
        out is reported as not certified, with the reason, and emits a ConvergenceWarning.

    Fitted members: ``network_`` (a :class:`~solvers.network.ReLUNetwork`), ``certificate_`` (a
    :class:`~solvers.certificate.Certificate` of kind ``relu-global``: the exact dual oracle over every
    pattern), ``solve_`` (a :class:`~solvers.base.SolveRecord`; ``method`` is ``"exact"``, ``"reference"``,
    ``"sampled"`` or ``"zero"`` when ``beta >= beta_max`` makes the zero network optimal).  The flat scikit-learn attributes (``hidden_weights_``,
    ``objective_``, ``dual_``, ``certified_``, ``beta_max_``, ...) are read-only views of these
    (:mod:`solvers.base`).  A fit that stops before it converges emits a
    :class:`~solvers.base.ConvergenceWarning`.
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

    def fit(self, X, y, oracle=None, progress=None):
        """Fit the network to ``X`` (n, 2) and ``y`` (n,), certify it, and return ``self``.

        ``oracle``: the points' :class:`~geometry.PlanarOracle`, when the caller already has it (its sweep is
        then not repeated); it must be the oracle of exactly these points.  ``progress``: a callable that
        receives a :class:`~solvers.progress.Progress` (the current network and its exact certificate)
        a few times a second while the exact method runs; returning True cancels the fit, which then
        returns the network it has, certified for what it is."""
        beta = self._check_params()
        if progress is not None and not callable(progress):
            raise ValueError(f"progress must be a callable or None; got {type(progress).__name__}")
        X = check_X(X, max_points=self.max_points)
        y = check_y(y, X.shape[0], self.task)
        tol = float(self.tol)
        init = self.network_ if (self.warm_start and hasattr(self, "network_")) else None

        t0 = time.perf_counter()
        # the sweep of these points, shared by beta_max, the solver and the certificate
        oracle = check_oracle(oracle, X) or PlanarOracle(X)
        bmax = oracle.phi(y)
        n_all = oracle.n_patterns
        sampled = self.patterns == "sampled"
        prefix = ""
        if sampled:
            sp = sampled_patterns(X, int(self.n_patterns), int(self.seed))
            n_pat = int(sp.patterns.shape[0])
            prefix = (
                f"fit on {n_pat} sampled patterns (of {n_all}): the sampled problem's optimum is an "
                f"upper bound on p*, so only the exact duality gap can certify it; "
            )
        else:
            n_pat = n_all
        if beta >= bmax:
            # phi(y) <= beta: v = y is dual feasible with d(y) = 1/2 ||y||^2 = p(zero network)
            res, method = SolveResult(ReLUNetwork.empty(2), info={"converged": True}), "zero"
        elif sampled:
            res, method = solve_reference(X, y, beta, patterns=sp.patterns, max_seconds=self.max_seconds), "sampled"
        elif self.method == "reference":
            res, method = solve_reference(X, y, beta, max_seconds=self.max_seconds), "reference"
        else:
            on_round = None
            if progress is not None:
                def on_round(net, seconds, rounds):
                    cert = certify(X, y, net, beta, tol, oracle=oracle, beta_max=bmax)
                    return bool(progress(Progress(net, cert, seconds, rounds)))
            # the budget covers the whole fit: what the sweep and beta_max used is spent already
            left = None if self.max_seconds is None else max(float(self.max_seconds) - (time.perf_counter() - t0), 0.0)
            live = {} if on_round is None else {"on_round": on_round}
            res = solve_exact(X, y, beta, init=init, oracle=oracle, max_seconds=left, **live)
            method = "exact"

        net = res.network
        cert = certify(X, y, net, beta, tol, oracle=oracle, beta_max=bmax)
        reason = cert.reason
        if method == "zero" and cert.certified:
            reason += f"; beta >= beta_max = phi(y) = {bmax:.6g}, so the zero network is optimal"
        stop = str(res.info.get("reason", ""))
        if not cert.certified and stop:
            reason += f"; the solver stopped because {stop}"
        scale = max(float(np.abs(X).max()), float(np.abs(y).max()))
        if not cert.certified and scale > LARGE_DATA:
            reason += (f"; the data are large (largest |value| {scale:.3g}): the solver's accuracy is tuned to "
                       f"data of about unit size, so rescale X and y to about [-1, 1] (and beta with them)")
        record = SolveRecord(
            method=method,
            n_iter=int(res.n_iter),
            n_patterns=n_pat,
            seconds=time.perf_counter() - t0,
            converged=bool(res.info.get("converged", True)) or cert.certified,
            stop_reason=stop,
            info=dict(res.info),
        )
        self._set_fit(net, replace(cert, reason=prefix + reason), record, X.shape[1])
        return self
