"""Convex Playground: draw 2-D points, see the certified globally optimal ReLU network, share the link.

This script only wires state, cache and layout; the pieces live in their own modules.
"""

from __future__ import annotations

import logging
import math
import sys
from dataclasses import replace
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import streamlit as st

from app.certificate_view import EXPLANATION, certificate_json, summarize
from app.codec import decode, encode
from app.context import ViewContext
from app.csv_points import MAX_CSV_BYTES, points_from_csv, points_to_csv
from app.editor import canvas_data, point_editor
from app.edits import CanvasSync, apply_canvas_message
from app.figures import bounds_figure, fit_figure, snapshot_html, training_figure
from app.fitting import FIT_SECONDS, Fit, active_neurons, as_arrays, fit_points
from app.history import History, record, redo, undo
from app.presets import make_preset, preset_task
from app.state import (
    FIELD,
    FIELDS,
    MODEL_LABELS,
    AppState,
    as_task,
    with_changes,
)
from app.views import GEOMETRY_TABS

HIDEABLE_FIELDS = tuple(f.name for f in FIELDS if f.hideable)
SMALL_BETA = 1e-3
"""Below SMALL_BETA x beta_max the page warns that certification may not be reached in time."""

ss = st.session_state
WIDGET_FIELDS = HIDEABLE_FIELDS  # every field a teacher may hide is a sidebar control
DATA_FIELDS = ("preset", "n", "noise", "seed")


# ---------------------------------------------------------------- state
def widget_key(name: str) -> str:
    return f"w_{name}"


def push_widgets(state: AppState) -> None:
    """Make every widget show the state's value (called before the widgets are drawn)."""
    for name in WIDGET_FIELDS:
        ss[widget_key(name)] = getattr(state, name)


def set_state(state: AppState, *, points_from_canvas: bool = False) -> None:
    """Replace the state; a change of points not made on the canvas starts a new canvas base."""
    old = ss.app_state
    if state.points != old.points:
        ss.history = record(ss.history, old.points, state.points)
        if not points_from_canvas:
            ss.sync = ss.sync.reset()
    ss.app_state = state
    push_widgets(state)


def start_session() -> None:
    if "app_state" in ss:
        return
    state, warning = decode(st.query_params.to_dict())
    ss.app_state = state
    ss.history = History()
    ss.sync = CanvasSync()
    ss.notice = warning
    push_widgets(state)


# ---------------------------------------------------------------- callbacks
def on_widget(name: str) -> None:
    state = ss.app_state
    value = ss[widget_key(name)]
    try:
        if name in DATA_FIELDS:
            changes = {name: value}
            if name == "preset" and value != "empty":
                changes["task"] = preset_task(value)
            state = with_changes(state, **changes)
            state = with_changes(state, points=make_preset(state.preset, state.n, state.noise, state.seed))
        else:
            state = with_changes(state, **{name: value})
    except ValueError as exc:
        ss.notice = f"{FIELD[name].label}: {exc}"
    set_state(state)


def tab_slug(label: str) -> str:
    """The name of a tab in the link: lower case, spaces as dashes."""
    return "-".join(label.lower().split())


def on_tab() -> None:
    label = ss.get("w_tab")
    if isinstance(label, str):
        try:
            ss.app_state = with_changes(ss.app_state, tab=tab_slug(label))
        except ValueError:
            pass


def on_canvas_edit() -> None:
    message = (ss.get("canvas") or {}).get("edit")
    if message is None:
        return
    state = ss.app_state
    try:
        points, ss.sync = apply_canvas_message(state.points, _sync_for(message), message, state.task)
    except ValueError as exc:
        ss.notice = f"That edit was not applied: {exc}."
        ss.sync = ss.sync.reset()
        return
    set_state(replace(state, points=points), points_from_canvas=True)


def _sync_for(message) -> CanvasSync:
    """A canvas mounted afresh (new client id) has applied none of its own operations yet."""
    client = message.get("client") if isinstance(message, dict) else None
    if client != ss.get("canvas_client"):
        ss.canvas_client = client
        return CanvasSync(ss.sync.base, 0)
    return ss.sync


def on_undo() -> None:
    state = ss.app_state
    ss.history, points = undo(ss.history, state.points)
    _restore(points)


def on_redo() -> None:
    state = ss.app_state
    ss.history, points = redo(ss.history, state.points)
    _restore(points)


def _restore(points) -> None:
    state = ss.app_state
    ss.app_state = replace(state, points=as_task(points, state.task))
    ss.sync = ss.sync.reset()


def on_clear() -> None:
    set_state(replace(ss.app_state, points=()))


def on_csv() -> None:
    upload = ss.get("csv_upload")
    if upload is None:
        return
    try:
        if upload.size > MAX_CSV_BYTES:
            raise ValueError(f"the file is larger than {MAX_CSV_BYTES // 1024} KiB")
        points, task = points_from_csv(upload.getvalue())
        if ss.app_state.task == "regression":  # labels +1/-1 are fine regression targets too
            task = "regression"
        state = with_changes(ss.app_state, task=task, points=points)
    except ValueError as exc:
        ss.notice = f"CSV not imported: {exc}. Your drawing is unchanged."
        return
    set_state(state)


