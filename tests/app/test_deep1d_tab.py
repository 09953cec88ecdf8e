"""The Deep 1-D tab: its link fields, its table edits and what it shows, against the library's own fits."""

from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from app.codec import decode, encode
from app.presets1d import PRESETS1D, make_preset1d
from app.session import apply_table_edits
from app.state import MAX_APP_POINTS1D, validated
from solvers.deep1d import DeepLasso1D

SCRIPT = str(Path(__file__).resolve().parents[2] / "app" / "main.py")


def run(params) -> AppTest:
    at = AppTest.from_file(SCRIPT, default_timeout=120)
    for k, v in params.items():
        at.query_params[k] = v
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def values(data) -> np.ndarray:
    """A plotly array as sent to the browser: a list, or a typed array in base64."""
    import base64

    if isinstance(data, dict):
        return np.frombuffer(base64.b64decode(data["bdata"]), dtype=data["dtype"]).astype(float)
    return np.asarray(data, float)


def metrics(at) -> dict:
    return {m.label: m.value for m in at.metric}


@pytest.mark.parametrize("key", list(PRESETS1D))
def test_presets_are_valid_points_and_round_trip_in_a_link(key):
    pts = make_preset1d(key)
    state = validated(preset1d=key, points1d=pts, tab="deep-1d")
    assert decode(encode(state)) == (state, None)
    assert len(pts) <= MAX_APP_POINTS1D and all(abs(x) <= 1 for x, _ in pts)


def test_the_papers_example_keeps_its_order_and_values():
    # x = 0, 4, 5, 7, 10, 11 mapped affinely into the interval; y unchanged
    pts = np.array(make_preset1d("paper"))
    x = np.array([0.0, 4.0, 5.0, 7.0, 10.0, 11.0])
    assert np.allclose(pts[:, 0], 0.9 * (x - 5.5) / 5.5, atol=5e-4)
    assert list(pts[:, 1]) == [0.0, 0.0, 0.0, 2.0, 3.0, 3.0]


def test_table_edits_apply_in_order_and_bad_rows_are_refused():
    pts = ((0.1, 1.0), (0.2, 2.0), (0.3, 3.0))
    delta = {"edited_rows": {1: {"y": -2.0}}, "deleted_rows": [0], "added_rows": [{"x": 0.5, "y": 0.0}, {"x": 0.6}]}
    assert apply_table_edits(pts, delta) == ((0.2, -2.0), (0.3, 3.0), (0.5, 0.0))  # the half-filled row waits
    with pytest.raises(ValueError):
        apply_table_edits(pts, {"edited_rows": {7: {"x": 0.0}}})
    with pytest.raises(ValueError):
        apply_table_edits(pts, {"edited_rows": {0: {"z": 0.0}}})
    with pytest.raises(ValueError):  # outside the interval: the state refuses it, the drawing stays
        validated(points1d=apply_table_edits(pts, {"edited_rows": {0: {"x": 5.0}}}))


def test_the_tab_shows_the_library_fit_of_its_link():
    state = validated(preset1d="paper", points1d=make_preset1d("paper"), depth=3, beta1d=0.01, tab="deep-1d")
    at = run(encode(state))
    P = np.array(state.points1d)
    model = DeepLasso1D(depth=3, beta=0.01).fit(P[:, 0], P[:, 1])
    m = metrics(at)
    assert m["Lasso objective"] == f"{model.objective_:.6g}"
    assert m["network objective"] == f"{model.network_objective_:.6g}"
    assert m["units"] == str(model.n_units_)
    chart = at.get("plotly_chart")[0]
    names = [t["name"] for t in __import__("json").loads(chart.proto.spec)["data"]]
    assert [n for n in names if n.startswith("depth")] == ["depth 2", "depth 3", "depth 4"]
    table = [d for d in at.dataframe if d.key == "deep1d_points_0"][0].value
    assert np.allclose(table["x"], P[:, 0]) and np.allclose(table["y"], P[:, 1])
    features = [d for d in at.dataframe if d.key != "deep1d_points_0"][0].value
    assert len(features) == model.n_units_
    assert np.allclose(sorted(features["coefficient"]), sorted(f.coefficient for f in model.features_))


def test_depth_and_preset_widgets_change_the_state_and_the_link():
    at = run({"tab": "deep-1d"})
    at.radio(key="w_depth").set_value(4).run()
    assert at.session_state.app_state.depth == 4 and at.query_params["depth"] in (["4"], "4")
    at.selectbox(key="w_preset1d").set_value("sine").run()
    state = at.session_state.app_state
    assert state.points1d == make_preset1d("sine") and state.preset1d == "sine"
    assert decode({k: v[-1] if isinstance(v, list) else v for k, v in dict(at.query_params).items()})[0] == state


def test_adam_on_the_same_network_never_beats_the_convex_optimum():
    at = run({"tab": "deep-1d", "preset1d": "steps", "depth": "2", "beta1d": "0.05"})
    at.toggle(key="deep1d_adam").set_value(True).run()
    assert not at.exception
    import json

    spec = json.loads(at.get("plotly_chart")[-1].proto.spec)
    P = np.array(make_preset1d("steps"))
    optimum = DeepLasso1D(depth=2, beta=0.05).fit(P[:, 0], P[:, 1]).network_objective_
    runs = [values(t["y"]) for t in spec["data"] if t["name"].startswith("Adam")]
    assert len(runs) == 3 and all(r.min() >= optimum * (1 - 1e-9) for r in runs)


def test_too_few_points_say_so():
    at = run({"tab": "deep-1d", "preset1d": "empty"})
    assert any("at least two points" in i.value for i in at.info)
