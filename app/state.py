"""The playground's one state object and the declarative table of its fields.

Every field is one row of ``FIELDS`` (name, kind, default, bounds, whether a teacher may hide
its control). That table alone drives validation (``validated``), the share link
(``app.codec``), the widgets' defaults and the list of controls a link may hide.  The choices of
the ``preset``, ``model`` and ``tab`` fields are the keys of their registries (:mod:`app.presets`,
:mod:`app.models`, :mod:`app.tabs`).  The points themselves are part of the state, so a link restores
the drawing, not a seed.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, fields as dataclass_fields, replace
from typing import Any

from .grid import DOMAIN, Point, snap
from .models import MODELS as MODEL_SPECS
from .models import SIDEBAR_MODELS
from .presets import PRESETS as PRESET_SPECS
from .presets1d import PRESETS1D

VERSION = 1
"""Version of the state layout; a link written by another version is refused, not guessed."""

MAX_TARGET = 10.0
"""Largest |y| of a regression target."""

MAX_APP_POINTS = 200
"""Most points the playground holds (the library allows more; the page must stay responsive)."""

MAX_APP_POINTS1D = 100
"""Most points of the Deep 1-D tab (the depth-4 dictionary has about n^3 / 2 features)."""

DEPTHS = (2, 3, 4)

TRAIN_WIDTHS = {"below": 0.5, "at": 1.0, "above": 2.0}
"""Widths of the trained networks, as multiples of the convex optimum's number of neurons."""

TRAIN_RATES = (0.001, 0.003, 0.01, 0.03, 0.1)

PRESETS = tuple(PRESET_SPECS)
TASKS = ("classification", "regression")
MODELS = SIDEBAR_MODELS
MODEL_LABELS = {key: spec.label for key, spec in MODEL_SPECS.items()}
PRESET_LABELS = {key: spec.label for key, spec in PRESET_SPECS.items()}


def _beta_grid() -> tuple[float, ...]:
    mantissas = (1.0, 1.5, 2.0, 3.0, 5.0, 7.0)
    grid = [m * 10.0**e for e in range(-4, 1) for m in mantissas] + [10.0]
    return tuple(float(f"{b:.6g}") for b in grid)


BETA_GRID = _beta_grid()
"""The values the log slider for beta offers: 1, 1.5, 2, 3, 5, 7 per decade from 1e-4 to 10."""



@dataclass(frozen=True)
class Field:
    """One row of the state table."""

    name: str
    kind: str  # "int", "float", "log", "choice", "tab", "names", "points"
    default: Any
    low: Any = None
    high: Any = None
    choices: tuple = ()
    hideable: bool = True
    label: str = ""


FIELDS: tuple[Field, ...] = (
    Field("preset", "choice", "xor", choices=PRESETS, label="Data set"),
    Field("n", "int", 30, 1, MAX_APP_POINTS, label="Number of points"),
    Field("noise", "float", 0.1, 0.0, 1.0, label="Noise"),
    Field("seed", "int", 0, 0, 2**31 - 1, label="Seed"),
    Field("task", "choice", "classification", choices=TASKS, label="Task"),
    Field("beta", "log", 0.05, BETA_GRID[0], BETA_GRID[-1], choices=BETA_GRID, label="beta (weight decay, log scale)"),
    Field("model", "choice", "exact", choices=MODELS, label="Model"),
    Field("k", "int", 100, 1, 2000, label="Sampled patterns k"),
    Field("label", "choice", 1, choices=(1, -1), label="Click adds class"),
    Field("target", "float", 1.0, -MAX_TARGET, MAX_TARGET, label="Click adds target y"),
    Field("tab", "tab", "fit", hideable=False, label="Open tab"),
    Field("hide", "names", (), hideable=False, label="Hidden controls"),
    Field("points", "points", (), hideable=False, label="Points"),
    Field("preset1d", "choice", "paper", choices=tuple(PRESETS1D), label="1-D data set"),
    Field("depth", "choice", 3, choices=DEPTHS, label="Depth L (layers)"),
    Field("beta1d", "log", 0.01, BETA_GRID[0], BETA_GRID[-1], choices=BETA_GRID, label="beta of the deep network"),
    Field("points1d", "points1d", (), hideable=False, label="1-D points"),
    Field("train_opt", "choice", "adam", choices=("adam", "sgd", "gd"), label="Optimizer"),
    Field("train_width", "choice", "at", choices=tuple(TRAIN_WIDTHS), label="Width (vs the optimum's neurons)"),
    Field("train_lr", "choice", 0.01, choices=TRAIN_RATES, label="Learning rate"),
    Field("lesson", "lesson", "", hideable=False, label="Lesson"),
    Field("step", "int", 1, 1, 99, hideable=False, label="Lesson step"),
)

