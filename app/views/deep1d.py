"""Tab "Deep 1-D": deep narrow ReLU networks on 1-D data fit to their global optimum as a Lasso with
reflection features (docs/math.md section 5.1), the fits of depths 2, 3 and 4 overlaid, the chosen
depth's features, and Adam training the same network against the convex optimum."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import numpy as np
import streamlit as st

from app.plain import plain
from app.presets1d import PRESETS1D
from app.session import on_points1d, on_widget, points1d_editor_key, widget_key
from app.state import DEPTHS, FIELD
from solvers.deep1d import DeepLasso1D, train_adam

from .deep1d_figures import fig_deep_fits, fig_training_vs_optimum

if TYPE_CHECKING:
    from app.scene import Scene

ADAM_STEPS = 1500
ADAM_STARTS = 3


@st.cache_resource(max_entries=16, show_spinner=False)
def deep_fits(points1d: tuple, beta: float) -> tuple[dict, dict]:
    """``DeepLasso1D`` of each depth on the points (``{depth: model}``) and why a depth has none."""
    fits, errors = {}, {}
    if len(points1d) < 2:
        return fits, {L: "at least two points are needed" for L in DEPTHS}
    P = np.asarray(points1d, float)
    for L in DEPTHS:
        try:
            fits[L] = DeepLasso1D(depth=L, beta=beta).fit(P[:, 0], P[:, 1])
        except ValueError as exc:
            errors[L] = str(exc)[:200]
        except Exception as exc:  # noqa: BLE001 - logged; the tab says the depth failed
            logging.getLogger(__name__).exception("deep fit failed")
            errors[L] = f"the solver failed ({type(exc).__name__})"
    return fits, errors


@st.cache_data(max_entries=16, show_spinner=False)
def adam_histories(points1d: tuple, depth: int, beta: float, width: int) -> list:
    P = np.asarray(points1d, float)
    return [train_adam(P[:, 0], P[:, 1], depth, beta, width=width, steps=ADAM_STEPS, seed=s)[1]
            for s in range(ADAM_STARTS)]


def _control(name: str, widget, **kwargs) -> None:
    f = FIELD[name]
    domain = (f.choices,) if f.choices else (f.low, f.high)
    widget(f.label, *domain, key=widget_key(name), on_change=on_widget, args=(name,), **kwargs)


def render_deep1d(scene: Scene) -> None:
    state = scene.state
    st.caption("For 1-D data, a deep narrow ReLU network (parallel units, each a chain of L − 1 width-one ReLU "
               "layers) trained with weight decay is exactly a Lasso over a fixed dictionary: ramps with kinks at "
               "the data points, capped ramps, and at depth 4 ramps with kinks at reflections 2xⱼ − xᵢ of the data "
               "(Zeger et al., “A Library of Mirrors”). The Lasso is solved exactly and mapped back to the network; "
               "its objective is the network's own.")
    c1, c2, c3 = st.columns([3, 2, 3])
    with c1:
        if not state.hidden("preset1d"):
            _control("preset1d", st.selectbox, format_func=lambda k: PRESETS1D[k].label)
    with c2:
        if not state.hidden("depth"):
            _control("depth", st.radio, horizontal=True)
    with c3:
        if not state.hidden("beta1d"):
            _control("beta1d", st.select_slider, format_func=lambda b: f"{b:g}")
    fits, errors = deep_fits(state.points1d, state.beta1d)
    for L, why in errors.items():
        st.info(plain(f"Depth {L}: {why}."))
    left, right = st.columns([3, 2])
    with left:
        P = np.asarray(state.points1d, float).reshape(-1, 2)
        st.plotly_chart(fig_deep_fits(P[:, 0], P[:, 1], fits, state.depth), key="deep1d_fits")
    with right:
        st.caption("The points (edit, add or delete rows; x in [−1, 1]):")
        key = points1d_editor_key()
        st.data_editor({"x": P[:, 0].tolist(), "y": P[:, 1].tolist()}, num_rows="dynamic", key=key,
                       on_change=on_points1d, args=(key,), width="stretch", height=260)
    model = fits.get(state.depth)
    if model is None:
        return
    cols = st.columns(4)
    cols[0].metric("Lasso objective", f"{model.objective_:.6g}")
    cols[1].metric("network objective", f"{model.network_objective_:.6g}")
    cols[2].metric("units", f"{model.n_units_}")
    cols[3].metric("KKT violation", f"{model.kkt_violation_:.1e}")
    st.caption("The network objective is computed from the deep network's own layer weights by a forward pass; "
               "the KKT violation is the largest breach of |Aᵀr| ≤ β (equality with the coefficient's sign on "
               "the support), relative to β: zero means the Lasso, hence the network, is globally optimal.")
    st.dataframe({
        "shape": [f.shape for f in model.features_],
        "breakpoints": [", ".join(f"{b:.3f}" for b in f.breakpoints) for f in model.features_],
        "kind": [f.kind + ("" if f.reflection_of is None else f" of {f.reflection_of[0]:.3f} about {f.reflection_of[1]:.3f}")
                 for f in model.features_],
        "coefficient": [f.coefficient for f in model.features_],
    }, key="deep1d_features", hide_index=True)
    if st.toggle("Train the same network with Adam", key="deep1d_adam"):
        width = max(4, 2 * model.n_units_)
        with st.spinner("Adam…"):
            histories = adam_histories(state.points1d, state.depth, state.beta1d, width)
        st.plotly_chart(fig_training_vs_optimum(histories, model.network_objective_), key="deep1d_training")
        best = min(float(np.min(h)) for h in histories)
        st.caption(f"{ADAM_STARTS} random starts, {width} units, {ADAM_STEPS} full-batch steps: the best run ends "
                   f"{(best - model.network_objective_) / max(model.network_objective_, 1e-300):.1%} above the "
                   "convex optimum. Gradient training can stop above it; it can never go below it.")
