"""The Streamlit page under AppTest: default render, widgets refit, links restore the state."""

from dataclasses import replace
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from app.codec import decode, encode, initial_state
from app.presets import make_preset
from app.state import validated

SCRIPT = str(Path(__file__).resolve().parents[2] / "app" / "main.py")
SMALL = (
    (-0.6, -0.5, 1.0), (0.5, 0.6, 1.0), (-0.5, 0.6, -1.0), (0.6, -0.4, -1.0),
    (0.1, 0.2, 1.0), (-0.2, -0.1, -1.0), (0.3, -0.7, 1.0), (-0.7, 0.2, -1.0),
)


def run(params=None) -> AppTest:
    at = AppTest.from_file(SCRIPT, default_timeout=120)
    for k, v in (params or {}).items():
        at.query_params[k] = v
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def metrics(at) -> dict:
    return {m.label: m.value for m in at.metric}


def small_link(**changes) -> dict:
    return encode(validated(points=SMALL, **changes))


def test_default_page_shows_the_example_and_its_certificate():
    at = run()
    m = metrics(at)
    for label in ("Primal objective", "Dual objective", "Duality gap", "Active neurons", "Patterns",
                  "Solve time", "Training accuracy"):
        assert label in m
    assert at.session_state.app_state == initial_state()
    # the default example is certifiable: the badge shows, with a relative gap within the tolerance
    assert at.success and at.success[0].value.startswith("Certified global optimum")
    # the address bar carries the whole state
    assert decode(dict(at.query_params))[0] == initial_state()
    assert [t.label for t in at.tabs][:2] == ["Fit", "Compare"]


def test_badge_agrees_with_the_model():
    from app.fitting import fit_points

    at = run(small_link())
    fit = fit_points(SMALL, "classification", 0.05, "exact", 100, 0)
    badge = [s.value for s in at.success]
    assert fit.model.certified_ and fit.model.relative_gap_ <= fit.model.tolerance_
    assert badge and badge[0].startswith("Certified global optimum")
    assert metrics(at)["Primal objective"] == f"{fit.model.objective_:.6g}"


def test_beta_widget_refits():
    at = run(small_link(beta=0.01))
    before = metrics(at)["Primal objective"]
    at.select_slider(key="w_beta").set_value(1.0).run()
    assert not at.exception
    assert at.session_state.app_state.beta == 1.0
    assert metrics(at)["Primal objective"] != before
    assert at.query_params["beta"] == ["1"] or at.query_params["beta"] == "1"


def test_model_widget_switches_to_gated_relu_without_a_certificate():
    at = run(small_link())
    at.selectbox(key="w_model").set_value("gated").run()
    assert not at.exception
    assert not at.success  # gated ReLU never shows the certified badge
    assert any("relaxation" in w.value or "certif" in w.value.lower() for w in at.warning)


def test_task_widget_switches_to_regression():
    at = run(small_link())
    at.radio(key="w_task").set_value("regression").run()
    assert not at.exception
    assert "Training MSE" in metrics(at)
    assert at.session_state.app_state.task == "regression"


def test_preset_widget_regenerates_points():
    at = run(small_link())
    at.selectbox(key="w_preset").set_value("empty").run()
    assert at.session_state.app_state.points == ()
    assert any("empty" in i.value for i in at.info)


def test_link_restores_the_state():
    state = validated(points=SMALL, beta=0.2, model="sampled", k=37, seed=5, tab="zonotope")
    at = run(encode(state))
    # every field as the link says, but the data set: the link's eight points are its own
    assert at.session_state.app_state == replace(state, preset="custom", n=len(SMALL))
    assert at.select_slider(key="w_beta").value == 0.2
    assert at.selectbox(key="w_model").value == "sampled"
    assert at.number_input(key="w_k").value == 37


def test_preset_link_and_empty_canvas():
    at = run({"preset": "empty"})
    assert at.session_state.app_state.points == ()
    assert not at.warning


@pytest.mark.parametrize("params", [{"beta": "oops"}, {"points": "@@@"}, {"v": "7"}, {"hide": "everything"}])
def test_malformed_link_warns_and_shows_the_default(params):
    at = run(params)
    assert at.session_state.app_state == initial_state()
    assert any("default" in w.value for w in at.warning)


