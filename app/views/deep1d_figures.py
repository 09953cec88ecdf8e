"""Pure figures of the Deep 1-D tab: arrays and fitted models in, a ``plotly.graph_objects.Figure`` out."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from app.grid import DOMAIN

DEPTH_COLOURS = {2: "#1f77b4", 3: "#d62728", 4: "#2ca02c"}
KIND_SYMBOLS = {"data point": "triangle-up", "reflection": "diamond"}


def fig_deep_fits(x, y, fits: dict, depth: int, samples: int = 401) -> go.Figure:
    """The data, the fitted functions of each depth (``fits``: depth -> fitted ``DeepLasso1D``) overlaid, and
    the breakpoints of the chosen ``depth`` marked by kind on its curve."""
    x, y = np.asarray(x, float), np.asarray(y, float)
    grid = np.linspace(-DOMAIN, DOMAIN, samples)
    fig = go.Figure()
    for L, est in sorted(fits.items()):
        fig.add_trace(go.Scatter(x=grid, y=est.predict(grid), mode="lines", name=f"depth {L}",
                                 line=dict(color=DEPTH_COLOURS.get(L, "#444"), width=4 if L == depth else 2,
                                           dash="solid" if L == depth else "dot")))
    chosen = fits.get(depth)
    if chosen is not None and len(chosen.features_):
        for kind, symbol in KIND_SYMBOLS.items():
            b = np.array([p for f in chosen.features_ for p, k in zip(f.breakpoints, f.breakpoint_kinds) if k == kind])
            b = np.unique(b[(b >= -DOMAIN) & (b <= DOMAIN)]) if b.size else b
            if b.size:
                fig.add_trace(go.Scatter(x=b, y=chosen.predict(b), mode="markers", name=f"breakpoint: {kind}",
                                         marker=dict(symbol=symbol, size=12, color=DEPTH_COLOURS.get(depth, "#444"),
                                                     line=dict(color="black", width=1))))
    fig.add_trace(go.Scatter(x=x, y=y, mode="markers", name="data", marker=dict(size=9, color="black")))
    fig.update_layout(title=f"Optimal deep narrow ReLU networks, depths {', '.join(map(str, sorted(fits)))}",
                      xaxis=dict(title="x", range=[-DOMAIN, DOMAIN]), yaxis=dict(title="f(x)"), height=460,
                      margin=dict(l=50, r=10, t=50, b=50), legend=dict(orientation="h", y=-0.2))
    return fig


def fig_training_vs_optimum(histories: list, optimum: float) -> go.Figure:
    """Objective of Adam on the same architecture after each step (one curve per random start), with the
    convex optimum as a line (a horizontal line no run can go below)."""
    fig = go.Figure()
    for i, h in enumerate(histories):
        h = np.asarray(h, float)
        fig.add_trace(go.Scatter(x=np.arange(h.size), y=h, mode="lines", name=f"Adam, start {i + 1}",
                                 line=dict(width=1.5)))
    fig.add_hline(y=optimum, line=dict(color="#2a7", dash="dash"), annotation_text="convex optimum",
                  annotation_position="bottom right")
    fig.update_layout(title="Adam on the same deep network vs the convex optimum", height=360,
                      xaxis_title="step", yaxis_title="training objective", yaxis_type="log",
                      margin=dict(l=60, r=10, t=50, b=50), legend=dict(orientation="h", y=-0.25))
    return fig
