"""The geometry tabs: pure figures checked against independent computations, and every tab rendered in AppTest."""

import itertools

import numpy as np
import plotly.graph_objects as go
import pytest
from streamlit.testing.v1 import AppTest

from app.tabs import TABS
from app.views import figures as F
from solvers import Units, wedge_fit
from geometry import lift, linear_regions, phi
from geometry.dual_slice import dual_slice
from geometry.zonotope import lifted_zonotope, zonotope_mesh


def xor_data(n, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.uniform(-1, 1, (n, 2))
    return X, np.where(X[:, 0] * X[:, 1] >= 0, 1.0, -1.0)


def fit(X, y, beta):
    from solvers import ConvexReLU

    return ConvexReLU(beta=beta, task="classification", method="reference").fit(X, y)


# ------------------------------------------------------------------------------------------------ figures
GEOMETRY = ("arrangement", "zonotope", "dual-certificate")


def test_tab_registry():
    from app.views.geometry_tabs import render_arrangement, render_dual, render_zonotope

    # each key is wired to its own renderer, keys and labels are unique, and the link names of earlier
    # versions of the page (slugs of the labels) are still the keys
    assert list(TABS) == ["fit", "compare", "training", "path", "arrangement", "zonotope", "dual-certificate", "deep-1d",
                          "experiments"]
    assert [TABS[k].render for k in GEOMETRY] == [render_arrangement, render_zonotope, render_dual]
    labels = [spec.label for spec in TABS.values()]
    assert len(set(labels)) == len(labels)
    assert all(spec.key == key for key, spec in TABS.items())
    assert len({spec.render for spec in TABS.values()}) == len(TABS)


def test_sphere_figure_counts_cells_and_circles():
    X, _ = xor_data(7)
    fig = F.fig_arrangement_sphere(X, 44)
    assert isinstance(fig, go.Figure)
    assert "44 cells" in fig.layout.title.text and "= 44" in fig.layout.title.text  # 7^2 - 7 + 2 = 44
    circles = [t for t in fig.data if t.type == "scatter3d" and t.mode == "lines"][0]
    assert np.isnan(np.asarray(circles.x, float)).sum() == 7  # one broken line per point
    # every circle point u satisfies [x_i, 1] . u = 0 for its point
    P = np.stack([circles.x, circles.y, circles.z], axis=1).astype(float)
    pieces = np.split(P, np.flatnonzero(np.isnan(P[:, 0])))
    Z = lift(X)
    for i, piece in enumerate(pieces[:7]):
        piece = piece[~np.isnan(piece[:, 0])]
        assert np.allclose(piece @ Z[i], 0, atol=1e-9)


def test_surface_shading_counts_active_points():
    X, _ = xor_data(5)
    fig = F.fig_arrangement_sphere(X, 22, grid=(9, 17))
    surf = fig.data[0]
    U = np.stack([np.asarray(surf.x), np.asarray(surf.y), np.asarray(surf.z)], axis=-1)
    brute = np.array([[sum(float(np.dot([*x, 1.0], u)) >= 0 for x in X) for u in row] for row in U])
    assert np.array_equal(np.asarray(surf.surfacecolor), brute)
    # hover shows the full pattern: point i active = 1
    i, j = 4, 7
    assert surf.text[i][j] == "".join("1" if np.dot([*x, 1.0], U[i, j]) >= 0 else "0" for x in X)


def test_partition_figure_splits_points_by_the_line():
    X = np.array([[0, 0], [1, 0], [0, 1], [1, 1]], float)
    u = np.array([1.0, 0.0, -0.5])  # x1 >= 0.5
    fig = F.fig_pattern_partition(X, u, lift(X) @ u >= 0, F.view_box(X))
    act = [t for t in fig.data if t.name and t.name.startswith("active")][0]
    assert sorted(zip(act.x, act.y)) == [(1.0, 0.0), (1.0, 1.0)]
    # the shaded side is the part of the box with x1 >= 0.5
    x0, y0, x1, y1 = F.view_box(X)
    shade = [t for t in fig.data if t.name == "w·x + b ≥ 0"][0]
    P = np.array([(a, b) for a, b in zip(shade.x, shade.y) if a is not None], float)
    assert P[:, 0].min() == pytest.approx(0.5) and P[:, 0].max() == pytest.approx(x1)
    assert P[:, 1].min() == pytest.approx(y0) and P[:, 1].max() == pytest.approx(y1)


def test_linear_regions_figure_reports_the_count():
    X, y = xor_data(12)
    W = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]])
    b = np.array([0.0, 0.0, 0.3])
    a = np.array([1.0, -1.0, 0.5])
    box = F.view_box(X)
    R = linear_regions(W, b, box)
    fig = F.fig_linear_regions(X, y, R, Units(np.column_stack([W, b]), np.sign(a), np.abs(a)))
    # x = 0, y = 0 and x + y = -0.3 inside the box: 3 lines, 3 crossings inside -> 1 + 3 + 3 = 7 regions
    assert len(R) == 7
    assert fig.layout.title.text.startswith("7 linear regions")
    # each unit's line is drawn in the colour of its sign: red, blue, and grey for a unit with no sign
    gated = F.fig_linear_regions(X, y, R, Units(np.column_stack([W, b]), np.array([1.0, -1.0, 0.0]), np.abs(a)))
    colours = {t.line.color for t in gated.data if t.mode == "lines" and t.fill is None}
    assert colours == {F.POS, F.NEG, F.NONE}


