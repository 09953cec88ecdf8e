"""Figures, presets, the fit wrapper and the certificate download, checked without a browser."""

import json

import numpy as np
import pytest

from app.certificate_view import certificate_json, summarize_scene
from app.editor import unit_rows
from app.figures import bounds_figure, fit_figure, neuron_segment, snapshot_html
from app.fitting import GRID, fit_points, grid_centres
from app.presets import make_preset
from app.scene import build_scene
from app.state import DOMAIN, PRESETS, validated

PTS = ((-0.6, -0.5, 1.0), (0.5, 0.6, 1.0), (-0.5, 0.6, -1.0), (0.6, -0.4, -1.0), (0.1, 0.2, 1.0), (-0.2, -0.1, -1.0))


def scene_of(points, model="exact", k=100, task="classification", beta=0.05):
    state = validated(points=points, model=model, k=k, task=task, beta=beta)
    return build_scene(state, fit_points(points, task, beta, model, k, 0))


@pytest.fixture(scope="module")
def fit():
    return fit_points(PTS, "classification", 0.05, "exact", 100, 0)


@pytest.fixture(scope="module")
def scene():
    return scene_of(PTS)


@pytest.mark.parametrize("name", PRESETS)
def test_presets_are_deterministic_and_inside_the_square(name):
    from app.presets import PRESETS as SPECS

    a = make_preset(name, 25, 0.3, 7)
    assert a == make_preset(name, 25, 0.3, 7)
    if name in ("empty", "custom"):  # the empty canvas, and the user's own points (none to generate)
        assert a == () and (name == "empty" or SPECS[name].maker is None)
        return
    assert len(a) == 25
    X = np.array(a)
    assert np.all(np.abs(X[:, :2]) < DOMAIN)
    if name != "regression surface":
        assert set(X[:, 2]) == {1.0, -1.0}
    validated(task="regression" if name == "regression surface" else "classification", points=a)


def test_grid_centres_are_cell_centres():
    x1, x2 = grid_centres(4)
    assert np.allclose(x1, [-0.75, -0.25, 0.25, 0.75]) and np.allclose(x2, x1[::-1])


def test_surface_is_the_models_own_output(fit):
    assert fit.surface.shape == (GRID, GRID)
    x1, x2 = grid_centres()
    i, j = 5, 40  # row i is x2 = x2[i], column j is x1 = x1[j]
    expected = fit.model.decision_function(np.array([[x1[j], x2[i]]]))[0]
    assert fit.surface[i, j] == pytest.approx(expected)


def test_empty_and_degenerate_data_give_a_message_not_an_exception():
    assert "empty" in fit_points((), "classification", 0.05, "exact", 100, 0).error
    one = fit_points(((0.1, 0.1, 1.0),), "classification", 0.05, "exact", 100, 0)
    # one point: the optimum is a single neuron (or zero), and the exact oracle certifies it
    assert one.error == "" and one.model.certified_
    assert one.model.objective_ <= 0.5 * 1.0**2 + 1e-12  # never above the zero network's 1/2 ||y||^2


def test_unit_rows_reproduce_the_network(scene):
    N = unit_rows(scene)
    X = np.random.default_rng(0).uniform(-1, 1, (20, 2))
    # sign * strength * relu(u.x / ||u||): a * relu(w.x + b) with (w, b) scaled to unit norm
    U = N[:, :3] / np.linalg.norm(N[:, :3], axis=1, keepdims=True)
    out = np.maximum(np.column_stack([X, np.ones(len(X))]) @ U.T, 0) @ (N[:, 3] * N[:, 4])
    assert np.allclose(out, scene.model.decision_function(X), atol=1e-9)
    assert set(np.unique(N[:, 4])) <= {-1.0, 1.0} and np.all(N[:, 3] > 0)


def test_neuron_segment_lies_on_the_line_and_on_the_border():
    rng = np.random.default_rng(1)
    for _ in range(50):
        w1, w2, b = rng.normal(size=3)
        seg = neuron_segment(w1, w2, b)
        if seg is None:
            # the line misses the square: all four corners on one side
            corners = np.array([[-1, -1], [-1, 1], [1, -1], [1, 1]]) @ [w1, w2] + b
            assert np.all(corners > 0) or np.all(corners < 0)
            continue
        for p in seg:
            assert abs(w1 * p[0] + w2 * p[1] + b) < 1e-9
            assert np.max(np.abs(p)) == pytest.approx(1.0)
    assert neuron_segment(0.0, 0.0, 1.0) is None


def test_fit_figure_shows_data_neurons_and_surface(scene):
    N = unit_rows(scene)
    fig = fit_figure(PTS, "classification", scene.fit.surface, N)
    kinds = [t.type for t in fig.data]
    assert kinds.count("heatmap") == 1 and "contour" in kinds
    markers = [t for t in fig.data if t.type == "scatter" and t.mode == "markers"]
    assert sum(len(t.x) for t in markers) == len(PTS)
    lines = [t for t in fig.data if t.type == "scatter" and t.mode == "lines"]
    assert 0 < len(lines) <= len(N)
    reg = fit_figure(((0.1, 0.2, 0.5),), "regression", None, np.zeros((0, 5)))
    assert [t.type for t in reg.data] == ["scatter"]


