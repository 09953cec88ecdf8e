"""Pure figure builders of the geometry views: arrays in, a ``plotly.graph_objects.Figure`` out.

No Streamlit here and no mathematics beyond drawing: the geometry comes from :mod:`geometry`.
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from geometry import (
    cell_ids,
    half_plane,
    lift,
    lon_lat,
    neuron_patterns,
    relu_correlation,
    sphere_grid,
    switching_latitudes,
    vertex_of,
)

from ..figures import line_in_box

POS = "#d62728"  # positive output weight / class +1
NEG = "#1f77b4"  # negative output weight / class -1
NONE = "#444444"  # a unit with no single output sign (gated ReLU)
ACTIVE = "#2ca02c"
INACTIVE = "#7f7f7f"
REGION_COLORS = [
    "#8dd3c7", "#ffffb3", "#bebada", "#fb8072", "#80b1d3", "#fdb462",
    "#b3de69", "#fccde5", "#d9d9d9", "#bc80bd", "#ccebc5", "#ffed6f",
]  # fmt: skip


BOTTOM_LEGEND = dict(orientation="h", yanchor="top", y=-0.18, x=0.0)
"""Legends of the plane figures sit under the plot, clear of the title."""


MAX_HOVER_PATTERN = 40
"""Up to this many points, hovering the sphere shows the full pattern (point i active = 1)."""


MAGMA = [[i / 9, c] for i, c in enumerate(
    ["#03030a", "#180f3d", "#440f76", "#721f81", "#9e2f7f", "#cd4071", "#f1605d", "#fd9668", "#feca8d", "#fcfdbf"])]
"""The magma colour scale, spelled out (0 = black: the neuron is active on no point, or the sum cancels).
Its darkest colour avoids #000001-#000032, which Streamlit's frontend rewrites as theme colours."""


def view_box(X, margin: float = 0.15) -> tuple:
    """A box around the points (``(xmin, ymin, xmax, ymax)``), at least ``[-1, 1]^2`` when there are none."""
    X = np.asarray(X, float).reshape(-1, 2)
    if X.shape[0] == 0:
        return (-1.0, -1.0, 1.0, 1.0)
    lo, hi = X.min(axis=0), X.max(axis=0)
    c, half = 0.5 * (lo + hi), 0.5 * np.maximum(hi - lo, 1.0)
    half = half * (1 + 2 * margin)
    return (float(c[0] - half[0]), float(c[1] - half[1]), float(c[0] + half[0]), float(c[1] + half[1]))


def pattern_string(mask) -> str:
    """A pattern as a string of 1s and 0s (point i active = 1)."""
    return "".join("1" if t else "0" for t in np.asarray(mask, bool))


def great_circle_points(normals: np.ndarray, samples: int = 73) -> np.ndarray:
    """Points of the great circles ``{u : n . u = 0, ||u|| = 1}`` (one per row of ``normals``), each followed by a
    row of NaN (a break in the drawn line).  Shape ``(c * (samples + 1), 3)``."""
    out = []
    t = np.linspace(0, 2 * np.pi, samples)
    for nrm in np.asarray(normals, float).reshape(-1, 3):
        nrm = nrm / np.linalg.norm(nrm)
        a = np.cross(nrm, [1.0, 0, 0] if abs(nrm[0]) < 0.9 else [0, 1.0, 0])
        a /= np.linalg.norm(a)
        b = np.cross(nrm, a)
        out.append(np.cos(t)[:, None] * a + np.sin(t)[:, None] * b)
        out.append(np.full((1, 3), np.nan))
    return np.vstack(out) if out else np.zeros((0, 3))


def _scene(title_u=("w1", "w2", "b")):
    ax = dict(showbackground=False, showgrid=False, zeroline=False, showticklabels=False)
    return dict(
        xaxis=dict(title=title_u[0], **ax),
        yaxis=dict(title=title_u[1], **ax),
        zaxis=dict(title=title_u[2], **ax),
        aspectmode="data",
    )


