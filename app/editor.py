"""The point editor: a Streamlit v2 component (inline HTML/CSS/JS, no build step).

The canvas shows the square [-DOMAIN, DOMAIN]^2 with the fitted surface as background, the
active neurons as lines ``w . x + b = 0`` and the points. Click adds a point of the selected
class (shift-click the other class; in regression the sidebar's target, shift-click its
negative), drag moves a point, right-click or alt-click erases one. The canvas applies each
edit at once and sends the list of its edits since ``base`` (see ``app.edits``) as the
trigger ``edit``; the server replays them and sends back the new fit.
"""

from __future__ import annotations

from typing import Any, Callable

import numpy as np
import streamlit as st

from .grid import DOMAIN
from .scene import Scene
from .state import MAX_APP_POINTS

SIZE = 480
"""Side of the canvas in CSS pixels at most (it shrinks with its column; drawing coordinates stay 480)."""

HTML = """
<div class="cp-editor">
  <canvas class="cp-canvas" data-testid="cp-canvas" width="480" height="480" role="img"
    aria-label="Point editor: the data points over the fitted network's output"></canvas>
  <div class="cp-help">click: add &middot; shift-click: other class (regression: -target)
  &middot; drag: move &middot; right-click or alt-click: erase &middot; <span class="cp-count"></span></div>
  <div class="cp-legend"><span class="cp-lo"></span><span class="cp-bar"></span><span class="cp-hi"></span></div>
</div>
"""

CSS = """
.cp-editor { display: block; width: 100%; max-width: 480px; font-family: sans-serif; }
.cp-canvas { display: block; width: 100%; height: auto; aspect-ratio: 1 / 1; padding: 0; margin: 0; border: 0;
  outline: 1px solid #888; cursor: crosshair; touch-action: none; user-select: none; }
.cp-help { font-size: 12px; color: #666; margin-top: 6px; }
.cp-legend { display: flex; align-items: center; gap: 6px; font-size: 12px; color: #444; margin-top: 4px; }
.cp-bar { flex: 1; height: 10px; border: 1px solid #aaa;
  background: linear-gradient(to right, rgb(31,119,180), #fff, rgb(214,39,40)); }
"""

