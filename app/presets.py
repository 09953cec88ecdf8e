"""Example data sets of the playground, generated in the canvas square from (n, noise, seed).

The registry :data:`PRESETS` is the one place a data set is declared: its key (the name in links and in
the state, stable), its label (what the sidebar shows), its task and its maker.  Adding a data set is one
:class:`PresetSpec` entry plus its maker.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from .grid import DOMAIN, Point, snap

MARGIN = 0.95
"""Generated points stay within MARGIN * DOMAIN of the centre, so none sits on the canvas edge."""


def _xor(rng, n):
    X = rng.uniform(-0.9, 0.9, size=(n, 2))
    X += np.sign(X) * 0.05  # keep a gap along the axes
    return X, np.where(X[:, 0] * X[:, 1] >= 0, 1.0, -1.0)


def _circles(rng, n):
    inner = n // 2
    r = np.concatenate([rng.uniform(0.0, 0.35, inner), rng.uniform(0.6, 0.85, n - inner)])
    t = rng.uniform(0, 2 * np.pi, n)
    y = np.concatenate([np.ones(inner), -np.ones(n - inner)])
    return np.column_stack([r * np.cos(t), r * np.sin(t)]), y


def _moons(rng, n):
    top = n // 2
    t = rng.uniform(0, np.pi, n)
    upper = np.column_stack([np.cos(t[:top]), np.sin(t[:top])])
    lower = np.column_stack([1 - np.cos(t[top:]), 0.5 - np.sin(t[top:])])
    X = (np.vstack([upper, lower]) - [0.5, 0.25]) * 0.6
    return X, np.concatenate([np.ones(top), -np.ones(n - top)])


def _spiral(rng, n):
    first = n // 2
    s = rng.uniform(0.0, 1.0, n)
    r = 0.1 + 0.8 * s
    t = 3 * np.pi * s + np.where(np.arange(n) < first, 0.0, np.pi)
    return np.column_stack([r * np.cos(t), r * np.sin(t)]), np.where(np.arange(n) < first, 1.0, -1.0)


def _gaussians(rng, n):
    first = n // 2
    centre = np.where((np.arange(n) < first)[:, None], [0.45, 0.45], [-0.45, -0.45])
    return centre + 0.2 * rng.standard_normal((n, 2)), np.where(np.arange(n) < first, 1.0, -1.0)


def _linear(rng, n):
    X = rng.uniform(-0.9, 0.9, size=(n, 2))
    return X, np.where(0.8 * X[:, 0] - 0.6 * X[:, 1] + 0.1 >= 0, 1.0, -1.0)


def _regression_surface(rng, n):
    X = rng.uniform(-0.9, 0.9, size=(n, 2))
    return X, np.sin(np.pi * X[:, 0]) * np.cos(0.5 * np.pi * X[:, 1])


def _empty(rng, n):
    return np.zeros((0, 2)), np.zeros(0)


@dataclass(frozen=True)
class PresetSpec:
    """One data set: ``maker(rng, n) -> (X, y)`` draws ``n`` points; noise then jitters the positions by
    ``0.25 noise`` and the targets by ``target_noise * noise`` (standard deviations)."""

    key: str
    label: str
    task: str | None  # the task it is made for (None: any, the current task stays)
    maker: Callable | None  # None: the points are the user's own (choosing it keeps them)
    target_noise: float = 0.0


PRESETS: dict[str, PresetSpec] = {
    spec.key: spec
    for spec in (
        PresetSpec("xor", "XOR", "classification", _xor),
        PresetSpec("circles", "Circles", "classification", _circles),
        PresetSpec("moons", "Moons", "classification", _moons),
        PresetSpec("spiral", "Spiral", "classification", _spiral),
        PresetSpec("gaussians", "Two Gaussians", "classification", _gaussians),
        PresetSpec("linear", "Linear", "classification", _linear),
        PresetSpec("regression surface", "Regression surface", "regression", _regression_surface, 0.3),
        PresetSpec("empty", "Empty canvas", None, _empty),
        PresetSpec("custom", "Your own points", None, None),
    )
}
"""The playground's data sets by key (keys are link names: never change one)."""


def preset_task(name: str) -> str | None:
    """The task a preset is made for (None: it suits any task)."""
    return PRESETS[name].task


def make_preset(name: str, n: int, noise: float, seed: int) -> tuple[Point, ...]:
    """``n`` points of data set ``name``; noise jitters positions (and regression targets).

    Deterministic in ``(name, n, noise, seed)``; ``empty`` has no points.
    """
    spec = PRESETS.get(name)
    if spec is None:
        raise ValueError(f"unknown data set {name!r}")
    if n <= 0 or spec.maker is None:
        return ()
    rng = np.random.default_rng(seed)
    X, y = spec.maker(rng, int(n))
    if X.shape[0] == 0:
        return ()
    X = X + 0.25 * noise * rng.standard_normal(X.shape)
    if spec.target_noise:
        y = y + spec.target_noise * noise * rng.standard_normal(y.shape)
    X = np.clip(X, -MARGIN * DOMAIN, MARGIN * DOMAIN)
    return tuple((snap(a), snap(b), snap(c)) for (a, b), c in zip(X.tolist(), y.tolist()))