def test_zonotope_figure_has_one_vertex_per_pattern():
    X, _ = xor_data(6)
    Zt = lifted_zonotope(X)
    mesh = zonotope_mesh(Zt)
    fig = F.fig_zonotope(mesh, Zt.patterns, selected=0)
    assert fig.data[0].type == "mesh3d"
    assert len(fig.data[0].x) == 6 * 6 - 6 + 2
    assert "32 vertices" in fig.layout.title.text


def test_zonotope_figure_puts_each_neuron_at_the_vertex_of_its_pattern():
    X, _ = xor_data(8, seed=3)
    Zt = lifted_zonotope(X)
    mesh = zonotope_mesh(Zt)
    N = np.random.default_rng(1).standard_normal((5, 3))
    fig = F.fig_zonotope(mesh, Zt.patterns, neurons=N, signs=np.ones(5))
    arrows = [t for t in fig.data if t.name == "neuron u at the vertex of its pattern"]
    assert len(arrows) == 5
    Z = lift(X)
    for u, tr in zip(N, arrows):
        base = np.array([tr.x[0], tr.y[0], tr.z[0]], float)
        # the vertex Z^T D 1 of the neuron's own pattern D = 1[Z u > 0], summed here point by point
        vertex = sum(Z[i] for i in range(len(X)) if Z[i] @ u > 0)
        assert np.allclose(base, vertex, atol=1e-5)  # drawn in single precision


def test_dual_map_and_curve_values():
    X, y = xor_data(6)
    v = np.random.default_rng(2).standard_normal(6)
    beta = 0.5
    fig = F.fig_dual_map(X, v, beta, grid=(5, 9))
    heat = fig.data[0]
    lon, lat, R = np.radians(np.asarray(heat.x, float)), np.radians(np.asarray(heat.y, float)), np.asarray(heat.z)
    assert R.shape == (5, 9)
    for i, j in [(1, 2), (3, 7), (0, 0)]:
        u = np.array([np.cos(lat[i]) * np.cos(lon[j]), np.cos(lat[i]) * np.sin(lon[j]), np.sin(lat[i])])
        loop = sum(v[k] * max(0.0, X[k] @ u[:2] + u[2]) for k in range(6))
        assert R[i, j] == pytest.approx(abs(loop) / beta, abs=1e-12)
    assert R.max() * beta <= phi(X, v) + 1e-12  # the grid never exceeds the exact maximum
    fig = F.fig_dual_curve(X, y, 0.5)
    curve = np.asarray(fig.data[0].y, float)
    t = np.radians(np.asarray(fig.data[0].x, float))
    k = 100
    w = np.array([np.cos(t[k]), np.sin(t[k])])
    assert curve[k] == pytest.approx(abs(sum(y[i] * max(0.0, X[i] @ w) for i in range(6))))


def test_dual_slice_figure_draws_y_and_v():
    X, y = xor_data(8)
    v = 0.3 * y
    S = dual_slice(X, y, v, 0.2, n_dirs=12)
    fig = F.fig_dual_slice(S)
    pts = [t for t in fig.data if t.name == "0, y, v*"][0]
    assert np.allclose([pts.x[1], pts.y[1]], [np.linalg.norm(y), 0.0])
    assert np.allclose(np.hypot(pts.x[2], pts.y[2]), np.linalg.norm(v))


