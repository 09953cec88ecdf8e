"""What the certificate panel shows, read off a fitted estimator: numbers, badge, JSON download."""

from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass

import numpy as np

from .fitting import active_neurons, as_arrays
from .state import MODEL_LABELS, AppState

EXPLANATION = (
    "Training a ReLU network is a nonconvex problem, so a training run usually cannot tell "
    "whether a better network exists. Here the network comes from an equivalent convex problem, "
    "and its quality is checked against the dual of that problem: any dual-feasible vector gives "
    "a lower bound that no network of any width can beat. The primal objective is the training "
    "loss plus weight decay of the network shown; the dual objective is such a lower bound. When "
    "the two agree up to the tolerance (the duality gap is essentially zero), no network, however "
    "wide or however trained, has a smaller objective on these points with this beta: the network "
    "is a certified global optimum. Gated ReLU solves a relaxation (a different model), so its "
    "numbers certify nothing about ReLU networks; sampled patterns solve the problem on a subset of "
    "patterns, an upper bound, and are certified only when the exact duality gap happens to close."
)


@dataclass(frozen=True)
class CertificateSummary:
    model: str
    objective: float
    dual_objective: float
    duality_gap: float
    relative_gap: float
    certified: bool
    reason: str
    n_neurons: int
    n_patterns: int
    solve_time: float
    n_iter: int
    beta_max: float
    fit_metric: str  # "training accuracy" or "training MSE"
    fit_value: float


def _num(model, name: str) -> float:
    value = getattr(model, name, float("nan"))
    try:
        return float(value)
    except (TypeError, ValueError):
        return float("nan")


def summarize(model, state: AppState) -> CertificateSummary:
    """Every number comes from the fitted estimator (its attributes and its own predictions)."""
    X, y = as_arrays(state.points)
    # gated ReLU on sampled patterns: its dual bounds only that sampled relaxation, nothing about p*
    bounds = not (hasattr(model, "gates_") and getattr(model, "patterns", "all") == "sampled")
    if state.task == "classification":
        metric, value = "training accuracy", float(np.mean(np.asarray(model.predict(X)) == y))
    else:
        metric, value = "training MSE", float(np.mean((np.asarray(model.decision_function(X)) - y) ** 2))
    return CertificateSummary(
        model=MODEL_LABELS[state.model],
        objective=_num(model, "objective_"),
        dual_objective=_num(model, "dual_objective_") if bounds else float("nan"),
        duality_gap=_num(model, "duality_gap_") if bounds else float("nan"),
        relative_gap=_num(model, "relative_gap_") if bounds else float("nan"),
        certified=_flag(getattr(model, "certified_", False)),
        reason=str(getattr(model, "certificate_reason_", "")),
        n_neurons=int(len(_neurons_or_empty(model))),
        n_patterns=int(getattr(model, "n_patterns_", 0) or 0),
        solve_time=_num(model, "solve_time_"),
        n_iter=int(getattr(model, "n_iter_", 0) or 0),
        beta_max=_num(model, "beta_max_"),
        fit_metric=metric,
        fit_value=value,
    )


def _flag(value) -> bool:
    """True only for a boolean True (numpy's included): anything else is not a certificate."""
    return isinstance(value, (bool, np.bool_)) and bool(value)


def _neurons_or_empty(model) -> np.ndarray:
    try:
        return active_neurons(model)
    except (AttributeError, ValueError, TypeError):
        return np.zeros((0, 4))


def _array(model, name: str):
    value = getattr(model, name, None)
    return None if value is None else np.asarray(value, float).tolist()


def _finite_or_none(x: float):
    return x if math.isfinite(x) else None


def certificate_json(model, state: AppState) -> str:
    """The certificate as JSON: data, weights, dual vector, objectives, gap and tolerance."""
    summary = summarize(model, state)
    X, y = as_arrays(state.points)
    tol = getattr(model, "tolerance_", getattr(model, "tol", None))
    doc = {
        "problem": {
            "objective": (
                "gated ReLU: 1/2 ||sum_i D_i Z u_i - y||^2 + beta sum_i ||u_i||, D_i = diag(1[Z g_i >= 0]), Z = [X, 1]"
                if hasattr(model, "gates_")
                else "1/2 ||sum_j (Z u_j)_+ a_j - y||^2 + beta/2 sum_j (||u_j||^2 + a_j^2), Z = [X, 1]"
            ),
            "task": state.task,
            "beta": state.beta,
            "model": state.model,
            "X": X.tolist(),
            "y": y.tolist(),
        },
        "network": {
            "hidden_weights": _array(model, "hidden_weights_"),
            "hidden_biases": _array(model, "hidden_biases_"),
            "output_weights": _array(model, "output_weights_"),
        },
        "certificate": {
            "dual_vector": _array(model, "dual_") if math.isfinite(summary.dual_objective) else None,
            "tolerance": float(tol) if isinstance(tol, (int, float)) else None,
            **{k: (_finite_or_none(v) if isinstance(v, float) else v) for k, v in asdict(summary).items()},
        },
    }
    return json.dumps(doc, indent=1, allow_nan=False)