def fig_arrangement_sphere(X, n_cells: int, selected=None, neurons=None, signs=None, grid=(61, 121)) -> go.Figure:
    """The sphere of unit neurons ``u = (w, b)/||(w, b)||``: one great circle ``[x_i, 1] . u = 0`` per point, the
    surface shaded by the number of active points ``#{i : [x_i, 1] . u >= 0}``, the chosen cell's neuron and the
    fitted neurons (colour = sign of the output weight)."""
    X = np.asarray(X, float).reshape(-1, 2)
    n = X.shape[0]
    _, _, U = sphere_grid(*grid)
    Z = lift(X)
    act = neuron_patterns(X, U)
    count = act.sum(axis=-1)
    hover = "active points: %{surfacecolor}<extra></extra>"
    text = None
    if n <= MAX_HOVER_PATTERN:
        text = np.array([[pattern_string(a) for a in row] for row in act])
        hover = "active points: %{surfacecolor}<br>pattern %{text}<extra></extra>"
    fig = go.Figure()
    fig.add_trace(
        go.Surface(
            x=U[..., 0], y=U[..., 1], z=U[..., 2], surfacecolor=count, colorscale="Viridis", cmin=0, cmax=max(n, 1),
            opacity=0.9, colorbar=dict(title="active<br>points", len=0.6), text=text,
            hovertemplate=hover, name="cells",
        )
    )
    C = great_circle_points(Z) * 1.004
    if C.size:
        fig.add_trace(go.Scatter3d(x=C[:, 0], y=C[:, 1], z=C[:, 2], mode="lines", line=dict(color="white", width=2),
                                   hoverinfo="skip", name="great circles [x_i,1].u = 0"))
    if neurons is not None and len(neurons):
        N = np.asarray(neurons, float).reshape(-1, 3)
        N = 1.02 * N / np.linalg.norm(N, axis=1, keepdims=True)
        s = np.ones(N.shape[0]) if signs is None else np.asarray(signs)
        fig.add_trace(go.Scatter3d(x=N[:, 0], y=N[:, 1], z=N[:, 2], mode="markers",
                                   marker=dict(size=6, color=[sign_colour(t) for t in s], symbol="diamond",
                                               line=dict(color="black", width=1)),
                                   name="neurons of the fit", hovertemplate="fitted neuron<extra></extra>"))
    if selected is not None:
        u = 1.03 * np.asarray(selected, float) / np.linalg.norm(selected)
        fig.add_trace(go.Scatter3d(x=[u[0]], y=[u[1]], z=[u[2]], mode="markers",
                                   marker=dict(size=9, color="orange", line=dict(color="black", width=2)),
                                   name="chosen cell", hovertemplate="chosen cell<extra></extra>"))
    formula = n * n - n + 2
    fig.update_layout(
        title=f"{n_cells} cells (n² − n + 2 = {formula} in general position)",
        scene=_scene(), margin=dict(l=0, r=0, t=40, b=0), height=480,
        legend=dict(orientation="h", yanchor="bottom", y=0.0),
    )
    return fig


