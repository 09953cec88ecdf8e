"""What one rerun of the page shows: the state, its arrays, the fit and what every panel reads from it.

The page builds one :class:`Scene` per rerun (:func:`build_scene`); the certificate panel, the canvas,
the figures and every tab take it.  It reads the library's typed members (``network_``,
``certificate_``, ``solve_``) and never guesses what a model is.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from geometry import PlanarOracle
from solvers import Certificate, Estimator, SolveRecord, Units

from .fitting import Fit, as_arrays, oracle_of
from .models import MODELS, ModelSpec
from .state import AppState


@dataclass(frozen=True)
class Scene:
    """The state, its points as arrays, and the fit of the state's model with its typed members."""

    state: AppState
    X: np.ndarray  # (n, 2)
    y: np.ndarray  # (n,)
    fit: Fit
    spec: ModelSpec
    units: Units  # where the fitted units switch (empty without a fit)
    oracle: PlanarOracle | None  # the exact phi of the points (None without points)

    @property
    def model(self) -> Estimator | None:
        return self.fit.model

    @property
    def certificate(self) -> Certificate | None:
        return None if self.fit.model is None else self.fit.model.certificate_

    @property
    def record(self) -> SolveRecord | None:
        return None if self.fit.model is None else self.fit.model.solve_

    @property
    def n(self) -> int:
        return int(self.X.shape[0])

    @property
    def beta(self) -> float:
        return self.state.beta

    @property
    def task(self) -> str:
        return self.state.task


def build_scene(state: AppState, fit: Fit) -> Scene:
    """The scene of ``state`` and its fit (the arrays are built here, once)."""
    X, y = as_arrays(state.points)
    units = fit.model.network_.units() if fit.model is not None else Units.empty(2)
    oracle = oracle_of(state.points) if state.points else None  # the fit's own oracle (a cache hit)
    return Scene(state, X, y, fit, MODELS[state.model], units, oracle)


def scene_for(X, y, task: str, beta: float, model: Estimator | None, model_key: str = "exact") -> Scene:
    """The scene of given arrays and an estimator fitted to them (``None``: no fit), for notebooks and tests:
    the arrays are used as they are (not put on the canvas grid)."""
    X = np.asarray(X, float).reshape(-1, 2)
    y = np.asarray(y, float).ravel()
    oracle = PlanarOracle(X) if X.shape[0] else None
    fit = Fit(model=model, error="" if model is not None else "no fit")
    units = model.network_.units() if model is not None else Units.empty(2)
    return Scene(AppState(task=task, beta=beta, model=model_key), X, y, fit, MODELS[model_key], units, oracle)