# ---------------------------------------------------------------- cached work
@st.cache_resource(max_entries=48, show_spinner=False)
def cached_fit(points, task: str, beta: float, model: str, k: int, seed: int) -> Fit:
    return fit_points(points, task, beta, model, k, seed)


def fit_state(state: AppState, model: str | None = None) -> Fit:
    """The cached fit; a failure other than the library's ValueError is logged and shown as a short message."""
    try:
        return cached_fit(state.points, state.task, state.beta, model or state.model, state.k, state.seed)
    except Exception as exc:  # noqa: BLE001 - the page shows a message, the server log keeps the traceback
        logging.getLogger(__name__).exception("fit failed")
        return Fit(error=f"The solver failed on these points ({type(exc).__name__}); try other points or beta.")


# ---------------------------------------------------------------- layout
def sidebar(state: AppState) -> None:
    hidden = state.hidden
    sb = st.sidebar
    sb.title("Convex Playground")
    if not all(hidden(n) for n in DATA_FIELDS):
        sb.subheader("Data")

    def control(name: str, widget, **kwargs) -> None:
        """One sidebar control, labelled and bounded by its row of the field table."""
        if not hidden(name):
            f = FIELD[name]
            domain = (f.choices,) if f.choices else (f.low, f.high)
            widget(f.label, *domain, key=widget_key(name), on_change=on_widget, args=(name,), **kwargs)

    control("preset", sb.selectbox)
    control("n", sb.slider)
    control("noise", sb.slider, step=0.05)
    control("seed", sb.number_input, step=1)
    sb.subheader("Model")
    control("task", sb.radio, horizontal=True)
    control("beta", sb.select_slider, format_func=lambda b: f"{b:g}")
    control("model", sb.selectbox, format_func=MODEL_LABELS.get)
    if state.model == "sampled":
        control("k", sb.number_input, step=10)
    sb.subheader("Drawing")
    if state.task == "classification":
        control("label", sb.radio, horizontal=True, format_func=lambda c: "+1 (red)" if c > 0 else "-1 (blue)")
    else:
        control("target", sb.number_input, step=0.1)
    if not hidden("history"):
        c1, c2, c3 = sb.columns(3)
        c1.button("Undo", on_click=on_undo, disabled=not ss.history.can_undo, width="stretch")
        c2.button("Redo", on_click=on_redo, disabled=not ss.history.can_redo, width="stretch")
        c3.button("Clear", on_click=on_clear, disabled=not state.points, width="stretch")
    if not hidden("csv"):
        sb.file_uploader("Import CSV (columns x1, x2, y)", type=["csv"], key="csv_upload", on_change=on_csv,
                         max_upload_size=1)
        sb.download_button("Export CSV", points_to_csv(state.points), file_name="points.csv", mime="text/csv",
                           on_click="ignore")
    if not hidden("share"):
        sb.subheader("Share")
        sb.caption("The address bar always holds the whole picture; copy it, or this link:")
        sb.code(share_link(state), language=None, wrap_lines=True)


def share_link(state: AppState) -> str:
    from urllib.parse import urlencode

    base = ""
    try:
        base = (st.context.url or "").split("?")[0]
    except Exception:  # noqa: BLE001 - no request context (tests)
        base = ""
    return f"{base}?{urlencode(encode(state))}"


def certificate_panel(state: AppState, fit: Fit) -> None:
    st.subheader("Certificate")
    if fit.model is None:
        (st.warning if state.points else st.info)(fit.error)
        return
    s = summarize(fit.model, state)
    if s.certified:
        st.success(f"Certified global optimum (relative gap {s.relative_gap:.1e})", icon=":material/verified:")
    else:
        reason = s.reason or "this model carries no certificate"
        st.warning(reason if reason.lower().startswith("not ") else f"Not certified: {reason}")
    c1, c2 = st.columns(2)
    c1.metric("Primal objective", f"{s.objective:.6g}")
    c2.metric("Dual objective", shown(s.dual_objective, ".6g"))
    c1.metric("Duality gap", shown(s.duality_gap, ".3g"))
    c2.metric("Relative gap", shown(s.relative_gap, ".3g"))
    c1.metric("Active neurons", s.n_neurons)
    c2.metric("Patterns", s.n_patterns)
    c1.metric("Solve time", f"{s.solve_time * 1000:.0f} ms")
    c2.metric(s.fit_metric[0].upper() + s.fit_metric[1:], f"{s.fit_value:.1%}" if state.task == "classification" else f"{s.fit_value:.4g}")
    st.caption(f"{s.model}, fitted to {len(state.points)} points; beta = {state.beta:g} (the zero network is "
               f"optimal for beta >= {s.beta_max:.4g}); {s.n_iter} iterations.")
    if math.isfinite(s.beta_max) and state.beta < SMALL_BETA * s.beta_max:
        st.caption(f"beta is below {SMALL_BETA:g} x beta_max: the network nearly interpolates the points, the "
                   f"convex program is badly conditioned, and the solver may stop (after at most "
                   f"{FIT_SECONDS:g} s) before it can certify; it then says why.")
    with st.expander("What does “certified global optimum” mean?"):
        st.write(EXPLANATION)


