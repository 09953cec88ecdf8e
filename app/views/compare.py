"""Tab "Compare": every model of the registry that compares, fitted to the same points and beta."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

import streamlit as st

from app.certificate_view import summarize
from app.figures import bounds_figure, training_figure
from app.jobs import fit_state
from app.models import COMPARE_MODELS, MODELS
from app.plain import plain
from solvers import NonconvexReLU

if TYPE_CHECKING:
    from app.scene import Scene


def render_compare(scene: Scene) -> None:
    state = scene.state
    st.caption("Exact ReLU gives the global optimum; gated ReLU with all patterns is a relaxation (its optimum "
               "is a lower bound), sampled patterns give an upper bound, and Adam trains the same network by "
               "gradient steps from a random start, as TensorFlow Playground does: it can stop above the optimum. "
               "Each is fitted to the same points and beta.")
    if not st.toggle("Fit the other models too", key="compare_on"):
        return
    rows = []
    models = {}
    for key in COMPARE_MODELS:
        label = MODELS[key].label
        with st.spinner(f"Fitting {label}…"):
            fit = scene.fit if key == state.model else fit_state(state, key)
        if fit.model is None:
            st.warning(plain(f"{label}: {fit.error}"))
            continue
        models[key] = fit.model
        s = summarize(fit.model, replace(state, model=key), scene.X, scene.y)
        rows.append((s.model, s.objective, s.dual_objective, s.certified))
    if rows:
        st.plotly_chart(bounds_figure([r[:3] for r in rows]), key="compare_chart")
    trained = [m for m in models.values() if isinstance(m, NonconvexReLU)]
    if trained:
        exact = models.get("exact")
        optimum = exact.objective_ if exact is not None and exact.certified_ else None  # only a certified p*
        st.plotly_chart(training_figure(trained[0].history_, optimum), key="training_chart")
    if rows:
        st.table({"model": [r[0] for r in rows], "objective": [f"{r[1]:.6g}" for r in rows],
                  "certified": ["yes" if r[3] else "no" for r in rows]})
