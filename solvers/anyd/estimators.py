"""Convex training of two-layer ReLU networks in any dimension, on sampled patterns (docs/math.md section 7).

``ConvexReLURegressor`` and ``ConvexReLUClassifier`` fit the canonical problem of section 1,

    minimize  1/2 || sum_j (X w_j + b_j)_+ a_j - y ||^2 + beta/2 sum_j (||(w_j, b_j)||^2 + a_j^2),

through a convex program on the patterns of ``n_patterns`` Gaussian gates on ``Z = [X, 1]`` (seeded):

* ``model="relu"``: the ReLU program with cone constraints (:mod:`.relu`); its optimum is an UPPER bound on
  ``p*``, attained by the returned :class:`~solvers.network.ReLUNetwork`;
* ``model="gated"``: the gated program (:mod:`.gated`), a relaxation of the ReLU program on the same
  patterns; the returned :class:`~solvers.network.GatedNetwork` is not a ReLU network;
* ``batch_norm=True`` (``model="relu"`` only): batch normalization before the ReLU, whose convex form is the
  same program on the whitened data ``[sqrt(n) U, 1]`` (:mod:`.batchnorm` states the convention); the fitted
  network is a :class:`~.batchnorm.BatchNormNetwork`.

Every certificate has kind ``sampled-program``: its gap proves only that the sampled program is solved,
never a global optimum.  Every reported objective is computed from the weights of the returned network.

The estimators follow scikit-learn's conventions (parameters only stored in ``__init__``, ``fit`` returns
``self``, fitted attributes end in ``_``) without importing scikit-learn: ``__sklearn_tags__`` imports it
only when scikit-learn itself asks, so the library works without it.
"""

from __future__ import annotations

import sys
import time

import numpy as np

from geometry.lift import check_points, check_vector, lift

from ..base import Estimator, SolveRecord
from ..certificate import DEFAULT_TOL, SAMPLED_PROGRAM, Certificate
from ..network import GatedNetwork, canonical_objective, gated_objective, network_from_blocks
from ..validation import (
    MAX_MAGNITUDE,
    MAX_PATTERNS,
    MAX_TOL,
    MIN_BETA,
    NotFittedError,
    check_choice,
    check_count,
    check_positive,
    check_seed,
)
from .batchnorm import bn_objective, network_from_bn_blocks, whiten
from .cones import ConeCuts
from .design import BlockDesign
from .gated import solve_gated_program
from .ovr import OneVsRestNetwork
from .patterns import gate_patterns
from .relu import relu_dual_bounds, solve_relu_program
from .solution import dual_value, relative_gap

MODELS = ("relu", "gated")

ANYD_MAX_POINTS = 1_000_000
"""Most training points accepted."""

MAX_MASK_ENTRIES = 100_000_000
"""Most entries ``n * P`` of the pattern mask (8 bytes each)."""


def check_data_X(X, name: str = "X") -> np.ndarray:
    """``X`` as a finite ``(n, d)`` float array, through :func:`geometry.lift.check_points`.

    Three scikit-learn conventions come first, because the library's checker has no view on them: sparse
    matrices are refused (densify them), complex values are refused rather than truncated, and a 1-D array
    is refused (``check_points`` would read it as ``n`` scalar samples)."""
    if hasattr(X, "tocsr") or type(X).__module__.startswith("scipy.sparse"):
        raise ValueError(f"{name} is a sparse matrix: sparse input is not supported; pass a dense array")
    try:
        A = np.asarray(X)
    except (TypeError, ValueError):
        A = X  # check_points names the problem
    else:
        if A.dtype.kind == "c":
            raise ValueError(f"Complex data not supported: {name} must be real")
        if A.ndim == 1:
            raise ValueError(f"{name} must be a 2-D array of shape (n, d); got a 1-D array. Reshape your data with "
                             f"X.reshape(-1, 1) for one feature or X.reshape(1, -1) for one sample")
        if A.ndim == 2 and A.shape[1] == 0:
            raise ValueError(f"{name} has 0 feature(s) (shape={A.shape}) while a minimum of 1 is required.")
    return check_points(A, name=name, max_points=ANYD_MAX_POINTS, d=None, max_magnitude=MAX_MAGNITUDE)


