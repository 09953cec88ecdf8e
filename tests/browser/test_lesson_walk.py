"""Walk a lesson in Chromium: open a step by link, Next, a canvas edit that the live text follows, Back."""

import json
import re

from test_browser_playground import wait_idle
from test_layout import until


def test_walk_a_lesson_with_next_back_and_a_canvas_edit(app_server, page):
    page.goto(f"{app_server}?lesson=activation-patterns&step=1")
    panel = page.locator(".st-key-lesson_panel")
    panel.get_by_text("step 1 of 2").wait_for(timeout=120_000)
    wait_idle(page)
    assert panel.get_by_text(re.compile(r"With 6 points there are")).count() == 1
    page.get_by_role("button", name="Next →").click()
    panel.get_by_text("step 2 of 2").wait_for(timeout=60_000)
    wait_idle(page)
    text = panel.inner_text()
    before = int(re.search(r"Now (\d+) patterns for 6 points", text).group(1))
    assert before < 32  # three collinear points: fewer than Cover's count
    # add a point far from the others: the step's sentence now counts 7 points, live
    canvas = page.locator("canvas.cp-canvas")
    box = canvas.bounding_box()
    page.mouse.click(box["x"] + 0.1 * box["width"], box["y"] + 0.1 * box["height"])
    until(lambda: len(json.loads(canvas.get_attribute("data-served"))) == 7, timeout=60)
    wait_idle(page)
    until(lambda: re.search(r"Now (\d+) patterns for 7 points", panel.inner_text()) is not None, timeout=60)
    assert "step=2" in page.url and "lesson=activation-patterns" in page.url
    page.get_by_role("button", name="← Back").click()
    panel.get_by_text("step 1 of 2").wait_for(timeout=60_000)
    page.wait_for_url(re.compile(r"step=1"), timeout=60_000)
