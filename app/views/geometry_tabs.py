"""The three geometry tabs: arrangement, zonotope, dual certificate.

Each ``render_*(scene)`` draws into the current Streamlit container from the page's
:class:`~app.scene.Scene`.  Heavy geometry is cached (``st.cache_data``, bounded); every section catches
its own failure and shows a message instead of a traceback.  The fitted units are drawn where they
switch (``scene.units``: a ReLU neuron on its own line, a gated unit on its gate's line).
"""

from __future__ import annotations

import functools
import time

import numpy as np
import streamlit as st

from typing import TYPE_CHECKING

from geometry import PlanarOracle, dual_slice, linear_regions, vertex_of, wedge_dictionary
from geometry.zonotope import (
    cell_interior_neurons,
    circle_arcs,
    facet_sides,
    lifted_zonotope,
    zonogon_polygon,
    zonotope_face,
    zonotope_mesh,
)
from solvers import RELU_GLOBAL, Units, wedge_fit

from app.plain import plain

from . import figures as F

if TYPE_CHECKING:
    from app.scene import Scene

MAX_SPHERE_CIRCLES = 150
"""Above this many points the sphere shows the shading only (the great circles would cover it)."""

MAX_ZONOTOPE_POINTS = 120
"""Largest n with the 3-D zonotope drawn (about n^2 vertices)."""

MAX_VERTEX_MARKERS = 3000
"""Most zonotope vertices drawn as hoverable markers."""

MAX_WEDGE_POINTS = 120
"""Largest n for the wedge-dictionary Lasso (n(n - 1) candidate neurons)."""

MAX_POINTS = 600
"""Above this the geometry views show a message instead of pictures."""

MAX_PEAKS = 64
"""Most neurons marked where the dual constraint reaches beta."""

PEAK_RTOL = 1e-6
"""A neuron "touches" beta when ``|v^T (Z u)_+| >= beta (1 - PEAK_RTOL)`` (the certificate's tolerance)."""

CACHE = dict(max_entries=16, show_spinner=False)


# ----------------------------------------------------------------------------------------------- helpers
def _safe(section: str):
    """Run a drawing section; on any error show a warning naming the section instead of a traceback."""

    def deco(fn):
        @functools.wraps(fn)
        def run(*args, **kwargs):
            try:
                return fn(*args, **kwargs)
            except Exception as exc:  # a view never takes the page down
                st.warning(plain(f"{section} could not be drawn: {str(exc)[:200]}"))
                return None

        return run

    return deco


def _neurons(units: Units):
    """``(lines, signs)`` of the fitted units, or ``(None, None)`` when there are none."""
    return (units.lines, units.signs) if len(units) else (None, None)


def _too_few(X, need: int = 1) -> bool:
    if X.shape[0] < need:
        st.info(f"Draw at least {need} point{'s' if need > 1 else ''} to see this view.")
        return True
    if X.shape[0] > MAX_POINTS:
        st.warning(f"{X.shape[0]} points: the geometry views are drawn up to {MAX_POINTS} points.")
        return True
    return False


def _cell_picker(P: int, key: str, label: str, default: int, signature: str) -> int:
    """A cell/vertex index in ``0..P-1``; it jumps to ``default`` whenever the data or the fit change."""
    ss = st.session_state
    cur = ss.get(key)
    if ss.get(key + "_for") != signature or not isinstance(cur, (int, np.integer)) or not 0 <= cur < P:
        ss[key] = int(min(max(default, 0), max(P - 1, 0)))
        ss[key + "_for"] = signature
    return int(st.number_input(label, min_value=0, max_value=max(P - 1, 0), step=1, key=key))


def _neuron_jump(Zt, units: Units, key: str) -> None:
    """A select box that moves the picker ``key`` to the cell (vertex) of a chosen unit of the fit."""
    if not len(units):
        return
    labels = [f"unit {j} (strength {units.strengths[j]:.3g}{'' if units.signs[j] == 0 else ', output sign ' + ('+' if units.signs[j] > 0 else '-')})"
              for j in range(len(units))]

    def jump():
        choice = st.session_state.get(key + "_jump")
        if choice in labels:
            st.session_state[key] = vertex_of(Zt.vertices, units.lines[labels.index(choice)])

    st.selectbox("…or jump to the cell of", labels, index=None, key=key + "_jump", on_change=jump,
                 placeholder="a unit of the fit")


