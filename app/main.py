"""Convex Playground: draw 2-D points, see the certified globally optimal ReLU network, share the link.

This script only wires state, cache and layout; the pieces live in their own modules.
"""

from __future__ import annotations

import logging
import math
import sys
import time
import uuid
from dataclasses import replace
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np
import streamlit as st

from app.certificate_view import EXPLANATION, certificate_json, summarize_scene
from app.codec import encode
from app.csv_points import MAX_CSV_BYTES, points_from_csv, points_to_csv
from app.editor import canvas_data, point_editor, unit_rows
from app.edits import CanvasSync, apply_canvas_message
from app.figures import bounds_figure, fit_figure, gap_figure, snapshot_html
from app.fitting import Fit, oracle_of
from app.jobs import LIVE_AFTER, STORE, FitJob, fit_key
from app.history import redo, undo
from app.models import FIT_SECONDS, MODELS
from app.plain import plain
from app.presets import PRESETS
from app.scene import Scene, build_scene
from app.session import DATA_FIELDS, drawn, on_widget, push_widgets, set_state, start_session, widget_key
from app.state import FIELD, MODEL_LABELS, AppState, as_task, with_changes
from app.tabs import TABS
from app.views.lesson_panel import lesson_panel, lesson_picker
from solvers import DEFAULT_TOL

LIVE_REFRESH = 0.25
"""Seconds between two redraws of a running fit's status (and the longest a click waits to be taken)."""

SMALL_BETA = 1e-3
"""Below SMALL_BETA x beta_max the page warns that certification may not be reached in time."""

ss = st.session_state

PAGE_CSS = """
<style>
[data-testid="stMainBlockContainer"], .block-container { padding-top: 1.5rem; padding-left: 1.5rem;
  padding-right: 1.5rem; }
[data-testid="stMetricValue"] { font-size: 1.45rem; }
</style>
"""
"""The page's own layout rules: narrow margins (a projector is 1024 x 768) and metrics that fit their column."""


def on_tab() -> None:
    label = ss.get("w_tab")
    key = {spec.label: key for key, spec in TABS.items()}.get(label)
    if key is not None:
        ss.app_state = with_changes(ss.app_state, tab=key)


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
    set_state(drawn(replace(state, points=points)), points_from_canvas=True)


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
    ss.app_state = drawn(replace(state, points=as_task(points, state.task)))
    ss.sync = ss.sync.reset()
    push_widgets(ss.app_state)


def on_clear() -> None:
    set_state(drawn(replace(ss.app_state, points=())))


def on_csv(key: str = "csv_upload") -> None:
    upload = ss.get(key)
    if upload is None:
        return
    try:
        if upload.size > MAX_CSV_BYTES:
            raise ValueError(f"the file is larger than {MAX_CSV_BYTES // 1024} KiB")
        read = points_from_csv(upload.getvalue(), page_task=ss.app_state.task)
        state = with_changes(ss.app_state, task=read.task, points=read.points)
    except ValueError as exc:
        ss.notice = f"CSV not imported: {exc}. Your drawing is unchanged."
        return
    set_state(drawn(state))
    # a fresh, empty uploader after each import: Streamlit's uploader does not fire again for the same
    # file, so the same file could not be imported again (after Clear, say). A refused file stays listed.
    ss.csv_rev = ss.get("csv_rev", 0) + 1
    if read.notes:
        ss.notice = f"CSV imported ({len(read.points)} points): " + " ".join(read.notes)