JS = r"""
const instances = new WeakMap();
const HIT = 9, RADIUS = 6, BUSY_MS = 300;
const RED = [214, 39, 40], BLUE = [31, 119, 180];

function mix(c, t) { return c.map(v => Math.round(255 + (v - 255) * t)); }
function valueColour(v, vmax) {
  const t = Math.max(-1, Math.min(1, v / (vmax || 1)));
  return t >= 0 ? mix(RED, t) : mix(BLUE, -t);
}
function rgb(c) { return `rgb(${c[0]},${c[1]},${c[2]})`; }

function setup(parent) {
  const canvas = parent.querySelector("canvas.cp-canvas");
  const st = { canvas, ctx: canvas.getContext("2d"), data: null, points: [], ops: [], base: null,
               client: Math.random().toString(36).slice(2, 10), drag: null, send: null,
               busy: false, busyTimer: null };
  const dpr = window.devicePixelRatio || 1;
  canvas.width = Math.round(480 * dpr); canvas.height = Math.round(480 * dpr);

  function toData(e) {
    const r = canvas.getBoundingClientRect(), D = st.data.domain;
    const px = (e.clientX - r.left) / r.width, py = (e.clientY - r.top) / r.height;
    return [-D + 2 * D * px, D - 2 * D * py];
  }
  function toPixel(x, y) {
    const D = st.data.domain;
    return [(x + D) / (2 * D) * 480, (D - y) / (2 * D) * 480];
  }
  function clamp(v) { const D = st.data.domain; return Math.max(-D, Math.min(D, Math.round(v * 1000) / 1000)); }
  function hit(e) {
    const r = canvas.getBoundingClientRect();
    const mx = (e.clientX - r.left) * 480 / r.width, my = (e.clientY - r.top) * 480 / r.height;
    let best = -1, bestD = HIT * HIT;
    st.points.forEach((p, i) => {
      const [px, py] = toPixel(p[0], p[1]); const d = (px - mx) ** 2 + (py - my) ** 2;
      if (d <= bestD) { best = i; bestD = d; }
    });
    return best;
  }
  function emit(op) {
    st.ops.push(op);
    clearTimeout(st.busyTimer);  // a fit slower than BUSY_MS shows "solving..." on the canvas
    st.busyTimer = setTimeout(() => {
      st.busy = true; draw();
      st.busyTimer = setTimeout(() => { st.busy = false; draw(); }, 60000);  // never stuck if no data comes
    }, BUSY_MS);
    draw();
    st.send("edit", { base: st.base, client: st.client, ops: st.ops.slice() });
  }
  canvas.addEventListener("contextmenu", e => e.preventDefault());
  canvas.addEventListener("pointerdown", e => {
    if (!st.data) return;
    e.preventDefault();
    const i = hit(e);
    if (e.button === 2 || e.altKey) {
      if (i >= 0) { st.points.splice(i, 1); emit({ op: "erase", i }); }
      return;
    }
    if (e.button !== 0) return;
    canvas.setPointerCapture(e.pointerId);
    st.drag = { i, moved: false, x0: e.clientX, y0: e.clientY, shift: e.shiftKey };
  });
  canvas.addEventListener("pointermove", e => {
    const d = st.drag; if (!d || d.i < 0) return;
    if (!d.moved && Math.abs(e.clientX - d.x0) + Math.abs(e.clientY - d.y0) < 3) return;
    d.moved = true;
    const [x, y] = toData(e);
    st.points[d.i] = [clamp(x), clamp(y), st.points[d.i][2]];
    draw();
  });
  canvas.addEventListener("pointerup", e => {
    const d = st.drag; st.drag = null; if (!d) return;
    if (d.i >= 0) {
      if (d.moved) { const p = st.points[d.i]; emit({ op: "move", i: d.i, x: p[0], y: p[1] }); }
      return;
    }
    if (st.points.length >= st.data.max_points) {  // say why the click adds nothing
      st.full = true; draw(); clearTimeout(st.fullTimer);
      st.fullTimer = setTimeout(() => { st.full = false; draw(); }, 2500);
      return;
    }
    const [x, y] = toData(e);
    let v;
    if (st.data.task === "classification") v = d.shift ? -st.data.label : st.data.label;
    else v = d.shift ? -st.data.target : st.data.target;
    const p = [clamp(x), clamp(y), v];
    st.points.push(p);
    emit({ op: "add", x: p[0], y: p[1], v });
  });

  function draw() {
    const { ctx } = st, data = st.data, dprNow = canvas.width / 480;
    ctx.setTransform(dprNow, 0, 0, dprNow, 0, 0);
    ctx.clearRect(0, 0, 480, 480);
    ctx.fillStyle = "#fff"; ctx.fillRect(0, 0, 480, 480);
    const s = data.surface;
    if (s) {
      const off = document.createElement("canvas"); off.width = s.size; off.height = s.size;
      const octx = off.getContext("2d"), img = octx.createImageData(s.size, s.size);
      for (let k = 0; k < s.values.length; k++) {
        const c = valueColour(s.values[k], s.vmax);
        const a = data.task === "classification" ? 0.55 : 0.8;
        img.data[4 * k] = Math.round(255 + (c[0] - 255) * a); img.data[4 * k + 1] = Math.round(255 + (c[1] - 255) * a);
        img.data[4 * k + 2] = Math.round(255 + (c[2] - 255) * a); img.data[4 * k + 3] = 255;
      }
      octx.putImageData(img, 0, 0);
      ctx.imageSmoothingEnabled = true;
      ctx.drawImage(off, 0, 0, 480, 480);
    }
    // axes x1, x2 with ticks at -1, -0.5, 0, 0.5, 1 (of the domain)
    ctx.strokeStyle = "rgba(0,0,0,0.15)"; ctx.lineWidth = 1;
    ctx.beginPath(); ctx.moveTo(240, 0); ctx.lineTo(240, 480); ctx.moveTo(0, 240); ctx.lineTo(480, 240); ctx.stroke();
    ctx.fillStyle = "rgba(0,0,0,0.55)"; ctx.font = "11px sans-serif";
    for (const t of [-1, -0.5, 0, 0.5, 1]) {
      const v = t * data.domain, [px] = toPixel(v, 0), [, py] = toPixel(0, v);
      ctx.textAlign = t === -1 ? "left" : t === 1 ? "right" : "center"; ctx.fillText(String(v), px, 474);
      ctx.textAlign = "left"; ctx.fillText(String(v), 3, t === 1 ? py + 11 : t === -1 ? py - 3 : py + 4);
      ctx.beginPath(); ctx.moveTo(px, 480); ctx.lineTo(px, 472); ctx.moveTo(0, py); ctx.lineTo(8, py); ctx.stroke();
    }
    ctx.textAlign = "right"; ctx.fillText("x1", 474, 252); ctx.textAlign = "left"; ctx.fillText("x2", 246, 12);
    ctx.textAlign = "left";
    // neurons: lines w . x + b = 0
    const D = data.domain, amax = Math.max(1e-12, ...data.neurons.map(n => n[3]));
    for (const [w1, w2, b, a, sign] of data.neurons) {
      const nw = Math.hypot(w1, w2); if (nw < 1e-12) continue;
      const p0 = [-b * w1 / (nw * nw), -b * w2 / (nw * nw)], dir = [-w2 / nw, w1 / nw];
      let t0 = -1e9, t1 = 1e9;
      for (let k = 0; k < 2; k++) {
        if (Math.abs(dir[k]) < 1e-12) { if (Math.abs(p0[k]) > D) { t0 = 1; t1 = 0; } continue; }
        let ta = (-D - p0[k]) / dir[k], tb = (D - p0[k]) / dir[k];
        if (ta > tb) [ta, tb] = [tb, ta];
        t0 = Math.max(t0, ta); t1 = Math.min(t1, tb);
      }
      if (t0 >= t1) continue;
      const A = toPixel(p0[0] + t0 * dir[0], p0[1] + t0 * dir[1]), B = toPixel(p0[0] + t1 * dir[0], p0[1] + t1 * dir[1]);
      ctx.strokeStyle = sign > 0 ? "rgba(150,20,20,0.9)" : sign < 0 ? "rgba(20,60,150,0.9)" : "rgba(60,60,60,0.9)";
      ctx.lineWidth = 1 + 4 * a / amax;
      ctx.beginPath(); ctx.moveTo(A[0], A[1]); ctx.lineTo(B[0], B[1]); ctx.stroke();
    }
    // points
    for (const p of st.points) {
      const [px, py] = toPixel(p[0], p[1]);
      ctx.beginPath(); ctx.arc(px, py, RADIUS, 0, 2 * Math.PI);
      ctx.fillStyle = data.task === "classification" ? rgb(p[2] > 0 ? RED : BLUE) : rgb(valueColour(p[2], data.vmax));
      ctx.fill(); ctx.lineWidth = 1.5; ctx.strokeStyle = data.task === "classification" ? "#fff" : "#222"; ctx.stroke();
    }
    if (st.busy) {
      ctx.fillStyle = "rgba(255,255,255,0.85)"; ctx.fillRect(8, 8, 92, 24);
      ctx.fillStyle = "#333"; ctx.font = "13px sans-serif"; ctx.fillText("solving\u2026", 16, 25);
    }
    if (st.full) {
      ctx.fillStyle = "rgba(255,255,255,0.9)"; ctx.fillRect(90, 220, 300, 40);
      ctx.fillStyle = "#a00"; ctx.font = "14px sans-serif";
      ctx.fillText(`The canvas holds at most ${data.max_points} points`, 104, 245);
    }
    const lo = parent.querySelector(".cp-lo"), hi = parent.querySelector(".cp-hi");
    if (lo && hi) {  // the surface's colour scale: the classes, or the output values
      const vm = data.task === "classification" ? 1 : (data.vmax || 1);
      lo.textContent = data.task === "classification" ? "class -1 (output -1)" : `output ${(-vm).toPrecision(3)}`;
      hi.textContent = data.task === "classification" ? "class +1 (output +1)" : `${vm.toPrecision(3)}`;
    }
    const count = parent.querySelector(".cp-count");
    if (count) count.textContent = `${st.points.length} / ${data.max_points} points`;
    canvas.dataset.full = st.full ? "1" : "0";
    canvas.dataset.busy = st.busy ? "1" : "0";
    canvas.dataset.points = JSON.stringify(st.points);
    canvas.dataset.served = JSON.stringify(data.points);  // the points of the fit drawn underneath
    canvas.dataset.base = String(st.base);
    canvas.dataset.neurons = String(data.neurons.length);
  }
  st.draw = draw;
  return st;
}

export default function (component) {
  const { data, parentElement, setTriggerValue } = component;
  let st = instances.get(parentElement);
  if (!st) { st = setup(parentElement); instances.set(parentElement, st); }
  st.send = setTriggerValue;
  st.data = data;
  clearTimeout(st.busyTimer); st.busy = false;  // new data: the fit is in
  if (st.base !== data.base) { st.base = data.base; st.points = data.points.map(p => p.slice()); st.ops = []; }
  st.draw();
  return () => { instances.delete(parentElement); };
}
"""