def fig_arrangement_map(X, n_cells: int, selected=None, neurons=None, signs=None, grid=(121, 241)) -> go.Figure:
    """The sphere of neurons as a flat longitude-latitude map: each cell of the arrangement in its own colour
    (neighbouring cells differ), the curve ``z_i . u = 0`` of each point, the chosen cell's neuron and the
    fitted units (colour = sign of the output weight)."""
    X = np.asarray(X, float).reshape(-1, 2)
    n = X.shape[0]
    lat, lon, U = sphere_grid(*grid)
    act = neuron_patterns(X, U)
    ids = cell_ids(act)
    colour = (ids * 7919) % len(REGION_COLORS)  # spread the ids of neighbouring cells over the palette
    scale = [[i / (len(REGION_COLORS) - 1), c] for i, c in enumerate(REGION_COLORS)]
    text = None
    hover = "lon %{x:.0f}°, lat %{y:.0f}°: %{customdata} active points<extra></extra>"
    if n <= MAX_HOVER_PATTERN:
        text = np.array([[pattern_string(a) for a in row] for row in act])
        hover = "lon %{x:.0f}°, lat %{y:.0f}°: %{customdata} active, pattern %{text}<extra></extra>"
    fig = go.Figure(go.Heatmap(x=np.degrees(lon), y=np.degrees(lat), z=colour, zmin=0, zmax=len(REGION_COLORS) - 1,
                               colorscale=scale, showscale=False, customdata=act.sum(axis=-1), text=text,
                               hovertemplate=hover, name="cells"))
    L = np.degrees(switching_latitudes(X, lon)) if n else np.zeros((0, lon.size))
    xs = np.concatenate([np.append(np.degrees(lon), np.nan) for _ in range(n)]) if n else []
    ys = np.concatenate([np.append(row, np.nan) for row in L]) if n else []
    fig.add_trace(go.Scatter(x=xs, y=ys, mode="lines", line=dict(color="white", width=1.5), hoverinfo="skip",
                             name="z_i·u = 0 (one curve per point)"))
    if neurons is not None and len(neurons):
        lo, la = _lonlat(neurons)
        s = np.ones(len(lo)) if signs is None else np.asarray(signs)
        fig.add_trace(go.Scatter(x=lo, y=la, mode="markers", name="units of the fit",
                                 marker=dict(size=11, symbol="diamond", color=[sign_colour(t) for t in s],
                                             line=dict(color="black", width=1)),
                                 hovertemplate="fitted unit<extra></extra>"))
    if selected is not None:
        lo, la = _lonlat(np.asarray(selected, float)[None, :])
        fig.add_trace(go.Scatter(x=lo, y=la, mode="markers", name="chosen cell",
                                 marker=dict(size=13, color="orange", line=dict(color="black", width=2)),
                                 hovertemplate="chosen cell<extra></extra>"))
    fig.update_layout(title=f"{n_cells} cells (n² − n + 2 = {n * n - n + 2} in general position), as a map",
                      xaxis=dict(title="longitude: direction of w [°]", range=[-180, 180]),
                      yaxis=dict(title="latitude: angle of the bias [°]", range=[-90, 90]),
                      height=460, margin=dict(l=60, r=10, t=50, b=60), legend=BOTTOM_LEGEND)
    return fig


def _polygon_xy(polys):
    """x, y lists of shapely polygons' exteriors separated by None (one filled trace)."""
    xs, ys = [], []
    for p in polys:
        cx, cy = p.exterior.coords.xy
        xs += list(cx) + [None]
        ys += list(cy) + [None]
    return xs, ys


def fig_pattern_partition(X, u, active, box, title: str = "") -> go.Figure:
    """A pattern in the data plane: the line ``w . x + b = 0`` of the neuron ``u = (w, b)``, its closed positive
    side shaded, the points of the pattern filled (active) and the others hollow."""
    X = np.asarray(X, float).reshape(-1, 2)
    active = np.asarray(active, bool)
    u = np.asarray(u, float)
    fig = go.Figure()
    pos = half_plane(u[:2], u[2], box)
    if not pos.is_empty:
        xs, ys = _polygon_xy([pos])
        fig.add_trace(go.Scatter(x=xs, y=ys, fill="toself", mode="none", fillcolor="rgba(44,160,44,0.15)",
                                 name="w·x + b ≥ 0", hoverinfo="skip"))
    seg = line_in_box(u[:2], u[2], box)
    if seg is not None:
        fig.add_trace(go.Scatter(x=seg[:, 0], y=seg[:, 1], mode="lines", line=dict(color="black", width=2),
                                 name="w·x + b = 0", hoverinfo="skip"))
    idx = np.arange(X.shape[0])
    for mask, name, sym, col in ((active, "active", "circle", ACTIVE), (~active, "inactive", "circle-open", INACTIVE)):
        fig.add_trace(go.Scatter(x=X[mask, 0], y=X[mask, 1], mode="markers", name=f"{name} ({int(mask.sum())})",
                                 marker=dict(size=9, color=col, symbol=sym, line=dict(width=2, color=col)),
                                 customdata=idx[mask], hovertemplate="point %{customdata}<extra></extra>"))
    _plane_layout(fig, box, title or f"pattern: {int(active.sum())} of {X.shape[0]} points active")
    return fig


def _plane_layout(fig, box, title, height=420):
    fig.update_layout(
        title=title, height=height, margin=dict(l=10, r=10, t=40, b=60),
        xaxis=dict(range=[box[0], box[2]], title="x1", constrain="domain"),
        yaxis=dict(range=[box[1], box[3]], title="x2", scaleanchor="x", scaleratio=1),
        legend=BOTTOM_LEGEND,
    )


