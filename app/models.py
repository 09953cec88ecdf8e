"""The models the playground can fit: one registry entry each (key, label, estimator factory, time limit).

The key is the model's name in links and in the state (stable); ``sidebar`` says whether the sidebar
offers it, ``compare`` whether the Compare tab fits it, ``uses_k`` whether the sidebar shows the number of
sampled patterns, ``live`` whether its fit reports its bound while it runs.  Adding a model is one
:class:`ModelSpec` entry plus its factory.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from solvers import GATED_MAX_POINTS, ConvexReLU, GatedReLU, NonconvexReLU

FIT_SECONDS = 20.0
"""Time budget of the solvers that accept one; a fit that runs out says so instead of certifying."""


@dataclass(frozen=True)
class ModelSpec:
    """One model: ``factory(task, beta, k, seed, n_points, seconds)`` returns an unfitted library estimator."""

    key: str
    label: str
    factory: Callable
    time_limit: float | None = FIT_SECONDS
    sidebar: bool = True
    compare: bool = True
    uses_k: bool = False
    live: bool = False  # its fit reports its bound while it runs (``fit(..., progress=...)``)

    def estimator(self, task: str, beta: float, k: int, seed: int, n_points: int):
        return self.factory(task, beta, k, seed, n_points, self.time_limit)


def _exact(task, beta, k, seed, n_points, seconds):
    return ConvexReLU(beta=beta, task=task, method="exact", max_seconds=seconds)


def _gated(task, beta, k, seed, n_points, seconds):
    patterns = "all" if n_points <= GATED_MAX_POINTS else "sampled"  # all n^2 patterns are too many above
    return GatedReLU(beta=beta, task=task, patterns=patterns, n_patterns=k, seed=seed, max_seconds=seconds)


def _sampled(task, beta, k, seed, n_points, seconds):
    return ConvexReLU(beta=beta, task=task, method="exact", patterns="sampled", n_patterns=k, seed=seed,
                      max_seconds=seconds)


def _reference(task, beta, k, seed, n_points, seconds):
    return ConvexReLU(beta=beta, task=task, method="reference", max_seconds=seconds)


def _adam(task, beta, k, seed, n_points, seconds):
    return NonconvexReLU(beta=beta, task=task, width=20, optimizer="adam", lr=0.01, steps=2000, seed=seed)


MODELS: dict[str, ModelSpec] = {
    spec.key: spec
    for spec in (
        ModelSpec("exact", "Exact ReLU (all patterns)", _exact, live=True),
        ModelSpec("gated", "Gated ReLU (convex relaxation)", _gated),
        ModelSpec("sampled", "Sampled patterns (k random gates)", _sampled, uses_k=True),
        ModelSpec("reference", "Exact ReLU, reference solver (CVXPY)", _reference, compare=False),
        ModelSpec("adam", "Adam on the nonconvex loss (20 neurons)", _adam, time_limit=None, sidebar=False),
    )
}
"""The playground's models by key (keys are link names: never change one)."""

SIDEBAR_MODELS = tuple(k for k, spec in MODELS.items() if spec.sidebar)
COMPARE_MODELS = tuple(k for k, spec in MODELS.items() if spec.compare)
