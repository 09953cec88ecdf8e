"""The experiments' figures: pure functions from tables to ``plotly.graph_objects.Figure``.

They read the frames of :mod:`experiments.tables` (or the profile rows of :mod:`experiments.profile`) and
draw nothing else, so the app and the command draw the same figures.
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from .tables import mean_by

LABELS = {"relu": "convex ReLU", "relu-1000": "convex ReLU (1000 gates)", "gated": "gated ReLU (relaxation)",
          "sgd": "SGD", "adam": "Adam"}
COLORS = {"relu": "#1f77b4", "relu-1000": "#17becf", "gated": "#9467bd", "sgd": "#d62728", "adam": "#ff7f0e"}


def profile_figure(profile: pd.DataFrame, title: str = "UCI performance profile") -> go.Figure:
    """Fraction of problems solved against time, one panel per tolerance; solid: the kept run's own time,
    dotted: with the step-size tuning's time (SGD, Adam)."""
    tols = sorted(profile["tol"].unique(), reverse=True)
    fig = make_subplots(rows=1, cols=len(tols), shared_yaxes=True,
                        subplot_titles=[f"relative tolerance {t:g}" for t in tols])
    for j, tol in enumerate(tols, start=1):
        for (method, timing), g in profile[profile["tol"] == tol].groupby(["method", "timing"], sort=False):
            if timing == "with tuning" and method in ("relu", "gated"):
                continue  # a convex fit has nothing to tune: its two timings are the same
            g = g.sort_values("seconds")
            fig.add_trace(go.Scatter(
                x=g["seconds"], y=g["fraction"], mode="lines", line_shape="hv",
                name=LABELS.get(method, method) + ("" if timing == "per run" else " (incl. tuning)"),
                legendgroup=f"{method}-{timing}", showlegend=j == 1,
                line={"color": COLORS.get(method), "dash": "solid" if timing == "per run" else "dot"},
            ), row=1, col=j)
        fig.update_xaxes(type="log", title_text="seconds", row=1, col=j)
    fig.update_yaxes(range=[0, 1.02], title_text="fraction of problems solved", row=1, col=1)
    fig.update_layout(title=title, height=420, legend={"orientation": "h", "y": -0.25})
    return fig


def metric_figure(runs: pd.DataFrame, value: str, methods, title: str, y_title: str) -> go.Figure:
    """``value`` per beta fraction and method: the mean over seeds, with the seeds' min and max as bars."""
    stats = mean_by(runs, value, methods)
    fig = go.Figure()
    for m in methods:
        g = stats[stats["method"] == m].sort_values("beta_fraction")
        if g.empty:
            continue
        fig.add_trace(go.Scatter(
            x=g["beta_fraction"], y=g["mean"], mode="lines+markers", name=LABELS.get(m, m),
            line={"color": COLORS.get(m), "dash": "dot" if m == "gated" else "solid"},
            error_y={"type": "data", "symmetric": False, "array": g["max"] - g["mean"],
                     "arrayminus": g["mean"] - g["min"]},
        ))
    fig.update_xaxes(type="log", title_text="beta / beta_max")
    fig.update_yaxes(type="log", title_text=y_title)
    fig.update_layout(title=title, height=420)
    return fig


def trace_figure(traces: pd.DataFrame, runs: pd.DataFrame, beta_index: int, methods, title: str) -> go.Figure:
    """Objective against time for one beta: every seed's trace of each method (convex fits: one point)."""
    fig = go.Figure()
    sel = runs[(runs["beta_index"] == beta_index) & (runs["status"] == "ok") & runs["method"].isin(methods)]
    shown = set()
    for row in sel.itertuples():
        g = traces[traces["task_id"] == row.task_id].sort_values("seconds")
        if g.empty:
            continue
        fig.add_trace(go.Scatter(
            x=g["seconds"], y=g["objective"], mode="lines+markers" if len(g) == 1 else "lines",
            name=LABELS.get(row.method, row.method), legendgroup=row.method, showlegend=row.method not in shown,
            line={"color": COLORS.get(row.method)}, marker={"size": 9},
        ))
        shown.add(row.method)
    fig.update_xaxes(type="log", title_text="seconds")
    fig.update_yaxes(type="log", title_text="training objective")
    fig.update_layout(title=title, height=420)
    return fig