_NOT_FITTED_CLASSES: dict = {}


def check_fitted(est) -> None:
    """Raise :class:`~solvers.validation.NotFittedError` unless ``est`` is fitted.  When scikit-learn is
    loaded (the caller uses it), the error is also scikit-learn's ``NotFittedError``, which its tools expect;
    the library itself never imports scikit-learn."""
    if hasattr(est, "network_"):
        return
    msg = f"this {type(est).__name__} is not fitted yet: call fit(X, y) first"
    sk = sys.modules.get("sklearn.exceptions")
    if sk is not None and hasattr(sk, "NotFittedError"):
        cls = _NOT_FITTED_CLASSES.get(sk.NotFittedError)
        if cls is None:
            cls = type("NotFittedError", (NotFittedError, sk.NotFittedError), {})
            _NOT_FITTED_CLASSES[sk.NotFittedError] = cls
        raise cls(msg)
    raise NotFittedError(msg)


class _ConvexAnyD(Estimator):
    """What the regressor and the classifier share: parameters, programs, certificates."""

    def __init__(
        self,
        beta=0.01,
        *,
        model="relu",
        n_patterns=100,
        seed=0,
        tol=DEFAULT_TOL,
        max_iter=10_000,
        max_seconds=None,
        batch_norm=False,
    ):
        self.beta = beta
        self.model = model
        self.n_patterns = n_patterns
        self.seed = seed
        self.tol = tol
        self.max_iter = max_iter
        self.max_seconds = max_seconds
        self.batch_norm = batch_norm

    # ------------------------------------------------------------------ checks
    def _check_params(self) -> tuple[float, float]:
        beta = check_positive(self.beta, "beta", low=MIN_BETA)
        check_choice(self.model, "model", MODELS)
        check_count(self.n_patterns, "n_patterns", high=MAX_PATTERNS)
        check_seed(self.seed)
        tol = check_positive(self.tol, "tol", high=MAX_TOL)
        check_count(self.max_iter, "max_iter")
        if self.max_seconds is not None:
            check_positive(self.max_seconds, "max_seconds")
        if not isinstance(self.batch_norm, (bool, np.bool_)):
            raise ValueError(f"batch_norm must be True or False; got {self.batch_norm!r}")
        if self.batch_norm and self.model != "relu":
            raise ValueError("batch_norm=True is implemented for model=\"relu\" only")
        return beta, tol

    def _check_predict_X(self, X) -> np.ndarray:
        check_fitted(self)
        X = check_data_X(X)
        if X.shape[1] != self.n_features_in_:
            raise ValueError(
                f"X has {X.shape[1]} features, but {type(self).__name__} is expecting {self.n_features_in_} "
                f"features as input"
            )
        return X

    @staticmethod
    def _check_y_given(y, name: str) -> None:
        if y is None:
            raise ValueError(f"{name} requires y to be passed, but the target y is None")
        if np.asarray(y).dtype.kind == "c":
            raise ValueError("Complex data not supported: y must be real")

    # ------------------------------------------------------------------ the programs
    def _prepare(self, X: np.ndarray):
        """The program's data ``Z`` and sampled patterns (and the whitening for batch normalization)."""
        white = whiten(X) if self.batch_norm else None
        Z = white.lifted if white is not None else lift(X)
        gp = gate_patterns(Z, int(self.n_patterns), int(self.seed))
        if X.shape[0] * max(gp.patterns.shape[0], 1) > MAX_MASK_ENTRIES:
            raise ValueError(
                f"n * n_patterns = {X.shape[0] * gp.patterns.shape[0]} pattern entries exceed {MAX_MASK_ENTRIES}: "
                f"use fewer patterns or points"
            )
        return Z, gp, white

    def _fit_one(self, X, y, Z, gp, white, beta: float, tol: float, deadline):
        """Solve the program for one target vector; returns (network, certificate, solution)."""
        mask = gp.mask
        seconds = None if deadline is None else max(deadline - time.perf_counter(), 1e-3)
        P = mask.shape[1]
        scope = f"{P} sampled patterns of {int(self.n_patterns)} Gaussian gates (seed {int(self.seed)})"
        if self.model == "gated":
            sol = solve_gated_program(Z, y, mask, beta, tol=tol, max_iter=int(self.max_iter), max_seconds=seconds)
            active = np.linalg.norm(sol.blocks, axis=1) > 0
            net = GatedNetwork(gp.gates[active], sol.blocks[active])
            objective = gated_objective(X, y, net, beta)
            r = y - net.output(X)
            constraint = float(np.linalg.norm(BlockDesign(Z, mask).adjoint(r), axis=1).max(initial=0.0))
            beta_max = sol.beta_max
            what = (
                f"the gated ReLU program on {scope} is solved to relative gap {{rel:.1e}} of its own dual; this "
                f"proves only that program's optimum, a relaxation of the ReLU program on the same patterns "
                f"(not a ReLU network, not a ReLU certificate, never a global certificate)"
            )
        else:
            cones = ConeCuts(Z, mask)
            sol = solve_relu_program(Z, y, mask, beta, tol=tol, max_iter=int(self.max_iter), max_seconds=seconds,
                                     cones=cones)
            active = np.linalg.norm(sol.blocks, axis=1) > 0
            if white is None:
                net = network_from_blocks(sol.blocks[active], sol.signs[active])
                objective = canonical_objective(X, y, net, beta)
                r = y - net.output(X)
                model = "ReLU program"
            else:
                net = network_from_bn_blocks(X, white, sol.blocks[active], sol.signs[active])
                objective = bn_objective(X, y, net, beta)
                r = y - net.forward_batch(X)
                model = "batch-norm ReLU program (the ReLU program on the whitened data [sqrt(n) U, 1])"
            constraint = float(relu_dual_bounds(cones, r, beta).max(initial=0.0))
            beta_max = float("nan")  # it needs every cone projection at r = y; not computed
            what = (
                f"the {model} on {scope} is solved to relative gap {{rel:.1e}} of its own dual, every neuron inside "
                f"its pattern's cone (largest relative violation {sol.max_violation:.1e}); this proves only that "
                f"program's optimum, an UPPER bound on the global optimum p* (patterns outside the sample are "
                f"never priced), never a global certificate"
            )
        v, d = dual_value(y, r, constraint, beta)
        gap = objective - d
        rel = relative_gap(gap, objective)
        reason = "sampled program: " + what.format(rel=rel)
        if not sol.converged:
            reason += f"; NOT converged to tol {tol:g} ({sol.stop_reason})"
        cert = Certificate(SAMPLED_PROGRAM, float(objective), v, float(d), float(gap), float(rel), constraint, beta,
                           float(beta_max), tol, False, reason)
        return net, cert, sol

    def _record(self, sols, seconds: float, n_patterns: int) -> SolveRecord:
        method = {"gated": "gated-r-fista", "relu": "relu-cutting-plane-r-fista"}[self.model]
        stops = sorted({s.stop_reason for s in sols if not s.converged})
        info = {"programs": len(sols), "iterations": [s.n_iter for s in sols], "solver": [s.info for s in sols]}
        return SolveRecord(method, int(sum(s.n_iter for s in sols)), int(n_patterns), seconds,
                           bool(all(s.converged for s in sols)), "; ".join(stops), info)

    def _store(self, gp, white) -> None:
        self.patterns_ = gp.patterns
        self.gates_ = gp.gates
        self.whitening_ = white

    @property
    def n_patterns_used_(self) -> int:
        """Distinct non-empty sampled patterns of the fit (rows of ``patterns_``)."""
        check_fitted(self)
        return int(self.patterns_.shape[0])

    def __sklearn_tags__(self):
        # Only scikit-learn calls this, so scikit-learn is importable here; the library never needs it.
        from sklearn.utils import ClassifierTags, InputTags, RegressorTags, Tags, TargetTags

        classifier = self._estimator_type == "classifier"
        return Tags(
            estimator_type=self._estimator_type,
            target_tags=TargetTags(required=True),
            classifier_tags=ClassifierTags(multi_class=True) if classifier else None,
            regressor_tags=None if classifier else RegressorTags(),
            input_tags=InputTags(),
        )


