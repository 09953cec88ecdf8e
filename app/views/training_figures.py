"""Pure figures of the Training and Path tabs: a played animation over networks, and curves against p*."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from app.figures import RED, BLUE, SURFACE_SCALE, neuron_segment
from app.grid import DOMAIN

GRID = 48
"""The animated surfaces are sampled on GRID x GRID points (a frame per network)."""


def _frame_traces(net, X, y, task: str, x1, x2) -> list:
    """The network's output over the square and its neuron lines (red/blue: sign of the output weight)."""
    G1, G2 = np.meshgrid(x1, x2)
    Z = net.output(np.column_stack([G1.ravel(), G2.ravel()])).reshape(G1.shape)
    vmax = max(float(np.max(np.abs(Z))), 1.0 if task == "classification" else 1e-9)
    traces = [go.Heatmap(x=x1, y=x2, z=Z, zmin=-vmax, zmax=vmax, colorscale=SURFACE_SCALE, showscale=False,
                         opacity=0.75, hoverinfo="skip")]
    xs, ys, xs_n, ys_n = [], [], [], []
    for w, b, a in zip(net.W, net.b, net.a):
        seg = neuron_segment(w[0], w[1], b)
        if seg is None or a == 0:
            continue
        (xa, ya), (xb, yb) = seg
        (xs if a > 0 else xs_n).extend([xa, xb, None])
        (ys if a > 0 else ys_n).extend([ya, yb, None])
    traces.append(go.Scatter(x=xs, y=ys, mode="lines", line=dict(color="#8b0000", width=2), hoverinfo="skip",
                             name="a > 0"))
    traces.append(go.Scatter(x=xs_n, y=ys_n, mode="lines", line=dict(color="#08306b", width=2), hoverinfo="skip",
                             name="a < 0"))
    colour = [RED if t > 0 else BLUE for t in y] if task == "classification" else y
    traces.append(go.Scatter(x=X[:, 0], y=X[:, 1], mode="markers", hoverinfo="skip", name="data",
                             marker=dict(size=8, color=colour, line=dict(color="white", width=1),
                                         **({} if task == "classification" else {"colorscale": SURFACE_SCALE}))))
    return traces


def fig_network_animation(networks, labels: list[str], X, y, task: str, title: str) -> go.Figure:
    """Play, pause and step through ``networks`` (one frame each, titled by ``labels``) on the square: the
    surface and the neuron lines, as TensorFlow Playground plays training (client-side, plotly frames)."""
    X, y = np.asarray(X, float).reshape(-1, 2), np.asarray(y, float)
    c = -DOMAIN + 2 * DOMAIN * (np.arange(GRID) + 0.5) / GRID
    frames = [go.Frame(data=_frame_traces(net, X, y, task, c, c), name=str(i),
                       layout=dict(title=f"{title}: {label}")) for i, (net, label) in enumerate(zip(networks, labels))]
    fig = go.Figure(data=frames[0].data if frames else [], frames=frames)
    play = dict(label="▶ play", method="animate",
                args=[None, dict(frame=dict(duration=250, redraw=True), transition=dict(duration=0), fromcurrent=True)])
    pause = dict(label="❚❚ pause", method="animate",
                 args=[[None], dict(frame=dict(duration=0, redraw=False), mode="immediate")])
    steps = [dict(method="animate", label=label, args=[[str(i)], dict(mode="immediate", frame=dict(duration=0, redraw=True))])
             for i, label in enumerate(labels)]
    fig.update_layout(
        title=f"{title}: {labels[0]}" if labels else title, height=580, showlegend=False,
        margin=dict(l=40, r=20, t=50, b=110),
        xaxis=dict(range=[-DOMAIN, DOMAIN], title="x1", constrain="domain"),
        yaxis=dict(range=[-DOMAIN, DOMAIN], title="x2", scaleanchor="x", scaleratio=1),
        # the buttons on a row of their own under the slider: beside it they overlapped its start in a narrow column
        updatemenus=[dict(type="buttons", direction="left", x=0.0, y=-0.3, xanchor="left", yanchor="top",
                          buttons=[play, pause])],
        sliders=[dict(active=0, x=0.0, len=1.0, y=-0.1, currentvalue=dict(visible=False), steps=steps)],
    )
    return fig


