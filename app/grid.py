"""The canvas square and its coordinate grid, shared by the state, the presets and the figures."""

from __future__ import annotations

DOMAIN = 1.0
"""The canvas shows the square [-DOMAIN, DOMAIN]^2; every point lies in it."""

COORD_STEP = 1e-3
"""Coordinates and target values are kept on this grid, so a share link restores them exactly."""

Point = tuple[float, float, float]
"""One data point ``(x1, x2, y)``: y is the class (+1/-1) or the regression target."""


def snap(value: float, step: float = COORD_STEP) -> float:
    """Round to the coordinate grid (and turn -0.0 into 0.0)."""
    return round(round(value / step) * step, 6) + 0.0
