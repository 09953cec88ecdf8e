"""Plotly figures of the playground; each is a pure function ``inputs -> go.Figure``."""

from __future__ import annotations

import html as html_lib

import numpy as np
import plotly.graph_objects as go
import plotly.io as pio

from .fitting import as_arrays, grid_centres
from .grid import DOMAIN

RED, BLUE = "#d62728", "#1f77b4"
SURFACE_SCALE = [[0.0, "#2166ac"], [0.5, "#f7f7f7"], [1.0, "#b2182b"]]


def line_in_box(w, b: float, box):
    """End points ``(2, 2)`` of the line ``w . x + b = 0`` inside ``box = (xmin, ymin, xmax, ymax)``, or ``None``
    if it misses the box (or only touches a corner, or ``w = 0``)."""
    w = np.asarray(w, float).ravel()
    lo, hi = np.array([box[0], box[1]], float), np.array([box[2], box[3]], float)
    nw = float(np.hypot(w[0], w[1]))
    if nw < 1e-12:
        return None
    p0 = -b * w / nw**2  # the line's point nearest the origin
    d = np.array([-w[1], w[0]]) / nw
    t0, t1 = -np.inf, np.inf
    for k in range(2):
        if abs(d[k]) < 1e-12:
            if not lo[k] <= p0[k] <= hi[k]:
                return None
            continue
        ta, tb = sorted(((lo[k] - p0[k]) / d[k], (hi[k] - p0[k]) / d[k]))
        t0, t1 = max(t0, ta), min(t1, tb)
    if t0 >= t1:
        return None
    return np.array([p0 + t0 * d, p0 + t1 * d])


def neuron_segment(w1: float, w2: float, b: float, domain: float = DOMAIN):
    """End points of the line ``w1 x1 + w2 x2 + b = 0`` inside the square, or ``None`` if it misses it."""
    seg = line_in_box((w1, w2), b, (-domain, -domain, domain, domain))
    return None if seg is None else (seg[0], seg[1])


def fit_figure(points, task: str, surface: np.ndarray | None, units: np.ndarray, title: str = "") -> go.Figure:
    """The fitted network's output over the square, its units on the lines where they switch and the data
    (``units``: rows ``(w1, w2, b, strength, sign)``, colour = sign of the output weight, grey: none)."""
    fig = go.Figure()
    if surface is not None:
        x1, x2 = grid_centres(surface.shape[0])
        vmax = float(np.max(np.abs(surface))) or 1.0
        if task == "classification":
            vmax = max(vmax, 1.0)
        fig.add_trace(
            go.Heatmap(x=x1, y=x2, z=surface, zmin=-vmax, zmax=vmax, colorscale=SURFACE_SCALE, opacity=0.75,
                       colorbar=dict(title="output"), name="network output", zsmooth="best")
        )
        if task == "classification":
            fig.add_trace(go.Contour(x=x1, y=x2, z=surface, showscale=False, contours=dict(start=0, end=0, size=1,
                          coloring="none"), line=dict(color="black", width=2), name="decision boundary"))
    amax = float(np.max(units[:, 3])) if len(units) else 1.0
    for j, (w1, w2, b, a, sign) in enumerate(units):
        seg = neuron_segment(w1, w2, b)
        if seg is None:
            continue
        (xa, ya), (xb, yb) = seg
        fig.add_trace(go.Scatter(x=[xa, xb], y=[ya, yb], mode="lines", showlegend=False,
                                 line=dict(color="#8b0000" if sign > 0 else "#08306b" if sign < 0 else "#444444",
                                           width=1 + 4 * a / amax),
                                 name=f"neuron {j + 1}", hovertext=f"unit {j + 1}: strength {a:.3g}"))
    X, y = as_arrays(points)
    if task == "classification":
        for cls, colour in ((1.0, RED), (-1.0, BLUE)):
            m = y == cls
            fig.add_trace(go.Scatter(x=X[m, 0], y=X[m, 1], mode="markers", name=f"class {cls:+.0f}",
                                     marker=dict(color=colour, size=9, line=dict(color="white", width=1))))
    else:
        fig.add_trace(go.Scatter(x=X[:, 0], y=X[:, 1], mode="markers", name="targets",
                                 marker=dict(color=y, colorscale=SURFACE_SCALE, cmid=0, size=9,
                                             line=dict(color="black", width=1))))
    fig.update_layout(title=title, height=520, margin=dict(l=40, r=20, t=40, b=40),
                      legend=dict(orientation="h", y=-0.12))
    fig.update_xaxes(range=[-DOMAIN, DOMAIN], title="x1", constrain="domain")
    fig.update_yaxes(range=[-DOMAIN, DOMAIN], title="x2", scaleanchor="x", scaleratio=1)
    return fig


