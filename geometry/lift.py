"""Input checking and the lift ``Z = [X, 1]`` that turns a neuron into one vector ``u = (w, b)``."""

from __future__ import annotations

import numpy as np

MAX_POINTS = 5000
"""Largest number of data points the library accepts (the arrangement has ~n^2 cells)."""


def check_points(
    X, *, name: str = "X", max_points: int = MAX_POINTS, min_points: int = 1, d: int | None = None,
    max_magnitude: float = np.inf,
) -> np.ndarray:
    """Return ``X`` as a finite float array of shape ``(n, d)``; raise ``ValueError`` naming the problem.

    The one checker of point arrays in the project.  Without ``d`` a 1-D array is read as ``n`` scalar
    samples (``d = 1``); with ``d`` the array must have exactly ``d`` columns.  Entries beyond
    ``max_magnitude`` are refused (the squared loss loses its precision there).
    """
    shape = f"(n, {d})" if d is not None else "(n, d)"
    try:
        A = np.asarray(X, dtype=float)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{name} must be a numeric array of shape {shape}; got {type(X).__name__}") from exc
    if A.ndim == 1 and d is None:
        A = A[:, None]
    if A.ndim != 2 or (d is not None and A.shape[1] != d):
        raise ValueError(f"{name} must have shape {shape} (one row per point); got shape {A.shape}")
    n = A.shape[0]
    if n < min_points:
        raise ValueError(f"{name} is empty: at least {min_points} point(s) are needed")
    if A.shape[1] < 1:
        raise ValueError(f"{name} has no feature columns")
    if n > max_points:
        raise ValueError(f"{name} has {n} points; the limit is max_points={max_points}")
    if not np.all(np.isfinite(A)):
        raise ValueError(f"{name} contains NaN or infinite values")
    if np.max(np.abs(A)) > max_magnitude:
        raise ValueError(f"{name} has values beyond +-{max_magnitude:g}: rescale the data")
    return A


def check_vector(v, n: int, *, name: str = "v", max_magnitude: float = np.inf, strict: bool = False) -> np.ndarray:
    """Return ``v`` as a finite float vector of length ``n``; raise ``ValueError`` otherwise.

    ``strict``: the shape must be exactly ``(n,)`` (otherwise a row or column matrix is flattened)."""
    try:
        a = np.asarray(v, dtype=float)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{name} must be a numeric vector of shape ({n},); got {type(v).__name__}") from exc
    if a.ndim == 2 and 1 in a.shape and not strict:
        a = a.ravel()
    if a.ndim != 1:
        raise ValueError(f"{name} must have shape (n,) (one entry per point); got shape {a.shape}")
    if a.shape[0] != n:
        raise ValueError(f"{name} has {a.shape[0]} entries but X has {n} points: the lengths must match")
    if not np.all(np.isfinite(a)):
        raise ValueError(f"{name} contains NaN or infinite values")
    if a.size and np.max(np.abs(a)) > max_magnitude:
        raise ValueError(f"{name} has values beyond +-{max_magnitude:g}: rescale the targets")
    return a


def lift(X: np.ndarray, bias: bool = True) -> np.ndarray:
    """``Z = [X, 1]`` (or ``Z = X`` without bias): row ``z_i`` so that a neuron's feature is ``(Z u)_+``."""
    X = np.asarray(X, dtype=float)
    if X.ndim == 1:
        X = X[:, None]
    return np.hstack([X, np.ones((X.shape[0], 1))]) if bias else X.copy()