def sign_colour(s) -> str:
    """Colour of a unit by the sign of its output weight (grey: no single sign)."""
    return POS if s > 0 else NEG if s < 0 else NONE


def fig_linear_regions(X, y, regions, units) -> go.Figure:
    """The linear regions of the fitted model as polygons coloured by activation pattern (hover: the pattern,
    unit j on = 1), the lines where the units switch (``units``: a :class:`solvers.Units`; colour = sign of
    the output weight, width = strength) and the data."""
    W, b = units.lines[:, :2], units.lines[:, 2]
    X = np.asarray(X, float).reshape(-1, 2)
    y = np.asarray(y, float).ravel()
    fig = go.Figure()
    groups: dict[int, list] = {}
    for r, p in enumerate(regions.polygons):
        groups.setdefault(r % len(REGION_COLORS), []).append(p)
    for c, polys in groups.items():
        xs, ys = _polygon_xy(polys)
        fig.add_trace(go.Scatter(x=xs, y=ys, fill="toself", mode="lines", line=dict(color="white", width=1),
                                 fillcolor=REGION_COLORS[c], hoverinfo="skip", showlegend=False))
    if len(regions):
        reps = np.array([[q.x, q.y] for q in (p.representative_point() for p in regions.polygons)])
        text = [f"region {r}: pattern {pattern_string(pat) or '(no neurons)'}" for r, pat in enumerate(regions.patterns)]
        fig.add_trace(go.Scatter(x=reps[:, 0], y=reps[:, 1], mode="markers", marker=dict(size=6, opacity=0.0),
                                 text=text, hovertemplate="%{text}<extra></extra>", showlegend=False))
    # neuron lines, grouped by sign and width (one trace each); hover on each line's midpoint
    strength, sign = units.strengths, units.signs
    top = max(strength.max(initial=0.0), 1e-300)
    groups: dict[tuple, list] = {}
    mids, tips = [], []
    for j in range(len(strength)):
        seg = line_in_box(W[j], b[j], regions.box)
        if seg is None:
            continue
        key = (float(sign[j]), int(round(1 + 3 * strength[j] / top)))
        groups.setdefault(key, []).append(seg)
        mids.append(seg.mean(axis=0))
        tips.append(f"unit {j}: strength {strength[j]:.3g}" + ("" if sign[j] == 0 else f", output sign {sign[j]:+.0f}"))
    for (sg_, width), segs in groups.items():
        P = np.vstack([np.vstack([sg, [np.nan, np.nan]]) for sg in segs])
        fig.add_trace(go.Scatter(x=P[:, 0], y=P[:, 1], mode="lines", showlegend=False, hoverinfo="skip",
                                 line=dict(color=sign_colour(sg_), width=width)))
    if mids:
        M = np.array(mids)
        fig.add_trace(go.Scatter(x=M[:, 0], y=M[:, 1], mode="markers", marker=dict(size=7, opacity=0.0),
                                 text=tips, hovertemplate="%{text}<extra></extra>", showlegend=False))
    _add_data(fig, X, y)
    _plane_layout(fig, regions.box, f"{len(regions)} linear regions of the fitted model ({len(strength)} units)", height=540)
    return fig


def _add_data(fig, X, y):
    """The data points: red/blue for classes +1/-1, a colour scale for regression targets."""
    if X.shape[0] == 0:
        return
    if np.all(np.isin(y, (-1.0, 1.0))):
        pos = y > 0
        for mask, name, col in ((pos, "y = +1", POS), (~pos, "y = −1", NEG)):
            if mask.any():
                fig.add_trace(go.Scatter(x=X[mask, 0], y=X[mask, 1], mode="markers", name=name,
                                         marker=dict(size=8, color=col, line=dict(color="black", width=1)),
                                         hovertemplate="(%{x:.2f}, %{y:.2f})<extra></extra>"))
        return
    fig.add_trace(go.Scatter(x=X[:, 0], y=X[:, 1], mode="markers", name="data (colour = y)",
                             marker=dict(size=8, color=y, colorscale="RdBu_r", line=dict(color="black", width=1),
                                         colorbar=dict(title="y", len=0.5)),
                             customdata=y, hovertemplate="(%{x:.2f}, %{y:.2f}): y = %{customdata:.3g}<extra></extra>"))