class ConvexReLURegressor(_ConvexAnyD):
    """Two-layer ReLU network (or gated ReLU model) with weight decay for regression in any dimension, fit by
    a convex program on sampled patterns (module docstring; docs/math.md section 7).

    Parameters
    ----------
    beta : weight decay ``beta > 0``.
    model : ``"relu"`` (cone-constrained program: an upper bound on ``p*``) or ``"gated"`` (its relaxation).
    n_patterns : number of Gaussian gates on ``[X, 1]`` drawn with ``seed`` (repeated and empty patterns are
        dropped: ``patterns_`` holds the ones used).
    tol : relative duality gap of the program at which the solver stops.
    max_iter : most R-FISTA iterations.
    max_seconds : time budget (``None``: none); a fit that runs out keeps its best certified iterate and emits
        a :class:`~solvers.base.ConvergenceWarning`.
    batch_norm : batch normalization before the ReLU (``model="relu"`` only; :mod:`.batchnorm`).

    Fitted members: ``network_``, ``certificate_`` (kind ``sampled-program``), ``solve_``, ``patterns_``
    (P', n) bool, ``gates_`` (P', k) (on ``[sqrt(n) U, 1]`` with batch norm), ``whitening_`` (batch norm) and the flat
    views of :class:`~solvers.base.Estimator`.  A regressor has no ``decision_function``: use ``predict``.
    """

    task = "regression"
    _estimator_type = "regressor"

    @property
    def decision_function(self):
        raise AttributeError("ConvexReLURegressor has no decision_function: use predict")

    def fit(self, X, y):
        """Fit to ``X`` (n, d) and real targets ``y`` (n,); returns ``self``."""
        beta, tol = self._check_params()
        X = check_data_X(X)
        self._check_y_given(y, type(self).__name__)
        y = check_vector(y, X.shape[0], name="y", max_magnitude=MAX_MAGNITUDE, strict=True)
        t0 = time.perf_counter()
        deadline = None if self.max_seconds is None else t0 + float(self.max_seconds)
        Z, gp, white = self._prepare(X)
        net, cert, sol = self._fit_one(X, y, Z, gp, white, beta, tol, deadline)
        self._store(gp, white)
        self._set_fit(net, cert, self._record([sol], time.perf_counter() - t0, gp.patterns.shape[0]), X.shape[1])
        return self

    def predict(self, X) -> np.ndarray:
        """The fitted model's output ``f(x)`` at each row of ``X``."""
        X = self._check_predict_X(X)
        return self.network_.output(X)


