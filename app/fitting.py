"""One fit of the playground: the library's estimator on the current points, and its surface.

Holds no mathematics: it picks the estimator the sidebar names, calls ``fit``, and evaluates
the fitted network's own ``decision_function`` on a grid for the canvas background.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

import numpy as np

from .state import DOMAIN, Point

GRID = 64
"""The canvas background is the network output at GRID x GRID cell centres."""

FIT_SECONDS = 20.0
"""Time budget of the exact and gated solvers in the page; a fit that runs out says so instead of certifying."""


@dataclass(frozen=True)
class Fit:
    """The fitted estimator (or why there is none) and what the canvas draws from it."""

    model: Any = None
    error: str = ""
    surface: np.ndarray | None = None  # (GRID, GRID); row 0 is the top of the canvas (x2 = +DOMAIN)
    wall_time: float = 0.0


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


def make_estimator(task: str, beta: float, model: str, k: int, seed: int, n_points: int = 0):
    """The library estimator the sidebar's model names (gated ReLU samples its patterns above
    ``GATED_MAX_POINTS`` points)."""
    from solvers import GATED_MAX_POINTS, ConvexReLU, GatedReLU
    from solvers.nonconvex import NonconvexReLU

    if model == "exact":
        return ConvexReLU(beta=beta, task=task, method="exact", max_seconds=FIT_SECONDS)
    if model == "gated":
        patterns = "all" if n_points <= GATED_MAX_POINTS else "sampled"
        return GatedReLU(beta=beta, task=task, patterns=patterns, n_patterns=k, seed=seed, max_seconds=FIT_SECONDS)
    if model == "sampled":
        return ConvexReLU(beta=beta, task=task, method="exact", patterns="sampled", n_patterns=k, seed=seed)
    if model == "reference":
        return ConvexReLU(beta=beta, task=task, method="reference")
    if model == "adam":
        return NonconvexReLU(beta=beta, task=task, width=20, optimizer="adam", lr=0.01, steps=2000, seed=seed)
    raise ValueError(f"unknown model {model!r}")


def surface_of(model, size: int = GRID) -> np.ndarray:
    x1, x2 = grid_centres(size)
    G1, G2 = np.meshgrid(x1, x2)
    return np.asarray(model.decision_function(np.column_stack([G1.ravel(), G2.ravel()])), float).reshape(size, size)


def fit_points(points: tuple[Point, ...], task: str, beta: float, model: str, k: int, seed: int) -> Fit:
    """Fit the named model; a ``ValueError`` of the library (bad or degenerate data) becomes ``Fit.error``."""
    if not points:
        return Fit(error="The canvas is empty: click to add points.")
    X, y = as_arrays(points)
    start = time.perf_counter()
    try:
        estimator = make_estimator(task, beta, model, k, seed, len(X)).fit(X, y)
        surface = surface_of(estimator)
    except ValueError as exc:
        return Fit(error=str(exc)[:300] or "The library could not fit these points.")
    return Fit(model=estimator, surface=surface, wall_time=time.perf_counter() - start)


def active_neurons(model) -> np.ndarray:
    """Rows ``(w1, w2, b, a * ||(w, b)||)`` of the neurons with a nonzero contribution.

    The last entry is the neuron's signed weight in the penalty's scale-free form
    ``beta * sum_j ||u_j|| |a_j|`` (MATH.md section 1), so it is unchanged by rescaling.
    """
    if model is None:
        return np.zeros((0, 4))
    if hasattr(model, "gates_"):
        # a gated unit switches at its gate line g . [x, 1] = 0; its weight is ||u_i|| (no single sign)
        G = np.asarray(model.gates_, float).reshape(-1, 3)
        strength = np.linalg.norm(np.asarray(model.block_weights_, float).reshape(-1, 3), axis=1)
        keep = strength > 0
        return np.column_stack([G, strength])[keep]
    W = np.asarray(model.hidden_weights_, float).reshape(-1, 2)
    b = np.asarray(model.hidden_biases_, float).reshape(-1)
    a = np.asarray(model.output_weights_, float).reshape(-1)
    strength = a * np.sqrt(np.sum(W * W, axis=1) + b * b)
    keep = np.abs(strength) > 0
    return np.column_stack([W, b, strength])[keep]