def fig_no_bias_circle(X, cell_patterns, cell_angles) -> go.Figure:
    """No-bias neurons ``w`` on the unit circle: each point ``x_i`` cuts it at ``w . x_i = 0`` (two antipodal
    points), leaving ``2 x (number of lines)`` arcs (``2n`` for distinct directions), each arc one pattern."""
    X = np.asarray(X, float).reshape(-1, 2)
    fig = go.Figure()
    k = len(cell_angles) - 1
    for c in range(k):
        t = np.linspace(cell_angles[c], cell_angles[c + 1], 30)
        pat = cell_patterns[c]
        fig.add_trace(go.Scatterpolar(r=np.ones_like(t), theta=np.degrees(t), mode="lines",
                                      line=dict(width=10, color=REGION_COLORS[c % len(REGION_COLORS)]),
                                      showlegend=False,
                                      hovertemplate=f"arc {c}: {int(pat.sum())} active, pattern {pattern_string(pat)}<extra></extra>"))
    ang = np.degrees(np.arctan2(X[:, 1], X[:, 0]))
    for i, t in enumerate(ang):
        fig.add_trace(go.Scatterpolar(r=[1.15, 1.15], theta=[t + 90, t - 90], mode="lines",
                                      line=dict(color="gray", width=1, dash="dot"), showlegend=False, hoverinfo="skip"))
    fig.add_trace(go.Scatterpolar(r=np.full(len(ang), 0.6), theta=ang, mode="markers", name="direction of x_i",
                                  marker=dict(size=8, color="black"),
                                  customdata=np.arange(len(ang)), hovertemplate="x_%{customdata}<extra></extra>"))
    fig.update_layout(title=f"No bias: {k} arcs of the circle of neurons w (2n = {2 * X.shape[0]})",
                      polar=dict(radialaxis=dict(visible=False, range=[0, 1.2])), height=420,
                      margin=dict(l=30, r=30, t=50, b=20), showlegend=False)
    return fig