def _signature(X, units: Units | None) -> str:
    """Identifies the data and the fit (to reset pickers when either changes)."""
    parts = [X.tobytes()] + ([] if units is None else [np.ascontiguousarray(units.lines).tobytes()])
    return str(hash(b"|".join(parts)))


def _default_cell(Zt, units: Units) -> int:
    """The vertex/cell of the first unit of the fit (its pattern), else a cell with about half the points on."""
    if len(units):
        return vertex_of(Zt.vertices, units.lines[0])
    half = np.abs(Zt.patterns.sum(axis=1) - 0.5 * Zt.patterns.shape[1])
    return int(np.argmin(half))


# ------------------------------------------------------------------------------------------ cached geometry
@st.cache_data(**CACHE)
def _zonotope_data(X: np.ndarray):
    """Patterns, vertices, mesh (or the reason there is none) and a neuron inside each cell."""
    Zt = lifted_zonotope(X)
    try:
        mesh = zonotope_mesh(Zt)
        reason = ""
    except ValueError as exc:
        mesh, reason = None, str(exc)
    cells = cell_interior_neurons(Zt, mesh)
    return Zt, mesh, reason, cells


@st.cache_data(**CACHE)
def _facet_lines(X: np.ndarray) -> np.ndarray:
    """Unit normals ``z_i x z_j`` of the zonotope's facets, one orientation per line through two points."""
    N = wedge_dictionary(X)
    return N[: N.shape[0] // 2]


@st.cache_data(**CACHE)
def _regions(W, b, box):
    return linear_regions(W, b, box)


@st.cache_data(**CACHE)
def _no_bias_cells(X: np.ndarray):
    """Arcs of the circle of no-bias neurons: boundary angles (closed list) and the pattern of each arc."""
    return circle_arcs(X)


@st.cache_data(**CACHE)
def _dual_peaks(X, v, beta, _oracle: PlanarOracle):
    """The neurons where ``|v^T (Z u)_+|`` reaches ``beta`` (``X`` keys the cache; ``_oracle`` is X's)."""
    pk = _oracle.peaks(v, threshold=beta * (1 - PEAK_RTOL), keep=MAX_PEAKS, separation=1e-6)
    keep = pk.values >= beta * (1 - PEAK_RTOL)
    return pk.neurons[keep], pk.signs[keep]


@st.cache_data(**CACHE)
def _dual_slice(X, y, v, beta, _oracle: PlanarOracle):
    """The slice of ``{phi <= beta}`` through ``span{y, v}`` (None where it is not defined)."""
    n = X.shape[0]
    if not (np.linalg.norm(y) > 0 and n >= 2):
        return None
    n_dirs = 96 if n <= 40 else (32 if n <= 150 else 16)  # one exact phi per direction: ~n^2 log n each
    return dual_slice(X, y, v, beta, n_dirs=n_dirs, oracle=_oracle)


@st.cache_data(**CACHE)
def _wedge(X, y, beta):
    return wedge_fit(X, y, beta)


# ------------------------------------------------------------------------------------------------ the tabs
def render_arrangement(scene: Scene) -> None:
    """Tab "Arrangement": the sphere of neurons cut by one great circle per point, a chosen cell's partition, the
    linear regions of the fit, and the no-bias circle."""
    if _too_few(scene.X):
        return
    _arrangement_sphere(scene.X, scene.units)
    st.divider()
    _linear_regions_section(scene)
    st.divider()
    _no_bias_section(scene.X)
    _no_bias_curve(scene.X, scene.y, scene.beta)


@_safe("The sphere of neurons")
def _arrangement_sphere(X, units: Units):
    n = X.shape[0]
    Zt, mesh, reason, cells = _zonotope_data(X)
    P = Zt.patterns.shape[0]
    st.markdown(f"**{P} activation patterns** (cells) for n = {n} points; Cover's count for points in general "
                f"position is n² − n + 2 = **{n * n - n + 2}**" + ("" if P == n * n - n + 2 else
                " — fewer here, because some points are collinear or repeated."))
    left, right = st.columns([3, 2])
    with right:
        c = _cell_picker(P, "geo_arrangement_cell", f"cell (0 – {P - 1})", _default_cell(Zt, units),
                         _signature(X, units))
        _neuron_jump(Zt, units, "geo_arrangement_cell")
        u = cells[c]
        fig_p = F.fig_pattern_partition(X, u, Zt.patterns[c], F.view_box(X), f"cell {c}: its pattern as a line partition")
        st.plotly_chart(fig_p, width="stretch", theme=None, key="geo_arrangement_partition")
    with left:
        neurons, signs = _neurons(units)
        view = st.radio("show the sphere of neurons", ["as a flat map", "as a 3-D sphere"], horizontal=True,
                        key="geo_arrangement_view", label_visibility="collapsed")
        if view == "as a flat map":
            fig = F.fig_arrangement_map(X, P, selected=u, neurons=neurons, signs=signs)
        else:
            fig = F.fig_arrangement_sphere(X, P, selected=u, neurons=neurons, signs=signs)
            if n > MAX_SPHERE_CIRCLES:
                fig.data = tuple(t for t in fig.data if t.name != "great circles [x_i,1].u = 0")
        st.plotly_chart(fig, width="stretch", theme=None, key="geo_arrangement_sphere")
    st.caption("Each data point x_i is a great circle [x_i, 1]·u = 0 on the sphere of neurons u = (w, b)/‖(w, b)‖ "
               "(a curve on the flat map): crossing it switches that point on or off, so the circles cut the sphere "
               "into cells, one per activation pattern (each cell its own colour on the map; on the sphere the "
               "shading counts active points). Pick a cell: on the right its neuron's line splits the data into "
               "active (filled) and inactive points — every cell is one way to cut the points with a line. "
               "Diamonds are the fitted units (at their gates for gated ReLU).")


@_safe("The linear regions")
def _linear_regions_section(scene: Scene):
    units = scene.units
    if scene.model is None:
        st.info("Fit a network (at least one point, a valid beta) to see its linear regions.")
        return
    X = scene.X
    box = F.view_box(X)
    R = _regions(units.lines[:, :2], units.lines[:, 2], box)
    st.plotly_chart(F.fig_linear_regions(X, scene.y, R, units), width="stretch", theme=None, key="geo_regions")
    st.caption(f"The fitted model is affine on each of these {len(R)} regions: inside one, the same units are "
               "on (hover for the pattern). Region boundaries are the lines where the units switch, "
               "w_j·x + b_j = 0 for a ReLU neuron, the gate's line for a gated unit "
               "(red: positive output weight, blue: negative, grey: a gated unit; thicker = stronger).")


@_safe("The no-bias picture")
def _no_bias_section(X):
    closed, pats = _no_bias_cells(X)
    left, right = st.columns([3, 2])
    with left:
        st.plotly_chart(F.fig_no_bias_circle(X, pats, closed), width="stretch", theme=None, key="geo_no_bias")
    with right:
        st.markdown(f"**No bias:** {pats.shape[0]} patterns (2n = {2 * X.shape[0]}).")
        st.caption("Without a bias a neuron is a direction w on the circle; point x_i switches at w·x_i = 0, two "
                   "antipodal points (dotted), so the circle falls into 2n arcs, one pattern each, when no two "
                   "points share a line through the origin. Hover an arc for its pattern; the dots show the "
                   "directions of the points. The Zonotope tab shows the matching 2n-gon.")


def render_zonotope(scene: Scene) -> None:
    """Tab "Zonotope": the zonohedron whose vertices are the patterns, a chosen vertex's partition, the fit's
    units at their vertices, and the no-bias zonogon."""
    if _too_few(scene.X):
        return
    _zonotope_section(scene)
    st.divider()
    _zonogon_section(scene.X)


@_safe("The zonotope")
def _zonotope_section(scene: Scene):
    X, units = scene.X, scene.units
    n = X.shape[0]
    if n > MAX_ZONOTOPE_POINTS:
        count = scene.oracle.n_patterns if scene.oracle is not None else "about n²"
        st.warning(f"The 3-D zonotope is drawn up to {MAX_ZONOTOPE_POINTS} points (it has ~n² vertices); "
                   f"here n = {n}: it has {count} vertices.")
        return
    Zt, mesh, reason, cells = _zonotope_data(X)
    P = Zt.vertices.shape[0]
    if mesh is None:
        st.info(f"The zonotope is flat ({reason}); it is a polygon with {P} vertices.")
        return
    lines = _facet_lines(X)
    box = F.view_box(X)
    left, right = st.columns([3, 2])
    face = None
    with right:
        mode = st.radio("pick", ["a vertex (pattern)", "a facet (line through two points)"], horizontal=True,
                        key="geo_zonotope_mode", label_visibility="collapsed")
        if mode.startswith("a vertex"):
            c = _cell_picker(P, "geo_zonotope_vertex", f"vertex (0 – {P - 1})", _default_cell(Zt, units),
                             _signature(X, units))
            _neuron_jump(Zt, units, "geo_zonotope_vertex")
            fig_r = F.fig_pattern_partition(X, cells[c], Zt.patterns[c], box,
                                            f"vertex {c} = Σ of its {int(Zt.patterns[c].sum())} active points")
        else:
            c = None
            L = lines.shape[0]
            f = _cell_picker(L, "geo_zonotope_facet", f"facet (0 – {L - 1})", 0, _signature(X, None))
            nrm = lines[f]
            face = zonotope_face(Zt, nrm)
            positive, on = facet_sides(X, nrm)
            fig_r = F.fig_pattern_partition(X, nrm, positive, box,
                                            f"facet {f}: normal = the line through {int(on.sum())} points")
        st.plotly_chart(fig_r, width="stretch", theme=None, key="geo_zonotope_partition")
    with left:
        neurons, signs = _neurons(units)
        fig = F.fig_zonotope(mesh, Zt.patterns, selected=c, neurons=neurons, signs=signs,
                             show_vertices=P <= MAX_VERTEX_MARKERS, face=face)
        st.plotly_chart(fig, width="stretch", theme=None, key="geo_zonotope_3d")
    n_facets = int(len({tuple(np.round(t, 7)) for t in mesh.triangle_normals}))
    st.caption(f"Each vertex of Σ[0, (x_i, 1)] is Zᵀ D 1, the sum of the points one activation pattern D switches "
               f"on: {P} vertices, {P} patterns. Its {n_facets} facets are normal to the lines through two data "
               "points (the wedge products z_i × z_j), and every edge is a copy of one (x_i, 1). A unit of the "
               "fit is drawn from the vertex of the pattern where it is on: that vertex is its pattern. Pick a facet "
               "to see its line: the facet is the sum of the points strictly on the positive side plus the segments "
               "of the points on the line.")


@_safe("The zonogon")
def _zonogon_section(X):
    left, right = st.columns([3, 2])
    with left:
        st.plotly_chart(F.fig_zonogon(X, zonogon_polygon(X)), width="stretch", theme=None, key="geo_zonogon")
    with right:
        st.caption("Without a bias the zonotope Σ[0, x_i] is a polygon: one vertex per arc of the circle of "
                   "neurons (2n for points in distinct directions), each edge a copy of one x_i (grey, from the "
                   "origin), each edge normal a direction w with w·x_i = 0.")


def render_dual(scene: Scene) -> None:
    """Tab "Dual certificate": the numbers, the dual constraint over the sphere, the slice of the dual feasible
    set, the no-bias curve and the wedge-dictionary comparison."""
    if _too_few(scene.X):
        return
    cert = scene.certificate
    if cert is None:
        st.info("No fitted network yet: fit one (at least one point, beta > 0) to see its dual certificate.")
        return
    if not cert.bounds_optimum:
        st.info(f"This fit's certificate is about {cert.kind}: {cert.proves}. The dual certificate of the ReLU "
                "problem does not apply to it; choose Exact ReLU (or gated ReLU with all patterns) to see it.")
        return
    _certificate_numbers(scene)
    _dual_map_section(scene)
    _dual_slice_section(scene)
    st.divider()
    _wedge_section(scene)


@_safe("The certificate numbers")
def _certificate_numbers(scene: Scene):
    cert = scene.certificate
    cols = st.columns(5)
    cols[0].metric("primal p", f"{cert.objective:.6g}")
    cols[1].metric("dual d(v*)", f"{cert.dual_objective:.6g}")
    cols[2].metric("gap p − d", f"{cert.gap:.2e}")
    cols[3].metric("φ(v*) / β", f"{cert.phi_dual / cert.beta:.6f}")
    cols[4].metric("certified", "yes" if cert.certified else "no")
    st.caption("d(v*) = −½‖v* − y‖² + ½‖y‖² is a lower bound on every network's objective whenever φ(v*) ≤ β; "
               "a gap of zero proves the fit is a global optimum. φ is computed exactly here, not sampled. "
               + ("" if cert.kind == RELU_GLOBAL else "This is the gated relaxation's own dual point: it is feasible "
                  "for the ReLU dual as well (φ(v) ≤ max_D ‖Zᵀ D v‖ ≤ β), so d(v*) bounds the ReLU optimum too, "
                  "but the gated model is not a ReLU network and certifies nothing about itself as one."))


@_safe("The dual constraint")
def _dual_map_section(scene: Scene):
    X, cert = scene.X, scene.certificate
    peaks, psigns = _dual_peaks(X, cert.dual, cert.beta, _oracle=scene.oracle)
    neurons, signs = _neurons(scene.units)
    fig = F.fig_dual_map(X, cert.dual, cert.beta, neurons=neurons, signs=signs, peaks=peaks, peak_signs=psigns)
    st.plotly_chart(fig, width="stretch", theme=None, key="geo_dual_map")
    st.caption("Brightness is |vᵀ(Zu)₊| / β for every unit neuron u (longitude = direction of w, latitude = "
               "bias). Feasibility means it never exceeds 1. The fitted neurons (+ / −: sign of the output weight) "
               "sit exactly where it reaches 1 (circles), with the sign of vᵀ(Zu)₊ equal to their output sign. A circle "
               "without a neuron is a direction where the constraint is tight but the fit puts no weight.")


@_safe("The dual slice")
def _dual_slice_section(scene: Scene):
    X, cert = scene.X, scene.certificate
    S = _dual_slice(X, scene.y, cert.dual, cert.beta, _oracle=scene.oracle)
    if S is None:
        if X.shape[0] < 2:
            st.info("With one point the dual vectors form a line, not a plane: draw another point to see the slice.")
        else:
            st.info("y = 0: the fit is the zero network and the slice through y is not defined.")
        return
    left, right = st.columns(2)
    with left:
        st.plotly_chart(F.fig_dual_slice(S), width="stretch", theme=None, key="geo_dual_slice")
    with right:
        st.plotly_chart(F.fig_dual_slice(S, zoom=True), width="stretch", theme=None, key="geo_dual_slice_zoom")
    st.caption("The plane through 0, y and v*: the shaded set is every v there with φ(v) ≤ β. v* is the point of "
               "that set closest to y (a projection), and ŷ = y − v* (green) is the network's prediction — "
               "perpendicular to the set's boundary at v*. Right: the same picture zoomed on the set.")


@_safe("The no-bias dual curve")
def _no_bias_curve(X, y, beta):
    st.plotly_chart(F.fig_dual_curve(X, y, beta), width="stretch", theme=None, key="geo_dual_curve")
    st.caption("The zero network's test, without bias: |yᵀ(Xw)₊| over the direction of w. The zero network is "
               "optimal (for networks without bias) exactly when this curve stays below β; its maximum is β_max of "
               "the no-bias problem. This is a test of the data, not the certificate of the fit, which has a bias "
               "and is checked on the Dual certificate tab.")


@_safe("The wedge-product dictionary")
def _wedge_section(scene: Scene):
    X, y, beta = scene.X, scene.y, scene.beta
    st.markdown("**Wedge-product dictionary:** fit with only the neurons whose line passes through two data "
                "points (the vertices ±z_i × z_j of the arrangement).")
    n = X.shape[0]
    if n > MAX_WEDGE_POINTS:
        st.info(f"Skipped above {MAX_WEDGE_POINTS} points (the dictionary has n(n − 1) neurons).")
        return
    if not st.checkbox("Fit the wedge dictionary", key="geo_wedge_fit", value=n <= 40):
        return
    t0 = time.perf_counter()
    wf = _wedge(X, y, beta)
    cert = scene.certificate
    cols = st.columns(4)
    cols[1].metric("wedge dictionary", f"{wf.objective:.6g}")
    cols[3].metric("neurons used", f"{wf.network.width} of {wf.dictionary_size}")
    if cert.kind == RELU_GLOBAL and cert.certified:
        exact = cert.objective
        gap = wf.objective - exact
        cols[0].metric("exact optimum", f"{exact:.6g}")
        cols[2].metric("gap", f"{gap:.2e}", f"{gap / exact:.1e} relative" if exact > 0 else None, delta_color="off")
    else:
        cols[0].metric("exact optimum", "not certified")
    st.caption("Both numbers are the canonical objective of a network's own weights. The dictionary holds every "
               "vertex of the arrangement, but an optimal neuron can also sit on an edge or inside a cell, so the "
               f"dictionary fit is an upper bound; the gap says how much is lost here ({time.perf_counter() - t0:.2f} s).")


__all__ = ["render_arrangement", "render_zonotope", "render_dual"]