# ---------------------------------------------------------------- layout
def sidebar(state: AppState) -> None:
    hidden = state.hidden
    sb = st.sidebar
    sb.title("Convex Playground")
    if not hidden("lessons"):
        lesson_picker(sb)
    if not all(hidden(n) for n in DATA_FIELDS):
        sb.subheader("Data")

    def control(name: str, widget, **kwargs) -> None:
        """One sidebar control, labelled and bounded by its row of the field table."""
        if not hidden(name):
            f = FIELD[name]
            domain = (f.choices,) if f.choices else (f.low, f.high)
            widget(f.label, *domain, key=widget_key(name), on_change=on_widget, args=(name,), **kwargs)

    control("preset", sb.selectbox, format_func=lambda key: PRESETS[key].label)
    control("n", sb.slider)
    control("noise", sb.slider, step=0.05)
    control("seed", sb.number_input, step=1)
    if not all(hidden(n) for n in ("task", "beta", "model", "k")):
        sb.subheader("Model")
    control("task", sb.radio, horizontal=True)
    control("beta", sb.select_slider, format_func=lambda b: f"{b:g}")
    control("model", sb.selectbox, format_func=MODEL_LABELS.get)
    if MODELS[state.model].uses_k:
        control("k", sb.number_input, step=10)
    if not all(hidden(n) for n in ("label", "target", "history", "csv")):
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
        key = f"csv_upload_{ss.get('csv_rev', 0)}"
        sb.file_uploader("Import CSV (columns x1, x2, y)", type=["csv", "tsv", "txt"], key=key, on_change=on_csv,
                         args=(key,), max_upload_size=1)
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


def certificate_panel(scene: Scene) -> None:
    st.subheader("Certificate")
    state = scene.state
    if scene.model is None:
        (st.warning if state.points else st.info)(plain(scene.fit.error))
        return
    s = summarize_scene(scene)
    if s.certified:
        st.success(f"Certified global optimum (relative gap {s.relative_gap:.1e})", icon=":material/verified:")
    else:
        reason = s.reason or "this model carries no certificate"
        st.warning(plain(reason if reason.lower().startswith("not ") else f"Not certified: {reason}"))
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
    if scene.fit.trace:
        gap_curve(scene.fit.trace)
        st.caption(f"The gap of the network while the fit ran ({len(scene.fit.trace) - 1} reports, then the "
                   f"returned network's certificate).")
    with st.expander("What does “certified global optimum” mean?"):
        st.write(EXPLANATION)


def gap_curve(trace) -> None:
    st.plotly_chart(gap_figure(trace, DEFAULT_TOL), config={"displayModeBar": False})


def live_status(job: FitJob, report) -> None:
    """What the running fit's certificate proves already (``report``: its latest report, or None)."""
    seconds = time.perf_counter() - job.started
    if report is None:
        what = "the first bound comes in a moment" if job.live else "this model reports no bound while it runs"
        st.info(f"Solving… ({seconds:.1f} s; {what}). A click starts a new fit.", icon=":material/hourglass_top:")
        return
    st.info(f"Within {report.relative_gap:.2%} of the optimum, certifying… ({seconds:.1f} s)",
            icon=":material/hourglass_top:")
    c1, c2 = st.columns(2)
    c1.metric("Primal (network now)", f"{report.objective:.6g}")
    c2.metric("Dual (p* is at least)", f"{report.dual_objective:.6g}")
    c1.metric("Duality gap", f"{report.objective - report.dual_objective:.3g}")
    c2.metric("Active neurons", report.n_neurons)
    st.caption("Any dual-feasible point bounds the optimum from below, so the network shown now is already "
               "proved to be within the gap of the best network of any width. A click starts a new fit.")


def watch(job: FitJob, state: AppState, slot) -> None:
    """Show the running fit in ``slot`` until the job ends, then draw the page again with its fit: the
    status every ``LIVE_REFRESH`` seconds, the gap curve and the network when a new report comes.  The
    script stays in this loop meanwhile, so a click (which stops a running script at its next redraw)
    starts the new drawing's run within ``LIVE_REFRESH`` seconds."""
    with slot.container():
        st.subheader("Certificate")
        head, curve, picture = st.empty(), st.empty(), st.empty()
    shown, frame = 0, 0
    while True:
        report = job.latest()
        with head.container():
            live_status(job, report)
        if len(job.reports) != shown:
            shown = len(job.reports)
            curve.plotly_chart(gap_figure(job.trace(), DEFAULT_TOL, time.perf_counter() - job.started),
                               config={"displayModeBar": False}, key=f"live-gap-{frame}")
            fig = fit_figure(state.points, state.task, job.surface, np.zeros((0, 5)), title="The network now")
            picture.plotly_chart(fig.update_layout(height=300, margin=dict(l=30, r=10, t=30, b=30), showlegend=False),
                                 config={"displayModeBar": False}, key=f"live-net-{frame}")
        if job.done.wait(LIVE_REFRESH):
            break
        frame += 1
    st.rerun()


