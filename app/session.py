"""The page's session: the one state object in ``st.session_state`` and the callbacks that change it.

Every widget of a state field has the key ``w_<field>`` and calls :func:`on_widget` with the field's
name; the state is the single source of truth and :func:`push_widgets` makes the widgets show it.
"""

from __future__ import annotations

import streamlit as st

from app.codec import decode
from app.edits import CanvasSync
from app.history import History, record
from app.presets import make_preset, preset_task
from app.presets1d import make_preset1d
from dataclasses import replace

from app.presets import PRESETS
from app.state import FIELD, HIDEABLE_FIELDS, MAX_APP_POINTS, AppState, as_task, with_changes

ss = st.session_state
WIDGET_FIELDS = HIDEABLE_FIELDS  # every field a teacher may hide is a sidebar control
DATA_FIELDS = ("preset", "n", "noise", "seed")
"""Fields whose change draws the preset's points anew."""


# ---------------------------------------------------------------- state
def widget_key(name: str) -> str:
    return f"w_{name}"


def push_widgets(state: AppState) -> None:
    """Make every widget show the state's value (called before the widgets are drawn)."""
    for name in WIDGET_FIELDS:
        ss[widget_key(name)] = getattr(state, name)


def set_state(state: AppState, *, points_from_canvas: bool = False) -> None:
    """Replace the state; a change of points not made on the canvas starts a new canvas base."""
    old = ss.app_state
    if state.points != old.points:
        ss.history = record(ss.history, old.points, state.points)
        if not points_from_canvas:
            ss.sync = ss.sync.reset()
    ss.app_state = state
    push_widgets(state)


def switch_task(state: AppState, task: str) -> AppState:
    """The state with another task.  Regression targets become classes of their sign; switching back to
    regression on the same point positions brings the targets back (the session remembers them)."""
    if task == state.task:
        return state
    if task == "classification":
        ss.regression_points = state.points
        return with_changes(state, task=task)
    kept = ss.get("regression_points") or ()
    same = len(kept) == len(state.points) and all(a[:2] == b[:2] for a, b in zip(kept, state.points))
    if same and as_task(kept, "classification") == state.points:
        return with_changes(state, task=task, points=kept)
    return with_changes(state, task=task)


def preset_points(state: AppState) -> tuple:
    """The points the state's data set makes (for its task: a regression set switched to classification
    keeps the signs of its targets)."""
    return as_task(tuple(make_preset(state.preset, state.n, state.noise, state.seed)), state.task)


def drawn(state: AppState) -> AppState:
    """The state after its points were changed by hand (canvas, undo, clear, import): its data set is then
    "your own points" (or the empty canvas) and its point count is theirs, so the Data widgets show what
    the canvas shows."""
    if not state.points:
        return replace(state, preset="empty")
    return replace(state, preset="custom", n=min(len(state.points), MAX_APP_POINTS))


def start_session() -> None:
    if "app_state" in ss:
        return
    params = st.query_params.to_dict()
    state, warning = decode(params)
    if state.lesson and "points" not in params:  # ?lesson=KEY&step=N: open that step's own state
        from app.lesson_book import open_step

        state = open_step(state, state.lesson, state.step)
    elif "points" in params and state.preset != "custom" and state.points != preset_points(state):
        state = drawn(state)  # a link's own points: the Data widgets say so (the picture is the link's)
    ss.app_state = state
    ss.history = History()
    ss.sync = CanvasSync()
    ss.notice = warning
    push_widgets(state)


# ---------------------------------------------------------------- callbacks
def on_widget(name: str) -> None:
    state = ss.app_state
    value = ss[widget_key(name)]
    try:
        if name == "preset" and PRESETS[value].maker is None:  # "your own points": keep them
            state = with_changes(state, preset=value)
        elif name in DATA_FIELDS:
            changes = {name: value}
            if name == "preset" and preset_task(value) is not None:
                changes["task"] = preset_task(value)
            state = with_changes(state, **changes)
            state = with_changes(state, points=make_preset(state.preset, state.n, state.noise, state.seed))
        elif name == "task":
            state = switch_task(state, value)
        elif name == "preset1d":
            state = with_changes(state, preset1d=value, points1d=make_preset1d(value))
            ss.points1d_rev = ss.get("points1d_rev", 0) + 1
        else:
            state = with_changes(state, **{name: value})
    except ValueError as exc:
        ss.notice = f"{FIELD[name].label}: {exc}"
    set_state(state)




def points1d_editor_key() -> str:
    """The key of the Deep 1-D table: new whenever its points change, so the table always starts from the state."""
    return f"deep1d_points_{ss.get('points1d_rev', 0)}"


def on_points1d(key: str) -> None:
    """Apply the edits of the Deep 1-D table (``{"edited_rows", "added_rows", "deleted_rows"}``) to the state's
    1-D points; a bad edit gives a short notice and keeps the points."""
    delta = ss.get(key) or {}
    state = ss.app_state
    try:
        points = apply_table_edits(state.points1d, delta)
        state = with_changes(state, points1d=points)
    except (ValueError, TypeError) as exc:
        ss.notice = f"That edit of the 1-D points was not applied: {exc}."
    ss.points1d_rev = ss.get("points1d_rev", 0) + 1
    set_state(state)


def apply_table_edits(points: tuple, delta) -> tuple:
    """Points ``(x, y)`` after a table's edits: edited cells, then deleted rows, then added rows (rows with an
    empty cell are left out until both cells are filled)."""
    if not isinstance(delta, dict):
        raise ValueError("the table sent an unreadable edit")
    rows = [list(p) for p in points]
    for index, change in (delta.get("edited_rows") or {}).items():
        i = int(index)
        if not 0 <= i < len(rows) or not isinstance(change, dict):
            raise ValueError("an edited row does not exist")
        for column, value in change.items():
            if column not in ("x", "y"):
                raise ValueError("the table has the columns x and y")
            rows[i][0 if column == "x" else 1] = value
    deleted = {int(i) for i in (delta.get("deleted_rows") or [])}
    rows = [r for i, r in enumerate(rows) if i not in deleted]
    for added in delta.get("added_rows") or []:
        if not isinstance(added, dict):
            raise ValueError("an added row is not readable")
        if added.get("x") is None or added.get("y") is None:
            continue
        rows.append([added["x"], added["y"]])
    return tuple((r[0], r[1]) for r in rows if r[0] is not None and r[1] is not None)