def test_snapshot_is_standalone_html(scene):
    fig = fit_figure(PTS, "classification", scene.fit.surface, unit_rows(scene))
    page = snapshot_html([fig, bounds_figure([("exact", 1.0, 0.9)])], "T <b>", ["gap 0"])
    assert page.startswith("<!DOCTYPE html>") and "T &lt;b&gt;" in page
    assert page.count("plotly.js v") >= 1 and page.count("Plotly.newPlot") == 2


def test_certificate_json_carries_the_models_numbers(scene):
    doc = json.loads(certificate_json(scene))
    m = scene.model
    c = doc["certificate"]
    assert c["objective"] == m.objective_ and c["dual_objective"] == m.dual_objective_
    assert c["duality_gap"] == m.duality_gap_ and c["certified"] == bool(m.certified_)
    assert np.allclose(c["dual_vector"], m.dual_)
    assert c["tolerance"] == pytest.approx(m.tolerance_)
    assert np.allclose(doc["network"]["hidden_weights"], m.hidden_weights_)
    assert np.allclose(doc["network"]["output_weights"], m.output_weights_)
    assert doc["problem"]["X"] == [list(p[:2]) for p in PTS]
    assert c["kind"] == "relu-global" and c["proves"].startswith("global optimum")
    s = summarize_scene(scene)
    assert s.fit_metric == "training accuracy"
    assert s.fit_value == np.mean(m.predict(np.array(PTS)[:, :2]) == np.array(PTS)[:, 2])


def test_gated_relu_is_never_shown_as_certified():
    g = scene_of(PTS, "gated")
    s = summarize_scene(g)
    assert s.certified is False and s.reason and g.certificate.kind == "gated-relaxation"


def test_canvas_data_is_the_fit_in_canvas_order(scene):
    from app.editor import canvas_data

    fit = scene.fit
    data = canvas_data(scene, base=7)
    assert data["base"] == 7 and data["points"] == [list(p) for p in PTS] and data["vmax"] == 1.0
    s = data["surface"]
    assert s["size"] == GRID and len(s["values"]) == GRID * GRID
    # value k is row k // GRID (from the top), column k % GRID (from the left)
    x1, x2 = grid_centres()
    k = 3 * GRID + 50
    expected = fit.model.decision_function(np.array([[x1[50], x2[3]]]))[0]
    assert s["values"][k] == pytest.approx(expected, abs=1e-4)
    assert np.allclose(data["neurons"], np.round(unit_rows(scene), 6))
    empty = canvas_data(scene_of((), task="regression"), 0)
    assert empty["surface"] is None and empty["neurons"] == [] and empty["points"] == []


def test_training_figure_draws_the_curve_and_the_optimum_line():
    from app.figures import training_figure

    history = np.array([5.0, 3.0, 2.5, 2.4])
    fig = training_figure(history, 2.0)
    assert list(fig.data[0].y) == list(history)
    assert [shape.y0 for shape in fig.layout.shapes] == [2.0]


def test_gated_units_are_drawn_at_their_gate_lines():
    points = make_preset("xor", 20, 0.1, 0)
    g = scene_of(points, "gated")
    rows = unit_rows(g)
    assert rows.shape[0] > 0
    gates = g.model.gates_[np.linalg.norm(g.model.block_weights_, axis=1) > 0]
    assert np.allclose(rows[:, :3], gates) and np.all(rows[:, 4] == 0)  # a gated unit has no single sign
    # the drawn lines are where the units switch: with them as gates the model's output is recovered
    X = np.random.default_rng(3).uniform(-1, 1, (50, 2))
    Z = np.column_stack([X, np.ones(len(X))])
    out = np.sum((Z @ rows[:, :3].T >= 0) * (Z @ g.model.block_weights_.T), axis=1)
    assert np.allclose(out, g.model.decision_function(X), atol=1e-12)
    assert not np.allclose(rows[:, :3], g.model.block_weights_)  # the gate is not the linear part


def test_gated_on_sampled_patterns_claims_no_bound_on_the_optimum():
    points = make_preset("xor", 120, 0.1, 0)
    g = scene_of(points, "gated", k=3)
    s = summarize_scene(g)
    assert g.model.patterns == "sampled" and g.certificate.kind == "sampled-program"
    assert not s.certified and np.isnan(s.dual_objective) and np.isnan(s.relative_gap)
    doc = json.loads(certificate_json(g))
    assert doc["certificate"]["dual_vector"] is None and doc["certificate"]["dual_objective"] is None
    assert doc["problem"]["objective"].startswith("gated ReLU")
    assert bounds_figure([("gated", s.objective, s.dual_objective)]).data[1].y == (None,)