FIELD = {f.name: f for f in FIELDS}

CONTROL_GROUPS = ("history", "csv", "downloads", "share", "lessons")
"""Controls that are not a state field but that a teacher may still hide."""

HIDEABLE_FIELDS = tuple(f.name for f in FIELDS if f.hideable)
HIDEABLE = HIDEABLE_FIELDS + CONTROL_GROUPS
"""Sidebar controls a link may hide (the tabs' keys may be hidden too: :func:`hideable`)."""


def tab_keys() -> tuple[str, ...]:
    """Keys of the tab registry (imported on use: the tabs' views import this module)."""
    from .tabs import TABS

    return tuple(TABS)


def hideable() -> tuple[str, ...]:
    """Every name ``hide`` accepts: the sidebar controls, then the tabs."""
    return HIDEABLE + tab_keys()


@dataclass(frozen=True)
class AppState:
    """Everything the page shows is a function of this object (and the library's fit of it)."""

    preset: str = FIELD["preset"].default
    n: int = FIELD["n"].default
    noise: float = FIELD["noise"].default
    seed: int = FIELD["seed"].default
    task: str = FIELD["task"].default
    beta: float = FIELD["beta"].default
    model: str = FIELD["model"].default
    k: int = FIELD["k"].default
    label: int = FIELD["label"].default
    target: float = FIELD["target"].default
    tab: str = FIELD["tab"].default
    hide: tuple[str, ...] = FIELD["hide"].default
    points: tuple[Point, ...] = FIELD["points"].default
    preset1d: str = FIELD["preset1d"].default
    depth: int = FIELD["depth"].default
    beta1d: float = FIELD["beta1d"].default
    points1d: tuple[tuple[float, float], ...] = FIELD["points1d"].default
    train_opt: str = FIELD["train_opt"].default
    train_width: str = FIELD["train_width"].default
    train_lr: float = FIELD["train_lr"].default
    lesson: str = FIELD["lesson"].default
    step: int = FIELD["step"].default
    version: int = VERSION

    def hidden(self, control: str) -> bool:
        return control in self.hide


assert [f.name for f in dataclass_fields(AppState)][:-1] == [f.name for f in FIELDS], "table and state disagree"


def snap_beta(beta: float) -> float:
    """The grid value of beta nearest to ``beta`` in log scale."""
    return min(BETA_GRID, key=lambda b: abs(math.log(b) - math.log(beta)))


def _finite(value: Any, name: str) -> float:
    if isinstance(value, bool):
        raise ValueError(f"{name} must be a number")
    try:
        x = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a number") from None
    if not math.isfinite(x):
        raise ValueError(f"{name} must be finite")
    return x


def as_task(points: tuple[Point, ...], task: str) -> tuple[Point, ...]:
    """Points usable for ``task``: for classification a target becomes the class of its sign."""
    if task != "classification":
        return points
    return tuple((a, b, 1.0 if y >= 0 else -1.0) for a, b, y in points)


def check_point(p: Any, task: str) -> Point:
    """Validate one ``(x1, x2, y)`` and put it on the grid; raise ``ValueError`` otherwise."""
    if not isinstance(p, (tuple, list)) or len(p) != 3:
        raise ValueError("a point is three numbers x1, x2, y")
    x1, x2, y = (_finite(v, name) for v, name in zip(p, ("x1", "x2", "y")))
    if abs(x1) > DOMAIN or abs(x2) > DOMAIN:
        raise ValueError(f"points must lie in [-{DOMAIN:g}, {DOMAIN:g}]^2")
    if task == "classification":
        if y not in (1.0, -1.0):
            raise ValueError("class labels must be +1 or -1")
    elif abs(y) > MAX_TARGET:
        raise ValueError(f"regression targets must lie in [-{MAX_TARGET:g}, {MAX_TARGET:g}]")
    return (snap(x1), snap(x2), snap(y))