_COMPONENT = st.components.v2.component("convex_playground.point_editor", html=HTML, css=CSS, js=JS)


def unit_rows(scene: Scene) -> np.ndarray:
    """Rows ``(w1, w2, b, strength, sign)`` of the fitted units: each is drawn on the line where it switches
    (a gated unit on its gate's line), width by strength, colour by the sign of its output weight
    (grey: no single sign)."""
    u = scene.units
    return np.column_stack([u.lines, u.strengths, u.signs]) if len(u) else np.zeros((0, 5))


def canvas_data(scene: Scene, base: int) -> dict[str, Any]:
    """What the canvas draws: the points, the fitted surface on the grid (row 0 on top), the fitted units
    (:func:`unit_rows`), the colour scale, and the click settings; ``base`` as in ``app.edits``."""
    state, fit = scene.state, scene.fit
    vmax = 1.0
    if state.task == "regression":
        biggest = [float(np.max(np.abs(scene.y), initial=0.0))]
        if fit.surface is not None:
            biggest.append(float(np.max(np.abs(fit.surface))))
        vmax = max(max(biggest), 1e-9)
    surface = None
    if fit.surface is not None:
        surface = {"size": int(fit.surface.shape[0]), "values": np.round(fit.surface, 4).ravel().tolist(),
                   "vmax": vmax}
    return {
        "base": int(base),
        "points": [list(p) for p in state.points],
        "task": state.task,
        "label": state.label,
        "target": state.target,
        "domain": DOMAIN,
        "max_points": MAX_APP_POINTS,
        "surface": surface,
        "vmax": vmax,
        "neurons": np.round(unit_rows(scene), 6).tolist(),
    }


def point_editor(data: dict[str, Any], on_edit: Callable[[], None], key: str = "canvas"):
    """Mount the editor with ``canvas_data(...)``; ``on_edit`` runs when the canvas sends edits."""
    return _COMPONENT(key=key, data=data, on_edit_change=on_edit)
