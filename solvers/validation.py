"""Checks of estimator hyper-parameters and training data: every problem is a ``ValueError`` that names it."""

from __future__ import annotations

import numbers

import numpy as np

from geometry import MAX_POINTS
from geometry.lift import check_points, check_vector

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
    """``X`` as a finite float array of shape ``(n, d)`` with ``1 <= n <= max_points`` (:func:`geometry.check_points`)."""
    return check_points(X, name="X", max_points=max_points, d=d, max_magnitude=MAX_MAGNITUDE)


def check_y(y, n: int, task: str) -> np.ndarray:
    """``y`` as a finite float vector of shape ``(n,)``; labels +1/-1 for classification."""
    a = check_vector(y, n, name="y", max_magnitude=MAX_MAGNITUDE, strict=True)
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


def check_oracle(oracle, X: np.ndarray):
    """``oracle`` (a :class:`~geometry.PlanarOracle` or None) must be the oracle of exactly these points: a
    certificate computed with another data set's oracle would be false."""
    if oracle is None:
        return None
    from geometry import PlanarOracle, distinct_points

    if not isinstance(oracle, PlanarOracle):
        raise ValueError(f"oracle must be a geometry.PlanarOracle of X; got {type(oracle).__name__}")
    U, inverse = distinct_points(X)
    if oracle.n != X.shape[0] or not (np.array_equal(oracle.U, U) and np.array_equal(oracle.inverse, inverse)):
        raise ValueError("oracle belongs to other points than X: build it with geometry.PlanarOracle(X)")
    return oracle
