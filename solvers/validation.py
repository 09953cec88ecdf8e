"""Checks of estimator hyper-parameters and training data: every problem is a ``ValueError`` that names it."""

from __future__ import annotations

import numbers

import numpy as np

from geometry import MAX_POINTS

TASKS = ("classification", "regression")
"""Classification fits labels +1/-1 with the squared loss and predicts the sign; regression fits real targets."""


class NotFittedError(ValueError, AttributeError):
    """The estimator is used before ``fit``."""


def check_choice(value, name: str, choices) -> str:
    """``value`` must be one of ``choices``."""
    if not isinstance(value, str) or value not in choices:
        raise ValueError(f"{name} must be one of {', '.join(map(repr, choices))}; got {value!r}")
    return value


def check_positive(value, name: str) -> float:
    """``value`` must be a finite real number ``> 0``."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise ValueError(f"{name} must be a positive number; got {value!r}")
    v = float(value)
    if not np.isfinite(v) or v <= 0:
        raise ValueError(f"{name} must be a positive finite number; got {value!r}")
    return v


def check_count(value, name: str) -> int:
    """``value`` must be an integer ``>= 1``."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < 1:
        raise ValueError(f"{name} must be a positive integer; got {value!r}")
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