def fig_zonotope(mesh, patterns, selected: int | None = None, neurons=None, signs=None, show_vertices=True,
                 face=None) -> go.Figure:
    """The zonotope ``sum_i [0, [x_i, 1]]`` (mesh, edges), its vertices ``Z^T D 1`` (hover: index and number of active
    points), the chosen vertex, and each fitted neuron drawn as an arrow from the vertex of its pattern along ``u``
    (the neuron lies in that vertex's normal cone)."""
    # drawn in single precision (half the page's data; ~1e-7 relative is far below a pixel)
    V, T = np.asarray(mesh.vertices, np.float32), np.asarray(mesh.triangles, np.int32)
    fig = go.Figure()
    fig.add_trace(go.Mesh3d(x=V[:, 0], y=V[:, 1], z=V[:, 2], i=T[:, 0], j=T[:, 1], k=T[:, 2], color="#9ecae1",
                            opacity=0.55, flatshading=True, hoverinfo="skip", name="zonotope"))
    E = mesh.edges
    if E.size:
        P = np.full((3 * E.shape[0], 3), np.nan, np.float32)
        P[0::3], P[1::3] = V[E[:, 0]], V[E[:, 1]]
        fig.add_trace(go.Scatter3d(x=P[:, 0], y=P[:, 1], z=P[:, 2], mode="lines", line=dict(color="#08519c", width=2),
                                   hoverinfo="skip", name="edges (translates of z_i)"))
    if show_vertices:
        cnt = np.asarray(patterns).sum(axis=1).astype(np.int32)
        fig.add_trace(go.Scatter3d(x=V[:, 0], y=V[:, 1], z=V[:, 2], mode="markers",
                                   marker=dict(size=3, color=cnt, colorscale="Viridis"),
                                   customdata=np.stack([np.arange(V.shape[0], dtype=np.int32), cnt], axis=1),
                                   hovertemplate="vertex %{customdata[0]}: %{customdata[1]} active points<extra></extra>",
                                   name="vertices Zᵀ D 1"))
    if face is not None and len(face) >= 3:
        Fp = V[np.asarray(face)]
        k = len(face)
        fig.add_trace(go.Mesh3d(x=Fp[:, 0], y=Fp[:, 1], z=Fp[:, 2], i=np.zeros(k - 2, int), j=np.arange(1, k - 1),
                                k=np.arange(2, k), color="orange", opacity=1.0, flatshading=True, name="chosen facet",
                                showlegend=True, hoverinfo="skip"))
        Q = np.vstack([Fp, Fp[:1]])
        fig.add_trace(go.Scatter3d(x=Q[:, 0], y=Q[:, 1], z=Q[:, 2], mode="lines", line=dict(color="black", width=5),
                                   hoverinfo="skip", showlegend=False))
    if selected is not None:
        p = V[selected]
        fig.add_trace(go.Scatter3d(x=[p[0]], y=[p[1]], z=[p[2]], mode="markers", name="chosen vertex",
                                   marker=dict(size=9, color="orange", line=dict(color="black", width=2))))
    if neurons is not None and len(neurons):
        N = np.asarray(neurons, float).reshape(-1, 3)
        s = np.ones(N.shape[0]) if signs is None else np.asarray(signs)
        scale = 0.25 * float(np.ptp(V, axis=0).max())
        for j, u in enumerate(N):
            pat = vertex_of(mesh.vertices, u)  # in double precision
            base = V[pat]
            tip = base + scale * u / np.linalg.norm(u)
            fig.add_trace(go.Scatter3d(x=[base[0], tip[0]], y=[base[1], tip[1]], z=[base[2], tip[2]],
                                       mode="lines+markers", line=dict(color=sign_colour(s[j]), width=6),
                                       marker=dict(size=[5, 2], color=sign_colour(s[j])),
                                       name="neuron u at the vertex of its pattern", showlegend=j == 0,
                                       hovertemplate=f"neuron {j} at vertex {pat}<extra></extra>"))
    fig.update_layout(title=f"Σ[0, (x_i, 1)]: {V.shape[0]} vertices = {V.shape[0]} patterns",
                      scene=_scene(("Σ x1", "Σ x2", "Σ 1 (active count)")), height=520, margin=dict(l=0, r=0, t=40, b=0),
                      legend=dict(orientation="h", yanchor="bottom", y=0.0))
    return fig


def fig_zonogon(X, polygon) -> go.Figure:
    """The no-bias zonogon ``sum_i [0, x_i]``: a ``2n``-gon whose edges are translates of the ``x_i`` and whose
    vertices are the ``2n`` patterns of the circle of neurons."""
    X = np.asarray(X, float).reshape(-1, 2)
    P = np.asarray(polygon, float)
    fig = go.Figure()
    Q = np.vstack([P, P[:1]])
    fig.add_trace(go.Scatter(x=Q[:, 0], y=Q[:, 1], fill="toself", mode="lines+markers", name="zonogon",
                             line=dict(color="#08519c"), fillcolor="rgba(158,202,225,0.5)",
                             hovertemplate="vertex (%{x:.2f}, %{y:.2f})<extra></extra>"))
    for i, x in enumerate(X):
        fig.add_trace(go.Scatter(x=[0, x[0]], y=[0, x[1]], mode="lines", line=dict(color="gray", width=1),
                                 showlegend=i == 0, name="generators x_i", hoverinfo="skip"))
    fig.update_layout(title=f"No bias: the zonogon Σ[0, x_i] has {P.shape[0]} vertices (2n = {2 * X.shape[0]})",
                      height=420, margin=dict(l=50, r=10, t=50, b=60),
                      yaxis=dict(scaleanchor="x", scaleratio=1), legend=BOTTOM_LEGEND)
    return fig


def _lonlat(U):
    """Longitude and latitude of neurons in degrees (for the axes of the flat maps)."""
    lo, la = lon_lat(U)
    return np.degrees(lo), np.degrees(la)