def bounds_figure(rows: list[tuple[str, float, float]]) -> go.Figure:
    """Primal and dual objective of each model: ``rows`` of ``(model, objective, dual objective)``."""
    names = [r[0] for r in rows]
    fig = go.Figure([
        go.Bar(name="primal objective", x=names, y=[r[1] for r in rows], marker_color="#444"),
        go.Bar(
            name="dual objective (lower bound on p*)",
            x=names,
            y=[r[2] if np.isfinite(r[2]) else None for r in rows],  # a model with no bound on p* gets no bar
            marker_color="#999",
        ),
    ])
    fig.update_layout(title="Objective of each model, and the lower bound its dual proves", barmode="group",
                      height=380, margin=dict(l=50, r=20, t=50, b=40), yaxis_title="objective",
                      legend=dict(orientation="h", y=-0.2))
    return fig


def training_figure(history: np.ndarray, optimum: float | None) -> go.Figure:
    """Objective of the nonconvex training after each step, and the certified optimum ``p*`` as a line
    (a linear axis from just below ``p*``: the interesting part is how close the curve comes to the line)."""
    history = np.asarray(history, float)
    steps = np.arange(len(history))
    fig = go.Figure(go.Scatter(x=steps, y=history, mode="lines", name="Adam (nonconvex)", line_color="#444"))
    finite = history[np.isfinite(history)]
    if optimum is not None:
        fig.add_hline(y=optimum, line_dash="dash", line_color="#2a7",
                      annotation_text=f"certified optimum p* = {optimum:.6g}", annotation_position="bottom right")
    if finite.size:
        low = min(float(finite.min()), optimum if optimum is not None else np.inf)
        high = float(np.quantile(finite, 0.98))  # the first steps can be far above: keep the end readable
        pad = 0.05 * max(high - low, 1e-12 * max(abs(low), 1.0))
        fig.update_yaxes(range=[low - pad, high + pad])
    fig.update_layout(title="Training the same network by Adam: objective after each step", height=340,
                      margin=dict(l=60, r=20, t=50, b=40), xaxis_title="step", yaxis_title="objective",
                      showlegend=False)
    return fig


def gap_figure(trace, tolerance: float, seconds: float | None = None) -> go.Figure:
    """The relative duality gap ``(p - d) / p`` of the running fit's network against time (log scale), and the
    tolerance below which it is certified.  ``trace``: ``(seconds, relative gap)`` pairs; ``seconds``: the
    right end of the axis (the fit's time so far)."""
    t = np.array([s for s, _ in trace], float)
    gap = np.array([g for _, g in trace], float)
    shown = np.where(gap > 0, gap, np.nan)  # an exactly zero gap has no place on a log axis
    fig = go.Figure(go.Scatter(x=t, y=shown, mode="lines+markers", name="relative gap", line_color="#444",
                               marker=dict(size=5)))
    fig.add_hline(y=tolerance, line_dash="dash", line_color="#2a7")
    # on a log axis an annotation's y is log10 of the value (add_hline's own label would sit at the wrong height)
    fig.add_annotation(x=1, xref="paper", y=np.log10(tolerance), yref="y", text=f"certified below {tolerance:g}",
                       showarrow=False, xanchor="right", yanchor="bottom", font=dict(color="#2a7"))
    right = max(float(t.max()) if t.size else 0.0, seconds or 0.0, 1e-3)
    fig.update_xaxes(range=[0, 1.05 * right], title="seconds")
    fig.update_yaxes(type="log", title="relative gap (p - d) / p", exponentformat="power")
    fig.update_layout(title="Proved gap, as the fit runs", height=260,
                      margin=dict(l=60, r=20, t=40, b=40), showlegend=False)
    return fig


def snapshot_html(figures: list[go.Figure], title: str, lines: list[str]) -> str:
    """One standalone HTML page: the figures (interactive, plotly.js inlined once) and a text summary."""
    parts = [pio.to_html(f, full_html=False, include_plotlyjs=(i == 0)) for i, f in enumerate(figures)]
    items = "".join(f"<li>{html_lib.escape(t)}</li>" for t in lines)
    return (
        f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{html_lib.escape(title)}</title></head>"
        f"<body style='font-family:sans-serif'><h1>{html_lib.escape(title)}</h1><ul>{items}</ul>"
        + "".join(parts)
        + "</body></html>"
    )