def fig_runs_vs_optimum(runs: list[tuple[str, np.ndarray, np.ndarray]], optimum: float | None) -> go.Figure:
    """Objective vs step of each run ``(name, steps, objectives)``, with the certified optimum ``p*`` as a line."""
    colours = {"Adam": "#d62728", "SGD": "#1f77b4", "GD": "#2ca02c"}
    fig = go.Figure()
    shown = set()
    for name, steps, values in runs:
        kind = name.split()[0]
        fig.add_trace(go.Scatter(x=steps, y=values, mode="lines", name=kind, legendgroup=kind,
                                 showlegend=kind not in shown, line=dict(color=colours.get(kind, "#444"), width=1.2),
                                 hovertemplate=f"{name}: step %{{x}}, objective %{{y:.6g}}<extra></extra>"))
        shown.add(kind)
    ends = [float(v[-1]) for _, _, v in runs if len(v)]
    if optimum is not None:
        fig.add_hline(y=optimum, line=dict(color="#2a7", dash="dash"),
                      annotation_text=f"certified optimum p* = {optimum:.6g}", annotation_position="bottom right")
    if ends:
        low = min(ends + ([optimum] if optimum is not None else []))
        high = max(float(np.quantile(v, 0.9)) for _, _, v in runs)
        fig.update_yaxes(range=[low - 0.05 * (high - low + 1e-12), high])
    fig.update_layout(title="Objective per start vs p*", height=380,
                      xaxis_title="step", yaxis_title="objective", margin=dict(l=60, r=20, t=50, b=40),
                      legend=dict(orientation="h", y=-0.2))
    return fig


def fig_path(betas, objectives, widths, beta_max: float, current: float | None = None) -> go.Figure:
    """The certified optimum and its number of neurons along the regularization path (beta on a log axis),
    one above the other on a shared axis, so that the titles fit the page's narrow column at 1024 px."""
    from plotly.subplots import make_subplots

    fig = make_subplots(rows=2, cols=1, shared_xaxes=True, vertical_spacing=0.12,
                        subplot_titles=("certified optimum p*(β)", "neurons of the optimum"))
    fig.add_trace(go.Scatter(x=betas, y=objectives, mode="lines+markers", name="p*", line=dict(color="#444")),
                  row=1, col=1)
    fig.add_trace(go.Scatter(x=betas, y=widths, mode="lines+markers", name="neurons", line=dict(color="#d62728"),
                             line_shape="hv"), row=2, col=1)
    for row in (1, 2):
        fig.add_vline(x=beta_max, line=dict(color="#999", dash="dot"), row=row, col=1)
        if current is not None:
            fig.add_vline(x=current, line=dict(color="orange"), row=row, col=1)
    fig.update_xaxes(type="log")
    fig.update_xaxes(title="β (log scale; dotted: β_max)", row=2, col=1)
    fig.update_layout(height=440, showlegend=False, margin=dict(l=50, r=20, t=40, b=50))
    return fig


def fig_sampling(bounds) -> go.Figure:
    """What sampling gives up, over the number of gates k: coverage of the exact patterns, and the sampled
    ReLU optimum above p* and the gated ReLU optimum below it (relative to p*)."""
    from plotly.subplots import make_subplots

    ks = [b.n_gates for b in bounds]
    fig = make_subplots(rows=1, cols=2, subplot_titles=("patterns found (fraction of all)", "optimum relative to p*"))
    fig.add_trace(go.Scatter(x=ks, y=[b.coverage for b in bounds], mode="lines+markers", name="coverage"), row=1, col=1)
    fig.add_trace(go.Scatter(x=ks, y=[b.sampled_objective / b.optimum for b in bounds], mode="lines+markers",
                             name="sampled ReLU (upper bound)", line=dict(color="#d62728")), row=1, col=2)
    fig.add_trace(go.Scatter(x=ks, y=[b.gated_objective / b.optimum for b in bounds], mode="lines+markers",
                             name="gated ReLU, all patterns (relaxation)", line=dict(color="#1f77b4")), row=1, col=2)
    fig.add_hline(y=1.0, line=dict(color="#2a7", dash="dash"), row=1, col=2)
    fig.update_xaxes(type="log", title="k random gates")
    fig.update_layout(height=340, margin=dict(l=50, r=20, t=50, b=50), legend=dict(orientation="h", y=-0.3))
    return fig