def current_fit(state: AppState) -> tuple[Fit, FitJob | None]:
    """The state's fit, if it ends within ``LIVE_AFTER`` seconds; otherwise the running job and a fit
    holding only the job's latest network on the grid (a model that reports nothing while it runs has none).

    This session stops waiting for the fit of its previous drawing: a fit nobody waits for is cancelled."""
    key = fit_key(state)
    me = ss.setdefault("watcher", uuid.uuid4().hex)
    previous = ss.get("live_key")
    if previous is not None and previous != key:
        STORE.release(previous, me)
    ss.live_key = None
    fit = STORE.finished(key)
    if fit is not None:
        return fit, None
    job = STORE.job(key, me, oracle_of(state.points) if state.points else None, live=MODELS[state.model].live)
    ss.live_key = key
    fit = job.wait(LIVE_AFTER)
    if fit is not None:
        return fit, None
    return Fit(surface=job.surface), job


def downloads(scene: Scene) -> None:
    state = scene.state
    if scene.model is None or state.hidden("downloads"):
        return
    c1, c2 = st.columns(2)
    c1.download_button("Certificate (JSON)", lambda: certificate_json(scene), file_name="certificate.json",
                       mime="application/json", on_click="ignore")

    def snapshot() -> str:
        s = summarize_scene(scene)
        fig = fit_figure(state.points, state.task, scene.fit.surface, unit_rows(scene), title="Fitted network")
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


def tabs_of(scene: Scene) -> None:
    """The registry's tabs (less the hidden ones), only the open one drawn."""
    state = scene.state
    shown_tabs = [spec for key, spec in TABS.items() if not state.hidden(key)]
    if not shown_tabs:
        return
    open_spec = TABS.get(state.tab)
    default = open_spec.label if open_spec in shown_tabs else shown_tabs[0].label
    containers = st.tabs([spec.label for spec in shown_tabs], key="w_tab", default=default, on_change=on_tab)
    for tab, spec in zip(containers, shown_tabs):
        if not tab.open:
            continue
        with tab:
            try:
                spec.render(scene)
            except Exception as exc:  # noqa: BLE001 - a view's failure must not take the page down
                logging.getLogger(__name__).exception("tab %s failed", spec.key)
                st.warning(f"{spec.label} could not be drawn ({type(exc).__name__}).")


def main() -> None:
    st.set_page_config(page_title="Convex Playground", layout="wide")
    st.html(PAGE_CSS)
    start_session()
    state = ss.app_state
    sidebar(state)
    if ss.get("notice"):
        st.warning(plain(ss.notice))
        ss.notice = None
    panel = st.container()  # the open lesson step, above the canvas (drawn once the scene is known)
    left, right = st.columns([5, 4])
    with right:  # the spinner sits above the certificate, so the canvas never moves under the pointer
        with st.spinner("Solving the convex program…", show_time=True):
            fit, job = current_fit(state)
            scene = build_scene(state, fit)
        if job is None:
            certificate_panel(scene)
            downloads(scene)
        else:
            slot = st.empty()
    if job is None:
        with panel:
            lesson_panel(scene)
    with left:
        point_editor(canvas_data(scene, ss.sync.base), on_canvas_edit)
    if job is None:
        tabs_of(scene)
    else:
        st.caption("The tabs come back as soon as the fit ends.")
    params = encode(state)
    if st.query_params.to_dict() != params:
        st.query_params.from_dict(params)
    if job is not None:
        watch(job, state, slot)


main()
