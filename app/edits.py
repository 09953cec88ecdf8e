"""Edits of the point set made on the canvas: add, move, erase, and their replay.

The canvas sends every edit since its last reset as a list of operations together with
the ``base`` it started from. ``apply_canvas_message`` replays only the operations not
applied yet, so an edit is never lost or applied twice, however Streamlit batches reruns.
Any change of the points made elsewhere (preset, undo, CSV, clear) starts a new base,
and the canvas, seeing a new base, takes the points from the server and empties its list.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .state import MAX_APP_POINTS, Point, check_point

MAX_OPS = 400
"""Most operations one canvas message may carry."""

RESYNC_AFTER = 200
"""After this many operations on one base the server starts a new base (keeps messages short)."""


def add_point(points: tuple[Point, ...], x1: float, x2: float, y: float, task: str) -> tuple[Point, ...]:
    if len(points) >= MAX_APP_POINTS:
        raise ValueError(f"the canvas holds at most {MAX_APP_POINTS} points")
    return points + (check_point((x1, x2, y), task),)


def move_point(points: tuple[Point, ...], i: int, x1: float, x2: float, task: str) -> tuple[Point, ...]:
    i = _index(points, i)
    moved = check_point((x1, x2, points[i][2]), task)
    return points[:i] + (moved,) + points[i + 1 :]


def erase_point(points: tuple[Point, ...], i: int) -> tuple[Point, ...]:
    i = _index(points, i)
    return points[:i] + points[i + 1 :]


def _index(points, i) -> int:
    if isinstance(i, bool) or not isinstance(i, int) or not 0 <= i < len(points):
        raise ValueError("the edited point does not exist")
    return i


def apply_op(points: tuple[Point, ...], op: Any, task: str) -> tuple[Point, ...]:
    """One canvas operation: ``{"op": "add", "x", "y", "v"}``, ``{"op": "move", "i", "x", "y"}``
    or ``{"op": "erase", "i"}``; ``ValueError`` for anything else."""
    if not isinstance(op, dict):
        raise ValueError("a canvas edit is not an object")
    kind = op.get("op")
    if kind == "add":
        return add_point(points, op.get("x"), op.get("y"), op.get("v"), task)
    if kind == "move":
        return move_point(points, op.get("i"), op.get("x"), op.get("y"), task)
    if kind == "erase":
        return erase_point(points, op.get("i"))
    raise ValueError("unknown canvas edit")


@dataclass(frozen=True)
class CanvasSync:
    """Which canvas operations the server has applied: ``applied`` of those on ``base``."""

    base: int = 0
    applied: int = 0

    def reset(self) -> "CanvasSync":
        """A new base: the canvas will take the server's points and forget its operations."""
        return CanvasSync(self.base + 1, 0)


def apply_canvas_message(
    points: tuple[Point, ...], sync: CanvasSync, message: Any, task: str
) -> tuple[tuple[Point, ...], CanvasSync]:
    """Replay the new operations of a canvas message; ``ValueError`` if the message is bad.

    A message about an older base is stale (the points changed meanwhile) and changes nothing.
    """
    if not isinstance(message, dict) or not isinstance(message.get("ops"), list):
        raise ValueError("the canvas sent a malformed edit")
    ops = message["ops"]
    if len(ops) > MAX_OPS:
        raise ValueError("the canvas sent too many edits at once")
    if message.get("base") != sync.base or len(ops) <= sync.applied:
        return points, sync
    for op in ops[sync.applied :]:
        points = apply_op(points, op, task)
    sync = CanvasSync(sync.base, len(ops))
    if sync.applied >= RESYNC_AFTER:
        sync = sync.reset()
    return points, sync
