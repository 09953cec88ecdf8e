"""Open every geometry tab of the running app in Chromium, check its pictures appear, save a screenshot."""

import re
import time
from pathlib import Path

import pytest

from app.tabs import TABS

ROOT = Path(__file__).resolve().parents[2]
ARTIFACT_DIR = "artifacts"


MIN_CHARTS = {"Arrangement": 2, "Zonotope": 2, "Dual": 3}
"""Fewest pictures each tab shows for the app's default example with its fit (sphere and partition; zonotope and
partition; dual map and slices)."""


@pytest.mark.parametrize("label", [TABS[key].label for key in ("arrangement", "zonotope", "dual-certificate")])
def test_geometry_tab_opens_and_draws(app_server, page, label):
    page.set_viewport_size({"width": 1400, "height": 3600})  # every chart of a tab on screen at once
    page.goto(app_server)
    tab = page.get_by_role("tab", name=re.compile(re.escape(label))).first
    tab.wait_for(state="visible", timeout=180_000)
    # the script has started (it drew the tabs); wait until it has finished running
    status = page.locator("[data-testid=stStatusWidget]")
    status.wait_for(state="hidden", timeout=180_000)
    t0 = time.perf_counter()
    tab.click()
    panel = page.locator("[role=tabpanel]:visible").last
    panel.locator(".js-plotly-plot .main-svg").first.wait_for(state="attached", timeout=120_000)
    need = next(k for word, k in MIN_CHARTS.items() if word in label)
    # tabs are lazy (only the open tab runs), so its charts arrive one by one during the run the click started
    panel.locator(".js-plotly-plot").nth(need - 1).wait_for(state="attached", timeout=90_000)
    status.wait_for(state="hidden", timeout=180_000)
    elapsed = time.perf_counter() - t0
    assert panel.locator(".js-plotly-plot").count() >= need
    assert panel.locator("[data-testid=stException]").count() == 0
    assert panel.get_by_text(re.compile("could not be drawn")).count() == 0
    page.wait_for_timeout(500)  # let WebGL scenes finish their first frame
    out = ROOT / ARTIFACT_DIR
    out.mkdir(exist_ok=True)
    name = re.sub(r"[^a-z]+", "_", label.lower()).strip("_")
    panel.screenshot(path=str(out / f"geometry_{name}.png"))
    print(f"{label}: drawn {elapsed:.2f} s after the click (the whole page reruns)")