# ------------------------------------------------------------------------------------------- wedge fit
@pytest.mark.parametrize("n,beta", [(8, 0.05), (12, 0.2)])
def test_wedge_fit_is_an_optimal_lasso_and_an_upper_bound(n, beta):
    X, y = xor_data(n, seed=n)
    wf = wedge_fit(X, y, beta)
    m = fit(X, y, beta)
    assert m.certified_
    # the dictionary fit can never beat the certified optimum (weak duality), up to the certificate's gap
    assert wf.objective >= m.dual_objective_ - 1e-9
    # the reported objective is the canonical objective of the returned weights
    U, a = wf.network.neurons, wf.network.a
    r = np.maximum(lift(X) @ U.T, 0) @ a - y
    assert wf.objective == pytest.approx(0.5 * r @ r + 0.5 * beta * (np.sum(U**2) + np.sum(a**2)), rel=1e-12)
    # the neurons are wedge products: each line passes through two data points
    for u in U:
        assert (np.abs(lift(X) @ u) < 1e-9 * np.linalg.norm(u)).sum() >= 2
    # Lasso optimality (KKT) over every candidate neuron through two points:
    # |f_k^T (y - F a)| <= beta for every feature, = beta on the support
    cand = []
    for i, j in itertools.combinations(range(n), 2):
        c = np.cross(lift(X[i : i + 1])[0], lift(X[j : j + 1])[0])
        cand += [c / np.linalg.norm(c), -c / np.linalg.norm(c)]
    Fd = np.maximum(lift(X) @ np.array(cand).T, 0)
    corr = np.abs(Fd.T @ (-r))
    assert corr.max() <= beta * (1 + 1e-5)
    Fs = np.maximum(lift(X) @ (U / np.linalg.norm(U, axis=1, keepdims=True)).T, 0)
    assert np.allclose(np.abs(Fs.T @ (-r)), beta, rtol=1e-4)


# ---------------------------------------------------------------------------------------------- AppTest
def _script(kind, label, n, beta, seed):
    import numpy as np
    import streamlit as st
    rng = np.random.default_rng(seed)
    if kind == "collinear":
        X = np.stack([np.linspace(-1, 1, n), 0.5 * np.linspace(-1, 1, n)], axis=1)
    else:
        X = rng.uniform(-1, 1, (n, 2))
    y = np.where(X[:, 0] * X[:, 1] >= 0, 1.0, -1.0)
    model = None
    if kind in ("fit", "collinear") and n > 0:
        from solvers import ConvexReLU

        model = ConvexReLU(beta=beta, task="classification", method="reference").fit(X, y)
    if kind == "gated":
        from solvers import GatedReLU

        model = GatedReLU(beta=beta, task="classification").fit(X, y)
    from app.scene import scene_for
    from app.tabs import TABS

    TABS[label].render(scene_for(X, y, "classification", beta, model, "gated" if kind == "gated" else "reference"))
    st.write("rendered")


LABELS = list(GEOMETRY)


def run_app(kind, label, n, beta=0.1, seed=0):
    at = AppTest.from_function(_script, args=(kind, label, n, beta, seed), default_timeout=60)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.markdown[-1].value == "rendered"
    return at


@pytest.mark.parametrize("label", LABELS)
def test_tab_renders_with_a_fit(label):
    at = run_app("fit", label, 12)
    assert len(at.warning) == 0, [w.value for w in at.warning]
    assert len(at.caption) >= 1
    charts = at.get("plotly_chart")
    assert len(charts) >= 2


@pytest.mark.parametrize("label", LABELS)
def test_tab_renders_without_a_fit(label):
    at = run_app("nofit", label, 9)
    assert not at.warning
    if label == "dual-certificate":
        assert at.info and "No fitted network" in at.info[0].value
    else:
        assert len(at.get("plotly_chart")) >= 1


@pytest.mark.parametrize("label", LABELS)
def test_tab_renders_with_no_points(label):
    at = run_app("nofit", label, 0)
    assert at.info and "Draw at least" in at.info[0].value


@pytest.mark.parametrize("label", LABELS)
def test_tab_renders_for_collinear_points(label):
    at = run_app("collinear", label, 5)
    assert not at.warning, [w.value for w in at.warning]


def test_arrangement_cell_picker_changes_the_partition():
    at = run_app("nofit", "arrangement", 6)
    before = at.get("plotly_chart")[1].proto.spec
    at.number_input(key="geo_arrangement_cell").set_value(17).run()
    assert not at.exception
    assert at.get("plotly_chart")[1].proto.spec != before


@pytest.mark.parametrize("n,beta", [(10, 0.05), (16, 0.1)])
def test_every_fitted_neuron_is_marked_where_the_constraint_touches_beta(n, beta):
    from app.views.geometry_tabs import _dual_peaks
    from geometry import PlanarOracle

    X, y = xor_data(n, seed=n + 1)
    m = fit(X, y, beta)
    assert m.certified_
    v = np.asarray(m.dual_, float)
    peaks, signs = _dual_peaks(X, v, beta, _oracle=PlanarOracle(X))
    # the certificate's phi(v*) is the exact phi of its dual vector, computed here afresh
    assert m.certificate_.phi_dual == pytest.approx(phi(X, v), rel=1e-12)
    assert phi(X, v) == pytest.approx(beta, rel=1e-6)
    U = np.hstack([m.hidden_weights_, m.hidden_biases_[:, None]])
    U /= np.linalg.norm(U, axis=1, keepdims=True)
    for u, a in zip(U, m.output_weights_):
        # independent check of the optimality condition: sign(a) v^T (Z u)_+ = beta
        assert np.sign(a) * np.maximum(lift(X) @ u, 0) @ v == pytest.approx(beta, rel=1e-5)
        d = np.linalg.norm(peaks - u, axis=1)
        assert d.min() < 1e-5 and signs[np.argmin(d)] == np.sign(a)


