"""What every estimator of the library shares: scikit-learn's parameter handling, the three typed members a
fit produces, and the flat scikit-learn attributes, defined once as read-only views of those members.

A fitted estimator holds

* ``network_``: the model it fitted (:class:`~solvers.network.ReLUNetwork` or
  :class:`~solvers.network.GatedNetwork`), with ``output(X)`` and ``units()`` (where each unit switches);
* ``certificate_``: a :class:`~solvers.certificate.Certificate` (its kind, what it proves, the dual, phi,
  beta_max and the reason);
* ``solve_``: a :class:`SolveRecord` (method, iterations, patterns, seconds, why it stopped).

Everything else (``objective_``, ``dual_``, ``certified_``, ``hidden_weights_``, ...) is read off them.
"""

from __future__ import annotations

import inspect
import warnings
from dataclasses import dataclass, field

import numpy as np

from .validation import MAX_TOL, MIN_BETA, TASKS, check_choice, check_fitted, check_positive, check_seed, check_X, check_y, r2_score


class ConvergenceWarning(UserWarning):
    """A fit stopped before its solver converged (time limit, iteration limit); the result is still
    usable and its certificate says how far from optimal it is (as scikit-learn's ``ConvergenceWarning``)."""


@dataclass(frozen=True)
class SolveRecord:
    """How a fit was computed: the method, its work and why it stopped."""

    method: str  # "exact", "reference", "sampled", "zero", "gated", "adam", "sgd"
    n_iter: int  # pricing rounds, solver iterations or training steps
    n_patterns: int  # activation patterns of the program (all of them, or the sampled ones)
    seconds: float
    converged: bool
    stop_reason: str = ""
    info: dict = field(default_factory=dict)


def warn_unconverged(est, record: SolveRecord) -> None:
    """Emit a :class:`ConvergenceWarning` for a fit whose solver did not converge."""
    if not record.converged:
        why = f": {record.stop_reason}" if record.stop_reason else ""
        warnings.warn(f"{type(est).__name__} did not converge{why}", ConvergenceWarning, stacklevel=4)


def _view(member: str, attr: str, doc: str, copy: bool = False):
    """A read-only fitted attribute: ``getattr(self.<member>, attr)``."""

    def get(self):
        check_fitted(self)
        value = getattr(getattr(self, member), attr)
        return value.copy() if copy else value

    get.__doc__ = doc
    return property(get)


class Params:
    """scikit-learn's parameter protocol: the hyper-parameters are exactly the arguments of ``__init__``."""

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


class Estimator(Params):
    """Parameter handling, prediction and the fitted views shared by the two-layer estimators."""

    task: str

    def _check_common(self) -> tuple[float, float]:
        """The checks every estimator shares (``beta``, ``task``, ``seed``, ``tol``); returns beta and tol."""
        beta = check_positive(self.beta, "beta", low=MIN_BETA)
        check_choice(self.task, "task", TASKS)
        check_seed(self.seed)
        tol = check_positive(self.tol, "tol", high=MAX_TOL)
        return beta, tol

    def _set_fit(self, network, certificate, record: SolveRecord, n_features: int) -> None:
        """Store the three members of a fit (and warn when its solver did not converge)."""
        self.network_ = network
        self.certificate_ = certificate
        self.solve_ = record
        self.n_features_in_ = int(n_features)
        warn_unconverged(self, record)

    # ------------------------------------------------------------------ prediction
    def _check_predict_X(self, X) -> np.ndarray:
        check_fitted(self)
        return check_X(X, max_points=np.iinfo(np.int64).max)

    def decision_function(self, X) -> np.ndarray:
        """The fitted model's output ``f(x)`` at each row of ``X``."""
        X = self._check_predict_X(X)
        return self.network_.output(X)

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

    # ------------------------------------------------------------------ flat views of the members
    hidden_weights_ = _view("network_", "W", "Hidden weights ``w_j`` (m, d) (gated: the linear parts).", copy=True)
    hidden_biases_ = _view("network_", "b", "Hidden biases ``b_j`` (m,) (gated: the linear parts).", copy=True)
    output_weights_ = _view("network_", "a", "Output weights ``a_j`` (m,) (gated: ones).", copy=True)
    n_neurons_ = _view("network_", "width", "Number of hidden units of the fitted model.")
    objective_ = _view("certificate_", "objective", "The objective of the returned weights.")
    dual_ = _view("certificate_", "dual", "The feasible dual vector of the certificate.")
    dual_objective_ = _view("certificate_", "dual_objective", "``d(v)`` of the dual vector.")
    duality_gap_ = _view("certificate_", "gap", "``objective_ - dual_objective_``.")
    relative_gap_ = _view("certificate_", "relative_gap", "``duality_gap_ / objective_``.")
    certified_ = _view("certificate_", "certified", "Whether the fit is a proven global ReLU optimum.")
    certificate_reason_ = _view("certificate_", "reason", "Why the fit is (not) certified.")
    tolerance_ = _view("certificate_", "tolerance", "The certificate's relative-gap tolerance.")
    phi_ = _view("certificate_", "phi", "The dual constraint at the residual before scaling.")
    beta_max_ = _view("certificate_", "beta_max", "Smallest beta whose optimum is the zero model.")
    n_patterns_ = _view("solve_", "n_patterns", "Activation patterns of the program solved.")
    n_iter_ = _view("solve_", "n_iter", "Iterations of the solver.")
    solve_time_ = _view("solve_", "seconds", "Seconds the fit took.")
    method_ = _view("solve_", "method", "The method that produced the fit.")
    solve_info_ = _view("solve_", "info", "The solver's own details.")
