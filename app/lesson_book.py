"""Lessons are data: one TOML file per lesson in ``app/lessons/``; this module reads and checks them.

A lesson file has a ``key`` (stable: links open a step with ``?lesson=KEY&step=N``), a ``title`` and
``[[steps]]``.  Each step has a ``title``, a ``state`` (any fields of the page's state table: a preset
or ``points``, beta, model, the open ``tab``, the hidden controls ``hide``), a ``text`` of a few
sentences, one thing to ``try`` on the canvas, a ``question`` and its ``answer``.  Numbers in the
texts are written as ``{name}`` with a name of :data:`LIVE`: they are computed from the current drawing
each time the step is shown, so the text stays true when the student changes the drawing.

Adding a lesson is adding a file; ``tests/app/test_lessons.py`` checks every file.
"""

from __future__ import annotations

import string
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from geometry import wedge_dictionary
from geometry.regions import linear_regions

from .state import FIELD, AppState, with_changes

if TYPE_CHECKING:
    from .scene import Scene

LESSON_DIR = Path(__file__).resolve().parent / "lessons"
MAX_LESSON_BYTES = 64 * 1024
TEXT_PARTS = ("text", "try", "question", "answer")


@dataclass(frozen=True)
class Step:
    title: str
    state: dict
    text: str
    try_: str
    question: str
    answer: str


@dataclass(frozen=True)
class Lesson:
    key: str
    title: str
    steps: tuple[Step, ...]
    source: str  # the file it was read from


# ------------------------------------------------------------------------------------------ live numbers
def _fmt(x: float, digits: int = 6) -> str:
    return "n/a" if not np.isfinite(x) else f"{x:.{digits}g}"


def _regions(scene: Scene) -> str:
    u = scene.units
    if scene.model is None:
        return "n/a"
    box = (-1.0, -1.0, 1.0, 1.0)
    return str(len(linear_regions(u.lines[:, :2], u.lines[:, 2], box)))


def _deep(scene: Scene, what: str) -> str:
    from .views.deep1d import deep_fits  # the tab's own cached fits

    fits, _ = deep_fits(scene.state.points1d, scene.state.beta1d)
    model = fits.get(scene.state.depth)
    if model is None:
        return "n/a"
    return str(model.n_units_ if what == "units" else model.dictionary_size_)


def _accuracy(scene: Scene) -> str:
    if scene.model is None or scene.task != "classification":
        return "n/a"
    return f"{np.mean(scene.model.predict(scene.X) == scene.y):.0%}"


def _cert(scene: Scene, name: str) -> str:
    c = scene.certificate
    if c is None:
        return "n/a"
    value = {"objective": c.objective, "dual_objective": c.dual_objective, "relative_gap": c.relative_gap,
             "beta_max": c.beta_max, "phi_over_beta": c.phi_dual / c.beta}[name]
    return _fmt(value, 3 if name == "relative_gap" else 6)