class ConvexReLUClassifier(_ConvexAnyD):
    """Classification with the convex programs of :class:`ConvexReLURegressor`, for any labels.

    Two classes: the labels become ``-1`` (``classes_[0]``) and ``+1`` (``classes_[1]``) and one program is
    solved (classification as regression on +1/-1, docs/math.md section 1); ``predict`` returns
    ``classes_[1]`` where ``f(x) >= 0``.  More classes: one-vs-rest, one program per class on the same
    sampled patterns (class ``c`` against the rest as +1/-1), ``predict`` takes the class of the largest
    score.  ``certificates_`` keeps each program's certificate; ``certificate_`` sums their objectives, dual
    objectives and gaps (the programs are independent, so the sum is the gap of their sum) and ``network_`` is
    a :class:`~.ovr.OneVsRestNetwork`.

    There is no ``predict_proba``: the squared loss on +1/-1 targets is not a likelihood, and its scores are
    not probabilities (they are not even confined to [-1, 1]); calibrate them separately if needed.
    """

    task = "classification"
    _estimator_type = "classifier"

    def fit(self, X, y):
        """Fit to ``X`` (n, d) and labels ``y`` (n,) of at least two classes; returns ``self``."""
        beta, tol = self._check_params()
        X = check_data_X(X)
        name = type(self).__name__
        self._check_y_given(y, name)
        labels = np.asarray(y)
        if labels.ndim != 1:
            raise ValueError(f"y must have shape (n,) (one label per point); got shape {labels.shape}")
        if labels.shape[0] != X.shape[0]:
            raise ValueError(f"y has {labels.shape[0]} entries but X has {X.shape[0]} points: the lengths must match")
        if labels.dtype.kind == "f":
            if not np.all(np.isfinite(labels)):
                raise ValueError("y contains NaN or infinite values")
            if np.any(labels != np.round(labels)):
                raise ValueError(f"Unknown label type: continuous targets; {name} needs class labels "
                                 f"(use ConvexReLURegressor for real targets)")
        elif labels.dtype.kind == "O":
            kinds = {type(v) for v in labels}
            if any(isinstance(v, float) and v != round(v) for v in labels) or len(kinds) > 1:
                raise ValueError("Unknown label type: mixed or continuous object labels")
        classes, index = np.unique(labels, return_inverse=True)
        if classes.size < 2:
            raise ValueError(f"{name} needs samples of at least 2 classes; y has 1 class ({classes[0]!r})")
        t0 = time.perf_counter()
        deadline = None if self.max_seconds is None else t0 + float(self.max_seconds)
        Z, gp, white = self._prepare(X)
        targets = [np.where(index == 1, 1.0, -1.0)] if classes.size == 2 else [
            np.where(index == c, 1.0, -1.0) for c in range(classes.size)
        ]
        fits = [self._fit_one(X, t, Z, gp, white, beta, tol, deadline) for t in targets]
        self.classes_ = classes
        self.certificates_ = [f[1] for f in fits]
        self._store(gp, white)
        record = self._record([f[2] for f in fits], time.perf_counter() - t0, gp.patterns.shape[0])
        if len(fits) == 1:
            net, cert = fits[0][0], fits[0][1]
        else:
            certs = self.certificates_
            objective = float(sum(c.objective for c in certs))
            d = float(sum(c.dual_objective for c in certs))
            gap = objective - d
            rel = relative_gap(gap, objective)
            reason = (f"one-vs-rest over {classes.size} classes: {classes.size} independent sampled programs "
                      f"(relative gaps {', '.join(f'{c.relative_gap:.1e}' for c in certs)}; each in "
                      f"certificates_); " + certs[0].reason.split("; ", 1)[0])
            cert = Certificate(SAMPLED_PROGRAM, objective, np.column_stack([c.dual for c in certs]), d, gap, rel,
                               float(max(c.phi for c in certs)), beta,
                               float(max(c.beta_max for c in certs)), tol, False, reason)
            net = OneVsRestNetwork(tuple(f[0] for f in fits))
        self._set_fit(net, cert, record, X.shape[1])
        return self

    def decision_function(self, X) -> np.ndarray:
        """Scores: ``f(x)`` (n,) for two classes (positive for ``classes_[1]``), ``(n, n_classes)`` for more."""
        X = self._check_predict_X(X)
        return self.network_.output(X)

    def predict(self, X) -> np.ndarray:
        """The predicted labels (values of ``classes_``)."""
        scores = self.decision_function(X)
        if scores.ndim == 1:
            return self.classes_[(scores >= 0.0).astype(int)]
        return self.classes_[np.argmax(scores, axis=1)]

    def score(self, X, y) -> float:
        """Accuracy of :meth:`predict` on ``(X, y)``."""
        return float(np.mean(self.predict(X) == np.asarray(y)))
