"""One fit of the playground: the library's estimator on the current points, and its surface.

Holds no mathematics: it takes the estimator the model registry names, calls ``fit`` with the
points' exact dual oracle, and evaluates the fitted model's own ``decision_function`` on a grid for
the canvas background.  :mod:`app.jobs` runs these fits in threads and keeps their results.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import streamlit as st

from geometry import PlanarOracle
from solvers import Estimator

from .grid import DOMAIN, Point
from .models import MODELS

GRID = 64
"""The canvas background is the network output at GRID x GRID cell centres."""


@dataclass(frozen=True)
class Fit:
    """The fitted estimator (or why there is none) and what the canvas draws from it.  It holds no oracle:
    the points' oracle lives in :func:`oracle_of`'s cache alone, so memory is bounded by that cache."""

    model: Estimator | None = None
    error: str = ""
    surface: np.ndarray | None = None  # (GRID, GRID); row 0 is the top of the canvas (x2 = +DOMAIN)
    trace: tuple[tuple[float, float], ...] = ()  # (seconds, relative gap) reported while the fit ran


def as_arrays(points: tuple[Point, ...]) -> tuple[np.ndarray, np.ndarray]:
    """``X`` (n, 2) and ``y`` (n,) of the points."""
    if not points:
        return np.zeros((0, 2)), np.zeros(0)
    A = np.asarray(points, dtype=float)
    return A[:, :2].copy(), A[:, 2].copy()


def grid_centres(size: int = GRID) -> tuple[np.ndarray, np.ndarray]:
    """Cell centres of the canvas grid: ``x1`` grows to the right, ``x2`` grows upwards (row 0 on top)."""
    step = 2 * DOMAIN / size
    c = -DOMAIN + step * (np.arange(size) + 0.5)
    return c, c[::-1].copy()


def surface_of(output, size: int = GRID) -> np.ndarray:
    """``output`` (a model's ``decision_function`` or a network's ``output``) at the grid's cell centres."""
    x1, x2 = grid_centres(size)
    G1, G2 = np.meshgrid(x1, x2)
    return np.asarray(output(np.column_stack([G1.ravel(), G2.ravel()])), float).reshape(size, size)


@st.cache_resource(max_entries=8, show_spinner=False)
def oracle_of(points: tuple[Point, ...]) -> PlanarOracle:
    """The exact dual oracle of the points' positions (one sweep per drawing, shared by every fit and tab)."""
    return PlanarOracle(as_arrays(points)[0])


def fit_points(points: tuple[Point, ...], task: str, beta: float, model: str, k: int, seed: int, *,
               oracle: PlanarOracle | None = None, progress=None) -> Fit:
    """Fit the named model; a ``ValueError`` of the library (bad or degenerate data) becomes ``Fit.error``.

    ``oracle``: the points' oracle (else :func:`oracle_of`'s); ``progress``: the live reports' callback,
    for the models that give them (``ModelSpec.live``)."""
    if not points:
        return Fit(error="The canvas is empty: click to add points.")
    X, y = as_arrays(points)
    spec = MODELS[model]
    try:
        oracle = oracle if oracle is not None else oracle_of(points)
        estimator = spec.estimator(task, beta, k, seed, len(X))
        if spec.live and progress is not None:
            estimator.fit(X, y, oracle=oracle, progress=progress)
        else:
            estimator.fit(X, y, oracle=oracle)
        surface = surface_of(estimator.decision_function)
    except ValueError as exc:
        return Fit(error=str(exc)[:300] or "The library could not fit these points.")
    return Fit(model=estimator, surface=surface)
