"""What a sampled-program solver returns: its blocks and its own duality gap (docs/math.md section 7)."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np


@dataclass(frozen=True)
class ProgramSolution:
    """Blocks of a sampled program (gated or ReLU) with the program's own primal/dual values.

    ``blocks[b]`` belongs to pattern ``pattern_of[b]`` with output sign ``signs[b]`` (gated: all +1; ReLU:
    +1 for ``v`` blocks, -1 for ``w`` blocks).  ``dual`` is the scaled feasible dual point of the program,
    ``constraint`` the largest dual-constraint value at the residual before scaling.
    """

    blocks: np.ndarray  # (B, k)
    signs: np.ndarray  # (B,)
    pattern_of: np.ndarray  # (B,)
    objective: float
    dual: np.ndarray
    dual_objective: float
    gap: float
    relative_gap: float
    constraint: float
    beta_max: float
    n_iter: int
    converged: bool
    stop_reason: str = ""
    max_violation: float = 0.0  # largest relative cone violation of a nonzero block (ReLU)
    info: dict = field(default_factory=dict)


def dual_value(y: np.ndarray, r: np.ndarray, constraint: float, beta: float) -> tuple[np.ndarray, float]:
    """``v = min(1, beta / constraint) r`` and ``d(v) = -1/2 ||v - y||^2 + 1/2 ||y||^2``."""
    v = r * (1.0 if constraint <= beta else beta / constraint)
    return v, float(-0.5 * np.sum((v - y) ** 2) + 0.5 * float(y @ y))


def relative_gap(gap: float, objective: float) -> float:
    """``gap / objective`` (0 when both are 0)."""
    if objective > 0:
        return max(gap, 0.0) / objective
    return 0.0 if gap <= 0 else np.inf
