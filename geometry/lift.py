"""Input checking and the lift ``Z = [X, 1]`` that turns a neuron into one vector ``u = (w, b)``."""

from __future__ import annotations

import numpy as np

MAX_POINTS = 5000
"""Largest number of data points the library accepts (the arrangement has ~n^2 cells)."""


def check_points(X, *, name: str = "X", max_points: int = MAX_POINTS, min_points: int = 1) -> np.ndarray:
    """Return ``X`` as a finite float array of shape ``(n, d)``; raise ``ValueError`` naming the problem.

    A 1-D array is read as ``n`` scalar samples (``d = 1``).
    """
    try:
        A = np.asarray(X, dtype=float)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{name} must be a numeric array of shape (n, d); got {type(X).__name__}") from exc
    if A.ndim == 1:
        A = A[:, None]
    if A.ndim != 2:
        raise ValueError(f"{name} must have shape (n, d); got an array with {A.ndim} dimensions")
    n, d = A.shape
    if n < min_points:
        raise ValueError(f"{name} is empty: at least {min_points} point(s) are needed")
    if d < 1:
        raise ValueError(f"{name} has no feature columns")
    if n > max_points:
        raise ValueError(f"{name} has {n} points; the limit is {max_points}")
    if not np.all(np.isfinite(A)):
        raise ValueError(f"{name} contains NaN or infinite values")
    return A


def check_vector(v, n: int, *, name: str = "v") -> np.ndarray:
    """Return ``v`` as a finite float vector of length ``n``; raise ``ValueError`` otherwise."""
    try:
        a = np.asarray(v, dtype=float)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{name} must be a numeric vector") from exc
    if a.ndim == 2 and 1 in a.shape:
        a = a.ravel()
    if a.ndim != 1:
        raise ValueError(f"{name} must be a vector; got shape {a.shape}")
    if a.shape[0] != n:
        raise ValueError(f"{name} has length {a.shape[0]} but X has {n} points")
    if not np.all(np.isfinite(a)):
        raise ValueError(f"{name} contains NaN or infinite values")
    return a


def lift(X: np.ndarray, bias: bool = True) -> np.ndarray:
    """``Z = [X, 1]`` (or ``Z = X`` without bias): row ``z_i`` so that a neuron's feature is ``(Z u)_+``."""
    X = np.asarray(X, dtype=float)
    if X.ndim == 1:
        X = X[:, None]
    return np.hstack([X, np.ones((X.shape[0], 1))]) if bias else X.copy()
