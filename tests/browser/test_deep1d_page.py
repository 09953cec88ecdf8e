"""The Deep 1-D tab in Chromium: it opens from a link, draws the three depths, and a depth click reaches the link."""

import re
import time
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from app.codec import decode, encode
from app.presets1d import make_preset1d
from app.state import validated

ROOT = Path(__file__).resolve().parents[2]


def params(url: str) -> dict:
    return {k: v[-1] for k, v in parse_qs(urlsplit(url).query, keep_blank_values=True).items()}


def test_deep1d_tab_draws_and_a_depth_click_reaches_the_link(app_server, page):
    from urllib.parse import urlencode

    state = validated(preset1d="paper", points1d=make_preset1d("paper"), depth=3, tab="deep-1d")
    page.goto(f"{app_server}?{urlencode(encode(state))}")
    panel = page.locator("[role=tabpanel]:visible").last
    panel.locator(".js-plotly-plot .main-svg").first.wait_for(state="attached", timeout=120_000)
    page.get_by_text(re.compile("network objective")).first.wait_for(timeout=60_000)
    assert panel.locator("[data-testid=stException]").count() == 0
    legend = panel.locator(".js-plotly-plot").first.inner_text()
    assert "depth 2" in legend and "depth 3" in legend and "depth 4" in legend
    t0 = time.perf_counter()
    panel.get_by_text("4", exact=True).first.click()  # the depth radio
    page.wait_for_url(lambda u: decode(params(u))[0].depth == 4, timeout=60_000)
    print(f"depth click to link: {time.perf_counter() - t0:.2f} s")
    got, warning = decode(params(page.url))
    assert warning is None and got.points1d == state.points1d and got.tab == "deep-1d"
    (ROOT / "artifacts").mkdir(exist_ok=True)
    panel.screenshot(path=str(ROOT / "artifacts" / "deep1d.png"))