def test_a_bad_field_keeps_the_drawing_and_says_which_field():
    at = run({**small_link(beta=0.2), "model": "adam"})
    state = at.session_state.app_state
    assert state.points == SMALL and state.beta == 0.2 and state.model == "exact"
    assert any("(model)" in w.value.replace("\\", "") for w in at.warning)  # shown escaped


def test_teacher_mode_hides_controls():
    at = run({**small_link(), "hide": "beta,model,csv"})
    keys = {w.key for w in at.select_slider} | {w.key for w in at.selectbox}
    assert "w_beta" not in keys and "w_model" not in keys and "w_preset" in keys
    assert not [u for u in at.get("file_uploader")]
    assert at.query_params["hide"] in (["beta,model,csv"], "beta,model,csv")


def test_clear_undo_redo():
    at = run(small_link())
    at.button[2].click().run()  # Clear
    assert at.session_state.app_state.points == ()
    at.button[0].click().run()  # Undo
    assert at.session_state.app_state.points == SMALL
    at.button[1].click().run()  # Redo
    assert at.session_state.app_state.points == ()


def test_tabs_get_the_scene(monkeypatch):
    import app.tabs as tabs
    from app.scene import Scene
    from solvers import Certificate, ReLUNetwork

    seen = []

    def good(scene):
        seen.append(scene)

    def broken(scene):
        raise RuntimeError("boom")

    registry = dict(tabs.TABS)
    registry["good"] = tabs.TabSpec("good", "Good view", good)
    registry["broken"] = tabs.TabSpec("broken", "Broken view", broken)
    monkeypatch.setattr(tabs, "TABS", registry)  # each run of the page script imports it afresh
    at = run(small_link(tab="good"))
    broken_at = run(small_link(tab="broken"))
    closed_at = run(small_link(tab="fit"))
    labels = [t.label for t in at.tabs]
    assert labels[-2:] == ["Good view", "Broken view"]
    assert len(seen) == 1  # only the open tab runs: the other runs never called it
    scene = seen[0]
    assert isinstance(scene, Scene) and scene.X.shape == (8, 2) and scene.model is not None
    assert isinstance(scene.model.network_, ReLUNetwork) and isinstance(scene.certificate, Certificate)
    assert scene.task == "classification" and scene.beta == 0.05 and list(scene.y) == [p[2] for p in SMALL]
    assert len(scene.units) == scene.model.network_.width
    assert any("Broken view could not be drawn" in w.value for w in broken_at.warning)
    assert not any("could not be drawn" in w.value for w in closed_at.warning)


def test_unknown_tab_in_a_link_says_so_and_opens_the_first_tab():
    at = run(small_link(tab="fit") | {"tab": "no-such-tab"})
    assert any("(tab)" in w.value.replace("\\", "") for w in at.warning)
    assert at.session_state.app_state.points == SMALL
    assert at.get("plotly_chart")


def test_a_link_can_hide_tabs():
    at = run(small_link(tab="fit") | {"hide": "zonotope,compare"})
    labels = [t.label for t in at.tabs]
    assert labels == ["Fit", "Training", "Path", "Arrangement", "Dual certificate", "Deep 1-D", "Experiments"]


def test_compare_tab_fits_the_other_models():
    at = run(small_link(tab="compare"))
    assert not at.get("plotly_chart")  # nothing is fitted until asked
    at.toggle(key="compare_on").set_value(True).run()
    assert not at.exception
    assert len(at.get("plotly_chart")) == 2  # the objectives, and Adam's training curve
    table = at.table[0].value
    assert list(table["model"]) == [
        "Exact ReLU (all patterns)", "Gated ReLU (convex relaxation)", "Sampled patterns (k random gates)",
        "Adam on the nonconvex loss (20 neurons)",
    ]
    assert table["certified"].iloc[1] == "no"
    assert table["certified"].iloc[0] == "yes"
    objectives = [float(v) for v in table["objective"]]
    assert objectives[3] >= objectives[0] * (1 - 1e-6)  # gradient training never beats the certified optimum