def check_point1d(p: Any) -> tuple[float, float]:
    """Validate one 1-D point ``(x, y)`` and put it on the grid; raise ``ValueError`` otherwise."""
    if not isinstance(p, (tuple, list)) or len(p) != 2:
        raise ValueError("a 1-D point is two numbers x, y")
    x, y = (_finite(v, name) for v, name in zip(p, ("x", "y")))
    if abs(x) > DOMAIN:
        raise ValueError(f"x must lie in [-{DOMAIN:g}, {DOMAIN:g}]")
    if abs(y) > MAX_TARGET:
        raise ValueError(f"y must lie in [-{MAX_TARGET:g}, {MAX_TARGET:g}]")
    return (snap(x), snap(y))


def check_value(field: Field, value: Any, task: str = "classification") -> Any:
    """The validated value of one field; raise ``ValueError`` with a short message otherwise."""
    name = field.name
    if field.kind == "int":
        x = _finite(value, name)
        if x != int(x):
            raise ValueError(f"{name} must be a whole number")
        x = int(x)
        if not field.low <= x <= field.high:
            raise ValueError(f"{name} must lie in [{field.low}, {field.high}]")
        return x
    if field.kind == "float":
        x = _finite(value, name)
        if not field.low <= x <= field.high:
            raise ValueError(f"{name} must lie in [{field.low:g}, {field.high:g}]")
        return snap(x)
    if field.kind == "log":
        x = _finite(value, name)
        if not field.low * (1 - 1e-9) <= x <= field.high * (1 + 1e-9):
            raise ValueError(f"{name} must lie in [{field.low:g}, {field.high:g}]")
        return snap_beta(x)
    if field.kind == "choice":
        if value not in field.choices or isinstance(value, bool):
            raise ValueError(f"{name} must be one of {', '.join(map(str, field.choices))}")
        return value
    if field.kind == "tab":
        keys = tab_keys()
        if value not in keys:
            raise ValueError(f"{name} must be one of {', '.join(keys)}")
        return value
    if field.kind == "lesson":
        from .lesson_book import lessons  # imported on use: the lessons' loader imports this module

        if value != "" and value not in lessons():
            raise ValueError(f"{name} must be one of {', '.join(lessons())} (or empty)")
        return value
    if field.kind == "names":
        names = tuple(value)
        allowed = hideable()
        if any(v not in allowed for v in names):
            # the offending text is not repeated back: it may come from a link
            raise ValueError(f"hide names a control that does not exist; hideable: {', '.join(allowed)}")
        return tuple(sorted(set(names), key=allowed.index))
    if field.kind == "points":
        pts = list(value)
        if len(pts) > MAX_APP_POINTS:
            raise ValueError(f"at most {MAX_APP_POINTS} points; got {len(pts)}")
        return tuple(check_point(p, task) for p in pts)
    if field.kind == "points1d":
        pts = list(value)
        if len(pts) > MAX_APP_POINTS1D:
            raise ValueError(f"at most {MAX_APP_POINTS1D} points; got {len(pts)}")
        return tuple(check_point1d(p) for p in pts)
    raise AssertionError(f"unknown kind {field.kind}")


def validated(**values: Any) -> AppState:
    """An ``AppState`` from field values (missing ones take their defaults); ``ValueError`` if any is bad."""
    unknown = set(values) - set(FIELD)
    if unknown:
        raise ValueError(f"unknown setting {sorted(unknown)[0]!r}")
    task = check_value(FIELD["task"], values.get("task", FIELD["task"].default))
    clean = {}
    for f in FIELDS:
        if f.name in values:
            clean[f.name] = check_value(f, values[f.name], task)
    return AppState(**clean)


def with_changes(state: AppState, **changes: Any) -> AppState:
    """``state`` with some fields changed, each validated; ``ValueError`` if any is bad.

    Switching the task converts the points: a regression target becomes the class of its sign.
    """
    task = changes.get("task", state.task)
    if task != state.task and "points" not in changes:
        changes["points"] = as_task(state.points, check_value(FIELD["task"], task))
    clean = {name: check_value(FIELD[name], value, task) for name, value in changes.items() if name in FIELD}
    unknown = set(changes) - set(FIELD)
    if unknown:
        raise ValueError(f"unknown setting {sorted(unknown)[0]!r}")
    return replace(state, **clean)
