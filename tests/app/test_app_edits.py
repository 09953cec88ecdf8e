"""Canvas edits, their replay, undo/redo and the CSV import/export."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.csv_points import MAX_CSV_BYTES, points_from_csv, points_to_csv
from app.edits import RESYNC_AFTER, CanvasSync, add_point, apply_canvas_message, apply_op, erase_point, move_point
from app.history import MAX_HISTORY, History, record, redo, undo
from app.state import MAX_APP_POINTS

P = ((0.1, 0.2, 1.0), (-0.3, 0.4, -1.0))


def test_add_move_erase():
    pts = add_point(P, 0.5, -0.5, -1, "classification")
    assert pts == P + ((0.5, -0.5, -1.0),)
    moved = move_point(pts, 0, 0.9, 0.8, "classification")
    assert moved[0] == (0.9, 0.8, 1.0) and moved[1:] == pts[1:]
    assert erase_point(moved, 1) == (moved[0], moved[2])


@pytest.mark.parametrize(
    "op",
    [
        {"op": "add", "x": 0.0, "y": 0.0, "v": 0.5},  # not a class
        {"op": "add", "x": 1.5, "y": 0.0, "v": 1},  # off the canvas
        {"op": "add", "x": "a", "y": 0.0, "v": 1},
        {"op": "move", "i": 2, "x": 0, "y": 0},
        {"op": "move", "i": True, "x": 0, "y": 0},
        {"op": "erase", "i": -1},
        {"op": "erase", "i": 0.0},
        {"op": "explode"},
        "add",
    ],
)
def test_bad_operations_are_refused(op):
    with pytest.raises(ValueError):
        apply_op(P, op, "classification")


def test_canvas_holds_a_bounded_number_of_points():
    full = tuple((0.0, 0.0, 1.0) for _ in range(MAX_APP_POINTS))
    with pytest.raises(ValueError):
        add_point(full, 0.1, 0.1, 1, "classification")


def test_replay_applies_each_operation_once():
    ops = [{"op": "add", "x": 0.5, "y": 0.5, "v": 1}]
    sync = CanvasSync(base=3)
    pts, sync = apply_canvas_message(P, sync, {"base": 3, "ops": ops}, "classification")
    assert len(pts) == 3 and sync == CanvasSync(3, 1)
    # the same message again (a rerun) changes nothing
    assert apply_canvas_message(pts, sync, {"base": 3, "ops": ops}, "classification") == (pts, sync)
    # a later message carries the earlier operations too: only the new one is applied
    ops2 = ops + [{"op": "erase", "i": 0}]
    pts2, sync2 = apply_canvas_message(pts, sync, {"base": 3, "ops": ops2}, "classification")
    assert pts2 == pts[1:] and sync2 == CanvasSync(3, 2)


def test_stale_base_changes_nothing():
    msg = {"base": 1, "ops": [{"op": "erase", "i": 0}]}
    assert apply_canvas_message(P, CanvasSync(base=2), msg, "classification") == (P, CanvasSync(base=2))


def test_long_sessions_start_a_new_base():
    ops = [{"op": "add", "x": 0.0, "y": 0.0, "v": 1}] * RESYNC_AFTER
    pts, sync = apply_canvas_message((), CanvasSync(), {"base": 0, "ops": ops}, "classification")
    assert len(pts) == RESYNC_AFTER and sync == CanvasSync(1, 0)


@pytest.mark.parametrize("msg", [None, [], {"ops": "x"}, {"base": 0}, {"base": 0, "ops": [{}] * 10000}])
def test_malformed_messages_raise_value_error(msg):
    with pytest.raises(ValueError):
        apply_canvas_message(P, CanvasSync(), msg, "classification")


def test_undo_redo():
    h = record(History(), P, P[:1])
    h = record(h, P[:1], ())
    h, cur = undo(h, ())
    assert cur == P[:1] and h.can_redo
    h, cur = undo(h, cur)
    assert cur == P and not h.can_undo
    assert undo(h, cur) == (h, cur)
    h, cur = redo(h, cur)
    assert cur == P[:1]
    h2 = record(h, cur, P)  # a new edit drops the redo stack
    assert not h2.can_redo
    assert record(h, P, P) is h


def test_history_is_bounded():
    h = History()
    for i in range(MAX_HISTORY + 20):
        h = record(h, ((i / 1000, 0.0, 1.0),), ())
    assert len(h.past) == MAX_HISTORY


@given(st.lists(st.sampled_from(["undo", "redo", "edit"]), max_size=30))
def test_undo_then_redo_returns_to_the_same_points(actions):
    h, cur = History(), ()
    for i, a in enumerate(actions):
        if a == "edit":
            new = cur + ((i / 100, 0.0, 1.0),)
            h, cur = record(h, cur, new), new
        elif a == "undo":
            before = (h, cur)
            h, cur = undo(h, cur)
            if before[0].can_undo:
                h2, back = redo(h, cur)
                assert back == before[1]
        else:
            h, cur = redo(h, cur)


def test_csv_round_trip():
    read = points_from_csv(points_to_csv(P).encode())
    assert read.points == P and read.task == "classification" and read.notes == ()
    reg = points_from_csv(b"x1,x2,y\n0.1,0.2,0.75\n")
    assert reg.task == "regression" and reg.points == ((0.1, 0.2, 0.75),)


@pytest.mark.parametrize(
    "text, words",
    [
        (b"x1,x2,y\n0.1,nan,1\n", "NaN"),
        (b"x1,x2,y\n0.1,abc,1\n", "text"),
        (b"a,b,c\n0.1,0.2,1\n", "columns"),
        (b"x1,x2\n0.1,0.2\n", "columns"),
        (b"x1,x2,y\n0.1,0.2\n", "3"),
        (b"x1,x2,y\n" + b"0.1,0.2,1\n" * (MAX_APP_POINTS + 1), f"at most {MAX_APP_POINTS} points"),
        (b"x" * (MAX_CSV_BYTES + 1), "larger"),
        (b"", "empty"),
        (b"\xff\xfe\x00", "UTF-8"),
        (b"x1,x2,y\n", "no points"),
    ],
)
def test_bad_csv_gets_a_clear_message(text, words):
    with pytest.raises(ValueError, match=words):
        points_from_csv(text)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-5, 5) | st.floats(allow_nan=True) | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.sampled_from(["op", "i", "x", "y", "v", "base", "ops"]), inner, max_size=5),
    max_leaves=20,
)


@given(json_values)
def test_any_canvas_message_is_applied_or_refused_with_value_error(message):
    try:
        pts, sync = apply_canvas_message(P, CanvasSync(), message, "classification")
    except ValueError:
        return
    assert isinstance(sync, CanvasSync) and all(len(p) == 3 for p in pts)


@given(st.lists(st.fixed_dictionaries({"op": st.sampled_from(["add", "move", "erase"]), "i": st.integers(-1, 4),
                                       "x": st.floats(-1.2, 1.2), "y": st.floats(-1.2, 1.2), "v": st.sampled_from([1, -1])}),
                max_size=10))
def test_random_operation_lists_keep_the_points_valid(ops):
    try:
        pts, _ = apply_canvas_message(P, CanvasSync(), {"base": 0, "ops": ops}, "classification")
    except ValueError:
        return
    assert all(abs(a) <= 1 and abs(b) <= 1 and y in (1.0, -1.0) for a, b, y in pts)
