"""Example 1-D data sets of the Deep 1-D tab: points ``(x, y)`` with ``x`` in the canvas interval.

Like :mod:`app.presets`, the registry :data:`PRESETS1D` is the one place a data set is declared (key,
label, maker); the key is its name in links.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from solvers.deep1d import load_nile

from .grid import DOMAIN, snap

Point1D = tuple[float, float]


def _paper(n):
    """The small example of Zeger et al. (x = 0, 4, 5, 7, 10, 11; y = 0, 0, 0, 2, 3, 3), x mapped into the interval."""
    x = np.array([0.0, 4.0, 5.0, 7.0, 10.0, 11.0])
    return 0.9 * (x - 5.5) / 5.5, np.array([0.0, 0.0, 0.0, 2.0, 3.0, 3.0])


def _nile(n):
    """Next year's flow of the Nile against this year's (1871-1970, standardized, x scaled into the interval)."""
    _, flow = load_nile()
    s = (flow - flow.mean()) / flow.std()
    x, y = s[:-1], s[1:]
    return 0.9 * x / np.abs(x).max(), y


def _sine(n):
    x = np.linspace(-0.9, 0.9, 15)
    return x, np.sin(np.pi * x)


def _steps(n):
    x = np.linspace(-0.9, 0.9, 16)
    return x, np.where(x < -0.3, 0.0, np.where(x < 0.3, 1.0, -0.5))


def _empty(n):
    return np.zeros(0), np.zeros(0)


@dataclass(frozen=True)
class Preset1DSpec:
    key: str
    label: str
    maker: Callable


PRESETS1D: dict[str, Preset1DSpec] = {
    spec.key: spec
    for spec in (
        Preset1DSpec("paper", "The paper's example (6 points)", _paper),
        Preset1DSpec("nile", "Nile flow, next year vs this year (99 pairs)", _nile),
        Preset1DSpec("sine", "A sine (15 points)", _sine),
        Preset1DSpec("steps", "Steps (16 points)", _steps),
        Preset1DSpec("empty", "Empty", _empty),
    )
}
"""The Deep 1-D tab's data sets by key (keys are link names: never change one)."""


def make_preset1d(name: str) -> tuple[Point1D, ...]:
    """The points of 1-D data set ``name``, on the coordinate grid."""
    spec = PRESETS1D.get(name)
    if spec is None:
        raise ValueError(f"unknown 1-D data set {name!r}")
    x, y = spec.maker(0)
    x = np.clip(x, -DOMAIN, DOMAIN)
    return tuple((snap(a), snap(b)) for a, b in zip(x.tolist(), y.tolist()))
