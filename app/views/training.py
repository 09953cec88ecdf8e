"""Tabs "Training" and "Path": SGD and Adam played against the certified optimum, and the regularization
path from beta_max down with what sampling patterns gives up."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import streamlit as st

from app.session import on_widget, widget_key
from app.state import FIELD, TRAIN_WIDTHS
from solvers import GATED_MAX_POINTS, NonconvexReLU, regularization_path, sampling_curve

from .training_figures import fig_network_animation, fig_path, fig_runs_vs_optimum, fig_sampling

if TYPE_CHECKING:
    from app.scene import Scene

STEPS = 1500
STARTS = 4
FRAMES = 30
CLOSE = 1e-3
"""A start "reaches" the optimum when its final objective is within this relative distance of p*."""

NAMES = {"adam": "Adam", "sgd": "SGD", "gd": "GD"}

PATH_BETAS = 12
PATH_MAX_POINTS = 100
SAMPLING_GATES = (3, 10, 30, 100, 300)


def _control(name: str, widget, **kwargs) -> None:
    f = FIELD[name]
    domain = (f.choices,) if f.choices else (f.low, f.high)
    widget(f.label, *domain, key=widget_key(name), on_change=on_widget, args=(name,), **kwargs)


@st.cache_data(max_entries=16, show_spinner=False)
def training_runs(points: tuple, task: str, beta: float, optimizer: str, width: int, lr: float) -> list:
    """``STARTS`` seeded runs of the optimizer (SGD on minibatches of 10 points, Adam and GD on the full batch),
    each with its objective every 5 steps and ``FRAMES`` snapshots for the animation."""
    P = np.asarray(points, float)
    X, y = P[:, :2], P[:, 2]
    out = []
    for seed in range(STARTS):
        m = NonconvexReLU(beta, task=task, width=width, optimizer=optimizer, lr=lr, steps=STEPS, seed=seed,
                          batch_size=10 if optimizer == "sgd" and len(P) > 10 else None,
                          record_every=5, n_snapshots=FRAMES).fit(X, y)
        out.append(dict(history=m.history_, steps=m.history_steps_, snapshots=m.snapshots_,
                        snapshot_steps=m.snapshot_steps_, objective=m.objective_, diverged=m.solve_.info.get("diverged_at") is not None,
                        epochs=m.solve_.info.get("epochs")))
    return out


def render_training(scene: Scene) -> None:
    state = scene.state
    cert = scene.certificate
    st.caption("Gradient training of the same network from random starts, as TensorFlow Playground does, next to "
               "the certified optimum p*. No run can go below p*; many stop above it. Press play to watch a run "
               "move the picture.")
    if scene.model is None or cert is None or scene.n < 2:
        st.info("Draw at least two points to train.")
        return
    optimum = cert.objective if cert.certified else None
    m_star = max(1, len(scene.units))
    c1, c2, c3 = st.columns(3)
    with c1:
        _control("train_opt", st.radio, horizontal=True, format_func=str.upper)
    with c2:
        _control("train_width", st.radio, horizontal=True,
                 format_func=lambda w: f"{w} ({max(1, round(TRAIN_WIDTHS[w] * m_star))})")
    with c3:
        _control("train_lr", st.select_slider, format_func=lambda v: f"{v:g}")
    width = max(1, round(TRAIN_WIDTHS[state.train_width] * m_star))
    with st.spinner("Training…"):
        runs = training_runs(state.points, state.task, state.beta, state.train_opt, width, state.train_lr)
        others = [o for o in ("adam", "sgd") if o != state.train_opt]  # the curves show SGD and Adam at least
        other_runs = {o: training_runs(state.points, state.task, state.beta, o, width, state.train_lr) for o in others}
    name = NAMES[state.train_opt]
    first = runs[0]
    labels = [f"step {s}" + (f", epoch {s * min(10, scene.n) / scene.n:.1f}" if state.train_opt == "sgd" else "")
              + f", lr {state.train_lr:g}" for s in first["snapshot_steps"]]
    left, right = st.columns([5, 4])
    with left:
        st.plotly_chart(fig_network_animation(first["snapshots"], labels, scene.X, scene.y, state.task,
                                              f"{name}, start 1, {width} neurons"), key="train_animation")
    with right:
        curves = [(f"{name} start {i + 1}", r["steps"], r["history"]) for i, r in enumerate(runs)]
        for o, rs in other_runs.items():
            curves += [(f"{NAMES[o]} start {i + 1}", r["steps"], r["history"]) for i, r in enumerate(rs)]
        st.plotly_chart(fig_runs_vs_optimum(curves, optimum), key="train_runs")
        if optimum is None:
            st.caption("The exact fit is not certified here, so no p* line is drawn.")
        else:
            close = [abs(r["objective"] - optimum) <= CLOSE * optimum for r in runs]
            worst = max((r["objective"] - optimum) / optimum for r in runs)
            # one above the other: side by side in this column, their labels were cut short at 1024 px
            st.metric(f"{name} starts within {CLOSE:g} of p*", f"{sum(close)} of {len(runs)}")
            for o, rs in other_runs.items():
                near = sum(abs(r["objective"] - optimum) <= CLOSE * optimum for r in rs)
                st.metric(f"{NAMES[o]} starts within {CLOSE:g} of p*", f"{near} of {len(rs)}")
            st.caption(f"The convex optimum uses {m_star} neurons; these runs use {width}. The worst start ends "
                       f"{worst:.1%} above p*. Try the widths below and above, or the spiral at beta = 0.01, "
                       "where gradient training visibly stalls above the optimum.")
        diverged = [r for r in runs if r["diverged"]]
        if diverged:
            st.warning(f"{len(diverged)} start(s) stopped: lower the learning rate.")


@st.cache_resource(max_entries=8, show_spinner=False)
def path_of(points: tuple, task: str):
    P = np.asarray(points, float)
    return regularization_path(P[:, :2], P[:, 2], None, task=task, n_betas=PATH_BETAS, ratio=1e-2, max_seconds=20)


@st.cache_data(max_entries=8, show_spinner=False)
def sampling_of(points: tuple, task: str, beta: float) -> tuple:
    P = np.asarray(points, float)
    return sampling_curve(P[:, :2], P[:, 2], beta, SAMPLING_GATES, task=task)


def render_path(scene: Scene) -> None:
    state = scene.state
    st.caption("The certified optimum for every beta from beta_max down (warm-started fits, each certified): "
               "neurons appear one by one as the penalty relaxes. Play it, or drag the slider.")
    if scene.n < 2:
        st.info("Draw at least two points to see the path.")
        return
    if scene.n > PATH_MAX_POINTS:
        st.info(f"The path is drawn up to {PATH_MAX_POINTS} points; here n = {scene.n}.")
        return
    with st.spinner("Walking the path…"):
        path = path_of(state.points, state.task)
    nets = [m.network_ for m in path.models]
    labels = [f"beta {b:.3g} ({m.network_.width} neurons{'' if m.certified_ else ', not certified'})"
              for b, m in zip(path.betas, path.models)]
    left, right = st.columns([5, 4])
    with left:
        st.plotly_chart(fig_network_animation(nets, labels, scene.X, scene.y, state.task, "Optimum"),
                        key="path_animation")
    with right:
        st.plotly_chart(fig_path(path.betas, path.objectives, path.widths, path.beta_max, state.beta), key="path_curves")
        st.caption(f"beta_max = φ(y) = {path.beta_max:.4g}: above it the zero network is optimal. "
                   f"{sum(path.certified)} of {len(path.models)} points certified. Orange: the sidebar's beta.")
    st.divider()
    st.markdown("**What sampling gives up.** The sampled-patterns program (k random gates) is an upper bound on "
                "p*; gated ReLU over every pattern is a relaxation below it.")
    if scene.n > GATED_MAX_POINTS:
        st.info(f"Drawn up to {GATED_MAX_POINTS} points (the gated relaxation takes every pattern).")
        return
    if st.toggle("Compare sampled patterns", key="path_sampling"):
        with st.spinner("Fitting the sampled and gated programs…"):
            bounds = sampling_of(state.points, state.task, state.beta)
        st.plotly_chart(fig_sampling(bounds), key="path_sampling_chart")
        b = bounds[-1]
        st.caption(f"With k = {b.n_gates} gates, {b.n_sampled} of {b.n_patterns} patterns are found; the sampled "
                   f"optimum is {b.excess:.2%} above p*, the gated relaxation {b.relaxation_gap:.2%} below.")