def test_regression_sidebar_offers_a_target_not_a_class():
    at = run(small_link(task="regression", target=2.5))
    keys = {w.key for w in at.number_input}
    assert "w_target" in keys and "w_label" not in {w.key for w in at.radio}
    at.number_input(key="w_target").set_value(-3.0).run()
    assert at.session_state.app_state.target == -3.0


class _Failing:
    def __init__(self, exc):
        self.exc = exc

    def fit(self, X, y, oracle=None, progress=None):
        raise self.exc


@pytest.mark.parametrize(
    "exc, words",
    [(ValueError("X has duplicate rows with different labels"), "duplicate rows"), (RuntimeError("bug"), "solver failed")],
)
def test_solver_failures_give_a_short_warning_and_keep_the_drawing(monkeypatch, exc, words):
    from dataclasses import replace

    import app.models

    spec = app.models.MODELS["exact"]
    monkeypatch.setitem(app.models.MODELS, "exact", replace(spec, factory=lambda *a: _Failing(exc)))
    pts = SMALL + ((0.9, 0.9, 1.0 if isinstance(exc, ValueError) else -1.0),)  # points no earlier test cached
    at = run(encode(validated(points=pts)))
    assert any(words in w.value for w in at.warning)
    assert at.session_state.app_state.points == pts
    assert not at.metric


def test_choosing_a_preset_sets_its_task_but_empty_keeps_the_current_one():
    at = run(small_link(task="regression"))
    at.selectbox(key="w_preset").set_value("empty").run()
    assert at.session_state.app_state.task == "regression"
    at.selectbox(key="w_preset").set_value("moons").run()
    state = at.session_state.app_state
    assert state.task == "classification" and len(state.points) == state.n
    assert at.radio(key="w_task").value == "classification"


def test_a_link_can_open_each_tab():
    from app.tabs import TABS

    for key, spec in TABS.items():
        at = run(small_link(tab=key))
        assert at.session_state.app_state.tab == key
        assert not any("could not be drawn" in w.value for w in at.warning), key
        compare_open = bool([t for t in at.toggle if t.key == "compare_on"])
        assert compare_open == (key == "compare")
        assert bool(at.get("plotly_chart")) == (key != "compare")  # the Fit tab and every geometry tab draw


def test_regression_targets_survive_a_round_trip_through_classification():
    pts = ((0.1, 0.2, 0.7), (0.3, -0.4, -2.5), (-0.5, 0.5, 3.25))
    at = run(encode(validated(points=pts, task="regression")))
    at.radio(key="w_task").set_value("classification").run()
    assert [p[2] for p in at.session_state.app_state.points] == [1.0, -1.0, 1.0]
    at.radio(key="w_task").set_value("regression").run()
    assert at.session_state.app_state.points == pts  # the real targets come back


def test_a_link_with_its_own_points_says_so_in_the_data_widgets():
    at = run(small_link())  # preset and n of the default example, but eight points of its own
    state = at.session_state.app_state
    assert state.points == SMALL and state.preset == "custom" and state.n == len(SMALL)
    assert at.selectbox(key="w_preset").value == "custom" and at.slider(key="w_n").value == len(SMALL)
    # a link whose points are its data set's keeps the data set's name and size
    moons = tuple(make_preset("moons", 12, 0.1, 3))
    at = run(encode(validated(preset="moons", n=12, seed=3, points=moons)))
    assert at.selectbox(key="w_preset").value == "moons" and at.slider(key="w_n").value == 12
    assert at.session_state.app_state.points == moons


def test_data_widgets_follow_the_drawing():
    at = run(small_link())
    at.button[2].click().run()  # Clear
    assert at.selectbox(key="w_preset").value == "empty"
    at.button[0].click().run()  # Undo: the drawing is back, and it is the user's own
    state = at.session_state.app_state
    assert state.points == SMALL and state.preset == "custom" and state.n == len(SMALL)
    assert at.selectbox(key="w_preset").value == "custom" and at.slider(key="w_n").value == len(SMALL)
    at.selectbox(key="w_preset").set_value("custom").run()  # choosing "your own points" keeps them
    assert at.session_state.app_state.points == SMALL
