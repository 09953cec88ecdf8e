"""The Training and Path tabs in Chromium: the animation plays, pauses and steps through its frames."""

import re
from urllib.parse import urlencode

from app.codec import encode
from app.state import validated
from test_browser_playground import wait_idle
from test_layout import until

PTS = ((-0.6, -0.5, 1.0), (0.5, 0.6, 1.0), (-0.5, 0.6, -1.0), (0.6, -0.4, -1.0), (0.1, 0.2, 1.0),
       (-0.2, -0.1, -1.0), (0.3, -0.7, 1.0), (-0.7, 0.2, -1.0))


def title_of(plot) -> str:
    return plot.locator(".gtitle").first.text_content() or ""  # an SVG text node


def test_training_animation_plays_pauses_and_steps(app_server, page):
    page.goto(f"{app_server}?{urlencode(encode(validated(points=PTS, tab='training')))}")
    panel = page.locator("[role=tabpanel]:visible").last
    plot = panel.locator(".js-plotly-plot").first
    plot.wait_for(timeout=120_000)
    wait_idle(page)
    until(lambda: "step 0" in title_of(plot), timeout=30)
    plot.get_by_text(re.compile("play")).first.click()
    until(lambda: "step 0," not in title_of(plot), timeout=20)  # frames advance on their own
    plot.get_by_text(re.compile("pause")).first.click()
    page.wait_for_timeout(600)
    paused = title_of(plot)
    page.wait_for_timeout(1200)
    assert title_of(plot) == paused  # paused: the frame stays
    assert panel.get_by_text(re.compile(r"starts within 0.001 of p\*")).count() == 2  # Adam's and SGD's


def test_path_tab_draws_its_animation_and_curves(app_server, page):
    page.goto(f"{app_server}?{urlencode(encode(validated(points=PTS, tab='path')))}")
    panel = page.locator("[role=tabpanel]:visible").last
    panel.locator(".js-plotly-plot").nth(1).wait_for(timeout=120_000)
    wait_idle(page)
    assert "Optimum: beta" in title_of(panel.locator(".js-plotly-plot").first)
    assert panel.locator("[data-testid=stException]").count() == 0
