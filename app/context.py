"""What a geometry tab receives: the current data, task, beta, fitted model and view state."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np


@dataclass(frozen=True)
class ViewContext:
    X: np.ndarray  # (n, 2) points
    y: np.ndarray  # (n,) classes +1/-1 or regression targets
    task: str  # "classification" or "regression"
    beta: float
    model: Any  # the fitted estimator, or None when there is no fit
    view: str  # extra view state carried by the share link ("" if none)
