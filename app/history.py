"""Undo and redo of the point set: two bounded stacks of earlier and later point sets."""

from __future__ import annotations

from dataclasses import dataclass

from .state import Point

MAX_HISTORY = 100


@dataclass(frozen=True)
class History:
    past: tuple[tuple[Point, ...], ...] = ()
    future: tuple[tuple[Point, ...], ...] = ()

    @property
    def can_undo(self) -> bool:
        return bool(self.past)

    @property
    def can_redo(self) -> bool:
        return bool(self.future)


def record(history: History, before: tuple[Point, ...], after: tuple[Point, ...]) -> History:
    """The history after the points changed from ``before`` to ``after`` (no entry if equal)."""
    if before == after:
        return history
    return History((history.past + (before,))[-MAX_HISTORY:], ())


def undo(history: History, current: tuple[Point, ...]) -> tuple[History, tuple[Point, ...]]:
    if not history.past:
        return history, current
    return History(history.past[:-1], (current,) + history.future), history.past[-1]


def redo(history: History, current: tuple[Point, ...]) -> tuple[History, tuple[Point, ...]]:
    if not history.future:
        return history, current
    return History(history.past + (current,), history.future[1:]), history.future[0]