def fig_dual_map(X, v, beta: float, neurons=None, signs=None, peaks=None, peak_signs=None, grid=(91, 181)) -> go.Figure:
    """``|v^T (Z u)_+| / beta`` over the sphere of unit neurons ``u = (cos lat cos lon, cos lat sin lon, sin lat)``,
    level lines at 0.5, 0.9 and 0.99, the points where it reaches ``beta`` (circles) and the fitted neurons
    (``+``/``-`` = sign of the output weight)."""
    lat, lon, U = sphere_grid(*grid)
    S = relu_correlation(X, v, U)
    R = np.abs(S) / beta
    fig = go.Figure()
    fig.add_trace(go.Heatmap(x=np.degrees(lon), y=np.degrees(lat), z=R, zmin=0, zmax=max(1.0, float(R.max())),
                             colorscale=MAGMA, colorbar=dict(title="|vᵀ(Zu)₊| / β"),
                             customdata=np.sign(S),
                             hovertemplate="lon %{x:.0f}°, lat %{y:.0f}°: |vᵀ(Zu)₊|/β = %{z:.3f}<extra></extra>"))
    fig.add_trace(go.Contour(x=np.degrees(lon), y=np.degrees(lat), z=R, showscale=False, hoverinfo="skip",
                             contours=dict(coloring="lines", start=0.5, end=0.5, size=1.0, showlabels=True),
                             line=dict(width=1), colorscale=[[0, "white"], [1, "white"]]))
    fig.add_trace(go.Contour(x=np.degrees(lon), y=np.degrees(lat), z=R, showscale=False, hoverinfo="skip",
                             contours=dict(coloring="lines", start=0.9, end=0.991, size=0.09, showlabels=True),
                             line=dict(width=1, dash="dot"), colorscale=[[0, "cyan"], [1, "cyan"]]))
    if peaks is not None and len(peaks):
        lo, la = _lonlat(peaks)
        ps = np.ones(len(lo)) if peak_signs is None else np.asarray(peak_signs)
        fig.add_trace(go.Scatter(x=lo, y=la, mode="markers", name="|vᵀ(Zu)₊| = β",
                                 marker=dict(size=14, symbol="circle-open", color=[POS if t > 0 else NEG for t in ps], line=dict(width=2)),
                                 hovertemplate="touches β (lon %{x:.1f}°, lat %{y:.1f}°)<extra></extra>"))
    if neurons is not None and len(neurons):
        lo, la = _lonlat(neurons)
        s = np.ones(len(lo)) if signs is None else np.asarray(signs)
        for sg, sym, name in ((1, "cross-thin", "neuron, a > 0"), (-1, "line-ew", "neuron, a < 0"),
                              (0, "x-thin", "gate of a gated unit")):
            m = np.sign(s) == sg
            if m.any():
                fig.add_trace(go.Scatter(x=lo[m], y=la[m], mode="markers", name=name,
                                         marker=dict(size=12, symbol=sym, color=sign_colour(sg),
                                                     line=dict(width=3, color=sign_colour(sg))),
                                         hovertemplate="fitted unit<extra></extra>"))
    fig.update_layout(title=f"|vᵀ(Zu)₊| over the sphere of neurons: β = {beta:.3g}, largest grid value {np.abs(S).max():.4g}",
                      xaxis=dict(title="longitude of (w1, w2) [°]", range=[-180, 180]),
                      yaxis=dict(title="latitude = angle of b [°]", range=[-90, 90]),
                      height=440, margin=dict(l=70, r=10, t=50, b=60),
                      legend=BOTTOM_LEGEND)
    return fig


