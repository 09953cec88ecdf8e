"""What the certificate panel shows, read off a fitted estimator: numbers, badge, JSON download."""

from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass

import numpy as np

from solvers import Estimator, GatedNetwork

from .scene import Scene
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


def summarize(model: Estimator, state: AppState, X: np.ndarray, y: np.ndarray) -> CertificateSummary:
    """Every number comes from the fitted estimator's typed members and its own predictions."""
    cert, record = model.certificate_, model.solve_
    bounds = cert.bounds_optimum  # e.g. a gated fit on sampled patterns bounds nothing about p*
    nan = float("nan")
    if state.task == "classification":
        metric, value = "training accuracy", float(np.mean(np.asarray(model.predict(X)) == y))
    else:
        metric, value = "training MSE", float(np.mean((np.asarray(model.decision_function(X)) - y) ** 2))
    return CertificateSummary(
        model=MODEL_LABELS[state.model],
        objective=float(cert.objective),
        dual_objective=float(cert.dual_objective) if bounds else nan,
        duality_gap=float(cert.gap) if bounds else nan,
        relative_gap=float(cert.relative_gap) if bounds else nan,
        certified=bool(cert.certified),
        reason=cert.reason,
        n_neurons=len(model.network_.units()),
        n_patterns=int(record.n_patterns),
        solve_time=float(record.seconds),
        n_iter=int(record.n_iter),
        beta_max=float(cert.beta_max),
        fit_metric=metric,
        fit_value=value,
    )


def summarize_scene(scene: Scene) -> CertificateSummary:
    """The summary of the scene's own fit."""
    return summarize(scene.model, scene.state, scene.X, scene.y)


def _finite_or_none(x: float):
    return x if math.isfinite(x) else None


def certificate_json(scene: Scene) -> str:
    """The certificate as JSON: data, weights, dual vector, objectives, gap, tolerance and what it proves."""
    model, state, cert = scene.model, scene.state, scene.certificate
    summary = summarize_scene(scene)
    net = model.network_
    gated = isinstance(net, GatedNetwork)
    doc = {
        "problem": {
            "objective": (
                "gated ReLU: 1/2 ||sum_i D_i Z u_i - y||^2 + beta sum_i ||u_i||, D_i = diag(1[Z g_i >= 0]), Z = [X, 1]"
                if gated
                else "1/2 ||sum_j (Z u_j)_+ a_j - y||^2 + beta/2 sum_j (||u_j||^2 + a_j^2), Z = [X, 1]"
            ),
            "task": state.task,
            "beta": state.beta,
            "model": state.model,
            "X": scene.X.tolist(),
            "y": scene.y.tolist(),
        },
        "network": {
            "hidden_weights": net.W.tolist(),
            "hidden_biases": net.b.tolist(),
            "output_weights": net.a.tolist(),
            **({"gates": net.gates.tolist()} if gated else {}),
        },
        "certificate": {
            "kind": cert.kind,
            "proves": cert.proves,
            "dual_vector": cert.dual.tolist() if (cert.bounds_optimum and cert.dual is not None) else None,
            "tolerance": float(cert.tolerance),
            **{k: (_finite_or_none(v) if isinstance(v, float) else v) for k, v in asdict(summary).items()},
        },
    }
    return json.dumps(doc, indent=1, allow_nan=False)