def downloads(state: AppState, fit: Fit) -> None:
    if fit.model is None or state.hidden("downloads"):
        return
    model = fit.model
    c1, c2 = st.columns(2)
    c1.download_button("Certificate (JSON)", lambda: certificate_json(model, state), file_name="certificate.json",
                       mime="application/json", on_click="ignore")

    def snapshot() -> str:
        s = summarize(model, state)
        fig = fit_figure(state.points, state.task, fit.surface, active_neurons(model), title="Fitted network")
        lines = [f"{s.model}, task {state.task}, beta {state.beta:g}, {len(state.points)} points",
                 f"primal objective {s.objective:.8g}, dual objective {s.dual_objective:.8g}, gap {s.duality_gap:.3g}",
                 "certified global optimum" if s.certified else f"not certified: {s.reason}"]
        bounds = bounds_figure([(s.model, s.objective, s.dual_objective)])
        return snapshot_html([fig, bounds], "Convex Playground snapshot", lines)

    c2.download_button("Snapshot (HTML)", snapshot, file_name="convex-playground.html", mime="text/html",
                       on_click="ignore")


def shown(value: float, fmt: str) -> str:
    """A number for the page; "n/a" where the model has none (e.g. no bound on p*)."""
    return format(value, fmt) if math.isfinite(value) else "n/a"


def compare_tab(state: AppState) -> None:
    st.caption("Exact ReLU gives the global optimum; gated ReLU with all patterns is a relaxation (its optimum "
               "is a lower bound), sampled patterns give an upper bound, and Adam trains the same network by "
               "gradient steps from a random start, as TensorFlow Playground does: it can stop above the optimum. "
               "Each is fitted to the same points and beta.")
    if not st.toggle("Fit the other models too", key="compare_on"):
        return
    rows = []
    fits = {}
    for model in ("exact", "gated", "sampled", "adam"):
        with st.spinner(f"Fitting {MODEL_LABELS[model]}…"):
            fit = fit_state(state, model)
        if fit.model is None:
            st.warning(f"{MODEL_LABELS[model]}: {fit.error}")
            continue
        fits[model] = fit
        s = summarize(fit.model, replace(state, model=model))
        rows.append((s.model, s.objective, s.dual_objective, s.certified))
    if rows:
        st.plotly_chart(bounds_figure([r[:3] for r in rows]), key="compare_chart")
    if "adam" in fits:
        exact = fits["exact"].model if "exact" in fits else None
        optimum = exact.objective_ if exact is not None and exact.certified_ else None  # only a certified p*
        st.plotly_chart(training_figure(fits["adam"].model.history_, optimum), key="training_chart")
    if rows:
        st.table({"model": [r[0] for r in rows], "objective": [f"{r[1]:.6g}" for r in rows],
                  "certified": ["yes" if r[3] else "no" for r in rows]})


def main() -> None:
    st.set_page_config(page_title="Convex Playground", layout="wide")
    start_session()
    state = ss.app_state
    sidebar(state)
    if ss.get("notice"):
        st.warning(ss.notice)
        ss.notice = None
    left, right = st.columns([5, 4])
    with right:  # the spinner sits above the certificate, so the canvas never moves under the pointer
        with st.spinner("Solving the convex program…", show_time=True):
            fit = fit_state(state)
        certificate_panel(state, fit)
        downloads(state, fit)
    with left:
        point_editor(canvas_data(state, fit, ss.sync.base), on_canvas_edit)
    labels = ["Fit", "Compare"] + [label for label, _ in GEOMETRY_TABS]
    slugs = {tab_slug(label): label for label in labels}
    open_label = slugs.get(state.tab, labels[0])
    tabs = st.tabs(labels, key="w_tab", default=open_label, on_change=on_tab)
    if tabs[0].open:
        with tabs[0]:
            if fit.model is not None:
                st.plotly_chart(fit_figure(state.points, state.task, fit.surface, active_neurons(fit.model)),
                                key="fit_chart")
            else:
                st.info(fit.error)
    if tabs[1].open:
        with tabs[1]:
            compare_tab(state)
    X, y = as_arrays(state.points)
    ctx = ViewContext(X=X, y=y, task=state.task, beta=state.beta, model=fit.model, view=state.view)
    for tab, (label, render) in zip(tabs[2:], GEOMETRY_TABS):
        if not tab.open:
            continue
        with tab:
            try:
                render(ctx)
            except Exception as exc:  # noqa: BLE001 - a view's failure must not take the page down
                st.warning(f"{label} could not be drawn: {str(exc)[:200]}")
    params = encode(state)
    if st.query_params.to_dict() != params:
        st.query_params.from_dict(params)


main()
