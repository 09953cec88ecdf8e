"""Example data sets of the playground, generated in the canvas square from (n, noise, seed)."""

from __future__ import annotations

import numpy as np

from .state import DOMAIN, PRESETS, Point, snap

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


_MAKERS = {
    "xor": _xor,
    "circles": _circles,
    "moons": _moons,
    "spiral": _spiral,
    "gaussians": _gaussians,
    "linear": _linear,
    "regression surface": _regression_surface,
}


def preset_task(name: str) -> str:
    """The task a preset is made for."""
    return "regression" if name == "regression surface" else "classification"


def make_preset(name: str, n: int, noise: float, seed: int) -> tuple[Point, ...]:
    """``n`` points of data set ``name``; noise jitters positions (and regression targets).

    Deterministic in ``(name, n, noise, seed)``; ``empty`` has no points.
    """
    if name not in PRESETS:
        raise ValueError(f"unknown data set {name!r}")
    if name == "empty" or n <= 0:
        return ()
    rng = np.random.default_rng(seed)
    X, y = _MAKERS[name](rng, int(n))
    X = X + 0.25 * noise * rng.standard_normal(X.shape)
    if name == "regression surface":
        y = y + 0.3 * noise * rng.standard_normal(y.shape)
    X = np.clip(X, -MARGIN * DOMAIN, MARGIN * DOMAIN)
    return tuple((snap(a), snap(b), snap(c)) for (a, b), c in zip(X.tolist(), y.tolist()))