def _script_data(X, y, beta, task, label):
    import numpy as np
    import streamlit as st

    from app.scene import scene_for
    from app.tabs import TABS
    from solvers import ConvexReLU

    X, y = np.asarray(X, float).reshape(-1, 2), np.asarray(y, float)
    model = ConvexReLU(beta=beta, task=task, method="reference").fit(X, y)
    TABS[label].render(scene_for(X, y, task, beta, model, "reference"))
    st.write("rendered")


CASES = {
    "one point": ([[0.2, -0.3]], [1.0], 0.1, "classification"),
    "two points": ([[0.2, -0.3], [-0.5, 0.4]], [1.0, -1.0], 0.1, "classification"),
    "duplicates": ([[0, 0], [0, 0], [1, 0], [0, 1], [1, 1]], [1.0, 1.0, -1.0, -1.0, 1.0], 0.1, "classification"),
    "zero network": ([[0, 0], [1, 0], [0, 1], [1, 1]], [1.0, -1.0, -1.0, 1.0], 50.0, "classification"),
    "regression": ([[0, 0], [1, 0], [0, 1], [1, 1], [0.5, 0.2]], [0.3, -1.2, 2.0, 0.1, 0.7], 0.05, "regression"),
    "point at origin": ([[0, 0], [1, 0], [0, 1], [-1, -1]], [1.0, -1.0, -1.0, 1.0], 0.1, "classification"),
}


@pytest.mark.parametrize("case", list(CASES))
@pytest.mark.parametrize("label", LABELS)
def test_tab_renders_for_small_and_special_data(case, label):
    X, y, beta, task = CASES[case]
    at = AppTest.from_function(_script_data, args=(X, y, beta, task, label), default_timeout=60)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.markdown[-1].value == "rendered"
    assert not [w.value for w in at.warning if "could not be drawn" in w.value]


def test_jump_to_the_cell_of_a_neuron():
    at = run_app("fit", "arrangement", 12)
    box = at.selectbox(key="geo_arrangement_cell_jump")
    assert len(box.options) >= 2
    at = box.select_index(1).run()
    assert not at.exception
    c = int(at.number_input(key="geo_arrangement_cell").value)
    # the same data and fit as the script: the chosen cell's pattern is the neuron's own pattern
    X, y = xor_data(12, seed=0)  # what _script("fit", ..., 12, 0.1, 0) draws
    m = fit(X, y, 0.1)
    u = np.append(m.hidden_weights_[1], m.hidden_biases_[1])
    s = lift(X) @ u
    pat = lifted_zonotope(X).patterns[c]
    clear = np.abs(s) > 1e-9 * np.linalg.norm(u)
    assert np.array_equal(pat[clear], s[clear] > 0)


def test_zonotope_facet_mode_draws_the_facet_of_a_line():
    at = run_app("fit", "zonotope", 10)
    at.radio(key="geo_zonotope_mode").set_value("a facet (line through two points)").run()
    assert not at.exception
    at.number_input(key="geo_zonotope_facet").set_value(3).run()
    assert not at.exception and not at.warning
    import json

    spec = json.loads(at.get("plotly_chart")[0].proto.spec)
    facet = [t for t in spec["data"] if t.get("name") == "chosen facet"]
    assert len(facet) == 1
    xs = facet[0]["x"]
    if isinstance(xs, dict):  # plotly's typed-array encoding
        import base64

        xs = np.frombuffer(base64.b64decode(xs["bdata"]), dtype=xs["dtype"])
    assert len(xs) == 4  # points in general position: the facet is a parallelogram


def test_arrangement_map_draws_one_switching_curve_per_point_and_colours_every_cell():
    X, _ = xor_data(6, seed=1)
    fig = F.fig_arrangement_map(X, 32, selected=np.array([0.0, 0.0, 1.0]))
    curves = [t for t in fig.data if t.type == "scatter" and t.mode == "lines"][0]
    assert np.isnan(np.asarray(curves.y, float)).sum() == 6  # one broken curve per point
    heat = [t for t in fig.data if t.type == "heatmap"][0]
    colours = np.asarray(heat.z)
    # neighbouring grid cells of different patterns get (mostly) different colours: more than one colour shows
    assert len(np.unique(colours)) > 1 and "32 cells" in fig.layout.title.text
    chosen = [t for t in fig.data if t.name == "chosen cell"][0]
    assert chosen.y[0] == pytest.approx(90.0)  # u = (0, 0, 1): the north pole