def fig_dual_curve(X, v, beta: float, angles=None) -> go.Figure:
    """No-bias dual constraint ``|v^T (X w)_+|`` over unit ``w = (cos t, sin t)`` with the level ``beta``."""
    t = np.linspace(-np.pi, np.pi, 721) if angles is None else np.asarray(angles)
    W = np.stack([np.cos(t), np.sin(t)], axis=1)
    S = relu_correlation(X, v, W, bias=False)
    fig = go.Figure()
    fig.add_trace(go.Scatter(x=np.degrees(t), y=np.abs(S), mode="lines", name="|vᵀ(Xw)₊|",
                             line=dict(color="black"),
                             hovertemplate="t = %{x:.1f}°: %{y:.4g}<extra></extra>"))
    fig.add_trace(go.Scatter(x=np.degrees(t), y=np.where(S >= 0, np.abs(S), np.nan), mode="lines", name="sign +",
                             line=dict(color=POS, width=3), hoverinfo="skip"))
    fig.add_trace(go.Scatter(x=np.degrees(t), y=np.where(S < 0, np.abs(S), np.nan), mode="lines", name="sign −",
                             line=dict(color=NEG, width=3), hoverinfo="skip"))
    fig.add_hline(y=beta, line=dict(color="orange", dash="dash"), annotation_text=f"β = {beta:.3g}")
    fig.update_layout(title="No bias, v = y: the zero network's test along the circle of neurons w", height=340,
                      xaxis=dict(title="angle of w [°]"), yaxis=dict(title="|vᵀ(Xw)₊|", rangemode="tozero"),
                      margin=dict(l=70, r=10, t=50, b=60), legend=BOTTOM_LEGEND)
    return fig


def fig_dual_slice(S, zoom: bool = False) -> go.Figure:
    """The slice ``{phi <= beta}`` of the dual feasible set through ``span{y, v*}``, with ``y``, ``v*`` and
    ``yhat = y - v*`` (from ``v*`` to ``y``: normal to the set at ``v*``, the supporting line drawn dashed).
    ``zoom``: axes fitted to the set and ``v*`` (``y`` may lie outside the view)."""
    B = S.boundary
    Q = np.vstack([B, B[:1]])
    y2, v2 = S.y2, S.v2
    fig = go.Figure()
    fig.add_trace(go.Scatter(x=Q[:, 0], y=Q[:, 1], fill="toself", mode="lines", name="{v : φ(v) ≤ β} ∩ plane",
                             line=dict(color="#08519c"), fillcolor="rgba(158,202,225,0.45)",
                             hovertemplate="boundary (%{x:.3g}, %{y:.3g})<extra></extra>"))
    yh = y2 - v2
    if np.linalg.norm(yh) > 0:
        tng = np.array([-yh[1], yh[0]]) / np.linalg.norm(yh)
        L = 0.6 * max(np.linalg.norm(y2), np.linalg.norm(v2))
        fig.add_trace(go.Scatter(x=[v2[0] - L * tng[0], v2[0] + L * tng[0]], y=[v2[1] - L * tng[1], v2[1] + L * tng[1]],
                                 mode="lines", line=dict(color="gray", dash="dash"), name="supporting line ⊥ ŷ",
                                 hoverinfo="skip"))
    fig.add_trace(go.Scatter(x=[v2[0], y2[0]], y=[v2[1], y2[1]], mode="lines", line=dict(color="#2ca02c", width=3),
                             name=f"ŷ = y − v* (‖ŷ‖ = {np.linalg.norm(yh):.3g})", hoverinfo="skip"))
    fig.add_trace(go.Scatter(x=[0, y2[0], v2[0]], y=[0, y2[1], v2[1]], mode="markers+text",
                             text=["0", "y", "v*"], textposition="top center",
                             marker=dict(size=[6, 11, 11], color=["black", "#ff7f0e", "#9467bd"]),
                             name="0, y, v*", hovertemplate="(%{x:.3g}, %{y:.3g})<extra></extra>"))
    note = " (the set is unbounded in some directions: cut off)" if S.unbounded else ""
    if zoom:
        P = np.vstack([B, v2[None], np.zeros((1, 2))])
        lo, hi = P.min(axis=0), P.max(axis=0)
        c, half = 0.5 * (lo + hi), 0.65 * max(float(np.max(hi - lo)), 1e-12)
        fig.update_layout(xaxis=dict(range=[c[0] - half, c[0] + half]), yaxis=dict(range=[c[1] - half, c[1] + half]))
    fig.update_layout(title=("Zoom on the set" if zoom else "Dual feasible set, sliced through span{y, v*}") + note,
                      height=460,
                      xaxis=dict(title="along y"), yaxis=dict(title="along v* ⊥ y", scaleanchor="x", scaleratio=1),
                      margin=dict(l=70, r=10, t=50, b=60), legend=BOTTOM_LEGEND)
    return fig
