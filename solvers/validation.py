"""Checks of estimator hyper-parameters and training data: every problem is a ``ValueError`` that names it."""

from __future__ import annotations

import numbers

import numpy as np

from geometry import MAX_POINTS

MAX_MAGNITUDE = 1e8
"""Largest |value| accepted in X and y: beyond it the squared loss loses its precision (rescale the data)."""

MIN_BETA = 1e-12
"""Smallest weight decay accepted: below it the convex program is numerically an interpolation problem."""

MAX_TOL = 0.1
"""Largest relative duality-gap tolerance a certificate may use."""

MAX_PATTERNS = 100_000
"""Most random gates a sampled-patterns fit may draw."""

TASKS = ("classification", "regression")
"""Classification fits labels +1/-1 with the squared loss and predicts the sign; regression fits real targets."""


class NotFittedError(ValueError, AttributeError):
    """The estimator is used before ``fit``."""


def check_choice(value, name: str, choices) -> str:
    """``value`` must be one of ``choices``."""
    if not isinstance(value, str) or value not in choices:
        raise ValueError(f"{name} must be one of {', '.join(map(repr, choices))}; got {value!r}")
    return value


def check_positive(value, name: str, low: float = 0.0, high: float = np.inf) -> float:
    """``value`` must be a finite real number ``> 0``, and within ``[low, high]`` when those are given."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise ValueError(f"{name} must be a positive number; got {value!r}")
    v = float(value)
    if not np.isfinite(v) or v <= 0:
        raise ValueError(f"{name} must be a positive finite number; got {value!r}")
    if v < low or v > high:
        raise ValueError(f"{name} must lie in [{low:g}, {high:g}]; got {value!r}")
    return v


def check_count(value, name: str, high: int | None = None) -> int:
    """``value`` must be an integer ``>= 1`` (and ``<= high`` when given)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < 1:
        raise ValueError(f"{name} must be a positive integer; got {value!r}")
    if high is not None and value > high:
        raise ValueError(f"{name} must be at most {high}; got {value!r}")
    return int(value)


def check_seed(value) -> int:
    """``seed`` must be a non-negative integer."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < 0:
        raise ValueError(f"seed must be a non-negative integer; got {value!r}")
    return int(value)


def check_X(X, *, max_points: int = MAX_POINTS, d: int = 2) -> np.ndarray:
    """``X`` as a finite float array of shape ``(n, d)`` with ``1 <= n <= max_points``."""
    try:
        A = np.asarray(X, dtype=float)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"X must be a numeric array of shape (n, {d}); got {type(X).__name__}") from exc
    if A.ndim != 2 or A.shape[1] != d:
        raise ValueError(f"X must have shape (n, {d}) (one row per point); got shape {A.shape}")
    if A.shape[0] == 0:
        raise ValueError("X is empty: at least one point is needed")
    if A.shape[0] > max_points:
        raise ValueError(f"X has {A.shape[0]} points; the limit is max_points={max_points}")
    if not np.all(np.isfinite(A)):
        raise ValueError("X contains NaN or infinite values")
    if np.max(np.abs(A)) > MAX_MAGNITUDE:
        raise ValueError(f"X has values beyond +-{MAX_MAGNITUDE:g}: rescale the data")
    return A


def check_y(y, n: int, task: str) -> np.ndarray:
    """``y`` as a finite float vector of shape ``(n,)``; labels +1/-1 for classification."""
    try:
        a = np.asarray(y, dtype=float)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"y must be a numeric vector of shape ({n},); got {type(y).__name__}") from exc
    if a.ndim != 1:
        raise ValueError(f"y must have shape (n,) (one target per point); got shape {a.shape}")
    if a.shape[0] != n:
        raise ValueError(f"y has {a.shape[0]} entries but X has {n} points: the lengths must match")
    if not np.all(np.isfinite(a)):
        raise ValueError("y contains NaN or infinite values")
    if a.size and np.max(np.abs(a)) > MAX_MAGNITUDE:
        raise ValueError(f"y has values beyond +-{MAX_MAGNITUDE:g}: rescale the targets")
    if task == "classification":
        bad = np.unique(a[(a != 1.0) & (a != -1.0)])
        if bad.size:
            shown = ", ".join(f"{b:g}" for b in bad[:5])
            raise ValueError(
                f"classification labels must be +1/-1; got other values ({shown}); "
                f"map the classes to +1/-1 or use task=\"regression\""
            )
    return a


def check_fitted(est, attr: str = "network_") -> None:
    """Raise :class:`NotFittedError` unless ``est`` has been fitted."""
    if not hasattr(est, attr):
        raise NotFittedError(f"this {type(est).__name__} is not fitted yet: call fit(X, y) first")


def r2_score(y: np.ndarray, yhat: np.ndarray) -> float:
    """Coefficient of determination ``1 - ||y - yhat||^2 / ||y - mean(y)||^2`` (1 if both are 0, else 0 when
    ``y`` is constant)."""
    ss_res = float(np.sum((y - yhat) ** 2))
    ss_tot = float(np.sum((y - y.mean()) ** 2))
    if ss_tot == 0.0:
        return 1.0 if ss_res == 0.0 else 0.0
    return 1.0 - ss_res / ss_tot