LIVE: dict[str, Callable[[Scene], str]] = {
    "n": lambda s: str(s.n),
    "pattern_count": lambda s: str(s.oracle.n_patterns) if s.oracle is not None else "0",
    "cover_count": lambda s: str(s.n * s.n - s.n + 2),
    "n_plus_one": lambda s: str(s.n + 1),
    "n_neurons": lambda s: str(len(s.units)) if s.model is not None else "n/a",
    "n_regions": _regions,
    "n_lines": lambda s: str(wedge_dictionary(s.X).shape[0] // 2) if s.n >= 2 else "0",
    "beta": lambda s: f"{s.beta:g}",
    "objective": lambda s: _cert(s, "objective"),
    "dual_objective": lambda s: _cert(s, "dual_objective"),
    "relative_gap": lambda s: _cert(s, "relative_gap"),
    "beta_max": lambda s: _cert(s, "beta_max"),
    "phi_over_beta": lambda s: _cert(s, "phi_over_beta"),
    "certified": lambda s: "yes" if s.certificate is not None and s.certificate.certified else "no",
    "accuracy": _accuracy,
    "depth": lambda s: str(s.state.depth),
    "deep_units": lambda s: _deep(s, "units"),
    "deep_dictionary": lambda s: _deep(s, "dictionary"),
}
"""The numbers a lesson text may state, each computed from the current scene (its drawing and fit)."""


def placeholders(text: str) -> list[str]:
    """The ``{name}`` fields of a text."""
    return [name for _, name, _, _ in string.Formatter().parse(text) if name is not None]


def live_text(text: str, scene: Scene) -> str:
    """``text`` with each ``{name}`` replaced by its live value on ``scene``."""
    return text.format_map({name: LIVE[name](scene) for name in placeholders(text)}).strip()


# ------------------------------------------------------------------------------------------ reading
def read_lesson(path: Path) -> Lesson:
    """A lesson file, checked; ``ValueError`` naming the file and the problem."""
    raw = path.read_bytes()
    if len(raw) > MAX_LESSON_BYTES:
        raise ValueError(f"{path.name}: larger than {MAX_LESSON_BYTES // 1024} KiB")
    try:
        doc = tomllib.loads(raw.decode("utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ValueError(f"{path.name}: not valid TOML ({exc})") from None
    for name in ("key", "title", "steps"):
        if name not in doc:
            raise ValueError(f"{path.name}: no {name!r}")
    steps = []
    for i, s in enumerate(doc["steps"], start=1):
        missing = [k for k in ("title", "state", *TEXT_PARTS) if k not in s]
        if missing:
            raise ValueError(f"{path.name}, step {i}: no {', '.join(missing)}")
        for part in TEXT_PARTS:
            unknown = [p for p in placeholders(s[part]) if p not in LIVE]
            if unknown:
                raise ValueError(f"{path.name}, step {i}: unknown number {{{unknown[0]}}} in its {part}")
        state = dict(s["state"])
        try:
            step_state(AppState(), state)
        except (ValueError, TypeError) as exc:
            raise ValueError(f"{path.name}, step {i}: its state is not valid ({exc})") from None
        steps.append(Step(s["title"], state, s["text"], s["try"], s["question"], s["answer"]))
    if not steps:
        raise ValueError(f"{path.name}: a lesson needs at least one step")
    return Lesson(str(doc["key"]), str(doc["title"]), tuple(steps), path.name)


@lru_cache(maxsize=1)
def lessons() -> dict[str, Lesson]:
    """Every lesson of ``app/lessons/``, by key, in file-name order; ``ValueError`` on a bad file or a repeated key."""
    out: dict[str, Lesson] = {}
    for path in sorted(LESSON_DIR.glob("*.toml")):
        lesson = read_lesson(path)
        if lesson.key in out:
            raise ValueError(f"{path.name}: the key {lesson.key!r} is already used by {out[lesson.key].source}")
        out[lesson.key] = lesson
    return out


# ------------------------------------------------------------------------------------------ states
def step_state(state: AppState, values: dict[str, Any]) -> AppState:
    """``state`` with a step's values: every field validated; a preset without ``points`` draws its points,
    a 1-D preset its 1-D points."""
    from .presets import make_preset
    from .presets1d import make_preset1d

    unknown = [k for k in values if k not in FIELD or k in ("lesson", "step")]
    if unknown:
        raise ValueError(f"unknown field {unknown[0]!r}")
    changes = dict(values)
    if "hide" in changes:
        changes["hide"] = tuple(changes["hide"])
    if "points" in changes:
        changes["points"] = tuple(tuple(p) for p in changes["points"])
        changes.setdefault("preset", "custom")  # the step's own drawing
    if "points1d" in changes:
        changes["points1d"] = tuple(tuple(p) for p in changes["points1d"])
    new = with_changes(state, **changes)
    if "points" not in values and {"preset", "n", "noise", "seed"} & set(values):
        new = with_changes(new, points=make_preset(new.preset, new.n, new.noise, new.seed))
    if "points1d" not in values and "preset1d" in values:
        new = with_changes(new, points1d=make_preset1d(new.preset1d))
    return new


def open_step(state: AppState, key: str, step: int) -> AppState:
    """The state of step ``step`` (1-based) of lesson ``key``, on top of ``state``."""
    lesson = lessons()[key]
    step = min(max(int(step), 1), len(lesson.steps))
    return replace(step_state(state, lesson.steps[step - 1].state), lesson=key, step=step)
